// The check-in model of the beacon score (docs/scoring.md, "Check-ins"): each test isolates one mechanism.

#include "scoring/checkins.h"
#include "testsupport.h"
#include "traffic.h"

#include <QTest>
#include <cmath>

using namespace cepheid;
using namespace cepheid::test;

namespace {

const std::string kDestination = "relay.lab.workers.dev";

const ScoreComponent& component(const Finding& finding, const std::string& name)
{
    for (const ScoreComponent& c : finding.beacon.components)
        if (c.name == name)
            return c;
    qFatal("no component %s", name.c_str());
}

// Check-ins every `period` +/- 20 % for `hours`; each is `offsets.size() + 1` connections, the later ones at the
// offsets (seconds after the first) that `offsets` returns.
template<typename Offsets>
void multiConnectionBeacon(
    Traffic& traffic, EventTable& table, const EventSpec& spec, double period, double hours, Offsets offsets)
{
    for (double t = traffic.uniform(0, period); t < hours * 3600; t += traffic.uniform(0.8 * period, 1.2 * period)) {
        traffic.connect(table, spec, t);
        for (double offset : offsets())
            traffic.connect(table, spec, t + offset);
    }
}

} // namespace

class CheckInTest : public QObject
{
    Q_OBJECT

private slots:
    void checkInsOfSeveralConnectionsKeepTheirPeriod_data()
    {
        QTest::addColumn<int>("shape");
        QTest::addColumn<int>("connections");
        QTest::addColumn<bool>("twoScale");
        QTest::newRow("a POST and a GET 50 ms apart") << 0 << 2 << false;
        QTest::newRow("request, reply 0.2 s later, retry 3 s after that") << 1 << 3 << true;
        QTest::newRow("a TLS session, then a second request 2-6 s later") << 2 << 2 << true;
    }
    void checkInsOfSeveralConnectionsKeepTheirPeriod()
    {
        QFETCH(int, shape);
        QFETCH(int, connections);
        QFETCH(bool, twoScale);
        Traffic traffic(500 + shape);
        EventTable table;
        multiConnectionBeacon(traffic, table, implant(kDestination), 120, 24, [&]() -> std::vector<double> {
            switch (shape) {
            case 0:
                return { 0.05 };
            case 1:
                return { 0.2, 3.2 };
            default:
                return { traffic.uniform(2, 6) };
            }
        });
        const Finding finding = scored(table, kDestination, kTempImplant);
        const BeaconScore& beacon = finding.beacon;
        QVERIFY(beacon.period.found);
        QVERIFY2(
            std::abs(beacon.period.periodSeconds - 120) / 120 < 0.05, QByteArray::number(beacon.period.periodSeconds));
        QCOMPARE(beacon.checkIns.largest, std::uint32_t(connections));
        QVERIFY(std::abs(beacon.checkIns.meanConnections - connections) < 1e-9);
        QCOMPARE(beacon.checkIns.twoScale, twoScale);
        QCOMPARE(beacon.checkIns.connections, beacon.checkIns.checkIns * std::uint32_t(connections));
        QVERIFY2(beacon.verdict == Verdict::Beacon, describe(finding));
        const std::string& persistence = component(finding, "persistence").explanation;
        QVERIFY2(persistence.find("connections per check-in") != std::string::npos, persistence.c_str());
    }

