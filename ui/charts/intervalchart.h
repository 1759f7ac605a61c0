#pragma once

#include "gapserieschart.h"
#include "intervalplot.h"

namespace cepheid::ui {

// The interval histogram as a widget (IntervalPlot draws it). Hover names a bin's range and count; a click opens the
// event that ends the bin's first gap.
class IntervalChart : public GapSeriesChart
{
    Q_OBJECT

public:
    using Bin = IntervalPlot::Bin;

    explicit IntervalChart(QWidget* parent = nullptr);

    const std::vector<Bin>& bins() const { return m_intervals.bins(); }
    double rangeHigh() const { return m_intervals.rangeHigh(); }
    std::uint32_t beyondRange() const { return m_intervals.beyondRange(); }
    std::vector<AxisTick> xTicks() const { return m_intervals.xTicks(); }
    int labelsDrawn() const { return m_intervals.labelsDrawn(); }
    int binAt(QPointF position) const { return m_intervals.binAt(position); }
    QString binText(int bin) const { return m_intervals.binText(bin); }

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    IntervalPlot m_intervals;
};

} // namespace cepheid::ui
