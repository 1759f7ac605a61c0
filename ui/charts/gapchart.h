#pragma once

#include "gapplot.h"
#include "gapserieschart.h"

namespace cepheid::ui {

// The gap-over-time plot as a widget (GapPlot draws it). Hover names a point; a click opens its event.
class GapChart : public GapSeriesChart
{
    Q_OBJECT

public:
    explicit GapChart(QWidget* parent = nullptr);

    QPointF pointPosition(std::size_t index) const { return m_gapPlot.pointPosition(index); }
    int pointAt(QPointF position) const { return m_gapPlot.pointAt(position); }
    double gapHigh() const { return m_gapPlot.gapHigh(); }
    std::uint32_t aboveRange() const { return m_gapPlot.aboveRange(); }

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    GapPlot m_gapPlot;
};

} // namespace cepheid::ui
