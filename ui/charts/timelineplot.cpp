#include "timelineplot.h"

#include "chartaxes.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace cepheid::ui {

namespace {

constexpr double kPickPixels = 4;
// Rate buckets: at least this many pixels wide, so each is a visible bar.
constexpr double kMinBucketPixels = 5;
// More connections than one per this many pixels and bars would merge into a wall: the rate is drawn instead.
constexpr double kPixelsPerEventForBars = 3;

} // namespace

std::pair<TimestampUs, TimestampUs> TimelinePlot::caseRange(const EventTable& events)
{
    std::vector<TimestampUs> times(events.size());
    for (EventIndex i = 0; i < events.size(); ++i)
        times[i] = events.timestamp(i);
    return robustTimeRange(std::move(times));
}

std::pair<std::size_t, std::size_t> TimelinePlot::outsideCaseRange() const
{
    const auto before = std::lower_bound(m_times.begin(), m_times.end(), m_caseFirst) - m_times.begin();
    const auto after = m_times.end() - std::lower_bound(m_times.begin(), m_times.end(), m_caseLast);
    return { static_cast<std::size_t>(before), static_cast<std::size_t>(after) };
}

void TimelinePlot::setCaseRange(TimestampUs first, TimestampUs last)
{
    m_caseFirst = first;
    m_caseLast = last;
}

void TimelinePlot::clearFlow()
{
    m_times.clear();
    m_events.clear();
    m_bytes.clear();
    m_firing.clear();
    m_markers.clear();
    m_tallestBytes = 1;
}

void TimelinePlot::setMarkers(std::vector<Marker> markers)
{
    std::stable_sort(markers.begin(), markers.end(), [](const Marker& a, const Marker& b) { return a.time < b.time; });
    m_markers = std::move(markers);
}

int TimelinePlot::markerAt(double x) const
{
    int best = -1;
    double bestDistance = kPickPixels + 0.5;
    for (std::size_t i = 0; i < m_markers.size(); ++i) {
        const double distance = std::abs(xOf(m_markers[i].time) - x);
        if (distance < bestDistance && m_markers[i].time >= m_scale.start && m_markers[i].time <= m_scale.end) {
            bestDistance = distance;
            best = static_cast<int>(i);
        }
    }
    return best;
}

void TimelinePlot::setFlow(const EventTable& events, const FlowIndex& flows, const Finding& finding)
{
    clearFlow();
    EventIndex previous = static_cast<EventIndex>(-1);
    for (EventIndex event : flows.events(flows.flow(finding.flowIndex))) {
        if (event == previous)
            continue;
        previous = event;
        m_times.push_back(events.timestamp(event));
        m_events.push_back(event);
        const bool known = events.bytesSentKnown(event) || events.bytesReceivedKnown(event);
        m_bytes.push_back(known ? double(events.bytesSent(event)) + double(events.bytesReceived(event)) : -1.0);
        m_tallestBytes = std::max(m_tallestBytes, m_bytes.back());
    }
    setFiring(finding);
}

void TimelinePlot::setFiring(const Finding& finding)
{
    m_firing.clear();
    for (const Detection& detection : finding.rule.detections)
        m_firing.emplace_back(detection.start, detection.end);
}

void TimelinePlot::resetZoom()
{
    m_scale.start = m_caseFirst;
    m_scale.end = std::max(m_caseLast, m_caseFirst + kMicrosPerSecond);
    // A change is often the case's first record: on the axis its line would hide. With markers the whole view
    // leaves a margin on both sides.
    if (!m_markers.empty()) {
        const TimestampUs margin = (m_scale.end - m_scale.start) / 50;
        m_scale.start -= margin;
        m_scale.end += margin;
    }
}

void TimelinePlot::layout(const QRectF& area, const QFont& font)
{
    m_area = area;
    m_font = font;
    const QFontMetrics metrics(font);
    const int band = metrics.height();
    m_nightBand = QRectF(area.left(), area.top() + 2, area.width(), band);
    m_firingBand = QRectF(area.left(), area.top() + band + 4, area.width(), band);
    m_markerBand = m_markers.empty() ? QRectF() : QRectF(area.left(), area.top() + 2 * band + 6, area.width(), band);
    const double bands = m_markers.empty() ? 2 * band + 8 : 3 * band + 10;
    // The y labels are at most "9999 / 30 min" wide in rate mode or "999.9 KB" in payload mode.
    const std::vector<AxisTick> widest { { 0, QStringLiteral("999.9 KB") } };
    m_plot = ChartFrame::layout(
        QRectF(area.left(), area.top() + bands, area.width(), area.height() - bands).adjusted(4, 0, -4, -2), metrics,
        widest, true, true)
                 .plot;
    m_scale.width = std::max(1.0, m_plot.width());
}

