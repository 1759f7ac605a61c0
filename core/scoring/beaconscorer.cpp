#include "beaconscorer.h"

#include "model/hash.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_set>

namespace cepheid {

namespace {

double clamp01(double value)
{
    return std::clamp(value, 0.0, 1.0);
}

std::uint64_t destinationProcessKey(const FlowKey& key)
{
    return (std::uint64_t(key.destination) << 32) | key.processPath;
}

std::string format(const char* pattern, double a, double b = 0)
{
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, pattern, a, b);
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

BeaconScorer::BeaconScorer(ScoreSettings settings)
    : m_settings(std::move(settings))
{ }

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
    // Check-ins: distinct timestamps (fan-out copies and simultaneous connections are one check-in).
    std::vector<TimestampUs> times;
    std::vector<EventIndex> timeEvents;
    std::vector<double> sent;
    times.reserve(flowEvents.size());
    for (EventIndex event : flowEvents) {
        const TimestampUs t = events.timestamp(event);
        if (!times.empty() && times.back() == t)
            continue;
        times.push_back(t);
        timeEvents.push_back(event);
        if (events.bytesSentKnown(event))
            sent.push_back(static_cast<double>(events.bytesSent(event)));
    }
    result.intervals = computeIntervalStats(times, timeEvents);
    result.period = fitPeriod(result.intervals);
    result.intervals.sortedIntervals = {}; // only needed for the fit
    result.payload = computePayloadStats(events, flowEvents);
    result.processClass = classifyProcess(events.text(flow.key.processPath));
    if (const auto it = context.prevalence.find(destinationProcessKey(flow.key)); it != context.prevalence.end())
        result.prevalence = it->second;
    result.rita = computeRitaScore(times, sent, context.datasetFirst, context.datasetLast);
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
    auto add = [&](std::string name, std::optional<double> value, double weight, std::string explanation) {
        result.components.push_back({ std::move(name), value, weight, 0, std::move(explanation) });
    };
    if (period.found) {
        add("regularity", clamp01((0.6 - period.singleBeatCv) / 0.5), w.regularity,
            format("single-beat gaps vary by %.3f of the period (jitter coefficient; 0.1 or less is machine-like)",
                period.singleBeatCv));
        add("period_floor", clamp01((period.floorRatio - 0.25) / 0.35), w.periodFloor,
            format("the shortest gaps are %.0f%% of the typical gap (bounded jitter keeps them high; random waits "
                   "do not)",
                period.floorRatio * 100));
        add("harmonics", clamp01((period.harmonicFraction - 0.6) / 0.35), w.harmonics,
            format("%.0f%% of gaps are 1-4 periods long (%.0f%% of those are missed beats)",
                period.harmonicFraction * 100, period.missedBeatFraction * 100));
    } else {
        const std::string why
            = gaps < 3 ? "fewer than 4 check-ins: no period can be measured" : "no regular single-beat gaps to measure";
        add("regularity", 0.0, w.regularity, why);
        add("period_floor", 0.0, w.periodFloor, why);
        add("harmonics", 0.0, w.harmonics, why);
    }
    add("persistence", 1 - std::exp(-static_cast<double>(gaps) / 8.0), w.persistence,
        format("%.0f gaps over %.1f hours", gaps, result.intervals.spanSeconds / 3600));
    if (result.payload.known) {
        const double small = clamp01((8192 - result.payload.sentMedian) / (8192 - 2048));
        const double steady = clamp01(1 - std::max(result.payload.sentCv, result.payload.receivedCv));
        add("payload", (small + steady) / 2, w.payload,
            format("median %.0f bytes sent per check-in, dispersion %.2f", result.payload.sentMedian,
                std::max(result.payload.sentCv, result.payload.receivedCv)));
    } else {
        add("payload", std::nullopt, w.payload,
            "absent: the source records no byte counts (Sysmon, Defender), so payload does not count either way");
    }
    add("process", processValue(result.processClass), w.process, std::string(processClassName(result.processClass)));

    double present = 0, points = 0;
    for (const ScoreComponent& component : result.components)
        if (component.value)
            present += component.weight;
    for (ScoreComponent& component : result.components) {
        component.contribution
            = component.value && present > 0 ? 100 * component.weight * *component.value / present : 0;
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
    result.components.push_back({ "fleet", fleetness, w.fleet, -w.fleet * fleetness, std::move(fleetExplanation) });
    points -= w.fleet * fleetness;

    result.score = std::clamp(points, 0.0, 100.0);
    result.verdict = verdictFor(result.score);
}

} // namespace cepheid
