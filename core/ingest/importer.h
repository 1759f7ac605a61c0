#pragma once

#include "importlimits.h"
#include "model/eventtable.h"
#include "util/expected.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cepheid {

struct Reject
{
    std::uint64_t line = 0;
    std::string reason;
    std::string excerpt; // the start of the rejected record, when there was one
};

// What one input file gave: the counts always add up (nothing is dropped silently). The first
// kMaxListedRejects rejects are listed with line and reason; all are counted, also by kind.
struct InputSummary
{
    static constexpr std::size_t kMaxListedRejects = 1000;

    std::string path;
    std::string format; // the reader's name (FormatReader::name), or kEmptyFormat
    std::string layout; // "ndjson" or "json" (array, envelope or single document)
    bool compressed = false;
    std::uint64_t bytesRead = 0; // decompressed bytes
    std::uint64_t eventsRead = 0;
    std::uint64_t eventsRejected = 0;
    std::vector<Reject> rejects;
    std::map<std::string, std::uint64_t> rejectKinds; // reason with values stripped -> count
    // Well-formed records of kinds Cepheid does not read (RecordSink::skip), by kind: not errors, but counted.
    std::map<std::string, std::uint64_t> recordsSkipped;
    bool cancelled = false;
    std::string
        readError; // set when reading stopped part-way (truncated gzip, I/O error, a limit); earlier events kept
    bool limitReached = false; // reading stopped at one of ImportOptions::limits (readError says which)
    std::string query; // a remote source's query (ClickHouse, docs/clickhouse.md); empty for a file
};

struct ImportOptions
{
    // Called now and then with the bytes of the file on disk consumed so far and the file size.
    std::function<void(std::uint64_t done, std::uint64_t total)> progress;
    const std::atomic<bool>* cancel = nullptr;
    // Called on the calling thread, in file order, with every record's original text (for drill-down) ...
    std::function<void(std::uint64_t line, std::uint64_t offset, std::string_view text)> onRawRecord;
    // ... and with every reject (InputSummary lists only the first kMaxListedRejects).
    std::function<void(const Reject&)> onReject;
    // Called with the file's bytes as they are read from disk, in order, on the thread that reads the file, unless the
    // file is compressed (InputStream::observeFileBytes): a case hashes them. It may see only the file's first part,
    // when the import stops early.
    std::function<void(std::string_view bytes)> onFileBytes;
    // What onEventsMerged took off the table: its events, and the memory they will take once loaded again.
    struct Written
    {
        std::size_t events = 0;
        std::uint64_t bytes = 0;
    };
    // Called on the calling thread after each batch of events joined the table: takes events off the table's front
    // (EventTable::dropFront), written elsewhere meanwhile (a batch import into a case writes each chunk of events as
    // soon as it is complete), and says what it took. When set, the table is not reserved for the whole file: it
    // holds a chunk or two at a time.
    std::function<Written(EventTable& table)> onEventsMerged;
    // Events, and the memory they take once loaded, that count against limits.events and limits.memory without being
    // in the table: a case's events, and those onEventsMerged took off. The limits then keep the case one this machine
    // can open.
    std::uint64_t eventsElsewhere = 0;
    std::uint64_t bytesElsewhere = 0;
    ImportLimits limits;
    // Threads that parse records (readers of independent JSON records; the others read on one thread): 0, one per
    // core; 1, the reading thread parses (the serial path). The result is the same whatever the number.
    unsigned parseThreads = 0;
};

// Reads one export into the table. Fails, with the reason after the path, when the file cannot be read at all
// (missing, unreadable, unrecognised format). Bad records never make it fail, and neither does a read error
// part-way (a truncated .gz): the events before it are kept and summary.readError says where it stopped.
Expected<InputSummary> importFile(
    const std::string& path, std::uint16_t fileIndex, EventTable& table, const ImportOptions& options = {});

} // namespace cepheid
