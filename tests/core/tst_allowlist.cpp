#include "testsupport.h"
#include "tuning/allowlist.h"
#include "tuning/textmatcher.h"

#include <QRandomGenerator>
#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

bool matches(std::string_view pattern, MatchMode mode, std::string_view text)
{
    const auto matcher = TextMatcher::compile(pattern, mode);
    if (!matcher)
        qFatal("%s", matcher.error().c_str());
    return matcher->matches(text);
}

AllowlistEntry entry(std::string id)
{
    AllowlistEntry e;
    e.id = std::move(id);
    e.reason = "test";
    return e;
}

} // namespace

class AllowlistTest : public QObject
{
    Q_OBJECT

private slots:
    // The index (by name, by zone) must answer exactly what checking every entry in order answers: the first
    // matching active entry. Random entries of every kind and case, random flows, against that reference.
    void indexedMatchingEqualsCheckingEveryEntry()
    {
        QRandomGenerator random(11);
        const std::vector<std::string> names { "api.lab.workers.dev", "Lab.Workers.Dev", "workers.dev",
            "x.y.lab.workers.dev", "labworkers.dev", "a.b", "b", "c2.evil.example", "EVIL.example", "dev" };
        const auto pick = [&](const std::vector<std::string>& from) { return from[random.bounded(int(from.size()))]; };
        for (int round = 0; round < 200; ++round) {
            std::vector<AllowlistEntry> entries;
            for (int i = 0; i < 12; ++i) {
                AllowlistEntry entry;
                entry.id = "e" + std::to_string(i);
                entry.reason = "test";
                const int kind = random.bounded(6);
                entry.match = kind < 2 ? MatchMode::Exact : kind < 5 ? MatchMode::Glob : MatchMode::Regex;
                const std::string name = pick(names);
                if (kind == 2)
                    entry.domain = "*." + name; // a zone
                else if (kind == 3)
                    entry.domain = name; // a plain glob
                else if (kind == 4)
                    entry.domain
                        = random.bounded(2) || name.size() < 4 ? "*" + name : name.substr(0, 2) + "?" + name.substr(3);
                else if (kind == 5)
                    entry.domain = "(?:.*\\.)?" + std::string(name == "b" ? "b" : "lab\\.workers\\.dev");
                else
                    entry.domain = name;
                if (random.bounded(4) == 0)
                    entry.domain.clear(); // any domain
                if (entry.match != MatchMode::Regex && random.bounded(3) == 0) // a path is no regex
                    entry.process = random.bounded(2) ? "C:\\Temp\\a.exe" : "c:\\temp\\B.exe";
                if (random.bounded(5) == 0) {
                    entry.expires = "2020-01-01";
                    entry.expiresAt = at("2020-01-02T00:00:00Z");
                }
                if (entry.domain.empty() && entry.process.empty())
                    entry.host = "10.0.0.5";
                entries.push_back(entry);
            }
            const auto allowlist = Allowlist::compile(entries);
            QVERIFY2(allowlist, whyNot(allowlist));
            for (const std::string& destination : names)
                for (const char* process : { "C:\\Temp\\a.exe", "C:\\Temp\\b.exe" }) {
                    FlowFacts flow { "10.0.0.5", destination, process, {} };
                    int expected = -1;
                    for (std::size_t i = 0; i < entries.size() && expected < 0; ++i) {
                        const AllowlistEntry& entry = entries[i];
                        const auto fieldMatches = [&](const std::string& pattern, std::string_view text) {
                            if (pattern.empty())
                                return true;
                            const auto matcher = TextMatcher::compile(pattern, entry.match);
                            return matcher && matcher->matches(text);
                        };
                        if (entry.isActive(at("2025-03-04T00:00:00Z")) && fieldMatches(entry.domain, destination)
                            && fieldMatches(entry.process, process) && fieldMatches(entry.host, "10.0.0.5"))
                            expected = static_cast<int>(i);
                    }
                    QCOMPARE(allowlist->match(flow, at("2025-03-04T00:00:00Z")), expected);
                }
        }
    }

