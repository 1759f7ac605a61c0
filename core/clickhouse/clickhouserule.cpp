#include "clickhouserule.h"

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

// The selection's connections to `hostnames`, each event once: a file's flows keep the first row of an id and
// leave out the rows that repeat it (the same event exported twice), so the server keeps one row of each id (LIMIT 1
// BY: rows stream through, the server holds the ids seen; a GROUP BY with any() of each field took 1.5 s more on
// 411,411 rows). A row without an id (a mapped table's empty event_id) is identified by all its fields, as a fetch
// identifies it by its row's bytes. Columns: c_id, c_row, c_t, c_type, c_direction, c_ips, c_process, c_host, c_sent,
// c_received.
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
    const auto count = [&](const char* field) { return "toUInt64(ifNull(" + sql.map.expression(field) + ", 0))"; };
    return "SELECT " + id + " AS c_id, " + row + " AS c_row, " + sql.number("timestamp_us", "Int64") + " AS c_t, "
        + sql.text("event_type") + " AS c_type, " + sql.text("direction") + " AS c_direction, "
        + sql.list("principal_ips") + " AS c_ips, " + sql.text("process_path") + " AS c_process, " + sql.hostname
        + " AS c_host, " + count("bytes_sent") + " AS c_sent, " + count("bytes_received") + " AS c_received"
        + consideredConditions(sql, asDestinations(hostnames)) + " LIMIT 1 BY c_id, c_row";
}

// principal.ip unnested, as Chronicle does: a copy per address (an address listed twice is two copies), and one
// copy with no address when there is none.
const char* const kSourceIp = "arrayJoin(if(empty(c_ips), [''], c_ips)) AS c_src";

bool readWindow(RowBinaryReader& reader, ClickHouseRuleWindow& window)
{
    return reader.integer(window.index) && reader.integer(window.ids) && reader.integer(window.hours)
        && reader.integer(window.sent) && reader.integer(window.received) && reader.integer(window.sentWide)
        && reader.integer(window.receivedWide);
}

// A sum that passed 64 bits wrapped on the server; its Float64 twin says so, and the rule saturates it as a file's
// evaluation does.
std::uint64_t saturated(std::uint64_t sum, double wide)
{
    return wide >= 18446744073709551615.0 ? std::numeric_limits<std::uint64_t>::max() : sum;
}

WindowOutcome outcomeOf(const ClickHouseRuleWindow& window, const RuleEvaluator& rule)
{
    return rule.windowOutcome(window.index * rule.hopLength(), static_cast<std::int64_t>(window.ids),
        static_cast<std::int64_t>(window.hours), saturated(window.sent, window.sentWide),
        saturated(window.received, window.receivedWide));
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
    // 1. Each copy of each event (principal.ip unnested), why the rule drops it (0: it reaches the match section;
    //    then in the order the rule states its checks, as RuleEvaluator::filter), its hour of day, and its slot:
    //    the hop it lies in. A window is `slotsPerWindow` slots, so window k holds slots k .. k + slotsPerWindow - 1.
    const std::string copies = std::string("SELECT ") + kSourceIp
        + ", c_host, c_process, c_id, c_row, c_sent, c_received, multiIf(c_type != 'NETWORK_CONNECTION', 1, "
          "c_direction != 'OUTBOUND', 2, c_src = '', 3, c_process = '', 4, 0) AS c_why, toUInt8(("
        + floorDivSql("c_t", kMicrosPerHour) + " % 24 + 24) % 24) AS c_hour, " + floorDivSql("c_t", hop)
        + " AS c_slot FROM (" + eventsOnce(sql, hostnames) + ")";
    // 2. Per flow and slot: the ids, hours and byte sums of the copies that reach the match section, and the copies
    //    dropped at each check. An event lies in one slot, so ids add up from slots to windows; hours do not, and
    //    travel as each slot's set.
    const std::string slots = "SELECT c_src, c_host, c_process, c_slot, uniqExactIf(" + identity
        + ", c_why = 0) AS c_slot_ids, groupUniqArrayIf(c_hour, c_why = 0) AS c_slot_hours, sumIf(c_sent, c_why = 0) "
          "AS c_slot_s, "
          "sumIf(c_received, c_why = 0) AS c_slot_r, sumIf(toFloat64(c_sent), c_why = 0) AS c_slot_sw, "
          "sumIf(toFloat64(c_received), c_why = 0) AS c_slot_rw, countIf(c_why = 0) AS c_slot_eligible, countIf(c_why "
          "= 1) AS c_slot_type, countIf(c_why = 2) AS c_slot_direction, countIf(c_why = 3) AS c_slot_src, "
          "countIf(c_why = 4) AS c_slot_process FROM ("
        + copies + ") GROUP BY c_src, c_host, c_process, c_slot";
    // 3. Per flow and window: each slot counted in the windows that hold it; the flow's counts ride on its slots'
    //    first window only, so that they are counted once.
    const std::string windows = "SELECT c_src, c_host, c_process, toInt64(c_slot - c_i) AS c_k, sum(c_slot_ids) AS "
                                "c_ids, uniqExactArray(c_slot_hours) AS c_hours, sum(c_slot_s) AS c_s, sum(c_slot_r) "
                                "AS c_r, sum(c_slot_sw) AS c_sw, sum(c_slot_rw) AS c_rw, sumIf(c_slot_eligible, c_i = "
                                "0) AS c_eligible, sumIf(c_slot_type, c_i = 0) AS c_type_n, sumIf(c_slot_direction, "
                                "c_i = 0) AS c_direction_n, sumIf(c_slot_src, c_i = 0) AS c_src_n, "
                                "sumIf(c_slot_process, c_i = 0) AS c_process_n FROM (SELECT *, arrayJoin(range("
        + std::to_string(slotsPerWindow) + ")) AS c_i FROM (" + slots + ")) GROUP BY c_src, c_host, c_process, c_k";
    // 4. Per flow: its counts, how many windows hold an eligible copy, those that may fire (events and hour buckets
    //    at least the rule's minimums) and the one closest to firing (WindowFold): most conditions met, then events,
    //    then hour buckets, then the earliest.
    const std::string fields = "(c_k, c_ids, c_hours, c_s, c_r, c_sw, c_rw)";
    const auto saturated = [](const char* value, const char* wide) {
        return std::string("if(") + wide + " >= 18446744073709551615., toUInt64(18446744073709551615), " + value + ")";
    };
    // A window of a flow's dropped copies only has no ids; argMaxIf leaves it out, but computes its arguments first.
    const std::string ids = "greatest(c_ids, toUInt64(1))";
    const std::string met = "(c_ids >= " + std::to_string(settings.minEvents)
        + ") + (c_hours >= " + std::to_string(settings.minHourBuckets) + ") + (intDiv(" + saturated("c_s", "c_sw")
        + ", " + ids + ") < " + std::to_string(settings.maxAvgBytesSent) + ") + (intDiv(" + saturated("c_r", "c_rw")
        + ", " + ids + ") < " + std::to_string(settings.maxAvgBytesReceived) + ")";
    return "SELECT c_src, c_host, c_process, sum(c_eligible), sum(c_type_n), sum(c_direction_n), sum(c_src_n), "
           "sum(c_process_n), countIf(c_ids > 0), groupArrayIf("
        + fields + ", c_ids > 0 AND c_ids >= " + std::to_string(settings.minEvents)
        + " AND c_hours >= " + std::to_string(settings.minHourBuckets) + "), argMaxIf(" + fields + ", (" + met
        + ", c_ids, c_hours, -c_k), c_ids > 0) FROM (" + windows
        + ") GROUP BY c_src, c_host, c_process FORMAT RowBinary";
}

