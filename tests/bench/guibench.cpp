// cepheid-gui-bench: how the workbench copes with a large case. A benchmark, not a test.
//
//   QT_QPA_PLATFORM=offscreen cepheid-gui-bench CASE.cepheid
//
// Measures: opening the case until the findings table has painted (case open + analysis on the worker, then the
// model reset and a paint on the GUI thread), and the timeline's repaint time while zooming into the busiest flow.

#include "mainwindow.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"
#include "views/flowdetail.h"
#include "views/timelineview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QTableView>
#include <cstdio>

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
    return 0;
}