TimelinePlot::Mode TimelinePlot::mode() const
{
    const auto first = std::lower_bound(m_times.begin(), m_times.end(), m_scale.start);
    const auto last = std::lower_bound(m_times.begin(), m_times.end(), m_scale.end);
    const double visible = static_cast<double>(last - first);
    return visible * kPixelsPerEventForBars > m_plot.width() ? Mode::Rate : Mode::Payload;
}

TimestampUs TimelinePlot::bucketWidth() const
{
    constexpr TimestampUs s = kMicrosPerSecond, m = 60 * s, h = kMicrosPerHour;
    constexpr std::array<TimestampUs, 17> ladder { s, 2 * s, 5 * s, 10 * s, 30 * s, m, 2 * m, 5 * m, 10 * m, 15 * m,
        30 * m, h, 2 * h, 3 * h, 6 * h, 12 * h, kMicrosPerDay };
    for (const TimestampUs step : ladder)
        if (m_scale.toPixel(m_scale.start + step) >= kMinBucketPixels)
            return step;
    // Zoomed out past a day per bucket: whole days, still at least kMinBucketPixels wide.
    const double perPixel = static_cast<double>(m_scale.end - m_scale.start) / std::max(1.0, m_plot.width());
    const auto days = static_cast<TimestampUs>(std::ceil(perPixel * kMinBucketPixels / kMicrosPerDay));
    return std::max<TimestampUs>(1, days) * kMicrosPerDay;
}

std::vector<AxisTick> TimelinePlot::timeAxisTicks() const
{
    const QFontMetrics metrics(m_font);
    return timeTicks(m_scale.start, m_scale.end, m_plot.width(),
        metrics.horizontalAdvance(QStringLiteral("00-00 00:00")) + metrics.horizontalAdvance(QStringLiteral("  ")))
        .ticks;
}

std::int64_t TimelinePlot::eventAt(double x) const
{
    if (m_times.empty() || x < m_plot.left() - kPickPixels || x > m_plot.right() + kPickPixels)
        return -1;
    const TimestampUs time = m_scale.toTime(x - m_plot.left());
    if (mode() == Mode::Rate) {
        // The first event of the bucket under the pointer.
        const TimestampUs bucket = bucketWidth();
        const TimestampUs start = floorDiv(time, bucket) * bucket;
        const auto it = std::lower_bound(m_times.begin(), m_times.end(), start);
        if (it == m_times.end() || *it >= start + bucket)
            return -1;
        return m_events[static_cast<std::size_t>(it - m_times.begin())];
    }
    const auto it = std::lower_bound(m_times.begin(), m_times.end(), time);
    std::int64_t best = -1;
    double bestDistance = kPickPixels + 0.5;
    for (auto candidate : { it - (it != m_times.begin() ? 1 : 0), it }) {
        if (candidate == m_times.end())
            continue;
        const double distance = std::abs(xOf(*candidate) - x);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = m_events[static_cast<std::size_t>(candidate - m_times.begin())];
        }
    }
    return best;
}

void TimelinePlot::paintMarkerBand(QPainter& painter, const ChartColors& colors) const
{
    if (m_markers.empty())
        return;
    const QFontMetrics metrics(m_font);
    painter.setPen(colors.mutedText);
    painter.drawText(
        QRectF(m_area.left() + 4, m_markerBand.top(), m_plot.left() - m_area.left() - 8, m_markerBand.height()),
        Qt::AlignVCenter | Qt::AlignRight, tr("changes"));
    // A flag per marker in view; its label only where it fits before the next flag (skipped whole, never elided:
    // the tooltip and the Why tab carry it).
    const double half = std::max(3.0, m_markerBand.height() / 3);
    for (std::size_t i = 0; i < m_markers.size(); ++i) {
        const Marker& marker = m_markers[i];
        if (marker.time < m_scale.start || marker.time > m_scale.end)
            continue;
        const double x = xOf(marker.time);
        const QPolygonF flag { QPointF(x - half, m_markerBand.top()), QPointF(x + half, m_markerBand.top()),
            QPointF(x, m_markerBand.bottom()) };
        painter.setPen(Qt::NoPen);
        painter.setBrush(colors.change);
        painter.drawPolygon(flag);
        double room = m_plot.right() - (x + half + 2);
        for (std::size_t next = i + 1; next < m_markers.size(); ++next)
            if (m_markers[next].time <= m_scale.end) {
                room = std::min(room, xOf(m_markers[next].time) - half - 4 - (x + half + 2));
                break;
            }
        if (metrics.horizontalAdvance(marker.label) <= room) {
            painter.setPen(colors.text);
            painter.drawText(QRectF(x + half + 2, m_markerBand.top(), room, m_markerBand.height()),
                Qt::AlignVCenter | Qt::AlignLeft, marker.label);
        }
    }
}

