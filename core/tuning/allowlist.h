#pragma once

#include "cidr.h"
#include "profile.h"
#include "textmatcher.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// What an allowlist entry can look at in a flow.
struct FlowFacts
{
    std::string_view sourceIp;
    std::string_view destination;
    std::string_view processPath;
    std::span<const std::string_view> hostnames; // principal hostnames seen in the flow's events
};

// The allowlist compiled once per profile; matching a flow costs no allocation.
class Allowlist
{
public:
    // Fails (with a message naming the entry) on an invalid pattern or CIDR.
    static std::optional<Allowlist> compile(const std::vector<AllowlistEntry>& entries, std::string& error);

    // Index of the first active entry that matches the flow, or -1.
    int match(const FlowFacts& flow, TimestampUs now) const;
    const AllowlistEntry& entry(std::size_t index) const { return m_entries[index].entry; }
    std::size_t size() const { return m_entries.size(); }

private:
    struct Compiled
    {
        AllowlistEntry entry;
        std::optional<TextMatcher> domain, process, host;
        std::optional<Cidr> cidr;
    };
    std::vector<Compiled> m_entries;
};

// The serverless domain catalog, compiled.
class Catalog
{
public:
    static std::optional<Catalog> compile(const std::vector<CatalogEntry>& entries, std::string& error);
    // The platform of the first entry whose pattern matches the whole hostname, or empty.
    std::string_view platformOf(std::string_view hostname) const;

private:
    std::vector<std::pair<std::string, TextMatcher>> m_entries;
};

// "allowlist[2] (id \"dev-lambda\")": how errors name an entry.
std::string describeAllowlistEntry(std::size_t index, const AllowlistEntry& entry);

} // namespace cepheid
