#pragma once

#include "model/flowindex.h"
#include "rules/ruleevaluator.h"
#include "rules/rulelint.h"
#include "scoring/beaconscorer.h"
#include "tuning/allowlist.h"
#include "tuning/profile.h"

#include <optional>
#include <string>
#include <vector>

namespace cepheid {

// One considered flow: its destination matches the rule's regex or the serverless catalog.
struct Finding
{
    std::uint32_t flowIndex = 0;
    std::string platform; // catalog platform, empty when only the rule's regex matched
    std::int32_t allowlistEntry = -1; // index of the first matching entry in the profile's allowlist, -1 if none
    std::vector<std::string_view> hostnames; // principal hostnames seen in the flow (views into the EventTable)
    TimestampUs firstSeen = 0;
    TimestampUs lastSeen = 0;
    std::uint32_t events = 0;
    RuleOutcome rule;
    BeaconScore beacon;

    // The seed rule and the beacon score disagree: one alerts on the flow and the other does not (the score alerts
    // from `alertVerdict` up). The report's count and the workbench's quick filter both ask this.
    bool ruleAndScoreDisagree(Verdict alertVerdict) const { return rule.fires != (beacon.verdict >= alertVerdict); }
};

struct AnalysisSummary
{
    std::uint64_t flowsTotal = 0;
    std::uint64_t flowsConsidered = 0;
    std::uint64_t flowsFiring = 0;
    std::uint64_t flowsFiringAllowlisted = 0;
    std::uint64_t flowsAllowlisted = 0;
    std::uint64_t detections = 0;
    std::uint64_t catalogOnlyFlows = 0; // serverless destinations the rule's regex does not match
    std::uint64_t eventsWithoutDestination = 0;
    std::uint64_t duplicateRows = 0;
    // DNS answers and session names (docs/formats.md, "Names from other records"): they name connections and form
    // no flow, so they are counted here, outside the events the rule sees.
    std::uint64_t evidenceEvents = 0;
    // Cloud audit records (docs/cloud-audit.md): read into change findings, not flows.
    std::uint64_t cloudAuditEvents = 0;
    // Over all flows, so that events_read = eligible copies - fan-out extras + dropped + without destination
    // + duplicate rows + evidence + cloud audit records: every event is accounted for.
    DroppedEvents dropped;
    std::uint64_t eligibleEvents = 0;
    std::uint64_t verdicts[4] = {}; // considered flows per Verdict (none, possible, likely, beacon)
    std::uint64_t fleetFlows = 0;
};

struct Analysis
{
    std::vector<Finding> findings;
    AnalysisSummary summary;
    std::vector<LintFinding> lint;
    std::vector<std::uint32_t> allowlistHits; // per profile allowlist entry: findings it is the first match for

    // Kept so that a re-run with the same selection can reuse them.
    DroppedEvents droppedOutsideFindings; // events of flows the rule's regex and the catalog both pass over
    std::string catalogOnlyExample;
};

// The allowlist entry that hides a finding (its index into profile.allowlist), or nullptr.
const AllowlistEntry* allowlistEntryOf(const Finding& finding, const Profile& profile);

// A finding reaches an analyst when the rule fires or the score reaches the profile's alert verdict, and no
// allowlist entry hides it: what the what-if delta counts and what the CLI lists by default.
bool isAlerting(const Finding& finding, const ScoreSettings& score);
// Flow indexes of the alerting findings, ascending.
std::vector<std::uint32_t> alertingFlows(const Analysis& analysis, const ScoreSettings& score);

// Runs the profile over grouped flows. Built once per profile.
class Analyzer
{
public:
    // Fails with what cannot be compiled (a regex, a glob, a CIDR), naming where the profile has it.
    static Expected<Analyzer> create(const Profile& profile);
    // The same, keeping the profile without a copy (a 100,000-entry allowlist is 35 MB).
    static Expected<Analyzer> create(Profile&& profile);

    // now decides which allowlist entries have expired (injected so tests and reports are reproducible).
    Analysis run(const EventTable& events, const FlowIndex& flows, TimestampUs now) const;
    // The same result as run(), reusing what `previous` (the analysis of the same flows under `previousProfile`)
    // computed that this profile's changes do not touch: the selection of flows unless the rule's regex or the
    // catalog changed, the rule's outcomes unless a rule setting changed, the score's measurements always (only
    // weights and thresholds are applied again). This is what a tuning change repeats.
    Analysis rerun(const Analysis& previous, const Profile& previousProfile, const EventTable& events,
        const FlowIndex& flows, TimestampUs now) const;

    const Profile& profile() const { return m_profile; }
    const RuleEvaluator& rule() const { return m_rule; }
    const BeaconScorer& scorer() const { return m_scorer; }
    const Allowlist& allowlist() const { return m_allowlist; }

private:
    Analyzer(Profile profile, RuleEvaluator rule, BeaconScorer scorer, Catalog catalog, Allowlist allowlist);
    Analysis analyse(const Analysis* previous, const Profile* previousProfile, const EventTable& events,
        const FlowIndex& flows, TimestampUs now) const;
    void select(Analysis& analysis, const EventTable& events, const FlowIndex& flows) const;
    void summarise(Analysis& analysis, const FlowIndex& flows) const;

    Profile m_profile;
    RuleEvaluator m_rule;
    BeaconScorer m_scorer;
    Catalog m_catalog;
    Allowlist m_allowlist;
};

} // namespace cepheid
