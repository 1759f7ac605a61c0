#pragma once

#include "event.h"
#include "stringpool.h"
#include "util/largepages.h"
#include "util/uninitializedallocator.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace cepheid {

using EventIndex = std::uint32_t;

// All imported events, one column per field (struct of arrays), strings interned in one pool.
// Columns are read by position; a reader appends, nothing edits events afterwards.
class EventTable
{
public:
    EventTable() = default;
    EventTable(EventTable&&) noexcept = default;
    EventTable& operator=(EventTable&&) noexcept = default;

    void reserve(std::size_t events);
    // The memory the columns reserved, for populateForWriting (util/largepages.h).
    std::vector<MemoryRegion> reservedMemory() const;
    EventIndex append(const EventRecord& record);
    // Appends events [begin, end) of `rows`, a table of its own pool (an import batch filled on a parsing thread),
    // their strings interned into this pool in the order append() would have met them: the result, string ids
    // included, is what appending the same records here one by one gives. `rows` must hash ids with this table's key
    // and hold no resolved hostnames.
    void appendFrom(const EventTable& rows, EventIndex begin, EventIndex end);
    // Forgets every event and string but keeps the memory, to be filled again (an import batch).
    void clear();
    // Forgets the first `count` events, their IP lists and details, and keeps the strings: the events after them move
    // down by `count` (a batch import into a case, which writes events as they come and keeps only the strings and
    // the events of a chunk not yet complete, cases/casefile.h). Not for a table with resolved names.
    void dropFront(std::size_t count);

    // Event ids are compared by a 64-bit hash keyed with this secret: an export cannot be crafted so that distinct
    // ids collide and are dropped as duplicates (the hash is invertible without the key). A run draws a random
    // key; a case keeps its own, so ids hash the same across its imports. 0: the unkeyed hash of cases written
    // before keys existed. Set before the first append.
    void setIdKey(std::uint64_t key) { m_idKey = key; }
    std::uint64_t idKey() const { return m_idKey; }
    static std::uint64_t randomIdKey();

    // An event whose strings are already interned in this table's pool (a case being reopened).
    struct StoredEvent
    {
        TimestampUs timestamp = 0;
        std::uint64_t idHash = 0;
        StringId eventType = kEmptyString;
        Direction direction = Direction::Unknown;
        StringId principalHostname = kEmptyString;
        std::span<const StringId> principalIps;
        StringId processPath = kEmptyString;
        StringId processId = kEmptyString;
        StringId targetHostname = kEmptyString;
        std::span<const StringId> targetIps;
        std::uint16_t targetPort = 0;
        std::optional<std::uint64_t> bytesSent, bytesReceived;
        StringId user = kEmptyString;
        EventRole role = EventRole::Connection;
        std::uint64_t joinKey = 0;
        HostnameSource hostnameSource = HostnameSource::None;
        SourceReference source;
    };
    EventIndex appendStored(const StoredEvent& event);
    // Reopening a case fills its columns in place, chunk by chunk, on several threads at once (cases/eventchunks.cpp):
    // growForStored sizes every column for `events` more events and `ips` more IP values, leaving the new positions
    // unset (zeroing them first would fault every page in on this thread). A chunk's decoder then takes the places of
    // its run (storedPlaces: events [first, first + count), IP values [firstIp, firstIp + ips)) and writes its columns
    // straight into them, from any thread, runs never overlapping: ipValues holds each event's principal IPs, then its
    // target IPs, event after event; flags are bit 0 bytes sent known, bit 1 bytes received known, bits 2-3 the role;
    // hostnameSource is the record's source as a case stores it. finishStored then derives the rest of the run (where
    // each event's IP lists start, the hostname sources packed, the source file). Every new position must be written
    // before the table is read. Join keys are not among the places: their column exists only in tables that have
    // some, so setStoredJoinKeys, on one thread, writes them for the runs whose keys are not all 0.
    struct StoredPlaces
    {
        std::span<TimestampUs> timestamp;
        std::span<std::uint64_t> idHash, sourceLine, sourceOffset, bytesSent, bytesReceived;
        std::span<StringId> eventType, principalHostname, processPath, processId, targetHostname, user;
        std::span<StringId> ipValues;
        std::span<std::uint16_t> principalIpCount, targetIpCount, targetPort;
        std::span<std::uint8_t> direction, flags, hostnameSource;
    };
    void growForStored(std::size_t events, std::size_t ips);
    StoredPlaces storedPlaces(std::size_t first, std::size_t count, std::size_t firstIp, std::size_t ips);
    void finishStored(std::size_t first, std::size_t count, std::size_t firstIp, std::uint16_t sourceFile);
    void setStoredJoinKeys(std::size_t first, std::span<const std::uint64_t> keys);
    std::size_t size() const { return m_timestamp.size(); }
    bool empty() const { return m_timestamp.empty(); }
    // IP values held, all lists together.
    std::size_t ipValueCount() const { return m_ipValues.size(); }

