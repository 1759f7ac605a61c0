// libFuzzer target: the case loader (core/cases/casefile) on a crafted SQLite image. The bytes are written as a case
// file and opened read-only, then read the way `cepheid-cli score --case`, `case info`, `case verify` and the
// workbench read a case: info, sources, event count, saved profile versions (the newest parsed and used), every event
// (loadEvents), each source's listed rejects, the triage state, the original record of a few events, the analysis
// and the JSON score report, and verify(). It checks nothing but that this ends without a crash, a sanitizer report
// or a hang: a refusal or an sql::Error (what the CLI and the workbench report as "case refused") is an ordinary
// outcome. Any other exception escapes and is a finding, as it would end the CLI.

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

void readCase(const std::string& path)
{
    std::string error;
    const auto caseFile = CaseFile::open(path, CaseFile::Mode::ReadOnly, error);
    if (!caseFile)
        return;
    try {
        (void)caseFile->info();
        (void)caseFile->eventCount();
        Profile profile;
        const auto versions = caseFile->profiles();
        if (!versions.empty())
            if (auto saved = parseProfile(versions.back().json, error))
                profile = std::move(*saved);

        EventTable events;
        caseFile->loadEvents(events);
        std::vector<InputSummary> inputs;
        for (const CaseSource& source : caseFile->sources()) {
            InputSummary input = summaryOf(source);
            input.rejects = caseFile->rejects(source.id, InputSummary::kMaxListedRejects);
            inputs.push_back(std::move(input));
        }
        ScoreReportOptions options;
        options.listAll = true;
        options.evaluatedAt = 1'741'132'800'000'000;
        options.triage = triageByFlow(caseFile->triage());
        // Drill-down: the first and the last event's original record.
        for (const EventIndex i : { EventIndex { 0 }, static_cast<EventIndex>(events.size() - 1) })
            if (i < events.size()) {
                const SourceReference source = events.source(i);
                (void)caseFile->rawRecord(source.fileIndex, source.byteOffset);
            }

        std::string analyzerError;
        auto analyzer = Analyzer::create(profile, analyzerError);
        if (!analyzer)
            analyzer = Analyzer::create(Profile {}, analyzerError);
        if (analyzer) {
            const FlowIndex flows = FlowIndex::build(events);
            const Analysis analysis = analyzer->run(events, flows, options.evaluatedAt);
            (void)writeScoreReport(inputs, events, flows, analysis, *analyzer, options);
        }
    } catch (const sql::Error&) {
        // "case refused: …": the CLI and the workbench stop here with the reason.
    }
    (void)caseFile->verify(); // never throws
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
