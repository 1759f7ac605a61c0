#include "gapplot.h"

#include "chartaxes.h"
#include "scoring/intervalstats.h"
#include "util/durationtext.h"

#include <algorithm>
#include <cmath>

namespace cepheid::ui {

namespace {

constexpr double kPickRadius = 6;

QString durationString(double seconds)
{
    return QString::fromStdString(durationText(seconds));
}

} // namespace

void GapPlot::relayout()
{
    computeRange();
    layoutPlot();
}

void GapPlot::computeRange()
{
    m_above = 0;
    const std::vector<double>& gaps = m_series.gaps;
    if (gaps.empty()) {
        m_first = 0;
        m_last = 1;
        m_low = 0;
        m_high = 1;
        return;
    }
    const TimestampUs span = std::max<TimestampUs>(kMicrosPerSecond, m_series.times.back() - m_series.times.front());
    m_first = m_series.times.front() - span / 50;
    m_last = m_series.times.back() + span / 50;
    const auto [smallest, largest] = std::minmax_element(gaps.begin(), gaps.end());
    if (m_log) {
        m_low = std::max(*smallest, 1e-3) / 1.3;
        m_high = std::max(*largest, m_low * 10) * 1.3;
    } else {
        // Up to the third multiple of the period (a beacon, its missed beats), or a quarter past the 95th
        // percentile; nights and outages above are marked at the top.
        std::vector<double> sorted = gaps;
        std::sort(sorted.begin(), sorted.end());
        const double period = m_series.periodSeconds;
        m_low = 0;
        m_high = period > 0 ? std::min(3.5 * period, std::max(*largest * 1.1, 1.5 * period))
                            : std::max(quantile(sorted, 0.95) * 1.25, 1e-3);
    }
}

void GapPlot::layoutPlot()
{
    const QFontMetrics metrics(m_font);
    if (m_log)
        m_yTicks = logDurationTicks(m_low, m_high);
    else
        m_yTicks = durationTicks(m_high, std::clamp(static_cast<int>(m_area.height() / (3 * metrics.height())), 2, 8),
            durationUnitFor(m_series.periodSeconds > 0 ? m_series.periodSeconds : m_high / 2));
    if (!m_log && !m_yTicks.empty())
        m_high = std::max(m_high, m_yTicks.back().value);
    m_above = m_log ? 0
                    : static_cast<std::uint32_t>(std::count_if(
                        m_series.gaps.begin(), m_series.gaps.end(), [this](double gap) { return gap > m_high; }));
    m_plot = ChartFrame::layout(m_area.adjusted(4, 4, -4, -4), metrics, m_yTicks, true, true).plot;
}

double GapPlot::toX(TimestampUs time) const
{
    return m_plot.left()
        + m_plot.width() * static_cast<double>(time - m_first)
        / static_cast<double>(std::max<TimestampUs>(1, m_last - m_first));
}

double GapPlot::toY(double gap) const
{
    const double share = m_log ? std::log10(std::max(gap, m_low) / m_low) / std::log10(m_high / m_low)
                               : (gap - m_low) / (m_high - m_low);
    return m_plot.bottom() - m_plot.height() * std::min(share, 1.0);
}

QPointF GapPlot::pointPosition(std::size_t index) const
{
    if (index >= m_series.gaps.size())
        return {};
    return { toX(m_series.times[index]), toY(m_series.gaps[index]) };
}

int GapPlot::pointAt(QPointF position) const
{
    int best = -1;
    double bestDistance = kPickRadius * kPickRadius;
    // Only the gaps near this x can be near the point: the times are sorted.
    const double span = static_cast<double>(m_last - m_first);
    const auto timeAt = [&](double x) {
        return m_first + static_cast<TimestampUs>((x - m_plot.left()) / std::max(1.0, m_plot.width()) * span);
    };
    const auto begin
        = std::lower_bound(m_series.times.begin(), m_series.times.end(), timeAt(position.x() - kPickRadius));
    const auto end = std::upper_bound(m_series.times.begin(), m_series.times.end(), timeAt(position.x() + kPickRadius));
    for (auto it = begin; it != end; ++it) {
        const QPointF point = pointPosition(static_cast<std::size_t>(it - m_series.times.begin()));
        const double dx = point.x() - position.x(), dy = point.y() - position.y();
        if (dx * dx + dy * dy <= bestDistance) {
            bestDistance = dx * dx + dy * dy;
            best = static_cast<int>(it - m_series.times.begin());
        }
    }
    return best;
}

void GapPlot::paint(QPainter& painter, const ChartColors& colors, int hovered)
{
    painter.save();
    painter.setFont(m_font);
    painter.fillRect(m_area, colors.background);
    if (m_series.empty()) {
        paintEmpty(painter, colors);
        painter.restore();
        return;
    }
    const QFontMetrics metrics(m_font);
    const ChartFrame frame { m_plot };
    const auto toYFn = [this](double gap) { return toY(gap); };
    frame.drawGrid(painter, m_yTicks, toYFn, colors);
    // Within whatever clip the caller set (a report page), never instead of it.
    painter.save();
    painter.setClipRect(m_plot.adjusted(-3, -3, 3, 3), Qt::IntersectClip);
    const double period = m_series.periodSeconds;
    std::vector<std::pair<QPointF, QString>> labels; // drawn over the points
    if (period > 0) {
        const double top = toY(period * (1 + m_series.beatJitter)), bottom = toY(period * (1 - m_series.beatJitter));
        painter.fillRect(QRectF(m_plot.left(), top, m_plot.width(), std::max(2.0, bottom - top)), colors.band);
        painter.setRenderHint(QPainter::Antialiasing, true);
        for (int multiple = 1; multiple <= 3; ++multiple) {
            if (!m_log && multiple * period > m_high)
                break; // above the axis (toY would pin it to the top edge)
            const double y = toY(multiple * period);
            painter.setPen(QPen(colors.accent, multiple == 1 ? 2 : 1, Qt::DashLine));
            painter.drawLine(QPointF(m_plot.left(), y), QPointF(m_plot.right(), y));
            const QString label
                = multiple == 1 ? tr("period %1").arg(durationString(period)) : tr("%1× (missed beats)").arg(multiple);
            labels.emplace_back(QPointF(m_plot.right() - metrics.horizontalAdvance(label) - 6, y - 4), label);
        }
        painter.setRenderHint(QPainter::Antialiasing, false);
    }
    // One mark per occupied pixel: a hundred thousand check-ins draw as fast as a few hundred.
    const int width = std::max(1, static_cast<int>(m_plot.width()) + 1);
    const int height = std::max(1, static_cast<int>(m_plot.height()) + 1);
    std::vector<std::uint8_t> occupied(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    QVector<QRectF> marks;
    QVector<QPointF> above;
    for (std::size_t i = 0; i < m_series.gaps.size(); ++i) {
        const QPointF point = pointPosition(i);
        const int px = std::clamp(static_cast<int>(point.x() - m_plot.left()), 0, width - 1);
        const int py = std::clamp(static_cast<int>(point.y() - m_plot.top()), 0, height - 1);
        std::uint8_t& cell
            = occupied[static_cast<std::size_t>(py) * static_cast<std::size_t>(width) + static_cast<std::size_t>(px)];
        if (cell)
            continue;
        cell = 1;
        if (!m_log && m_series.gaps[i] > m_high)
            above.push_back(QPointF(point.x(), m_plot.top()));
        else
            marks.push_back(QRectF(point.x() - 1.5, point.y() - 1.5, 3, 3));
    }
    painter.setPen(Qt::NoPen);
    painter.setBrush(colors.series);
    painter.drawRects(marks);
    if (hovered >= 0 && static_cast<std::size_t>(hovered) < m_series.gaps.size()) {
        const QPointF point = pointPosition(static_cast<std::size_t>(hovered));
        painter.setBrush(colors.accent);
        painter.drawEllipse(point, 4, 4);
    }
    painter.setBrush(colors.mutedText);
    for (const QPointF& point : above)
        painter.drawPolygon(QPolygonF { QPointF(point.x() - 3, point.y() + 5), QPointF(point.x() + 3, point.y() + 5),
            QPointF(point.x(), point.y()) });
    for (const auto& [position, label] : labels)
        drawLabel(painter, position, label, colors);
    painter.restore();
    frame.drawYAxis(painter, m_yTicks, toYFn, colors, m_log ? tr("Gap (log scale)") : tr("Gap since previous"));
    const TimeTicks ticks = timeTicks(m_first, m_last, m_plot.width(),
        metrics.horizontalAdvance(QStringLiteral("00-00 00:00")) + metrics.horizontalAdvance(QStringLiteral("  ")));
    frame.drawXAxis(
        painter, ticks.ticks, [this](double time) { return toX(static_cast<TimestampUs>(time)); }, colors,
        m_above > 0 ? tr("Check-in time (UTC) · %n gap(s) above the axis, marked ▲", nullptr, static_cast<int>(m_above))
                    : tr("Check-in time (UTC)"));
    painter.restore();
}

} // namespace cepheid::ui