    TimestampUs timestamp(EventIndex i) const { return m_timestamp[i]; }
    std::uint64_t idHash(EventIndex i) const { return m_idHash[i]; }
    StringId eventType(EventIndex i) const { return m_eventType[i]; }
    Direction direction(EventIndex i) const { return m_direction[i]; }
    StringId principalHostname(EventIndex i) const { return m_principalHostname[i]; }
    std::span<const StringId> principalIps(EventIndex i) const
    {
        return ips(m_principalIpBegin[i], m_principalIpCount[i]);
    }
    StringId processPath(EventIndex i) const { return m_processPath[i]; }
    StringId processId(EventIndex i) const { return m_processId[i]; }
    // The destination's name as the analysis uses it: the one the name join gave (resolveHostname), else the
    // record's own.
    StringId targetHostname(EventIndex i) const
    {
        return resolved(i) != kEmptyString ? resolved(i) : m_targetHostname[i];
    }
    HostnameSource hostnameSource(EventIndex i) const
    {
        return resolved(i) != kEmptyString ? static_cast<HostnameSource>(m_hostnameSource[i] >> 4)
                                           : recordHostnameSource(i);
    }
    // The name as the record gave it (what a case stores), and where it came from.
    StringId recordHostname(EventIndex i) const { return m_targetHostname[i]; }
    HostnameSource recordHostnameSource(EventIndex i) const
    {
        return static_cast<HostnameSource>(m_hostnameSource[i] & 0x0F);
    }
    // The name join's result for event i (model/namejoin.h); clearResolvedHostnames() undoes all of them, so a join
    // can run again over a table that grew.
    void resolveHostname(EventIndex i, StringId name, HostnameSource source);
    void clearResolvedHostnames();
    EventRole role(EventIndex i) const { return static_cast<EventRole>((m_flags[i] >> kRoleShift) & 3); }
    // The join key as a 64-bit hash (0: none), not an interned string: a Zeek uid is unique per connection, and
    // interning a million of them cost more memory than the rest of the event. The join needs only equality.
    std::uint64_t joinKey(EventIndex i) const { return i < m_joinKey.size() ? m_joinKey[i] : 0; }
    static std::uint64_t joinKeyHash(std::string_view key);
    std::span<const StringId> targetIps(EventIndex i) const { return ips(m_targetIpBegin[i], m_targetIpCount[i]); }
    std::uint16_t targetPort(EventIndex i) const { return m_targetPort[i]; }
    std::uint64_t bytesSent(EventIndex i) const { return m_bytesSent[i]; }
    std::uint64_t bytesReceived(EventIndex i) const { return m_bytesReceived[i]; }
    bool bytesSentKnown(EventIndex i) const { return (m_flags[i] & kSentKnown) != 0; }
    bool bytesReceivedKnown(EventIndex i) const { return (m_flags[i] & kReceivedKnown) != 0; }
    StringId user(EventIndex i) const { return m_user[i]; }

