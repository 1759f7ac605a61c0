#pragma once

#include "axisticks.h"
#include "chartcolors.h"

#include <QPainter>
#include <functional>

namespace cepheid::ui {

// The frame the small charts share: a plot rectangle inside margins that fit the tick labels and axis titles, and
// axes drawn from ticks. X labels that would touch their neighbour are skipped, never elided.
struct ChartFrame
{
    QRectF plot;

    // Lays out the plot inside `area` for these y tick labels; a title adds a line on its side.
    static ChartFrame layout(const QRectF& area, const QFontMetrics& metrics, const std::vector<AxisTick>& yTicks,
        bool hasXTitle, bool hasYTitle);

    void drawGrid(QPainter& painter, const std::vector<AxisTick>& yTicks, const std::function<double(double)>& toY,
        const ChartColors& colors) const;
    void drawYAxis(QPainter& painter, const std::vector<AxisTick>& ticks, const std::function<double(double)>& toY,
        const ChartColors& colors, const QString& title) const;
    // Returns the labels drawn (the others were skipped for room).
    int drawXAxis(QPainter& painter, const std::vector<AxisTick>& ticks, const std::function<double(double)>& toX,
        const ChartColors& colors, const QString& title) const;
};

// A marker's label in the accent colour on a patch of the plot's background, readable over bars and points.
void drawLabel(QPainter& painter, QPointF baseline, const QString& text, const ChartColors& colors);

} // namespace cepheid::ui