    void payloadIsMeasuredPerCheckIn()
    {
        // A POST of 500 bytes and a GET of 200 every two minutes is a steady 700 bytes per check-in.
        EventTable table;
        const TimestampUs start = at(kTrafficStart);
        for (int i = 0; i < 60; ++i) {
            EventSpec post = implant(kDestination), get = implant(kDestination);
            post.time = formatRfc3339(start + i * 120 * kMicrosPerSecond);
            post.sent = 500;
            post.received = 300;
            get.time = formatRfc3339(start + i * 120 * kMicrosPerSecond + 80'000);
            get.sent = 200;
            get.received = 1200;
            get.principalIps = { "10.0.0.5", "10.0.0.5" }; // listed twice: a fan-out copy in the same flow
            append(table, post);
            append(table, get);
        }
        const BeaconScore beacon = scored(table, kDestination, kTempImplant).beacon;
        QVERIFY(beacon.payload.known);
        QCOMPARE(beacon.payload.withBytes, std::uint32_t(60));
        QCOMPARE(beacon.payload.sentMedian, 700.0);
        QCOMPARE(beacon.payload.receivedMedian, 1500.0);
        QCOMPARE(beacon.payload.sentCv, 0.0);
    }

    void subSecondChatterIsNeverAboveBeingPossible_data()
    {
        QTest::addColumn<int>("shape");
        QTest::newRow("WebSocket sessions at random times, from PowerShell") << 0;
        QTest::newRow("an API session polling ten times a second for half an hour") << 1;
        QTest::newRow("ad-tracker bursts on page loads") << 2;
    }
    void subSecondChatterIsNeverAboveBeingPossible()
    {
        // No C2 checks in ten times a second: connections that close are one exchange, and a flow of such
        // exchanges is only as periodic as the exchanges are. Worst case: a scripting host, small payloads.
        QFETCH(int, shape);
        Traffic traffic(600 + shape);
        EventTable table;
        EventSpec spec = implant(kDestination, kPowerShell);
        spec.sent = 120;
        spec.received = 200;
        if (shape == 1) {
            for (double t = 0; t < 1800; t += traffic.uniform(0.09, 0.11))
                traffic.connect(table, spec, t);
        } else {
            for (double t = traffic.exponential(600); t < 48 * 3600; t += traffic.exponential(600)) {
                const int frames = static_cast<int>(shape == 0 ? traffic.uniform(20, 60) : traffic.uniform(3, 12));
                double frame = t;
                for (int f = 0; f < frames; ++f, frame += traffic.uniform(0.01, 0.15))
                    traffic.connect(table, spec, frame);
            }
        }
        const Finding finding = scored(table, kDestination, kPowerShell);
        QVERIFY2(finding.beacon.verdict <= Verdict::Possible, describe(finding));
        QVERIFY(finding.beacon.checkIns.meanConnections > 2);
        if (finding.beacon.period.found)
            QVERIFY2(finding.beacon.period.periodSeconds >= 1, QByteArray::number(finding.beacon.period.periodSeconds));
    }

    void mostlyIrregularGapsStayBelowLikely_data()
    {
        QTest::addColumn<int>("irregular");
        QTest::newRow("80 % memoryless waits, mean 60 s") << 0;
        QTest::newRow("80 % anywhere from 5 s to an hour") << 1;
        QTest::newRow("80 % anywhere from 2 to 20 minutes") << 2;
        QTest::newRow("80 % anywhere from 70 s to 4 minutes") << 3;
    }
    void mostlyIrregularGapsStayBelowLikely()
    {
        // One gap in five is a machine-exact 60 s; the rest are not. A regular subset must not make the flow
        // regular. Worst case again: a binary in a user-writable folder, small steady payloads.
        QFETCH(int, irregular);
        Traffic traffic(700 + irregular);
        EventTable table;
        EventSpec spec = implant(kDestination);
        spec.sent = 400;
        spec.received = 900;
        double t = 0;
        for (int gap = 0; gap < 400; ++gap) {
            traffic.connect(table, spec, t);
            if (traffic.uniform(0, 1) < 0.2) {
                t += 60;
                continue;
            }
            switch (irregular) {
            case 0:
                t += std::max(1.0, traffic.exponential(60));
                break;
            case 1:
                t += std::exp(traffic.uniform(std::log(5.0), std::log(3600.0)));
                break;
            case 2:
                t += traffic.uniform(120, 1200);
                break;
            default:
                t += traffic.uniform(70, 240);
                break;
            }
        }
        const Finding finding = scored(table, kDestination, kTempImplant);
        QVERIFY2(finding.beacon.verdict < Verdict::Likely, describe(finding));
    }

    void fewCheckInsAreLittleEvidence()
    {
        // The same clockwork from an installed program: five check-ins could agree by chance, forty cannot.
        auto flowOf = [](int checkIns) {
            Traffic traffic(800);
            EventTable table;
            EventSpec spec = implant(kDestination, kInstalledAgent);
            spec.sent = 400;
            spec.received = 900;
            for (int i = 0; i < checkIns; ++i)
                traffic.connect(table, spec, i * 300 + traffic.uniform(-3, 3));
            return scored(table, kDestination, kInstalledAgent);
        };
        const Finding few = flowOf(5), many = flowOf(40);
        QVERIFY2(few.beacon.verdict < Verdict::Likely, describe(few));
        QVERIFY2(many.beacon.verdict == Verdict::Beacon, describe(many));
        QVERIFY(component(few, "regularity").explanation.find("little evidence") != std::string::npos);
        // The jitter bound: the same measured CV is held against few beats more than against many.
        QVERIFY(few.beacon.period.singleBeatCvBound - few.beacon.period.singleBeatCv
            > many.beacon.period.singleBeatCvBound - many.beacon.period.singleBeatCv);
    }

    void jitterIsScoredAtItsUpperBound()
    {
        // Ten check-ins with 30 % symmetric jitter: the measured CV is about 0.17, but ten gaps cannot rule out
        // much more, and regularity is scored at the 95 % bound.
        Traffic traffic(1800);
        EventTable table;
        for (double t = 0, i = 0; i < 10; ++i, t += traffic.uniform(70, 130))
            traffic.connect(table, implant(kDestination), t);
        const Finding finding = scored(table, kDestination, kTempImplant);
        const PeriodFit& period = finding.beacon.period;
        QVERIFY(period.found);
        QVERIFY2(period.singleBeatCvBound > period.singleBeatCv * 1.2, QByteArray::number(period.singleBeatCvBound));
        const double evidence = evidenceOf(finding.beacon.intervals.intervals);
        QCOMPARE(*component(finding, "regularity").value, evidence * regularityOf(period.singleBeatCvBound));
        QVERIFY(*component(finding, "regularity").value < evidence * regularityOf(period.singleBeatCv));
    }

    void harmonicToleranceFollowsTheJitter()
    {
        // A machine-tight 60 s beacon. Missed beats land on 120 s and 180 s; gaps anywhere in 70-230 s do not,
        // and a tight flow is held to its multiples (a jittered one could not be).
        auto flowWith = [](bool missedBeats) {
            Traffic traffic(900);
            EventTable table;
            double t = 0;
            for (int i = 0; i < 300; ++i) {
                traffic.connect(table, implant(kDestination), t);
                if (traffic.uniform(0, 1) >= 0.3)
                    t += traffic.uniform(59.7, 60.3);
                else
                    t += missedBeats ? 60 * std::round(traffic.uniform(1.5, 3.5)) + traffic.uniform(-0.3, 0.3)
                                     : traffic.uniform(70, 230);
            }
            return scored(table, kDestination, kTempImplant);
        };
        const Finding missed = flowWith(true), stray = flowWith(false);
        QVERIFY2(missed.beacon.period.tolerance < 0.1, QByteArray::number(missed.beacon.period.tolerance));
        QVERIFY2(*component(missed, "harmonics").value > 0.9, describe(missed));
        QVERIFY2(*component(stray, "harmonics").value < 0.6, describe(stray));
    }

    void implantTraitsRankAbovePeriodicUpdaters_data()
    {
        QTest::addColumn<int>("trait");
        QTest::newRow("machine-tight timing") << 0;
        QTest::newRow("binary in a user-writable folder") << 1;
        QTest::newRow("scripting host") << 2;
        QTest::newRow("small steady payloads") << 3;
        QTest::newRow("longer persistence") << 4;
    }
    void implantTraitsRankAbovePeriodicUpdaters()
    {
        // An updater on one host: an installed program every 15 minutes with 40 % timing CV, fetching 2-30 KB, seen
        // for 3 hours. Nothing in the data says it is benign, but each trait of an implant, alone, must rank a flow
        // above it. Timing and payloads come from separate seeded streams, so a variant differs in its trait only.
        QFETCH(int, trait);
        auto flowWith = [](int changed) {
            Traffic timing(1100), payloads(1200);
            EventTable table;
            const std::string process = changed == 1 ? kTempImplant : changed == 2 ? kPowerShell : kInstalledAgent;
            EventSpec spec = implant(kDestination, process);
            const double hours = changed == 4 ? 72 : 3;
            for (double t = 0; t < hours * 3600;
                 t += changed == 0 ? timing.uniform(890, 910) : timing.uniform(0.3 * 900, 1.7 * 900)) {
                spec.sent = changed == 3 ? 420 : static_cast<std::uint64_t>(payloads.uniform(2000, 30'000));
                spec.received = changed == 3 ? 900 : static_cast<std::uint64_t>(payloads.uniform(5000, 60'000));
                timing.connect(table, spec, t);
            }
            return scored(table, kDestination, process);
        };
        const Finding updater = flowWith(-1), variant = flowWith(trait);
        QVERIFY2(updater.beacon.verdict < Verdict::Likely, describe(updater));
        QVERIFY2(variant.beacon.score > updater.beacon.score,
            QByteArray(describe(variant) + " vs updater " + describe(updater)).constData());
    }

    void officeHoursImplantKeepsItsMultiConnectionCheckIns()
    {
        // Check-ins of three connections (+2 s, +6 s) every 5 minutes, working hours only, for two weeks. Nights
        // are the widest empty stretch between gaps, but bursts come first: the period is the check-ins'.
        Traffic traffic(1300);
        EventTable table;
        const EventSpec spec = implant(kDestination);
        for (double t = 0; t < 14 * 86400; t += traffic.uniform(270, 330)) {
            const double hourOfDay = std::fmod(t / 3600, 24);
            const bool weekend = (static_cast<int>(t / 86400) + 2) % 7 >= 5;
            if (hourOfDay < 8 || hourOfDay >= 18 || weekend)
                continue;
            for (double offset : { 0.0, 2.0, 6.0 })
                traffic.connect(table, spec, t + offset);
        }
        const Finding finding = scored(table, kDestination, kTempImplant);
        QVERIFY(finding.beacon.checkIns.twoScale);
        QCOMPARE(finding.beacon.checkIns.largest, std::uint32_t(3));
        QVERIFY2(std::abs(finding.beacon.period.periodSeconds - 300) / 300 < 0.05,
            QByteArray::number(finding.beacon.period.periodSeconds));
        QVERIFY2(finding.beacon.verdict == Verdict::Beacon, describe(finding));
    }

    void strayRetriesAreNotASecondScale()
    {
        // POST and GET 50 ms apart every 2 minutes, and in one check-in of fifty a retry 3 s later: the sub-second
        // rule groups the pairs, and a few retries (under 5 % of the gaps) are not a second cluster of the flow.
        Traffic traffic(1400);
        EventTable table;
        int checkIn = 0;
        multiConnectionBeacon(traffic, table, implant(kDestination), 120, 24, [&] {
            return ++checkIn % 50 == 0 ? std::vector<double> { 0.05, 3.05 } : std::vector<double> { 0.05 };
        });
        const BeaconScore beacon = scored(table, kDestination, kTempImplant).beacon;
        QVERIFY(!beacon.checkIns.twoScale);
        QVERIFY2(beacon.verdict == Verdict::Beacon, QByteArray::number(beacon.score));
    }

    void sessionsLastingHoursAreNotCheckIns()
    {
        // Sessions of irregular requests (5-60 s apart) lasting 45 minutes, every 2 hours: grouping them would make
        // a regular series, but a 45-minute "check-in" is a session, not a burst.
        Traffic traffic(1500);
        EventTable table;
        for (double session = 0; session < 72 * 3600; session += 7200)
            for (double t = session; t < session + 2700; t += traffic.uniform(5, 60))
                traffic.connect(table, implant(kDestination), t);
        const BeaconScore beacon = scored(table, kDestination, kTempImplant).beacon;
        QVERIFY(!beacon.checkIns.twoScale);
    }

    void anImplantInInteractiveBurstsKeepsItsPeriod()
    {
        // Twelve check-ins 5 s apart, then 8-12 minutes of sleep, thirty times. The bursts could be grouped (they
        // are short against the sleeps), but the 5 s beacon is the more periodic reading, and it is kept.
        Traffic traffic(1600);
        EventTable table;
        double t = 0;
        for (int burst = 0; burst < 30; ++burst) {
            for (int beat = 0; beat < 12; ++beat, t += traffic.uniform(4.95, 5.05))
                traffic.connect(table, implant(kDestination), t);
            t += traffic.uniform(480, 720);
        }
        const BeaconScore beacon = scored(table, kDestination, kTempImplant).beacon;
        QVERIFY(!beacon.checkIns.twoScale);
        QVERIFY2(std::abs(beacon.period.periodSeconds - 5) / 5 < 0.05, QByteArray::number(beacon.period.periodSeconds));
    }

    void anExactTimerKeepsItsMissedBeatsThroughNetworkDelay()
    {
        // A timer exact to 10 ms every 60 s; a quarter of its beats are missed, and those gaps carry a second or
        // two of network delay. The harmonic windows never shrink below 5 %, which such delays need.
        Traffic traffic(1700);
        EventTable table;
        double t = 0;
        for (int i = 0; i < 300; ++i) {
            traffic.connect(table, implant(kDestination), t);
            t += traffic.uniform(0, 1) < 0.25 ? 120 + traffic.uniform(-2, 2) : traffic.uniform(59.99, 60.01);
        }
        const Finding finding = scored(table, kDestination, kTempImplant);
        QVERIFY2(*component(finding, "harmonics").value > 0.9, describe(finding));
    }

    void memorylessTrafficIsNotGroupedIntoCheckIns()
    {
        // Sorted gaps of random traffic are dense at every scale, so no two-scale structure is found however the
        // dice fall (a grouping that swallowed the short gaps would leave a falsely regular series behind).
        for (std::uint64_t seed = 1; seed <= 30; ++seed) {
            Traffic traffic(seed);
            EventTable table;
            traffic.beacon(table, implant(kDestination), 24, [&] { return traffic.exponential(60); });
            const Finding finding = scored(table, kDestination, kTempImplant);
            QVERIFY2(!finding.beacon.checkIns.twoScale, QByteArray::number(seed));
            QVERIFY2(finding.beacon.verdict < Verdict::Likely, describe(finding));
        }
    }

    void officeHoursAreNotGroupedIntoWorkingDays()
    {
        // Beats every 8-10 minutes and nights between them are two scales too, but a "check-in" lasting a working
        // day is not a burst: the flow keeps its 9-minute period.
        Traffic traffic(1000);
        EventTable table;
        traffic.beacon(
            table, implant(kDestination), 14 * 24, [&] { return traffic.uniform(480, 600); }, 0, true);
        const Finding finding = scored(table, kDestination, kTempImplant);
        QVERIFY(!finding.beacon.checkIns.twoScale);
        QVERIFY2(std::abs(finding.beacon.period.periodSeconds - 540) / 540 < 0.05,
            QByteArray::number(finding.beacon.period.periodSeconds));
        QVERIFY2(finding.beacon.verdict == Verdict::Beacon, describe(finding));
    }

    void groupsConnectionsByTheirGaps()
    {
        // The grouping itself: 0.3 s is always inside a check-in; 4 s only where the flow's gaps say so.
        const std::vector<TimestampUs> times = { 0, 300'000, 4'300'000, 120'000'000, 120'300'000, 124'300'000,
            240'000'000, 240'300'000, 244'300'000, 360'000'000, 360'300'000, 364'300'000, 480'000'000 };
        std::vector<EventIndex> events(times.size());
        for (std::size_t i = 0; i < events.size(); ++i)
            events[i] = static_cast<EventIndex>(i);
        const CheckIns exchanges = groupCheckIns(times, events, kSameExchangeUs);
        QCOMPARE(exchanges.count(), std::uint32_t(9));
        const CheckIns found = findCheckIns(times, events);
        QVERIFY(found.twoScale);
        QCOMPARE(found.count(), std::uint32_t(5));
        QCOMPARE(found.startEvents, (std::vector<EventIndex> { 0, 3, 6, 9, 12 }));
        QCOMPARE(found.connections, (std::vector<std::uint32_t> { 3, 3, 3, 3, 1 }));
        QCOMPARE(found.longestInnerGapSeconds, 4.0);
        QCOMPARE(checkInGaps(found), (std::vector<double> { 120, 120, 120, 120 }));
    }
};

QTEST_APPLESS_MAIN(CheckInTest)
#include "tst_checkins.moc"
