// cepheid-gui-bench: how the workbench copes with a large case. A benchmark, not a test.
//
//   QT_QPA_PLATFORM=offscreen cepheid-gui-bench CASE.cepheid
//
// Measures: opening the case until the findings table has painted (case open + analysis on the worker, then the
// model reset and a paint on the GUI thread), the timeline's repaint time while zooming into the busiest flow, its
// interval histogram and gap-over-time repaints, and
// tuning: threshold changes made in the panel, from the edit to the updated table, with the engine's time and the
// GUI thread's longest stall (a 5 ms timer's worst lateness) while they run.

#include "charts/gapchart.h"
#include "charts/intervalchart.h"
#include "exports/reportdialog.h"
#include "mainwindow.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"
#include "tuning/thresholdspanel.h"
#include "tuning/tuningdock.h"
#include "views/flowdetail.h"
#include "views/timelineview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <cstdio>
#include <tuple>

using namespace cepheid;
using namespace cepheid::ui;

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: cepheid-gui-bench CASE.cepheid\n");
        return 2;
    }
    MainWindow window;
    window.resize(1500, 900);
    window.show();
    QElapsedTimer clock;
    clock.start();
    bool ready = false;
    QObject::connect(window.session(), &CaseSession::snapshotReady, [&] { ready = true; });
    window.openCase(QString::fromLocal8Bit(argv[1]));
    while (!ready)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    const qint64 analysed = clock.elapsed();
    window.findingsView()->viewport()->repaint();
    const qint64 painted = clock.elapsed();
    const auto snapshot = window.session()->snapshot();
    std::printf("case open + analysis (worker)  %6lld ms  (%zu events, %d findings)\n",
        static_cast<long long>(analysed), snapshot->events.size(), window.findingsModel()->rowCount());
    std::printf("first paint of the table       %6lld ms after the start\n", static_cast<long long>(painted));

    // The busiest finding's timeline, zoomed in 20 steps.
    int busiest = 0;
    for (int row = 1; row < window.findingsModel()->rowCount(); ++row)
        if (window.findingsModel()->finding(window.findingsModel()->index(row, 0))->events
            > window.findingsModel()->finding(window.findingsModel()->index(busiest, 0))->events)
            busiest = row;
    window.findingsView()->selectRow(
        window.findingsFilter()->mapFromSource(window.findingsModel()->index(busiest, 0)).row());
    FlowDetail* detail = window.flowDetail();
    detail->tabs()->setCurrentIndex(FlowDetail::TimelineTab);
    TimelineView* timeline = detail->timeline();
    QApplication::processEvents();
    double worst = 0, total = 0;
    for (int step = 0; step < 20; ++step) {
        QElapsedTimer paint;
        paint.start();
        timeline->repaint();
        const double ms = paint.nsecsElapsed() / 1e6;
        worst = std::max(worst, ms);
        total += ms;
        timeline->zoom(1.3, timeline->width() / 2.0);
    }
    std::printf("timeline repaint (%zu events)  %6.2f ms mean, %6.2f ms worst over 20 zoom steps\n",
        timeline->eventCount(), total / 20, worst);

    // The busiest flow's beacon charts: selecting it (check-ins grouped for the charts), then repaints.
    const int busiestRow = window.findingsFilter()->mapFromSource(window.findingsModel()->index(busiest, 0)).row();
    window.findingsView()->selectRow(busiestRow == 0 ? 1 : 0); // another finding first, so the selection changes
    QApplication::processEvents();
    QElapsedTimer select;
    select.start();
    window.findingsView()->selectRow(
        window.findingsFilter()->mapFromSource(window.findingsModel()->index(busiest, 0)).row());
    std::printf(
        "select the busiest finding     %6.2f ms (detail pane, both charts' series)\n", select.nsecsElapsed() / 1e6);
    for (const auto& [tab, widget, name] :
        { std::tuple { FlowDetail::IntervalsTab, static_cast<QWidget*>(detail->intervalChart()), "interval histogram" },
            std::tuple { FlowDetail::GapsTab, static_cast<QWidget*>(detail->gapChart()), "gap over time      " } }) {
        detail->tabs()->setCurrentIndex(tab);
        QApplication::processEvents();
        double chartWorst = 0, chartTotal = 0;
        for (int repeat = 0; repeat < 20; ++repeat) {
            QElapsedTimer paint;
            paint.start();
            widget->repaint();
            const double ms = paint.nsecsElapsed() / 1e6;
            chartWorst = std::max(chartWorst, ms);
            chartTotal += ms;
        }
        std::printf("%s repaint      %6.2f ms mean, %6.2f ms worst over 20 (%zu gaps)\n", name, chartTotal / 20,
            chartWorst, detail->gapChart()->series().gaps.size());
    }

    // File > Export runs on the GUI thread: how long it holds it, per format (every considered finding would be
    // more, but the menu exports the alerting ones).
    for (const auto& [format, name] : { std::pair { FindingsFormat::Csv, "csv " },
             std::pair { FindingsFormat::Json, "json" }, std::pair { FindingsFormat::Stix, "stix" } }) {
        QElapsedTimer exportClock;
        exportClock.start();
        window.exportFindingsTo(format, QStringLiteral("/tmp/cepheid-gui-bench-export"));
        std::printf(
            "File > Export findings (%s)    %6.1f ms on the GUI thread\n", name, exportClock.nsecsElapsed() / 1e6);
    }
    QFile::remove(QStringLiteral("/tmp/cepheid-gui-bench-export"));

    // File > Export > Case Report of every considered finding: written on a worker; the GUI thread only shows
    // progress, and a 5 ms timer's worst lateness says how long it was ever held.
    for (const auto& [format, name] :
        { std::pair { ReportFormat::Html, "html" }, std::pair { ReportFormat::Pdf, "pdf " } }) {
        ReportDialog* dialog = window.showReportDialog();
        dialog->chooseFindings(QStringLiteral("All considered"));
        dialog->setFormat(format);
        bool done = false;
        QObject::connect(dialog, &ReportDialog::finished, [&done] { done = true; });
        double stall = 0;
        QElapsedTimer beat, reportClock;
        QTimer pulse;
        pulse.setTimerType(Qt::PreciseTimer);
        QObject::connect(&pulse, &QTimer::timeout, [&] {
            stall = std::max(stall, beat.nsecsElapsed() / 1e6 - 5);
            beat.restart();
        });
        reportClock.start();
        beat.start();
        pulse.start(5);
        dialog->exportTo(QStringLiteral("/tmp/cepheid-gui-bench-report"));
        while (!done)
            QApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        pulse.stop();
        std::printf("Case report (%s), %d findings %6.0f ms; GUI thread longest stall %5.1f ms\n", name,
            dialog->findingsCount(), reportClock.nsecsElapsed() / 1e6, stall);
        dialog->close();
    }
    QFile::remove(QStringLiteral("/tmp/cepheid-gui-bench-report"));

    // Tuning. A 5 ms timer measures how late the GUI thread gets to it: its worst lateness is the longest stall.
    QElapsedTimer tick;
    double worstStall = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        worstStall = std::max(worstStall, tick.nsecsElapsed() / 1e6 - 5);
        tick.restart();
    });
    int snapshots = 0;
    QObject::connect(window.session(), &CaseSession::snapshotReady, [&] { ++snapshots; });
    auto settle = [&] {
        while (window.session()->isTuning())
            QApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    };
    QSpinBox* minEvents = window.tuningDock()->thresholds()->minEventsEditor();
    double engineTotal = 0, engineWorst = 0, latencyTotal = 0, latencyWorst = 0;
    tick.start();
    heartbeat.start(5);
    const int changes = 10;
    for (int change = 0; change < changes; ++change) {
        QElapsedTimer latency;
        latency.start();
        minEvents->setValue(change % 2 == 0 ? 20 + change : 12);
        settle();
        const double ms = latency.nsecsElapsed() / 1e6;
        latencyTotal += ms;
        latencyWorst = std::max(latencyWorst, ms);
        const double engine = window.session()->snapshot()->engineMilliseconds;
        engineTotal += engine;
        engineWorst = std::max(engineWorst, engine);
    }
    std::printf("threshold change (min_events)  engine %6.1f ms mean, %6.1f ms worst; edit to updated table %6.1f ms "
                "mean, %6.1f ms worst (%d changes)\n",
        engineTotal / changes, engineWorst, latencyTotal / changes, latencyWorst, changes);
    // A drag: 50 edits as fast as the spin box takes them. Coalescing runs only some of them; the last one wins.
    snapshots = 0;
    QElapsedTimer drag;
    drag.start();
    for (int value = 13; value < 63; ++value) {
        minEvents->setValue(value);
        QApplication::processEvents();
    }
    settle();
    const double dragMs = drag.nsecsElapsed() / 1e6;
    heartbeat.stop();
    std::printf("drag of 50 edits               %6.1f ms to the last result, %d re-runs shown, final min_events %lld\n",
        dragMs, snapshots, static_cast<long long>(window.session()->snapshot()->profile.rule.minEvents));
    std::printf("GUI thread longest stall       %6.1f ms while tuning\n", worstStall);
    return 0;
}
