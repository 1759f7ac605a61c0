#pragma once

#include "session/snapshot.h"
#include "timescale.h"

#include <QWidget>

namespace cepheid::ui {

// Every connection of one flow over the case's time range: a bar per pixel column whose height is the largest
// payload in that column (min/max per pixel, so a million events draw as fast as a thousand), UTC nights shaded,
// the rule's firing windows highlighted. Wheel or +/- zooms around the cursor, drag or arrow keys pan, Home resets.
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineView(QWidget* parent = nullptr);
    void setFlow(SnapshotPtr snapshot, const Finding* finding);
    const TimeScale& scale() const { return m_scale; }
    std::size_t eventCount() const { return m_times.size(); }
    void resetZoom();
    void zoom(double factor, double anchorPixel); // > 1 zooms in, around the time under anchorPixel
    QSize sizeHint() const override { return { 600, 200 }; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    SnapshotPtr m_snapshot;
    const Finding* m_finding = nullptr;
    std::vector<TimestampUs> m_times; // sorted
    std::vector<double> m_bytes; // sent + received, -1 when unknown
    TimestampUs m_caseFirst = 0, m_caseLast = 1;
    TimeScale m_scale;
    double m_dragX = 0;
};

} // namespace cepheid::ui
