#pragma once

#include "ingest/importlimits.h"
#include "reports/scorereport.h"

#include <optional>
#include <string>
#include <vector>

namespace cepheid::cli {

enum ExitCode { Success = 0, InputError = 1, UsageError = 2 };

// How inputs are read, for every command that reads exports: the limits (--limit NAME=VALUE, repeatable) and
// --strict (an input that gave no event from its bytes, or stopped part-way, is an error: exit 1).
struct InputOptions
{
    ImportLimits limits;
    bool strict = false;
};

struct ScoreOptions
{
    std::string profilePath;
    std::optional<std::string> windows; // "hop" | "sliding": overrides the profile's rule.windows
    bool listAll = false;
    bool compact = false;
    std::string outputPath;
    std::optional<std::string> now; // RFC 3339; default: the system clock
    std::optional<double> minScore;
    std::vector<std::string> inputs;
    std::string casePath; // score a case instead of files
    // What `report` adds: the format, which findings, a byte-order mark for spreadsheets.
    std::string format = "json"; // json | csv | stix | html | pdf
    std::optional<FindingSelection> selection;
    bool bom = false;
    std::size_t rawRecords = 5; // html and pdf: raw records shown per finding
    InputOptions input;
};

struct RuleExportOptions
{
    std::string profilePath; // a profile file or CASE.cepheid[@N]; empty: the defaults
    std::string outputDirectory;
};
std::optional<RuleExportOptions> parseRuleExportOptions(const std::vector<std::string>& arguments, std::string& error);

// cepheid-cli report: a case's findings as JSON (the score report), CSV, STIX, or the HTML or PDF case report.
std::optional<ScoreOptions> parseReportOptions(const std::vector<std::string>& arguments, std::string& error);

struct ImportOptionsCli
{
    std::string casePath;
    std::string title, analyst, ticket;
    std::vector<std::string> inputs;
    InputOptions input;
};

struct CaseInfoOptions
{
    std::string casePath;
};

struct CaseTriageOptions
{
    std::string casePath;
    std::string sourceIp, destination, processPath;
    std::optional<std::string> status, note; // absent: kept as the case has it
    std::string analyst;
};

std::optional<ImportOptionsCli> parseImportOptions(std::vector<std::string> arguments, std::string& error);
std::optional<CaseInfoOptions> parseCaseInfoOptions(const std::vector<std::string>& arguments, std::string& error);
std::optional<CaseInfoOptions> parseCaseVerifyOptions(const std::vector<std::string>& arguments, std::string& error);
std::optional<CaseTriageOptions> parseCaseTriageOptions(const std::vector<std::string>& arguments, std::string& error);

struct ProfileShowOptions
{
    std::string profilePath;
};

struct ProfileDiffOptions
{
    std::string before, after; // profile specs, as --profile takes them
};

// Parses `score` arguments (after the command word). Returns nullopt with error set on a usage error.
std::optional<ScoreOptions> parseScoreOptions(std::vector<std::string> arguments, std::string& error);
std::optional<ProfileDiffOptions> parseProfileDiffOptions(
    const std::vector<std::string>& arguments, std::string& error);
std::optional<ProfileShowOptions> parseProfileShowOptions(
    const std::vector<std::string>& arguments, std::string& error);

extern const char* const kUsage;

} // namespace cepheid::cli
