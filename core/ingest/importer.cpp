#include "importer.h"

#include "batchreader.h"
#include "inputstream.h"
#include "readers.h"
#include "util/orderedworkers.h"

#include <algorithm>

namespace cepheid {

namespace {

constexpr std::uint64_t kRecordsBeforeReserve = 20000;
// Events the whole file will give, from the events per decompressed byte so far. The decompressed size of a
// plain file is its size; for gzip it is extrapolated from the compressed bytes consumed (an estimate: zlib
// reads ahead, so it errs low, and the vectors still grow if needed).
std::size_t estimateEvents(
    std::uint64_t eventsSoFar, std::uint64_t bytesSoFar, std::uint64_t compressed, const InputStream& input)
{
    double totalBytes = static_cast<double>(input.fileSize());
    if (input.isCompressed()) {
        if (compressed == 0)
            return 0;
        totalBytes *= static_cast<double>(bytesSoFar) / static_cast<double>(compressed);
    }
    return static_cast<std::size_t>(
        static_cast<double>(eventsSoFar) / static_cast<double>(bytesSoFar) * totalBytes * 1.02);
}

unsigned parseThreads(const ImportOptions& options)
{
    if (options.parseThreads > 0)
        return options.parseThreads;
    return workerThreads();
}

// "metadata.eventTimestamp: '2025-13-01' is not an RFC 3339 timestamp" -> "metadata.eventTimestamp: … is not an
// RFC 3339 timestamp", "events[12]: …" -> "events[…]: …": values from the data are cut out so rejects group by kind.
std::string rejectKind(const std::string& reason)
{
    std::string kind;
    kind.reserve(reason.size());
    bool inQuote = false, inIndex = false;
    for (char c : reason) {
        if (c == '\'' || (c == '[' && !inQuote) || (c == ']' && inIndex)) {
            const bool opening = c == '\'' ? !inQuote : c == '[';
            if (c == '\'')
                inQuote = opening;
            else
                inIndex = opening;
            if (c == '[')
                kind.append("[…");
            else if (c == ']')
                kind.push_back(']');
            else if (opening)
                kind.append("…");
            continue;
        }
        if (!inQuote && !inIndex)
            kind.push_back(c);
    }
    return kind;
}

} // namespace

Expected<InputSummary> importFile(
    const std::string& path, std::uint16_t fileIndex, EventTable& table, const ImportOptions& options)
{
    // One stream for probing and reading: a pipe cannot be opened twice.
    InputStream input;
    input.setLimits(options.limits);
    if (options.onFileBytes)
        input.observeFileBytes(options.onFileBytes);
    if (!input.open(path))
        return failure(path + ": " + input.errorMessage());
    const auto head = input.peek(64 * 1024);
    if (!head)
        return failure(path + ": " + input.errorMessage());
    const DetectedFormat detected = detectFormat(*head);
    InputSummary summary;
    summary.path = path;
    if (detected.empty) {
        summary.format = kEmptyFormat;
        return summary;
    }
    if (!detected.reader)
        return failure(path + ": unrecognised format: " + detected.explanation);
    summary.format = detected.reader->name();
    summary.compressed = input.isCompressed();

    // The stop of reading (truncated file, a limit) is listed even past kMaxListedRejects: it says why the rest is
    // missing.
    auto addReject = [&](std::uint64_t line, std::string reason, std::string excerpt = {}, bool alwaysList = false) {
        ++summary.eventsRejected;
        ++summary.rejectKinds[rejectKind(reason)];
        Reject reject { line, std::move(reason), std::move(excerpt) };
        if (options.onReject)
            options.onReject(reject);
        if (summary.rejects.size() < InputSummary::kMaxListedRejects || alwaysList)
            summary.rejects.push_back(std::move(reject));
    };

    // The reader's threads cut and parse records into batches (batchreader.h); this thread merges them into the
    // table in file order, so events and rejects keep the file's order whatever the number of parsing threads.
    BatchReader batches(*detected.reader, input,
        { ReadSettings { fileIndex, options.limits.recordBytes }, static_cast<bool>(options.onRawRecord), table.idKey(),
            parseThreads(options) });

    std::uint64_t records = 0;
    std::uint64_t lastEnd = 0;
    std::uint64_t lastLine = 0;
    std::uint64_t eventsLimitLine = 0; // the line of the first event past the events limit, once reached
    std::uint64_t memoryLimitLine = 0; // the line of the last record read when the memory limit was passed
    bool reserved = static_cast<bool>(options.onEventsMerged); // a table emptied as it goes is never reserved
    std::uint64_t elsewhere = options.eventsElsewhere;
    std::uint64_t bytesElsewhere = options.bytesElsewhere;
    while (auto batch = batches.next()) {
        // The events limit bounds memory: the events past it are not read (and the reader is told to stop), nor are
        // the original records that gave only those, nor the rejects after them.
        const EventTable& events = batch->events();
        const std::uint64_t counted = table.size() + elsewhere;
        const std::size_t room = counted < options.limits.events
            ? static_cast<std::size_t>(std::min<std::uint64_t>(options.limits.events - counted, SIZE_MAX))
            : 0;
        const std::size_t taken = std::min(room, events.size());
        if (taken < events.size()) {
            // Read up to the record of the first event past the limit: the same stop whatever the batches.
            eventsLimitLine = events.source(static_cast<EventIndex>(taken)).line;
            lastEnd = events.source(static_cast<EventIndex>(taken)).byteOffset;
        }
        if (options.onRawRecord)
            for (const EventBatch::RawRecord& raw : batch->raw())
                if (eventsLimitLine == 0 || raw.line <= eventsLimitLine)
                    options.onRawRecord(raw.line, raw.offset, raw.text);
        table.appendFrom(events, 0, static_cast<EventIndex>(taken));
        summary.eventsRead += taken;
        if (options.onEventsMerged) {
            const ImportOptions::Written written = options.onEventsMerged(table);
            elsewhere += written.events;
            bytesElsewhere += written.bytes;
        }
        for (Reject& reject : batch->rejects())
            if (eventsLimitLine == 0 || reject.line < eventsLimitLine)
                addReject(reject.line, std::move(reject.reason), std::move(reject.excerpt));
        if (eventsLimitLine > 0)
            break;

        for (const auto& [kind, count] : batch->skipped())
            summary.recordsSkipped[kind] += count;
        records += batch->records;
        lastLine = std::max(lastLine, batch->lastLine);
        lastEnd = std::max(lastEnd, batch->endOffset);
        // Reserve once from the density seen so far, instead of letting a dozen columns double and copy.
        // Never more than the memory limit lets the table hold: a larger export stops at the limit with a message.
        if (!reserved && records >= kRecordsBeforeReserve && lastEnd > 0) {
            const std::size_t bytesPerEvent
                = std::max<std::size_t>(table.memoryBytes() / std::max<std::size_t>(table.size(), 1), 64);
            const std::size_t affordable = static_cast<std::size_t>(options.limits.memory / bytesPerEvent);
            table.reserve(std::min(affordable,
                table.size() + estimateEvents(summary.eventsRead, lastEnd, batch->compressedOffset, input)));
            reserved = true;
        }
        if (options.progress)
            options.progress(batch->compressedOffset, input.fileSize());
        batches.recycle(std::move(batch));
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
            summary.cancelled = true;
            break;
        }
        // The memory limit: checked per batch, so it is overshot by one batch at most (8,192 events).
        if (table.memoryBytes() + bytesElsewhere > options.limits.memory) {
            memoryLimitLine = lastLine;
            break;
        }
    }
    batches.stop();
    const ReadResult& read = batches.result();
    summary.layout = read.layout;
    summary.bytesRead = lastEnd;
    if (eventsLimitLine > 0) {
        summary.limitReached = true;
        // A streaming import holds few events: the limit then keeps the case one that a machine like this can open.
        summary.readError = "stopped at the events limit: more than " + options.limits.valueText("events")
            + (options.onEventsMerged ? " events in the case" : " events in memory") + "; "
            + ImportLimits::raiseHint("events");
        addReject(eventsLimitLine, "reading stopped here: " + summary.readError, {}, true);
    } else if (memoryLimitLine > 0) {
        summary.limitReached = true;
        summary.readError = "stopped at the memory limit: the " + std::to_string(table.size() + elsewhere)
            + (options.onEventsMerged
                    ? " events of the case would take more than " + options.limits.valueText("memory") + " once opened"
                    : " events in memory take more than " + options.limits.valueText("memory"))
            + " (limit memory; the "
            + "default is 60 % of this machine's memory); the events before it are kept. Import fewer files or a "
            + "narrower time range, or " + ImportLimits::raiseHint("memory");
        addReject(memoryLimitLine + 1, "reading stopped here: " + summary.readError, {}, true);
    } else if (!read.complete) {
        // Truncated gzip, an I/O error or a limit part-way: the events before it are kept, and the stop is reported
        // like a reject so that it cannot go unnoticed.
        summary.readError = input.errorMessage();
        summary.limitReached = input.limitReached();
        addReject(lastLine + 1,
            "reading stopped here: " + summary.readError + (summary.limitReached ? "" : " (truncated file?)"), {},
            true);
    }
    if (options.progress)
        options.progress(input.fileSize(), input.fileSize());
    return summary;
}

} // namespace cepheid
