#pragma once

#include "eventtable.h"
#include "util/largepages.h"

#include <cstdint>
#include <span>
#include <vector>

namespace cepheid {

// A flow is (principal IP, destination, process path): the match key of the seed rule.
struct FlowKey
{
    StringId sourceIp = kEmptyString;
    StringId destination = kEmptyString;
    StringId processPath = kEmptyString;
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

struct Flow
{
    FlowKey key;
    std::uint32_t firstEntry = 0; // into FlowIndex::entries
    std::uint32_t entryCount = 0;
    // Rows whose metadata.id repeats an earlier row's (anywhere in the table): the same event exported twice by
    // overlapping exports. Chronicle holds each event once, so these rows are left out and only counted here.
    std::uint32_t duplicateRows = 0;
    bool destinationIsIp = false; // no target.hostname; the destination is the first target IP
};

// Groups events into flows once per import; tuning re-reads flows, it never regroups events.
// principal.ip is a repeated field and Chronicle unnests it: an event with two IPs belongs to two flows, and an
// event that lists the same IP twice appears twice in that flow (sums count both copies, count_distinct one).
class FlowIndex
{
public:
    static FlowIndex build(const EventTable& events);

    std::span<const Flow> flows() const { return m_flows; }
    const Flow& flow(std::size_t i) const { return m_flows[i]; }
    std::size_t size() const { return m_flows.size(); }
    // A flow's events sorted by time (then by event index); fan-out copies of one event are adjacent.
    std::span<const EventIndex> events(const Flow& flow) const
    {
        return { m_entries.data() + flow.firstEntry, flow.entryCount };
    }
    // Events that name neither a target hostname nor a target IP belong to no flow.
    std::size_t eventsWithoutDestination() const { return m_eventsWithoutDestination; }
    std::size_t duplicateRows() const { return m_duplicateRows; }
    // DNS answers and session names: they name connections (model/namejoin.h) but are not connections themselves.
    std::size_t evidenceEvents() const { return m_evidenceEvents; }
    // Cloud audit records (model/cloudaudit.h): core/cloud reads them, flows do not.
    std::size_t cloudAuditEvents() const { return m_cloudAuditEvents; }
    std::size_t memoryBytes() const;

private:
    std::vector<Flow> m_flows;
    LargeVector<EventIndex> m_entries;
    std::size_t m_eventsWithoutDestination = 0;
    std::size_t m_duplicateRows = 0;
    std::size_t m_evidenceEvents = 0;
    std::size_t m_cloudAuditEvents = 0;
};

} // namespace cepheid
