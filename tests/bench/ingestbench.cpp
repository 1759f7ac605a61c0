// cepheid-bench: throughput of ingest + grouping + rule evaluation, against simdjson's raw parse speed.
// A benchmark, not a test: run it on a quiet machine, on a file made by tests/generator/generate_events.py.
//
//   cepheid-bench [--repeat N] FILE.ndjson
//
// Prints, for the best of N runs: simdjson parse_many over the file held in memory on one thread (the baseline), then
// Cepheid's phases (import, FlowIndex, Analyzer) in MB/s and events/s, the CPU the fastest import used, peak RSS and
// bytes held per event.

#include "benchargs.h"
#include "cloud/changefindings.h"
#include "findings/analysis.h"
#include "ingest/importer.h"
#include "ingest/inputstream.h"
#include "ingest/jsonrecordsplitter.h"
#include "model/flowindex.h"
#include "scoring/beaconscorer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <simdjson.h>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

using namespace cepheid;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the whole process, user + system: the import's when nothing else runs, whatever its threads.
double processCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + time.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long peakRssKiB()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// simdjson On-Demand over a file in memory, one thread, pulling out the fields the UDM reader keeps (and nothing
// else): the floor a single-threaded reader could reach, which ingest is measured against (docs/benchmarks.md).
// Returns the records read; `checksum` keeps the compiler from dropping the extraction. `content` must be followed by
// SIMDJSON_PADDING readable bytes.
std::size_t onDemandExtraction(std::string_view content, std::uint64_t& checksum)
{
    using namespace simdjson;
    ondemand::parser parser;
#ifdef SIMDJSON_THREADS_ENABLED
    // iterate_many runs stage 1 of the next window on a thread of its own unless told not to (simdjson defines
    // SIMDJSON_THREADS_ENABLED under -pthread): until the tenth part of issue 17 the baseline so used two cores
    // (docs/benchmarks.md).
    parser.threaded = false;
#endif
    ondemand::document_stream stream;
    if (parser.iterate_many(content.data(), content.size(), 1 << 20).get(stream) != SUCCESS)
        return 0;
    std::size_t records = 0;
    const auto text = [&](auto value) {
        std::string_view view;
        if (value.get_string().get(view) == SUCCESS)
            checksum += view.size() + static_cast<unsigned char>(view.empty() ? 0 : view[0]);
    };
    const auto strings = [&](auto value) {
        ondemand::array array;
        if (value.get_array().get(array) == SUCCESS)
            for (auto element : array)
                text(element);
    };
    for (auto document : stream) {
        ondemand::object event;
        if (document.get_object().get(event) != SUCCESS)
            continue;
        ++records;
        for (auto field : event) {
            std::string_view key;
            if (field.unescaped_key().get(key) != SUCCESS)
                break;
            ondemand::object section;
            if (field.value().get_object().get(section) != SUCCESS)
                continue;
            for (auto inner : section) {
                std::string_view name;
                if (inner.unescaped_key().get(name) != SUCCESS)
                    break;
                auto value = inner.value();
                if (name == "ip")
                    strings(value);
                else if (name == "port") {
                    std::uint64_t port = 0;
                    if (value.get_uint64().get(port) == SUCCESS)
                        checksum += port;
                } else if (name == "process") {
                    ondemand::object process;
                    if (value.get_object().get(process) != SUCCESS)
                        continue;
                    for (auto processField : process) {
                        std::string_view processKey;
                        if (processField.unescaped_key().get(processKey) != SUCCESS)
                            break;
                        if (processKey == "pid")
                            text(processField.value());
                        else if (processKey == "file") {
                            ondemand::object file;
                            if (processField.value().get_object().get(file) == SUCCESS)
                                if (auto path = file.find_field_unordered("fullPath"); path.error() == SUCCESS)
                                    text(path);
                        }
                    }
                } else if (value.type().value_unsafe() == ondemand::json_type::string)
                    text(value);
            }
        }
    }
    return records;
}

