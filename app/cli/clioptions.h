#pragma once

#include "ingest/importlimits.h"
#include "reports/scorereport.h"

#include <optional>
#include <ostream>
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

// A ClickHouse table as a source of events (docs/clickhouse.md): score reads the considered flows from it, push
// appends exports to it. The password is read from CEPHEID_CLICKHOUSE_PASSWORD, never from the command line.
struct ClickHouseOptions
{
    std::string url; // http[s]://[user@]host[:port][/database]
    std::string table; // name or database.name; a --mapping file may give it instead
    std::string mappingPath;
    std::string caFile;
    std::optional<std::string> from, to; // RFC 3339
    std::string where;

    bool given() const { return !url.empty(); }
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
    ClickHouseOptions clickhouse; // score a ClickHouse table instead of files
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

// rule run: the seed rule evaluated inside ClickHouse (docs/clickhouse.md, "The rule on the server").
struct RuleRunOptions
{
    std::string profilePath; // a profile file or CASE.cepheid[@N]; empty: the defaults
    std::optional<std::string> windows; // "hop" | "sliding": overrides the profile's rule.windows
    bool listAll = false;
    bool compact = false;
    std::string outputPath;
    ClickHouseOptions clickhouse;
    InputOptions input;
};

struct ImportOptionsCli
{
    std::string casePath;
    std::string title, analyst, ticket;
    std::vector<std::string> inputs;
    ClickHouseOptions clickhouse; // a ClickHouse selection imported as a source
    bool refresh = false; // ask each of the case's ClickHouse sources again, replacing its events
    InputOptions input;
};

struct PushOptions
{
    ClickHouseOptions clickhouse;
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

struct ProfileShowOptions
{
    std::string profilePath;
};

struct ProfileDiffOptions
{
    std::string before, after; // profile specs, as --profile takes them
};

// The command line, parsed by one parser with the same rules for every command (CLI11): an option's value is
// "--name VALUE" or "--name=VALUE" and is taken as given, even when it starts with '-' or is "--help" (an empty one
// is "--name=" or "--name ''"); "--" ends the options, so every argument after it is a FILE; --help (or -h) at any
// level prints that level's usage; an unknown option is a usage error.
struct CommandLine
{
    enum class Command {
        None, // nothing to run: help or --version was printed, or a usage error was said; exit with exitCode
        Score,
        Report, // runs as score, on the options in `score`
        Import,
        Push,
        CaseInfo,
        CaseVerify, // on the options in `caseInfo`
        CaseTriage,
        RuleExport,
        RuleRun,
        ProfileShow,
        ProfileDiff,
    };
    Command command = Command::None;
    int exitCode = Success;
    ScoreOptions score; // score and report
    ImportOptionsCli importing;
    PushOptions push;
    CaseInfoOptions caseInfo; // case info and case verify
    CaseTriageOptions caseTriage;
    RuleExportOptions ruleExport;
    RuleRunOptions ruleRun;
    ProfileShowOptions profileShow;
    ProfileDiffOptions profileDiff;
};

// Parses the arguments after the program's name. Help and the version go to `out` (exit code Success); a usage
// error is one line and a hint to `err` (exit code UsageError), and the command is None.
CommandLine parseCommandLine(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

} // namespace cepheid::cli
