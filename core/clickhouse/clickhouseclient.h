#pragma once

#include "util/expected.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cepheid {

// Where a ClickHouse server listens and who asks (docs/clickhouse.md, "Connecting"): its HTTP interface, plain or
// TLS. The password is never part of the URL, a case or a profile: it comes from an environment variable.
struct ClickHouseEndpoint
{
    bool tls = false;
    std::string host;
    std::string port; // 8123 for http, 8443 for https unless the URL says otherwise
    std::string database = "default";
    std::string user = "default";
    std::string password;
    std::string caFile; // PEM certificates to trust for TLS besides the system's; empty: the system's only
    std::chrono::milliseconds connectTimeout { 10'000 };
    std::chrono::milliseconds queryTimeout { 600'000 };

    // http[s]://[user@]host[:port][/database]. A password in the URL is refused, not taken: URLs end up in shell
    // history, process lists and case files.
    static Expected<ClickHouseEndpoint> parse(std::string_view url);
    // The URL without credentials, as reports and messages show it.
    std::string display() const;
};

// The variable cepheid-cli and the workbench read the password from.
inline constexpr const char* kClickHousePasswordVariable = "CEPHEID_CLICKHOUSE_PASSWORD";

// What a server says of a running query: rows and bytes read so far, and the rows it expects to read (0: unknown).
struct ClickHouseServerProgress
{
    std::uint64_t readRows = 0, readBytes = 0, totalRowsToRead = 0;
};
// One X-ClickHouse-Progress header's value ({"read_rows":"…","read_bytes":"…","total_rows_to_read":"…"}); nothing when
// it is not one.
std::optional<ClickHouseServerProgress> parseClickHouseProgress(std::string_view value);

// One query over ClickHouse's HTTP interface (Boost.Beast; TLS through OpenSSL, the peer verified). Every call opens
// its own connection: queries here are few and long, and a connection per query is what lets one be cancelled by
// closing it.
class ClickHouseClient
{
public:
    explicit ClickHouseClient(ClickHouseEndpoint endpoint);

    struct Query
    {
        std::string sql; // sent as the request body, or in the URL when `data` is given (an INSERT's rows)
        std::string data;
        std::string queryId; // empty: one is made up; KILL QUERY finds the query by it on cancel
        // Server settings for this query, e.g. {"max_memory_usage", "..."}; max_execution_time is set from the
        // endpoint's queryTimeout.
        std::vector<std::pair<std::string, std::string>> settings;
        // Receives the response as it arrives; returning false stops reading (the caller found the rows bad). When
        // unset, execute() returns the whole response.
        std::function<bool(std::string_view bytes)> onData;
        // Bytes received so far, as they arrive.
        std::function<void(std::uint64_t bytes)> onProgress;
        const std::atomic<bool>* cancel = nullptr; // set from another thread: the query is closed and killed
        // The server's own progress while it works, from its X-ClickHouse-Progress headers (asked for when this is
        // set; about one a second). Servers before 20.4 and after 20.9 until fixed may send none (docs/clickhouse.md).
        std::function<void(const ClickHouseServerProgress&)> onServerProgress;
    };

    // The response body (empty when onData took it). Fails with one sentence naming the server: unreachable, TLS
    // refused, timed out, cancelled, or ClickHouse's own message when it refused the query (bad credentials, a
    // missing table or column, its memory limit).
    Expected<std::string> execute(const Query& query) const;
    // A query whose whole answer is wanted, with no settings, progress or cancel.
    Expected<std::string> executeSql(std::string sql) const
    {
        Query query;
        query.sql = std::move(sql);
        return execute(query);
    }

    const ClickHouseEndpoint& endpoint() const { return m_endpoint; }

private:
    ClickHouseEndpoint m_endpoint;
};

// A string literal for ClickHouse SQL: quoted, with backslash, quote and control characters escaped, so a value from
// data or a profile (a hostname, a regex) can never end the literal.
std::string clickHouseString(std::string_view text);
// An identifier (a table or column name) in backquotes, refused when it holds a backquote, a NUL or a line break.
Expected<std::string> clickHouseIdentifier(std::string_view name);
// ClickHouse's error text ("Code: 60, e.displayText() = DB::Exception: Table default.t doesn't exist., e.what() =
// DB::Exception") as one sentence ("Table default.t doesn't exist (code 60)").
std::string clickHouseErrorText(std::string_view body);

} // namespace cepheid
