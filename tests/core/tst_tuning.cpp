// Tuning in the engine: a re-run after a change gives exactly what a full run gives, allowlist entries count the
// flows they hide, the what-if delta, profile diffs and fleet suggestions.

#include "findings/allowlistsuggestions.h"
#include "reports/scorereport.h"
#include "testsupport.h"
#include "tuning/profilediff.h"

#include <QTest>
#include <functional>

using namespace cepheid;
using namespace cepheid::test;

Q_DECLARE_METATYPE(std::function<void(cepheid::Profile&)>)

namespace {

using Change = std::function<void(Profile&)>;

AllowlistEntry entry(std::string id, std::string domain, MatchMode match = MatchMode::Exact)
{
    AllowlistEntry result;
    result.id = std::move(id);
    result.domain = std::move(domain);
    result.match = match;
    result.reason = "test";
    return result;
}

const std::string kAgent = R"(C:\Program Files\Contoso\Agent\contoso-agent.exe)";

} // namespace

class TuningTest : public QObject
{
    Q_OBJECT

private:
    EventTable m_events;
    FlowIndex m_flows;

    std::string report(const Analysis& analysis, const Analyzer& analyzer) const
    {
        ScoreReportOptions options;
        options.listAll = true;
        return writeScoreReport({}, m_events, m_flows, analysis, analyzer, options);
    }
    Analysis analyse(const Profile& profile, TimestampUs now = 0) const
    {
        const auto analyzer = Analyzer::create(profile);
        if (!analyzer)
            qFatal("profile refused in test: %s", analyzer.error().c_str());
        return analyzer->run(m_events, m_flows, now);
    }

private slots:
    void initTestCase()
    {
        const auto summary = importFile(
            sourcePath(QStringLiteral("resources/samples/chronicle-udm-sample.ndjson.gz")).toStdString(), 0, m_events);
        QVERIFY2(summary, whyNot(summary));
        m_flows = FlowIndex::build(m_events);
    }

    void rerunEqualsFullRun_data()
    {
        QTest::addColumn<Change>("change");
        QTest::newRow("min_events") << Change([](Profile& p) { p.rule.minEvents = 40; });
        QTest::newRow("min_hour_buckets") << Change([](Profile& p) { p.rule.minHourBuckets = 12; });
        QTest::newRow("max_avg_bytes_sent") << Change([](Profile& p) { p.rule.maxAvgBytesSent = 300; });
        QTest::newRow("window sliding") << Change([](Profile& p) { p.rule.windows = WindowModel::Sliding; });
        QTest::newRow("window hours") << Change([](Profile& p) { p.rule.windowHours = 6; });
        QTest::newRow("regex narrowed") << Change([](Profile& p) { p.rule.domainRegex = R"(.*\.workers\.dev)"; });
        QTest::newRow("catalog emptied") << Change([](Profile& p) { p.catalog.clear(); });
        QTest::newRow("alert verdict") << Change([](Profile& p) { p.score.alertVerdict = Verdict::Possible; });
        QTest::newRow("weights") << Change([](Profile& p) {
            p.score.weights.regularity = 60;
            p.score.weights.process = 0;
        });
        QTest::newRow("fleet hosts") << Change([](Profile& p) { p.score.fleetHosts = 40; });
        QTest::newRow("thresholds") << Change([](Profile& p) { p.score.beaconAt = 99; });
        QTest::newRow("allowlist") << Change(
            [](Profile& p) { p.allowlist.push_back(entry("cf", "*.cloudfunctions.net", MatchMode::Glob)); });
        QTest::newRow("everything") << Change([](Profile& p) {
            p.rule.minEvents = 20;
            p.score.weights.payload = 5;
            p.allowlist.push_back(entry("vercel", ".*vercel.*", MatchMode::Regex));
        });
    }

    // The tuning panel shows rerun()'s result; it must be the analysis a fresh run of the profile gives.
    void rerunEqualsFullRun()
    {
        QFETCH(Change, change);
        Profile after;
        change(after);
        compareRerunWithFullRun({}, after);
    }