void TimelinePlot::paintMarkerLines(QPainter& painter, const ChartColors& colors) const
{
    if (m_markers.empty())
        return;
    painter.save();
    painter.setClipRect(m_plot.adjusted(-2, 0, 2, 0), Qt::IntersectClip);
    painter.setPen(QPen(colors.change, 2, Qt::DashLine));
    for (const Marker& marker : m_markers)
        if (marker.time >= m_scale.start && marker.time <= m_scale.end)
            painter.drawLine(QPointF(xOf(marker.time), m_plot.top()), QPointF(xOf(marker.time), m_plot.bottom()));
    painter.restore();
}

void TimelinePlot::paint(QPainter& painter, const ChartColors& colors) const
{
    painter.save();
    painter.setFont(m_font);
    painter.fillRect(m_area, colors.background);
    const QFontMetrics metrics(m_font);

    // UTC nights (18:00 to 06:00) over the band and the plot, the rule's firing windows in their own band.
    // Nights are shaded while a day is at least a few pixels wide; further out they would be a grey wash.
    const bool shadeNights = m_scale.toPixel(m_scale.start + kMicrosPerDay) >= 4;
    for (TimestampUs day = floorDiv(m_scale.start, kMicrosPerDay) * kMicrosPerDay - kMicrosPerDay;
         shadeNights && day < m_scale.end; day += kMicrosPerDay) {
        const double from = xOf(day + 18 * kMicrosPerHour), to = xOf(day + 30 * kMicrosPerHour);
        const double left = std::max(from, m_plot.left()), right = std::min(to, m_plot.right());
        if (right > left) {
            painter.fillRect(QRectF(left, m_nightBand.top(), right - left, m_nightBand.height()), colors.night);
            painter.fillRect(
                QRectF(left, m_nightBand.top(), right - left, m_nightBand.height()), colors.night); // darker
            painter.fillRect(QRectF(left, m_plot.top(), right - left, m_plot.height()), colors.night);
        }
    }
    for (const auto& [start, end] : m_firing) {
        const double from = std::max(xOf(start), m_plot.left());
        const double to = std::min(xOf(end), m_plot.right());
        if (to > from)
            painter.fillRect(QRectF(from, m_firingBand.top(), to - from, m_firingBand.height()), colors.firing);
    }
    painter.setPen(colors.mutedText);
    painter.drawText(
        QRectF(m_area.left() + 4, m_nightBand.top(), m_plot.left() - m_area.left() - 8, m_nightBand.height()),
        Qt::AlignVCenter | Qt::AlignRight, tr("UTC night"));
    painter.drawText(
        QRectF(m_area.left() + 4, m_firingBand.top(), m_plot.left() - m_area.left() - 8, m_firingBand.height()),
        Qt::AlignVCenter | Qt::AlignRight, !m_firing.empty() ? tr("rule fires") : tr("no firing"));

    paintMarkerBand(painter, colors);

    const ChartFrame frame { m_plot };
    const auto first = std::lower_bound(m_times.begin(), m_times.end(), m_scale.start);
    const auto last = std::lower_bound(m_times.begin(), m_times.end(), m_scale.end);
    const Mode drawMode = mode();
    std::vector<AxisTick> yTicks;
    QString yTitle;
    // Within whatever clip the caller set (a report page), never instead of it.
    painter.save();
    painter.setClipRect(m_plot, Qt::IntersectClip);
    if (drawMode == Mode::Rate) {
        // Connections per bucket: a beacon is an even level, a burst a spike, a sleep change a step.
        const TimestampUs bucket = bucketWidth();
        const TimestampUs firstBucket = floorDiv(m_scale.start, bucket) * bucket;
        std::vector<std::uint32_t> counts(static_cast<std::size_t>((m_scale.end - firstBucket) / bucket + 1));
        for (auto it = first; it != last; ++it)
            ++counts[static_cast<std::size_t>((*it - firstBucket) / bucket)];
        const std::uint32_t tallest = std::max<std::uint32_t>(1, *std::max_element(counts.begin(), counts.end()));
        yTicks = countTicks(tallest, std::clamp(static_cast<int>(m_plot.height() / (2.5 * metrics.height())), 2, 6));
        const double high = yTicks.back().value;
        const auto toY = [&](double value) { return m_plot.bottom() - m_plot.height() * value / high; };
        frame.drawGrid(painter, yTicks, toY, colors);
        painter.setPen(Qt::NoPen);
        painter.setBrush(colors.series);
        for (std::size_t i = 0; i < counts.size(); ++i) {
            if (counts[i] == 0)
                continue;
            const TimestampUs start = firstBucket + static_cast<TimestampUs>(i) * bucket;
            // Clamped to the plot as well as clipped: an SVG (QSvgGenerator) does not keep the clip.
            const double left = std::max(xOf(start), m_plot.left());
            const double right = std::min(xOf(start + bucket), m_plot.right() + 1);
            if (right <= left)
                continue;
            painter.drawRect(
                QRectF(left, toY(counts[i]), std::max(1.0, right - left - 1), m_plot.bottom() - toY(counts[i])));
        }
        painter.restore();
        yTitle = perBucketText(bucket);
        frame.drawYAxis(painter, yTicks, toY, colors, yTitle);
    } else {
        // One column per pixel: the largest payload in it (unknown payloads draw as a short tick).
        std::vector<double> columns(static_cast<std::size_t>(std::max(1.0, m_plot.width()) + 1), -2.0);
        for (auto it = first; it != last; ++it) {
            const auto x = static_cast<std::size_t>(
                std::clamp(m_scale.toPixel(*it), 0.0, static_cast<double>(columns.size() - 1)));
            columns[x] = std::max(columns[x], m_bytes[static_cast<std::size_t>(it - m_times.begin())]);
        }
        yTicks
            = byteTicks(m_tallestBytes, std::clamp(static_cast<int>(m_plot.height() / (2.5 * metrics.height())), 2, 6));
        const double high = std::max(1.0, yTicks.back().value);
        const auto toY = [&](double value) { return m_plot.bottom() - m_plot.height() * value / high; };
        frame.drawGrid(painter, yTicks, toY, colors);
        painter.setPen(QPen(colors.series, 2));
        for (std::size_t x = 0; x < columns.size(); ++x) {
            if (columns[x] < -1.5)
                continue;
            const double top = columns[x] < 0 ? m_plot.bottom() - 6 : std::min(m_plot.bottom() - 2, toY(columns[x]));
            painter.drawLine(QPointF(m_plot.left() + x, m_plot.bottom()), QPointF(m_plot.left() + x, top));
        }
        painter.restore();
        frame.drawYAxis(painter, yTicks, toY, colors, tr("bytes"));
    }
    paintMarkerLines(painter, colors);
    // Events the case range leaves out (years apart from the rest) are said at the edges, not drawn off the axis.
    const auto [before, after] = outsideCaseRange();
    // Each on a box of the background, over the bars; the second goes below the first when both would meet.
    const QString earlier
        = before > 0 && m_scale.start <= m_caseFirst ? tr("◀ %1 earlier, off the axis").arg(before) : QString();
    const QString later
        = after > 0 && m_scale.end >= m_caseLast ? tr("%1 later, off the axis ▶").arg(after) : QString();
    const double gap = metrics.averageCharWidth() * 2;
    const bool stacked = !earlier.isEmpty() && !later.isEmpty()
        && metrics.horizontalAdvance(earlier) + metrics.horizontalAdvance(later) + gap > m_plot.width() - 8;
    const auto marker = [&](const QString& text, bool right, int line) {
        if (text.isEmpty())
            return;
        const double width = metrics.horizontalAdvance(text) + 6;
        const QRectF box(right ? m_plot.right() - 4 - width : m_plot.left() + 4,
            m_plot.top() + 2 + line * (metrics.height() + 2), width, metrics.height());
        painter.fillRect(box, colors.background);
        painter.setPen(colors.text);
        painter.drawText(box, Qt::AlignCenter, text);
    };
    marker(earlier, false, 0);
    marker(later, true, stacked ? 1 : 0);
    frame.drawXAxis(
        painter, timeAxisTicks(), [this](double time) { return xOf(static_cast<TimestampUs>(time)); }, colors,
        drawMode == Mode::Rate ? tr("UTC · connections per bucket (zoom in for each connection's payload)")
                               : tr("UTC · each connection's payload"));
    painter.restore();
}

} // namespace cepheid::ui
