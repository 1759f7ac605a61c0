#include "ruleexport.h"

#include "tuning/cidr.h"
#include "tuning/textmatcher.h"

#include <cmath>

namespace cepheid {

namespace {

constexpr double kMaxWindowHours = 48; // YARA-L `over` accepts 1m to 48h

// A regex for re.regex: a backtick literal when it can be one (the form Chronicle's examples use), a
// double-quoted, escaped string when the pattern itself holds a backtick.
std::string yaralRegex(std::string_view pattern)
{
    if (pattern.find('`') == std::string_view::npos && pattern.find('\n') == std::string_view::npos)
        return std::string(1, '`').append(pattern).append(1, '`');
    return yaralString(pattern);
}

std::string windowText(double hours)
{
    const auto minutes = static_cast<long long>(std::llround(hours * 60));
    return minutes % 60 == 0 ? std::to_string(minutes / 60) + "h" : std::to_string(minutes) + "m";
}

// The RE2 a matcher value stands for, anchored (allowlist matching is whole-text).
std::string anchoredRegex(const std::string& value, MatchMode mode)
{
    if (mode == MatchMode::Glob)
        return TextMatcher::globToRegex(value);
    return "^(?:" + value + ")$";
}

// One field's condition for a combined (inline) entry.
std::string fieldCondition(std::string_view field, const std::string& value, MatchMode mode)
{
    if (mode == MatchMode::Exact)
        return std::string(field) + " = " + yaralString(value) + " nocase";
    return "re.regex(" + std::string(field) + ", " + yaralRegex(anchoredRegex(value, mode)) + ") nocase";
}

} // namespace

std::string referenceListText(const ReferenceList& list)
{
    std::string text = "// " + list.description + "\n// syntax type: " + list.syntax + "\n";
    for (const std::string& value : list.values)
        text += value + "\n";
    return text;
}

std::string yaralString(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        if (c == '\n' || c == '\r')
            out += c == '\n' ? "\\n" : "\\r";
        else
            out.push_back(c);
    }
    out.push_back('"');
    return out;
}