    // Regex and glob domains are matched in sets of a few thousand patterns: the first matching entry in profile
    // order must win whichever set holds it, and 100,000 of them must still compile (docs/security.md).
    void manyPatternEntriesMatchAcrossSets()
    {
        std::vector<AllowlistEntry> entries;
        for (int i = 0; i < 100'000; ++i) {
            AllowlistEntry e = entry("r" + std::to_string(i));
            e.match = i % 2 ? MatchMode::Regex : MatchMode::Glob;
            e.domain = i % 2 ? "api-" + std::to_string(i) + "\\.t[0-9]+\\.workers\\.dev"
                             : "api-" + std::to_string(i) + ".t*.workers.dev";
            entries.push_back(std::move(e));
        }
        entries[70'001].domain = "api-5\\.t[0-9]+\\.workers\\.dev"; // a second entry for api-5, in a later set
        entries[99'999].domain = "(?i)BEACON\\..*"; // the last entry matches what no other does
        const auto allowlist = Allowlist::compile(entries);
        QVERIFY2(allowlist, whyNot(allowlist));
        const TimestampUs now = at("2025-03-04T00:00:00Z");
        const auto first = [&](std::string_view destination) {
            return allowlist->match(FlowFacts { "10.0.0.5", destination, "", {} }, now);
        };
        QCOMPARE(first("api-5.t42.workers.dev"), 5);
        QCOMPARE(first("API-40000.T7.WORKERS.DEV"), 40'000); // globs and regexes ignore case
        QCOMPARE(first("api-40001.t7.workers.dev"), 40'001);
        QCOMPARE(first("api-40001.tx.workers.dev"), -1);
        QCOMPARE(first("beacon.example"), 99'999);
        QCOMPARE(first("api-70001.t1.workers.dev"), -1); // its pattern was replaced
    }

    void exactMatchIgnoresCase()
    {
        QVERIFY(matches("Api.Lab.Workers.Dev", MatchMode::Exact, "api.lab.workers.dev"));
        QVERIFY(!matches("lab.workers.dev", MatchMode::Exact, "api.lab.workers.dev"));
    }

    void globStarCoversSubdomainsAndTheBareRoot()
    {
        QVERIFY(matches("*.dev0.workers.dev", MatchMode::Glob, "api.dev0.workers.dev"));
        QVERIFY(matches("*.dev0.workers.dev", MatchMode::Glob, "a.b.dev0.workers.dev"));
        QVERIFY(matches("*.dev0.workers.dev", MatchMode::Glob, "dev0.workers.dev"));
        QVERIFY(!matches("*.dev0.workers.dev", MatchMode::Glob, "xdev0.workers.dev"));
        QVERIFY(!matches("*.dev0.workers.dev", MatchMode::Glob, "dev0.workers.dev.evil.example"));
        QVERIFY(matches(R"(C:\Program Files\*\agent?.exe)", MatchMode::Glob, R"(c:\program files\Contoso\agent2.exe)"));
        QVERIFY(!matches("a.b", MatchMode::Glob, "axb")); // dots are literal
    }

    void regexIsAnchoredRe2()
    {
        QVERIFY(matches(R"(dev\d\.workers\.dev)", MatchMode::Regex, "DEV7.workers.dev"));
        QVERIFY(!matches(R"(dev\d\.workers\.dev)", MatchMode::Regex, "xdev7.workers.dev"));
        const auto matcher = TextMatcher::compile("(?<=x)y", MatchMode::Regex);
        QVERIFY(!matcher);
        QVERIFY(!matcher.error().empty());
    }

    void cidrMatchesIpv4Ipv6AndMappedAddresses()
    {
        const auto v4 = Cidr::parse("10.20.0.0/16");
        QVERIFY2(v4, whyNot(v4));
        QVERIFY(v4->contains("10.20.4.17"));
        QVERIFY(!v4->contains("10.21.0.1"));
        QVERIFY(v4->contains("::ffff:10.20.4.17"));
        QVERIFY(!v4->contains("not-an-ip"));
        const auto v6 = Cidr::parse("fe80::/10");
        QVERIFY2(v6, whyNot(v6));
        QVERIFY(v6->contains("fe80::1c2a:9b4f:3e1d:7a10"));
        QVERIFY(!v6->contains("10.20.4.17"));
        const auto host = Cidr::parse("192.168.1.5");
        QVERIFY(host && host->contains("192.168.1.5") && !host->contains("192.168.1.6"));
        QVERIFY(!Cidr::parse("10.0.0.0/-1"));
        for (const char* invalid :
            { "10.0.0.0/33", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/", "10.0.0.0/8x", "fe80::/129" }) {
            const auto refused = Cidr::parse(invalid);
            QVERIFY2(!refused, invalid);
            QVERIFY2(refused.error().find("is not a prefix length") != std::string::npos, refused.error().c_str());
        }
        // Host bits beside the prefix are ignored; an IPv4-mapped network is the IPv4 network it maps.
        const auto hostBits = Cidr::parse("10.20.0.1/16");
        QVERIFY(hostBits && hostBits->contains("10.20.9.9") && !hostBits->contains("10.21.0.1"));
        const auto mapped = Cidr::parse("::ffff:10.0.0.0/8");
        QVERIFY2(mapped, whyNot(mapped));
        QVERIFY(mapped->contains("10.1.2.3") && !mapped->contains("11.0.0.1"));
    }

    void entryMatchesOnlyWhenEveryMatcherMatches()
    {
        AllowlistEntry flowEntry = entry("flow");
        flowEntry.domain = "api.lab.workers.dev";
        flowEntry.process = R"(C:\Tools\agent.exe)";
        flowEntry.host = "wks-0142.corp.example";
        const auto allowlist = Allowlist::compile({ flowEntry });
        QVERIFY2(allowlist, whyNot(allowlist));
        const std::string_view hostnames[] = { "wks-0142.corp.example" };
        const std::string_view otherHosts[] = { "wks-0999.corp.example" };
        QCOMPARE(allowlist->match({ "10.0.0.5", "api.lab.workers.dev", R"(C:\Tools\agent.exe)", hostnames }, 0), 0);
        QCOMPARE(allowlist->match({ "10.0.0.5", "api.lab.workers.dev", R"(C:\Tools\other.exe)", hostnames }, 0), -1);
        QCOMPARE(allowlist->match({ "10.0.0.5", "api.lab.workers.dev", R"(C:\Tools\agent.exe)", otherHosts }, 0), -1);
    }

    void hostMatcherAcceptsTheIpOrAHostname()
    {
        AllowlistEntry byIp = entry("ip");
        byIp.host = "10.0.0.5";
        const auto allowlist = Allowlist::compile({ byIp });
        QVERIFY2(allowlist, whyNot(allowlist));
        QCOMPARE(allowlist->match({ "10.0.0.5", "x.workers.dev", "", {} }, 0), 0);
        QCOMPARE(allowlist->match({ "10.0.0.6", "x.workers.dev", "", {} }, 0), -1);
    }

    void expiredEntriesStopMatching()
    {
        AllowlistEntry temporary = entry("temporary");
        temporary.domain = "x.workers.dev";
        temporary.expires = "2026-06-01T00:00:00Z";
        temporary.expiresAt = at("2026-06-01T00:00:00Z");
        const auto allowlist = Allowlist::compile({ temporary });
        QVERIFY2(allowlist, whyNot(allowlist));
        const FlowFacts facts { "10.0.0.5", "x.workers.dev", "", {} };
        QCOMPARE(allowlist->match(facts, at("2026-05-31T23:59:59Z")), 0);
        QCOMPARE(allowlist->match(facts, at("2026-06-01T00:00:00Z")), -1);
    }

    void allowlistedFlowsAreStillEvaluatedAndReported()
    {
        EventTable table;
        for (const EventSpec& spec : series("2025-03-04T10:00:00Z", 12, 1200))
            append(table, spec);
        Profile profile;
        AllowlistEntry lab = entry("bob-lab");
        lab.cidr = "10.0.0.0/24";
        profile.allowlist.push_back(lab);
        const auto evaluated = evaluate(table, profile, at("2026-01-01T00:00:00Z"));
        QCOMPARE(evaluated.analysis.findings.size(), std::size_t(1));
        const Finding& finding = evaluated.analysis.findings[0];
        QCOMPARE(allowlistEntryOf(finding, profile)->id, std::string("bob-lab"));
        QVERIFY(finding.rule.fires);
        QCOMPARE(evaluated.analysis.summary.flowsFiringAllowlisted, std::uint64_t(1));
    }
};

QTEST_APPLESS_MAIN(AllowlistTest)
#include "tst_allowlist.moc"
