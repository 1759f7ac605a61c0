#include "testsupport.h"
#include "tuning/allowlist.h"
#include "tuning/textmatcher.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

bool matches(std::string_view pattern, MatchMode mode, std::string_view text)
{
    TextMatcher matcher;
    std::string error;
    if (!matcher.compile(pattern, mode, error))
        qFatal("%s", error.c_str());
    return matcher.matches(text);
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
        TextMatcher matcher;
        std::string error;
        QVERIFY(!matcher.compile("(?<=x)y", MatchMode::Regex, error));
        QVERIFY(!error.empty());
    }

    void cidrMatchesIpv4Ipv6AndMappedAddresses()
    {
        std::string error;
        const auto v4 = Cidr::parse("10.20.0.0/16", error);
        QVERIFY(v4);
        QVERIFY(v4->contains("10.20.4.17"));
        QVERIFY(!v4->contains("10.21.0.1"));
        QVERIFY(v4->contains("::ffff:10.20.4.17"));
        QVERIFY(!v4->contains("not-an-ip"));
        const auto v6 = Cidr::parse("fe80::/10", error);
        QVERIFY(v6);
        QVERIFY(v6->contains("fe80::1c2a:9b4f:3e1d:7a10"));
        QVERIFY(!v6->contains("10.20.4.17"));
        const auto host = Cidr::parse("192.168.1.5", error);
        QVERIFY(host && host->contains("192.168.1.5") && !host->contains("192.168.1.6"));
        QVERIFY(!Cidr::parse("10.0.0.0/-1", error));
    }

    void entryMatchesOnlyWhenEveryMatcherMatches()
    {
        AllowlistEntry flowEntry = entry("flow");
        flowEntry.domain = "api.lab.workers.dev";
        flowEntry.process = R"(C:\Tools\agent.exe)";
        flowEntry.host = "wks-0142.corp.example";
        std::string error;
        const auto allowlist = Allowlist::compile({ flowEntry }, error);
        QVERIFY(allowlist);
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
        std::string error;
        const auto allowlist = Allowlist::compile({ byIp }, error);
        QCOMPARE(allowlist->match({ "10.0.0.5", "x.workers.dev", "", {} }, 0), 0);
        QCOMPARE(allowlist->match({ "10.0.0.6", "x.workers.dev", "", {} }, 0), -1);
    }

    void expiredEntriesStopMatching()
    {
        AllowlistEntry temporary = entry("temporary");
        temporary.domain = "x.workers.dev";
        temporary.expires = "2026-06-01T00:00:00Z";
        temporary.expiresAt = at("2026-06-01T00:00:00Z");
        std::string error;
        const auto allowlist = Allowlist::compile({ temporary }, error);
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
