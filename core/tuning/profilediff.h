#pragma once

#include "profile.h"

#include <string>
#include <vector>

namespace cepheid {

// One setting that differs between two profiles. path names it as the profile JSON does
// ("rule.min_events", "score.weights.regularity", "allowlist[dev-lambda].reason"); before/after are JSON values,
// empty when the setting exists on one side only. A list entry on one side only is one change named by the entry
// ("allowlist[dev-lambda]", "catalog[.+\.deno\.dev]") with the whole entry as its value.
struct ProfileChange
{
    std::string path;
    std::string before;
    std::string after;
    friend bool operator==(const ProfileChange&, const ProfileChange&) = default;
};

// What changed from `before` to `after`, in the order of the profile JSON. Allowlist entries are matched by id
// and catalog entries by pattern, so reordering is not a change and an edited entry shows only its edited keys.
std::vector<ProfileChange> diffProfiles(const Profile& before, const Profile& after);

// "rule.min_events: 12 -> 8" per change, one per line; "(none)" for a missing side.
std::string formatProfileDiff(const std::vector<ProfileChange>& changes);

} // namespace cepheid
