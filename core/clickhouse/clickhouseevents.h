#pragma once

#include "cases/casefile.h"
#include "clickhouseanswer.h"
#include "clickhouseclient.h"
#include "model/eventtable.h"
#include "tuning/profile.h"
#include "util/expected.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace simdjson::dom {
class element;
}

namespace cepheid {

class JsonWriter;

// Events in a ClickHouse table (docs/clickhouse.md): Cepheid's default layout, which `cepheid-cli push` creates and
// fills, or any table whose columns a mapping names.

// The fields of the default layout, in the order a fetch reads them. A mapping gives an SQL expression for any of
// them; the others are read from the column of that name.
inline constexpr const char* kClickHouseFields[]
    = { "timestamp_us", "event_id_hash", "event_type", "direction", "principal_hostname", "principal_ips",
          "process_path", "process_id", "target_hostname", "hostname_source", "target_ips", "target_port", "bytes_sent",
          "bytes_received", "user", "role", "url", "user_agent", "http_response_code", "source_line", "source_offset" };

// Which table to read and how its columns give Cepheid's fields. `event_id` (a String expression, hashed here as
// UDM metadata.id is) may stand in for event_id_hash.
struct ClickHouseMapping
{
    std::string table; // "name" in the URL's database, or "database.name"
    std::map<std::string, std::string> expressions; // field -> SQL expression over the table

    // A mapping file: {"table": "conn", "columns": {"timestamp_us": "toInt64(ts * 1000000)", ...}}. Refused, naming
    // the key, when a field is unknown or an expression is not a string.
    static Expected<ClickHouseMapping> fromFile(const std::string& path);
    // The same from a parsed object; `where` names it in errors.
    static Expected<ClickHouseMapping> fromJson(simdjson::dom::element root, const std::string& where);
    // As a mapping file holds it.
    void writeJson(JsonWriter& json) const;
    // The expression for a field: the mapping's, else the layout's column of that name.
    std::string expression(const std::string& field) const;
};

// `name` or `database.name` as a quoted ClickHouse table reference.
Expected<std::string> clickHouseTableName(std::string_view table);

// The CREATE TABLE statement of the default layout for `table` (docs/clickhouse.md, "The default layout").
Expected<std::string> clickHouseCreateTable(std::string_view table);

struct ClickHousePushResult
{
    std::uint64_t eventsPushed = 0;
    std::uint64_t cloudEventsLeftOut = 0; // cloud audit calls: their details have no column in the layout
    std::uint64_t bytesSent = 0;
};

// Creates `table` in the default layout (and its key table) when missing, and returns the key its event ids are
// hashed with: set it on the EventTable before importing what will be pushed, so that the same event pushed twice
// has the same id (Chronicle's count_distinct(metadata.id) counts it once).
Expected<std::uint64_t> prepareClickHouseTable(const ClickHouseClient& client, std::string_view table);

// Appends every event of `events` (names already joined) to `table`, in batches. `progress` receives the events sent.
Expected<ClickHousePushResult> pushToClickHouse(const ClickHouseClient& client, std::string_view table,
    const EventTable& events, const std::function<void(std::uint64_t)>& progress = {},
    const std::atomic<bool>* cancel = nullptr);

// What to pull back for analysis: the connections whose destination the profile's rule regex or catalog could
// consider, within a time range and the analyst's own condition.
struct ClickHouseSelection
{
    ClickHouseMapping mapping;
    std::optional<TimestampUs> from, to; // [from, to)
    std::string where; // an SQL condition over the table, the analyst's; empty: none
};

// The destinations a selection holds (step 1 of a fetch): each distinct destination of its connections.
std::string clickHouseDestinationsQuery(const ClickHouseSelection& selection);
// The destinations `profile` considers, as Analyzer::select decides for a file: the rule's regex found in a
// hostname, or a catalog entry matching the destination whole. Fails on a profile whose regexes do not compile.
Expected<std::vector<ClickHouseDestination>> consideredDestinations(
    const std::vector<ClickHouseDestination>& destinations, const Profile& profile);
// The events of those destinations (step 2 of a fetch), a row an event, as ClickHouseEventRows reads them.
std::string clickHouseEventsQuery(
    const ClickHouseSelection& selection, const std::vector<ClickHouseDestination>& considered);
// The same grouped by the fields a flow's events share and by hour, each group's own fields as arrays, as
// ClickHouseEventRows reads them (GroupedByFlow): for a table whose ids are hashes (the default layout).
std::string clickHouseGroupedEventsQuery(
    const ClickHouseSelection& selection, const std::vector<ClickHouseDestination>& considered);

struct ClickHouseFetch
{
    std::uint64_t events = 0; // appended to the table
    std::uint64_t destinations = 0; // distinct destinations the selection holds
    std::uint64_t considered = 0; // of which the profile considers
    std::uint64_t bytesReceived = 0;
    double seconds = 0;
    std::string query; // the events query (step 2), or the destinations query when none was considered
};

struct ClickHouseFetchOptions
{
    std::uint64_t memoryLimit = 0; // bytes the table may take (EventTable::memoryBytes); 0: no limit
    std::function<void(std::uint64_t bytes)> progress; // bytes of the events' answer so far
    // The server's progress on each of the two queries while it works (ClickHouseClient::Query::onServerProgress).
    std::function<void(const ClickHouseServerProgress&)> serverProgress;
    const std::atomic<bool>* cancel = nullptr;
    // Each event before it is appended, numbered from 0 in the answer: a case sets the event's source and keeps the
    // event as JSON (clickHouseRowJson) as its original record.
    std::function<void(EventRecord& record, std::uint64_t row)> onRow;
};

// Step 1 of a fetch, run: the selection's distinct destinations. Fails, naming the server, on a refusal, a malformed
// answer, or more destinations than options.memoryLimit allows.
Expected<std::vector<ClickHouseDestination>> listClickHouseDestinations(
    const ClickHouseClient& client, const ClickHouseSelection& selection, const ClickHouseFetchOptions& options = {});
// "the answer holds more `what` than the memory limit allows: narrow the selection …".
std::string overMemoryLimit(const char* what);

// Runs a selection in two steps (docs/clickhouse.md, "What is pushed down"): the server lists the selection's
// distinct destinations, Cepheid matches them with the profile's own regexes, and the server sends the events of the
// considered ones (RowBinary), which are appended to `into`. Fails, naming the server, on a refusal, a malformed
// answer or one that would take `into` past the memory limit; `into` then holds part of the answer and must be
// discarded.
Expected<ClickHouseFetch> fetchFromClickHouse(const ClickHouseClient& client, const ClickHouseSelection& selection,
    const Profile& profile, EventTable& into, const ClickHouseFetchOptions& options = {});

// What a case imports for a selection (CaseFile::importRemote, docs/clickhouse.md, "Cases"): the events `profile`
// considers, each with the source's id as its file and its row number as line and offset, each row (as JSON) its
// original record. `description` is the server without credentials and the table.
CaseFile::RemoteSource clickHouseCaseSource(
    ClickHouseClient client, ClickHouseSelection selection, Profile profile, ClickHouseFetchOptions options);
// "http://soc@ch:8123/telemetry table udm_network": how reports and cases name a selection's source.
std::string clickHouseSourceDescription(const ClickHouseClient& client, const ClickHouseSelection& selection);

// A fetched row as its original record: one JSON object with the default layout's column names.
std::string clickHouseRowJson(const EventRecord& record);

} // namespace cepheid
