// cepheid-case-bench: import rate into a case file and the time to open it again, on a generated export.
// A benchmark, not a test.
//
//   cepheid-case-bench FILE.ndjson [CASE_PATH]
//
// Imports FILE into a new case (removed first), then opens the case read-only, rebuilds the EventTable and the
// FlowIndex, as the workbench does when it opens a case.

#include "cases/casefile.h"
#include "model/flowindex.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

using namespace cepheid;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: cepheid-case-bench FILE.ndjson [CASE_PATH]\n");
        return 2;
    }
    const std::string input = argv[1];
    const std::string casePath = argc > 2 ? argv[2] : "/tmp/cepheid-case-bench.cepheid";
    for (const char* suffix : { "", "-wal", "-shm" })
        std::filesystem::remove(casePath + suffix);

    auto start = Clock::now();
    std::size_t events = 0;
    {
        auto caseFile = CaseFile::open(casePath, CaseFile::Mode::Create);
        if (!caseFile) {
            std::fprintf(stderr, "%s\n", caseFile.error().c_str());
            return 1;
        }
        // As cepheid-cli import does: alone on the case, its events written as they come, only the strings held.
        (*caseFile)->writeImportsAlone(true);
        EventTable strings;
        if (const auto loaded = (*caseFile)->loadStrings(strings); !loaded) {
            std::fprintf(stderr, "%s\n", loaded.error().c_str());
            return 1;
        }
        const auto imported = (*caseFile)->importFileStreaming(input, strings);
        if (!imported) {
            std::fprintf(stderr, "%s\n", imported.error().c_str());
            return 1;
        }
        events = imported->summary.eventsRead;
    }
    const double importSeconds = std::chrono::duration<double>(Clock::now() - start).count();

    start = Clock::now();
    auto caseFile = CaseFile::open(casePath, CaseFile::Mode::ReadOnly);
    if (!caseFile) {
        std::fprintf(stderr, "%s\n", caseFile.error().c_str());
        return 1;
    }
    const double openSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    start = Clock::now();
    EventTable table;
    if (const auto loaded = (*caseFile)->loadEvents(table); !loaded) {
        std::fprintf(stderr, "%s\n", loaded.error().c_str());
        return 1;
    }
    const double loadSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    start = Clock::now();
    const FlowIndex flows = FlowIndex::build(table);
    const double groupSeconds = std::chrono::duration<double>(Clock::now() - start).count();

    const double caseBytes = static_cast<double>(std::filesystem::file_size(casePath));
    std::printf("import into case   %8.2f s  %10.0f events/s  (%zu events; case file %.0f MB, %.0f bytes/event)\n",
        importSeconds, events / importSeconds, events, caseBytes / 1e6, caseBytes / events);
    std::printf("open               %8.3f s\n", openSeconds);
    std::printf("load events        %8.3f s  %10.0f events/s\n", loadSeconds, table.size() / loadSeconds);
    std::printf("group into flows   %8.3f s  (%zu flows)\n", groupSeconds, flows.size());
    std::printf("open total         %8.3f s  (budget: 2 s for 1 M events)\n", openSeconds + loadSeconds + groupSeconds);
    return 0;
}
