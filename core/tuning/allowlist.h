#pragma once

#include "cidr.h"
#include "profile.h"
#include "textmatcher.h"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
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

// What an allowlist entry with an actor can look at in a cloud change (docs/cloud-audit.md).
struct ChangeFacts
{
    std::string_view actor;
    std::span<const std::string_view> sourceIps; // of the change's calls
    std::span<const std::string_view> endpoints; // the function's public hostnames
};

// The allowlist compiled once per profile. Entries are indexed by their domain: an exact domain by the name, a
// glob "*.zone" or a plain name by its zone, so a flow looks up only the entries its destination can match (one
// hash lookup per label of the destination) plus those whose domain is a regex, another glob or absent. 100,000
// domain entries cost about what one does (docs/security.md, "Adversarial cost").
class Allowlist
{
public:
    // Fails (with a message naming the entry) on an invalid pattern or CIDR.
    static Expected<Allowlist> compile(const std::vector<AllowlistEntry>& entries);
    // What compile() would refuse (an invalid regex or CIDR), with the same message, without building anything:
    // reading a profile checks it, the analysis compiles it.
    static Expected<void> validate(const std::vector<AllowlistEntry>& entries);

    // Index of the first active entry that matches the flow, or -1. Entries with an actor never match a flow.
    int match(const FlowFacts& flow, TimestampUs now) const;
    // Index of the first active entry with an actor that matches the change, or -1.
    int matchChange(const ChangeFacts& change, TimestampUs now) const;
    std::size_t size() const { return m_entries.size(); }

    Allowlist();
    ~Allowlist();
    Allowlist(Allowlist&&) noexcept;
    Allowlist& operator=(Allowlist&&) noexcept;

private:
    struct Compiled
    {
        std::optional<TimestampUs> expiresAt;
        std::optional<TextMatcher> domain, process, host; // domain: unset when the name or zone index decides it
        std::optional<TextMatcher> actor; // set: the entry is for cloud changes only
        std::optional<Cidr> cidr;
        bool isActive(TimestampUs now) const { return !expiresAt || now < *expiresAt; }
    };
    // Lower-case names, compared without allocating for the lookup.
    struct NameHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const;
    };
    struct NameEqual
    {
        using is_transparent = void;
        bool operator()(std::string_view a, std::string_view b) const;
    };
    using NameIndex = std::unordered_map<std::string, std::vector<std::uint32_t>, NameHash, NameEqual>;

    bool matchesRest(const Compiled& compiled, const FlowFacts& flow, TimestampUs now) const;

    std::vector<Compiled> m_entries;
    NameIndex m_byName; // exact domain (and plain globs): the destination itself
    NameIndex m_byZone; // "*.zone": the destination or any name under it
    // Regex and other glob domains, matched together: the set says which entries' domains match, in one pass.
    struct DomainSet; // an RE2::Set and, per pattern, its entry (ascending)
    std::unique_ptr<DomainSet> m_domainSet;
    std::vector<std::uint32_t> m_scanned; // entries without a domain (or the set refused), one by one, ascending
    std::vector<std::uint32_t> m_changeEntries; // entries with an actor, ascending: in no flow index
};

// The serverless domain catalog, compiled.
class Catalog
{
public:
    // Fails, naming the entry, on an invalid regex.
    static Expected<Catalog> compile(const std::vector<CatalogEntry>& entries);
    // The platform of the first entry whose pattern matches the whole hostname, or empty.
    std::string_view platformOf(std::string_view hostname) const;

private:
    std::vector<std::pair<std::string, TextMatcher>> m_entries;
};

// "allowlist[2] (id \"dev-lambda\")": how errors name an entry.
std::string describeAllowlistEntry(std::size_t index, const AllowlistEntry& entry);

} // namespace cepheid
