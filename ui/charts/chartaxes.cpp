#include "chartaxes.h"

namespace cepheid::ui {

namespace {
constexpr double kTickLength = 4;
constexpr double kGap = 4;
} // namespace

ChartFrame ChartFrame::layout(const QRectF& area, const QFontMetrics& metrics, const std::vector<AxisTick>& yTicks,
    bool hasXTitle, bool hasYTitle)
{
    double labelWidth = 0;
    for (const AxisTick& tick : yTicks)
        labelWidth = std::max<double>(labelWidth, metrics.horizontalAdvance(tick.label));
    const double line = metrics.height();
    const double left = labelWidth + kTickLength + kGap + (hasYTitle ? line + kGap : 0) + 2;
    const double bottom = line + kTickLength + kGap + (hasXTitle ? line + kGap : 0);
    const double top = line / 2 + 2; // room for the top tick label
    const double right = metrics.horizontalAdvance(QStringLiteral("00:00")) / 2.0 + 4; // the last x label's half
    return { area.adjusted(left, top, -right, -bottom) };
}

void ChartFrame::drawGrid(QPainter& painter, const std::vector<AxisTick>& yTicks,
    const std::function<double(double)>& toY, const ChartColors& colors) const
{
    painter.save();
    painter.setPen(QPen(colors.grid, 1));
    for (const AxisTick& tick : yTicks) {
        const double y = std::round(toY(tick.value)) + 0.5;
        if (y >= plot.top() - 1 && y <= plot.bottom() + 1)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    painter.restore();
}

void ChartFrame::drawYAxis(QPainter& painter, const std::vector<AxisTick>& ticks,
    const std::function<double(double)>& toY, const ChartColors& colors, const QString& title) const
{
    painter.save();
    const QFontMetricsF metrics(painter.font());
    painter.setPen(colors.text);
    painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()));
    for (const AxisTick& tick : ticks) {
        const double y = toY(tick.value);
        if (y < plot.top() - 1 || y > plot.bottom() + 1)
            continue;
        painter.drawLine(QPointF(plot.left() - kTickLength, y), QPointF(plot.left(), y));
        const double width = metrics.horizontalAdvance(tick.label);
        painter.drawText(QPointF(plot.left() - kTickLength - kGap - width, y + metrics.ascent() / 2 - 1), tick.label);
    }
    if (!title.isEmpty()) {
        painter.setPen(colors.mutedText);
        painter.translate(metrics.height() * 0.9, plot.center().y());
        painter.rotate(-90);
        painter.drawText(QPointF(-metrics.horizontalAdvance(title) / 2, 0), title);
    }
    painter.restore();
}

int ChartFrame::drawXAxis(QPainter& painter, const std::vector<AxisTick>& ticks,
    const std::function<double(double)>& toX, const ChartColors& colors, const QString& title) const
{
    painter.save();
    const QFontMetricsF metrics(painter.font());
    painter.setPen(colors.text);
    painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()));
    double lastRight = -1e9;
    int drawn = 0;
    const double baseline = plot.bottom() + kTickLength + kGap + metrics.ascent();
    for (const AxisTick& tick : ticks) {
        const double x = toX(tick.value);
        if (x < plot.left() - 1 || x > plot.right() + 1)
            continue;
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + kTickLength));
        const double width = metrics.horizontalAdvance(tick.label);
        // Centred under its tick, but kept inside the widget: the last label is moved left rather than cut.
        const double deviceRight = painter.device() ? painter.device()->width() - 2.0 : plot.right() + width;
        const double left = std::min(x - width / 2, deviceRight - width);
        if (left < lastRight + metrics.horizontalAdvance(QStringLiteral("  ")))
            continue; // no room: skipped whole, never cut
        painter.drawText(QPointF(left, baseline), tick.label);
        lastRight = left + width;
        ++drawn;
    }
    if (!title.isEmpty()) {
        // A title wider than the plot is shortened; tick labels never are.
        const QString shown = metrics.elidedText(title, Qt::ElideRight, plot.width());
        painter.setPen(colors.mutedText);
        painter.drawText(QPointF(plot.center().x() - metrics.horizontalAdvance(shown) / 2,
                             baseline + metrics.descent() + kGap + metrics.ascent()),
            shown);
    }
    painter.restore();
    return drawn;
}

void drawLabel(QPainter& painter, QPointF baseline, const QString& text, const ChartColors& colors)
{
    const QFontMetricsF metrics(painter.font());
    QColor patch = colors.background;
    patch.setAlpha(215);
    painter.fillRect(QRectF(baseline.x() - 2, baseline.y() - metrics.ascent() - 1, metrics.horizontalAdvance(text) + 4,
                         metrics.height() + 2),
        patch);
    painter.setPen(colors.accent);
    painter.drawText(baseline, text);
}

} // namespace cepheid::ui
