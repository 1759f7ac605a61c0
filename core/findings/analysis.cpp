#include "analysis.h"

#include <algorithm>

namespace cepheid {

Analyzer::Analyzer(RuleEvaluator rule, BeaconScorer scorer, Catalog catalog, Allowlist allowlist)
    : m_rule(std::move(rule))
    , m_scorer(std::move(scorer))
    , m_catalog(std::move(catalog))
    , m_allowlist(std::move(allowlist))
{ }

std::optional<Analyzer> Analyzer::create(const Profile& profile, std::string& error)
{
    auto rule = RuleEvaluator::create(profile.rule, error);
    if (!rule)
        return std::nullopt;
    auto catalog = Catalog::compile(profile.catalog, error);
    if (!catalog)
        return std::nullopt;
    auto allowlist = Allowlist::compile(profile.allowlist, error);
    if (!allowlist)
        return std::nullopt;
    return Analyzer(std::move(*rule), BeaconScorer(profile.score), std::move(*catalog), std::move(*allowlist));
}

Analysis Analyzer::run(const EventTable& events, const FlowIndex& flows, TimestampUs now) const
{
    Analysis analysis;
    AnalysisSummary& summary = analysis.summary;
    summary.flowsTotal = flows.size();
    summary.eventsWithoutDestination = flows.eventsWithoutDestination();
    summary.duplicateRows = flows.duplicateRows();
    std::string catalogOnlyExample;
    const BeaconScorer::Context scoringContext = BeaconScorer::prepare(events, flows);

    for (std::uint32_t index = 0; index < flows.size(); ++index) {
        const Flow& flow = flows.flow(index);
        if (flow.entryCount == 0)
            continue;
        const std::string_view destination = events.text(flow.key.destination);
        const bool domainMatched = !flow.destinationIsIp && m_rule.domainMatches(destination);
        const std::string_view platform = m_catalog.platformOf(destination);
        if (!domainMatched && platform.empty()) {
            summary.dropped += m_rule.classify(events, flows, flow);
            continue;
        }

        Finding finding;
        finding.flowIndex = index;
        finding.platform = std::string(platform);
        const auto flowEvents = flows.events(flow);
        finding.events = static_cast<std::uint32_t>(flowEvents.size());
        finding.firstSeen = events.timestamp(flowEvents.front());
        finding.lastSeen = events.timestamp(flowEvents.back());
        std::vector<StringId> hostIds;
        for (EventIndex event : flowEvents)
            if (const StringId host = events.principalHostname(event);
                host != kEmptyString && std::find(hostIds.begin(), hostIds.end(), host) == hostIds.end())
                hostIds.push_back(host);
        for (StringId host : hostIds)
            finding.hostnames.push_back(events.text(host));
        std::sort(finding.hostnames.begin(), finding.hostnames.end());

        const FlowFacts facts { events.text(flow.key.sourceIp), destination, events.text(flow.key.processPath),
            finding.hostnames };
        if (const int entry = m_allowlist.match(facts, now); entry >= 0)
            finding.allowlistedBy = m_allowlist.entry(static_cast<std::size_t>(entry)).id;

        finding.rule = m_rule.evaluate(events, flows, flow);
        finding.beacon = m_scorer.score(events, flows, flow, scoringContext);
        ++summary.verdicts[static_cast<int>(finding.beacon.verdict)];
        summary.fleetFlows += finding.beacon.fleet;

        ++summary.flowsConsidered;
        summary.dropped += finding.rule.dropped;
        summary.eligibleEvents += finding.rule.eligibleEvents;
        if (!finding.allowlistedBy.empty())
            ++summary.flowsAllowlisted;
        if (finding.rule.fires) {
            ++summary.flowsFiring;
            summary.detections += finding.rule.detections.size();
            if (!finding.allowlistedBy.empty())
                ++summary.flowsFiringAllowlisted;
        }
        if (!domainMatched && !flow.destinationIsIp) {
            ++summary.catalogOnlyFlows;
            if (catalogOnlyExample.empty())
                catalogOnlyExample = std::string(destination);
        }
        analysis.findings.push_back(std::move(finding));
    }

    analysis.lint = lintRule(m_rule);
    if (summary.catalogOnlyFlows > 0)
        analysis.lint.push_back({ "serverless-destinations-missed", "warning",
            std::to_string(summary.catalogOnlyFlows)
                + " flow(s) in this data reach serverless platforms of the catalog that the rule's regex does not "
                  "match (for example "
                + catalogOnlyExample + "): the rule can never fire on them." });
    return analysis;
}

} // namespace cepheid
