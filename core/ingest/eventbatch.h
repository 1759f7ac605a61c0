#pragma once

#include "importer.h"
#include "model/event.h"
#include "util/textarena.h"

#include <deque>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

namespace cepheid {

// A run of parsed events and rejects that owns its text, so the parsing thread can move on while another
// thread stores the batch in the EventTable. Strings live in fixed blocks: views into them stay valid.
class EventBatch
{
public:
    struct Event
    {
        EventRecord record; // views point into this batch's blocks; IP lists are rebuilt from ipBegin/ipCount
        std::uint32_t principalIpBegin = 0, principalIpCount = 0, targetIpBegin = 0, targetIpCount = 0;
    };

    void add(const EventRecord& record);
    // Empties the batch but keeps its memory, so the reading thread can fill it again.
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
    void addRaw(std::uint64_t line, std::uint64_t offset, std::string_view text)
    {
        m_raw.push_back({ line, offset, copy(text) });
    }
    const std::vector<RawRecord>& raw() const { return m_raw; }
    void addSkipped(std::string_view kind) { ++m_skipped[std::string(kind)]; }
    std::map<std::string, std::uint64_t>& skipped() { return m_skipped; }
    // Fills `record` (reusing its IP vectors) with event i.
    void get(std::size_t i, EventRecord& record) const;

    std::size_t eventCount() const { return m_events.size(); }
    // Bytes of text the batch owns (events' strings and raw records).
    std::size_t textBytes() const { return m_text.storedBytes(); }
    std::vector<Reject>& rejects() { return m_rejects; }
    std::uint64_t endOffset = 0; // decompressed offset just past the batch's last record
    std::uint64_t records = 0; // records (lines or array elements) in the batch
    std::uint64_t lastLine = 0; // line of the batch's last record
    std::uint64_t compressedOffset = 0; // file bytes consumed when the batch was closed (for progress)

private:
    std::string_view copy(std::string_view text) { return m_text.copy(text); }

    std::vector<Event> m_events;
    std::vector<std::string_view> m_ips;
    std::vector<Reject> m_rejects;
    std::vector<RawRecord> m_raw;
    std::map<std::string, std::uint64_t> m_skipped;
    std::deque<CloudAuditRecord> m_cloud; // the events' cloud details (a deque: records point at them)
    TextArena m_text { 256 * 1024, 256 * 1024 };
};

} // namespace cepheid
