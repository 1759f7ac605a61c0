#include "reports/scorereport.h"
#include "testsupport.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

const std::string kProcess = R"(C:\Users\bob\AppData\Local\Temp\updater.exe)";

void appendAll(EventTable& table, const std::vector<EventSpec>& specs)
{
    for (const EventSpec& spec : specs)
        append(table, spec);
}

// 12 events one per 20 minutes from 10:00: four hours of the day (10, 11, 12, 13), small payloads: fires.
std::vector<EventSpec> firingBeacon(EventSpec base = {})
{
    return series("2025-03-04T10:00:00Z", 12, 20 * 60, base);
}

// By value: callers write `const Finding& f = only(evaluate(table))`, and the Evaluated temporary dies there.
Finding only(const Evaluated& evaluated)
{
    if (evaluated.analysis.findings.size() != 1)
        qFatal("expected exactly one finding, got %zu", evaluated.analysis.findings.size());
    return evaluated.analysis.findings.front();
}

Profile profileWith(WindowModel windows)
{
    Profile profile;
    profile.rule.windows = windows;
    return profile;
}

} // namespace

class RuleEvaluatorTest : public QObject
{
    Q_OBJECT

private slots:
    void firesOnSmallRegularTrafficAcrossThreeHours()
    {
        EventTable table;
        appendAll(table, firingBeacon());
        const auto evaluated = evaluate(table);
        const Finding& finding = only(evaluated);
        QVERIFY(finding.rule.fires);
        QCOMPARE(finding.rule.window->eventCount, std::int64_t(12));
        QCOMPARE(finding.rule.window->hourBuckets, std::int64_t(4));
        QCOMPARE(finding.rule.window->totalBytesSent, std::uint64_t(6000));
        QCOMPARE(finding.rule.window->avgBytesSent, std::int64_t(500));
        QCOMPARE(finding.rule.detections.size(), std::size_t(1));
    }

    void regexIsPartialAndCaseInsensitive_data()
    {
        QTest::addColumn<QString>("hostname");
        QTest::addColumn<bool>("matches");
        QTest::newRow("workers.dev subdomain") << QStringLiteral("api.lab.workers.dev") << true;
        QTest::newRow("upper case") << QStringLiteral("API.LAB.WORKERS.DEV") << true;
        QTest::newRow("look-alike suffix (unanchored)") << QStringLiteral("script.google.com.evil.example") << true;
        QTest::newRow("look-alike prefix (unanchored)") << QStringLiteral("xscript.google.com") << true;
        QTest::newRow("bare workers.dev needs a dot before it") << QStringLiteral("workers.dev") << false;
        QTest::newRow("api gateway") << QStringLiteral("abc.execute-api.us-east-1.amazonaws.com") << true;
        QTest::newRow("real lambda function URL") << QStringLiteral("abc.lambda-url.us-east-1.on.aws") << false;
        QTest::newRow("seed's lambda pattern") << QStringLiteral("abc.lambda-url.us-east-1.amazonaws.com") << true;
        QTest::newRow("apps script redirect host") << QStringLiteral("script.googleusercontent.com") << false;
        QTest::newRow("unrelated") << QStringLiteral("www.google.com") << false;
    }
    void regexIsPartialAndCaseInsensitive()
    {
        QFETCH(QString, hostname);
        QFETCH(bool, matches);
        const auto rule = RuleEvaluator::create(RuleSettings {});
        QVERIFY2(rule, whyNot(rule));
        QCOMPARE(rule->domainMatches(hostname.toStdString()), matches);
    }

    void dropsEventsThatAreNotOutboundConnections()
    {
        EventTable table;
        auto specs = firingBeacon();
        specs[0].eventType = "NETWORK_DNS";
        specs[1].direction = Direction::Inbound;
        specs[2].direction = Direction::Unknown;
        appendAll(table, specs);
        const Finding& finding = only(evaluate(table));
        QCOMPARE(finding.rule.dropped.eventType, std::uint64_t(1));
        QCOMPARE(finding.rule.dropped.direction, std::uint64_t(2));
        QCOMPARE(finding.rule.eligibleEvents, std::uint64_t(9));
        QVERIFY(!finding.rule.fires);
    }

    void dropsEventsWithEmptyProcessPath()
    {
        EventTable table;
        appendAll(table, series("2025-03-04T10:00:00Z", 50, 600, { .process = "" }));
        const Finding& finding = only(evaluate(table));
        QVERIFY(!finding.rule.fires);
        QCOMPARE(finding.rule.dropped.emptyProcessPath, std::uint64_t(50));
        QVERIFY(!finding.rule.window);
        QVERIFY(droppedReason(finding.rule).find("full_path is empty") != std::string::npos);
    }