    // HTTP details are rare outside proxy logs, so they are kept only for the events that have them (a sparse
    // column: other data pays nothing for it).
    struct HttpDetails
    {
        StringId url = kEmptyString;
        StringId userAgent = kEmptyString;
        std::uint16_t responseCode = 0;
        friend bool operator==(const HttpDetails&, const HttpDetails&) = default;
    };
    const HttpDetails* http(EventIndex i) const; // null when the event has none
    // A CloudAudit event's details (null for any other event), sparse like the HTTP details.
    const CloudDetails* cloud(EventIndex i) const;
    std::size_t cloudEventCount() const { return m_cloudEvents.size(); }
    // Ascending indexes of the events with cloud details.
    const std::vector<EventIndex>& cloudEvents() const { return m_cloudEvents; }
    void setCloud(EventIndex i, const CloudDetails& details); // events in ascending order, as setHttp
    std::size_t httpEventCount() const { return m_httpEvents.size(); }
    // Attaches HTTP details to an appended event (loading a case); events must come in ascending order.
    void setHttp(EventIndex i, const HttpDetails& details);
    SourceReference source(EventIndex i) const { return { m_sourceFile[i], m_sourceLine[i], m_sourceOffset[i] }; }

    // The destination of a flow: target.hostname, or the first target IP when the hostname is empty
    // (network sensors often see only the IP). kEmptyString when the event names no destination at all.
    StringId destination(EventIndex i) const;

    const StringPool& strings() const { return m_strings; }
    StringPool& strings() { return m_strings; }
    std::string_view text(StringId id) const { return m_strings.view(id); }

    // Bytes held by the table, its pool and its IP lists (for the memory budget in docs/architecture.md, "Performance
    // budgets").
    std::size_t memoryBytes() const;

private:
    static constexpr std::uint8_t kSentKnown = 1;
    static constexpr std::uint8_t kReceivedKnown = 2;
    static constexpr int kRoleShift = 2; // bits 2-3 of m_flags
    static std::uint8_t packSource(HostnameSource source, StringId hostname);
    void appendJoinKey(EventIndex index, std::uint64_t key);

    std::span<const StringId> ips(std::uint32_t begin, std::uint16_t count) const
    {
        return { m_ipValues.data() + begin, count };
    }
    std::uint32_t appendIps(const std::vector<std::string_view>& values, std::uint16_t& count);

    // The columns: huge pages (util/largepages.h), and resize() leaves what it adds unset for growForStored. Every
    // other resize here passes the value it fills with.
    template<class T> using Column = std::vector<T, UninitializedAllocator<LargePageAllocator<T>>>;

    StringPool m_strings;
    Column<TimestampUs> m_timestamp;
    Column<std::uint64_t> m_idHash;
    std::uint64_t m_idKey = randomIdKey();
    Column<StringId> m_eventType;
    Column<Direction> m_direction;
    Column<std::uint8_t> m_flags;
    Column<StringId> m_principalHostname;
    Column<std::uint32_t> m_principalIpBegin;
    Column<std::uint16_t> m_principalIpCount;
    Column<StringId> m_processPath;
    Column<StringId> m_processId;
    Column<StringId> m_targetHostname; // the record's own
    StringId resolved(EventIndex i) const
    {
        return i < m_resolvedHostname.size() ? m_resolvedHostname[i] : kEmptyString;
    }

    // The two join columns are allocated only when used (the first keyed event, the first name the join gives), so
    // data without joins (Chronicle UDM, Defender) pays nothing for them; shorter than the table, they read as
    // kEmptyString and 0 past their end.
    Column<StringId> m_resolvedHostname; // the name join's, or kEmptyString
    Column<std::uint8_t> m_hostnameSource; // low nibble: the record's source; high nibble: the resolved one's
    Column<std::uint64_t> m_joinKey;
    Column<std::uint32_t> m_targetIpBegin;
    Column<std::uint16_t> m_targetIpCount;
    Column<std::uint16_t> m_targetPort;
    Column<std::uint64_t> m_bytesSent;
    Column<std::uint64_t> m_bytesReceived;
    Column<StringId> m_user;
    Column<std::uint16_t> m_sourceFile;
    Column<std::uint64_t> m_sourceLine;
    Column<std::uint64_t> m_sourceOffset;
    Column<StringId> m_ipValues; // all repeated IP lists, back to back
    std::vector<EventIndex> m_httpEvents; // ascending
    std::vector<HttpDetails> m_http; // parallel to m_httpEvents
    std::vector<EventIndex> m_cloudEvents; // ascending
    std::vector<CloudDetails> m_cloud; // parallel to m_cloudEvents
};

} // namespace cepheid
