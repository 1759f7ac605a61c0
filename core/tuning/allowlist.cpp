#include "allowlist.h"

#include <algorithm>

namespace cepheid {

std::string describeAllowlistEntry(std::size_t index, const AllowlistEntry& entry)
{
    std::string text = "allowlist[" + std::to_string(index) + "]";
    if (!entry.id.empty())
        text += " (id \"" + entry.id + "\")";
    return text;
}

std::optional<Allowlist> Allowlist::compile(const std::vector<AllowlistEntry>& entries, std::string& error)
{
    Allowlist allowlist;
    allowlist.m_entries.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const AllowlistEntry& entry = entries[i];
        Compiled compiled;
        compiled.entry = entry;
        auto compileField = [&](const std::string& value, std::string_view field, std::optional<TextMatcher>& out) {
            if (value.empty())
                return true;
            TextMatcher matcher;
            std::string reason;
            if (!matcher.compile(value, entry.match, reason)) {
                error = describeAllowlistEntry(i, entry) + ": invalid " + std::string(matchModeName(entry.match))
                    + " in \"" + std::string(field) + "\": " + reason;
                return false;
            }
            out = std::move(matcher);
            return true;
        };
        // Which index the domain goes to: a name or a zone are looked up, anything else is matched entry by entry.
        const auto index = static_cast<std::uint32_t>(i);
        const std::string_view domain = entry.domain;
        const bool wildcard = domain.find_first_of("*?") != std::string_view::npos;
        // RE2 folds the case of every letter, the index only ASCII: names with other bytes are matched one by one.
        const bool ascii = std::all_of(domain.begin(), domain.end(), [](char c) { return (c & 0x80) == 0; });
        if (!domain.empty()
            && (entry.match == MatchMode::Exact || (entry.match == MatchMode::Glob && !wildcard && ascii)))
            allowlist.m_byName[std::string(domain)].push_back(index);
        else if (entry.match == MatchMode::Glob && ascii && domain.starts_with("*.")
            && domain.substr(2).find_first_of("*?") == std::string_view::npos && domain.size() > 2)
            allowlist.m_byZone[std::string(domain.substr(2))].push_back(index);
        else if (!compileField(entry.domain, "domain", compiled.domain))
            return std::nullopt;
        else
            allowlist.m_scanned.push_back(index);
        if (!compileField(entry.process, "process", compiled.process)
            || !compileField(entry.host, "host", compiled.host))
            return std::nullopt;
        if (!entry.cidr.empty()) {
            std::string reason;
            compiled.cidr = Cidr::parse(entry.cidr, reason);
            if (!compiled.cidr) {
                error = describeAllowlistEntry(i, entry) + ": invalid \"cidr\": " + reason;
                return std::nullopt;
            }
        }
        allowlist.m_entries.push_back(std::move(compiled));
    }
    return allowlist;
}

std::size_t Allowlist::NameHash::operator()(std::string_view name) const
{
    std::size_t hash = 14695981039346656037ULL; // FNV-1a over the lower-cased bytes
    for (char c : name) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return hash;
}

bool Allowlist::NameEqual::operator()(std::string_view a, std::string_view b) const
{
    return equalsIgnoringCase(a, b);
}

bool Allowlist::matchesRest(const Compiled& compiled, const FlowFacts& flow, TimestampUs now) const
{
    if (!compiled.entry.isActive(now))
        return false;
    if (compiled.domain && !compiled.domain->matches(flow.destination))
        return false;
    if (compiled.process && !compiled.process->matches(flow.processPath))
        return false;
    if (compiled.cidr && !compiled.cidr->contains(flow.sourceIp))
        return false;
    if (compiled.host) {
        bool hostMatches = compiled.host->matches(flow.sourceIp);
        for (std::size_t h = 0; !hostMatches && h < flow.hostnames.size(); ++h)
            hostMatches = compiled.host->matches(flow.hostnames[h]);
        if (!hostMatches)
            return false;
    }
    return true;
}

int Allowlist::match(const FlowFacts& flow, TimestampUs now) const
{
    // The first entry in profile order that matches: the lowest index among the candidates that pass. Each index
    // list is ascending, so each contributes its first passing entry.
    std::uint32_t best = static_cast<std::uint32_t>(m_entries.size());
    const auto consider = [&](const std::vector<std::uint32_t>& indexes) {
        for (const std::uint32_t index : indexes) {
            if (index >= best)
                return;
            if (matchesRest(m_entries[index], flow, now)) {
                best = index;
                return;
            }
        }
    };
    if (const auto found = m_byName.find(flow.destination); found != m_byName.end())
        consider(found->second);
    if (!m_byZone.empty()) {
        // The destination and each name it sits under: a.b.example.com, b.example.com, example.com, com.
        for (std::string_view zone = flow.destination; !zone.empty();) {
            if (const auto found = m_byZone.find(zone); found != m_byZone.end())
                consider(found->second);
            const std::size_t dot = zone.find('.');
            if (dot == std::string_view::npos)
                break;
            zone.remove_prefix(dot + 1);
        }
    }
    consider(m_scanned);
    return best < m_entries.size() ? static_cast<int>(best) : -1;
}

std::optional<Catalog> Catalog::compile(const std::vector<CatalogEntry>& entries, std::string& error)
{
    Catalog catalog;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        TextMatcher matcher;
        std::string reason;
        if (!matcher.compile(entries[i].pattern, MatchMode::Regex, reason)) {
            error = "catalog[" + std::to_string(i) + "] (platform \"" + entries[i].platform
                + "\"): invalid regex: " + reason;
            return std::nullopt;
        }
        catalog.m_entries.emplace_back(entries[i].platform, std::move(matcher));
    }
    return catalog;
}

std::string_view Catalog::platformOf(std::string_view hostname) const
{
    for (const auto& [platform, matcher] : m_entries)
        if (matcher.matches(hostname))
            return platform;
    return {};
}

} // namespace cepheid
