#include "timelineview.h"

#include "charts/chartaxes.h"
#include "models/findingsmodel.h"
#include "timekeys.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <array>
#include <cmath>

namespace cepheid::ui {

namespace {

constexpr double kPickPixels = 4;
constexpr double kDragPixels = 4;
// Rate buckets: at least this many pixels wide, so each is a visible bar.
constexpr double kMinBucketPixels = 5;
// More connections than one per this many pixels and bars would merge into a wall: the rate is drawn instead.
constexpr double kPixelsPerEventForBars = 3;

QString bytesText(double bytes)
{
    if (bytes >= 1e6)
        return QString::number(bytes / 1e6, 'f', 1) + QStringLiteral(" MB");
    if (bytes >= 1e3)
        return QString::number(bytes / 1e3, 'f', 1) + QStringLiteral(" KB");
    return QString::number(bytes, 'f', 0) + QStringLiteral(" B");
}

} // namespace

TimelineView::TimelineView(QWidget* parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumHeight(160);
}

void TimelineView::setFlow(SnapshotPtr snapshot, const Finding* finding)
{
    const bool sameFlow = snapshot && m_snapshot && snapshot->data == m_snapshot->data && finding && m_finding
        && finding->flowIndex == m_finding->flowIndex;
    if (snapshot && (!m_snapshot || snapshot->data != m_snapshot->data)) {
        // The case's time range, once per case data.
        const EventTable& events = snapshot->events;
        m_caseFirst = events.empty() ? 0 : events.timestamp(0);
        m_caseLast = m_caseFirst + 1;
        for (EventIndex i = 0; i < events.size(); ++i) {
            m_caseFirst = std::min(m_caseFirst, events.timestamp(i));
            m_caseLast = std::max(m_caseLast, events.timestamp(i) + 1);
        }
    }
    m_snapshot = std::move(snapshot);
    m_finding = finding;
    if (sameFlow) {
        update();
        return;
    }
    m_times.clear();
    m_events.clear();
    m_bytes.clear();
    m_tallestBytes = 1;
    m_selectionStart = m_selectionEnd = 0;
    if (m_snapshot && finding) {
        const EventTable& events = m_snapshot->events;
        EventIndex previous = static_cast<EventIndex>(-1);
        for (EventIndex event : m_snapshot->flows.events(m_snapshot->flows.flow(finding->flowIndex))) {
            if (event == previous)
                continue;
            previous = event;
            m_times.push_back(events.timestamp(event));
            m_events.push_back(event);
            const bool known = events.bytesSentKnown(event) || events.bytesReceivedKnown(event);
            m_bytes.push_back(known ? double(events.bytesSent(event)) + double(events.bytesReceived(event)) : -1.0);
            m_tallestBytes = std::max(m_tallestBytes, m_bytes.back());
        }
    }
    resetZoom();
}

void TimelineView::resetZoom()
{
    m_scale.start = m_caseFirst;
    m_scale.end = std::max(m_caseLast, m_caseFirst + kMicrosPerSecond);
    layoutPlot();
    update();
}

void TimelineView::setVisibleRange(TimestampUs start, TimestampUs end)
{
    m_scale.start = start;
    m_scale.end = std::max(end, start + kMicrosPerSecond);
    update();
}

void TimelineView::clearSelection()
{
    m_selectionStart = m_selectionEnd = 0;
    update();
}

void TimelineView::layoutPlot()
{
    const QFontMetrics metrics(font());
    const int band = metrics.height();
    m_nights = QRectF(0, 2, width(), band);
    m_firing = QRectF(0, band + 4, width(), band);
    // The y labels are at most "9999 / 30 min" wide in rate mode or "999.9 KB" in payload mode.
    const std::vector<AxisTick> widest { { 0, QStringLiteral("999.9 KB") } };
    ChartFrame frame = ChartFrame::layout(
        QRectF(0, 2 * band + 8, width(), height() - 2 * band - 8).adjusted(4, 0, -4, -2), metrics, widest, true, true);
    m_plot = frame.plot;
    m_scale.width = std::max(1.0, m_plot.width());
}

void TimelineView::resizeEvent(QResizeEvent*)
{
    layoutPlot();
}

void TimelineView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        layoutPlot();
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        update();
    QWidget::changeEvent(event);
}

