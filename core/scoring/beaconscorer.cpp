#include "beaconscorer.h"

#include "model/hash.h"
#include "util/durationtext.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_set>

namespace cepheid {

namespace {

std::uint64_t destinationProcessKey(const FlowKey& key)
{
    return (std::uint64_t(key.destination) << 32) | key.processPath;
}

template<typename... Numbers> std::string format(const char* pattern, Numbers... numbers)
{
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, pattern, numbers...);
    return buffer;
}

double processValue(ProcessClass processClass)
{
    switch (processClass) {
    case ProcessClass::ScriptingOrLolbin:
        return 1.0;
    case ProcessClass::UserWritable:
        return 0.9;
    case ProcessClass::Unknown:
        return 0.5;
    case ProcessClass::DeveloperTool:
        return 0.15;
    case ProcessClass::Browser:
        return 0.05;
    }
    return 0.5;
}

} // namespace

BeaconScorer::BeaconScorer(ScoreSettings settings, LocalOnlyNetworks localOnly)
    : m_settings(std::move(settings))
    , m_localOnly(std::move(localOnly))
{ }

Expected<BeaconScorer> BeaconScorer::create(const ScoreSettings& settings)
{
    auto localOnly = LocalOnlyNetworks::compile(settings.localOnlyNetworks);
    if (!localOnly)
        return failure(localOnly.error());
    return BeaconScorer(settings, std::move(*localOnly));
}

BeaconScorer::Context BeaconScorer::prepare(const EventTable& events, const FlowIndex& flows)
{
    Context context;
    std::unordered_map<std::uint64_t, std::unordered_set<StringId>> sources;
    bool first = true;
    for (const Flow& flow : flows.flows()) {
        if (flow.entryCount == 0)
            continue;
        if (flow.key.sourceIp != kEmptyString)
            sources[destinationProcessKey(flow.key)].insert(flow.key.sourceIp);
        const auto flowEvents = flows.events(flow);
        const TimestampUs begin = events.timestamp(flowEvents.front()), end = events.timestamp(flowEvents.back());
        context.datasetFirst = first ? begin : std::min(context.datasetFirst, begin);
        context.datasetLast = first ? end : std::max(context.datasetLast, end);
        first = false;
    }
    for (const auto& [key, ips] : sources)
        context.prevalence[key] = static_cast<std::uint32_t>(ips.size());
    return context;
}

Verdict BeaconScorer::verdictFor(double score) const
{
    if (score >= m_settings.beaconAt)
        return Verdict::Beacon;
    if (score >= m_settings.likelyAt)
        return Verdict::Likely;
    if (score >= m_settings.possibleAt)
        return Verdict::Possible;
    return Verdict::None;
}

BeaconScore BeaconScorer::measure(
    const EventTable& events, const FlowIndex& flows, const Flow& flow, const Context& context)
{
    BeaconScore result;
    const auto flowEvents = flows.events(flow);
    // Connections: distinct timestamps (fan-out copies and simultaneous connections are one). RITA sees every
    // connection, as its own import does.
    const Connections connections = distinctConnections(events, flowEvents);
    std::vector<RitaConnection> ritaConnections;
    ritaConnections.reserve(flowEvents.size());
    EventIndex previous = static_cast<EventIndex>(-1);
    for (EventIndex event : flowEvents) {
        if (event == previous)
            continue; // a fan-out copy
        previous = event;
        ritaConnections.push_back({ events.timestamp(event),
            events.bytesSentKnown(event) ? static_cast<std::int64_t>(events.bytesSent(event)) : std::int64_t(-1) });
    }
    const CheckIns checkIns = findCheckIns(connections.times, connections.events);
    result.checkIns = summarise(checkIns);
    result.intervals = computeIntervalStats(checkIns.starts, checkIns.startEvents);
    result.period = checkIns.period;
    result.payload = computePayloadStats(events, flowEvents, checkIns.starts);
    result.processClass = classifyProcess(events.text(flow.key.processPath));
    if (const auto it = context.prevalence.find(destinationProcessKey(flow.key)); it != context.prevalence.end())
        result.prevalence = it->second;
    if (flow.destinationIsIp)
        result.destinationIp = std::string(events.text(flow.key.destination));
    result.rita = computeRitaScore(ritaConnections, context.datasetFirst, context.datasetLast);
    return result;
}

