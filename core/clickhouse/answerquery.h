#pragma once

#include "clickhouseclient.h"
#include "clickhouseevents.h"

#include <string>
#include <string_view>

namespace cepheid {

// Runs `query` and reads its answer with `rows` (ClickHouseDestinationRows, ClickHouseEventRows, ClickHouseRuleRows:
// feed, finish, problem) as it arrives, with the fetch's cancel and server progress. After each piece, `memoryUsed()`
// is held to options.memoryLimit (0: none). Fails naming the server: on a refusal, on an answer `rows` refuses (its
// problem after `problemPrefix`), or past the limit, saying that the answer holds more `what` than it allows.
template<class Rows, class MemoryUsed>
Expected<void> readAnswer(const ClickHouseClient& client, ClickHouseClient::Query query, Rows& rows,
    const ClickHouseFetchOptions& options, const char* what, const MemoryUsed& memoryUsed,
    std::string_view problemPrefix = {})
{
    bool overLimit = false;
    query.onData = [&](std::string_view bytes) {
        if (!rows.feed(bytes))
            return false;
        overLimit = options.memoryLimit != 0 && memoryUsed() > options.memoryLimit;
        return !overLimit;
    };
    query.cancel = options.cancel;
    query.onServerProgress = options.serverProgress;
    const auto answered = client.execute(query);
    const std::string where = "ClickHouse at " + client.endpoint().display() + ": ";
    if (overLimit)
        return failure(where + overMemoryLimit(what));
    if (!answered || !rows.finish())
        return failure(
            !rows.problem().empty() ? where + std::string(problemPrefix) + rows.problem() : answered.error());
    return {};
}

} // namespace cepheid
