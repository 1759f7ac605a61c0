#include "clickhouseanswer.h"

#include <cstring>
#include <optional>

namespace cepheid {

namespace {

constexpr std::uint64_t kMaxAddresses = 65'535; // an event's IP list, as EventTable counts it

std::optional<Direction> directionFrom(std::string_view name)
{
    for (const Direction direction :
        { Direction::Unknown, Direction::Inbound, Direction::Outbound, Direction::Broadcast })
        if (directionName(direction) == name)
            return direction;
    return name.empty() ? std::optional(Direction::Unknown) : std::nullopt;
}

std::optional<EventRole> roleFrom(std::string_view name)
{
    for (const EventRole role :
        { EventRole::Connection, EventRole::DnsAnswer, EventRole::SessionName, EventRole::CloudAudit })
        if (eventRoleName(role) == name)
            return role;
    return std::nullopt;
}

std::optional<HostnameSource> hostnameSourceFrom(std::string_view name)
{
    for (int i = 0; i < kHostnameSourceCount; ++i)
        if (hostnameSourceName(static_cast<HostnameSource>(i)) == name)
            return static_cast<HostnameSource>(i);
    return std::nullopt;
}

// The fields an event shares with its flow (sharedFields in clickhouseevents.cpp) into `record` (views into the
// answer), after clearing it; false when they are not whole yet, or the answer is malformed (reader.malformed() or
// `problem` says so).
bool readSharedFields(RowBinaryReader& reader, EventRecord& record, std::string& problem)
{
    record.clear();
    std::string_view direction, hostnameSource, role;
    const auto ips = [&](std::vector<std::string_view>& into) {
        std::uint64_t count = 0;
        if (!reader.length(count))
            return false;
        if (count > kMaxAddresses) {
            problem = "an event lists " + std::to_string(count) + " addresses";
            return false;
        }
        for (std::uint64_t i = 0; i < count; ++i) {
            std::string_view ip;
            if (!reader.string(ip))
                return false;
            into.push_back(ip);
        }
        return true;
    };
    const bool whole = reader.string(record.eventType) && reader.string(direction)
        && reader.string(record.principalHostname) && ips(record.principalIps) && reader.string(record.processPath)
        && reader.string(record.processId) && reader.string(record.targetHostname) && reader.string(hostnameSource)
        && ips(record.targetIps) && reader.integer(record.targetPort) && reader.string(record.user)
        && reader.string(role) && reader.string(record.url) && reader.string(record.userAgent)
        && reader.integer(record.responseCode);
    if (!whole)
        return false;
    const auto parsedDirection = directionFrom(direction);
    const auto parsedSource = hostnameSourceFrom(hostnameSource);
    const auto parsedRole = roleFrom(role);
    if (!parsedDirection || !parsedSource || !parsedRole) {
        problem = !parsedDirection ? "direction '" + std::string(direction) + "' is not a UDM direction"
            : !parsedSource        ? "hostname_source '" + std::string(hostnameSource) + "' is not one Cepheid writes"
                                   : "role '" + std::string(role) + "' is not one Cepheid writes";
        return false;
    }
    record.direction = *parsedDirection;
    record.hostnameSource = *parsedSource;
    record.role = *parsedRole;
    return true;
}

// An event's own fields, read one after the other (a row) or from a group's arrays.
struct OwnFields
{
    std::int64_t timestamp = 0;
    std::uint64_t idHash = 0;
    std::uint8_t sentKnown = 0, receivedKnown = 0;
    std::uint64_t sent = 0, received = 0, line = 0, offset = 0;

    // Into `record`; false, saying why, for a time EventTable cannot hold.
    bool apply(EventRecord& record, std::string& problem) const
    {
        if (!isRepresentable(timestamp)) {
            problem = "timestamp_us " + std::to_string(timestamp) + " is outside years 0001-9999";
            return false;
        }
        record.timestamp = timestamp;
        record.idHash = idHash;
        record.bytesSentKnown = sentKnown != 0;
        record.bytesSent = sent;
        record.bytesReceivedKnown = receivedKnown != 0;
        record.bytesReceived = received;
        record.source.line = line;
        record.source.byteOffset = offset;
        return true;
    }
};

// One row of the plain events query: the shared fields, then the event's own.
bool readEventRow(RowBinaryReader& reader, bool hashedIds, EventRecord& record, std::string& problem)
{
    if (!readSharedFields(reader, record, problem))
        return false;
    OwnFields own;
    const bool whole = reader.integer(own.timestamp)
        && (hashedIds ? reader.integer(own.idHash) : reader.string(record.id)) && reader.integer(own.sentKnown)
        && reader.integer(own.sent) && reader.integer(own.receivedKnown) && reader.integer(own.received)
        && reader.integer(own.line) && reader.integer(own.offset);
    return whole && own.apply(record, problem);
}

// An Array of fixed-width integers, left in the answer: its values are read one by one as the group's events are
// made.
struct IntegerArray
{
    std::uint64_t count = 0;
    std::string_view bytes;

