// cepheid-tuning-bench: engine time of a tuning change, the figure the tuning panel depends on.
// A benchmark, not a test: run it on a quiet machine, on a file made by tests/generator/generate_events.py.
//
//   cepheid-tuning-bench [--repeat N] FILE.ndjson
//
// Imports and groups the file once, analyses it under the default profile, then times Analyzer::rerun for each
// kind of change the panel makes (best of N), next to a full run for comparison. Every re-run's result is checked
// against a full run of the same profile, so a fast wrong answer cannot pass for a fast right one.

#include "benchargs.h"
#include "findings/analysis.h"
#include "ingest/importer.h"
#include "model/flowindex.h"
#include "reports/scorereport.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

using namespace cepheid;
using Clock = std::chrono::steady_clock;

namespace {

double millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string reportOf(
    const Analysis& analysis, const Analyzer& analyzer, const EventTable& events, const FlowIndex& flows)
{
    ScoreReportOptions options;
    options.listAll = true;
    return writeScoreReport({}, events, flows, analysis, analyzer, options);
}

} // namespace

int main(int argc, char** argv)
{
    const auto args = bench::parseBenchArgs(argc, argv, "cepheid-tuning-bench", 5);
    if (!args)
        return 2;
    const int repeat = args->repeat;
    const std::string& path = args->path;

    EventTable events;
    if (const auto imported = importFile(path, 0, events); !imported) {
        std::fprintf(stderr, "%s\n", imported.error().c_str());
        return 1;
    }
    const FlowIndex flows = FlowIndex::build(events);
    const Profile base;
    const auto baseAnalyzer = Analyzer::create(base);
    const Analysis baseAnalysis = baseAnalyzer->run(events, flows, 0);
    std::printf("file %s: %zu events, %zu flows, %zu findings\n", path.c_str(), events.size(), flows.size(),
        baseAnalysis.findings.size());

    struct Change
    {
        const char* name;
        std::function<void(Profile&)> apply;
    };
    const Change changes[] = {
        { "rule threshold (min_events 12 -> 8)", [](Profile& p) { p.rule.minEvents = 8; } },
        { "rule threshold (max_avg_bytes_sent)", [](Profile& p) { p.rule.maxAvgBytesSent = 2048; } },
        { "score alert verdict (likely -> possible)", [](Profile& p) { p.score.alertVerdict = Verdict::Possible; } },
        { "score weight (regularity 30 -> 45)", [](Profile& p) { p.score.weights.regularity = 45; } },
        { "allowlist entry added",
            [](Profile& p) {
                AllowlistEntry entry;
                entry.id = "bench";
                entry.domain = "*.workers.dev";
                entry.match = MatchMode::Glob;
                entry.reason = "benchmark";
                p.allowlist.push_back(entry);
            } },
        { "window model (hop -> sliding)", [](Profile& p) { p.rule.windows = WindowModel::Sliding; } },
        { "rule regex (full selection again)", [](Profile& p) { p.rule.domainRegex += "|.*\\.example\\.org"; } },
    };

    bool allSame = true;
    std::printf("%-42s %10s %10s %8s\n", "change", "rerun ms", "full ms", "ratio");
    for (const Change& change : changes) {
        Profile profile = base;
        change.apply(profile);
        const auto analyzer = Analyzer::create(profile);
        if (!analyzer) {
            std::fprintf(stderr, "%s: %s\n", change.name, analyzer.error().c_str());
            return 1;
        }
        double rerunBest = 1e30, fullBest = 1e30;
        Analysis rerun, full;
        for (int run = 0; run < repeat; ++run) {
            auto start = Clock::now();
            rerun = analyzer->rerun(baseAnalysis, base, events, flows, 0);
            rerunBest = std::min(rerunBest, millisecondsSince(start));
            start = Clock::now();
            full = analyzer->run(events, flows, 0);
            fullBest = std::min(fullBest, millisecondsSince(start));
        }
        const bool same = reportOf(rerun, *analyzer, events, flows) == reportOf(full, *analyzer, events, flows);
        allSame = allSame && same;
        std::printf("%-42s %10.1f %10.1f %7.1fx%s\n", change.name, rerunBest, fullBest, fullBest / rerunBest,
            same ? "" : "  RESULT DIFFERS FROM A FULL RUN");
    }
    return allSame ? 0 : 1;
}
