#pragma once

#include "axisticks.h"
#include "gapseriesplot.h"

#include <QCoreApplication>

namespace cepheid::ui {

// The interval histogram: how long the gaps between check-ins are. A linear axis in the period's unit, bins as wide
// as the single-beat gaps' spread calls for (Freedman–Diaconis), the period and its multiples marked, the jitter
// band shaded; a log scale for long tails.
class IntervalPlot : public GapSeriesPlot
{
    Q_DECLARE_TR_FUNCTIONS(IntervalPlot)

public:
    struct Bin
    {
        double low = 0, high = 0; // seconds, [low, high)
        std::uint32_t count = 0;
        EventIndex firstEvent = 0; // the event ending the bin's first gap
    };

    const std::vector<Bin>& bins() const { return m_bins; }
    // The linear axis ends here; gaps beyond it are counted, and shown on the log scale.
    double rangeHigh() const { return m_high; }
    std::uint32_t beyondRange() const { return m_beyond; }
    std::vector<AxisTick> xTicks() const;
    int labelsDrawn() const { return m_labelsDrawn; } // x labels at the last paint (the others had no room)
    int binAt(QPointF position) const;
    QString binText(int bin) const; // "1.9 – 2.0 min: 412 gaps"

    void paint(QPainter& painter, const ChartColors& colors, int hovered = -1) override;

protected:
    void relayout() override;

private:
    void layoutFrame(); // the y ticks and the plot rectangle, from the bins and the area
    double toX(double seconds) const;
    double fromX(double x) const;

    std::vector<Bin> m_bins;
    double m_low = 0, m_high = 1; // the axis range, seconds
    std::uint32_t m_beyond = 0;
    std::vector<AxisTick> m_yTicks;
    QRectF m_plot;
    int m_labelsDrawn = 0;
};

} // namespace cepheid::ui
