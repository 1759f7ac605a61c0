#include "batchreader.h"

#include "inputstream.h"
#include "util/threadname.h"

namespace cepheid {

// Fills one batch with what a reader gives: events, rejects and skips, and for each record closed, the counts and
// (when kept) the original text of a record that gave an event. A record that gave none has its reject's excerpt:
// a flood of rejected records would otherwise grow a case by an index entry each.
class BatchReader::BatchFiller : public RecordSink
{
public:
    BatchFiller(bool keepRaw, bool rawOwned)
        : m_keepRaw(keepRaw)
        , m_rawOwned(rawOwned)
    { }

    void start(EventBatch& batch)
    {
        m_batch = &batch;
        m_eventsAtRecordStart = batch.eventCount();
    }
    void event(const EventRecord& event) override { m_batch->add(event); }
    void skip(std::string_view kind) override { m_batch->addSkipped(kind); }
    void reject(std::uint64_t line, std::string reason, std::string_view excerpt) override
    {
        m_batch->addReject(line, std::move(reason), std::string(excerpt));
    }
    bool recordDone(std::uint64_t line, std::uint64_t offset, std::string_view text) override
    {
        if (m_keepRaw && m_batch->eventCount() > m_eventsAtRecordStart)
            m_batch->addRaw(line, offset, text, m_rawOwned);
        ++m_batch->records;
        m_batch->endOffset = offset + text.size();
        m_batch->lastLine = line;
        m_eventsAtRecordStart = m_batch->eventCount();
        return afterRecord();
    }

protected:
    virtual bool afterRecord() { return true; }
    EventBatch* m_batch = nullptr;

private:
    const bool m_keepRaw;
    const bool m_rawOwned;
    std::size_t m_eventsAtRecordStart = 0;
};

// The serial path's sink: the reader's own thread fills batches and hands each full one over.
class BatchReader::SerialSink final : public BatchFiller
{
public:
    SerialSink(BatchReader& owner, InputStream& input)
        : BatchFiller(owner.m_settings.keepRaw, false)
        , m_owner(owner)
        , m_input(input)
        , m_current(owner.takeBatch())
    {
        start(*m_current);
    }
    // Hands over what is left.
    void finish()
    {
        if (!m_owner.m_stop
            && (m_current->eventCount() > 0 || !m_current->rejects().empty() || m_current->records > 0
                || !m_current->skipped().empty()))
            m_owner.handOver(std::move(m_current), m_input);
    }

private:
    bool afterRecord() override
    {
        // Bounded in bytes too: forty 60 MB records in one batch held 2.4 GB.
        if (m_current->eventCount() + m_current->rejects().size() >= kBatchItems
            || m_current->textBytes() >= kBatchBytes) {
            m_owner.handOver(std::move(m_current), m_input);
            m_current = m_owner.takeBatch();
            start(*m_current);
        }
        return !m_owner.m_stop.load(std::memory_order_relaxed);
    }

