#pragma once

#include "importer.h"
#include "model/eventtable.h"
#include "util/textarena.h"

#include <map>
#include <memory>
#include <string_view>
#include <vector>

namespace cepheid {

// A run of parsed events and rejects that owns what it holds, so a parsing thread can move on while another thread
// stores the batch in the EventTable. The events are already interned, in a small table of the batch's own
// (EventTable::appendFrom moves them over with a few thousand pool lookups instead of eight hashes an event): the
// costly per-event work stays on the parsing threads. Raw records' text lives in fixed blocks: views stay valid.
class EventBatch
{
public:
    // Ids are hashed with the key of the table the batch goes to (EventTable::setIdKey).
    void setIdKey(std::uint64_t key) { m_events.setIdKey(key); }
    void add(const EventRecord& record) { m_events.append(record); }
    // Empties the batch but keeps its memory, so a parsing thread can fill it again.
    void clear();
    void addReject(std::uint64_t line, std::string reason, std::string excerpt = {})
    {
        m_rejects.push_back({ line, std::move(reason), std::move(excerpt) });
    }
    struct RawRecord
    {
        std::uint64_t line;
        std::uint64_t offset;
        std::string_view text;
    };
    // The record's text is copied unless `owned` says it lives as long as the batch (a parallel read's chunk).
    void addRaw(std::uint64_t line, std::uint64_t offset, std::string_view text, bool owned = false)
    {
        m_raw.push_back({ line, offset, owned ? text : m_text.copy(text) });
    }
    const std::vector<RawRecord>& raw() const { return m_raw; }
    void addSkipped(std::string_view kind) { ++m_skipped[std::string(kind)]; }
    std::map<std::string, std::uint64_t>& skipped() { return m_skipped; }

    const EventTable& events() const { return m_events; }
    std::size_t eventCount() const { return m_events.size(); }
    // Bytes of text the batch holds (its events' distinct strings and raw records): a bound on what one batch holds.
    // What the pool grew by since the batch was cleared, not its capacity: a cleared batch keeps the capacity it
    // grew to, and must not look full because of it.
    std::size_t textBytes() const
    {
        return m_text.storedBytes() + (m_events.strings().memoryBytes() - m_poolBytesWhenCleared);
    }
    std::vector<Reject>& rejects() { return m_rejects; }

    // A parallel read's input, cut on the splitting thread and parsed on a parsing thread: in file order each record,
    // or each stretch the splitter could not cut (a problem, a reject of its own). The records stay where the
    // splitter read them (JsonRecordSplitter::shareBuffers): the batch holds those buffers until it is cleared, and
    // they are followed by the padding simdjson reads past a record's end. An input is 40 bytes, one per record: a
    // problem's reason is kept apart, in problems.
    struct Input
    {
        std::uint64_t line = 0;
        std::uint64_t offset = 0;
        const char* text = nullptr; // nullptr: a problem, whose reason is problems[size]
        std::size_t size = 0;
        std::size_t capacity = 0; // readable bytes from text, padding included
        bool problem() const { return text == nullptr; }
    };
    std::vector<Input> inputs;
    std::vector<std::string> problems;
    std::vector<std::shared_ptr<const char>> heldBuffers;
    std::uint64_t heldGeneration = ~std::uint64_t(0); // the splitter's buffer generation last held
    std::size_t inputBytes = 0; // of the records in inputs

    std::uint64_t endOffset = 0; // decompressed offset just past the batch's last record
    std::uint64_t records = 0; // records (lines or array elements) in the batch
    std::uint64_t lastLine = 0; // line of the batch's last record
    std::uint64_t compressedOffset = 0; // file bytes consumed when the batch was closed (for progress)

private:
    EventTable m_events;
    std::vector<Reject> m_rejects;
    std::vector<RawRecord> m_raw;
    std::map<std::string, std::uint64_t> m_skipped;
    TextArena m_text { 256 * 1024, 256 * 1024 };
    std::size_t m_poolBytesWhenCleared = m_events.strings().memoryBytes();
};

} // namespace cepheid