    void rerunAppliesLocalOnlyNetworks()
    {
        // Every destination considered, then every IP destination declared local-only: a score setting, so the
        // re-run re-weighs the same measurements.
        Profile before;
        before.catalog = { { "any destination", ".*" } };
        Profile after = before;
        after.score.localOnlyNetworks = { "0.0.0.0/0", "::/0" };
        compareRerunWithFullRun(before, after);
    }

private:
    void compareRerunWithFullRun(const Profile& before, const Profile& after)
    {
        const auto beforeAnalyzer = Analyzer::create(before);
        QVERIFY2(beforeAnalyzer, whyNot(beforeAnalyzer));
        const auto afterAnalyzer = Analyzer::create(after);
        QVERIFY2(afterAnalyzer, whyNot(afterAnalyzer));
        const Analysis previous = beforeAnalyzer->run(m_events, m_flows, 0);
        const Analysis full = afterAnalyzer->run(m_events, m_flows, 0);
        const Analysis rerun = afterAnalyzer->rerun(previous, before, m_events, m_flows, 0);
        QCOMPARE(report(rerun, *afterAnalyzer), report(full, *afterAnalyzer));
        QCOMPARE(rerun.allowlistHits, full.allowlistHits);
        // And the change did something, or the comparison proves nothing.
        QVERIFY(report(full, *afterAnalyzer) != report(previous, *beforeAnalyzer));
    }

private slots:

    void allowlistHitsCountFirstMatches()
    {
        Profile profile;
        profile.allowlist = { entry("agent-cf", "contoso-config-0.cloudfunctions.net"),
            entry("all-cf", "*.cloudfunctions.net", MatchMode::Glob), entry("nothing", "nothing.example") };
        const Analysis analysis = analyse(profile);
        QCOMPARE(analysis.allowlistHits.size(), std::size_t(3));
        std::uint32_t first = 0, second = 0;
        for (const Finding& finding : analysis.findings) {
            first += finding.allowlistEntry == 0;
            second += finding.allowlistEntry == 1;
        }
        QCOMPARE(analysis.allowlistHits[0], 12u); // the fleet agent on twelve hosts
        QCOMPARE(analysis.allowlistHits[0], first);
        QCOMPARE(analysis.allowlistHits[1], second); // other cloudfunctions flows, not those entry 0 took
        QCOMPARE(analysis.allowlistHits[2], 0u);
        QCOMPARE(analysis.summary.flowsAllowlisted, std::uint64_t(first + second));
    }

    void expiredEntriesStopMatching()
    {
        Profile profile;
        AllowlistEntry expiring = entry("agent-cf", "contoso-config-0.cloudfunctions.net");
        expiring.expires = "2026-01-01";
        expiring.expiresAt = at("2026-01-02T00:00:00Z"); // through the end of the day
        profile.allowlist = { expiring };
        QCOMPARE(analyse(profile, at("2026-01-01T23:59:59Z")).allowlistHits[0], 12u);
        QCOMPARE(analyse(profile, at("2026-01-02T00:00:00Z")).allowlistHits[0], 0u);
    }

    // The what-if delta: lowering min_events makes more flows fire; allowlisting hides alerting ones.
    void alertingFlowsGiveTheDelta()
    {
        const Profile saved;
        const auto baseline = alertingFlows(analyse(saved), saved.score);
        Profile stricter = saved;
        stricter.allowlist = { entry("agent-cf", "contoso-config-0.cloudfunctions.net") };
        const auto after = alertingFlows(analyse(stricter), stricter.score);
        QCOMPARE(after.size() + 12, baseline.size());
        QVERIFY(std::includes(baseline.begin(), baseline.end(), after.begin(), after.end()));
    }