    void dropsEventsWithoutPrincipalIp()
    {
        EventTable table;
        appendAll(table, series("2025-03-04T10:00:00Z", 50, 600, { .principalIps = {} }));
        const Finding& finding = only(evaluate(table));
        QVERIFY(!finding.rule.fires);
        QCOMPARE(finding.rule.dropped.emptySourceIp, std::uint64_t(50));
    }

    void flowsKnownOnlyByIpNeverFire()
    {
        EventTable table;
        appendAll(table, firingBeacon({ .destination = "", .targetIps = { "104.21.1.1" } }));
        const auto evaluated = evaluate(table);
        // An IP matches neither the regex nor the catalog: the flow exists but is not a finding, and the summary
        // still accounts for its events.
        QCOMPARE(evaluated.analysis.findings.size(), std::size_t(0));
        QCOMPARE(evaluated.analysis.summary.dropped.noHostname, std::uint64_t(12));
    }

    void fansOutRepeatedPrincipalIpIntoTwoDetections()
    {
        EventTable table;
        appendAll(table, firingBeacon({ .principalIps = { "10.0.0.1", "192.168.1.1" } }));
        const auto evaluated = evaluate(table);
        QCOMPARE(evaluated.analysis.findings.size(), std::size_t(2));
        for (const Finding& finding : evaluated.analysis.findings) {
            QVERIFY(finding.rule.fires);
            QCOMPARE(finding.rule.window->eventCount, std::int64_t(12));
        }
        QCOMPARE(evaluated.analysis.summary.flowsFiring, std::uint64_t(2));
    }

    void sumsEveryCopyButCountsEachIdOnce()
    {
        // Listing the same IP twice unnests into two copies in one group: sums double, count_distinct does not.
        EventTable table;
        appendAll(table, firingBeacon({ .principalIps = { "10.0.0.1", "10.0.0.1" }, .sent = 3000 }));
        const Finding& finding = only(evaluate(table));
        QCOMPARE(finding.rule.window->eventCount, std::int64_t(12));
        QCOMPARE(finding.rule.window->totalBytesSent, std::uint64_t(72000));
        QCOMPARE(finding.rule.window->avgBytesSent, std::int64_t(6000));
        QVERIFY(!finding.rule.fires); // 6000 >= 4096, although each event sent only 3000
    }

    void countsDuplicateEventIdsOnce()
    {
        EventTable table;
        auto specs = firingBeacon();
        specs[5].id = "dup";
        specs[6].id = "dup"; // a different row (other time) with an id already seen: the same event
        appendAll(table, specs);
        const Finding& finding = only(evaluate(table));
        QCOMPARE(finding.rule.window->eventCount, std::int64_t(11));
        QVERIFY(!finding.rule.fires);
        QCOMPARE(
            unmetConditions(*finding.rule.window, RuleSettings {}), std::vector<std::string> { "event_count 11 < 12" });
    }

    void hourBucketsAreDistinctHoursOfDay()
    {
        // 12 events within 10:00-11:59 on one day are two buckets, however they are spread.
        EventTable table;
        appendAll(table, series("2025-03-04T10:00:00Z", 12, 600));
        QCOMPARE(only(evaluate(table)).rule.window->hourBuckets, std::int64_t(2));
        // Crossing midnight: 23:xx, 00:xx, 01:xx are three buckets.
        EventTable midnight;
        appendAll(midnight, series("2025-03-04T23:30:00Z", 12, 600));
        const Finding& finding = only(evaluate(midnight, profileWith(WindowModel::Sliding)));
        QCOMPARE(finding.rule.window->hourBuckets, std::int64_t(3));
        QVERIFY(finding.rule.fires);
    }

    void sameHourOnTwoDaysCountsOnceInALongWindow()
    {
        Profile profile = profileWith(WindowModel::Sliding);
        profile.rule.windowHours = 48;
        EventTable table;
        appendAll(table, series("2025-03-04T10:00:00Z", 6, 300));
        appendAll(table, series("2025-03-05T10:00:00Z", 6, 300));
        const Finding& finding = only(evaluate(table, profile));
        QCOMPARE(finding.rule.window->eventCount, std::int64_t(12));
        QCOMPARE(finding.rule.window->hourBuckets, std::int64_t(1));
    }

