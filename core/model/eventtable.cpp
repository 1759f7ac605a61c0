#include "eventtable.h"

#include "hash.h"

#include <algorithm>
#include <limits>
#include <random>
#include <stdexcept>

namespace cepheid {

void EventTable::reserve(std::size_t events)
{
    if (events <= m_timestamp.capacity())
        return;
    m_timestamp.reserve(events);
    m_idHash.reserve(events);
    m_eventType.reserve(events);
    m_direction.reserve(events);
    m_flags.reserve(events);
    m_principalHostname.reserve(events);
    m_principalIpBegin.reserve(events);
    m_principalIpCount.reserve(events);
    m_processPath.reserve(events);
    m_processId.reserve(events);
    m_targetHostname.reserve(events);
    m_hostnameSource.reserve(events);
    if (!m_joinKey.empty())
        m_joinKey.reserve(events);
    m_targetIpBegin.reserve(events);
    m_targetIpCount.reserve(events);
    m_targetPort.reserve(events);
    m_bytesSent.reserve(events);
    m_bytesReceived.reserve(events);
    m_user.reserve(events);
    m_sourceFile.reserve(events);
    m_sourceLine.reserve(events);
    m_sourceOffset.reserve(events);
    m_ipValues.reserve(events * 2);
}

std::vector<MemoryRegion> EventTable::reservedMemory() const
{
    std::vector<MemoryRegion> regions;
    const auto add = [&](const auto&... columns) {
        (regions.push_back({ const_cast<void*>(static_cast<const void*>(columns.data())),
             columns.capacity() * sizeof(*columns.data()) }),
            ...);
    };
    add(m_timestamp, m_idHash, m_eventType, m_direction, m_flags, m_principalHostname, m_principalIpBegin,
        m_principalIpCount, m_processPath, m_processId, m_targetHostname, m_hostnameSource, m_joinKey, m_targetIpBegin,
        m_targetIpCount, m_targetPort, m_bytesSent, m_bytesReceived, m_user, m_sourceFile, m_sourceLine, m_sourceOffset,
        m_ipValues);
    return regions;
}

std::uint32_t EventTable::appendIps(const std::vector<std::string_view>& values, std::uint16_t& count)
{
    const auto begin = static_cast<std::uint32_t>(m_ipValues.size());
    // Readers reject records with more IPs than this, so the cap never silently truncates.
    const std::size_t kept = std::min<std::size_t>(values.size(), std::numeric_limits<std::uint16_t>::max());
    for (std::size_t i = 0; i < kept; ++i)
        m_ipValues.push_back(m_strings.intern(values[i]));
    count = static_cast<std::uint16_t>(kept);
    return begin;
}

std::uint64_t EventTable::randomIdKey()
{
    std::random_device device;
    const std::uint64_t key = (std::uint64_t(device()) << 32) ^ device();
    return key == 0 ? 1 : key; // 0 means unkeyed
}

EventIndex EventTable::append(const EventRecord& record)
{
    const auto index = static_cast<EventIndex>(m_timestamp.size());
    m_timestamp.push_back(record.timestamp);
    m_idHash.push_back(record.id.empty() ? record.idHash
            : m_idKey == 0               ? hashBytes(record.id)
                                         : hashBytes(record.id, mix64(m_idKey) ^ hashBytes(record.id, m_idKey)));
    m_eventType.push_back(m_strings.intern(record.eventType));
    m_direction.push_back(record.direction);
    m_flags.push_back(static_cast<std::uint8_t>((record.bytesSentKnown ? kSentKnown : 0)
        | (record.bytesReceivedKnown ? kReceivedKnown : 0) | (static_cast<unsigned>(record.role) << kRoleShift)));
    m_principalHostname.push_back(m_strings.intern(record.principalHostname));
    std::uint16_t count = 0;
    m_principalIpBegin.push_back(appendIps(record.principalIps, count));
    m_principalIpCount.push_back(count);
    m_processPath.push_back(m_strings.intern(record.processPath));
    m_processId.push_back(m_strings.intern(record.processId));
    m_targetHostname.push_back(m_strings.intern(record.targetHostname));
    m_hostnameSource.push_back(packSource(record.hostnameSource, m_targetHostname.back()));
    appendJoinKey(index, joinKeyHash(record.joinKey));
    m_targetIpBegin.push_back(appendIps(record.targetIps, count));
    m_targetIpCount.push_back(count);
    m_targetPort.push_back(record.targetPort);
    m_bytesSent.push_back(record.bytesSent);
    m_bytesReceived.push_back(record.bytesReceived);
    m_user.push_back(m_strings.intern(record.user));
    if (!record.url.empty() || !record.userAgent.empty() || record.responseCode != 0)
        setHttp(index, { m_strings.intern(record.url), m_strings.intern(record.userAgent), record.responseCode });
    if (record.cloud) {
        const CloudAuditRecord& cloud = *record.cloud;
        setCloud(index,
            { cloud.provider, cloud.action, cloud.failed, cloud.makesPublic, m_strings.intern(cloud.service),
                m_strings.intern(cloud.resource), m_strings.intern(cloud.account), m_strings.intern(cloud.region),
                m_strings.intern(cloud.actorType), m_strings.intern(cloud.userAgent),
                m_strings.intern(cloud.credential), m_strings.intern(cloud.errorCode),
                m_strings.intern(cloud.exposure) });
    }
    m_sourceFile.push_back(record.source.fileIndex);
    m_sourceLine.push_back(record.source.line);
    m_sourceOffset.push_back(record.source.byteOffset);
    return index;
}

void EventTable::appendFrom(const EventTable& rows, EventIndex begin, EventIndex end)
{
    const std::size_t first = m_timestamp.size();
    const std::size_t count = end - begin;
    // Columns without strings are copied whole: a dozen bulk copies instead of a dozen push_backs per event.
    const auto copy
        = [&](auto& to, const auto& from) { to.insert(to.end(), from.begin() + begin, from.begin() + end); };
    copy(m_timestamp, rows.m_timestamp);
    copy(m_idHash, rows.m_idHash);
    copy(m_direction, rows.m_direction);
    copy(m_flags, rows.m_flags);
    copy(m_principalIpCount, rows.m_principalIpCount);
    copy(m_hostnameSource, rows.m_hostnameSource);
    copy(m_targetIpCount, rows.m_targetIpCount);
    copy(m_targetPort, rows.m_targetPort);
    copy(m_bytesSent, rows.m_bytesSent);
    copy(m_bytesReceived, rows.m_bytesReceived);
    copy(m_sourceFile, rows.m_sourceFile);
    copy(m_sourceLine, rows.m_sourceLine);
    copy(m_sourceOffset, rows.m_sourceOffset);
    if (!rows.m_joinKey.empty() || !m_joinKey.empty()) {
        for (EventIndex i = begin; i < end; ++i)
            appendJoinKey(static_cast<EventIndex>(first + (i - begin)), rows.joinKey(i));
    }

    // Each of the batch's strings is interned here once, at its first use: the batch's pool holds each distinct
    // value once, so this hashes a few thousand strings per batch instead of eight per event. Strings are interned
    // event by event in the order of append() (event type, principal, its IPs, process, target, its IPs, user, HTTP,
    // cloud), so that ids come out as a serial import numbers them.
    constexpr StringId kUnmapped = ~StringId(0);
    std::vector<StringId> mapped(rows.m_strings.size(), kUnmapped);
    mapped[kEmptyString] = kEmptyString;
    const auto map = [&](StringId id) {
        StringId& to = mapped[id];
        if (to == kUnmapped)
            to = m_strings.intern(rows.m_strings.view(id));
        return to;
    };
    const auto mapIps = [&](std::span<const StringId> ips) {
        const auto firstIp = static_cast<std::uint32_t>(m_ipValues.size());
        for (const StringId ip : ips)
            m_ipValues.push_back(map(ip));
        return firstIp;
    };
    const auto grow = [&](auto&... columns) { (columns.resize(first + count), ...); };
    grow(m_eventType, m_principalHostname, m_principalIpBegin, m_processPath, m_processId, m_targetHostname,
        m_targetIpBegin, m_user);
    auto http = std::lower_bound(rows.m_httpEvents.begin(), rows.m_httpEvents.end(), begin);
    auto cloud = std::lower_bound(rows.m_cloudEvents.begin(), rows.m_cloudEvents.end(), begin);
    for (EventIndex i = begin; i < end; ++i) {
        const auto index = static_cast<EventIndex>(first + (i - begin));
        m_eventType[index] = map(rows.m_eventType[i]);
        m_principalHostname[index] = map(rows.m_principalHostname[i]);
        m_principalIpBegin[index] = mapIps(rows.principalIps(i));
        m_processPath[index] = map(rows.m_processPath[i]);
        m_processId[index] = map(rows.m_processId[i]);
        m_targetHostname[index] = map(rows.m_targetHostname[i]);
        m_targetIpBegin[index] = mapIps(rows.targetIps(i));
        m_user[index] = map(rows.m_user[i]);
        if (http != rows.m_httpEvents.end() && *http == i) {
            const HttpDetails& details = rows.m_http[static_cast<std::size_t>(http - rows.m_httpEvents.begin())];
            setHttp(index, { map(details.url), map(details.userAgent), details.responseCode });
            ++http;
        }
        if (cloud != rows.m_cloudEvents.end() && *cloud == i) {
            CloudDetails details = rows.m_cloud[static_cast<std::size_t>(cloud - rows.m_cloudEvents.begin())];
            for (StringId* id :
                { &details.service, &details.resource, &details.account, &details.region, &details.actorType,
                    &details.userAgent, &details.credential, &details.errorCode, &details.exposure })
                *id = map(*id);
            setCloud(index, details);
            ++cloud;
        }
    }
}

void EventTable::clear()
{
    m_strings.clear();
    const auto empty = [](auto&... columns) { (columns.clear(), ...); };
    empty(m_timestamp, m_idHash, m_eventType, m_direction, m_flags, m_principalHostname, m_principalIpBegin,
        m_principalIpCount, m_processPath, m_processId, m_targetHostname, m_resolvedHostname, m_hostnameSource,
        m_joinKey, m_targetIpBegin, m_targetIpCount, m_targetPort, m_bytesSent, m_bytesReceived, m_user, m_sourceFile,
        m_sourceLine, m_sourceOffset, m_ipValues, m_httpEvents, m_http, m_cloudEvents, m_cloud);
}

void EventTable::dropFront(std::size_t count)
{
    if (count == 0)
        return;
    if (count > size())
        throw std::out_of_range("EventTable::dropFront: more events than the table holds");
    if (!m_resolvedHostname.empty())
        throw std::logic_error("EventTable::dropFront: the table holds resolved names");
    // IP lists lie in event order (append, appendFrom and appendStored all add them at the end), so the first kept
    // event's principal list begins where the dropped events' lists end.
    const std::uint32_t firstIp
        = count < size() ? m_principalIpBegin[count] : static_cast<std::uint32_t>(m_ipValues.size());
    const auto drop = [](auto& column, std::size_t n) {
        column.erase(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(std::min(n, column.size())));
    };
    const auto dropEvents = [&](auto&... columns) { (drop(columns, count), ...); };
    dropEvents(m_timestamp, m_idHash, m_eventType, m_direction, m_flags, m_principalHostname, m_principalIpBegin,
        m_principalIpCount, m_processPath, m_processId, m_targetHostname, m_hostnameSource, m_joinKey, m_targetIpBegin,
        m_targetIpCount, m_targetPort, m_bytesSent, m_bytesReceived, m_user, m_sourceFile, m_sourceLine,
        m_sourceOffset);
    drop(m_ipValues, firstIp);
    for (std::uint32_t& begin : m_principalIpBegin)
        begin -= firstIp;
    for (std::uint32_t& begin : m_targetIpBegin)
        begin -= firstIp;
    const auto dropDetails = [count, &drop](std::vector<EventIndex>& events, auto& details) {
        const auto kept = std::lower_bound(events.begin(), events.end(), static_cast<EventIndex>(count));
        const auto dropped = static_cast<std::size_t>(kept - events.begin());
        drop(events, dropped);
        drop(details, dropped);
        for (EventIndex& event : events)
            event -= static_cast<EventIndex>(count);
    };
    dropDetails(m_httpEvents, m_http);
    dropDetails(m_cloudEvents, m_cloud);
}

EventIndex EventTable::appendStored(const StoredEvent& event)
{
    const auto index = static_cast<EventIndex>(m_timestamp.size());
    m_timestamp.push_back(event.timestamp);
    m_idHash.push_back(event.idHash);
    m_eventType.push_back(event.eventType);
    m_direction.push_back(event.direction);
    m_flags.push_back(static_cast<std::uint8_t>((event.bytesSent ? kSentKnown : 0)
        | (event.bytesReceived ? kReceivedKnown : 0) | (static_cast<unsigned>(event.role) << kRoleShift)));
    m_principalHostname.push_back(event.principalHostname);
    m_principalIpBegin.push_back(static_cast<std::uint32_t>(m_ipValues.size()));
    m_ipValues.insert(m_ipValues.end(), event.principalIps.begin(), event.principalIps.end());
    m_principalIpCount.push_back(static_cast<std::uint16_t>(event.principalIps.size()));
    m_processPath.push_back(event.processPath);
    m_processId.push_back(event.processId);
    m_targetHostname.push_back(event.targetHostname);
    m_hostnameSource.push_back(packSource(event.hostnameSource, event.targetHostname));
    appendJoinKey(index, event.joinKey);
    m_targetIpBegin.push_back(static_cast<std::uint32_t>(m_ipValues.size()));
    m_ipValues.insert(m_ipValues.end(), event.targetIps.begin(), event.targetIps.end());
    m_targetIpCount.push_back(static_cast<std::uint16_t>(event.targetIps.size()));
    m_targetPort.push_back(event.targetPort);
    m_bytesSent.push_back(event.bytesSent.value_or(0));
    m_bytesReceived.push_back(event.bytesReceived.value_or(0));
    m_user.push_back(event.user);
    m_sourceFile.push_back(event.source.fileIndex);
    m_sourceLine.push_back(event.source.line);
    m_sourceOffset.push_back(event.source.byteOffset);
    return index;
}

void EventTable::growForStored(std::size_t events, std::size_t ips)
{
    const std::size_t n = size() + events;
    const auto grow = [n](auto&... columns) { (columns.resize(n), ...); };
    grow(m_timestamp, m_idHash, m_eventType, m_direction, m_flags, m_principalHostname, m_principalIpBegin,
        m_principalIpCount, m_processPath, m_processId, m_targetHostname, m_hostnameSource, m_targetIpBegin,
        m_targetIpCount, m_targetPort, m_bytesSent, m_bytesReceived, m_user, m_sourceFile, m_sourceLine,
        m_sourceOffset);
    m_ipValues.resize(m_ipValues.size() + ips);
    if (!m_joinKey.empty())
        m_joinKey.resize(n, 0);
}

EventTable::StoredPlaces EventTable::storedPlaces(
    std::size_t first, std::size_t count, std::size_t firstIp, std::size_t ips)
{
    if (first + count > size() || firstIp + ips > m_ipValues.size())
        throw std::out_of_range("stored events past the columns growForStored sized");
    const auto run = [first, count](auto& column) { return std::span(column.data() + first, count); };
    static_assert(sizeof(Direction) == 1);
    return { .timestamp = run(m_timestamp),
        .idHash = run(m_idHash),
        .sourceLine = run(m_sourceLine),
        .sourceOffset = run(m_sourceOffset),
        .bytesSent = run(m_bytesSent),
        .bytesReceived = run(m_bytesReceived),
        .eventType = run(m_eventType),
        .principalHostname = run(m_principalHostname),
        .processPath = run(m_processPath),
        .processId = run(m_processId),
        .targetHostname = run(m_targetHostname),
        .user = run(m_user),
        .ipValues = std::span(m_ipValues.data() + firstIp, ips),
        .principalIpCount = run(m_principalIpCount),
        .targetIpCount = run(m_targetIpCount),
        .targetPort = run(m_targetPort),
        .direction = std::span(reinterpret_cast<std::uint8_t*>(m_direction.data() + first), count),
        .flags = run(m_flags),
        .hostnameSource = run(m_hostnameSource) };
}

void EventTable::finishStored(std::size_t first, std::size_t count, std::size_t firstIp, std::uint16_t sourceFile)
{
    if (first + count > size())
        throw std::out_of_range("stored events past the columns growForStored sized");
    std::fill_n(m_sourceFile.begin() + static_cast<std::ptrdiff_t>(first), count, sourceFile);
    auto ipBegin = static_cast<std::uint32_t>(firstIp);
    for (std::size_t i = first; i < first + count; ++i) {
        m_principalIpBegin[i] = ipBegin;
        ipBegin += m_principalIpCount[i];
        m_targetIpBegin[i] = ipBegin;
        ipBegin += m_targetIpCount[i];
        m_hostnameSource[i] = packSource(static_cast<HostnameSource>(m_hostnameSource[i]), m_targetHostname[i]);
    }
    if (ipBegin > m_ipValues.size())
        throw std::out_of_range("stored events list more IP values than growForStored sized");
}

void EventTable::setStoredJoinKeys(std::size_t first, std::span<const std::uint64_t> keys)
{
    if (first + keys.size() > size())
        throw std::out_of_range("join keys past the table");
    if (m_joinKey.empty())
        m_joinKey.resize(size(), 0);
    std::copy(keys.begin(), keys.end(), m_joinKey.begin() + first);
}

void EventTable::appendJoinKey(EventIndex index, std::uint64_t key)
{
    if (key == 0 && m_joinKey.empty())
        return;
    if (m_joinKey.empty())
        m_joinKey.reserve(m_timestamp.capacity());
    m_joinKey.resize(index, 0);
    m_joinKey.push_back(key);
}

std::uint64_t EventTable::joinKeyHash(std::string_view key)
{
    if (key.empty())
        return 0;
    const std::uint64_t hash = hashBytes(key);
    return hash == 0 ? 1 : hash; // 0 means none
}

std::uint8_t EventTable::packSource(HostnameSource source, StringId hostname)
{
    // A hostname without a stated source is the record's own (UDM target.hostname); a source without a name is none.
    if (hostname == kEmptyString)
        return static_cast<std::uint8_t>(HostnameSource::None);
    if (source == HostnameSource::None || static_cast<int>(source) >= kHostnameSourceCount)
        return static_cast<std::uint8_t>(HostnameSource::Record);
    return static_cast<std::uint8_t>(source);
}

void EventTable::resolveHostname(EventIndex i, StringId name, HostnameSource source)
{
    if (m_resolvedHostname.size() <= i)
        m_resolvedHostname.resize(size(), kEmptyString);
    m_resolvedHostname[i] = name;
    m_hostnameSource[i]
        = static_cast<std::uint8_t>((m_hostnameSource[i] & 0x0F) | (static_cast<unsigned>(source) << 4));
}

void EventTable::clearResolvedHostnames()
{
    m_resolvedHostname = {};
    for (std::uint8_t& packed : m_hostnameSource)
        packed &= 0x0F;
}

const EventTable::HttpDetails* EventTable::http(EventIndex i) const
{
    const auto it = std::lower_bound(m_httpEvents.begin(), m_httpEvents.end(), i);
    return it != m_httpEvents.end() && *it == i ? &m_http[static_cast<std::size_t>(it - m_httpEvents.begin())]
                                                : nullptr;
}

const CloudDetails* EventTable::cloud(EventIndex i) const
{
    const auto it = std::lower_bound(m_cloudEvents.begin(), m_cloudEvents.end(), i);
    return it != m_cloudEvents.end() && *it == i ? &m_cloud[static_cast<std::size_t>(it - m_cloudEvents.begin())]
                                                 : nullptr;
}

void EventTable::setCloud(EventIndex i, const CloudDetails& details)
{
    if (!m_cloudEvents.empty() && m_cloudEvents.back() >= i)
        throw std::logic_error("EventTable::setCloud: events out of order");
    m_cloudEvents.push_back(i);
    m_cloud.push_back(details);
}

void EventTable::setHttp(EventIndex i, const HttpDetails& details)
{
    if (!m_httpEvents.empty() && m_httpEvents.back() >= i)
        throw std::logic_error("EventTable::setHttp: events out of order");
    m_httpEvents.push_back(i);
    m_http.push_back(details);
}

StringId EventTable::destination(EventIndex i) const
{
    if (const StringId name = targetHostname(i); name != kEmptyString)
        return name;
    for (StringId ip : targetIps(i))
        if (ip != kEmptyString)
            return ip;
    return kEmptyString;
}

std::size_t EventTable::memoryBytes() const
{
    auto bytes = [](const auto& column) { return column.capacity() * sizeof(column[0]); };
    return m_strings.memoryBytes() + bytes(m_timestamp) + bytes(m_idHash) + bytes(m_eventType) + bytes(m_direction)
        + bytes(m_flags) + bytes(m_principalHostname) + bytes(m_principalIpBegin) + bytes(m_principalIpCount)
        + bytes(m_processPath) + bytes(m_processId) + bytes(m_targetHostname) + bytes(m_targetIpBegin)
        + bytes(m_targetIpCount) + bytes(m_targetPort) + bytes(m_bytesSent) + bytes(m_bytesReceived) + bytes(m_user)
        + bytes(m_sourceFile) + bytes(m_sourceLine) + bytes(m_sourceOffset) + bytes(m_ipValues) + bytes(m_httpEvents)
        + bytes(m_http) + bytes(m_cloudEvents) + bytes(m_cloud) + bytes(m_resolvedHostname) + bytes(m_hostnameSource)
        + bytes(m_joinKey);
}

} // namespace cepheid
