#pragma once

#include "charts/timescale.h"
#include "session/snapshot.h"

#include <QWidget>
#include <algorithm>

namespace cepheid::ui {

// One host, every destination it reached as a swim lane on a shared time axis: beacons stand out as regular tick
// trains next to irregular browsing. Lanes are the host's flows (not only considered ones), busiest or highest
// scoring first. The wheel scrolls the lanes and Ctrl+wheel (or +/-) zooms, a drag or Left/Right pans, Home resets;
// Up/Down pick a lane and Return opens it, as a click does (flowActivated); a right click asks for the flow's menu.
// A new snapshot of the same case and host (a tuning re-run) keeps the zoom.
class HostView : public QWidget
{
    Q_OBJECT

public:
    enum class LaneOrder { Events, Score };

    explicit HostView(QWidget* parent = nullptr);
    void setHost(SnapshotPtr snapshot, const Finding* finding);
    void setLaneOrder(LaneOrder order);
    LaneOrder laneOrder() const { return m_order; }
    int laneCount() const { return static_cast<int>(m_lanes.size()); }
    std::uint32_t laneFlow(int lane) const { return m_lanes[static_cast<std::size_t>(lane)].flowIndex; }
    int laneAt(int y) const;
    int currentLane() const { return m_current; }
    int laneHeight() const;
    // The lane labels' column: a third of the width, within limits, so a narrow pane keeps room for the lanes.
    int labelWidth() const { return std::clamp(width() / 3, 110, 260); }
    const TimeScale& scale() const { return m_scale; }
    void zoom(double factor, double anchorPixel); // anchorPixel: widget x
    void pan(double pixels); // > 0 shows earlier times
    void resetZoom();
    QSize sizeHint() const override { return { 600, 300 }; }

signals:
    void flowActivated(std::uint32_t flowIndex);
    // A right click on a lane: MainWindow offers to allowlist that flow.
    void flowContextMenuRequested(std::uint32_t flowIndex, const QPoint& globalPosition);
    void scaleChanged(); // zoomed or panned: the axis above the lanes redraws
    void currentLaneChanged(int top, int height); // the lane the keyboard is on, for scrolling it into view

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    struct Lane
    {
        std::uint32_t flowIndex;
        QString label;
        std::uint32_t events;
        double score; // -1: not a considered flow
        bool selected;
    };
    static constexpr std::uint32_t kNoFlow = ~0u;
    // Sorts by the lane order; the lane of currentFlow (or, without one, the selected flow's) becomes current.
    void sortLanes(std::uint32_t currentFlow);
    void setCurrentLane(int lane);

    SnapshotPtr m_snapshot;
    std::vector<Lane> m_lanes;
    LaneOrder m_order = LaneOrder::Events;
    TimeScale m_scale;
    TimestampUs m_first = 0, m_last = 1;
    int m_current = -1;
    double m_pressX = 0;
    bool m_dragged = false;
};

// The time axis above the host's lanes (outside their scroll area, so it stays in view).
class HostAxis : public QWidget
{
    Q_OBJECT

public:
    explicit HostAxis(const HostView* view, QWidget* parent = nullptr);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    const HostView* m_view;
};

} // namespace cepheid::ui
