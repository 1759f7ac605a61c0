#include "charts/timescale.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::ui;

class TimeScaleTest : public QObject
{
    Q_OBJECT

private slots:
    void mapsTimeToPixelsAndBack()
    {
        const TimeScale scale { 0, 1000 * kMicrosPerSecond, 1000 };
        QCOMPARE(scale.toPixel(500 * kMicrosPerSecond), 500.0);
        QCOMPARE(scale.toTime(250), 250 * kMicrosPerSecond);
    }

    void zoomKeepsTheAnchorInPlace()
    {
        TimeScale scale { 0, 1000 * kMicrosPerSecond, 1000 };
        const TimestampUs anchor = scale.toTime(800);
        scale.zoom(4, 800);
        QCOMPARE(scale.end - scale.start, 250 * kMicrosPerSecond);
        QVERIFY(std::abs(scale.toPixel(anchor) - 800) < 1e-6);
        scale.zoom(1e9, 0); // never narrower than one second
        QCOMPARE(scale.end - scale.start, kMicrosPerSecond);
    }

    void panMovesByPixels()
    {
        TimeScale scale { 0, 1000 * kMicrosPerSecond, 1000 };
        scale.pan(100); // drag right: earlier times come into view
        QCOMPARE(scale.start, -100 * kMicrosPerSecond);
        QCOMPARE(scale.end, 900 * kMicrosPerSecond);
    }

    // A few events years away from the rest do not squash the axis: the range is the rest, and they are counted as
    // outside it. A case that really spans months keeps every event in range.
    void rangeLeavesOutlyingYearsOut()
    {
        std::vector<TimestampUs> beacon;
        const TimestampUs start = 1'741'082'400LL * kMicrosPerSecond; // 2025-03-04
        for (int i = 0; i < 30; ++i)
            beacon.push_back(start + i * 600 * kMicrosPerSecond);
        std::vector<TimestampUs> hostile = beacon;
        hostile.push_back(-62'135'596'800LL * kMicrosPerSecond); // 0001-01-01
        hostile.push_back(253'402'214'400LL * kMicrosPerSecond); // 9999-12-31
        const auto [first, last] = robustTimeRange(hostile);
        QCOMPARE(first, beacon.front());
        QCOMPARE(last, beacon.back() + 1);

        std::vector<TimestampUs> months;
        for (int day = 0; day < 120; ++day)
            months.push_back(start + day * kMicrosPerDay);
        months.push_back(start - 20 * kMicrosPerDay); // a straggler three weeks early: still in range
        const auto [monthsFirst, monthsLast] = robustTimeRange(months);
        QCOMPARE(monthsFirst, start - 20 * kMicrosPerDay);
        QCOMPARE(monthsLast, start + 119 * kMicrosPerDay + 1);

        QCOMPARE(robustTimeRange({ start }), std::make_pair(start, start + kMicrosPerSecond));
    }
};

QTEST_APPLESS_MAIN(TimeScaleTest)
#include "tst_timescale.moc"
