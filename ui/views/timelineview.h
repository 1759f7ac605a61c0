#pragma once

#include "charts/timelineplot.h"
#include "session/snapshot.h"

#include <QWidget>

namespace cepheid::ui {

// The timeline as a widget (TimelinePlot draws it): every connection of one flow over the case's time range. Wheel
// or +/- zooms around the cursor, Shift+wheel or the arrow keys pan, Home resets; hover names an event, a click opens
// it, a drag selects a time range (rangeSelected). The cloud changes linked to the flow are marked at their first
// call; hovering a marker names the change, a click on its flag opens it (changeActivated).
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    using Mode = TimelinePlot::Mode;

    explicit TimelineView(QWidget* parent = nullptr);
    // A new snapshot of the same case and flow (a tuning re-run) keeps the zoom.
    void setFlow(SnapshotPtr snapshot, const Finding* finding);
    const TimeScale& scale() const { return m_plot.scale(); }
    std::size_t eventCount() const { return m_plot.times().size(); }
    // The flow's events before and after the case's range (far outliers), shown as markers at the edges.
    std::pair<std::size_t, std::size_t> outsideRange() const { return m_plot.outsideCaseRange(); }
    void resetZoom();
    void zoom(double factor, double anchorPixel); // > 1 zooms in, around the time under anchorPixel
    void pan(double pixels); // > 0 shows earlier times
    void setVisibleRange(TimestampUs start, TimestampUs end);

    Mode mode() const { return m_plot.mode(); } // at the current zoom and width
    TimestampUs bucketWidth() const { return m_plot.bucketWidth(); } // in Rate mode
    std::vector<AxisTick> timeAxisTicks() const { return m_plot.timeAxisTicks(); }
    // The event a click at this widget x would open (-1: none near).
    std::int64_t eventAt(double x) const { return m_plot.eventAt(x); }
    double xOf(TimestampUs time) const { return m_plot.xOf(time); }
    // The changes marked (indexes into Snapshot::cloud.changes, in time order) and the marker at a widget x.
    const std::vector<int>& markedChanges() const { return m_markedChanges; }
    int markedChangeAt(double x) const;
    QRectF markerBand() const { return m_plot.markerBand(); } // where the flags are (empty without markers)
    void clearSelection();
    TimestampUs selectionStart() const { return m_selectionStart; }
    TimestampUs selectionEnd() const { return m_selectionEnd; } // == start: no selection
    QSize sizeHint() const override { return { 600, 240 }; }
    QSize minimumSizeHint() const override { return { 240, 160 }; }

signals:
    void eventActivated(EventIndex event);
    void rangeSelected(TimestampUs start, TimestampUs end); // start == end: the selection was cleared
    void changeActivated(int changeIndex);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void layoutPlot();
    void markChanges(); // the snapshot's changes linked to the flow, as the plot's markers
    QString markerToolTip(int changeIndex) const;
    double plotX(double widgetX) const { return widgetX - m_plot.plotRect().left(); }

    SnapshotPtr m_snapshot;
    const Finding* m_finding = nullptr;
    TimelinePlot m_plot;
    double m_pressX = -1, m_dragX = -1;
    TimestampUs m_selectionStart = 0, m_selectionEnd = 0;
    std::vector<int> m_markedChanges; // parallel to the plot's markers
};

} // namespace cepheid::ui
