// libFuzzer target: the case loader (core/cases/casefile) on a crafted SQLite image. The bytes are written as a case
// file and opened read-only, then read the way `cepheid-cli score --case`, `case info`, `case verify` and the
// workbench read a case: info, sources, event count, saved profile versions (the newest parsed and used), every event
// (loadEvents), each source's listed rejects, the triage state, the original record of a few events, the analysis
// and the JSON score report, and verify(). It checks nothing but that this ends without a crash, a sanitizer report
// or a hang: a refusal (what the CLI and the workbench report as "case refused") is an ordinary outcome. An exception
// escapes and is a finding: CaseFile returns what it refuses and throws nothing (core/util/expected.h).

#include "cases/casefile.h"
#include "findings/analysis.h"
#include "fuzzsupport.h"
#include "model/eventtable.h"
#include "model/flowindex.h"
#include "reports/scorereport.h"
#include "tuning/profilejson.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace cepheid;

namespace {

// Reads the case as the CLI and the workbench do; at the first refusal ("case refused: …") they stop with the
// reason, and so does this.
void readContent(CaseFile& caseFile)
{
    if (!caseFile.info() || !caseFile.eventCount())
        return;
    Profile profile;
    const auto versions = caseFile.profiles();
    if (!versions)
        return;
    if (!versions->empty())
        if (auto saved = parseProfile(versions->back().json))
            profile = std::move(*saved);

    EventTable events;
    if (!caseFile.loadEvents(events))
        return;
    std::vector<InputSummary> inputs;
    const auto sources = caseFile.sources();
    if (!sources)
        return;
    for (const CaseSource& source : *sources) {
        InputSummary input = summaryOf(source);
        auto rejects = caseFile.rejects(source.id, InputSummary::kMaxListedRejects);
        if (!rejects)
            return;
        input.rejects = std::move(*rejects);
        inputs.push_back(std::move(input));
    }
    auto triage = caseFile.triage();
    if (!triage)
        return;
    ScoreReportOptions options;
    options.listAll = true;
    options.evaluatedAt = 1'741'132'800'000'000;
    options.triage = triageByFlow(std::move(*triage));
    // Drill-down: the first and the last event's original record.
    for (const EventIndex i : { EventIndex { 0 }, static_cast<EventIndex>(events.size() - 1) })
        if (i < events.size()) {
            const SourceReference source = events.source(i);
            (void)caseFile.rawRecord(source.fileIndex, source.byteOffset);
        }

    auto analyzer = Analyzer::create(profile);
    if (!analyzer)
        analyzer = Analyzer::create(Profile {});
    if (analyzer) {
        const FlowIndex flows = FlowIndex::build(events);
        const Analysis analysis = analyzer->run(events, flows, options.evaluatedAt);
        // Change findings from the case's cloud audit records, linked to the flows (docs/cloud-audit.md).
        const CloudAnalysis cloud = analyseCloudChanges(
            events, flows, analysis, analyzer->profile(), analyzer->allowlist(), options.evaluatedAt);
        options.cloud = &cloud;
        (void)writeScoreReport(inputs, events, flows, analysis, *analyzer, options);
    }
}

void readCase(const std::string& path)
{
    const auto caseFile = CaseFile::open(path, CaseFile::Mode::ReadOnly);
    if (!caseFile)
        return;
    readContent(**caseFile);
    (void)(*caseFile)->verify(); // never throws
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::scratchFolder() + "/case.cepheid";
    fuzz::writeWholeFile(path, data, size);
    readCase(path);
    for (const char* suffix : { "", "-wal", "-shm", "-journal" })
        std::remove((path + suffix).c_str());
    return 0;
}
