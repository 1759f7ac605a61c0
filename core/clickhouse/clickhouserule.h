#pragma once

#include "clickhouseevents.h"
#include "rules/ruleevaluator.h"

#include <cstdint>
#include <string>
#include <string_view>
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
// order (four UInt64 after the first), the rows with a direction UDM does not have and with a time outside years
// 0001-9999 (each a count and an example), how many hop windows hold its eligible copies (UInt64), the windows that
// fire, and the window closest to firing (ClickHouseRuleWindow each). Fails for sliding windows, which start at every
// event.
Expected<std::string> clickHouseRuleQuery(
    const ClickHouseSelection& selection, const std::vector<std::string>& hostnames, const RuleEvaluator& rule);

// A window of the rule's answer: (Int64 start in hops, UInt64 distinct ids, UInt64 distinct hours of day, and the byte
// sums sent and received, each as the sum of the counts' high 32 bits and the sum of their low 32 bits: exact, and a
// sum past 64 bits is seen).
struct ClickHouseRuleWindow
{
    std::int64_t index = 0;
    std::uint64_t ids = 0, hours = 0, sentHigh = 0, sentLow = 0, receivedHigh = 0, receivedLow = 0;
};

// Reads the rule query's answer as it arrives, in pieces of any size (ClickHouseRowStream): each row becomes a flow
// whose windows are folded as RuleEvaluator folds its own (WindowFold). The server is input like a file: a row whose
// counts disagree (windows without eligible events, more firing windows than windows, a window past the time range or
// with more than 24 hours) refuses the answer, naming the row, as does a direction or time a fetch refuses.
class ClickHouseRuleRows
{
public:
    explicit ClickHouseRuleRows(const RuleEvaluator& rule);
    bool feed(std::string_view bytes);
    bool finish() { return m_stream.finish(); }
    const std::string& problem() const { return m_stream.problem(); }
    std::vector<ClickHouseRuleFlow>& flows() { return m_flows; }
    // The answer's bytes so far: a bound of the memory its flows and windows take.
    std::uint64_t bytes() const { return m_bytes; }

private:
    const RuleEvaluator& m_rule;
    ClickHouseRowStream m_stream;
    std::vector<ClickHouseRuleWindow> m_candidates;
    std::vector<ClickHouseRuleFlow> m_flows;
    std::uint64_t m_bytes = 0;
};

// Lists the selection's destinations, matches the hostnames with the rule's own regex (as for a file, never the
// server's), and runs the rule's query above. Sliding windows, which start at every event and which the server cannot
// bound, are evaluated here instead, on the matched hostnames' events fetched as `score --clickhouse` fetches them.
// Fails, naming the server, on a refusal or a malformed answer, and before any query on a regex that does not
// compile.
Expected<ClickHouseRuleRun> runRuleOnClickHouse(const ClickHouseClient& client, const ClickHouseSelection& selection,
    const RuleSettings& settings, const ClickHouseFetchOptions& options = {});

} // namespace cepheid