// The same extraction reading the file as the import does, 4 MiB at a time into one reused buffer cut at the last
// complete line, so that its time, like the import's, includes reading the file (from the page cache).
std::size_t onDemandFromFile(const std::string& path, std::uint64_t& checksum)
{
    constexpr std::size_t kRead = 4 << 20;
    std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file)
        return 0;
    std::vector<char> buffer(2 * kRead + simdjson::SIMDJSON_PADDING);
    std::size_t held = 0, records = 0;
    for (bool end = false; !end;) {
        if (held + kRead + simdjson::SIMDJSON_PADDING > buffer.size()) // a line longer than a read
            buffer.resize(held + kRead + simdjson::SIMDJSON_PADDING);
        const std::size_t got = std::fread(buffer.data() + held, 1, kRead, file.get());
        end = got == 0;
        held += got;
        const char* lastNewline = static_cast<const char*>(memrchr(buffer.data(), '\n', held));
        const std::size_t complete = end ? held
            : lastNewline                ? static_cast<std::size_t>(lastNewline - buffer.data()) + 1
                                         : 0;
        records += onDemandExtraction(std::string_view(buffer.data(), complete), checksum);
        std::memmove(buffer.data(), buffer.data() + complete, held - complete);
        held -= complete;
    }
    return records;
}

} // namespace