    BatchReader& m_owner;
    InputStream& m_input;
    std::unique_ptr<EventBatch> m_current;
};

BatchReader::BatchReader(const FormatReader& reader, InputStream& input, const Settings& settings)
    : m_settings(settings)
{
    std::unique_ptr<JsonRecordSplitter> splitter;
    if (settings.parseThreads > 1)
        splitter = reader.recordSplitter(input, settings.read);
    if (!splitter) {
        m_threads.emplace_back([this, &reader, &input] { readSerially(reader, input); });
        return;
    }
    for (unsigned i = 0; i < settings.parseThreads; ++i)
        m_parsers.push_back(reader.recordParser(settings.read));
    m_threads.emplace_back([this, &input, cutter = std::move(splitter)] { split(*cutter, input); });
    for (const auto& parser : m_parsers)
        m_threads.emplace_back([this, parser = parser.get()] { parse(*parser); });
}

BatchReader::~BatchReader()
{
    stop();
}

std::unique_ptr<EventBatch> BatchReader::next()
{
    auto pending = m_ordered.pop();
    if (!pending)
        return nullptr;
    return pending->get(); // rethrows what a parsing thread threw (out of memory)
}

void BatchReader::recycle(std::unique_ptr<EventBatch> batch)
{
    batch->clear();
    std::lock_guard lock(m_spareMutex);
    if (m_spare.size() < kQueued * 2 + 2) // every batch that can be in flight at once
        m_spare.push_back(std::move(batch));
}

void BatchReader::stop()
{
    m_stop = true;
    m_ordered.abandon();
    m_jobs.abandon();
    for (std::jthread& thread : m_threads)
        if (thread.joinable())
            thread.join();
}

std::unique_ptr<EventBatch> BatchReader::takeBatch()
{
    std::unique_ptr<EventBatch> batch;
    {
        std::lock_guard lock(m_spareMutex);
        if (!m_spare.empty()) {
            batch = std::move(m_spare.back());
            m_spare.pop_back();
        }
    }
    if (!batch)
        batch = std::make_unique<EventBatch>();
    batch->setIdKey(m_settings.idKey);
    return batch;
}

void BatchReader::handOver(std::unique_ptr<EventBatch> batch, InputStream& input)
{
    batch->compressedOffset = input.compressedOffset();
    std::promise<std::unique_ptr<EventBatch>> done;
    done.set_value(std::move(batch));
    if (!m_ordered.push(done.get_future()))
        m_stop = true;
}

void BatchReader::readSerially(const FormatReader& reader, InputStream& input)
{
    nameThisThread("cepheid-read");
    try {
        SerialSink sink(*this, input);
        m_result = reader.read(input, sink, m_settings.read);
        sink.finish();
    } catch (...) {
        handOverFailure(std::current_exception());
    }
    m_ordered.close();
}

void BatchReader::handOverFailure(std::exception_ptr failure)
{
    // Out of memory on a reading thread: the consumer meets it in file order, after the batches before it, as it
    // meets a parsing thread's (next() rethrows it). An exception left to end the thread would end the process.
    std::promise<std::unique_ptr<EventBatch>> failed;
    failed.set_exception(std::move(failure));
    if (!m_ordered.push(failed.get_future()))
        m_stop = true;
}

void BatchReader::split(JsonRecordSplitter& splitter, InputStream& input)
{
    nameThisThread("cepheid-split");
    try {
        cutIntoBatches(splitter, input);
    } catch (...) {
        handOverFailure(std::current_exception());
    }
    m_jobs.close();
    m_ordered.close();
}

void BatchReader::cutIntoBatches(JsonRecordSplitter& splitter, InputStream& input)
{
    std::unique_ptr<EventBatch> batch = takeBatch();
    // Queues the batch for a parsing thread, and its place in file order for the consumer.
    const auto dispatch = [&] {
        batch->compressedOffset = input.compressedOffset();
        Job job { std::move(batch), {} };
        if (!m_ordered.push(job.done.get_future()) || !m_jobs.push(std::move(job)))
            m_stop = true;
        batch = takeBatch();
    };
    // The records are parsed where the splitter read them: the batch holds each buffer its records lie in.
    splitter.shareBuffers();
    m_result.complete = splitter.run(
        [&](const JsonRecordSplitter::Record& record) {
            if (batch->heldGeneration != splitter.bufferGeneration()) {
                batch->heldBuffers.push_back(splitter.holdBuffer());
                batch->heldGeneration = splitter.bufferGeneration();
            }
            batch->inputs.push_back(
                { record.line, record.offset, record.text.data(), record.text.size(), record.capacity });
            batch->inputBytes += record.text.size();
            if (batch->inputBytes >= kInputBytes || batch->inputs.size() >= kBatchItems)
                dispatch();
            return !m_stop.load(std::memory_order_relaxed);
        },
        [&](std::uint64_t line, std::string reason) {
            batch->inputs.push_back({ line, 0, nullptr, batch->problems.size(), 0 });
            batch->problems.push_back(std::move(reason));
            if (batch->inputs.size() >= kBatchItems)
                dispatch();
        });
    m_result.layout = splitter.mode() == JsonRecordSplitter::Mode::Lines ? "ndjson" : "json";
    if (!m_stop && !batch->inputs.empty())
        dispatch();
}

void BatchReader::parse(RecordParser& parser)
{
    nameThisThread("cepheid-parse");
    BatchFiller sink(m_settings.keepRaw, true); // raw text stays in the batch's input
    while (auto job = m_jobs.pop()) {
        EventBatch& batch = *job->batch;
        try {
            sink.start(batch);
            for (const EventBatch::Input& input : batch.inputs) {
                if (m_stop.load(std::memory_order_relaxed))
                    break;
                if (input.problem()) {
                    sink.reject(input.line, batch.problems[input.size], {});
                    continue;
                }
                const JsonRecordSplitter::Record record { std::string_view(input.text, input.size), input.capacity,
                    input.line, input.offset };
                parser.parse(record, sink);
                sink.recordDone(record.line, record.offset, record.text);
            }
            job->done.set_value(std::move(job->batch));
        } catch (...) {
            job->done.set_exception(std::current_exception());
        }
    }
}

} // namespace cepheid
