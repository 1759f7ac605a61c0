#include "clickhouseevents.h"

#include "answerquery.h"
#include "clickhouserequest.h"
#include "rowbinary.h"
#include "rules/ruleevaluator.h"
#include "selectionsql.h"
#include "tuning/allowlist.h"
#include "util/jsontypename.h"
#include "util/jsonwriter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <random>
#include <simdjson.h>

namespace cepheid {

namespace {

constexpr std::size_t kEventsPerInsert = 100'000; // about 10-20 MB of RowBinary per INSERT

bool isKnownField(std::string_view field)
{
    return field == "event_id"
        || std::find(std::begin(kClickHouseFields), std::end(kClickHouseFields), field) != std::end(kClickHouseFields);
}

// The key table beside `table`: one row, the key its event ids are hashed with.
Expected<std::string> keyTableName(std::string_view table)
{
    return clickHouseTableName(std::string(table) + "_cepheid");
}

} // namespace

Expected<ClickHouseMapping> ClickHouseMapping::fromFile(const std::string& path)
{
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (const auto error = parser.load(path).get(root))
        return failure(path + ": " + simdjson::error_message(error));
    return fromJson(root, path);
}

Expected<ClickHouseMapping> ClickHouseMapping::fromJson(simdjson::dom::element root, const std::string& where)
{
    ClickHouseMapping mapping;
    simdjson::dom::object object;
    if (root.get(object))
        return failure(where + ": a mapping is a JSON object, not " + std::string(jsonTypeName(root.type())));
    for (const auto field : object) {
        if (field.key == "table") {
            std::string_view table;
            if (field.value.get(table))
                return failure(where + ": \"table\" must be a string");
            mapping.table = std::string(table);
        } else if (field.key == "columns") {
            simdjson::dom::object columns;
            if (field.value.get(columns))
                return failure(where + ": \"columns\" must be an object of field names and SQL expressions");
            for (const auto column : columns) {
                std::string_view expression;
                if (!isKnownField(column.key))
                    return failure(where + ": columns: '" + std::string(column.key)
                        + "' is not a Cepheid field (docs/clickhouse.md lists them)");
                if (column.value.get(expression) || expression.empty())
                    return failure(
                        where + ": columns." + std::string(column.key) + " must be a non-empty SQL expression");
                mapping.expressions[std::string(column.key)] = std::string(expression);
            }
        } else {
            return failure(
                where + ": unknown key '" + std::string(field.key) + "' (expected \"table\" and \"columns\")");
        }
    }
    if (mapping.expressions.contains("event_id") && mapping.expressions.contains("event_id_hash"))
        return failure(where + ": columns: give event_id or event_id_hash, not both");
    return mapping;
}

void ClickHouseMapping::writeJson(JsonWriter& json) const
{
    json.beginObject().field("table", table).key("columns").beginObject();
    for (const auto& [field, sql] : expressions)
        json.field(field, sql);
    json.endObject().endObject();
}

std::string ClickHouseMapping::expression(const std::string& field) const
{
    const auto found = expressions.find(field);
    return found != expressions.end() ? "(" + found->second + ")" : "`" + field + "`";
}

Expected<std::string> clickHouseTableName(std::string_view table)
{
    const std::size_t dot = table.find('.');
    if (dot == std::string_view::npos)
        return clickHouseIdentifier(table);
    auto database = clickHouseIdentifier(table.substr(0, dot));
    auto name = clickHouseIdentifier(table.substr(dot + 1));
    if (!database)
        return database;
    if (!name)
        return name;
    return *database + "." + *name;
}

Expected<std::string> clickHouseCreateTable(std::string_view table)
{
    const auto name = clickHouseTableName(table);
    if (!name)
        return name;
    // Int64 microseconds rather than DateTime64, and String rather than LowCardinality or Enum: the layout must work
    // on ClickHouse 18.16 (Debian 12) as on current releases.
    return "CREATE TABLE IF NOT EXISTS " + *name
        + " (timestamp_us Int64, event_id_hash UInt64, event_type String, direction String, "
          "principal_hostname String, principal_ips Array(String), process_path String, process_id String, "
          "target_hostname String, hostname_source String, target_ips Array(String), target_port UInt16, "
          "bytes_sent Nullable(UInt64), bytes_received Nullable(UInt64), user String, role String, url String, "
          "user_agent String, http_response_code UInt16, source_file String, source_line UInt64, "
          "source_offset UInt64) ENGINE = MergeTree() PARTITION BY toYYYYMM(toDateTime(intDiv(timestamp_us, "
          "1000000))) ORDER BY (target_hostname, principal_hostname, timestamp_us)";
}

Expected<std::uint64_t> prepareClickHouseTable(const ClickHouseClient& client, std::string_view table)
{
    const auto create = clickHouseCreateTable(table);
    const auto keys = keyTableName(table);
    if (!create)
        return failure(create.error());
    if (!keys)
        return failure(keys.error());
    for (const std::string& statement :
        { *create, "CREATE TABLE IF NOT EXISTS " + *keys + " (key UInt64, layout UInt32) ENGINE = TinyLog" }) {
        if (auto done = client.executeSql(statement); !done)
            return failure(done.error());
    }
    const auto existing = client.executeSql("SELECT key FROM " + *keys + " LIMIT 1 FORMAT TabSeparated");
    if (!existing)
        return failure(existing.error());
    std::uint64_t key = 0;
    if (!existing->empty()) {
        const auto parsed = std::from_chars(existing->data(), existing->data() + existing->size(), key);
        if (parsed.ec != std::errc {} || key == 0)
            return failure(std::string(table) + "_cepheid holds no usable key; drop it only with the table");
        return key;
    }
    std::random_device random;
    std::uniform_int_distribution<std::uint64_t> any(1);
    key = any(random);
    if (auto inserted = client.executeSql("INSERT INTO " + *keys + " VALUES (" + std::to_string(key) + ", 1)");
        !inserted)
        return failure(inserted.error());
    return key;
}

Expected<ClickHousePushResult> pushToClickHouse(const ClickHouseClient& client, std::string_view table,
    const EventTable& events, const std::function<void(std::uint64_t)>& progress, const std::atomic<bool>* cancel)
{
    const auto name = clickHouseTableName(table);
    if (!name)
        return failure(name.error());
    std::string columns;
    for (const char* field : kClickHouseFields)
        columns += (columns.empty() ? "" : ", ") + std::string(field);
    const std::string insert = "INSERT INTO " + *name + " (" + columns + ") FORMAT RowBinary";
    ClickHousePushResult result;
    RowBinaryWriter rows;
    std::size_t inBatch = 0;
    const auto send = [&]() -> Expected<void> {
        if (inBatch == 0)
            return {};
        ClickHouseClient::Query query;
        query.sql = insert;
        query.data = std::move(rows.bytes());
        query.cancel = cancel;
        result.bytesSent += query.data.size();
        if (auto sent = client.execute(query); !sent)
            return failure(sent.error());
        rows.bytes().clear();
        result.eventsPushed += inBatch;
        inBatch = 0;
        if (progress)
            progress(result.eventsPushed);
        return {};
    };
    const auto strings = [&](std::span<const StringId> ids) {
        rows.length(ids.size());
        for (const StringId id : ids)
            rows.string(events.text(id));
    };
    const auto nullable = [&](bool known, std::uint64_t value) {
        rows.integer<std::uint8_t>(known ? 0 : 1); // RowBinary's Nullable: 1 is NULL
        if (known)
            rows.integer(value);
    };
    for (EventIndex i = 0; i < events.size(); ++i) {
        if (events.role(i) == EventRole::CloudAudit) {
            ++result.cloudEventsLeftOut;
            continue;
        }
        const EventTable::HttpDetails* http = events.http(i);
        rows.integer(events.timestamp(i));
        rows.integer(events.idHash(i));
        rows.string(events.text(events.eventType(i)));
        rows.string(directionName(events.direction(i)));
        rows.string(events.text(events.principalHostname(i)));
        strings(events.principalIps(i));
        rows.string(events.text(events.processPath(i)));
        rows.string(events.text(events.processId(i)));
        rows.string(events.text(events.targetHostname(i))); // the name join's name, where it gave one
        rows.string(hostnameSourceName(events.hostnameSource(i)));
        strings(events.targetIps(i));
        rows.integer(events.targetPort(i));
        nullable(events.bytesSentKnown(i), events.bytesSent(i));
        nullable(events.bytesReceivedKnown(i), events.bytesReceived(i));
        rows.string(events.text(events.user(i)));
        rows.string(eventRoleName(events.role(i)));
        rows.string(http ? events.text(http->url) : std::string_view());
        rows.string(http ? events.text(http->userAgent) : std::string_view());
        rows.integer<std::uint16_t>(http ? http->responseCode : 0);
        rows.integer(events.source(i).line);
        rows.integer(events.source(i).byteOffset);
        if (++inBatch == kEventsPerInsert)
            if (auto sent = send(); !sent)
                return failure(sent.error());
    }
    if (auto sent = send(); !sent)
        return failure(sent.error());
    return result;
}

std::string clickHouseDestinationsQuery(const ClickHouseSelection& selection)
{
    const SelectionSql sql(selection);
    return "SELECT DISTINCT " + sql.destination + ", toUInt8(" + sql.hostname + " != '')" + sql.conditions
        + " FORMAT RowBinary";
}

Expected<std::vector<ClickHouseDestination>> consideredDestinations(
    const std::vector<ClickHouseDestination>& destinations, const Profile& profile)
{
    const auto rule = RuleEvaluator::create(profile.rule);
    if (!rule)
        return failure(rule.error());
    const auto catalog = Catalog::compile(profile.catalog);
    if (!catalog)
        return failure(catalog.error());
    std::vector<ClickHouseDestination> considered;
    for (const ClickHouseDestination& destination : destinations)
        if (!destination.name.empty()
            && ((destination.isHostname && rule->domainMatches(destination.name))
                || !catalog->platformOf(destination.name).empty()))
            considered.push_back(destination);
    return considered;
}

std::string clickHouseEventsQuery(
    const ClickHouseSelection& selection, const std::vector<ClickHouseDestination>& considered)
{
    const SelectionSql sql(selection);
    std::string own;
    for (const std::string& field : ownFields(sql, !selection.mapping.expressions.contains("event_id")))
        own += ", " + field;
    return "SELECT " + sharedFields(sql) + own + consideredConditions(sql, considered) + " FORMAT RowBinary";
}

std::string clickHouseGroupedEventsQuery(
    const ClickHouseSelection& selection, const std::vector<ClickHouseDestination>& considered)
{
    const SelectionSql sql(selection);
    const std::string shared = sharedFields(sql);
    std::string own;
    for (const std::string& field : ownFields(sql, true))
        own += ", groupArray(" + field + ")";
    // An hour of a flow per row: one row stays far below the reader's 64 MiB (a million events an hour of one flow
    // would be 50 MB), and a beacon every few minutes still sends its names once for a dozen check-ins.
    return "SELECT " + shared + own + consideredConditions(sql, considered) + " GROUP BY " + shared + ", intDiv("
        + sql.number("timestamp_us", "Int64") + ", 3600000000) FORMAT RowBinary";
}

std::string overMemoryLimit(const char* what)
{
    return std::string("the answer holds more ") + what
        + " than the memory limit allows: narrow the selection with --from/--to or --where, or raise --limit memory";
}

Expected<std::vector<ClickHouseDestination>> listClickHouseDestinations(
    const ClickHouseClient& client, const ClickHouseSelection& selection, const ClickHouseFetchOptions& options)
{
    ClickHouseDestinationRows destinations;
    ClickHouseClient::Query listing;
    listing.sql = clickHouseDestinationsQuery(selection);
    listing.settings = { { "wait_end_of_query", "1" } };
    const auto listed = readAnswer(
        client, std::move(listing), destinations, options, "destinations", [&] { return destinations.bytes(); },
        "destinations: ");
    if (!listed)
        return failure(listed.error());
    return std::move(destinations.destinations());
}

Expected<ClickHouseFetch> fetchFromClickHouse(const ClickHouseClient& client, const ClickHouseSelection& selection,
    const Profile& profile, EventTable& into, const ClickHouseFetchOptions& options)
{
    if (const auto table = clickHouseTableName(selection.mapping.table); !table)
        return failure(table.error());
    const auto started = std::chrono::steady_clock::now();
    ClickHouseFetch fetch;
    // Step 1: the distinct destinations, a few thousand rows however large the table.
    fetch.query = clickHouseDestinationsQuery(selection);
    auto destinations = listClickHouseDestinations(client, selection, options);
    if (!destinations)
        return failure(destinations.error());
    fetch.destinations = destinations->size();
    auto considered = consideredDestinations(*destinations, profile);
    if (!considered)
        return failure(considered.error());
    fetch.considered = considered->size();
    if (considered->empty()) {
        fetch.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return fetch;
    }

    // Step 2: the events of the considered destinations, whole. Grouped by flow and hour, the names a beacon repeats
    // come once a group (docs/clickhouse.md, "What is pushed down"); a mapping's string ids keep a row an event, since
    // an empty id is identified by its row's bytes.
    const bool hashedIds = !selection.mapping.expressions.contains("event_id");
    fetch.query = hashedIds ? clickHouseGroupedEventsQuery(selection, *considered)
                            : clickHouseEventsQuery(selection, *considered);
    ClickHouseEventRows rows(into,
        hashedIds ? ClickHouseEventRows::Layout::GroupedByFlow : ClickHouseEventRows::Layout::RowPerEvent, hashedIds,
        options.onRow);
    auto settings = settingsForSize(fetch.query.size(), considered->size());
    // The whole answer before the status: an error part-way through a streamed answer would otherwise arrive as the
    // tail of a "200 OK" body, indistinguishable from rows.
    settings.emplace_back("wait_end_of_query", "1");
    // A grouped answer holds every considered event in the server's memory until it is sent: past a gigabyte the
    // grouping spills to the server's disk instead of failing at its memory limit.
    if (hashedIds)
        settings.emplace_back("max_bytes_before_external_group_by", "1000000000");
    ClickHouseClient::Query query;
    query.sql = fetch.query;
    query.settings = std::move(settings);
    query.onProgress = [&](std::uint64_t bytes) {
        fetch.bytesReceived = bytes;
        if (options.progress)
            options.progress(bytes);
    };
    const auto answered
        = readAnswer(client, std::move(query), rows, options, "events", [&] { return into.memoryBytes(); });
    if (!answered)
        return failure(answered.error());
    fetch.events = rows.events();
    fetch.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return fetch;
}

std::string clickHouseSourceDescription(const ClickHouseClient& client, const ClickHouseSelection& selection)
{
    return client.endpoint().display() + " table " + selection.mapping.table;
}

CaseFile::RemoteSource clickHouseCaseSource(
    ClickHouseClient client, ClickHouseSelection selection, Profile profile, ClickHouseFetchOptions options)
{
    CaseFile::RemoteSource source;
    source.description = clickHouseSourceDescription(client, selection);
    source.format = "clickhouse";
    source.request = clickHouseRequestJson(client.endpoint(), selection, profile);
    source.fetch = [client = std::move(client), selection = std::move(selection), profile = std::move(profile),
                       options = std::move(options)](EventTable& into, std::uint16_t sourceIndex,
                       const std::function<void(std::uint64_t, std::string_view)>& onRecord) -> Expected<std::string> {
        ClickHouseFetchOptions rowOptions = options;
        // In a case, an event's source is the server's answer: its row number is its line and offset, and the row
        // is its original record.
        rowOptions.onRow = [&](EventRecord& record, std::uint64_t row) {
            onRecord(row, clickHouseRowJson(record));
            record.source = { sourceIndex, row + 1, row };
        };
        auto fetched = fetchFromClickHouse(client, selection, profile, into, rowOptions);
        if (!fetched)
            return failure(fetched.error());
        return fetched->query;
    };
    return source;
}

std::string clickHouseRowJson(const EventRecord& record)
{
    std::string out;
    JsonWriter json(out, false);
    const auto list = [&](const char* name, const std::vector<std::string_view>& values) {
        json.key(name).beginArray();
        for (const std::string_view value : values)
            json.value(value);
        json.endArray();
    };
    const auto count = [&](const char* name, bool known, std::uint64_t value) {
        if (known)
            json.field(name, value);
        else
            json.key(name).null();
    };
    json.beginObject().field("timestamp_us", static_cast<std::int64_t>(record.timestamp));
    if (record.id.empty())
        json.field("event_id_hash", record.idHash);
    else
        json.field("event_id", record.id);
    json.field("event_type", record.eventType)
        .field("direction", directionName(record.direction))
        .field("principal_hostname", record.principalHostname);
    list("principal_ips", record.principalIps);
    json.field("process_path", record.processPath)
        .field("process_id", record.processId)
        .field("target_hostname", record.targetHostname)
        .field("hostname_source", hostnameSourceName(record.hostnameSource));
    list("target_ips", record.targetIps);
    json.field("target_port", static_cast<std::uint64_t>(record.targetPort));
    count("bytes_sent", record.bytesSentKnown, record.bytesSent);
    count("bytes_received", record.bytesReceivedKnown, record.bytesReceived);
    json.field("user", record.user)
        .field("role", eventRoleName(record.role))
        .field("url", record.url)
        .field("user_agent", record.userAgent)
        .field("http_response_code", static_cast<std::uint64_t>(record.responseCode))
        .field("source_line", record.source.line)
        .field("source_offset", record.source.byteOffset)
        .endObject();
    return out;
}

} // namespace cepheid
