#pragma once

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace cepheid {

// The triage statuses, in workflow order: the one list the CLI, the workbench and the reports read. The case
// schema's CHECK constraint (schema.cpp) spells the same five; tst_casefile checks that the two agree.
inline constexpr std::array<std::string_view, 5> kTriageStatuses { "new", "investigating", "benign", "malicious",
    "false-positive" };

// The same, most urgent first: how a report counts them.
inline constexpr std::array<std::string_view, 5> kTriageStatusesByUrgency { "malicious", "investigating", "new",
    "benign", "false-positive" };

// The statuses as a message lists them: "new, investigating, benign, malicious or false-positive".
inline std::string triageStatusChoices()
{
    std::string text;
    for (std::size_t i = 0; i < kTriageStatuses.size(); ++i)
        text.append(i == 0 ? "" : i + 1 == kTriageStatuses.size() ? " or " : ", ").append(kTriageStatuses[i]);
    return text;
}

inline bool isTriageStatus(std::string_view status)
{
    return std::find(kTriageStatuses.begin(), kTriageStatuses.end(), status) != kTriageStatuses.end();
}

} // namespace cepheid
