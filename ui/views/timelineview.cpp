#include "timelineview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

namespace cepheid::ui {

namespace {
constexpr int kAxisHeight = 20;
}

TimelineView::TimelineView(QWidget* parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMinimumHeight(120);
}

void TimelineView::setFlow(SnapshotPtr snapshot, const Finding* finding)
{
    if (snapshot != m_snapshot && snapshot) {
        // The case's time range, once per snapshot.
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
    m_times.clear();
    m_bytes.clear();
    if (m_snapshot && finding) {
        const EventTable& events = m_snapshot->events;
        EventIndex previous = static_cast<EventIndex>(-1);
        for (EventIndex event : m_snapshot->flows.events(m_snapshot->flows.flow(finding->flowIndex))) {
            if (event == previous)
                continue;
            previous = event;
            m_times.push_back(events.timestamp(event));
            const bool known = events.bytesSentKnown(event) || events.bytesReceivedKnown(event);
            m_bytes.push_back(known ? double(events.bytesSent(event)) + double(events.bytesReceived(event)) : -1.0);
        }
    }
    resetZoom();
}

void TimelineView::resetZoom()
{
    m_scale.start = m_caseFirst;
    m_scale.end = std::max(m_caseLast, m_caseFirst + kMicrosPerSecond);
    m_scale.width = std::max(1, width());
    update();
}

void TimelineView::resizeEvent(QResizeEvent*)
{
    m_scale.width = std::max(1, width());
}

void TimelineView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    const QFontMetrics metrics(font());
    const int band = metrics.height();
    // Two bands on top (UTC nights, the rule's firing windows), the connections below them, the time axis last.
    const QRectF nights(0, 0, width(), band);
    const QRectF firing(0, band + 2, width(), band);
    const QRect plot(0, 2 * band + 6, width(), height() - kAxisHeight - 2 * band - 6);

    const QColor night = palette().color(QPalette::Text);
    for (TimestampUs day = floorDiv(m_scale.start, kMicrosPerDay) * kMicrosPerDay - kMicrosPerDay; day < m_scale.end;
         day += kMicrosPerDay) {
        const double from = m_scale.toPixel(day + 18 * kMicrosPerHour), to = m_scale.toPixel(day + 30 * kMicrosPerHour);
        if (to >= 0 && from <= width()) {
            painter.fillRect(QRectF(from, nights.top(), to - from, nights.height()), QColor(90, 90, 120, 90));
            painter.fillRect(QRectF(from, plot.top(), to - from, plot.height()), QColor(90, 90, 120, 25));
        }
    }
    if (m_finding)
        for (const Detection& detection : m_finding->rule.detections) {
            const double from = m_scale.toPixel(detection.start), to = m_scale.toPixel(detection.end);
            painter.fillRect(QRectF(from, firing.top(), to - from, firing.height()), QColor(231, 76, 60, 160));
        }
    painter.setPen(night);
    painter.drawText(nights.adjusted(4, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, tr("UTC night"));
    painter.drawText(firing.adjusted(4, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
        m_finding && !m_finding->rule.detections.empty() ? tr("rule fires") : tr("rule does not fire"));

    // One column per pixel: the largest payload in it, relative to the flow's largest (unknown payloads draw as a
    // short tick). A regular beacon reads as an even comb once zoomed to its period.
    std::vector<double> columns(static_cast<std::size_t>(std::max(1, width())), -2.0);
    const auto first = std::lower_bound(m_times.begin(), m_times.end(), m_scale.start);
    const auto last = std::lower_bound(m_times.begin(), m_times.end(), m_scale.end);
    double tallest = 1;
    for (std::size_t i = 0; i < m_bytes.size(); ++i)
        tallest = std::max(tallest, m_bytes[i]);
    for (auto it = first; it != last; ++it) {
        const auto x = static_cast<std::size_t>(std::clamp(m_scale.toPixel(*it), 0.0, double(columns.size() - 1)));
        columns[x] = std::max(columns[x], m_bytes[static_cast<std::size_t>(it - m_times.begin())]);
    }
    painter.setPen(QColor(46, 134, 193));
    for (std::size_t x = 0; x < columns.size(); ++x) {
        if (columns[x] < -1.5)
            continue;
        const double share = columns[x] < 0 ? 0.15 : std::max(0.05, columns[x] / tallest);
        painter.drawLine(int(x), plot.bottom(), int(x), plot.bottom() - static_cast<int>(share * (plot.height() - 2)));
    }

    // Time axis: UTC labels at the smallest step that leaves room for them.
    painter.setPen(palette().color(QPalette::Text));
    painter.drawLine(0, plot.bottom() + 1, width(), plot.bottom() + 1);
    const double labelWidth = metrics.horizontalAdvance(QStringLiteral("00-00 00:00")) + 12;
    TimestampUs step = 30 * kMicrosPerDay;
    for (TimestampUs candidate : { 30 * kMicrosPerDay, 7 * kMicrosPerDay, kMicrosPerDay, 6 * kMicrosPerHour,
             kMicrosPerHour, 600 * kMicrosPerSecond, 60 * kMicrosPerSecond, 10 * kMicrosPerSecond, kMicrosPerSecond })
        if (m_scale.toPixel(m_scale.start + candidate) >= labelWidth)
            step = candidate;
    for (TimestampUs tick = floorDiv(m_scale.start, step) * step; tick < m_scale.end; tick += step) {
        const double x = m_scale.toPixel(tick);
        if (x < 0)
            continue;
        const std::string text = formatRfc3339(tick);
        const QString label = step >= kMicrosPerDay ? QString::fromStdString(text.substr(5, 5))
            : step >= 60 * kMicrosPerSecond         ? QString::fromStdString(text.substr(5, 11)).replace(u'T', u' ')
                                                    : QString::fromStdString(text.substr(11, 8));
        painter.drawLine(QPointF(x, plot.bottom() + 1), QPointF(x, plot.bottom() + 4));
        painter.drawText(QPointF(x + 2, height() - 4), label);
    }
    if (m_times.empty())
        painter.drawText(plot, Qt::AlignCenter, tr("Select a finding to see its connections over time."));
}

void TimelineView::zoom(double factor, double anchorPixel)
{
    m_scale.zoom(factor, anchorPixel);
    update();
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    zoom(event->angleDelta().y() > 0 ? 1.25 : 0.8, event->position().x());
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    m_dragX = event->position().x();
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    m_scale.pan(event->position().x() - m_dragX);
    m_dragX = event->position().x();
    update();
}

void TimelineView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        m_scale.zoom(1.5, width() / 2.0);
        break;
    case Qt::Key_Minus:
        m_scale.zoom(1 / 1.5, width() / 2.0);
        break;
    case Qt::Key_Left:
        m_scale.pan(width() / 10.0);
        break;
    case Qt::Key_Right:
        m_scale.pan(-width() / 10.0);
        break;
    case Qt::Key_Home:
        resetZoom();
        return;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    update();
}

} // namespace cepheid::ui