Expected<RuleExport> exportRule(const Profile& profile, const RuleExportContext& context)
{
    const RuleSettings& rule = profile.rule;
    if (rule.windowHours * 60 < 1 || rule.windowHours > kMaxWindowHours) {
        return failure(
            "the window (" + windowText(rule.windowHours) + ") is outside what YARA-L's `over` accepts (1m to 48h)");
    }
    RuleExport result;
    result.ruleName = "t1584_007_serverless_c2_beaconing_tuned";
    ReferenceList domains { "cepheid_allow_domains", "STRING", "allowlisted destinations (exact)", {} };
    ReferenceList domainPatterns { "cepheid_allow_domains_re", "REGEX", "allowlisted destinations (patterns)", {} };
    ReferenceList processes { "cepheid_allow_processes", "STRING", "allowlisted process paths (exact)", {} };
    ReferenceList processPatterns { "cepheid_allow_processes_re", "REGEX", "allowlisted process paths (patterns)", {} };
    ReferenceList hostNetworks { "cepheid_allow_hosts_cidr", "CIDR", "allowlisted hosts and networks", {} };
    ReferenceList hostNames { "cepheid_allow_hostnames", "STRING", "allowlisted host names", {} };
    std::vector<std::string> inline_;
    for (const AllowlistEntry& entry : profile.allowlist) {
        // An id goes into a // comment: a line break in it would end the comment.
        std::string label = entry.id.empty() ? std::string("(no id)") : entry.id;
        for (char& c : label)
            if (c == '\n' || c == '\r')
                c = ' ';
        if (!entry.isActive(context.now)) {
            result.leftOut.push_back(label + ": expired " + entry.expires);
            continue;
        }
        const int fields = !entry.domain.empty() + !entry.process.empty() + !entry.host.empty() + !entry.cidr.empty();
        const auto hostIsAddress = Cidr::parseAddress(entry.host).has_value();
        if (fields == 1 && !entry.domain.empty()) {
            (entry.match == MatchMode::Exact ? domains : domainPatterns)
                .values.push_back(
                    entry.match == MatchMode::Exact ? entry.domain : anchoredRegex(entry.domain, entry.match));
        } else if (fields == 1 && !entry.process.empty()) {
            (entry.match == MatchMode::Exact ? processes : processPatterns)
                .values.push_back(
                    entry.match == MatchMode::Exact ? entry.process : anchoredRegex(entry.process, entry.match));
        } else if (fields == 1 && !entry.cidr.empty()) {
            hostNetworks.values.push_back(entry.cidr);
        } else if (fields == 1 && hostIsAddress && entry.match == MatchMode::Exact) {
            hostNetworks.values.push_back(entry.host);
        } else if (fields == 1 && entry.match == MatchMode::Exact) {
            hostNames.values.push_back(entry.host);
        } else {
            // Several fields (process on host, flow…) or a host pattern: one inline condition, all fields at once.
            std::vector<std::string> parts;
            if (!entry.domain.empty())
                parts.push_back(fieldCondition("$e.target.hostname", entry.domain, entry.match));
            if (!entry.process.empty())
                parts.push_back(fieldCondition("$e.principal.process.file.full_path", entry.process, entry.match));
            if (!entry.host.empty())
                parts.push_back(hostIsAddress ? "$e.principal.ip = " + yaralString(entry.host)
                                              : fieldCondition("$e.principal.hostname", entry.host, entry.match));
            if (!entry.cidr.empty())
                parts.push_back("net.ip_in_range_cidr($e.principal.ip, " + yaralString(entry.cidr) + ")");
            std::string condition = "not (";
            for (std::size_t i = 0; i < parts.size(); ++i)
                condition += (i ? " and " : "") + parts[i];
            inline_.push_back(condition + ") // " + label);
        }
    }

    // The catalog as one anchored alternation, beside the rule's own regex (partial match, as in the seed).
    std::string catalog;
    for (const CatalogEntry& entry : profile.catalog)
        catalog += (catalog.empty() ? "" : "|") + entry.pattern;
    std::string text = "rule " + result.ruleName + " {\n";
    text += "meta:\n";
    text += "  author = " + yaralString(context.author.empty() ? "Cepheid" : context.author) + "\n";
    text += "  description = "
        + yaralString("Detects potential C2 beaconing over compromised serverless infrastructure "
                      "(T1584.007), tuned in Cepheid.")
        + "\n";
    text += "  source = " + yaralString(context.source) + "\n";
    text += "  generated = " + yaralString(formatRfc3339(context.now)) + "\n";
    text += "  mitre_attack_tactic = \"Command and Control\"\n";
    text += "  mitre_attack_technique = \"T1584.007\"\n";
    text += "  severity = \"HIGH\"\n";
    text += "  priority = \"HIGH\"\n";
    text += "events:\n";
    text += "  $e.metadata.event_type = \"NETWORK_CONNECTION\"\n";
    text += "  $e.network.direction = \"OUTBOUND\"\n";
    text += "  (\n";
    text += "    re.regex($e.target.hostname, " + yaralRegex(rule.domainRegex) + ") = true";
    if (!catalog.empty())
        text += "\n    or re.regex($e.target.hostname, " + yaralRegex("(?i)^(?:" + catalog + ")$") + ") = true";
    text += "\n  )\n";
    // A reference list is one value per line: a value with a line break would become two entries (".*" among
    // them, say), so it is refused rather than split.
    for (const ReferenceList* list :
        { &domains, &domainPatterns, &processes, &processPatterns, &hostNetworks, &hostNames })
        for (const std::string& value : list->values)
            if (value.find_first_of("\r\n") != std::string::npos)
                return failure(
                    "an allowlist value holds a line break, which a reference list cannot (" + list->name + ")");
    for (const auto& [list, statement] : { std::pair { &domains, "not $e.target.hostname in %" },
             std::pair { &domainPatterns, "not $e.target.hostname in regex %" },
             std::pair { &processes, "not $e.principal.process.file.full_path in %" },
             std::pair { &processPatterns, "not $e.principal.process.file.full_path in regex %" },
             std::pair { &hostNetworks, "not $e.principal.ip in cidr %" },
             std::pair { &hostNames, "not $e.principal.hostname in %" } }) {
        if (list->values.empty())
            continue;
        text += "  " + std::string(statement) + list->name + (list->syntax == "CIDR" ? "" : " nocase") + "\n";
        result.lists.push_back(*list);
    }
    for (const std::string& condition : inline_)
        text += "  " + condition + "\n";
    text += "  $e.principal.ip = $src_ip\n";
    text += "  $e.target.hostname = $dest_host\n";
    text += "  $e.principal.process.file.full_path = $proc_path\n";
    text += "match:\n";
    text += "  $src_ip, $dest_host, $proc_path over " + windowText(rule.windowHours) + "\n";
    text += "outcome:\n";
    text += "  $event_count = count_distinct($e.metadata.id)\n";
    // get_hour takes seconds: the documented argument is metadata.event_timestamp.seconds.
    text += "  $hour_buckets = count_distinct(timestamp.get_hour($e.metadata.event_timestamp.seconds))\n";
    text += "  $total_bytes_sent = sum($e.network.sent_bytes)\n";
    text += "  $total_bytes_received = sum($e.network.received_bytes)\n";
    text += "  $avg_bytes_sent = math.floor(sum($e.network.sent_bytes) / count_distinct($e.metadata.id))\n";
    text += "  $avg_bytes_received = math.floor(sum($e.network.received_bytes) / count_distinct($e.metadata.id))\n";
    text += "  $process_name = array_distinct($e.principal.process.file.full_path)\n";
    text += "condition:\n";
    text += "  $event_count >= " + std::to_string(rule.minEvents) + " and\n";
    text += "  $hour_buckets >= " + std::to_string(rule.minHourBuckets) + " and\n";
    text += "  $avg_bytes_sent < " + std::to_string(rule.maxAvgBytesSent) + " and\n";
    text += "  $avg_bytes_received < " + std::to_string(rule.maxAvgBytesReceived) + "\n";
    text += "}\n";
    if (!result.leftOut.empty()) {
        text += "// Allowlist entries left out:\n";
        for (const std::string& line : result.leftOut)
            text += "//   " + line + "\n";
    }
    result.text = std::move(text);
    return result;
}

} // namespace cepheid
