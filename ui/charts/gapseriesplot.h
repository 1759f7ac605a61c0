#pragma once

#include "chartcolors.h"
#include "gapseries.h"

#include <QFont>
#include <QPainter>
#include <QRectF>

namespace cepheid::ui {

// What the interval histogram and the gap-over-time plot share, without a widget: one flow's gap series, a linear or
// log scale, and a layout for an area and a font. The workbench's chart widgets paint through a plot, and so do the
// case reports (into SVG and PDF), so a report shows exactly what the analyst saw.
class GapSeriesPlot
{
public:
    virtual ~GapSeriesPlot() = default;

    void setSeries(GapSeries series);
    void setLogScale(bool log);
    bool logScale() const { return m_log; }
    const GapSeries& series() const { return m_series; }
    // Lays the plot out inside `area` (the whole chart, margins and labels included) for text in `font`.
    void layout(const QRectF& area, const QFont& font);
    // hovered: the bin or point drawn highlighted (-1: none).
    virtual void paint(QPainter& painter, const ChartColors& colors, int hovered = -1) = 0;

protected:
    // Recomputes what the plot draws from the series, the scale, the area and the font.
    virtual void relayout() = 0;
    void paintEmpty(QPainter& painter, const ChartColors& colors) const;

    GapSeries m_series;
    bool m_log = false;
    QRectF m_area { 0, 0, 600, 300 };
    QFont m_font;
};

} // namespace cepheid::ui