    void diffNamesEachChangedSetting()
    {
        Profile before;
        before.allowlist = { entry("a", "a.workers.dev"), entry("b", "b.workers.dev") };
        Profile after = before;
        after.rule.minEvents = 8;
        after.score.weights.regularity = 45;
        std::swap(after.allowlist[0], after.allowlist[1]); // reordering is not a change
        after.allowlist[0].reason = "approved in CHG-1234";
        after.allowlist.push_back(entry("c", "c.workers.dev"));
        after.catalog.pop_back();
        // Local-only networks are a set: one removed and one added are two changes, whatever the order.
        after.score.localOnlyNetworks.erase(after.score.localOnlyNetworks.begin());
        after.score.localOnlyNetworks.push_back("10.99.0.0/16");

        const auto changes = diffProfiles(before, after);
        QVERIFY(diffProfiles(before, before).empty());
        auto find = [&](const std::string& path) {
            for (const ProfileChange& change : changes)
                if (change.path == path)
                    return change;
            return ProfileChange {};
        };
        QCOMPARE(find("rule.min_events"), (ProfileChange { "rule.min_events", "12", "8" }));
        QCOMPARE(find("score.weights.regularity").after, std::string("45"));
        QCOMPARE(find("allowlist[b].reason"),
            (ProfileChange { "allowlist[b].reason", "\"test\"", "\"approved in CHG-1234\"" }));
        // An added entry is one change holding the whole entry; so is a removed catalog entry.
        QCOMPARE(find("allowlist[c]").before, std::string());
        QVERIFY(find("allowlist[c]").after.find("\"domain\":\"c.workers.dev\"") != std::string::npos);
        QVERIFY(find("allowlist[c].domain").path.empty());
        QVERIFY(find("allowlist[a].domain").path.empty()); // entry a did not change, only moved
        QVERIFY(find(R"(catalog[.+\.deno\.dev])").before.find("Deno Deploy") != std::string::npos);
        QCOMPARE(find(R"(catalog[.+\.deno\.dev])").after, std::string());
        QCOMPARE(find("score.local_only_networks[0.0.0.0/8]"),
            (ProfileChange { "score.local_only_networks[0.0.0.0/8]", "\"0.0.0.0/8\"", "" }));
        QCOMPARE(find("score.local_only_networks[10.99.0.0/16]").after, std::string("\"10.99.0.0/16\""));
        QCOMPARE(changes.size(), std::size_t(7));
        QVERIFY(formatProfileDiff(changes).find("rule.min_events: 12 -> 8\n") != std::string::npos);
    }

    void suggestsFleetSoftwareNotCampaigns()
    {
        const Profile profile;
        const Analysis analysis = analyse(profile);
        const auto suggestions = suggestAllowlistEntries(analysis, m_events, m_flows, profile.score);
        QCOMPARE(suggestions.size(), std::size_t(1));
        const AllowlistSuggestion& agent = suggestions.front();
        QCOMPARE(agent.entry.domain, std::string("contoso-config-0.cloudfunctions.net"));
        QCOMPARE(agent.entry.process, kAgent);
        QCOMPARE(agent.hosts, 12u);
        QCOMPARE(agent.flows, 12u);
        QCOMPARE(agent.firing, 12u);
        QVERIFY(agent.periodSeconds > 0);
        QVERIFY(!agent.entry.reason.empty());

        // Its stated effect is what adding it does, and an allowlisted group is not suggested again.
        Profile tuned = profile;
        tuned.allowlist.push_back(agent.entry);
        const Analysis after = analyse(tuned);
        QCOMPARE(after.allowlistHits[0], agent.flows);
        QCOMPARE(alertingFlows(analysis, profile.score).size() - alertingFlows(after, tuned.score).size(),
            std::size_t(agent.alerting));
        QVERIFY(suggestAllowlistEntries(after, m_events, m_flows, tuned.score).empty());

        // The office-hours implant (wscript on ten hosts) is a campaign: never a suggestion, at any fleet size.
        Profile small = profile;
        small.score.fleetHosts = 2;
        for (const auto& suggestion : suggestAllowlistEntries(analyse(small), m_events, m_flows, small.score))
            QVERIFY2(suggestion.entry.process.find("wscript") == std::string::npos, suggestion.entry.id.c_str());
    }
};

QTEST_GUILESS_MAIN(TuningTest)
#include "tst_tuning.moc"
