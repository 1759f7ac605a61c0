#include "allowlistsuggestions.h"

#include "model/pathname.h"
#include "scoring/intervalstats.h"
#include "util/durationtext.h"

#include <algorithm>
#include <map>
#include <set>

namespace cepheid {

namespace {

// An id that reads as what it allowlists and stays a plain token in JSON and on the command line.
std::string idFor(std::string_view destination, std::string_view process)
{
    std::string id = "fleet-";
    for (char c : std::string(fileNameOf(process)) + "-" + std::string(destination)) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        else if (!plain)
            c = '-';
        id.push_back(c);
    }
    return id;
}

} // namespace

std::vector<AllowlistSuggestion> suggestAllowlistEntries(
    const Analysis& analysis, const EventTable& events, const FlowIndex& flows, const ScoreSettings& score)
{
    struct Group
    {
        std::vector<const Finding*> findings;
        std::set<StringId> hosts;
    };
    std::map<std::pair<StringId, StringId>, Group> groups;
    for (const Finding& finding : analysis.findings) {
        if (!finding.beacon.fleet || finding.allowlistEntry >= 0)
            continue;
        const FlowKey& key = flows.flow(finding.flowIndex).key;
        Group& group = groups[{ key.destination, key.processPath }];
        group.findings.push_back(&finding);
        group.hosts.insert(key.sourceIp);
    }

    std::vector<AllowlistSuggestion> suggestions;
    for (const auto& [key, group] : groups) {
        std::vector<double> periods;
        AllowlistSuggestion suggestion;
        for (const Finding* finding : group.findings) {
            if (finding->beacon.period.found)
                periods.push_back(finding->beacon.period.periodSeconds);
            suggestion.alerting += isAlerting(*finding, score);
            suggestion.firing += finding->rule.fires;
        }
        if (periods.size() * 2 < group.findings.size())
            continue; // not steady: many hosts, but no shared rhythm
        std::sort(periods.begin(), periods.end());
        suggestion.periodSeconds = quantile(periods, 0.5);
        suggestion.hosts = static_cast<std::uint32_t>(group.hosts.size());
        suggestion.flows = static_cast<std::uint32_t>(group.findings.size());
        const std::string_view destination = events.text(key.first);
        const std::string_view process = events.text(key.second);
        AllowlistEntry& entry = suggestion.entry;
        entry.id = idFor(destination, process);
        entry.domain = std::string(destination);
        entry.process = std::string(process);
        entry.match = MatchMode::Exact;
        entry.reason = "Fleet software: " + std::string(fileNameOf(process)) + " on " + std::to_string(suggestion.hosts)
            + " hosts reaches " + std::string(destination) + " every ~" + durationText(suggestion.periodSeconds);
        suggestions.push_back(std::move(suggestion));
    }
    std::sort(suggestions.begin(), suggestions.end(), [](const auto& a, const auto& b) {
        return std::tie(b.alerting, b.flows, a.entry.id) < std::tie(a.alerting, a.flows, b.entry.id);
    });
    return suggestions;
}

} // namespace cepheid