    template<class Integer> bool read(RowBinaryReader& reader)
    {
        return reader.length(count) && reader.bytes(count * sizeof(Integer), bytes);
    }
    template<class Integer> void get(std::uint64_t i, Integer& value) const
    {
        std::memcpy(&value, bytes.data() + i * sizeof(Integer), sizeof(Integer));
    }
};

} // namespace

bool ClickHouseRowStream::feed(
    std::string_view bytes, const std::function<Row(RowBinaryReader&, std::string& problem)>& readRow)
{
    if (!m_problem.empty())
        return false;
    m_pending.append(bytes);
    RowBinaryReader reader(m_pending, kMaxRowBytes);
    while (!reader.atEnd()) {
        const std::size_t start = reader.position();
        std::string problem;
        const Row row = readRow(reader, problem);
        if (row == Row::Whole) {
            ++m_rows;
            continue;
        }
        if (row == Row::Bad || reader.malformed()) {
            m_problem = "row " + std::to_string(m_rows + 1) + ": "
                + (problem.empty() ? "a field is longer than any row" : problem);
            return false;
        }
        reader.rewind(start);
        break;
    }
    m_pending.erase(0, reader.position());
    // What waits for the rest of its row is bounded too: a server that never ends a row cannot fill memory.
    if (m_pending.size() > kMaxRowBytes) {
        m_problem
            = "row " + std::to_string(m_rows + 1) + " is longer than " + std::to_string(kMaxRowBytes >> 20) + " MiB";
        return false;
    }
    return true;
}

bool ClickHouseRowStream::finish()
{
    if (!m_problem.empty())
        return false;
    if (!m_pending.empty()) {
        m_problem = "the answer ends part-way through row " + std::to_string(m_rows + 1);
        return false;
    }
    return true;
}

bool ClickHouseDestinationRows::feed(std::string_view bytes)
{
    return m_stream.feed(bytes, [this](RowBinaryReader& reader, std::string&) {
        std::string_view name;
        std::uint8_t isHostname = 0;
        if (!reader.string(name) || !reader.integer(isHostname))
            return ClickHouseRowStream::Row::Partial; // or malformed, which the stream sees
        m_destinations.push_back({ std::string(name), isHostname != 0 });
        m_bytes += sizeof(ClickHouseDestination) + name.size();
        return ClickHouseRowStream::Row::Whole;
    });
}

ClickHouseEventRows::ClickHouseEventRows(
    EventTable& into, Layout layout, bool hashedIds, std::function<void(EventRecord&, std::uint64_t event)> onEvent)
    : m_into(into)
    , m_layout(layout)
    , m_hashedIds(hashedIds)
    , m_onEvent(std::move(onEvent))
{ }

bool ClickHouseEventRows::feed(std::string_view bytes)
{
    return m_stream.feed(bytes, [this](RowBinaryReader& reader, std::string& problem) {
        return m_layout == Layout::GroupedByFlow ? readGroup(reader, problem) : readRow(reader, problem);
    });
}

void ClickHouseEventRows::append()
{
    if (m_onEvent)
        m_onEvent(m_record, m_events);
    ++m_events;
    m_into.append(m_record);
}

ClickHouseRowStream::Row ClickHouseEventRows::readRow(RowBinaryReader& reader, std::string& problem)
{
    const std::size_t start = reader.position();
    if (!readEventRow(reader, m_hashedIds, m_record, problem))
        return problem.empty() ? ClickHouseRowStream::Row::Partial : ClickHouseRowStream::Row::Bad;
    // A row whose event_id is empty is identified by its own bytes, as a file's record without an id is by its text:
    // distinct rows keep distinct ids for count_distinct(metadata.id), and a row read twice keeps one.
    if (!m_hashedIds && m_record.id.empty())
        m_record.id = reader.readSince(start);
    append();
    return ClickHouseRowStream::Row::Whole;
}

ClickHouseRowStream::Row ClickHouseEventRows::readGroup(RowBinaryReader& reader, std::string& problem)
{
    if (!readSharedFields(reader, m_record, problem))
        return problem.empty() ? ClickHouseRowStream::Row::Partial : ClickHouseRowStream::Row::Bad;
    IntegerArray timestamps, ids, sentKnown, sent, receivedKnown, received, lines, offsets;
    const bool whole = timestamps.read<std::int64_t>(reader) && ids.read<std::uint64_t>(reader)
        && sentKnown.read<std::uint8_t>(reader) && sent.read<std::uint64_t>(reader)
        && receivedKnown.read<std::uint8_t>(reader) && received.read<std::uint64_t>(reader)
        && lines.read<std::uint64_t>(reader) && offsets.read<std::uint64_t>(reader);
    if (!whole)
        return ClickHouseRowStream::Row::Partial; // or malformed, which the stream sees
    const std::uint64_t count = timestamps.count;
    for (const IntegerArray* array : { &ids, &sentKnown, &sent, &receivedKnown, &received, &lines, &offsets })
        if (array->count != count) {
            problem = "a group's arrays differ in length (" + std::to_string(count) + " times, "
                + std::to_string(array->count) + " values)";
            return ClickHouseRowStream::Row::Bad;
        }
    // Every time is checked before any event is appended, so that a refused group adds nothing.
    for (std::uint64_t i = 0; i < count; ++i) {
        std::int64_t timestamp = 0;
        timestamps.get(i, timestamp);
        if (!isRepresentable(timestamp)) {
            problem = "timestamp_us " + std::to_string(timestamp) + " is outside years 0001-9999";
            return ClickHouseRowStream::Row::Bad;
        }
    }
    for (std::uint64_t i = 0; i < count; ++i) {
        OwnFields own;
        timestamps.get(i, own.timestamp);
        ids.get(i, own.idHash);
        sentKnown.get(i, own.sentKnown);
        sent.get(i, own.sent);
        receivedKnown.get(i, own.receivedKnown);
        received.get(i, own.received);
        lines.get(i, own.line);
        offsets.get(i, own.offset);
        own.apply(m_record, problem); // the time was checked above
        append();
    }
    return ClickHouseRowStream::Row::Whole;
}

} // namespace cepheid