    void thresholdsAreInclusiveForCountsAndStrictForBytes_data()
    {
        QTest::addColumn<int>("events");
        QTest::addColumn<int>("spacingMinutes");
        QTest::addColumn<qint64>("sent");
        QTest::addColumn<qint64>("received");
        QTest::addColumn<bool>("fires");
        QTest::newRow("12 events fires") << 12 << 20 << qint64(500) << qint64(900) << true;
        QTest::newRow("11 events does not") << 11 << 20 << qint64(500) << qint64(900) << false;
        QTest::newRow("3 hour buckets fires") << 12 << 10 << qint64(500) << qint64(900) << true; // 10:00-11:50 +
        QTest::newRow("avg sent 4095 fires") << 12 << 20 << qint64(4095) << qint64(900) << true;
        QTest::newRow("avg sent 4096 does not") << 12 << 20 << qint64(4096) << qint64(900) << false;
        QTest::newRow("avg received 16383 fires") << 12 << 20 << qint64(500) << qint64(16383) << true;
        QTest::newRow("avg received 16384 does not") << 12 << 20 << qint64(500) << qint64(16384) << false;
    }
    void thresholdsAreInclusiveForCountsAndStrictForBytes()
    {
        QFETCH(int, events);
        QFETCH(int, spacingMinutes);
        QFETCH(qint64, sent);
        QFETCH(qint64, received);
        QFETCH(bool, fires);
        EventTable table;
        // Starting 09:50 makes 10-minute spacing touch 09, 10, 11: exactly three buckets.
        appendAll(table,
            series("2025-03-04T09:50:00Z", events, spacingMinutes * 60,
                { .sent = std::uint64_t(sent), .received = std::uint64_t(received) }));
        QCOMPARE(only(evaluate(table)).rule.fires, fires);
    }

    void twoHourBucketsDoNotFire()
    {
        EventTable table;
        appendAll(table, series("2025-03-04T10:00:00Z", 12, 600)); // 10:00 .. 11:50
        const Finding& finding = only(evaluate(table));
        QVERIFY(!finding.rule.fires);
        QCOMPARE(
            unmetConditions(*finding.rule.window, RuleSettings {}), std::vector<std::string> { "hour_buckets 2 < 3" });
    }

    void averageIsFloorOfSumOverDistinctIds()
    {
        // Sum 49151 over 12 events: 4095.9 floors to 4095 < 4096, so it fires.
        EventTable table;
        auto specs = firingBeacon({ .sent = 4095 });
        specs[0].sent = 4095 + 11;
        appendAll(table, specs);
        const Finding& finding = only(evaluate(table));
        QCOMPARE(finding.rule.window->totalBytesSent, std::uint64_t(49151));
        QCOMPARE(finding.rule.window->avgBytesSent, std::int64_t(4095));
        QVERIFY(finding.rule.fires);
    }

    void hopWindowsAreAlignedToTheEpochEveryTenthOfTheWindow()
    {
        EventTable table;
        appendAll(table, firingBeacon());
        const Finding& finding = only(evaluate(table));
        const TimestampUs hop = 8640LL * kMicrosPerSecond;
        QCOMPARE(finding.rule.window->windowStart % hop, TimestampUs(0));
        QCOMPARE(finding.rule.window->windowEnd - finding.rule.window->windowStart, 24 * kMicrosPerHour);
        // The first window holding all 12 events (10:00-13:40) starts at the hop boundary just before 13:40 - 24 h.
        QCOMPARE(formatRfc3339(finding.rule.window->windowStart), std::string("2025-03-03T14:24:00Z"));
    }

    void windowsAreHalfOpen()
    {
        // 12 events at 01:00..12:00 and one more exactly 24 h after the first: a sliding window starting at the
        // first event does not contain it.
        Profile profile = profileWith(WindowModel::Sliding);
        EventTable table;
        appendAll(table, series("2025-03-04T01:00:00Z", 11, 3600));
        append(table, { .time = "2025-03-05T01:00:00Z" });
        const Finding& finding = only(evaluate(table, profile));
        QVERIFY(!finding.rule.fires);
        QCOMPARE(finding.rule.window->eventCount, std::int64_t(11));
    }

