#include "flowindex.h"

#include "hash.h"

#include <algorithm>
#include <unordered_map>

namespace cepheid {

namespace {

struct FlowKeyHash
{
    std::size_t operator()(const FlowKey& key) const
    {
        return mix64((std::uint64_t(key.sourceIp) << 32 | key.destination) ^ mix64(key.processPath + 1ULL));
    }
};

// Marks rows whose metadata.id repeats an earlier row's: the same event exported twice (overlapping exports).
// Chronicle stores each event once, so only the first row of an id is kept. Open addressing over id hashes.
std::vector<bool> findDuplicateRows(const EventTable& events)
{
    std::vector<bool> duplicate(events.size(), false);
    std::size_t capacity = 16;
    while (capacity < events.size() * 2)
        capacity *= 2;
    LargeVector<std::uint64_t> slots(capacity, 0);
    const std::size_t mask = capacity - 1;
    for (EventIndex event = 0; event < events.size(); ++event) {
        // Evidence shares its session's id (a Zeek ssl record has its conn's uid) but is no second copy of it.
        if (events.role(event) != EventRole::Connection)
            continue;
        // 0 marks an empty slot, so a (vanishingly unlikely) zero hash is nudged.
        const std::uint64_t id = events.idHash(event) | (events.idHash(event) == 0);
        std::size_t slot = mix64(id) & mask;
        while (slots[slot] != 0 && slots[slot] != id)
            slot = (slot + 1) & mask;
        if (slots[slot] == id)
            duplicate[event] = true;
        else
            slots[slot] = id;
    }
    return duplicate;
}

} // namespace

FlowIndex FlowIndex::build(const EventTable& events)
{
    FlowIndex index;
    std::unordered_map<FlowKey, std::uint32_t, FlowKeyHash> flowIds;
    flowIds.reserve(1024);
    LargeVector<std::uint32_t> entryFlow;
    LargeVector<EventIndex> entryEvent;
    entryFlow.reserve(events.size());
    entryEvent.reserve(events.size());

    auto addEntry = [&](const FlowKey& key, bool destinationIsIp, EventIndex event) {
        auto [it, inserted] = flowIds.try_emplace(key, static_cast<std::uint32_t>(index.m_flows.size()));
        if (inserted) {
            Flow flow;
            flow.key = key;
            flow.destinationIsIp = destinationIsIp;
            index.m_flows.push_back(flow);
        }
        entryFlow.push_back(it->second);
        entryEvent.push_back(event);
        ++index.m_flows[it->second].entryCount;
    };

    const std::vector<bool> duplicate = findDuplicateRows(events);
    for (EventIndex event = 0; event < events.size(); ++event) {
        if (events.role(event) == EventRole::CloudAudit) {
            ++index.m_cloudAuditEvents;
            continue;
        }
        if (events.role(event) != EventRole::Connection) {
            ++index.m_evidenceEvents;
            continue;
        }
        const StringId destination = events.destination(event);
        if (destination == kEmptyString) {
            ++index.m_eventsWithoutDestination;
            continue;
        }
        const bool destinationIsIp = events.targetHostname(event) == kEmptyString;
        if (duplicate[event]) {
            // Counted against the flow it repeats (its first principal IP's), when that flow exists.
            const auto ips = events.principalIps(event);
            const auto it
                = flowIds.find({ ips.empty() ? kEmptyString : ips[0], destination, events.processPath(event) });
            if (it != flowIds.end())
                ++index.m_flows[it->second].duplicateRows;
            ++index.m_duplicateRows;
            continue;
        }
        const auto ips = events.principalIps(event);
        if (ips.empty()) {
            addEntry({ kEmptyString, destination, events.processPath(event) }, destinationIsIp, event);
            continue;
        }
        for (StringId ip : ips)
            addEntry({ ip, destination, events.processPath(event) }, destinationIsIp, event);
    }

    // Counting sort of entries by flow (CSR layout), then each flow sorted by time.
    std::uint32_t offset = 0;
    for (Flow& flow : index.m_flows) {
        flow.firstEntry = offset;
        offset += flow.entryCount;
    }
    index.m_entries.resize(entryEvent.size());
    std::vector<std::uint32_t> cursor(index.m_flows.size());
    for (std::size_t f = 0; f < index.m_flows.size(); ++f)
        cursor[f] = index.m_flows[f].firstEntry;
    for (std::size_t i = 0; i < entryEvent.size(); ++i)
        index.m_entries[cursor[entryFlow[i]]++] = entryEvent[i];
    entryFlow = {};
    entryEvent = {};

    // Exports are usually in time order already; sort only the flows that are not.
    for (Flow& flow : index.m_flows) {
        std::span<EventIndex> entries(index.m_entries.data() + flow.firstEntry, flow.entryCount);
        auto earlier = [&](EventIndex a, EventIndex b) {
            const TimestampUs ta = events.timestamp(a), tb = events.timestamp(b);
            return ta != tb ? ta < tb : a < b;
        };
        if (!std::is_sorted(entries.begin(), entries.end(), earlier))
            std::sort(entries.begin(), entries.end(), earlier);
    }
    return index;
}

std::size_t FlowIndex::memoryBytes() const
{
    return m_flows.capacity() * sizeof(Flow) + m_entries.capacity() * sizeof(EventIndex);
}

} // namespace cepheid