BeaconScore BeaconScorer::score(
    const EventTable& events, const FlowIndex& flows, const Flow& flow, const Context& context) const
{
    BeaconScore result = measure(events, flows, flow, context);
    weigh(result);
    return result;
}

void BeaconScorer::weigh(BeaconScore& result) const
{
    result.components.clear();
    const ScoreWeights& w = m_settings.weights;
    const PeriodFit& period = result.period;
    const std::uint32_t gaps = result.intervals.intervals;
    using Kind = ScoreComponent::Kind;
    auto add = [&](std::string name, std::optional<double> value, double weight, std::string explanation,
                   Kind kind = Kind::Context) {
        result.components.push_back({ std::move(name), value, weight, 0, std::move(explanation), kind });
    };
    // Few gaps are little evidence: five check-ins can agree by chance, fifty cannot. The timing components are
    // weighed by the same curve as persistence, so a flow needs both regular gaps and enough of them.
    const double evidence = evidenceOf(gaps);
    const std::string evidenceNote
        = evidence < 0.95 ? format(" [x %.2f: %u gaps are little evidence]", evidence, gaps) : std::string();
    if (period.found) {
        add("regularity", evidence * regularityOf(period.singleBeatCvBound), w.regularity,
            format("single-beat gaps vary by %.3f of the period; from %u of them it could be up to %.3f (95 %% "
                   "bound, the value scored; 0.1 or less is machine-like)",
                period.singleBeatCv, period.singleBeats, period.singleBeatCvBound)
                + evidenceNote,
            Kind::Timing);
        add("period_floor", evidence * floorValueOf(period.floorRatio), w.periodFloor,
            format("the shortest gaps are %.0f%% of the typical gap (bounded jitter keeps them high; random waits "
                   "do not)",
                period.floorRatio * 100)
                + evidenceNote,
            Kind::Timing);
        std::string harmonics = format("%.0f%% of gaps are 1-4 periods long, within %.0f%% (%.0f%% of those are "
                                       "missed beats)",
            period.harmonicFraction * 100, period.tolerance * 100, period.missedBeatFraction * 100);
        if (period.pauses > 0)
            harmonics += format("; %u longer pause(s) count as unexplained", period.pauses);
        add("harmonics", evidence * harmonicValueOf(period.harmonicFraction), w.harmonics, harmonics + evidenceNote,
            Kind::Timing);
    } else {
        const std::string why
            = gaps < 3 ? "fewer than 4 check-ins: no period can be measured" : "no regular single-beat gaps to measure";
        add("regularity", 0.0, w.regularity, why, Kind::Timing);
        add("period_floor", 0.0, w.periodFloor, why, Kind::Timing);
        add("harmonics", 0.0, w.harmonics, why, Kind::Timing);
    }
    std::string persistence
        = format("%u check-ins over %.1f hours", result.checkIns.checkIns, result.intervals.spanSeconds / 3600);
    if (result.checkIns.largest > 1)
        persistence += format(" (%.1f connections per check-in on average, up to %u, at most %s apart)",
            result.checkIns.meanConnections, result.checkIns.largest,
            durationText(result.checkIns.longestInnerGapSeconds).c_str());
    add("persistence", evidence, w.persistence, std::move(persistence));
    if (result.payload.known) {
        const double small = kSmallPayloadCurve(result.payload.sentMedian);
        const double steady = clamp01(1 - std::max(result.payload.sentCv, result.payload.receivedCv));
        add("payload", (small + steady) / 2, w.payload,
            format("median %.0f bytes sent per check-in, dispersion %.2f", result.payload.sentMedian,
                std::max(result.payload.sentCv, result.payload.receivedCv)));
    } else {
        add("payload", std::nullopt, w.payload,
            "absent: the source records no byte counts (Sysmon, Defender), so payload does not count either way");
    }
    add("process", processValue(result.processClass), w.process, std::string(processClassName(result.processClass)));

    // Context (persistence, payload, process) says what kind of periodic flow this is; it cannot make a flow
    // periodic. It counts in proportion to how periodic the timing components say the flow is, so a long-lived
    // flow of small payloads from a temp-folder binary with irregular gaps is not a beacon.
    double timingWeight = 0, timingPoints = 0;
    for (const ScoreComponent& component : result.components)
        if (component.kind == Kind::Timing) {
            timingWeight += component.weight;
            timingPoints += component.weight * component.value.value_or(0);
        }
    const double periodicity = timingWeight > 0 ? timingPoints / timingWeight : 1.0;
    double present = 0, points = 0;
    for (const ScoreComponent& component : result.components)
        if (component.value)
            present += component.weight;
    for (ScoreComponent& component : result.components) {
        const double gate = component.kind == Kind::Context ? periodicity : 1.0;
        component.contribution
            = component.value && present > 0 ? 100 * component.weight * *component.value * gate / present : 0;
        if (gate < 0.95 && component.value && component.weight > 0)
            component.explanation += format(" [counts x %.2f: only as much as the timing is periodic]", gate);
        points += component.contribution;
    }

    // Fleet software: many hosts reach the same destination with the same installed program. Implants are rare;
    // agents are everywhere. The same scripting host or user-writable binary on many hosts is not fleet software
    // but a campaign, so those keep their score.
    const bool installedProgram
        = result.processClass != ProcessClass::ScriptingOrLolbin && result.processClass != ProcessClass::UserWritable;
    const double spread = m_settings.fleetHosts > 1
        ? clamp01((static_cast<double>(result.prevalence) - 1) / static_cast<double>(m_settings.fleetHosts - 1))
        : 0.0;
    const double fleetness = installedProgram ? spread : 0.0;
    result.fleet = installedProgram && static_cast<std::int64_t>(result.prevalence) >= m_settings.fleetHosts;
    std::string fleetExplanation
        = format("%.0f host(s) reach this destination with this process", static_cast<double>(result.prevalence));
    if (result.fleet)
        fleetExplanation += ": fleet software";
    else if (!installedProgram && result.prevalence > 1)
        fleetExplanation += "; a scripting host or user-writable binary on many hosts is a campaign, not fleet";
    result.components.push_back(
        { "fleet", fleetness, w.fleet, -w.fleet * fleetness, std::move(fleetExplanation), Kind::Penalty });
    points -= w.fleet * fleetness;

    // Traffic that never leaves the host or its link cannot reach a C2 server, however regular it is (router
    // solicitations every hour, service discovery): it is named and never alerts.
    const std::string* localNetwork = result.destinationIp.empty() ? nullptr : m_localOnly.find(result.destinationIp);
    result.localOnlyNetwork = localNetwork ? *localNetwork : std::string();
    if (localNetwork) {
        const std::string_view kind = localOnlyNetworkKind(*localNetwork);
        std::string explanation = result.destinationIp + " is in " + *localNetwork;
        if (!kind.empty())
            explanation += " (" + std::string(kind) + ")";
        explanation += ": its traffic never leaves the host or its link, so it cannot reach a C2 server "
                       "(profile: score.local_only_networks)";
        const double remaining = std::max(points, 0.0);
        result.components.push_back({ "local_only", 1.0, 0, -remaining, std::move(explanation), Kind::Penalty });
        points -= remaining;
    }

    result.score = std::clamp(points, 0.0, 100.0);
    result.verdict = verdictFor(result.score);
}

} // namespace cepheid
