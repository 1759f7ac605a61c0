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

// Leaves out rows that repeat an earlier row's event id; fan-out copies (same event index) stay.
std::uint32_t removeDuplicateRows(const EventTable& events, std::span<EventIndex> entries, std::vector<bool>& keep)
{
    struct Item
    {
        std::uint64_t idHash;
        std::uint32_t position;
    };
    std::vector<Item> items;
    items.reserve(entries.size());
    for (std::uint32_t p = 0; p < entries.size(); ++p)
        items.push_back({ events.idHash(entries[p]), p });
    // Stable by position: the earliest row of an id is the one kept.
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
        return a.idHash != b.idHash ? a.idHash < b.idHash : a.position < b.position;
    });
    keep.assign(entries.size(), true);
    std::uint32_t removed = 0;
    for (std::size_t groupStart = 0; groupStart < items.size();) {
        std::size_t next = groupStart + 1;
        for (; next < items.size() && items[next].idHash == items[groupStart].idHash; ++next) {
            if (entries[items[next].position] != entries[items[groupStart].position]) {
                keep[items[next].position] = false;
                ++removed;
            }
        }
        groupStart = next;
    }
    return removed;
}

} // namespace

FlowIndex FlowIndex::build(const EventTable& events)
{
    FlowIndex index;
    std::unordered_map<FlowKey, std::uint32_t, FlowKeyHash> flowIds;
    flowIds.reserve(1024);
    std::vector<std::uint32_t> entryFlow;
    std::vector<EventIndex> entryEvent;
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

    for (EventIndex event = 0; event < events.size(); ++event) {
        const StringId destination = events.destination(event);
        if (destination == kEmptyString) {
            ++index.m_eventsWithoutDestination;
            continue;
        }
        const bool destinationIsIp = events.targetHostname(event) == kEmptyString;
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

    std::vector<bool> keep;
    std::uint32_t write = 0;
    for (Flow& flow : index.m_flows) {
        std::span<EventIndex> entries(index.m_entries.data() + flow.firstEntry, flow.entryCount);
        std::sort(entries.begin(), entries.end(), [&](EventIndex a, EventIndex b) {
            const TimestampUs ta = events.timestamp(a), tb = events.timestamp(b);
            return ta != tb ? ta < tb : a < b;
        });
        flow.duplicateRows = entries.size() > 1 ? removeDuplicateRows(events, entries, keep) : 0;
        index.m_duplicateRows += flow.duplicateRows;
        const std::uint32_t newFirst = write;
        for (std::uint32_t p = 0; p < entries.size(); ++p)
            if (flow.duplicateRows == 0 || keep[p])
                index.m_entries[write++] = entries[p];
        flow.firstEntry = newFirst;
        flow.entryCount = write - newFirst;
    }
    index.m_entries.resize(write);
    index.m_entries.shrink_to_fit();
    return index;
}

std::size_t FlowIndex::memoryBytes() const
{
    return m_flows.capacity() * sizeof(Flow) + m_entries.capacity() * sizeof(EventIndex);
}

} // namespace cepheid
