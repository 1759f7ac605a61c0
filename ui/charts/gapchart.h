#pragma once

#include "axisticks.h"
#include "gapserieschart.h"

namespace cepheid::ui {

// Gap over time, the classic beacon plot: each check-in at (when it started, how long after the previous one). A
// beacon is a flat line, jitter a band around it, missed beats sit on the 2× and 3× lines, a sleep change is a
// step. Gaps above the axis are marked at its top (the log scale shows them). Hover names a point; a click opens
// its event.
class GapChart : public GapSeriesChart
{
    Q_OBJECT

public:
    using GapSeriesChart::GapSeriesChart;

    // Where gap i is drawn at the current size (after a paint or a resize).
    QPointF pointPosition(std::size_t index) const;
    int pointAt(QPointF position) const; // the nearest gap within a few pixels, or -1
    double gapHigh() const { return m_high; }
    std::uint32_t aboveRange() const { return m_above; }

protected:
    void relayout() override;
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    void layoutPlot();
    void computeRange();
    double toX(TimestampUs time) const;
    double toY(double gap) const;

    TimestampUs m_first = 0, m_last = 1;
    double m_low = 0, m_high = 1;
    std::uint32_t m_above = 0;
    std::vector<AxisTick> m_yTicks;
    QRectF m_plot;
};

} // namespace cepheid::ui
