#include "clickhouserule.h"

#include "answerquery.h"
#include "model/flowindex.h"
#include "rules/windowfold.h"
#include "selectionsql.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <tuple>

namespace cepheid {

namespace {

std::vector<ClickHouseDestination> asDestinations(const std::vector<std::string>& hostnames)
{
    std::vector<ClickHouseDestination> destinations;
    destinations.reserve(hostnames.size());
    for (const std::string& hostname : hostnames)
        destinations.push_back({ hostname, true });
    return destinations;
}

// floor(numerator / denominator) for a positive denominator: ClickHouse's intDiv rounds toward zero. The divisor is
// an Int64 on purpose: `Int64 % 3600000000` (a UInt32 literal) is an Int32 in ClickHouse, negative past 2^31.
std::string floorDivSql(const std::string& numerator, TimestampUs denominator)
{
    const std::string d = "toInt64(" + std::to_string(denominator) + ")";
    return "(intDiv(" + numerator + ", " + d + ") - ((" + numerator + ") % " + d + " < 0))";
}

// The selection's connections to `hostnames`, each event once. A file's flows keep the first row of an id and leave
// out the rows that repeat it (the same event exported twice, or exported again with a corrected time), so the server
// keeps, of an id's rows, the first in the pushed file (the least source offset; which of two pushes comes first is
// not known, and rows with the same offset are one as good as another). The ids that repeat are found first (a
// GROUP BY of the ids alone) and joined to the rows; LIMIT 1 BY then keeps one of equals as the rows stream through.
// Measured on 411,411 rows: sorting them all by offset first took 0.8-1.2 s more, a GROUP BY with any() of each field
// 1.5 s more; the join 0.3-0.4 s. A row without an id (a mapped table's empty event_id) is identified by all its
// fields, as a fetch identifies it by its row's bytes. Columns: c_id, c_row, c_t, c_type, c_direction, c_ips,
// c_process, c_host, c_sent, c_received.
std::string eventsOnce(const SelectionSql& sql, const std::vector<std::string>& hostnames)
{
    const bool hashedIds = !sql.map.expressions.contains("event_id");
    const std::string id = hashedIds ? sql.number("event_id_hash", "UInt64") : sql.text("event_id");
    std::string row = "toUInt64(0)";
    if (!hashedIds) {
        std::string fields = sharedFields(sql);
        for (const std::string& field : ownFields(sql, false))
            fields += ", " + field;
        row = "if(" + id + " = '', cityHash64(" + fields + "), toUInt64(0))";
    }
    const std::string offset = sql.number("source_offset", "UInt64");
    const std::string where = consideredConditions(sql, asDestinations(hostnames));
    const auto count = [&](const char* field) { return "toUInt64(ifNull(" + sql.map.expression(field) + ", 0))"; };
    const std::string rows = "SELECT " + id + " AS c_id, " + row + " AS c_row, " + sql.number("timestamp_us", "Int64")
        + " AS c_t, " + sql.text("event_type") + " AS c_type, " + sql.text("direction") + " AS c_direction, "
        + sql.list("principal_ips") + " AS c_ips, " + sql.text("process_path") + " AS c_process, " + sql.hostname
        + " AS c_host, " + count("bytes_sent") + " AS c_sent, " + count("bytes_received") + " AS c_received, " + offset
        + " AS c_order" + where;
    // One more than the first offset of each id that repeats: 0, a join's default, is "the id does not repeat".
    const std::string repeated = "SELECT " + id + " AS c_id, " + row + " AS c_row, min(" + offset + ") + 1 AS c_first"
        + where + " GROUP BY c_id, c_row HAVING count() > 1";
    return "SELECT * FROM (" + rows + ") ANY LEFT JOIN (" + repeated
        + ") USING (c_id, c_row) WHERE c_first = 0 OR c_order + 1 = c_first LIMIT 1 BY c_id, c_row";
}

// principal.ip unnested, as Chronicle does: a copy per address (an address listed twice is two copies), and one
// copy with no address when there is none.
const char* const kSourceIp = "arrayJoin(if(empty(c_ips), [''], c_ips)) AS c_src";

bool readWindow(RowBinaryReader& reader, ClickHouseRuleWindow& window)
{
    return reader.integer(window.index) && reader.integer(window.ids) && reader.integer(window.hours)
        && reader.integer(window.sentHigh) && reader.integer(window.sentLow) && reader.integer(window.receivedHigh)
        && reader.integer(window.receivedLow);
}

// A sum from its high and low 32 bits, saturated at the largest value as the file path's sums are.
std::uint64_t total(std::uint64_t high, std::uint64_t low)
{
    __extension__ typedef unsigned __int128 Wide;
    const Wide sum = (Wide(high) << 32) + low;
    return sum > std::numeric_limits<std::uint64_t>::max() ? std::numeric_limits<std::uint64_t>::max()
                                                           : static_cast<std::uint64_t>(sum);
}

WindowOutcome outcomeOf(const ClickHouseRuleWindow& window, const RuleEvaluator& rule)
{
    return rule.windowOutcome(window.index * rule.hopLength(), static_cast<std::int64_t>(window.ids),
        static_cast<std::int64_t>(window.hours), total(window.sentHigh, window.sentLow),
        total(window.receivedHigh, window.receivedLow));
}

// In the order of their keys, so that a report lists them the same way on every run.
void sortByKey(std::vector<ClickHouseRuleFlow>& flows)
{
    std::sort(flows.begin(), flows.end(), [](const ClickHouseRuleFlow& a, const ClickHouseRuleFlow& b) {
        return std::tie(a.sourceIp, a.destination, a.processPath) < std::tie(b.sourceIp, b.destination, b.processPath);
    });
}

} // namespace

Expected<std::string> clickHouseRuleQuery(
    const ClickHouseSelection& selection, const std::vector<std::string>& hostnames, const RuleEvaluator& rule)
{
    const RuleSettings& settings = rule.settings();
    if (settings.windows != WindowModel::Hop)
        return failure("the rule's query computes hop windows: sliding windows start at every event, which the "
                       "server cannot bound (runRuleOnClickHouse evaluates them here)");
    const TimestampUs hop = rule.hopLength();
    const TimestampUs slotsPerWindow = rule.windowLength() / hop;
    if (slotsPerWindow == 0 || rule.windowLength() % hop != 0) // a profile's window is whole seconds: ten hops
        return failure("the rule's window is not a whole number of hops");
    const SelectionSql sql(selection);
    // An event's identity: its id, and for a mapped table's string ids the row's hash too (eventsOnce).
    const std::string identity = selection.mapping.expressions.contains("event_id") ? "c_id, c_row" : "c_id";
    const auto n = [](std::int64_t value) { return std::to_string(value); };
    // 1. Each copy of each event (principal.ip unnested); why the rule drops it (0: it reaches the match section;
    //    then in the order the rule states its checks, as RuleEvaluator::filter); a value a fetch would refuse
    //    (ClickHouseEventRows: a direction UDM does not have, a time outside years 0001-9999); its hour of day; and
    //    its slot, the hop it lies in. A window is `slotsPerWindow` slots: window k holds slots k .. k + slots - 1.
    //    Byte counts travel as their high and low 32 bits, so that sums are exact and a sum past 64 bits is seen.
    const std::string copies = std::string("SELECT ") + kSourceIp
        + ", c_host, c_process, c_id, c_row, c_direction, c_t, intDiv(c_sent, 4294967296) AS c_sent_high, c_sent % "
          "4294967296 AS c_sent_low, intDiv(c_received, 4294967296) AS c_received_high, c_received % 4294967296 AS "
          "c_received_low, multiIf(c_type != 'NETWORK_CONNECTION', 1, c_direction != 'OUTBOUND', 2, c_src = '', 3, "
          "c_process = '', 4, 0) AS c_why, multiIf(c_direction NOT IN ('', 'UNKNOWN_DIRECTION', 'INBOUND', "
          "'OUTBOUND', 'BROADCAST'), 1, c_t < "
        + n(kFirstSecond * kMicrosPerSecond) + " OR c_t > " + n(kLastSecond * kMicrosPerSecond + kMicrosPerSecond - 1)
        + ", 2, 0) AS c_bad, toUInt8((" + floorDivSql("c_t", kMicrosPerHour) + " % 24 + 24) % 24) AS c_hour, "
        + floorDivSql("c_t", hop) + " AS c_slot FROM (" + eventsOnce(sql, hostnames) + ")";
    // 2. Per flow and slot: the ids, hours and byte sums of the copies that reach the match section, the copies
    //    dropped at each check, and the refused values. An event lies in one slot, so ids add up from slots to
    //    windows; hours do not, and travel as each slot's set.
    const std::string slots = "SELECT c_src, c_host, c_process, c_slot, uniqExactIf(" + identity
        + ", c_why = 0) AS c_slot_ids, groupUniqArrayIf(c_hour, c_why = 0) AS c_slot_hours, sumIf(c_sent_high, c_why "
          "= 0) AS c_slot_sh, sumIf(c_sent_low, c_why = 0) AS c_slot_sl, sumIf(c_received_high, c_why = 0) AS "
          "c_slot_rh, sumIf(c_received_low, c_why = 0) AS c_slot_rl, countIf(c_why = 0) AS c_slot_eligible, "
          "countIf(c_why = 1) AS c_slot_type, countIf(c_why = 2) AS c_slot_direction, countIf(c_why = 3) AS "
          "c_slot_src, countIf(c_why = 4) AS c_slot_process, countIf(c_bad = 1) AS c_slot_bad_direction, "
          "anyIf(c_direction, c_bad = 1) AS c_slot_bad_direction_value, countIf(c_bad = 2) AS c_slot_bad_time, "
          "anyIf(c_t, c_bad = 2) AS c_slot_bad_time_value FROM ("
        + copies + ") GROUP BY c_src, c_host, c_process, c_slot";
    // 3. Per flow and window: each slot counted in the windows that hold it; the flow's counts ride on its slots'
    //    first window only, so that they are counted once.
    const std::string windows
        = "SELECT c_src, c_host, c_process, toInt64(c_slot - c_i) AS c_k, sum(c_slot_ids) AS c_ids, "
          "uniqExactArray(c_slot_hours) AS c_hours, sum(c_slot_sh) AS c_sh, sum(c_slot_sl) AS c_sl, sum(c_slot_rh) AS "
          "c_rh, sum(c_slot_rl) AS c_rl, sumIf(c_slot_eligible, c_i = 0) AS c_eligible, sumIf(c_slot_type, c_i = 0) AS "
          "c_type_n, sumIf(c_slot_direction, c_i = 0) AS c_direction_n, sumIf(c_slot_src, c_i = 0) AS c_src_n, "
          "sumIf(c_slot_process, c_i = 0) AS c_process_n, sumIf(c_slot_bad_direction, c_i = 0) AS c_bad_direction_n, "
          "anyIf(c_slot_bad_direction_value, c_slot_bad_direction > 0) AS c_bad_direction_value, "
          "sumIf(c_slot_bad_time, c_i = 0) AS c_bad_time_n, anyIf(c_slot_bad_time_value, c_slot_bad_time > 0) AS "
          "c_bad_time_value FROM (SELECT *, arrayJoin(range("
        + n(slotsPerWindow) + ")) AS c_i FROM (" + slots + ")) GROUP BY c_src, c_host, c_process, c_k";
    // 4. Per flow: its counts, how many windows hold an eligible copy, the windows that fire, and the one closest to
    //    firing (WindowFold: most conditions met, then events, then hour buckets, then the earliest). The sums and
    //    averages are the file path's (RuleEvaluator::windowOutcome): a sum past 64 bits saturates, and math.floor of
    //    an average past the largest int64 is 0. Only firing windows and the closest come back, so the answer grows
    //    with the detections, not with the windows (a window of a flow's dropped copies only, with no ids, is left
    //    out; its arguments are computed all the same, hence the divisor of at least 1).
    const auto sum = [](const std::string& high, const std::string& low) {
        const std::string carried = "(" + high + " + intDiv(" + low + ", 4294967296))";
        return "if(" + carried + " >= 4294967296, toUInt64(18446744073709551615), " + carried + " * 4294967296 + " + low
            + " % 4294967296)";
    };
    const auto below = [&](const std::string& total, std::int64_t maximum) {
        const std::string average = "intDiv(" + total + ", greatest(c_ids, toUInt64(1)))";
        return "(if(" + average + " >= 9223372036854775807, toUInt64(0), " + average + ") < " + n(maximum) + ")";
    };
    const std::string events = "(c_ids >= " + n(settings.minEvents) + ")";
    const std::string hours = "(c_hours >= " + n(settings.minHourBuckets) + ")";
    const std::string sent = below(sum("c_sh", "c_sl"), settings.maxAvgBytesSent);
    const std::string received = below(sum("c_rh", "c_rl"), settings.maxAvgBytesReceived);
    const std::string fields = "(c_k, c_ids, c_hours, c_sh, c_sl, c_rh, c_rl)";
    return "SELECT c_src, c_host, c_process, sum(c_eligible), sum(c_type_n), sum(c_direction_n), sum(c_src_n), "
           "sum(c_process_n), sum(c_bad_direction_n), anyIf(c_bad_direction_value, c_bad_direction_n > 0), "
           "sum(c_bad_time_n), anyIf(c_bad_time_value, c_bad_time_n > 0), countIf(c_ids > 0), groupArrayIf("
        + fields + ", c_ids > 0 AND " + events + " AND " + hours + " AND " + sent + " AND " + received + "), argMaxIf("
        + fields + ", (" + events + " + " + hours + " + " + sent + " + " + received
        + ", c_ids, c_hours, -c_k), c_ids > 0) FROM (" + windows
        + ") GROUP BY c_src, c_host, c_process FORMAT RowBinary";
}

ClickHouseRuleRows::ClickHouseRuleRows(const RuleEvaluator& rule)
    : m_rule(rule)
{ }

bool ClickHouseRuleRows::feed(std::string_view bytes)
{
    m_bytes += bytes.size();
    return m_stream.feed(bytes, [this](RowBinaryReader& reader, std::string& problem) {
        std::string_view source, destination, process;
        ClickHouseRuleFlow flow;
        RuleOutcome& outcome = flow.outcome;
        DroppedEvents& dropped = outcome.dropped;
        std::uint64_t evaluated = 0, count = 0, badDirections = 0, badTimes = 0;
        std::string_view badDirection;
        TimestampUs badTime = 0;
        if (!reader.string(source) || !reader.string(destination) || !reader.string(process)
            || !reader.integer(outcome.eligibleEvents) || !reader.integer(dropped.eventType)
            || !reader.integer(dropped.direction) || !reader.integer(dropped.emptySourceIp)
            || !reader.integer(dropped.emptyProcessPath) || !reader.integer(badDirections)
            || !reader.string(badDirection) || !reader.integer(badTimes) || !reader.integer(badTime)
            || !reader.integer(evaluated) || !reader.length(count))
            return ClickHouseRowStream::Row::Partial; // or malformed, which the stream sees
        // What a fetch refuses is refused here too (ClickHouseEventRows), rather than counted as dropped.
        if (badDirections > 0 || badTimes > 0) {
            problem = badDirections > 0 ? "direction '" + std::string(badDirection) + "' is not a UDM direction"
                                        : "timestamp_us " + std::to_string(badTime) + " is outside years 0001-9999";
            return ClickHouseRowStream::Row::Bad;
        }
        if (count > evaluated) {
            problem = "more windows that may fire than windows";
            return ClickHouseRowStream::Row::Bad;
        }
        // Each window is kept once its bytes have arrived: a count no answer holds allocates nothing.
        std::vector<ClickHouseRuleWindow>& candidates = m_candidates;
        candidates.clear();
        for (std::uint64_t i = 0; i < count; ++i) {
            ClickHouseRuleWindow candidate;
            if (!readWindow(reader, candidate))
                return ClickHouseRowStream::Row::Partial;
            candidates.push_back(candidate);
        }
        ClickHouseRuleWindow closest;
        if (!readWindow(reader, closest))
            return ClickHouseRowStream::Row::Partial;
        if ((evaluated == 0) != (outcome.eligibleEvents == 0) || (evaluated > 0 && closest.ids == 0)) {
            problem = "a flow's windows do not match its eligible events";
            return ClickHouseRowStream::Row::Bad;
        }
        // Its start and end must be times, its counts those of a window.
        const TimestampUs hop = m_rule.hopLength();
        const auto inRange = [&](const ClickHouseRuleWindow& window) {
            return window.ids <= std::uint64_t(std::numeric_limits<std::int64_t>::max()) && window.hours <= 24
                && window.index >= std::numeric_limits<TimestampUs>::min() / hop
                && window.index <= (std::numeric_limits<TimestampUs>::max() - m_rule.windowLength()) / hop;
        };
        if (!std::all_of(candidates.begin(), candidates.end(), inRange) || (evaluated > 0 && !inRange(closest))) {
            problem = "a window no rule could have";
            return ClickHouseRowStream::Row::Bad;
        }
        flow.sourceIp = source;
        flow.destination = destination;
        flow.processPath = process;
        outcome.domainMatched = true;
        // The windows in time order, as RuleEvaluator meets them; the closest only matters when none fires.
        std::sort(candidates.begin(), candidates.end(),
            [](const ClickHouseRuleWindow& a, const ClickHouseRuleWindow& b) { return a.index < b.index; });
        WindowFold fold(m_rule.settings());
        for (const ClickHouseRuleWindow& candidate : candidates)
            fold.add(outcomeOf(candidate, m_rule));
        if (!fold.fires() && evaluated > 0)
            fold.add(outcomeOf(closest, m_rule));
        fold.finish(outcome);
        outcome.windowsEvaluated = evaluated;
        m_flows.push_back(std::move(flow));
        return ClickHouseRowStream::Row::Whole;
    });
}

namespace {

// Sliding windows start at every event, which the server cannot bound: the server selects the events of the matched
// hostnames (a fetch with the rule's regex alone) and RuleEvaluator evaluates them here.
Expected<ClickHouseRuleRun> runSlidingRule(const ClickHouseClient& client, const ClickHouseSelection& selection,
    const RuleEvaluator& rule, const ClickHouseFetchOptions& options)
{
    Profile regexOnly;
    regexOnly.rule = rule.settings();
    regexOnly.catalog.clear();
    EventTable events;
    const auto fetched = fetchFromClickHouse(client, selection, regexOnly, events, options);
    if (!fetched)
        return failure(fetched.error());
    ClickHouseRuleRun run;
    run.destinations = fetched->destinations;
    run.matched = fetched->considered;
    run.bytesReceived = fetched->bytesReceived;
    run.queries = { clickHouseDestinationsQuery(selection), fetched->query };
    if (fetched->considered == 0)
        run.queries.pop_back();
    const FlowIndex flows = FlowIndex::build(events);
    for (const Flow& flow : flows.flows()) {
        if (flow.destinationIsIp)
            continue;
        RuleOutcome outcome = rule.evaluate(events, flows, flow);
        if (outcome.domainMatched)
            run.flows.push_back(
                { std::string(events.text(flow.key.sourceIp)), std::string(events.text(flow.key.destination)),
                    std::string(events.text(flow.key.processPath)), std::move(outcome) });
    }
    sortByKey(run.flows);
    run.seconds = fetched->seconds;
    return run;
}

} // namespace

Expected<ClickHouseRuleRun> runRuleOnClickHouse(const ClickHouseClient& client, const ClickHouseSelection& selection,
    const RuleSettings& settings, const ClickHouseFetchOptions& options)
{
    if (const auto table = clickHouseTableName(selection.mapping.table); !table)
        return failure(table.error());
    auto rule = RuleEvaluator::create(settings);
    if (!rule)
        return failure(rule.error());
    const auto started = std::chrono::steady_clock::now();
    ClickHouseRuleRun run;
    std::vector<std::string> hostnames;
    if (settings.windows == WindowModel::Sliding)
        return runSlidingRule(client, selection, *rule, options);
    run.queries.push_back(clickHouseDestinationsQuery(selection));
    // The rule's query is checked before any is sent.
    if (const auto checked = clickHouseRuleQuery(selection, hostnames, *rule); !checked)
        return failure(checked.error());
    const auto destinations = listClickHouseDestinations(client, selection, options);
    if (!destinations)
        return failure(destinations.error());
    run.destinations = destinations->size();
    for (const ClickHouseDestination& destination : *destinations)
        if (destination.isHostname && !destination.name.empty() && rule->domainMatches(destination.name))
            hostnames.push_back(destination.name);
    run.matched = hostnames.size();
    const auto finished = [&] {
        run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return run;
    };
    if (hostnames.empty())
        return finished();

    run.queries.push_back(*clickHouseRuleQuery(selection, hostnames, *rule));
    ClickHouseRuleRows rows(*rule);
    ClickHouseClient::Query query;
    query.sql = run.queries.back();
    query.settings = settingsForSize(query.sql.size(), hostnames.size());
    // The whole answer before the status (see fetchFromClickHouse). Past 400 MB the grouping spills to the server's
    // disk: a profile of minute windows makes a window of nearly every check-in, and a server whose queries may take
    // 1 GB (the tests') refused it at 975 MB instead; spilling, it finished (docs/clickhouse.md).
    query.settings.emplace_back("wait_end_of_query", "1");
    query.settings.emplace_back("max_bytes_before_external_group_by", "400000000");
    query.onProgress = [&](std::uint64_t bytes) {
        run.bytesReceived = bytes;
        if (options.progress)
            options.progress(bytes);
    };
    // The flows and their firing windows are what is kept: their bytes bound the memory the answer takes.
    const auto answered
        = readAnswer(client, std::move(query), rows, options, "flows and firing windows", [&] { return rows.bytes(); });
    if (!answered)
        return failure(answered.error());
    run.flows = std::move(rows.flows());

    sortByKey(run.flows);
    return finished();
}

} // namespace cepheid
