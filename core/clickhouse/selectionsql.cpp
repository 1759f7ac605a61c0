#include "selectionsql.h"

#include "clickhouseclient.h"

#include <algorithm>

namespace cepheid {

SelectionSql::SelectionSql(const ClickHouseSelection& selection)
    : map(selection.mapping)
    , hostname(text("target_hostname"))
    , destination("if(" + hostname + " != '', " + hostname + ", arrayFirst(x -> x != '', " + list("target_ips") + "))")
{
    // Connections only: evidence records (DNS answers, session names) stay on the server, their names joined into
    // the connections before the push.
    conditions
        = " FROM " + clickHouseTableName(map.table).value_or("``") + " WHERE " + text("role") + " = 'connection'";
    const std::string timestamp = number("timestamp_us", "Int64");
    if (map.expressions.contains("timestamp_us")) // an event without a time is no event: never the year 1970
        conditions += " AND isNotNull(" + map.expression("timestamp_us") + ")";
    if (selection.from)
        conditions += " AND " + timestamp + " >= " + std::to_string(*selection.from);
    if (selection.to)
        conditions += " AND " + timestamp + " < " + std::to_string(*selection.to);
    if (!selection.where.empty())
        conditions += " AND (" + selection.where + ")";
}

std::string SelectionSql::text(const char* field) const
{
    return map.expressions.contains(field) ? "ifNull(toString(" + map.expression(field) + "), '')"
                                           : map.expression(field);
}

std::string SelectionSql::list(const char* field) const
{
    return map.expressions.contains(field) ? "arrayMap(v -> ifNull(toString(v), ''), " + map.expression(field) + ")"
                                           : map.expression(field);
}

std::string SelectionSql::number(const char* field, const char* type) const
{
    return map.expressions.contains(field) ? std::string("to") + type + "(ifNull(" + map.expression(field) + ", 0))"
                                           : std::string("to") + type + "(" + map.expression(field) + ")";
}

std::string valueList(const std::vector<std::string>& values)
{
    std::string list;
    for (const std::string& value : values)
        list += (list.empty() ? "" : ", ") + clickHouseString(value);
    return list;
}

std::vector<std::pair<std::string, std::string>> settingsForSize(std::size_t queryBytes, std::size_t values)
{
    return { { "max_query_size", std::to_string(std::max<std::size_t>(262'144, queryBytes + 4096)) },
        { "max_ast_elements", std::to_string(std::max<std::size_t>(50'000, 4 * values + 10'000)) },
        { "max_expanded_ast_elements", std::to_string(std::max<std::size_t>(500'000, 4 * values + 10'000)) } };
}

// Hostnames are compared as the table stores them, so that a table sorted by target_hostname (the default layout)
// reads only the parts of its index that hold them.
std::string consideredConditions(const SelectionSql& sql, const std::vector<ClickHouseDestination>& considered)
{
    std::vector<std::string> hostnames, addresses;
    for (const ClickHouseDestination& destination : considered)
        (destination.isHostname ? hostnames : addresses).push_back(destination.name);
    std::string which;
    if (!hostnames.empty())
        which = sql.map.expression("target_hostname") + " IN (" + valueList(hostnames) + ")";
    if (!addresses.empty())
        which += (which.empty() ? "" : " OR ")
            + ("(" + sql.hostname + " = '' AND " + sql.destination + " IN (" + valueList(addresses) + "))");
    return sql.conditions + " AND (" + (which.empty() ? "0" : which) + ")";
}

// For a beacon these repeat from event to event.
std::string sharedFields(const SelectionSql& sql)
{
    return sql.text("event_type") + ", " + sql.text("direction") + ", " + sql.text("principal_hostname") + ", "
        + sql.list("principal_ips") + ", " + sql.text("process_path") + ", " + sql.text("process_id") + ", "
        + sql.hostname + ", " + sql.text("hostname_source") + ", " + sql.list("target_ips") + ", "
        + sql.number("target_port", "UInt16") + ", " + sql.text("user") + ", " + sql.text("role") + ", "
        + sql.text("url") + ", " + sql.text("user_agent") + ", " + sql.number("http_response_code", "UInt16");
}

std::vector<std::string> ownFields(const SelectionSql& sql, bool hashedIds)
{
    const auto known = [&](const char* field) {
        return std::vector<std::string> { "toUInt8(isNotNull(" + sql.map.expression(field) + "))",
            "toUInt64(ifNull(" + sql.map.expression(field) + ", 0))" };
    };
    std::vector<std::string> fields { sql.number("timestamp_us", "Int64"),
        hashedIds ? sql.number("event_id_hash", "UInt64") : sql.text("event_id") };
    for (const char* count : { "bytes_sent", "bytes_received" })
        for (std::string& field : known(count))
            fields.push_back(std::move(field));
    fields.push_back(sql.number("source_line", "UInt64"));
    fields.push_back(sql.number("source_offset", "UInt64"));
    return fields;
}

} // namespace cepheid