int main(int argc, char** argv)
{
    const auto args = bench::parseBenchArgs(argc, argv, "cepheid-bench", 3);
    if (!args)
        return 2;
    const int repeat = args->repeat;
    const std::string& path = args->path;

    double importCpuOfBest = 0; // the CPU the fastest import used: below twice the baseline's time to tie on two cores
    double importBest = 1e30, groupBest = 1e30, ruleBest = 1e30, scoreBest = 1e30, cloudBest = 1e30;
    std::size_t cloudRecords = 0, cloudChanges = 0, inputRecords = 0;
    std::size_t events = 0, tableBytes = 0, flowBytes = 0, flows = 0, firing = 0, scored = 0;
    double scoreChecksum = 0;
    long cepheidPeakKiB = 0;
    const auto analyzer = Analyzer::create(Profile {});
    // Baseline 3, On-Demand reading the file as the import does, runs just before each import: this VM's speed drifts
    // by a fifth from one minute to the next, so the ratio of each round is taken as well as that of the bests.
    double onDemandFileSeconds = 1e30;
    std::vector<double> roundRatios;
    {
        std::uint64_t warmUp = 0; // the baseline's first run was twice as slow as its others: not a fair round
        if (onDemandFromFile(path, warmUp) == 42)
            std::printf(" ");
    }
    for (int run = 0; run < repeat; ++run) {
        std::uint64_t fileChecksum = 0;
        auto start = Clock::now();
        const std::size_t fileRecords = onDemandFromFile(path, fileChecksum);
        const double fileSeconds = secondsSince(start);
        if (fileChecksum == 42)
            std::printf(" ");
        EventTable table;
        const double cpuBefore = processCpuSeconds();
        start = Clock::now();
        const auto summary = importFile(path, 0, table);
        if (!summary) {
            std::fprintf(stderr, "%s\n", summary.error().c_str());
            return 1;
        }
        const double importSeconds = secondsSince(start);
        if (importSeconds < importBest)
            importCpuOfBest = processCpuSeconds() - cpuBefore;
        importBest = std::min(importBest, importSeconds);
        if (fileRecords > 0) { // NDJSON only
            onDemandFileSeconds = std::min(onDemandFileSeconds, fileSeconds);
            roundRatios.push_back(importSeconds / fileSeconds);
        }
        start = Clock::now();
        const FlowIndex index = FlowIndex::build(table);
        groupBest = std::min(groupBest, secondsSince(start));
        start = Clock::now();
        const Analysis analysis = analyzer->run(table, index, 0);
        const double analysisSeconds = secondsSince(start);
        // The analysis includes scoring; score the same flows again alone to split the two.
        start = Clock::now();
        const BeaconScorer::Context context = BeaconScorer::prepare(table, index);
        double checksum = 0;
        for (const Finding& finding : analysis.findings)
            checksum += analyzer->scorer().score(table, index, index.flow(finding.flowIndex), context).score;
        const double scoreSeconds = secondsSince(start);
        scoreBest = std::min(scoreBest, scoreSeconds);
        // Cloud audit records into change findings (docs/cloud-audit.md): only when the file has some.
        if (table.cloudEventCount() > 0) {
            start = Clock::now();
            const CloudAnalysis cloud
                = analyseCloudChanges(table, index, analysis, analyzer->profile(), analyzer->allowlist(), 0);
            cloudBest = std::min(cloudBest, secondsSince(start));
            cloudRecords = cloud.auditRecords;
            cloudChanges = cloud.changes.size();
        }
        inputRecords = summary->eventsRead + summary->eventsRejected;
        for (const auto& [kind, count] : summary->recordsSkipped)
            inputRecords += count;
        ruleBest = std::min(ruleBest, std::max(0.0, analysisSeconds - scoreSeconds));
        scored = analysis.findings.size();
        scoreChecksum = checksum;
        events = table.size();
        tableBytes = table.memoryBytes();
        flowBytes = index.memoryBytes();
        flows = index.size();
        firing = analysis.summary.flowsFiring;
        // The peak of one import and its analysis, as `cepheid-cli score` runs them. Later rounds would add the heap
        // the rounds before them left fragmented (the baseline's buffers, allocated between two imports).
        if (run == 0)
            cepheidPeakKiB = peakRssKiB();
    }
    // The same import with one parsing thread (the reading thread parses): what the parallel parse gains.
    double serialBest = 1e30;
    for (int run = 0; run < repeat; ++run) {
        EventTable table;
        ImportOptions serial;
        serial.parseThreads = 1;
        const auto start = Clock::now();
        if (!importFile(path, 0, table, serial))
            return 1;
        serialBest = std::min(serialBest, secondsSince(start));
    }
    // Reading and cutting into records alone (no parsing): the floor under import.
    double splitBest = 1e30;
    for (int run = 0; run < repeat; ++run) {
        InputStream input;
        if (!input.open(path))
            return 1;
        JsonRecordSplitter splitter(input);
        std::size_t records = 0;
        const auto start = Clock::now();
        splitter.run(
            [&](const JsonRecordSplitter::Record&) { return ++records > 0; }, [](std::uint32_t, const std::string&) {});
        splitBest = std::min(splitBest, secondsSince(start));
    }

    // Baseline: simdjson's own NDJSON path over the file already in memory (no I/O, no extraction).
    double baselineSeconds = 1e30;
    std::size_t baselineDocuments = 0, fileBytes = 0;
    {
        simdjson::padded_string content;
        if (simdjson::padded_string::load(path).get(content) != simdjson::SUCCESS) {
            std::fprintf(stderr, "cannot read %s\n", path.c_str());
            return 1;
        }
        fileBytes = content.size();
        simdjson::dom::parser parser;
#ifdef SIMDJSON_THREADS_ENABLED
        parser.threaded = false; // one thread, as the On-Demand baselines (onDemandExtraction)
#endif
        for (int run = 0; run < repeat; ++run) {
            const auto start = Clock::now();
            simdjson::dom::document_stream stream;
            if (parser.parse_many(content).get(stream) != simdjson::SUCCESS)
                return 1;
            std::size_t documents = 0;
            for (auto document : stream)
                documents += document.error() == simdjson::SUCCESS;
            baselineSeconds = std::min(baselineSeconds, secondsSince(start));
            baselineDocuments = documents;
        }
    }
    // Baseline 2: simdjson On-Demand pulling the UDM fields out, one thread, file in memory (NDJSON only).
    double onDemandSeconds = 1e30;
    std::size_t onDemandRecords = 0;
    {
        simdjson::padded_string content;
        if (simdjson::padded_string::load(path).get(content) == simdjson::SUCCESS) {
            for (int run = 0; run < repeat; ++run) {
                std::uint64_t checksum = 0;
                const auto start = Clock::now();
                onDemandRecords = onDemandExtraction(std::string_view(content.data(), content.size()), checksum);
                onDemandSeconds = std::min(onDemandSeconds, secondsSince(start));
                if (checksum == 42)
                    std::printf(" ");
            }
        }
    }
    const double withoutScore = importBest + groupBest + ruleBest;
    const double total = withoutScore + scoreBest;
    const double eventCount = static_cast<double>(events);
    const double megabytes = static_cast<double>(fileBytes) / 1e6;
    std::printf("file                 %s (%.1f MB, %zu records)\n", path.c_str(), megabytes, baselineDocuments);
    std::printf(
        "simdjson parse_many  %8.3f s  %8.1f MB/s  (baseline: parse only, one thread, file in memory, %s kernel)\n",
        baselineSeconds, megabytes / baselineSeconds, simdjson::get_active_implementation()->name().c_str());
    if (onDemandRecords > 0)
        std::printf("simdjson On-Demand   %8.3f s  %8.1f MB/s  (UDM fields extracted, one thread, file in memory; "
                    "%zu records): import / this = %.2f\n",
            onDemandSeconds, megabytes / onDemandSeconds, onDemandRecords, importBest / onDemandSeconds);
    if (onDemandRecords > 0 && !roundRatios.empty()) {
        std::sort(roundRatios.begin(), roundRatios.end());
        const std::size_t middle = roundRatios.size() / 2;
        const double median
            = roundRatios.size() % 2 == 1 ? roundRatios[middle] : (roundRatios[middle - 1] + roundRatios[middle]) / 2;
        std::printf("simdjson On-Demand   %8.3f s  %8.1f MB/s  (the same, reading the file 4 MiB at a time as import "
                    "does, just before each import): import / this = %.2f; per round median %.2f (%.2f-%.2f)\n",
            onDemandFileSeconds, megabytes / onDemandFileSeconds, importBest / onDemandFileSeconds, median,
            roundRatios.front(), roundRatios.back());
    }
    std::printf("read + split only    %8.3f s  %8.1f MB/s  (part of import)\n", splitBest, megabytes / splitBest);
    std::printf("import               %8.3f s  %8.1f MB/s  %10.0f events/s  (parsing threads: one per core, %u)\n",
        importBest, megabytes / importBest, eventCount / importBest, std::max(1u, std::thread::hardware_concurrency()));
    std::printf("import CPU           %8.3f s  (user + system, the fastest import): %.2f cores busy\n", importCpuOfBest,
        importCpuOfBest / importBest);
    std::printf("import, serial       %8.3f s  %8.1f MB/s  (one parsing thread): parallel / serial = %.2f\n",
        serialBest, megabytes / serialBest, importBest / serialBest);
    std::printf(
        "group (FlowIndex)    %8.3f s  %10.0f events/s  (%zu flows)\n", groupBest, eventCount / groupBest, flows);
    std::printf(
        "rule (Analyzer)      %8.3f s  %10.0f events/s  (%zu flows fire)\n", ruleBest, eventCount / ruleBest, firing);
    std::printf("score (BeaconScorer) %8.3f s  %10.0f events/s  (%zu flows; adds %.1f%% to the run without it; "
                "checksum %.1f)\n",
        scoreBest, eventCount / scoreBest, scored, 100 * scoreBest / withoutScore, scoreChecksum);
    if (cloudRecords > 0)
        std::printf("cloud changes        %8.3f s  %10.0f audit events/s  (%zu changes); import + changes: %.0f "
                    "records/s\n",
            cloudBest, static_cast<double>(cloudRecords) / cloudBest, cloudChanges,
            static_cast<double>(inputRecords) / (importBest + cloudBest));
    std::printf("total                %8.3f s  %8.1f MB/s  %10.0f events/s  = %.2fx the baseline's time\n", total,
        megabytes / total, eventCount / total, total / baselineSeconds);
    std::printf(
        "memory               %.1f bytes/event held (table %.1f + flows %.1f); peak RSS %.0f MiB (first round)\n",
        static_cast<double>(tableBytes + flowBytes) / eventCount, static_cast<double>(tableBytes) / eventCount,
        static_cast<double>(flowBytes) / eventCount, cepheidPeakKiB / 1024.0);
    return 0;
}
