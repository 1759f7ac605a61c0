#include "allowlist.h"

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
        if (!compileField(entry.domain, "domain", compiled.domain)
            || !compileField(entry.process, "process", compiled.process)
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

int Allowlist::match(const FlowFacts& flow, TimestampUs now) const
{
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const Compiled& compiled = m_entries[i];
        if (!compiled.entry.isActive(now))
            continue;
        if (compiled.domain && !compiled.domain->matches(flow.destination))
            continue;
        if (compiled.process && !compiled.process->matches(flow.processPath))
            continue;
        if (compiled.cidr && !compiled.cidr->contains(flow.sourceIp))
            continue;
        if (compiled.host) {
            bool hostMatches = compiled.host->matches(flow.sourceIp);
            for (std::size_t h = 0; !hostMatches && h < flow.hostnames.size(); ++h)
                hostMatches = compiled.host->matches(flow.hostnames[h]);
            if (!hostMatches)
                continue;
        }
        return static_cast<int>(i);
    }
    return -1;
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
