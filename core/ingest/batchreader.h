#pragma once

#include "eventbatch.h"
#include "formatreader.h"
#include "util/batchqueue.h"

#include <atomic>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace cepheid {

class InputStream;

// Reads one file into EventBatches on threads of its own and hands them over in file order (docs/architecture.md,
// "Parallel parsing"):
//  - serial: one thread runs the reader's read(), filling a batch at a time;
//  - parallel, for readers of independent JSON records (FormatReader::recordParser): one thread cuts records into
//    batches of about kInputBytes of text, and `parseThreads` threads parse a batch each, interning its strings in
//    the batch's own pool. Records are not copied: a batch holds the splitter's buffers they lie in
//    (JsonRecordSplitter::shareBuffers). The consumer merges the batches in order (EventTable::appendFrom), so the
//    table is the serial path's, string ids included.
// Destroying it stops every thread, whatever it was doing.
class BatchReader
{
public:
    struct Settings
    {
        ReadSettings read;
        bool keepRaw = false; // keep the original text of every record that gave an event
        std::uint64_t idKey = 0; // the table's (EventTable::idKey)
        unsigned parseThreads = 1; // 1: serial; more: parallel when the reader allows it
    };

    BatchReader(const FormatReader& reader, InputStream& input, const Settings& settings);
    ~BatchReader();
    BatchReader(const BatchReader&) = delete;
    BatchReader& operator=(const BatchReader&) = delete;

    // The next batch in file order; null once the file is read (or stop() was called).
    std::unique_ptr<EventBatch> next();
    // A batch the consumer is done with, to be filled again.
    void recycle(std::unique_ptr<EventBatch> batch);
    // Stops reading; waits for the threads. Called by the destructor.
    void stop();
    // How reading ended; valid once next() returned null or after stop().
    const ReadResult& result() const { return m_result; }

    // Text a parallel batch is cut at. Some work is per batch: each of its distinct strings is stored in its pool and
    // interned again by the consumer (EventTable::appendFrom), and it is handed over twice. Batches of 4 MiB (8,192
    // UDM records) instead of 1 cut the benchmark's distinct strings per batch from 390,000 to 104,000 for 1 M events,
    // and the batches from 470 to 122: 9 % less CPU, for about 30 MB more held at once (docs/benchmarks.md).
    static constexpr std::size_t kInputBytes = 4u << 20;
    static constexpr std::size_t kBatchItems = 8192; // events and rejects per batch
    static constexpr std::size_t kBatchBytes = 16u << 20; // text a batch holds before it is handed over

private:
    class BatchFiller;
    class SerialSink;
    using Pending = std::future<std::unique_ptr<EventBatch>>;
    struct Job
    {
        std::unique_ptr<EventBatch> batch;
        std::promise<std::unique_ptr<EventBatch>> done;
    };
    std::unique_ptr<EventBatch> takeBatch();
    void readSerially(const FormatReader& reader, InputStream& input);
    void split(JsonRecordSplitter& splitter, InputStream& input);
    void cutIntoBatches(JsonRecordSplitter& splitter, InputStream& input);
    void handOverFailure(std::exception_ptr failure);
    void parse(RecordParser& parser);
    void handOver(std::unique_ptr<EventBatch> batch, InputStream& input); // sets m_stop when abandoned

    Settings m_settings;
    static constexpr std::size_t kQueued = 4;
    BatchQueue<Pending> m_ordered { kQueued }; // every batch, in file order, done or being parsed
    BatchQueue<Job> m_jobs { kQueued }; // batches waiting for a parsing thread
    std::atomic<bool> m_stop { false };
    ReadResult m_result;
    std::mutex m_spareMutex;
    std::vector<std::unique_ptr<EventBatch>> m_spare; // batches to fill again: reused memory is not faulted in again
    std::vector<std::unique_ptr<RecordParser>> m_parsers; // one per parsing thread, which uses it by reference
    std::vector<std::jthread> m_threads;
};

} // namespace cepheid
