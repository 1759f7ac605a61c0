#include "commands.h"

#include "findings/analysis.h"
#include "ingest/importer.h"
#include "model/flowindex.h"
#include "reports/scorereport.h"
#include "tuning/profilejson.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <unistd.h>

namespace cepheid::cli {

namespace {

std::optional<Profile> profileFrom(const std::string& path)
{
    if (path.empty())
        return Profile {};
    std::string error;
    auto profile = loadProfile(path, error);
    if (!profile)
        std::cerr << "cepheid-cli: profile refused: " << error << '\n';
    return profile;
}

TimestampUs systemNow()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Writes next to the target and renames, so a failed run never leaves half a report behind.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string& error)
{
    const std::string temporary = path + ".part";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) {
            error = "cannot write " + temporary;
            return false;
        }
        file.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!file.flush()) {
            error = "cannot write " + temporary;
            return false;
        }
    }
    std::error_code code;
    std::filesystem::rename(temporary, path, code);
    if (code) {
        error = "cannot replace " + path + ": " + code.message();
        std::filesystem::remove(temporary, code);
        return false;
    }
    return true;
}

// A one-line progress display on a terminal; silent when stderr is a pipe or a file (scripts, CI, tests).
ImportOptions progressOptions(const std::string& path)
{
    ImportOptions options;
    if (!isatty(STDERR_FILENO))
        return options;
    options.progress = [path, last = -1](std::uint64_t done, std::uint64_t total) mutable {
        const int percent = total > 0 ? static_cast<int>(done * 100 / total) : 0;
        if (percent == last)
            return;
        last = percent;
        std::cerr << "\rcepheid-cli: reading " << path << ": " << percent << " %" << (percent >= 100 ? "\n" : "")
                  << std::flush;
    };
    return options;
}

void warnAboutRejects(const InputSummary& input)
{
    if (!input.readError.empty())
        std::cerr << "cepheid-cli: warning: " << input.path << ": reading stopped part-way (" << input.readError
                  << "); the " << input.eventsRead << " events before it are used\n";
    if (input.eventsRejected == 0)
        return;
    std::cerr << "cepheid-cli: " << input.path << ": " << input.eventsRejected << " record(s) rejected";
    if (!input.rejects.empty())
        std::cerr << " (first: line " << input.rejects.front().line << ": " << input.rejects.front().reason << ")";
    std::cerr << "; all are listed in the report's \"inputs\"\n";
}

} // namespace

int runScore(const ScoreOptions& options)
{
    auto profile = profileFrom(options.profilePath);
    if (!profile)
        return InputError;
    if (options.windows)
        profile->rule.windows = *options.windows == "sliding" ? WindowModel::Sliding : WindowModel::Hop;

    TimestampUs now = systemNow();
    if (options.now) {
        const auto parsed = parseRfc3339(*options.now);
        if (!parsed) {
            std::cerr << "cepheid-cli: --now: '" << *options.now << "' is not an RFC 3339 timestamp\n";
            return UsageError;
        }
        now = *parsed;
    }

    std::string error;
    const auto analyzer = Analyzer::create(*profile, error);
    if (!analyzer) {
        std::cerr << "cepheid-cli: profile refused: " << error << '\n';
        return InputError;
    }
    if (options.inputs.size() > std::numeric_limits<std::uint16_t>::max()) {
        std::cerr << "cepheid-cli: too many input files (at most 65535)\n";
        return UsageError;
    }

    EventTable events;
    std::vector<InputSummary> inputs;
    for (std::size_t i = 0; i < options.inputs.size(); ++i) {
        auto summary = importFile(
            options.inputs[i], static_cast<std::uint16_t>(i), events, error, progressOptions(options.inputs[i]));
        if (!summary) {
            std::cerr << "cepheid-cli: " << error << '\n';
            return InputError;
        }
        warnAboutRejects(*summary);
        inputs.push_back(std::move(*summary));
    }
    const FlowIndex flows = FlowIndex::build(events);
    const Analysis analysis = analyzer->run(events, flows, now);

    ScoreReportOptions reportOptions;
    reportOptions.listAll = options.listAll;
    reportOptions.minScore = options.minScore;
    reportOptions.pretty = !options.compact;
    reportOptions.profileSource = options.profilePath.empty() ? "default" : options.profilePath;
    reportOptions.evaluatedAt = now;
    const std::string report = writeScoreReport(inputs, events, flows, analysis, *analyzer, reportOptions);
    if (options.outputPath.empty() || options.outputPath == "-") {
        std::fwrite(report.data(), 1, report.size(), stdout);
        if (std::fflush(stdout) != 0) {
            std::cerr << "cepheid-cli: cannot write to standard output\n";
            return InputError;
        }
        return Success;
    }
    if (!writeFileAtomically(options.outputPath, report, error)) {
        std::cerr << "cepheid-cli: " << error << '\n';
        return InputError;
    }
    return Success;
}

int runProfileShow(const ProfileShowOptions& options)
{
    const auto profile = profileFrom(options.profilePath);
    if (!profile)
        return InputError;
    std::cout << profileToJson(*profile);
    return Success;
}

} // namespace cepheid::cli
