#pragma once

#include "axisticks.h"
#include "gapserieschart.h"

namespace cepheid::ui {

// The interval histogram: how long the gaps between check-ins are. A linear axis in the period's unit, bins as wide
// as the single-beat gaps' spread calls for (Freedman–Diaconis), the period and its multiples marked, the jitter
// band shaded; a log scale for long tails. Hover names a bin's range and count; a click opens the event that ends
// the bin's first gap.
class IntervalChart : public GapSeriesChart
{
    Q_OBJECT

public:
    struct Bin
    {
        double low = 0, high = 0; // seconds, [low, high)
        std::uint32_t count = 0;
        EventIndex firstEvent = 0; // the event ending the bin's first gap
    };

    using GapSeriesChart::GapSeriesChart;

    const std::vector<Bin>& bins() const { return m_bins; }
    // The linear axis ends here; gaps beyond it are counted, and shown on the log scale.
    double rangeHigh() const { return m_high; }
    std::uint32_t beyondRange() const { return m_beyond; }
    std::vector<AxisTick> xTicks() const;
    int labelsDrawn() const { return m_labelsDrawn; } // x labels at the last paint (the others had no room)
    int binAt(QPointF position) const;
    QString binText(int bin) const; // "1.9 – 2.0 min: 412 gaps"

protected:
    void relayout() override;
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    double toX(double seconds) const;
    double fromX(double x) const;

    std::vector<Bin> m_bins;
    double m_low = 0, m_high = 1; // the axis range, seconds
    std::uint32_t m_beyond = 0;
    QRectF m_plot;
    int m_hovered = -1;
    int m_labelsDrawn = 0;
};

} // namespace cepheid::ui