TimelineView::Mode TimelineView::mode() const
{
    const auto first = std::lower_bound(m_times.begin(), m_times.end(), m_scale.start);
    const auto last = std::lower_bound(m_times.begin(), m_times.end(), m_scale.end);
    const double visible = static_cast<double>(last - first);
    return visible * kPixelsPerEventForBars > m_plot.width() ? Mode::Rate : Mode::Payload;
}

TimestampUs TimelineView::bucketWidth() const
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

std::vector<AxisTick> TimelineView::timeAxisTicks() const
{
    const QFontMetrics metrics(font());
    return timeTicks(m_scale.start, m_scale.end, m_plot.width(),
        metrics.horizontalAdvance(QStringLiteral("00-00 00:00")) + metrics.horizontalAdvance(QStringLiteral("  ")))
        .ticks;
}

std::int64_t TimelineView::eventAt(double x) const
{
    if (m_times.empty() || x < m_plot.left() - kPickPixels || x > m_plot.right() + kPickPixels)
        return -1;
    const TimestampUs time = m_scale.toTime(plotX(x));
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

void TimelineView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const ChartColors colors = chartColors(palette());
    painter.fillRect(rect(), colors.background);
    const QFontMetrics metrics(font());

    // UTC nights (18:00 to 06:00) over the band and the plot, the rule's firing windows in their own band.
    // Nights are shaded while a day is at least a few pixels wide; further out they would be a grey wash.
    const bool shadeNights = m_scale.toPixel(m_scale.start + kMicrosPerDay) >= 4;
    for (TimestampUs day = floorDiv(m_scale.start, kMicrosPerDay) * kMicrosPerDay - kMicrosPerDay;
         shadeNights && day < m_scale.end; day += kMicrosPerDay) {
        const double from = xOf(day + 18 * kMicrosPerHour), to = xOf(day + 30 * kMicrosPerHour);
        const double left = std::max(from, m_plot.left()), right = std::min(to, m_plot.right());
        if (right > left) {
            painter.fillRect(QRectF(left, m_nights.top(), right - left, m_nights.height()), colors.night);
            painter.fillRect(QRectF(left, m_nights.top(), right - left, m_nights.height()), colors.night); // darker
            painter.fillRect(QRectF(left, m_plot.top(), right - left, m_plot.height()), colors.night);
        }
    }
    if (m_finding)
        for (const Detection& detection : m_finding->rule.detections) {
            const double from = std::max(xOf(detection.start), m_plot.left());
            const double to = std::min(xOf(detection.end), m_plot.right());
            if (to > from)
                painter.fillRect(QRectF(from, m_firing.top(), to - from, m_firing.height()), colors.firing);
        }
    painter.setPen(colors.mutedText);
    painter.drawText(QRectF(4, m_nights.top(), m_plot.left() - 8, m_nights.height()), Qt::AlignVCenter | Qt::AlignRight,
        tr("UTC night"));
    painter.drawText(QRectF(4, m_firing.top(), m_plot.left() - 8, m_firing.height()), Qt::AlignVCenter | Qt::AlignRight,
        m_finding && !m_finding->rule.detections.empty() ? tr("rule fires") : tr("no firing"));

    const ChartFrame frame { m_plot };
    const auto first = std::lower_bound(m_times.begin(), m_times.end(), m_scale.start);
    const auto last = std::lower_bound(m_times.begin(), m_times.end(), m_scale.end);
    const Mode drawMode = mode();
    std::vector<AxisTick> yTicks;
    QString yTitle;
    painter.setClipRect(m_plot);
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
            const double left = xOf(start), right = xOf(start + bucket);
            painter.drawRect(
                QRectF(left, toY(counts[i]), std::max(1.0, right - left - 1), m_plot.bottom() - toY(counts[i])));
        }
        painter.setClipping(false);
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
        painter.setClipping(false);
        frame.drawYAxis(painter, yTicks, toY, colors, tr("bytes"));
    }
    // The selected range (a drag), and the one being dragged.
    const auto shade = [&](double from, double to) {
        painter.fillRect(
            QRectF(std::min(from, to), m_plot.top(), std::abs(to - from), m_plot.height()), colors.selection);
    };
    if (m_selectionEnd > m_selectionStart)
        shade(std::max(m_plot.left(), xOf(m_selectionStart)), std::min(m_plot.right(), xOf(m_selectionEnd)));
    if (m_pressX >= 0 && m_dragX >= 0 && std::abs(m_dragX - m_pressX) > kDragPixels)
        shade(m_pressX, m_dragX);
    frame.drawXAxis(
        painter, timeAxisTicks(), [this](double time) { return xOf(static_cast<TimestampUs>(time)); }, colors,
        drawMode == Mode::Rate ? tr("UTC · connections per bucket (zoom in for each connection's payload)")
                               : tr("UTC · each connection's payload"));
    if (m_times.empty()) {
        painter.setPen(colors.mutedText);
        painter.drawText(m_plot, Qt::AlignCenter, tr("Select a finding to see its connections over time."));
    }
}

