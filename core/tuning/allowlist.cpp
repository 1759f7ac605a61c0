#include "allowlist.h"

#include <algorithm>
#include <deque>
#include <re2/re2.h>
#include <re2/set.h>

namespace cepheid {

std::string describeAllowlistEntry(std::size_t index, const AllowlistEntry& entry)
{
    std::string text = "allowlist[" + std::to_string(index) + "]";
    if (!entry.id.empty())
        text += " (id \"" + entry.id + "\")";
    return text;
}

// Regex and glob domains that no name or zone index decides, compiled together in sets of kPatternsPerSet: one
// pass of a set's DFA says which of its entries match. Sets are bounded because RE2 simplifies a set as one
// alternation: a single set of 100,000 patterns took seconds and a gigabyte. Entries keep no matcher of their own;
// should a set fail to compile, or run out of memory on some destination, its patterns are compiled one by one for
// that check (slow, never wrong).
struct Allowlist::DomainSet
{
    static constexpr std::size_t kPatternsPerSet = 2048;

    struct Chunk
    {
        Chunk()
            : set(options(), RE2::ANCHOR_BOTH)
        { }
        RE2::Set set;
        std::vector<std::uint32_t> entries; // pattern -> entry, ascending
        std::vector<std::string> sources; // pattern -> RE2 source, for the one-by-one fallback
        bool compiled = false;
    };

    static RE2::Options options()
    {
        RE2::Options options;
        options.set_case_sensitive(false);
        options.set_log_errors(false);
        options.set_max_mem(64 << 20);
        return options;
    }

    void add(std::uint32_t entry, std::string source)
    {
        if (chunks.empty() || chunks.back().entries.size() == kPatternsPerSet)
            chunks.emplace_back();
        Chunk& chunk = chunks.back();
        if (chunk.set.Add(source, nullptr) < 0) {
            refused.push_back(entry); // valid alone (validate() said so): scanned on its own
            return;
        }
        chunk.entries.push_back(entry);
        chunk.sources.push_back(std::move(source));
    }

    // The entries whose domain matches, ascending.
    std::vector<std::uint32_t> match(std::string_view destination) const
    {
        std::vector<std::uint32_t> matched;
        std::vector<int> hits;
        for (const Chunk& chunk : chunks) {
            hits.clear();
            RE2::Set::ErrorInfo problem {};
            if (chunk.compiled && chunk.set.Match(destination, &hits, &problem)) {
                for (const int hit : hits)
                    matched.push_back(chunk.entries[static_cast<std::size_t>(hit)]);
            } else if (!chunk.compiled || problem.kind != RE2::Set::kNoError) {
                for (std::size_t i = 0; i < chunk.sources.size(); ++i)
                    if (RE2::FullMatch(destination, RE2(chunk.sources[i], options())))
                        matched.push_back(chunk.entries[i]);
            }
        }
        std::sort(matched.begin(), matched.end());
        return matched;
    }

    std::deque<Chunk> chunks; // RE2::Set cannot move
    std::vector<std::uint32_t> refused;
};

Allowlist::Allowlist() = default;
Allowlist::~Allowlist() = default;
Allowlist::Allowlist(Allowlist&&) noexcept = default;
Allowlist& Allowlist::operator=(Allowlist&&) noexcept = default;

namespace {

std::string invalidField(std::size_t index, const AllowlistEntry& entry, std::string_view field, const std::string& why)
{
    return describeAllowlistEntry(index, entry) + ": invalid " + std::string(matchModeName(entry.match)) + " in \""
        + std::string(field) + "\": " + why;
}

} // namespace

Expected<void> Allowlist::validate(const std::vector<AllowlistEntry>& entries)
{
    // Parsed, not compiled: RE2::Set::Add parses a pattern and says what is wrong with it, at a fraction of the cost
    // of building a matcher (100,000 regexes). An exact value or a glob (every character but * and ? quoted) is
    // always valid.
    RE2::Set parser(DomainSet::options(), RE2::UNANCHORED);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const AllowlistEntry& entry = entries[i];
        if (entry.match == MatchMode::Regex)
            for (const auto& [value, field] :
                { std::pair { &entry.domain, "domain" }, std::pair { &entry.process, "process" },
                    std::pair { &entry.host, "host" }, std::pair { &entry.actor, "actor" } }) {
                std::string reason;
                if (!value->empty() && parser.Add(*value, &reason) < 0)
                    return failure(invalidField(i, entry, field, reason));
            }
        if (entry.cidr.empty())
            continue;
        if (const auto cidr = Cidr::parse(entry.cidr); !cidr)
            return failure(describeAllowlistEntry(i, entry) + ": invalid \"cidr\": " + cidr.error());
    }
    return {};
}

