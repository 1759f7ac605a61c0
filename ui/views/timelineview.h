#pragma once

#include "charts/axisticks.h"
#include "session/snapshot.h"
#include "timescale.h"

#include <QWidget>

namespace cepheid::ui {

// Every connection of one flow over the case's time range, UTC nights shaded and the rule's firing windows marked.
// Zoomed in, a bar per pixel column whose height is the largest payload in it; where the connections are denser
// than the pixels can separate, the rate instead (connections per bucket), so a beacon's regularity shows as an even
// level rather than a solid wall. Wheel or +/- zooms around the cursor, Shift+wheel or the arrow keys pan, Home
// resets; hover names an event, a click opens it, a drag selects a time range (rangeSelected).
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    enum class Mode { Payload, Rate };

    explicit TimelineView(QWidget* parent = nullptr);
    // A new snapshot of the same case and flow (a tuning re-run) keeps the zoom.
    void setFlow(SnapshotPtr snapshot, const Finding* finding);
    const TimeScale& scale() const { return m_scale; }
    std::size_t eventCount() const { return m_times.size(); }
    void resetZoom();
    void zoom(double factor, double anchorPixel); // > 1 zooms in, around the time under anchorPixel
    void pan(double pixels); // > 0 shows earlier times
    void setVisibleRange(TimestampUs start, TimestampUs end);

    Mode mode() const; // at the current zoom and width
    TimestampUs bucketWidth() const; // in Rate mode
    std::vector<AxisTick> timeAxisTicks() const;
    // The event a click at this widget x would open (-1: none near).
    std::int64_t eventAt(double x) const;
    double xOf(TimestampUs time) const { return m_plot.left() + m_scale.toPixel(time); }
    void clearSelection();
    TimestampUs selectionStart() const { return m_selectionStart; }
    TimestampUs selectionEnd() const { return m_selectionEnd; } // == start: no selection
    QSize sizeHint() const override { return { 600, 240 }; }
    QSize minimumSizeHint() const override { return { 240, 160 }; }

signals:
    void eventActivated(EventIndex event);
    void rangeSelected(TimestampUs start, TimestampUs end); // start == end: the selection was cleared

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
    double plotX(double widgetX) const { return widgetX - m_plot.left(); }

    SnapshotPtr m_snapshot;
    const Finding* m_finding = nullptr;
    std::vector<TimestampUs> m_times; // sorted
    std::vector<EventIndex> m_events; // parallel to m_times
    std::vector<double> m_bytes; // sent + received, -1 when unknown
    double m_tallestBytes = 1;
    TimestampUs m_caseFirst = 0, m_caseLast = 1;
    TimeScale m_scale;
    QRectF m_plot;
    QRectF m_nights, m_firing;
    double m_pressX = -1, m_dragX = -1;
    TimestampUs m_selectionStart = 0, m_selectionEnd = 0;
};

} // namespace cepheid::ui
