#pragma once

#include "profile.h"
#include "util/expected.h"

#include <optional>
#include <string>
#include <string_view>

namespace cepheid {

// Reads a profile. Keys left out keep their defaults; unknown keys, wrong types, out-of-range values, invalid
// regexes, globs or CIDRs are errors that name the key or entry. Nothing is returned from a half-read profile.
// A "catalog" array replaces the default catalog as a whole; "allowlist" likewise.
Expected<Profile> parseProfile(std::string_view json);
Expected<Profile> loadProfile(const std::string& path); // the reason starts with the path

// Checks what parsing alone cannot: regexes compile, CIDRs parse, ids are unique, reasons present.
Expected<void> validateProfile(const Profile& profile);

// An allowlist time: RFC 3339, or YYYY-MM-DD meaning the start of that UTC day, or with endOfDay (expiry: "valid
// through that day") the next midnight.
std::optional<TimestampUs> parseDateOrTimestamp(std::string_view text, bool endOfDay);

// The effective profile, every key written out (what `cepheid-cli profile show` prints).
std::string profileToJson(const Profile& profile);

} // namespace cepheid