ClickHouseRuleRows::ClickHouseRuleRows(const RuleEvaluator& rule)
    : m_rule(rule)
{ }

bool ClickHouseRuleRows::feed(std::string_view bytes)
{
    return m_stream.feed(bytes, [this](RowBinaryReader& reader, std::string& problem) {
        std::string_view source, destination, process;
        ClickHouseRuleFlow flow;
        RuleOutcome& outcome = flow.outcome;
        DroppedEvents& dropped = outcome.dropped;
        std::uint64_t evaluated = 0, count = 0;
        if (!reader.string(source) || !reader.string(destination) || !reader.string(process)
            || !reader.integer(outcome.eligibleEvents) || !reader.integer(dropped.eventType)
            || !reader.integer(dropped.direction) || !reader.integer(dropped.emptySourceIp)
            || !reader.integer(dropped.emptyProcessPath) || !reader.integer(evaluated) || !reader.length(count))
            return ClickHouseRowStream::Row::Partial; // or malformed, which the stream sees
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
    std::sort(run.flows.begin(), run.flows.end(), [](const ClickHouseRuleFlow& a, const ClickHouseRuleFlow& b) {
        return std::tie(a.sourceIp, a.destination, a.processPath) < std::tie(b.sourceIp, b.destination, b.processPath);
    });
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
    const std::string where = "ClickHouse at " + client.endpoint().display();
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
    // The whole answer before the status (see fetchFromClickHouse); past a gigabyte the grouping spills to disk.
    query.settings.emplace_back("wait_end_of_query", "1");
    query.settings.emplace_back("max_bytes_before_external_group_by", "1000000000");
    query.onData = [&](std::string_view bytes) { return rows.feed(bytes); };
    query.onProgress = [&](std::uint64_t bytes) {
        run.bytesReceived = bytes;
        if (options.progress)
            options.progress(bytes);
    };
    query.cancel = options.cancel;
    query.onServerProgress = options.serverProgress;
    const auto answered = client.execute(query);
    if (!answered || !rows.finish())
        return failure(!rows.problem().empty() ? where + ": " + rows.problem() : answered.error());
    run.flows = std::move(rows.flows());

    std::sort(run.flows.begin(), run.flows.end(), [](const ClickHouseRuleFlow& a, const ClickHouseRuleFlow& b) {
        return std::tie(a.sourceIp, a.destination, a.processPath) < std::tie(b.sourceIp, b.destination, b.processPath);
    });
    return finished();
}

} // namespace cepheid
