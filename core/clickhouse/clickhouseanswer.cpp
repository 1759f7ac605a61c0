#include "clickhouseanswer.h"

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

// One row of step 2's answer into `record` (views into the answer); false when the row is not whole yet, or the
// answer is malformed (reader.malformed() or `problem` says so).
bool readEventRow(RowBinaryReader& reader, bool hashedIds, EventRecord& record, std::string& problem)
{
    record.clear();
    std::string_view direction, hostnameSource, role;
    std::uint8_t sentKnown = 0, receivedKnown = 0;
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
    const bool whole = reader.integer(record.timestamp)
        && (hashedIds ? reader.integer(record.idHash) : reader.string(record.id)) && reader.string(record.eventType)
        && reader.string(direction) && reader.string(record.principalHostname) && ips(record.principalIps)
        && reader.string(record.processPath) && reader.string(record.processId) && reader.string(record.targetHostname)
        && reader.string(hostnameSource) && ips(record.targetIps) && reader.integer(record.targetPort)
        && reader.integer(sentKnown) && reader.integer(record.bytesSent) && reader.integer(receivedKnown)
        && reader.integer(record.bytesReceived) && reader.string(record.user) && reader.string(role)
        && reader.string(record.url) && reader.string(record.userAgent) && reader.integer(record.responseCode)
        && reader.integer(record.source.line) && reader.integer(record.source.byteOffset);
    if (!whole)
        return false;
    record.bytesSentKnown = sentKnown != 0;
    record.bytesReceivedKnown = receivedKnown != 0;
    const auto parsedDirection = directionFrom(direction);
    const auto parsedSource = hostnameSourceFrom(hostnameSource);
    const auto parsedRole = roleFrom(role);
    if (!parsedDirection || !parsedSource || !parsedRole || !isRepresentable(record.timestamp)) {
        problem = !parsedDirection ? "direction '" + std::string(direction) + "' is not a UDM direction"
            : !parsedSource        ? "hostname_source '" + std::string(hostnameSource) + "' is not one Cepheid writes"
            : !parsedRole          ? "role '" + std::string(role) + "' is not one Cepheid writes"
                                   : "timestamp_us " + std::to_string(record.timestamp) + " is outside years 0001-9999";
        return false;
    }
    record.direction = *parsedDirection;
    record.hostnameSource = *parsedSource;
    record.role = *parsedRole;
    return true;
}

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
    EventTable& into, bool hashedIds, std::function<void(EventRecord&, std::uint64_t row)> onRow)
    : m_into(into)
    , m_hashedIds(hashedIds)
    , m_onRow(std::move(onRow))
{ }

bool ClickHouseEventRows::feed(std::string_view bytes)
{
    return m_stream.feed(bytes, [this](RowBinaryReader& reader, std::string& problem) {
        const std::size_t start = reader.position();
        if (!readEventRow(reader, m_hashedIds, m_record, problem))
            return problem.empty() ? ClickHouseRowStream::Row::Partial : ClickHouseRowStream::Row::Bad;
        if (m_onRow)
            m_onRow(m_record, m_stream.rows());
        // A row whose event_id is empty is identified by its own bytes, as a file's record without an id is by its
        // text: distinct rows keep distinct ids for count_distinct(metadata.id), and a row read twice keeps one.
        if (!m_hashedIds && m_record.id.empty())
            m_record.id = reader.readSince(start);
        m_into.append(m_record);
        return ClickHouseRowStream::Row::Whole;
    });
}

} // namespace cepheid
