#pragma once

#include "analysis.h"

#include <string>
#include <vector>

namespace cepheid {

// A candidate allowlist entry for fleet software: one installed program reaching one destination from many
// hosts on a steady period (an update agent, a monitoring client). Implants are rare per destination;
// agents are everywhere. The same scripting host or user-writable binary on many hosts is a campaign, so
// those are never suggested (the score's fleet mark already leaves them out).
struct AllowlistSuggestion
{
    AllowlistEntry entry; // destination + process, exact match, with id and a written reason (author left empty)
    std::uint32_t hosts = 0; // distinct source IPs
    double periodSeconds = 0; // median period of the flows that have one
    std::uint32_t flows = 0; // findings the entry would hide
    std::uint32_t alerting = 0; // of those, how many reach an analyst today
    std::uint32_t firing = 0; // of those, how many the rule fires on
};

// Suggestions from an analysis: groups of findings with the same destination and process that the score marks
// fleet, where at least half have a period. Findings already allowlisted are left out. Most alerting first.
std::vector<AllowlistSuggestion> suggestAllowlistEntries(
    const Analysis& analysis, const EventTable& events, const FlowIndex& flows, const ScoreSettings& score);

} // namespace cepheid