Expected<Allowlist> Allowlist::compile(const std::vector<AllowlistEntry>& entries)
{
    std::string error;
    Allowlist allowlist;
    allowlist.m_entries.reserve(entries.size());
    allowlist.m_domainSet = std::make_unique<DomainSet>();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const AllowlistEntry& entry = entries[i];
        Compiled& compiled = allowlist.m_entries.emplace_back();
        compiled.expiresAt = entry.expiresAt;
        auto compileField = [&](const std::string& value, std::string_view field, std::optional<TextMatcher>& out) {
            if (value.empty())
                return true;
            auto matcher = TextMatcher::compile(value, entry.match);
            if (!matcher) {
                error = invalidField(i, entry, field, matcher.error());
                return false;
            }
            out = std::move(*matcher);
            return true;
        };
        auto compileCidr = [&] {
            if (entry.cidr.empty())
                return true;
            auto cidr = Cidr::parse(entry.cidr);
            if (!cidr) {
                error = describeAllowlistEntry(i, entry) + ": invalid \"cidr\": " + cidr.error();
                return false;
            }
            compiled.cidr = *cidr;
            return true;
        };
        const auto index = static_cast<std::uint32_t>(i);
        if (!entry.actor.empty()) {
            // A cloud change entry: matched only by matchChange, its domain against the function's endpoints.
            if (!compileField(entry.actor, "actor", compiled.actor)
                || !compileField(entry.domain, "domain", compiled.domain)
                || !compileField(entry.host, "host", compiled.host))
                return failure(error);
            if (!compileCidr())
                return failure(error);
            allowlist.m_changeEntries.push_back(index);
            continue;
        }
        // Which index the domain goes to: a name or a zone are looked up, anything else is matched entry by entry.
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
        else if (domain.empty())
            allowlist.m_scanned.push_back(index);
        else // a regex, or a glob that is not a name or a zone: matched by the sets
            allowlist.m_domainSet->add(
                index, entry.match == MatchMode::Glob ? TextMatcher::globToRegex(domain) : std::string(domain));
        if (!compileField(entry.process, "process", compiled.process)
            || !compileField(entry.host, "host", compiled.host))
            return failure(error);
        if (!compileCidr())
            return failure(error);
    }
    for (DomainSet::Chunk& chunk : allowlist.m_domainSet->chunks)
        chunk.compiled = chunk.set.Compile();
    if (!allowlist.m_domainSet->refused.empty()) {
        // A pattern a set refused is checked on its own, with a matcher of its own, in profile order.
        for (const std::uint32_t index : allowlist.m_domainSet->refused) {
            auto matcher = TextMatcher::compile(entries[index].domain, entries[index].match);
            if (!matcher)
                return failure(invalidField(index, entries[index], "domain", matcher.error()));
            allowlist.m_entries[index].domain = std::move(*matcher);
        }
        allowlist.m_scanned.insert(
            allowlist.m_scanned.end(), allowlist.m_domainSet->refused.begin(), allowlist.m_domainSet->refused.end());
        std::sort(allowlist.m_scanned.begin(), allowlist.m_scanned.end());
    }
    if (allowlist.m_domainSet->chunks.empty())
        allowlist.m_domainSet.reset();
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
    if (!compiled.isActive(now))
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
    if (m_domainSet)
        consider(m_domainSet->match(flow.destination));
    consider(m_scanned);
    return best < m_entries.size() ? static_cast<int>(best) : -1;
}

int Allowlist::matchChange(const ChangeFacts& change, TimestampUs now) const
{
    const auto any = [](std::span<const std::string_view> values, auto&& test) {
        return std::any_of(values.begin(), values.end(), test);
    };
    for (const std::uint32_t index : m_changeEntries) {
        const Compiled& compiled = m_entries[index];
        if (!compiled.isActive(now) || !compiled.actor->matches(change.actor))
            continue;
        if (compiled.domain
            && !any(change.endpoints, [&](std::string_view endpoint) { return compiled.domain->matches(endpoint); }))
            continue;
        if (compiled.cidr && !any(change.sourceIps, [&](std::string_view ip) { return compiled.cidr->contains(ip); }))
            continue;
        if (compiled.host && !any(change.sourceIps, [&](std::string_view ip) { return compiled.host->matches(ip); }))
            continue;
        return static_cast<int>(index);
    }
    return -1;
}

Expected<Catalog> Catalog::compile(const std::vector<CatalogEntry>& entries)
{
    Catalog catalog;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        auto matcher = TextMatcher::compile(entries[i].pattern, MatchMode::Regex);
        if (!matcher) {
            return failure("catalog[" + std::to_string(i) + "] (platform \"" + entries[i].platform
                + "\"): invalid regex: " + matcher.error());
        }
        catalog.m_entries.emplace_back(entries[i].platform, std::move(*matcher));
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
