#pragma once

#include "tuning/profile.h"
#include "util/expected.h"

#include <optional>
#include <string>
#include <vector>

namespace cepheid {

// A Chronicle reference list the exported rule uses, one value per line.
struct ReferenceList
{
    std::string name; // without the %
    std::string syntax; // STRING, REGEX or CIDR (Chronicle's list syntax types)
    std::string description;
    std::vector<std::string> values;
};

struct RuleExport
{
    std::string ruleName;
    std::string text; // the YARA-L 2.0 rule
    std::vector<ReferenceList> lists;
    std::vector<std::string> leftOut; // allowlist entries not exported, each with the reason
};

struct RuleExportContext
{
    std::string source; // what produced it: "case.cepheid, profile version 3" or a profile path
    std::string author;
    TimestampUs now = 0; // expired allowlist entries are left out
};

// The seed rule rewritten with a profile: its thresholds, window, domain regex and catalog, and the allowlist as
// YARA-L exclusions — single-field entries through reference lists (`not … in %list`, `in regex`, `in cidr`),
// combined entries (process on host, flow) as inline conditions. It stays within Chronicle's limits (at most 10 `in`
// statements, 5 of them regex and 5 cidr: it uses at most six, two regex and one cidr). Strings and regexes are
// escaped so no value can end a literal. Fails with the reason when the profile cannot be expressed (a window
// over YARA-L's 48 h maximum).
Expected<RuleExport> exportRule(const Profile& profile, const RuleExportContext& context);

// A reference list's file: its description and syntax type as header comments, then one value per line.
std::string referenceListText(const ReferenceList& list);

// A YARA-L double-quoted string literal.
std::string yaralString(std::string_view text);

} // namespace cepheid
