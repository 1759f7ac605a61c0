#pragma once

#include "session/snapshot.h"
#include "timescale.h"

#include <QWidget>

namespace cepheid::ui {

// One host, every destination it reached as a swim lane on a shared time axis: beacons stand out as regular tick
// trains next to irregular browsing. Lanes are the host's flows (not only considered ones), busiest first.
// Clicking a lane emits flowActivated, a right click flowContextMenuRequested; the wheel zooms and a drag pans,
// as in the timeline.
class HostView : public QWidget
{
    Q_OBJECT

public:
    explicit HostView(QWidget* parent = nullptr);
    void setHost(SnapshotPtr snapshot, const Finding* finding);
    int laneCount() const { return static_cast<int>(m_lanes.size()); }
    std::uint32_t laneFlow(int lane) const { return m_lanes[static_cast<std::size_t>(lane)].flowIndex; }
    int laneAt(int y) const;
    QSize sizeHint() const override { return { 600, 300 }; }

signals:
    void flowActivated(std::uint32_t flowIndex);
    // A right click on a lane: MainWindow offers to allowlist that flow.
    void flowContextMenuRequested(std::uint32_t flowIndex, const QPoint& globalPosition);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    struct Lane
    {
        std::uint32_t flowIndex;
        QString label;
        bool selected;
    };
    static constexpr int kLaneHeight = 22;
    static constexpr int kLabelWidth = 230;

    SnapshotPtr m_snapshot;
    std::vector<Lane> m_lanes;
    TimeScale m_scale;
    double m_pressX = 0;
    bool m_dragged = false;
};

} // namespace cepheid::ui
