#include "importer.h"

#include "batchqueue.h"
#include "eventbatch.h"
#include "inputstream.h"
#include "readers.h"

#include <mutex>
#include <thread>

namespace cepheid {

namespace {

constexpr std::uint64_t kRecordsBeforeReserve = 20000;
constexpr std::size_t kBatchItems = 8192; // events and rejects per batch
constexpr std::size_t kBatchBytes = 16u << 20; // text a batch owns before it is handed over
constexpr std::size_t kQueuedBatches = 4;

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

// Batches the storing thread is done with, for the reading thread to fill again: reused memory is not faulted in
// again, and the vectors keep the capacity they grew to. A few are kept; more are freed.
class BatchPool
{
public:
    std::unique_ptr<EventBatch> take()
    {
        {
            std::lock_guard lock(m_mutex);
            if (!m_spare.empty()) {
                auto batch = std::move(m_spare.back());
                m_spare.pop_back();
                return batch;
            }
        }
        return std::make_unique<EventBatch>();
    }
    void give(std::unique_ptr<EventBatch> batch)
    {
        batch->clear();
        std::lock_guard lock(m_mutex);
        if (m_spare.size() < kSpares)
            m_spare.push_back(std::move(batch));
    }

private:
    static constexpr std::size_t kSpares = 2;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<EventBatch>> m_spare;
};

// Collects what a reader gives into batches that own their text and hands each full one to the storing thread.
class BatchingSink final : public RecordSink
{
public:
    BatchingSink(BatchQueue<std::unique_ptr<EventBatch>>& queue, BatchPool& pool, std::atomic<bool>& stop,
        const InputStream& input, bool keepRaw)
        : m_queue(queue)
        , m_pool(pool)
        , m_stop(stop)
        , m_input(input)
        , m_keepRaw(keepRaw)
    { }

    void event(const EventRecord& event) override { m_batch->add(event); }
    void skip(std::string_view kind) override { m_batch->addSkipped(kind); }
    void reject(std::uint64_t line, std::string reason, std::string_view excerpt) override
    {
        m_batch->addReject(line, std::move(reason), std::string(excerpt));
    }
    bool recordDone(std::uint64_t line, std::uint64_t offset, std::string_view text) override
    {
        // The original text is kept for drill-down from an event; a record that gave none has its reject's
        // excerpt (a flood of rejected records would otherwise grow the case by an index entry each).
        if (m_keepRaw && m_batch->eventCount() > m_eventsAtRecordStart)
            m_batch->addRaw(line, offset, text);
        ++m_batch->records;
        m_batch->endOffset = offset + text.size();
        m_batch->lastLine = line;
        // Bounded in bytes too: forty 60 MB records in one batch held 2.4 GB.
        if (m_batch->eventCount() + m_batch->rejects().size() >= kBatchItems || m_batch->textBytes() >= kBatchBytes)
            flush();
        m_eventsAtRecordStart = m_batch->eventCount();
        return !m_stop.load(std::memory_order_relaxed);
    }
    // Hands over what is left, then tells the storing thread that nothing more comes.
    void finish()
    {
        if (!m_stop
            && (m_batch->eventCount() > 0 || !m_batch->rejects().empty() || m_batch->records > 0
                || !m_batch->skipped().empty()))
            flush();
        m_queue.close();
    }

private:
    void flush()
    {
        m_batch->compressedOffset = m_input.compressedOffset();
        if (!m_queue.push(std::move(m_batch)))
            m_stop = true;
        m_batch = m_pool.take();
    }

