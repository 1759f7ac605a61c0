#pragma once

#include "clickhouseanswer.h"
#include "clickhouseevents.h"

#include <string>
#include <utility>
#include <vector>

namespace cepheid {

// The SQL parts that a selection's queries share (docs/clickhouse.md, "What is pushed down"): the fetch's
// (clickhouseevents.cpp) and the rule's (clickhouserule.cpp). Values from data are quoted with clickHouseString.

// A selection's table and conditions, and its fields as the queries read them.
struct SelectionSql
{
    explicit SelectionSql(const ClickHouseSelection& selection);

    // A field as a non-null String: a column of the default layout already is one and is read as it is (converting
    // every row made the destinations query on 10 M events take 1.15-1.18 s instead of 0.85-0.92); a mapping's
    // expression is converted whatever its type, NULL reading as empty (Zeek and UDM tables often have Nullable
    // columns, and a Nullable value would put a null byte before each value of the answer).
    std::string text(const char* field) const;
    // Array(String), NULL elements reading as empty.
    std::string list(const char* field) const;
    // A non-null integer of `type`, NULL reading as 0.
    std::string number(const char* field, const char* type) const;

    const ClickHouseMapping& map;
    // The target hostname, and the destination of an event: that hostname, else the first non-empty target address.
    std::string hostname, destination;
    // " FROM table WHERE …": connections only, in the time range, under the analyst's condition.
    std::string conditions;
};

// Quoted values, comma-separated.
std::string valueList(const std::vector<std::string>& values);

// Settings that let a query list thousands of destinations: ClickHouse parses at most max_query_size bytes (256 KiB
// by default) and max_ast_elements nodes of it.
std::vector<std::pair<std::string, std::string>> settingsForSize(std::size_t queryBytes, std::size_t values);

// The conditions and the considered destinations: " FROM … WHERE … AND (target_hostname IN (…) OR …)".
std::string consideredConditions(const SelectionSql& sql, const std::vector<ClickHouseDestination>& considered);

// The fields an event shares with the others of its flow, comma-separated, in the order the readers take them.
std::string sharedFields(const SelectionSql& sql);

// The fields of each event of its own: time, id (its hash, or the mapping's string) and byte counts (with whether
// each is known), source line and offset.
std::vector<std::string> ownFields(const SelectionSql& sql, bool hashedIds);

} // namespace cepheid
