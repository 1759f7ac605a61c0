// Schema 5 -> 6: an older case's events rows become column chunks (eventchunks.h). Kept apart because it is read
// once per old case and then never again; it checks every row as loading did before schema 6.

#include "eventchunks.h"

#include <cstring>
#include <limits>

namespace cepheid {

namespace {

// The events rows in load order (ORDER BY id), each value checked.
void readEventRows(sql::Database& database, EventTable& table)
{
    // Every value is checked before it is used: a case may come from someone else, and an altered row must refuse
    // the case, naming the row, rather than overflow the gap arithmetic or index past a table.
    auto events = database.prepare(
        "SELECT source_id, line, byte_offset, timestamp_us, id_hash, event_type, direction, principal_hostname, "
        "principal_ips, process_path, process_id, target_hostname, target_ips, target_port, bytes_sent, "
        "bytes_received, user_name, id, role, join_key, hostname_source FROM events ORDER BY id");
    const auto poolSize = static_cast<std::int64_t>(table.strings().size());
    std::int64_t row = 0;
    const auto refuse = [&row](const std::string& what) {
        throw sql::Error("event row " + std::to_string(row) + " " + what + ": the case was altered");
    };
    auto checkedId = [&](std::int64_t id) {
        if (id < 0 || id >= poolSize)
            refuse("refers to string " + std::to_string(id) + ", which the case does not have");
        return static_cast<StringId>(id);
    };
    auto inRange = [&](std::int64_t value, std::int64_t low, std::int64_t high, const char* column) {
        if (value < low || value > high)
            refuse(std::string("has ") + column + " " + std::to_string(value) + " (expected " + std::to_string(low)
                + " to " + std::to_string(high) + ")");
        return value;
    };
    std::vector<StringId> principal, target;
    auto readIds = [&](std::span<const std::uint8_t> bytes, std::vector<StringId>& out) {
        if (bytes.size() % sizeof(StringId) != 0)
            refuse("has an address list of " + std::to_string(bytes.size()) + " bytes");
        out.resize(bytes.size() / sizeof(StringId));
        if (!out.empty()) // an empty blob reads as a null pointer, which memcpy must not see
            std::memcpy(out.data(), bytes.data(), out.size() * sizeof(StringId));
        for (StringId id : out)
            checkedId(id);
    };
    while (events.step()) {
        row = events.integer(17);
        EventTable::StoredEvent event;
        event.source = { static_cast<std::uint16_t>(inRange(events.integer(0), 0, 65535, "source id")),
            static_cast<std::uint64_t>(inRange(events.integer(1), 0, std::numeric_limits<std::int64_t>::max(), "line")),
            static_cast<std::uint64_t>(
                inRange(events.integer(2), 0, std::numeric_limits<std::int64_t>::max(), "byte offset")) };
        event.timestamp = events.integer(3);
        if (!isRepresentable(event.timestamp)) // no reader writes these
            refuse("has a timestamp outside years 0001-9999 (" + std::to_string(event.timestamp) + " µs)");
        event.idHash = static_cast<std::uint64_t>(events.integer(4));
        event.eventType = checkedId(events.integer(5));
        event.direction = static_cast<Direction>(inRange(events.integer(6), 0, 3, "direction"));
        event.principalHostname = checkedId(events.integer(7));
        readIds(events.blob(8), principal);
        event.principalIps = principal;
        event.processPath = checkedId(events.integer(9));
        event.processId = checkedId(events.integer(10));
        event.targetHostname = checkedId(events.integer(11));
        readIds(events.blob(12), target);
        event.targetIps = target;
        event.targetPort = static_cast<std::uint16_t>(inRange(events.integer(13), 0, 65535, "port"));
        // Byte counts are unsigned 64-bit stored as their bit pattern: every stored value is one.
        if (!events.isNull(14))
            event.bytesSent = static_cast<std::uint64_t>(events.integer(14));
        if (!events.isNull(15))
            event.bytesReceived = static_cast<std::uint64_t>(events.integer(15));
        event.user = checkedId(events.integer(16));
        event.role = static_cast<EventRole>(inRange(events.integer(18), 0, 3, "role"));
        event.joinKey = static_cast<std::uint64_t>(events.integer(19)); // a hash: every value is one
        event.hostnameSource
            = static_cast<HostnameSource>(inRange(events.integer(20), 0, kHostnameSourceCount - 1, "hostname source"));
        table.appendStored(event);
    }
}

} // namespace

void convertEventRowsToChunks(sql::Database& database)
{
    EventTable table;
    readCaseStrings(database, table);
    readEventRows(database, table);
    // One run of chunks per stretch of one source's events (an import's events are contiguous).
    std::size_t runStart = 0;
    for (std::size_t i = 1; i <= table.size(); ++i) {
        if (i < table.size()
            && table.source(static_cast<EventIndex>(i)).fileIndex
                == table.source(static_cast<EventIndex>(runStart)).fileIndex)
            continue;
        writeEventChunks(database, table, runStart, i, table.source(static_cast<EventIndex>(runStart)).fileIndex);
        runStart = i;
    }
    database.execute("DROP INDEX events_by_source; DROP TABLE events;");
}

} // namespace cepheid
