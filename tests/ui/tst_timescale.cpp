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
};

QTEST_APPLESS_MAIN(TimeScaleTest)
#include "tst_timescale.moc"