    void slidingWindowsFireWhereHopWindowsDoNot()
    {
        // 12 events from 01:00 spread over 23 h 50 min: no epoch-aligned hop window (starts at 00:00, 02:24, …)
        // holds them all, but the sliding window starting at 01:00 does.
        EventTable table;
        appendAll(table, series("2025-03-04T01:00:00Z", 12, (23 * 3600 + 50 * 60) / 11.0));
        const Finding& hop = only(evaluate(table, profileWith(WindowModel::Hop)));
        QVERIFY(!hop.rule.fires);
        QCOMPARE(hop.rule.window->eventCount, std::int64_t(11));
        const Finding& sliding = only(evaluate(table, profileWith(WindowModel::Sliding)));
        QVERIFY(sliding.rule.fires);
        QCOMPARE(sliding.rule.window->eventCount, std::int64_t(12));
        QCOMPARE(formatRfc3339(sliding.rule.window->windowStart), std::string("2025-03-04T01:00:00Z"));
    }

    void mergesOverlappingFiringWindowsIntoOneDetection()
    {
        EventTable table;
        appendAll(table, series("2025-03-04T00:00:00Z", 3 * 24 * 4, 900)); // every 15 minutes for three days
        const Finding& finding = only(evaluate(table));
        QVERIFY(finding.rule.fires);
        QCOMPARE(finding.rule.detections.size(), std::size_t(1));
        QVERIFY(finding.rule.detections[0].windows > 20);
        QCOMPARE(finding.rule.detections[0].peakEventCount, std::int64_t(96));
    }

    void separatesDetectionsWhenFiringWindowsDoNotOverlap()
    {
        EventTable table;
        appendAll(table, firingBeacon());
        appendAll(table, series("2025-03-10T10:00:00Z", 12, 20 * 60));
        const Finding& finding = only(evaluate(table));
        QCOMPARE(finding.rule.detections.size(), std::size_t(2));
        QVERIFY(finding.rule.detections[0].end <= finding.rule.detections[1].start);
    }

    void atomicTestBurstCanNeverFire()
    {
        // The seed's atomic test 1: 15 connections about 30 s apart from powershell.exe.
        EventTable table;
        appendAll(table,
            series("2025-03-04T10:55:00Z", 15, 30,
                { .process = R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)" }));
        for (WindowModel windows : { WindowModel::Hop, WindowModel::Sliding }) {
            const Finding& finding = only(evaluate(table, profileWith(windows)));
            QVERIFY(!finding.rule.fires);
            QCOMPARE(finding.rule.window->eventCount, std::int64_t(15));
            QCOMPARE(finding.rule.window->hourBuckets, std::int64_t(2));
        }
    }

    void tunedThresholdsChangeTheOutcome()
    {
        EventTable table;
        appendAll(table, series("2025-03-04T10:00:00Z", 8, 20 * 60));
        Profile profile;
        QVERIFY(!only(evaluate(table, profile)).rule.fires);
        profile.rule.minEvents = 8;
        QVERIFY(only(evaluate(table, profile)).rule.fires);
    }

    void catalogOnlyDestinationsAreConsideredButNeverFire()
    {
        EventTable table;
        appendAll(table, firingBeacon({ .destination = "k3x9q2m8v7.lambda-url.eu-west-1.on.aws" }));
        const auto evaluated = evaluate(table);
        const Finding& finding = only(evaluated);
        QCOMPARE(finding.platform, std::string("AWS Lambda function URL"));
        QVERIFY(!finding.rule.domainMatched);
        QVERIFY(!finding.rule.fires);
        QCOMPARE(finding.rule.dropped.domainMismatch, std::uint64_t(12));
        QCOMPARE(evaluated.analysis.summary.catalogOnlyFlows, std::uint64_t(1));
        const auto& lint = evaluated.analysis.lint;
        QVERIFY(std::any_of(
            lint.begin(), lint.end(), [](const LintFinding& f) { return f.id == "serverless-destinations-missed"; }));
    }

    void summaryAccountsForEveryEvent()
    {
        EventTable table;
        appendAll(table, firingBeacon());
        appendAll(table, series("2025-03-04T10:00:00Z", 5, 60, { .destination = "www.example.com" }));
        appendAll(table, series("2025-03-04T10:00:00Z", 3, 60, { .process = "" }));
        append(table, { .time = "2025-03-04T10:00:00Z", .destination = "", .targetIps = {} });
        const auto evaluated = evaluate(table);
        const AnalysisSummary& summary = evaluated.analysis.summary;
        QCOMPARE(
            summary.eligibleEvents + summary.dropped.total() + summary.eventsWithoutDestination + summary.duplicateRows,
            std::uint64_t(table.size()));
    }
};

QTEST_APPLESS_MAIN(RuleEvaluatorTest)
#include "tst_ruleevaluator.moc"
