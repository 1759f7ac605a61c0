#pragma once

#include "axisticks.h"
#include "gapseriesplot.h"

#include <QCoreApplication>

namespace cepheid::ui {

// Gap over time, the classic beacon plot: each check-in at (when it started, how long after the previous one). A
// beacon is a flat line, jitter a band around it, missed beats sit on the 2× and 3× lines, a sleep change is a
// step. Gaps above the axis are marked at its top (the log scale shows them).
class GapPlot : public GapSeriesPlot
{
    Q_DECLARE_TR_FUNCTIONS(GapPlot)

public:
    // Where gap i is drawn at the current layout.
    QPointF pointPosition(std::size_t index) const;
    int pointAt(QPointF position) const; // the nearest gap within a few pixels, or -1
    double gapHigh() const { return m_high; }
    std::uint32_t aboveRange() const { return m_above; }

    void paint(QPainter& painter, const ChartColors& colors, int hovered = -1) override;

protected:
    void relayout() override;

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