    BatchQueue<std::unique_ptr<EventBatch>>& m_queue;
    BatchPool& m_pool;
    std::atomic<bool>& m_stop;
    const InputStream& m_input;
    const bool m_keepRaw;
    std::unique_ptr<EventBatch> m_batch = m_pool.take();
    std::size_t m_eventsAtRecordStart = 0;
};

} // namespace

Expected<InputSummary> importFile(
    const std::string& path, std::uint16_t fileIndex, EventTable& table, const ImportOptions& options)
{
    // One stream for probing and reading: a pipe cannot be opened twice.
    InputStream input;
    input.setLimits(options.limits);
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

    // Two stages on two threads: the reader splits and parses records into batches that own their text; this
    // thread interns them into the table. Batches keep file order, so events and rejects keep theirs.
    BatchQueue<std::unique_ptr<EventBatch>> queue(kQueuedBatches);
    BatchPool pool;
    std::atomic<bool> stop { false };
    ReadResult read;
    std::jthread reader([&] {
        BatchingSink sink(queue, pool, stop, input, static_cast<bool>(options.onRawRecord));
        read = detected.reader->read(input, sink, ReadSettings { fileIndex, options.limits.recordBytes });
        sink.finish();
    });
    // Declared after the thread, so it runs first on every exit: a blocked reader is released before the join.
    struct ReleaseReader
    {
        BatchQueue<std::unique_ptr<EventBatch>>& queue;
        std::atomic<bool>& stop;
        ~ReleaseReader()
        {
            stop = true;
            queue.abandon();
        }
    } releaseReader { queue, stop };

    std::uint64_t records = 0;
    std::uint64_t lastEnd = 0;
    std::uint64_t lastLine = 0;
    std::uint64_t eventsLimitLine = 0; // the line of the first event past the events limit, once reached
    std::uint64_t memoryLimitLine = 0; // the line of the last record read when the memory limit was passed
    bool reserved = false;
    EventRecord record;
    while (auto batch = queue.pop()) {
        // The events limit bounds memory: the events past it are not read (and the reader is told to stop), nor are
        // the original records that gave only those.
        const std::size_t room = table.size() < options.limits.events
            ? static_cast<std::size_t>(std::min<std::uint64_t>(options.limits.events - table.size(), SIZE_MAX))
            : 0;
        const std::size_t taken = std::min(room, (*batch)->eventCount());
        if (taken < (*batch)->eventCount()) {
            (*batch)->get(taken, record);
            eventsLimitLine = record.source.line;
        }
        if (options.onRawRecord)
            for (const EventBatch::RawRecord& raw : (*batch)->raw())
                if (eventsLimitLine == 0 || raw.line <= eventsLimitLine)
                    options.onRawRecord(raw.line, raw.offset, raw.text);
        for (std::size_t i = 0; i < taken; ++i) {
            (*batch)->get(i, record);
            table.append(record);
        }
        summary.eventsRead += taken;
        if (eventsLimitLine > 0)
            break;

        for (Reject& reject : (*batch)->rejects())
            addReject(reject.line, std::move(reject.reason), std::move(reject.excerpt));
        for (const auto& [kind, count] : (*batch)->skipped())
            summary.recordsSkipped[kind] += count;
        records += (*batch)->records;
        lastLine = std::max(lastLine, (*batch)->lastLine);
        lastEnd = std::max(lastEnd, (*batch)->endOffset);
        // Reserve once from the density seen so far, instead of letting a dozen columns double and copy.
        // Never more than the memory limit lets the table hold: a larger export stops at the limit with a message.
        if (!reserved && records >= kRecordsBeforeReserve && lastEnd > 0) {
            const std::size_t bytesPerEvent
                = std::max<std::size_t>(table.memoryBytes() / std::max<std::size_t>(table.size(), 1), 64);
            const std::size_t affordable = static_cast<std::size_t>(options.limits.memory / bytesPerEvent);
            table.reserve(std::min(affordable,
                table.size() + estimateEvents(summary.eventsRead, lastEnd, (*batch)->compressedOffset, input)));
            reserved = true;
        }
        if (options.progress)
            options.progress((*batch)->compressedOffset, input.fileSize());
        pool.give(std::move(*batch));
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
            summary.cancelled = true;
            break;
        }
        // The memory limit: checked per batch, so it is overshot by one batch at most (8,192 events).
        if (table.memoryBytes() > options.limits.memory) {
            memoryLimitLine = lastLine;
            break;
        }
    }
    stop = true;
    queue.abandon();
    reader.join();
    summary.layout = read.layout;
    summary.bytesRead = lastEnd;
    if (eventsLimitLine > 0) {
        summary.limitReached = true;
        summary.readError = "stopped at the events limit: more than " + options.limits.valueText("events")
            + " events in memory; " + ImportLimits::raiseHint("events");
        addReject(eventsLimitLine, "reading stopped here: " + summary.readError, {}, true);
    } else if (memoryLimitLine > 0) {
        summary.limitReached = true;
        summary.readError = "stopped at the memory limit: the " + std::to_string(table.size())
            + " events in memory take more than " + options.limits.valueText("memory") + " (limit memory; the "
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
