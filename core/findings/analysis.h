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
    std::string allowlistedBy; // id of the allowlist entry that matches, empty if none
    std::vector<std::string_view> hostnames; // principal hostnames seen in the flow (views into the EventTable)
    TimestampUs firstSeen = 0;
    TimestampUs lastSeen = 0;
    std::uint32_t events = 0;
    RuleOutcome rule;
    BeaconScore beacon;
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
    // Over all flows, so that events_read = eligible copies - fan-out extras + dropped + without destination
    // + duplicate rows: every event is accounted for.
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
};

// Runs the profile over grouped flows. Built once per profile; run() is what a tuning change repeats.
class Analyzer
{
public:
    static std::optional<Analyzer> create(const Profile& profile, std::string& error);

    // now decides which allowlist entries have expired (injected so tests and reports are reproducible).
    Analysis run(const EventTable& events, const FlowIndex& flows, TimestampUs now) const;
    const RuleEvaluator& rule() const { return m_rule; }
    const BeaconScorer& scorer() const { return m_scorer; }

private:
    Analyzer(RuleEvaluator rule, BeaconScorer scorer, Catalog catalog, Allowlist allowlist);

    RuleEvaluator m_rule;
    BeaconScorer m_scorer;
    Catalog m_catalog;
    Allowlist m_allowlist;
};

} // namespace cepheid
