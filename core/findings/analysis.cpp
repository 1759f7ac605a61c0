#include "analysis.h"

#include <algorithm>

namespace cepheid {

const AllowlistEntry* allowlistEntryOf(const Finding& finding, const Profile& profile)
{
    const auto index = static_cast<std::size_t>(finding.allowlistEntry);
    return finding.allowlistEntry >= 0 && index < profile.allowlist.size() ? &profile.allowlist[index] : nullptr;
}

bool isAlerting(const Finding& finding, const ScoreSettings& score)
{
    return finding.allowlistEntry < 0 && (finding.rule.fires || finding.beacon.verdict >= score.alertVerdict);
}

std::vector<std::uint32_t> alertingFlows(const Analysis& analysis, const ScoreSettings& score)
{
    std::vector<std::uint32_t> flows;
    for (const Finding& finding : analysis.findings)
        if (isAlerting(finding, score))
            flows.push_back(finding.flowIndex);
    std::sort(flows.begin(), flows.end());
    return flows;
}

Analyzer::Analyzer(Profile profile, RuleEvaluator rule, BeaconScorer scorer, Catalog catalog, Allowlist allowlist)
    : m_profile(std::move(profile))
    , m_rule(std::move(rule))
    , m_scorer(std::move(scorer))
    , m_catalog(std::move(catalog))
    , m_allowlist(std::move(allowlist))
{ }

Expected<Analyzer> Analyzer::create(const Profile& profile)
{
    return create(Profile(profile));
}

Expected<Analyzer> Analyzer::create(Profile&& profile)
{
    auto rule = RuleEvaluator::create(profile.rule);
    if (!rule)
        return failure(rule.error());
    auto catalog = Catalog::compile(profile.catalog);
    if (!catalog)
        return failure(catalog.error());
    auto allowlist = Allowlist::compile(profile.allowlist);
    if (!allowlist)
        return failure(allowlist.error());
    auto scorer = BeaconScorer::create(profile.score);
    if (!scorer)
        return failure(scorer.error());
    return Analyzer(
        std::move(profile), std::move(*rule), std::move(*scorer), std::move(*catalog), std::move(*allowlist));
}

Analysis Analyzer::run(const EventTable& events, const FlowIndex& flows, TimestampUs now) const
{
    return analyse(nullptr, nullptr, events, flows, now);
}

Analysis Analyzer::rerun(const Analysis& previous, const Profile& previousProfile, const EventTable& events,
    const FlowIndex& flows, TimestampUs now) const
{
    return analyse(&previous, &previousProfile, events, flows, now);
}

// The considered flows (the rule's regex or the catalog knows the destination) with what only the selection
// decides: platform, hostnames, first and last seen. Events of the other flows are classified as dropped.
void Analyzer::select(Analysis& analysis, const EventTable& events, const FlowIndex& flows) const
{
    for (std::uint32_t index = 0; index < flows.size(); ++index) {
        const Flow& flow = flows.flow(index);
        if (flow.entryCount == 0)
            continue;
        const std::string_view destination = events.text(flow.key.destination);
        const bool domainMatched = !flow.destinationIsIp && m_rule.domainMatches(destination);
        const std::string_view platform = m_catalog.platformOf(destination);
        if (!domainMatched && platform.empty()) {
            analysis.droppedOutsideFindings += m_rule.classify(events, flows, flow);
            continue;
        }

        Finding finding;
        finding.flowIndex = index;
        finding.platform = std::string(platform);
        const auto flowEvents = flows.events(flow);
        finding.events = static_cast<std::uint32_t>(flowEvents.size());
        finding.firstSeen = events.timestamp(flowEvents.front());
        finding.lastSeen = events.timestamp(flowEvents.back());
        // Sorted and made unique at the end: a search per event was quadratic (a flow of a million distinct
        // principal hostnames took 135 s).
        std::vector<StringId> hostIds;
        for (EventIndex event : flowEvents)
            if (const StringId host = events.principalHostname(event);
                host != kEmptyString && (hostIds.empty() || hostIds.back() != host))
                hostIds.push_back(host);
        std::sort(hostIds.begin(), hostIds.end());
        hostIds.erase(std::unique(hostIds.begin(), hostIds.end()), hostIds.end());
        for (StringId host : hostIds)
            finding.hostnames.push_back(events.text(host));
        std::sort(finding.hostnames.begin(), finding.hostnames.end());

        if (!domainMatched && !flow.destinationIsIp) {
            ++analysis.summary.catalogOnlyFlows;
            if (analysis.catalogOnlyExample.empty())
                analysis.catalogOnlyExample = std::string(destination);
        }
        analysis.findings.push_back(std::move(finding));
    }
}

Analysis Analyzer::analyse(const Analysis* previous, const Profile* previousProfile, const EventTable& events,
    const FlowIndex& flows, TimestampUs now) const
{
    const bool reuseSelection = previous && previousProfile
        && previousProfile->rule.domainRegex == m_profile.rule.domainRegex
        && previousProfile->catalog == m_profile.catalog;
    const bool reuseRule = reuseSelection && previousProfile->rule == m_profile.rule;

    Analysis analysis;
    if (reuseSelection) {
        analysis.findings = previous->findings;
        analysis.droppedOutsideFindings = previous->droppedOutsideFindings;
        analysis.catalogOnlyExample = previous->catalogOnlyExample;
        analysis.summary.catalogOnlyFlows = previous->summary.catalogOnlyFlows;
    } else {
        select(analysis, events, flows);
    }

    const BeaconScorer::Context context
        = reuseSelection ? BeaconScorer::Context {} : BeaconScorer::prepare(events, flows);
    analysis.allowlistHits.assign(m_allowlist.size(), 0);
    for (Finding& finding : analysis.findings) {
        const Flow& flow = flows.flow(finding.flowIndex);
        if (!reuseRule)
            finding.rule = m_rule.evaluate(events, flows, flow);
        if (!reuseSelection)
            finding.beacon = BeaconScorer::measure(events, flows, flow, context);
        m_scorer.weigh(finding.beacon);

        const FlowFacts facts { events.text(flow.key.sourceIp), events.text(flow.key.destination),
            events.text(flow.key.processPath), finding.hostnames };
        finding.allowlistEntry = m_allowlist.match(facts, now);
        if (finding.allowlistEntry >= 0)
            ++analysis.allowlistHits[static_cast<std::size_t>(finding.allowlistEntry)];
    }
    summarise(analysis, flows);

    analysis.lint = lintRule(m_rule);
    if (analysis.summary.catalogOnlyFlows > 0)
        analysis.lint.push_back({ "serverless-destinations-missed", "warning",
            std::to_string(analysis.summary.catalogOnlyFlows)
                + " flow(s) in this data reach serverless platforms of the catalog that the rule's regex does not "
                  "match (for example "
                + analysis.catalogOnlyExample + "): the rule can never fire on them." });
    return analysis;
}

void Analyzer::summarise(Analysis& analysis, const FlowIndex& flows) const
{
    AnalysisSummary& summary = analysis.summary;
    summary.flowsTotal = flows.size();
    summary.eventsWithoutDestination = flows.eventsWithoutDestination();
    summary.evidenceEvents = flows.evidenceEvents();
    summary.cloudAuditEvents = flows.cloudAuditEvents();
    summary.duplicateRows = flows.duplicateRows();
    summary.dropped = analysis.droppedOutsideFindings;
    for (const Finding& finding : analysis.findings) {
        ++summary.verdicts[static_cast<int>(finding.beacon.verdict)];
        summary.fleetFlows += finding.beacon.fleet;
        ++summary.flowsConsidered;
        summary.dropped += finding.rule.dropped;
        summary.eligibleEvents += finding.rule.eligibleEvents;
        const bool allowlisted = finding.allowlistEntry >= 0;
        summary.flowsAllowlisted += allowlisted;
        if (finding.rule.fires) {
            ++summary.flowsFiring;
            summary.detections += finding.rule.detections.size();
            summary.flowsFiringAllowlisted += allowlisted;
        }
    }
}

} // namespace cepheid
