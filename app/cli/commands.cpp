#include "commands.h"

#include "casereportcommand.h"
#include "cases/casefile.h"
#include "clickhousecommands.h"
#include "clisupport.h"
#include "findings/caseanalysis.h"
#include "ingest/importer.h"
#include "reports/findingscsv.h"
#include "reports/ruleexport.h"
#include "reports/scorereport.h"
#include "reports/stixbundle.h"
#include "tuning/profilediff.h"
#include "tuning/profilejson.h"
#include "util/terminaltext.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace cepheid::cli {

namespace {

TimestampUs systemNow()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

int runScore(const ScoreOptions& options)
{
    std::string profileSource = options.profilePath.empty() ? "default" : options.profilePath;
    auto profile = profileFrom(options.profilePath);
    if (!profile)
        return InputError;
    TimestampUs now = systemNow();
    if (options.now) {
        const auto parsed = parseRfc3339(*options.now);
        if (!parsed) {
            std::cerr << "cepheid-cli: --now: '" << *options.now << "' is not an RFC 3339 timestamp\n";
            return UsageError;
        }
        now = *parsed;
    }
    if (!inputCountAccepted(options.inputs))
        return UsageError;

    // Opened once: for its saved profile here, for its events below.
    std::unique_ptr<CaseFile> caseFile;
    EventTable events;
    std::vector<InputSummary> inputs;
    if (!options.casePath.empty()) {
        // Read-write to record a new --profile (and to upgrade an older case); a case on read-only media is
        // scored read-only when nothing needs saving.
        const bool write = !options.profilePath.empty() || CaseFile::isWritableLocation(options.casePath);
        auto opened = CaseFile::open(options.casePath, write ? CaseFile::Mode::ReadWrite : CaseFile::Mode::ReadOnly);
        if (!opened) {
            std::cerr << "cepheid-cli: case refused: " << opened.error() << '\n';
            return InputError;
        }
        caseFile = std::move(*opened);
        const auto refused = [](const std::string& reason) {
            std::cerr << "cepheid-cli: case refused: " << reason << '\n';
            return InputError;
        };
        // A case remembers the profile its findings came from: the newest saved one is used without
        // --profile, and a --profile that differs from it joins the tuning history (and is the newest).
        const auto versions = caseFile->profiles();
        if (!versions)
            return refused(versions.error());
        const std::string json = profileToJson(*profile);
        if (!options.profilePath.empty() && (versions->empty() || versions->back().json != json)) {
            const char* user = std::getenv("USER");
            if (const auto saved = caseFile->saveProfile(json, user ? user : "", "used by cepheid-cli score"); !saved)
                return refused(saved.error());
        } else if (options.profilePath.empty()) {
            auto saved = newestSavedProfile(*caseFile);
            if (!saved) {
                std::cerr << "cepheid-cli: " << saved.error() << '\n';
                return InputError;
            }
            if (saved->version > 0)
                profileSource = options.casePath + "#profile-" + std::to_string(saved->version);
            profile = std::move(saved->profile);
        }
        if (const auto loaded = caseFile->loadEvents(events); !loaded)
            return refused(loaded.error());
        const auto sources = caseFile->sources();
        if (!sources)
            return refused(sources.error());
        for (const CaseSource& source : *sources) {
            InputSummary input = summaryOf(source);
            auto rejects = caseFile->rejects(source.id, InputSummary::kMaxListedRejects);
            if (!rejects)
                return refused(rejects.error());
            input.rejects = std::move(*rejects);
            inputs.push_back(std::move(input));
        }
    }
    if (options.windows)
        profile->rule.windows = *options.windows == "sliding" ? WindowModel::Sliding : WindowModel::Hop;

    if (options.clickhouse.given() && !loadFromClickHouse(options.clickhouse, *profile, options.input, events, inputs))
        return InputError;
    if (!importInputs(options.inputs, options.input, events, inputs, "no report written"))
        return InputError;
    // The pipeline the workbench runs too (core/findings/caseanalysis.h): the same case and profile give the same
    // findings in both.
    auto result = caseFile ? analyseCase(*caseFile, std::move(events), std::move(profile), now)
                           : analyseEvents(std::move(events), std::move(*profile), now);
    if (!result) {
        std::cerr << "cepheid-cli: " << (caseFile ? "case refused: " : "profile refused: ") << result.error() << '\n';
        return InputError;
    }
    const CaseData& data = *result->data;
    const Analysis& analysis = result->analysis;

    ScoreReportOptions reportOptions;
    reportOptions.listAll = options.listAll;
    reportOptions.minScore = options.minScore;
    reportOptions.pretty = !options.compact;
    reportOptions.profileSource = profileSource;
    reportOptions.triage = std::move(result->triage);
    reportOptions.evaluatedAt = now;
    reportOptions.selection = options.selection;
    reportOptions.cloud = &result->cloud;
    if (options.format == "html" || options.format == "pdf")
        return writeCaseReport(
            options, *caseFile, data.events, data.flows, analysis, *result->analyzer, reportOptions, now);
    const std::string report = options.format == "csv"
        ? writeFindingsCsv(data.events, data.flows, analysis, *result->analyzer, reportOptions, options.bom)
        : options.format == "stix"
        ? writeStixBundle(data.events, data.flows, analysis, reportOptions, StixOptions { now })
        : writeScoreReport(inputs, data.events, data.flows, analysis, *result->analyzer, reportOptions);
    return writeOutput(report, options.outputPath);
}

int runProfileShow(const ProfileShowOptions& options)
{
    const auto profile = profileFrom(options.profilePath);
    if (!profile)
        return InputError;
    std::cout << profileToJson(*profile);
    return Success;
}

int runProfileDiff(const ProfileDiffOptions& options)
{
    const auto before = profileFrom(options.before);
    const auto after = profileFrom(options.after);
    if (!before || !after)
        return InputError;
    const auto changes = diffProfiles(*before, *after);
    // Profiles come from anyone: their text is shown, not obeyed, on a terminal.
    std::cout << (changes.empty() ? std::string("No differences.\n") : terminalSafe(formatProfileDiff(changes)));
    return Success;
}

int runRuleExport(const RuleExportOptions& options)
{
    const auto profile = profileFrom(options.profilePath);
    if (!profile)
        return InputError;
    RuleExportContext context;
    context.source = "Cepheid " CEPHEID_VERSION ", profile "
        + (options.profilePath.empty() ? std::string("defaults") : options.profilePath);
    const char* user = std::getenv("USER");
    context.author = user ? user : "";
    context.now = systemNow();
    const auto exported = exportRule(*profile, context);
    if (!exported) {
        std::cerr << "cepheid-cli: the rule cannot be exported: " << exported.error() << '\n';
        return InputError;
    }
    std::error_code made;
    std::filesystem::create_directories(options.outputDirectory, made);
    if (made) {
        std::cerr << "cepheid-cli: " << options.outputDirectory << ": " << made.message() << '\n';
        return InputError;
    }
    const std::filesystem::path directory(options.outputDirectory);
    std::string error;
    if (!writeFileAtomically((directory / (exported->ruleName + ".yaral")).string(), exported->text, error))
        return std::cerr << "cepheid-cli: " << error << '\n', InputError;
    for (const ReferenceList& list : exported->lists) {
        if (!writeFileAtomically((directory / (list.name + ".txt")).string(), referenceListText(list), error))
            return std::cerr << "cepheid-cli: " << error << '\n', InputError;
    }
    std::cout << "wrote " << (directory / (exported->ruleName + ".yaral")).string() << " and " << exported->lists.size()
              << " reference list(s)\n";
    for (const std::string& line : exported->leftOut)
        std::cerr << "cepheid-cli: allowlist entry left out: " << line << '\n';
    return Success;
}

} // namespace cepheid::cli
