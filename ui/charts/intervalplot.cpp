#include "intervalplot.h"

#include "chartaxes.h"
#include "scoring/intervalstats.h"
#include "util/durationtext.h"

#include <algorithm>
#include <cmath>

namespace cepheid::ui {

namespace {

constexpr int kMaxBins = 150;
constexpr int kMinBins = 12;

// Freedman–Diaconis: 2 IQR n^(-1/3), the bin width that follows a sample's spread without assuming its shape.
double freedmanDiaconis(std::vector<double> values)
{
    if (values.size() < 4)
        return 0;
    std::sort(values.begin(), values.end());
    const double iqr = quantile(values, 0.75) - quantile(values, 0.25);
    return 2 * iqr / std::cbrt(static_cast<double>(values.size()));
}

QString durationString(double seconds)
{
    return QString::fromStdString(durationText(seconds));
}

} // namespace

void IntervalPlot::relayout()
{
    m_bins.clear();
    m_beyond = 0;
    const std::vector<double>& gaps = m_series.gaps;
    if (gaps.empty()) {
        m_low = 0;
        m_high = 1;
        layoutFrame();
        return;
    }
    const auto [smallest, largest] = std::minmax_element(gaps.begin(), gaps.end());
    const double period = m_series.periodSeconds;
    if (m_log) {
        // Log bins over every gap, their width following the spread of the gaps' logarithms.
        m_low = std::max(*smallest, 1e-3) / 1.15;
        m_high = std::max(*largest, m_low * 10) * 1.15;
        std::vector<double> logs;
        logs.reserve(gaps.size());
        for (const double gap : gaps)
            logs.push_back(std::log10(std::max(gap, 1e-3)));
        const double span = std::log10(m_high / m_low);
        const double width = std::clamp(freedmanDiaconis(std::move(logs)), span / kMaxBins, span / kMinBins);
        const int count = static_cast<int>(std::ceil(span / width));
        for (int i = 0; i < count; ++i)
            m_bins.push_back({ m_low * std::pow(10.0, i * width), m_low * std::pow(10.0, (i + 1) * width), 0, 0 });
    } else {
        // Linear, from 0 to the fourth multiple of the period (missed beats stay in view) or, without a period, to
        // a quarter past the 95th percentile; the long tail is counted and left to the log scale.
        std::vector<double> sorted = gaps;
        std::sort(sorted.begin(), sorted.end());
        m_low = 0;
        m_high = period > 0 ? std::min(4.5 * period, std::max(*largest * 1.05, 1.6 * period))
                            : std::max(quantile(sorted, 0.95) * 1.25, 1e-3);
        std::vector<double> spread;
        for (const double gap : sorted)
            if (period > 0 ? (gap >= 0.5 * period && gap <= 1.5 * period) : gap <= m_high)
                spread.push_back(gap);
        double width = freedmanDiaconis(std::move(spread));
        if (!(width > 0))
            width = period > 0 ? period / 50 : m_high / 50; // a machine-exact beat: no spread to follow
        width = std::clamp(width, m_high / kMaxBins, m_high / kMinBins);
        const int count = static_cast<int>(std::ceil(m_high / width));
        m_high = count * width;
        for (int i = 0; i < count; ++i)
            m_bins.push_back({ i * width, (i + 1) * width, 0, 0 });
    }
    for (std::size_t i = 0; i < gaps.size(); ++i) {
        const double gap = gaps[i];
        if (gap >= m_high) {
            ++m_beyond;
            continue;
        }
        std::size_t bin;
        if (m_log)
            bin = static_cast<std::size_t>(std::max(0.0, std::log10(std::max(gap, m_low) / m_low))
                / std::log10(m_bins.front().high / m_bins.front().low));
        else
            bin = static_cast<std::size_t>(gap / (m_bins.front().high - m_bins.front().low));
        bin = std::min(bin, m_bins.size() - 1);
        if (m_bins[bin].count++ == 0)
            m_bins[bin].firstEvent = m_series.events[i];
    }
    layoutFrame();
}

void IntervalPlot::layoutFrame()
{
    std::uint32_t tallest = 1;
    for (const Bin& bin : m_bins)
        tallest = std::max(tallest, bin.count);
    const QFontMetrics metrics(m_font);
    m_yTicks = countTicks(tallest, std::clamp(static_cast<int>(m_area.height() / (4 * metrics.height())), 2, 8));
    m_plot = ChartFrame::layout(m_area.adjusted(4, 4, -4, -4), metrics, m_yTicks, true, true).plot;
}

double IntervalPlot::toX(double seconds) const
{
    if (m_log)
        return m_plot.left()
            + m_plot.width() * std::log10(std::max(seconds, m_low) / m_low) / std::log10(m_high / m_low);
    return m_plot.left() + m_plot.width() * (seconds - m_low) / (m_high - m_low);
}

double IntervalPlot::fromX(double x) const
{
    const double share = (x - m_plot.left()) / std::max(1.0, m_plot.width());
    return m_log ? m_low * std::pow(m_high / m_low, share) : m_low + share * (m_high - m_low);
}

std::vector<AxisTick> IntervalPlot::xTicks() const
{
    if (m_log)
        return logDurationTicks(m_low, m_high);
    const DurationUnit unit = durationUnitFor(m_series.periodSeconds > 0 ? m_series.periodSeconds : m_high / 2);
    const QFontMetrics metrics(m_font);
    // As many ticks as fit labels of this width with room between them.
    const int room = std::max(2,
        static_cast<int>(std::max(1.0, m_plot.width())
            / (metrics.horizontalAdvance(QStringLiteral("00.5 min"))
                + metrics.horizontalAdvance(QStringLiteral("  ")))));
    return durationTicks(m_high, std::min(room, 10), unit);
}

int IntervalPlot::binAt(QPointF position) const
{
    if (!m_plot.contains(position) || m_bins.empty())
        return -1;
    const double seconds = fromX(position.x());
    for (std::size_t i = 0; i < m_bins.size(); ++i)
        if (seconds >= m_bins[i].low && seconds < m_bins[i].high)
            return static_cast<int>(i);
    return -1;
}

QString IntervalPlot::binText(int bin) const
{
    if (bin < 0 || bin >= static_cast<int>(m_bins.size()))
        return {};
    const Bin& b = m_bins[static_cast<std::size_t>(bin)];
    return tr("%1 – %2: %n gap(s)", nullptr, static_cast<int>(b.count))
        .arg(durationString(b.low), durationString(b.high));
}

void IntervalPlot::paint(QPainter& painter, const ChartColors& colors, int hovered)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setFont(m_font);
    painter.fillRect(m_area, colors.background);
    if (m_bins.empty()) {
        paintEmpty(painter, colors);
        painter.restore();
        return;
    }
    const QFontMetrics metrics(m_font);
    const std::vector<AxisTick>& yTicks = m_yTicks;
    const double yHigh = yTicks.back().value;
    const ChartFrame frame { m_plot };
    const auto toY = [&](double count) { return m_plot.bottom() - m_plot.height() * count / yHigh; };
    const auto toXFn = [this](double seconds) { return toX(seconds); };
    frame.drawGrid(painter, yTicks, toY, colors);

