#pragma once

#include "clickhouseevents.h"
#include "rules/ruleevaluator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cepheid {

// The seed rule run inside ClickHouse (docs/clickhouse.md, "The rule on the server"): the server evaluates the
// rule's events section, its match placeholders and every hop window of every flow, and sends per flow only the
// counts that explain it and the windows that may fire. What comes back grows with the flows, not with the events:
// a SOC sees the rule's detections over a month of its fleet without fetching the month.

// One flow's outcome as the rule run on the server found it: the same RuleOutcome RuleEvaluator gives for the same
// events (tst_clickhouse compares them).
struct ClickHouseRuleFlow
{
    std::string sourceIp, destination, processPath;
    RuleOutcome outcome;
};

struct ClickHouseRuleRun
{
    std::vector<ClickHouseRuleFlow> flows; // every flow of a hostname the regex matches, ordered by its key
    std::uint64_t destinations = 0; // distinct destinations the selection holds
    std::uint64_t matched = 0; // of which hostnames the rule's regex matches
    std::uint64_t bytesReceived = 0; // the rule's answer
    double seconds = 0;
    std::vector<std::string> queries; // as sent: the destinations, then the rule's
};

// The rule over the connections to `hostnames` (which the rule's regex matches), one row per flow (source IP,
// hostname, process path): the copies that reach the match section and those dropped by each check in the rule's
// order (five UInt64), how many hop windows hold its events (UInt64), the windows that may fire (events and hour
// buckets at least the rule's minimums) and the window closest to firing. A window is (start in hops, distinct ids,
// distinct hours of day, byte sums, and the sums again as Float64 to see one that passed 64 bits). Fails for
// sliding windows, which start at every event.
Expected<std::string> clickHouseRuleQuery(
    const ClickHouseSelection& selection, const std::vector<std::string>& hostnames, const RuleEvaluator& rule);

// Lists the selection's destinations, matches the hostnames with the rule's own regex (as for a file, never the
// server's), and runs the rule's query above. Fails, naming the server, on a refusal or a malformed answer, and
// before any query on sliding windows or a regex that does not compile.
Expected<ClickHouseRuleRun> runRuleOnClickHouse(const ClickHouseClient& client, const ClickHouseSelection& selection,
    const RuleSettings& settings, const ClickHouseFetchOptions& options = {});

} // namespace cepheid