void TimelineView::zoom(double factor, double anchorPixel)
{
    m_scale.zoom(factor, plotX(anchorPixel));
    m_scale.keepNear(m_caseFirst, m_caseLast);
    update();
}

void TimelineView::pan(double pixels)
{
    m_scale.pan(pixels);
    m_scale.keepNear(m_caseFirst, m_caseLast);
    update();
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    // A notch (120) zooms by 1.25 or pans a tenth; a touchpad's small steps do proportionally less, and its empty
    // begin/end events nothing.
    const QPoint delta = event->angleDelta();
    event->accept();
    if (delta.isNull())
        return;
    if (event->modifiers().testFlag(Qt::ShiftModifier) || std::abs(delta.x()) > std::abs(delta.y())) {
        const int steps = delta.x() != 0 ? delta.x() : delta.y();
        pan(m_plot.width() / 10.0 * steps / 120.0);
    } else {
        zoom(std::pow(1.25, delta.y() / 120.0), event->position().x());
    }
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_pressX = event->position().x();
    m_dragX = -1;
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons().testFlag(Qt::LeftButton) && m_pressX >= 0) {
        m_dragX = std::clamp(event->position().x(), m_plot.left(), m_plot.right());
        update();
        return;
    }
    const std::int64_t hit = eventAt(event->position().x());
    if (hit < 0 || !m_plot.adjusted(0, -4, 0, 4).contains(event->position())) {
        QToolTip::hideText();
        return;
    }
    const EventTable& events = m_snapshot->events;
    const auto eventIndex = static_cast<EventIndex>(hit);
    QString text;
    if (mode() == Mode::Rate) {
        const TimestampUs bucket = bucketWidth();
        const TimestampUs start = floorDiv(m_scale.toTime(plotX(event->position().x())), bucket) * bucket;
        const auto from = std::lower_bound(m_times.begin(), m_times.end(), start);
        const auto to = std::lower_bound(m_times.begin(), m_times.end(), start + bucket);
        text = tr("%1 – %2\n%n connection(s)\nClick to open the first one.", nullptr, static_cast<int>(to - from))
                   .arg(tooltipTime(start), tooltipTime(start + bucket));
    } else {
        const bool known = events.bytesSentKnown(eventIndex) || events.bytesReceivedKnown(eventIndex);
        text = tr("%1\n%2 sent, %3 received\nClick to open it.")
                   .arg(tooltipTime(events.timestamp(eventIndex)),
                       events.bytesSentKnown(eventIndex) ? bytesText(double(events.bytesSent(eventIndex))) : tr("—"),
                       events.bytesReceivedKnown(eventIndex) ? bytesText(double(events.bytesReceived(eventIndex)))
                                                             : tr("—"));
        if (!known)
            text += tr("\n(no byte counts in the export)");
    }
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_pressX < 0)
        return;
    const double press = m_pressX, release = std::clamp(event->position().x(), m_plot.left(), m_plot.right());
    m_pressX = m_dragX = -1;
    if (std::abs(release - press) > kDragPixels) {
        m_selectionStart = m_scale.toTime(plotX(std::min(press, release)));
        m_selectionEnd = m_scale.toTime(plotX(std::max(press, release)));
        update();
        emit rangeSelected(m_selectionStart, m_selectionEnd);
        return;
    }
    update();
    if (const std::int64_t hit = eventAt(press); hit >= 0)
        emit eventActivated(static_cast<EventIndex>(hit));
}

void TimelineView::keyPressEvent(QKeyEvent* event)
{
    if (!handleTimeKey(*this, event->key(), m_plot.left() + m_plot.width() / 2.0, m_plot.width()))
        QWidget::keyPressEvent(event);
}

} // namespace cepheid::ui