    // The jitter band (period ± one beat-jitter) behind the bars, the period and its multiples over them.
    const double period = m_series.periodSeconds;
    if (period > 0) {
        const double from = toX(period * (1 - m_series.beatJitter)), to = toX(period * (1 + m_series.beatJitter));
        painter.fillRect(QRectF(from, m_plot.top(), std::max(2.0, to - from), m_plot.height()), colors.band);
    }
    painter.setPen(Qt::NoPen);
    for (std::size_t i = 0; i < m_bins.size(); ++i) {
        if (m_bins[i].count == 0)
            continue;
        const double left = toX(m_bins[i].low), right = toX(m_bins[i].high);
        const double top = toY(m_bins[i].count);
        const QRectF bar(left, top, std::max(1.0, right - left - (right - left > 4 ? 1 : 0)), m_plot.bottom() - top);
        painter.setBrush(static_cast<int>(i) == hovered ? colors.accent : colors.series);
        painter.drawRect(bar);
    }
    if (period > 0) {
        painter.setRenderHint(QPainter::Antialiasing, true);
        std::vector<QRectF> labelBoxes;
        std::vector<std::pair<QPointF, QString>> labels; // drawn after every line, so no line crosses a label
        for (int multiple = 1; multiple <= 4; ++multiple) {
            const double x = toX(multiple * period);
            if (x > m_plot.right() || x < m_plot.left())
                continue;
            painter.setPen(QPen(colors.accent, multiple == 1 ? 2 : 1, Qt::DashLine));
            painter.drawLine(QPointF(x, m_plot.top()), QPointF(x, m_plot.bottom()));
            const QString label
                = multiple == 1 ? tr("period %1").arg(durationString(period)) : QStringLiteral("%1×").arg(multiple);
            const double width = metrics.horizontalAdvance(label);
            const double left = x + 3 + width > m_plot.right() ? x - 3 - width : x + 3;
            // A label that would touch one already drawn goes a line lower (a short period's multiples are close).
            QRectF box(left - 2, m_plot.top() + 2, width + 4, metrics.height());
            while (std::any_of(
                labelBoxes.begin(), labelBoxes.end(), [&](const QRectF& other) { return other.intersects(box); }))
                box.translate(0, metrics.height());
            labelBoxes.push_back(box);
            labels.emplace_back(QPointF(left, box.top() + metrics.ascent()), label);
        }
        for (const auto& [position, label] : labels)
            drawLabel(painter, position, label, colors);
        painter.setRenderHint(QPainter::Antialiasing, false);
    }
    frame.drawYAxis(painter, yTicks, toY, colors, tr("Gaps"));
    m_labelsDrawn = frame.drawXAxis(painter, xTicks(), toXFn, colors,
        m_log ? tr("Gap between check-ins (log scale)") : tr("Gap between check-ins"));
    painter.restore();
}

} // namespace cepheid::ui
