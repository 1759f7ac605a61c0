#include "scorereport.h"

#include "util/jsonwriter.h"

#include <algorithm>
#include <cmath>

namespace cepheid {

std::string droppedReason(const RuleOutcome& outcome)
{
    if (outcome.eligibleEvents > 0)
        return {};
    const DroppedEvents& d = outcome.dropped;
    // Name the check that removed the most events; the counts per check are in "dropped_events".
    const std::pair<std::uint64_t, const char*> reasons[] = {
        { d.emptyProcessPath,
            "principal.process.file.full_path is empty: Chronicle drops events whose match "
            "placeholder ($proc_path) has a zero value, so this flow can never fire" },
        { d.emptySourceIp,
            "principal.ip is empty: Chronicle drops events whose match placeholder ($src_ip) has a "
            "zero value, so this flow can never fire" },
        { d.noHostname,
            "target.hostname is empty (the destination is known only by IP): the rule's regex cannot "
            "match, so this flow can never fire" },
        { d.domainMismatch,
            "target.hostname does not match the rule's regex (the flow is listed because the "
            "serverless catalog matches it)" },
        { d.direction, "no event has network.direction = OUTBOUND" },
        { d.eventType, "no event has metadata.event_type = NETWORK_CONNECTION" },
    };
    const auto* best = std::max_element(
        std::begin(reasons), std::end(reasons), [](const auto& a, const auto& b) { return a.first < b.first; });
    return best->first > 0 ? best->second : "the flow has no events";
}

std::vector<std::string> unmetConditions(const WindowOutcome& window, const RuleSettings& settings)
{
    std::vector<std::string> unmet;
    if (window.eventCount < settings.minEvents)
        unmet.push_back(
            "event_count " + std::to_string(window.eventCount) + " < " + std::to_string(settings.minEvents));
    if (window.hourBuckets < settings.minHourBuckets)
        unmet.push_back(
            "hour_buckets " + std::to_string(window.hourBuckets) + " < " + std::to_string(settings.minHourBuckets));
    if (window.avgBytesSent >= settings.maxAvgBytesSent)
        unmet.push_back("avg_bytes_sent " + std::to_string(window.avgBytesSent)
            + " >= " + std::to_string(settings.maxAvgBytesSent));
    if (window.avgBytesReceived >= settings.maxAvgBytesReceived)
        unmet.push_back("avg_bytes_received " + std::to_string(window.avgBytesReceived)
            + " >= " + std::to_string(settings.maxAvgBytesReceived));
    return unmet;
}

void writeTriageState(JsonWriter& json, const TriageState& state, bool includeFlow)
{
    json.beginObject();
    if (includeFlow)
        json.field("src_ip", state.sourceIp)
            .field("dest_host", state.destination)
            .field("proc_path", state.processPath);
    json.field("status", state.status)
        .field("analyst", state.analyst)
        .field("notes", state.notes)
        .field("updated_at", state.updatedAt);
    json.key("history").beginArray();
    for (const TriageChange& change : state.history)
        json.beginObject()
            .field("from", change.fromStatus)
            .field("status", change.status)
            .field("analyst", change.analyst)
            .field("notes", change.notes)
            .field("at", change.at)
            .endObject();
    json.endArray().endObject();
}

Expected<FindingSelection> parseFindingSelection(std::string_view text)
{
    FindingSelection selection;
    if (text == "alerting")
        return selection;
    if (text == "all") {
        selection.kind = FindingSelection::Kind::All;
        return selection;
    }
    if (text.starts_with("verdict:")) {
        const std::string_view name = text.substr(8);
        for (const Verdict verdict : { Verdict::None, Verdict::Possible, Verdict::Likely, Verdict::Beacon })
            if (verdictName(verdict) == name) {
                selection.kind = FindingSelection::Kind::Verdict;
                selection.verdict = verdict;
                return selection;
            }
        return failure("--select verdict: must be none, possible, likely or beacon, not '" + std::string(name) + "'");
    }
    if (text.starts_with("status:")) {
        selection.kind = FindingSelection::Kind::Status;
        selection.status = std::string(text.substr(7));
        if (!isTriageStatus(selection.status)) {
            return failure("--select status: must be " + triageStatusChoices() + ", not '" + selection.status + "'");
        }
        return selection;
    }
    return failure("--select must be alerting, all, verdict:V or status:S, not '" + std::string(text) + "'");
}

bool isListed(
    const Finding& finding, const Analyzer& analyzer, const ScoreReportOptions& options, const TriageState* triage)
{
    if (options.selection) {
        switch (options.selection->kind) {
        case FindingSelection::Kind::All:
            return true;
        case FindingSelection::Kind::Verdict:
            return finding.beacon.verdict >= options.selection->verdict;
        case FindingSelection::Kind::Status:
            return (triage ? triage->status : std::string("new")) == options.selection->status;
        case FindingSelection::Kind::Alerting:
            return isAlerting(finding, analyzer.scorer().settings());
        }
    }
    if (options.listAll)
        return true;
    if (!options.minScore)
        return isAlerting(finding, analyzer.scorer().settings());
    return finding.allowlistEntry < 0 && (finding.rule.fires || finding.beacon.score >= *options.minScore);
}

namespace {

// Three decimals are plenty for an analyst and keep the report readable.
double rounded(double value)
{
    return std::round(value * 1000) / 1000;
}

void writeBeacon(JsonWriter& json, const BeaconScore& beacon)
{
    const IntervalStats& intervals = beacon.intervals;
    json.key("beacon").beginObject();
    json.field("score", rounded(beacon.score));
    json.field("verdict", verdictName(beacon.verdict));
    json.key("period_s");
    if (beacon.period.found)
        json.value(rounded(beacon.period.periodSeconds));
    else
        json.null();
    json.field("period_confidence", rounded(beacon.period.confidence));
    json.field("mean_interval_s", rounded(intervals.meanSeconds));
    json.field("median_interval_s", rounded(intervals.medianSeconds));
    json.field("jitter_cv", rounded(intervals.jitterCv));
    json.field("mad_s", rounded(intervals.madSeconds));
    json.field("bowley_skew", rounded(intervals.bowleySkew));
    json.field("interval_count", intervals.intervals);
    json.field("single_beat_cv", rounded(beacon.period.singleBeatCv));
    json.field("single_beat_cv_bound", rounded(beacon.period.singleBeatCvBound));
    json.field("floor_ratio", rounded(beacon.period.floorRatio));
    json.field("harmonic_tolerance", rounded(beacon.period.tolerance));
    json.field("missed_beat_fraction", rounded(beacon.period.missedBeatFraction));
    json.field("pauses", beacon.period.pauses);
    const CheckInSummary& checkIns = beacon.checkIns;
    json.key("checkins")
        .beginObject()
        .field("count", checkIns.checkIns)
        .field("connections", checkIns.connections)
        .field("mean_connections", rounded(checkIns.meanConnections))
        .field("largest", checkIns.largest)
        .field("longest_inner_gap_s", rounded(checkIns.longestInnerGapSeconds))
        .field("two_scale", checkIns.twoScale)
        .endObject();
    json.key("payload");
    if (beacon.payload.known) {
        const PayloadStats& p = beacon.payload;
        json.beginObject()
            .field("sent_mean", rounded(p.sentMean))
            .field("sent_median", rounded(p.sentMedian))
            .field("sent_cv", rounded(p.sentCv))
            .field("received_mean", rounded(p.receivedMean))
            .field("received_median", rounded(p.receivedMedian))
            .field("received_cv", rounded(p.receivedCv))
            .field("events_with_bytes", p.withBytes)
            .endObject();
    } else {
        json.null();
    }
    json.field("process_class", processClassName(beacon.processClass));
    json.field("prevalence", beacon.prevalence);
    json.field("fleet", beacon.fleet);
    json.field("local_only", !beacon.localOnlyNetwork.empty());
    json.fieldOrNull("local_only_network", beacon.localOnlyNetwork);
    json.key("components").beginArray();
    for (const ScoreComponent& component : beacon.components) {
        json.beginObject().field("name", component.name).key("value");
        if (component.value)
            json.value(rounded(*component.value));
        else
            json.null();
        json.field("weight", rounded(component.weight))
            .field("contribution", rounded(component.contribution))
            .field("explanation", component.explanation)
            .endObject();
    }
    json.endArray();
    json.key("rita_score");
    if (beacon.rita.computed)
        json.value(rounded(beacon.rita.score));
    else
        json.null();
    json.field("rita_strobe", beacon.rita.strobe);
    json.key("rita");
    if (beacon.rita.computed)
        json.beginObject()
            .field("timestamp", rounded(beacon.rita.timestamp))
            .field("data_size", rounded(beacon.rita.dataSize))
            .field("histogram", rounded(beacon.rita.histogram))
            .field("duration", rounded(beacon.rita.duration))
            .field("connections", beacon.rita.connections)
            .endObject();
    else
        json.null();
    json.key("histogram").beginArray();
    for (const IntervalBin& bin : intervals.histogram)
        if (bin.count > 0)
            json.beginObject()
                .field("lower_s", rounded(bin.lowerSeconds))
                .field("upper_s", rounded(bin.upperSeconds))
                .field("count", bin.count)
                .endObject();
    json.endArray();
    json.endObject();
}

void writeDropped(JsonWriter& json, const DroppedEvents& dropped)
{
    json.beginObject()
        .field("event_type", dropped.eventType)
        .field("direction", dropped.direction)
        .field("no_hostname", dropped.noHostname)
        .field("domain_mismatch", dropped.domainMismatch)
        .field("empty_src_ip", dropped.emptySourceIp)
        .field("empty_proc_path", dropped.emptyProcessPath)
        .endObject();
}

void writeInput(JsonWriter& json, const InputSummary& input)
{
    json.beginObject()
        .field("path", input.path)
        .field("format", input.format)
        .field("layout", input.layout)
        .field("compressed", input.compressed)
        .field("events_read", input.eventsRead)
        .field("events_rejected", input.eventsRejected);
    json.fieldOrNull("read_error", input.readError);
    if (!input.query.empty()) // a database source: what it was asked
        json.field("query", input.query);
    if (!input.query.empty() && input.bytesRead > 0) // and, fetched by this run, how much its answer took
        json.field("bytes_received", input.bytesRead);
    json.key("rejects").beginArray();
    for (const Reject& reject : input.rejects)
        json.beginObject().field("line", reject.line).field("reason", reject.reason).endObject();
    json.endArray();
    json.field("rejects_listed", static_cast<std::uint64_t>(input.rejects.size()));
    json.key("reject_kinds").beginObject();
    for (const auto& [kind, count] : input.rejectKinds)
        json.field(kind, count);
    json.endObject();
    json.key("records_skipped").beginObject();
    for (const auto& [kind, count] : input.recordsSkipped)
        json.field(kind, count);
    json.endObject();
    json.endObject();
}

} // namespace

void writeRuleOutcome(
    JsonWriter& json, const RuleOutcome& rule, std::string_view processPath, const RuleSettings& settings)
{
    json.beginObject();
    json.field("domain_matched", rule.domainMatched);
    json.field("fires", rule.fires);
    json.fieldOrNull("dropped_reason", droppedReason(rule));
    if (rule.window) {
        const WindowOutcome& window = *rule.window;
        json.field("window_start", formatRfc3339(window.windowStart));
        json.field("window_end", formatRfc3339(window.windowEnd));
        json.field("event_count", window.eventCount);
        json.field("hour_buckets", window.hourBuckets);
        json.field("total_bytes_sent", window.totalBytesSent);
        json.field("total_bytes_received", window.totalBytesReceived);
        json.field("avg_bytes_sent", window.avgBytesSent);
        json.field("avg_bytes_received", window.avgBytesReceived);
    } else {
        for (const char* name : { "window_start", "window_end", "event_count", "hour_buckets", "total_bytes_sent",
                 "total_bytes_received", "avg_bytes_sent", "avg_bytes_received" })
            json.key(name).null();
    }
    json.key("process_name").beginArray();
    if (rule.eligibleEvents > 0)
        json.value(processPath);
    json.endArray();
    json.key("unmet").beginArray();
    if (rule.window && !rule.fires)
        for (const std::string& condition : unmetConditions(*rule.window, settings))
            json.value(condition);
    json.endArray();
    json.field("eligible_events", rule.eligibleEvents);
    json.key("dropped_events");
    writeDropped(json, rule.dropped);
    json.key("detections").beginArray();
    for (const Detection& detection : rule.detections)
        json.beginObject()
            .field("start", formatRfc3339(detection.start))
            .field("end", formatRfc3339(detection.end))
            .field("windows", detection.windows)
            .field("peak_event_count", detection.peakEventCount)
            .endObject();
    json.endArray();
    json.field("windows_evaluated", rule.windowsEvaluated);
    json.endObject();
}

const TriageState* triageOf(
    const Finding& finding, const EventTable& events, const FlowIndex& flows, const ScoreReportOptions& options)
{
    if (options.triage.empty())
        return nullptr;
    const FlowKey& key = flows.flow(finding.flowIndex).key;
    const auto it = options.triage.find({ std::string(events.text(key.sourceIp)),
        std::string(events.text(key.destination)), std::string(events.text(key.processPath)) });
    return it == options.triage.end() ? nullptr : &it->second;
}

std::vector<const Finding*> listedFindings(const EventTable& events, const FlowIndex& flows, const Analysis& analysis,
    const Analyzer& analyzer, const ScoreReportOptions& options)
{
    std::vector<const Finding*> listed;
    for (const Finding& finding : analysis.findings)
        if (isListed(finding, analyzer, options, triageOf(finding, events, flows, options)))
            listed.push_back(&finding);
    std::sort(listed.begin(), listed.end(), [&](const Finding* a, const Finding* b) {
        if (rounded(a->beacon.score) != rounded(b->beacon.score))
            return a->beacon.score > b->beacon.score;
        if (a->rule.fires != b->rule.fires)
            return a->rule.fires;
        const auto countA = a->rule.window ? a->rule.window->eventCount : 0;
        const auto countB = b->rule.window ? b->rule.window->eventCount : 0;
        if (countA != countB)
            return countA > countB;
        const FlowKey& x = flows.flow(a->flowIndex).key;
        const FlowKey& y = flows.flow(b->flowIndex).key;
        return std::tuple(events.text(x.sourceIp), events.text(x.destination), events.text(x.processPath))
            < std::tuple(events.text(y.sourceIp), events.text(y.destination), events.text(y.processPath));
    });
    return listed;
}

static void writeChangeFinding(JsonWriter& json, const ChangeFinding& change, const EventTable& events,
    const FlowIndex& flows, const Profile& profile, const TriageMap& triage)
{
    auto strings = [&](const char* key, const std::vector<std::string>& values) {
        json.key(key).beginArray();
        for (const std::string& value : values)
            json.value(value);
        json.endArray();
    };
    json.beginObject();
    json.field("id", change.id);
    json.field("provider", cloudProviderName(change.provider));
    json.field("service", change.service);
    json.field("resource", change.resource);
    json.field("account", change.account);
    json.field("region", change.region);
    json.field("actor", change.actor);
    json.field("actor_type", change.actorType);
    strings("source_ips", change.sourceIps);
    strings("source_ips_in_case", change.caseHostIps);
    strings("user_agents", change.userAgents);
    json.key("actions").beginArray();
    for (const CloudAction action : change.actions)
        json.value(cloudActionName(action));
    json.endArray();
    json.field("first", formatRfc3339(change.first));
    json.field("last", formatRfc3339(change.last));
    strings("endpoints", change.endpoints);
    json.fieldOrNull("exposure", change.exposure);
    json.field("severity", changeSeverityName(change.severity));
    json.field("points", rounded(change.points));
    json.field("alerting", change.alerting);
    json.fieldOrNull("allowlisted_by",
        change.allowlistEntry >= 0
            ? std::string_view(profile.allowlist[static_cast<std::size_t>(change.allowlistEntry)].id)
            : std::string_view());
    json.key("signals").beginArray();
    for (const ChangeSignalHit& hit : change.hits)
        json.beginObject()
            .field("signal", changeSignalName(hit.signal))
            .field("points", rounded(hit.points))
            .field("explanation", hit.explanation)
            .endObject();
    json.endArray();
    json.field("failed_calls_before", change.failedCalls);
    // What `cepheid-cli case triage FILE --flow` takes to triage this change.
    const auto [triageActor, triageResource, triageTime] = changeTriageKey(change);
    json.field("triage_flow", triageActor + "," + triageResource + "," + triageTime);
    if (!triage.empty()) {
        json.key("triage");
        if (const auto found = triage.find(changeTriageKey(change)); found != triage.end())
            writeTriageState(json, found->second, false);
        else
            json.null();
    }
    json.key("calls").beginArray();
    for (const EventIndex event : change.events) {
        const CloudDetails& details = *events.cloud(event);
        const auto ips = events.principalIps(event);
        const SourceReference source = events.source(event);
        json.beginObject()
            .field("time", formatRfc3339(events.timestamp(event)))
            .field("method", events.text(events.eventType(event)))
            .field("action", cloudActionName(details.action))
            .field("source_ip", ips.empty() ? std::string_view() : events.text(ips.front()))
            .field("user_agent", events.text(details.userAgent))
            .fieldOrNull("error", events.text(details.errorCode))
            .field("file_index", static_cast<std::uint64_t>(source.fileIndex))
            .field("line", source.line)
            .endObject();
    }
    json.endArray();
    json.key("links").beginArray();
    for (const ChangeLink& link : change.links) {
        const Flow& flow = flows.flow(link.flowIndex);
        json.beginObject()
            .field("src_ip", events.text(flow.key.sourceIp))
            .field("dest_host", events.text(flow.key.destination))
            .field("proc_path", events.text(flow.key.processPath))
            .field("endpoint", link.endpoint)
            .field("exact", link.exact)
            .field("first_seen", formatRfc3339(link.firstSeen))
            .field("last_seen", formatRfc3339(link.lastSeen))
            .field("change_before_first_event", link.changeBeforeFirstEvent)
            .field("flow_alerting", link.alerting)
            .endObject();
    }
    json.endArray();
    json.endObject();
}

std::string writeScoreReport(const std::vector<InputSummary>& inputs, const EventTable& events, const FlowIndex& flows,
    const Analysis& analysis, const Analyzer& analyzer, const ScoreReportOptions& options)
{
    const RuleSettings& settings = analyzer.rule().settings();
    const std::vector<const Finding*> listed = listedFindings(events, flows, analysis, analyzer, options);

    std::string out;
    out.reserve(4096 + listed.size() * 1500);
    JsonWriter json(out, options.pretty);
    json.beginObject();
    json.key("inputs").beginArray();
    for (const InputSummary& input : inputs)
        writeInput(json, input);
    json.endArray();

    json.key("flows").beginArray();
    for (const Finding* finding : listed) {
        const Flow& flow = flows.flow(finding->flowIndex);
        json.beginObject();
        json.field("src_ip", events.text(flow.key.sourceIp));
        json.field("dest_host", events.text(flow.key.destination));
        json.field("proc_path", events.text(flow.key.processPath));
        json.key("hostnames").beginArray();
        for (std::string_view host : finding->hostnames)
            json.value(host);
        json.endArray();
        json.fieldOrNull("platform", finding->platform);
        const AllowlistEntry* allowlistedBy = allowlistEntryOf(*finding, analyzer.profile());
        json.fieldOrNull("allowlisted_by", allowlistedBy ? allowlistedBy->id : std::string_view());
        json.field("destination_is_ip", flow.destinationIsIp);
        json.field("events", finding->events);
        json.field("duplicate_rows", flow.duplicateRows);
        json.field("first_seen", formatRfc3339(finding->firstSeen));
        json.field("last_seen", formatRfc3339(finding->lastSeen));
        json.key("rule");
        writeRuleOutcome(json, finding->rule, events.text(flow.key.processPath), settings);
        writeBeacon(json, finding->beacon);
        if (options.cloud)
            if (const auto* changes = options.cloud->changesOf(finding->flowIndex)) {
                json.key("cloud_changes").beginArray();
                for (const std::uint32_t change : *changes)
                    json.value(options.cloud->changes[change].id);
                json.endArray();
            }
        if (!options.triage.empty()) {
            json.key("triage");
            if (const TriageState* triage = triageOf(*finding, events, flows, options))
                writeTriageState(json, *triage, false);
            else
                json.null();
        }
        json.endObject();
    }
    json.endArray();

    json.key("cloud_changes").beginArray();
    if (options.cloud)
        for (const ChangeFinding& change : options.cloud->changes)
            writeChangeFinding(json, change, events, flows, analyzer.profile(), options.triage);
    json.endArray();

    json.key("lint").beginArray();
    for (const LintFinding& lint : analysis.lint)
        json.beginObject()
            .field("id", lint.id)
            .field("severity", lint.severity)
            .field("message", lint.message)
            .endObject();
    json.endArray();

    // What each allowlist entry does: the findings it hides (first match wins) and whether it has expired.
    json.key("allowlist").beginArray();
    const auto& entries = analyzer.profile().allowlist;
    for (std::size_t i = 0; i < entries.size(); ++i)
        json.beginObject()
            .field("id", entries[i].id)
            .field("hides", i < analysis.allowlistHits.size() ? analysis.allowlistHits[i] : 0u)
            .field("expired", !entries[i].isActive(options.evaluatedAt))
            .endObject();
    json.endArray();

    const AnalysisSummary& summary = analysis.summary;
    std::uint64_t eventsRead = 0, eventsRejected = 0;
    for (const InputSummary& input : inputs) {
        eventsRead += input.eventsRead;
        eventsRejected += input.eventsRejected;
    }
    json.key("summary").beginObject();
    json.field("events_read", eventsRead);
    json.field("events_rejected", eventsRejected);
    json.field("flows_total", summary.flowsTotal);
    json.field("flows_considered", summary.flowsConsidered);
    json.field("flows_firing", summary.flowsFiring);
    json.field("flows_firing_allowlisted", summary.flowsFiringAllowlisted);
    json.field("flows_allowlisted", summary.flowsAllowlisted);
    json.field("flows_listed", static_cast<std::uint64_t>(listed.size()));
    json.field("detections", summary.detections);
    json.field("catalog_only_flows", summary.catalogOnlyFlows);
    json.key("verdicts").beginObject();
    for (Verdict verdict : { Verdict::Beacon, Verdict::Likely, Verdict::Possible, Verdict::None })
        json.field(verdictName(verdict), summary.verdicts[static_cast<int>(verdict)]);
    json.endObject();
    std::uint64_t disagree = 0;
    for (const Finding& finding : analysis.findings)
        disagree += finding.ruleAndScoreDisagree(analyzer.scorer().settings().alertVerdict);
    json.field("rule_and_score_disagree", disagree);
    json.field("fleet_flows", summary.fleetFlows);
    json.field("alert_verdict", verdictName(analyzer.scorer().settings().alertVerdict));
    json.field("events_without_destination", summary.eventsWithoutDestination);
    json.field("duplicate_rows", summary.duplicateRows);
    json.field("name_evidence_events", summary.evidenceEvents);
    json.field("cloud_audit_events", summary.cloudAuditEvents);
    json.field("cloud_changes", options.cloud ? options.cloud->changes.size() : std::size_t(0));
    json.field("cloud_changes_alerting", options.cloud ? options.cloud->alerting : std::uint64_t(0));
    json.field("eligible_events", summary.eligibleEvents);
    json.key("dropped_events");
    writeDropped(json, summary.dropped);
    json.key("rule").beginObject();
    json.field("name", "t1584_007_serverless_c2_beaconing");
    json.field("windows", windowModelName(settings.windows));
    json.field("window_hours", settings.windowHours);
    if (settings.windows == WindowModel::Hop)
        json.field("hop_hours", static_cast<double>(analyzer.rule().hopLength()) / kMicrosPerHour);
    json.endObject();
    json.field("profile", options.profileSource);
    json.field("evaluated_at", formatRfc3339(options.evaluatedAt));
    json.endObject();
    json.endObject();
    out.push_back('\n');
    return out;
}

} // namespace cepheid
