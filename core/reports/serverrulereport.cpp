#include "serverrulereport.h"

#include "scorereport.h"
#include "util/jsonwriter.h"

#include <algorithm>
#include <tuple>

namespace cepheid {

std::string writeServerRuleReport(
    const ClickHouseRuleRun& run, const RuleEvaluator& rule, const ServerRuleReportOptions& options)
{
    std::vector<const ClickHouseRuleFlow*> listed;
    std::uint64_t firing = 0, detections = 0, eligible = 0;
    for (const ClickHouseRuleFlow& flow : run.flows) {
        firing += flow.outcome.fires;
        detections += flow.outcome.detections.size();
        eligible += flow.outcome.eligibleEvents;
        if (options.listAll || flow.outcome.fires)
            listed.push_back(&flow);
    }
    const auto shownEvents
        = [](const ClickHouseRuleFlow& flow) { return flow.outcome.window ? flow.outcome.window->eventCount : 0; };
    // run.flows is ordered by key, so a stable sort leaves equals in key order.
    std::stable_sort(listed.begin(), listed.end(), [&](const ClickHouseRuleFlow* a, const ClickHouseRuleFlow* b) {
        return std::make_tuple(!a->outcome.fires, -shownEvents(*a))
            < std::make_tuple(!b->outcome.fires, -shownEvents(*b));
    });

    std::string out;
    JsonWriter json(out, options.pretty);
    json.beginObject();
    json.key("source").beginObject();
    json.field("clickhouse", options.source);
    json.key("queries").beginArray();
    for (const std::string& query : run.queries)
        json.value(query);
    json.endArray();
    json.endObject();

    json.key("flows").beginArray();
    for (const ClickHouseRuleFlow* flow : listed) {
        json.beginObject();
        json.field("src_ip", flow->sourceIp);
        json.field("dest_host", flow->destination);
        json.field("proc_path", flow->processPath);
        json.key("rule");
        writeRuleOutcome(json, flow->outcome, flow->processPath, rule.settings());
        json.endObject();
    }
    json.endArray();

    json.key("summary").beginObject();
    json.field("destinations", run.destinations);
    json.field("hostnames_matched", run.matched);
    json.field("flows", static_cast<std::uint64_t>(run.flows.size()));
    json.field("flows_firing", firing);
    json.field("flows_listed", static_cast<std::uint64_t>(listed.size()));
    json.field("detections", detections);
    json.field("eligible_events", eligible);
    json.field("bytes_received", run.bytesReceived);
    json.field("seconds", run.seconds);
    json.key("rule").beginObject();
    json.field("name", "t1584_007_serverless_c2_beaconing");
    json.field("windows", windowModelName(rule.settings().windows));
    json.field("window_hours", rule.settings().windowHours);
    if (rule.settings().windows == WindowModel::Hop)
        json.field("hop_hours", static_cast<double>(rule.hopLength()) / kMicrosPerHour);
    // Hop windows are computed by the server; sliding windows, which start at every event, here on the matched
    // hostnames' events (runRuleOnClickHouse).
    json.field("windows_computed_by", rule.settings().windows == WindowModel::Hop ? "clickhouse" : "cepheid");
    json.endObject();
    json.field("profile", options.profileSource);
    // The rule's own outcome, as Chronicle's rule with the profile's settings gives it: allowlists and the beacon
    // score need the events, which stay on the server (`score --clickhouse` fetches them).
    json.field("allowlist_applied", false);
    json.endObject();
    json.endObject();
    out.push_back('\n');
    return out;
}

} // namespace cepheid
