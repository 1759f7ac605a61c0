// The beacon charts as an analyst reads them: tick labels in the period's unit and never cut, a 120 s beacon on one
// line of the gap-over-time plot, clicks that open events, a drag that filters them, colours that keep their
// contrast in light and dark palettes.

#include "charts/axisticks.h"
#include "charts/chartcolors.h"
#include "charts/gapchart.h"
#include "charts/intervalchart.h"
#include "charts/timescale.h"
#include "mainwindow.h"
#include "models/changetext.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"
#include "models/floweventsmodel.h"
#include "testsupport.h"
#include "theme.h"
#include "tuning/thresholdspanel.h"
#include "tuning/tuningdock.h"
#include "views/flowdetail.h"
#include "views/hostview.h"
#include "views/timelineview.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace cepheid;
using namespace cepheid::test;
using namespace cepheid::ui;

namespace {

constexpr int kTimeoutMs = 120000;

// A beacon every 120 s ± 1 s for six hours from 2025-03-04 10:00 (a fixed pattern, not random), reaching a
// Workers domain so the catalog considers it.
QString writeBeacon(const QTemporaryDir& directory)
{
    std::string text;
    TimestampUs time = at("2025-03-04T10:00:00Z");
    for (int i = 0; i < 180; ++i) {
        text += udmEventWithProcess(i, formatRfc3339(time), R"(C:\\Temp\\beacon.exe)", "api.lab.workers.dev") + "\n";
        time += (120 + (i % 3) - 1) * kMicrosPerSecond;
    }
    return writeTestFile(directory, QStringLiteral("beacon.ndjson"), text);
}

// The beacon's host also browses: a Vercel app now and then and a busy ordinary site, three lanes in all.
QString writeBusyHost(const QTemporaryDir& directory)
{
    QFile beacon(writeBeacon(directory));
    if (!beacon.open(QIODevice::ReadOnly))
        qFatal("cannot read the beacon fixture");
    std::string text = beacon.readAll().toStdString();
    TimestampUs time = at("2025-03-04T10:03:00Z");
    for (int i = 0; i < 40; ++i) {
        text += udmEventWithProcess(
                    1000 + i, formatRfc3339(time), R"(C:\\Program Files\\Browser\\browser.exe)", "www.example.com")
            + "\n";
        time += (37 + (i * 53) % 400) * kMicrosPerSecond;
    }
    for (int i = 0; i < 5; ++i)
        text += udmEventWithProcess(2000 + i, formatRfc3339(at("2025-03-04T12:00:00Z") + i * 900 * kMicrosPerSecond),
                    R"(C:\\Program Files\\Browser\\browser.exe)", "docs-0.vercel.app")
            + "\n";
    return writeTestFile(directory, QStringLiteral("host.ndjson"), text);
}

// Imports an export into a 1366×768 window and selects its first finding (the highest score).
void openSingleFlow(MainWindow& window, const QString& path)
{
    window.resize(1366, 768);
    window.show();
    window.importFiles({ path });
    QTRY_VERIFY_WITH_TIMEOUT(window.findingsModel()->rowCount() >= 1 && !window.session()->isBusy(), kTimeoutMs);
    window.findingsView()->selectRow(0);
}

// The selected event of the Events tab.
EventIndex currentEvent(FlowDetail* detail)
{
    return static_cast<EventIndex>(detail->eventsView()->currentIndex().data(FlowEventsModel::EventRole).toULongLong());
}

} // namespace

class ChartsTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void durationTicksAreInThePeriodsUnit()
    {
        const DurationUnit minutes = durationUnitFor(120);
        QCOMPARE(minutes.symbol, QStringLiteral("min"));
        QStringList labels;
        for (const AxisTick& tick : durationTicks(270, 6, minutes))
            labels << tick.label;
        QCOMPARE(labels,
            (QStringList { QStringLiteral("0"), QStringLiteral("1 min"), QStringLiteral("2 min"),
                QStringLiteral("3 min"), QStringLiteral("4 min") }));
        labels.clear();
        for (const AxisTick& tick : durationTicks(150, 6, minutes))
            labels << tick.label;
        // Half-minute steps: below one minute the label is in seconds, above it in minutes.
        QCOMPARE(labels,
            (QStringList { QStringLiteral("0"), QStringLiteral("30 s"), QStringLiteral("1 min"),
                QStringLiteral("1.5 min"), QStringLiteral("2 min"), QStringLiteral("2.5 min") }));
        QCOMPARE(durationUnitFor(30).symbol, QStringLiteral("s"));
        QCOMPARE(durationUnitFor(3 * 3600).symbol, QStringLiteral("h"));
    }

    void timeTicksKeepTheDate()
    {
        // Six hours across midnight on a 600 px axis: hourly ticks; the first and the one at midnight carry the date.
        const TimeTicks ticks = timeTicks(at("2025-03-04T21:10:00Z"), at("2025-03-05T03:10:00Z"), 600, 80);
        QCOMPARE(ticks.step, kMicrosPerHour);
        QCOMPARE(ticks.ticks.front().label, QStringLiteral("03-04 22:00"));
        QCOMPARE(ticks.ticks[1].label, QStringLiteral("23:00"));
        QCOMPARE(ticks.ticks[2].label, QStringLiteral("03-05 00:00"));
        // Zoomed to a minute: seconds, still with the date on the first tick.
        const TimeTicks seconds = timeTicks(at("2025-03-04T10:00:00Z"), at("2025-03-04T10:01:00Z"), 600, 80);
        QCOMPARE(seconds.step, 10 * kMicrosPerSecond);
        QCOMPARE(seconds.ticks.front().label, QStringLiteral("03-04 10:00:00"));
        QCOMPARE(seconds.ticks[1].label, QStringLiteral("10:00:10"));
        // Days carry the year where it starts; centuries get calendar years, never a wrapped or yearless label.
        const TimeTicks days = timeTicks(at("2024-12-28T00:00:00Z"), at("2025-01-06T00:00:00Z"), 900, 80);
        QCOMPARE(days.step, kMicrosPerDay);
        QCOMPARE(days.ticks.front().label, QStringLiteral("2024-12-28"));
        QCOMPARE(days.ticks[1].label, QStringLiteral("12-29"));
        QCOMPARE(days.ticks[4].label, QStringLiteral("2025-01-01"));
        const TimeTicks centuries = timeTicks(at("0001-01-01T00:00:00Z"), at("9999-12-31T00:00:00Z"), 600, 80);
        QVERIFY(centuries.ticks.size() >= 2 && centuries.ticks.size() <= 8);
        for (const AxisTick& tick : centuries.ticks)
            QVERIFY2(tick.label.size() == 4 && tick.label.endsWith(u'0'), qPrintable(tick.label));
        QCOMPARE(perBucketText(kMicrosPerHour), QStringLiteral("per hour"));
        // Count and byte axes end at or above the tallest value (a histogram bar of 118 once rose past a top of 100).
        for (const double tallest : { 1.0, 7.0, 118.0, 999.0, 4801.0 }) {
            QVERIFY(countTicks(tallest, 5).back().value >= tallest);
            QVERIFY(byteTicks(tallest * 13, 5).back().value >= tallest * 13);
            QVERIFY(countTicks(tallest, 5).size() <= 7);
        }
        QCOMPARE(perBucketText(2 * kMicrosPerHour), QStringLiteral("per 2 h"));
        QCOMPARE(perBucketText(30 * 60 * kMicrosPerSecond), QStringLiteral("per 30 min"));
    }

    void chartsShowTheBeaconAtAGlance()
    {
        QTemporaryDir directory;
        MainWindow window;
        openSingleFlow(window, writeBeacon(directory));
        FlowDetail* detail = window.flowDetail();
        QVERIFY(FindingsModel::hasPeriod(window.findingsModel()->finding(window.findingsModel()->index(0, 0))->beacon));

        // Intervals: every x label drawn whole at 1366 px, in minutes (the period's unit).
        detail->tabs()->setCurrentIndex(FlowDetail::IntervalsTab);
        IntervalChart* intervals = detail->intervalChart();
        intervals->grab();
        const auto ticks = intervals->xTicks();
        QVERIFY(ticks.size() >= 3);
        QCOMPARE(intervals->labelsDrawn(), static_cast<int>(ticks.size()));
        for (const AxisTick& tick : ticks)
            QVERIFY2(tick.value == 0   ? tick.label == QStringLiteral("0")
                    : tick.value >= 60 ? tick.label.endsWith(QStringLiteral(" min"))
                                       : tick.label.endsWith(QStringLiteral(" s")),
                qPrintable(tick.label));
        QVERIFY(detail->intervalHeader()->text().contains(QStringLiteral("Period 2.0 min")));
        // The gaps fall in the bins around two minutes, and a click on one opens an event.
        int tallest = 0;
        for (int bin = 0; bin < static_cast<int>(intervals->bins().size()); ++bin)
            if (intervals->bins()[static_cast<std::size_t>(bin)].count
                > intervals->bins()[static_cast<std::size_t>(tallest)].count)
                tallest = bin;
        const IntervalChart::Bin& peak = intervals->bins()[static_cast<std::size_t>(tallest)];
        QVERIFY2(peak.low <= 121 && peak.high >= 119, qPrintable(intervals->binText(tallest)));

        // Gap over time: a 120 s ± 1 s beacon is one flat line: every point within 2.5 % of the chart's height of the
        // others (the ±1 s is all the spread there is).
        detail->tabs()->setCurrentIndex(FlowDetail::GapsTab);
        GapChart* gaps = detail->gapChart();
        gaps->grab();
        QCOMPARE(gaps->series().gaps.size(), std::size_t(179));
        double top = 1e9, bottom = -1e9;
        for (std::size_t i = 0; i < gaps->series().gaps.size(); ++i) {
            top = std::min(top, gaps->pointPosition(i).y());
            bottom = std::max(bottom, gaps->pointPosition(i).y());
        }
        QVERIFY2(bottom - top <= 0.025 * gaps->height(), qPrintable(QString::number(bottom - top)));
        QVERIFY(bottom - top > 0); // and the jitter is still visible
        QCOMPARE(gaps->aboveRange(), std::uint32_t(0));

        // A click on a point opens its event in the Events tab.
        const QPointF point = gaps->pointPosition(40);
        QTest::mouseClick(gaps, Qt::LeftButton, {}, point.toPoint());
        QCOMPARE(detail->tabs()->currentIndex(), int(FlowDetail::EventsTab));
        QCOMPARE(currentEvent(detail), gaps->series().events[40]);
        // The Events tab gives each event's time since the previous one, in the same words as the charts.
        QCOMPARE(detail->eventsView()->model()->index(1, FlowEventsModel::SincePrevious).data().toString(),
            QStringLiteral("2.0 min"));
        QCOMPARE(detail->eventsView()->model()->index(0, FlowEventsModel::SincePrevious).data().toString(),
            QStringLiteral("—"));
        // No HTTP in this export: no empty URL, user agent and status columns.
        QVERIFY(detail->eventsView()->isColumnHidden(FlowEventsModel::Url));
        QVERIFY(detail->eventsView()->isColumnHidden(FlowEventsModel::ResponseCode));
    }

    void eventsShowHttpDetailsWhenTheExportHasThem()
    {
        QTemporaryDir directory;
        std::string text;
        TimestampUs time = at("2025-03-04T10:00:00Z");
        for (int i = 0; i < 20; ++i, time += 120 * kMicrosPerSecond)
            text += udmHttpEvent(i, formatRfc3339(time), "https://api.lab.workers.dev/beat?n=" + std::to_string(i),
                        "Mozilla/5.0 (beacon)", i == 7 ? "503" : "200")
                + "\n";
        MainWindow window;
        openSingleFlow(window, writeTestFile(directory, QStringLiteral("proxy.ndjson"), text));
        QTableView* events = window.flowDetail()->eventsView();
        QVERIFY(!events->isColumnHidden(FlowEventsModel::Url));
        QCOMPARE(events->model()->index(7, FlowEventsModel::Url).data().toString(),
            QStringLiteral("https://api.lab.workers.dev/beat?n=7"));
        QCOMPARE(events->model()->index(7, FlowEventsModel::UserAgent).data().toString(),
            QStringLiteral("Mozilla/5.0 (beacon)"));
        QCOMPARE(events->model()->index(7, FlowEventsModel::ResponseCode).data().toInt(), 503);
    }

    void timelineClickOpensTheEventAndDragFiltersEvents()
    {
        QTemporaryDir directory;
        MainWindow window;
        openSingleFlow(window, writeBeacon(directory));
        FlowDetail* detail = window.flowDetail();
        detail->tabs()->setCurrentIndex(FlowDetail::TimelineTab);
        TimelineView* timeline = detail->timeline();
        QTRY_VERIFY(timeline->isVisible());
        // Six hours of one connection every two minutes in a few hundred pixels: too dense for bars, drawn as a rate.
        timeline->setVisibleRange(at("2025-03-04T10:00:00Z"), at("2025-03-04T16:00:00Z"));
        QCOMPARE(timeline->mode(), TimelineView::Mode::Rate);
        // Twenty minutes: each connection its own bar; clicking one opens it.
        timeline->setVisibleRange(at("2025-03-04T10:50:00Z"), at("2025-03-04T11:10:00Z"));
        QCOMPARE(timeline->mode(), TimelineView::Mode::Payload);
        const TimestampUs target = at("2025-03-04T11:00:00Z");
        const std::int64_t expected = timeline->eventAt(timeline->xOf(target));
        QVERIFY(expected >= 0);
        QTest::mouseClick(
            timeline, Qt::LeftButton, {}, QPoint(static_cast<int>(timeline->xOf(target)), timeline->height() / 2));
        QCOMPARE(detail->tabs()->currentIndex(), int(FlowDetail::EventsTab));
        QCOMPARE(currentEvent(detail), static_cast<EventIndex>(expected));

        // A drag across the timeline shows only the events in that range, and says so.
        detail->tabs()->setCurrentIndex(FlowDetail::TimelineTab);
        const int y = timeline->height() / 2;
        const int from = static_cast<int>(timeline->xOf(at("2025-03-04T10:55:00Z")));
        const int to = static_cast<int>(timeline->xOf(at("2025-03-04T11:05:30Z")));
        QTest::mousePress(timeline, Qt::LeftButton, {}, QPoint(from, y));
        QMouseEvent move(QEvent::MouseMove, QPointF(to, y), timeline->mapToGlobal(QPointF(to, y)), Qt::NoButton,
            Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(timeline, &move);
        QTest::mouseRelease(timeline, Qt::LeftButton, {}, QPoint(to, y));
        const int shown = detail->eventsView()->model()->rowCount();
        QVERIFY2(shown >= 4 && shown <= 6, qPrintable(QString::number(shown)));
        QCOMPARE(detail->tabs()->currentIndex(), int(FlowDetail::EventsTab));
    }

    void hostLanesScrollZoomSortAndKeepTheirZoom()
    {
        QTemporaryDir directory;
        MainWindow window;
        openSingleFlow(window, writeBusyHost(directory)); // the beacon, the highest score, is the first row
        FlowDetail* detail = window.flowDetail();
        HostView* host = detail->hostView();
        QCOMPARE(host->laneCount(), 3);
        detail->tabs()->setCurrentIndex(FlowDetail::HostTab);
        QTRY_VERIFY(host->isVisible());
        const TimestampUs span = host->scale().end - host->scale().start;
        const QPointF middle(host->labelWidth() + 50, 5);
        // A plain wheel is left to the scroll area (the lanes scroll); Ctrl+wheel zooms.
        QWheelEvent scroll(middle, host->mapToGlobal(middle), {}, QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
            Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(host, &scroll);
        QCOMPARE(host->scale().end - host->scale().start, span);
        QVERIFY(!scroll.isAccepted());
        QWheelEvent zoom(middle, host->mapToGlobal(middle), {}, QPoint(0, 120), Qt::NoButton, Qt::ControlModifier,
            Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(host, &zoom);
        const TimestampUs zoomed = host->scale().end - host->scale().start;
        QVERIFY(zoomed < span);
        // A re-analysis (a threshold change) keeps the zoom.
        window.tuningDock()->thresholds()->minEventsEditor()->setValue(13);
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isTuning(), kTimeoutMs);
        QCOMPARE(host->scale().end - host->scale().start, zoomed);
        // Sorted by score, the first lane is the highest-scoring flow; the keyboard walks and opens lanes.
        host->setLaneOrder(HostView::LaneOrder::Score);
        QCOMPARE(host->laneFlow(0),
            window.findingsModel()
                ->finding(window.findingsFilter()->mapToSource(window.findingsView()->currentIndex()))
                ->flowIndex);
        // A click opens the lane and leaves the keyboard on it (the re-sorted lanes once put it on another).
        const std::uint32_t third = host->laneFlow(2);
        QTest::mouseClick(host, Qt::LeftButton, {}, QPoint(host->labelWidth() / 2, 2 * host->laneHeight() + 3));
        QTRY_COMPARE(host->laneFlow(host->currentLane()), third);
        host->setLaneOrder(HostView::LaneOrder::Score);
        QTest::mouseClick(host, Qt::LeftButton, {}, QPoint(host->labelWidth() / 2, 3)); // the first lane
        QTRY_COMPARE(host->currentLane(), 0);
        QSignalSpy opened(host, &HostView::flowActivated);
        host->setFocus();
        QTest::keyClick(host, Qt::Key_Down);
        QCOMPARE(host->currentLane(), 1);
        const std::uint32_t second = host->laneFlow(1);
        QTest::keyClick(host, Qt::Key_Return);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.front().front().value<std::uint32_t>(), second);
    }

    void zoomingOutStopsNearTheData()
    {
        // Far-out zooming once overflowed the microsecond range and allocated a bucket per day of it: the view now
        // stays within four times the data's span, whatever the wheel does.
        TimeScale scale { at("2025-03-04T00:00:00Z"), at("2025-03-06T00:00:00Z"), 600 };
        const TimestampUs first = scale.start, last = scale.end;
        for (int notch = 0; notch < 500; ++notch) {
            scale.zoom(0.8, 300);
            scale.keepNear(first, last);
            scale.pan(notch % 2 ? 5000 : -7000);
            scale.keepNear(first, last);
            QVERIFY(scale.end > scale.start);
            QVERIFY(scale.end - scale.start <= 4 * (last - first));
            QVERIFY(scale.start <= last && scale.end >= first);
        }
    }

    void timelineAndLanesSurviveACaseSpanningMillennia()
    {
        // One stray event in year 1 and one in 9999 beside a beacon: zoomed out by wheel and keys, the views keep
        // drawing (a bucket per day of ten millennia once exhausted memory).
        QTemporaryDir directory;
        QFile beacon(writeBeacon(directory));
        QVERIFY(beacon.open(QIODevice::ReadOnly));
        std::string text = beacon.readAll().toStdString();
        text += udmEventWithProcess(900, "0001-01-01T00:00:00Z", R"(C:\\Temp\\beacon.exe)", "api.lab.workers.dev")
            + "\n";
        text += udmEventWithProcess(901, "9999-12-31T00:00:00Z", R"(C:\\Temp\\beacon.exe)", "api.lab.workers.dev")
            + "\n";
        MainWindow window;
        openSingleFlow(window, writeTestFile(directory, QStringLiteral("wide.ndjson"), text));
        FlowDetail* detail = window.flowDetail();
        detail->tabs()->setCurrentIndex(FlowDetail::TimelineTab);
        TimelineView* timeline = detail->timeline();
        for (int notch = 0; notch < 40; ++notch) {
            QTest::keyClick(timeline, Qt::Key_Minus);
            if (notch % 10 == 0)
                timeline->grab();
        }
        QVERIFY(timeline->scale().end > timeline->scale().start);
        QVERIFY(timeline->timeAxisTicks().size() >= 1);
        // Reset, the axis spans the beacon, not ten millennia; the two strays are said at the edges.
        QTest::keyClick(timeline, Qt::Key_Home);
        QVERIFY2(timeline->scale().end - timeline->scale().start < 30 * kMicrosPerDay,
            qPrintable(QString::number(timeline->scale().end - timeline->scale().start)));
        QCOMPARE(timeline->outsideRange(), std::make_pair(std::size_t(1), std::size_t(1)));
        detail->tabs()->setCurrentIndex(FlowDetail::HostTab);
        for (int notch = 0; notch < 40; ++notch)
            QTest::keyClick(detail->hostView(), Qt::Key_Minus);
        detail->hostView()->grab();
        QVERIFY(detail->hostView()->scale().end > detail->hostView()->scale().start);
    }

    void systemThemeIsThePlatformsOwnLook()
    {
        const QPalette platform = QApplication::palette();
        const QString style = QApplication::style()->name();
        applyTheme(Theme::System); // the start-up call: captures, changes nothing
        QCOMPARE(QApplication::palette(), platform);
        applyTheme(Theme::Dark);
        QVERIFY(isDark(QApplication::palette()));
        applyTheme(Theme::System);
        QCOMPARE(QApplication::palette(), platform);
        QCOMPARE(QApplication::style()->name(), style);
    }

    void coloursKeepTheirContrastInLightAndDarkPalettes()
    {
        QPalette light;
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, QColor(20, 20, 20));
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        QVERIFY(!isDark(light) && isDark(dark));
        for (const QPalette& palette : { light, dark }) {
            for (const int change : { 1, -1 }) {
                const QColor tint = FindingsModel::changeTint(palette, change);
                QVERIFY2(contrastRatio(tint, palette.color(QPalette::Text)) >= 4.5,
                    qPrintable(tint.name() + QStringLiteral(" on ") + palette.color(QPalette::Base).name()));
                QVERIFY(tint != palette.color(QPalette::Base)); // still a visible tint
            }
            // Cloud change severities: the table's cell, the Why tab's label, the findings' Cloud column.
            for (const ChangeSeverity severity : { ChangeSeverity::High, ChangeSeverity::Medium }) {
                const QColor tint = severityTint(palette, severity);
                QVERIFY2(contrastRatio(tint, palette.color(QPalette::Text)) >= 4.5, qPrintable(tint.name()));
                QVERIFY(tint != palette.color(QPalette::Base));
            }
            QVERIFY(severityTint(palette, ChangeSeverity::High) != severityTint(palette, ChangeSeverity::Medium));
            const ChartColors colors = chartColors(palette);
            // Graphics need 3:1 against their background (WCAG 1.4.11); axis text 4.5:1.
            QVERIFY(contrastRatio(colors.series, colors.background) >= 3);
            QVERIFY(contrastRatio(colors.accent, colors.background) >= 3);
            QVERIFY(contrastRatio(colors.change, colors.background) >= 3); // a cloud change's line on the timeline
            QVERIFY(contrastRatio(colors.text, colors.background) >= 4.5);
            QVERIFY(colors.night.alpha() > 0 && colors.night != colors.background);
        }
    }
};

QTEST_MAIN(ChartsTest)
#include "tst_charts.moc"
