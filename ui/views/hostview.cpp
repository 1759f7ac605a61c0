#include "hostview.h"

#include "charts/axisticks.h"
#include "charts/chartcolors.h"
#include "model/pathname.h"
#include "models/qtext.h"
#include "timekeys.h"

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <cmath>
#include <unordered_map>

namespace cepheid::ui {

HostView::HostView(QWidget* parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
}

int HostView::laneHeight() const
{
    return fontMetrics().height() + 8;
}

void HostView::setHost(SnapshotPtr snapshot, const Finding* finding)
{
    const bool sameHost = snapshot && m_snapshot && snapshot->data == m_snapshot->data && finding && !m_lanes.empty()
        && m_snapshot->flows.flow(m_lanes.front().flowIndex).key.sourceIp
            == snapshot->flows.flow(finding->flowIndex).key.sourceIp;
    // The keyboard's lane, by flow: kept for the same host, the selected flow's lane for another.
    const std::uint32_t currentFlow
        = sameHost && m_current >= 0 && m_current < laneCount() ? laneFlow(m_current) : kNoFlow;
    m_snapshot = std::move(snapshot);
    if (!m_snapshot || !finding) {
        m_lanes.clear();
        m_current = -1;
        update();
        emit scaleChanged();
        return;
    }
    const EventTable& events = m_snapshot->events;
    std::unordered_map<std::uint32_t, double> scores;
    for (const Finding& considered : m_snapshot->analysis.findings)
        scores[considered.flowIndex] = considered.beacon.score;
    const StringId host = m_snapshot->flows.flow(finding->flowIndex).key.sourceIp;
    m_lanes.clear();
    std::vector<TimestampUs> times; // the host's events, for a range a few outlying years cannot squash
    for (std::uint32_t index = 0; index < m_snapshot->flows.size(); ++index) {
        const Flow& flow = m_snapshot->flows.flow(index);
        if (flow.key.sourceIp != host || flow.entryCount == 0)
            continue;
        const auto flowEvents = m_snapshot->flows.events(flow);
        for (const EventIndex event : flowEvents)
            times.push_back(events.timestamp(event));
        const auto score = scores.find(index);
        m_lanes.push_back({ index,
            toDisplayText(events.text(flow.key.destination)) + QStringLiteral("  ·  ")
                + toDisplayText(fileNameOf(events.text(flow.key.processPath))),
            flow.entryCount, score == scores.end() ? -1.0 : score->second, index == finding->flowIndex });
    }
    sortLanes(currentFlow);
    std::tie(m_first, m_last) = robustTimeRange(std::move(times));
    if (!sameHost)
        resetZoom();
    setMinimumHeight(static_cast<int>(m_lanes.size()) * laneHeight() + 4);
    update();
}

void HostView::setLaneOrder(LaneOrder order)
{
    m_order = order;
    sortLanes(m_current >= 0 && m_current < laneCount() ? laneFlow(m_current) : kNoFlow);
    update();
}

void HostView::sortLanes(std::uint32_t currentFlow)
{
    std::stable_sort(m_lanes.begin(), m_lanes.end(), [this](const Lane& a, const Lane& b) {
        if (m_order == LaneOrder::Score && a.score != b.score)
            return a.score > b.score;
        return a.events > b.events;
    });
    m_current = -1;
    for (int lane = 0; lane < laneCount(); ++lane)
        if (laneFlow(lane) == currentFlow
            || (currentFlow == kNoFlow && m_lanes[static_cast<std::size_t>(lane)].selected))
            m_current = lane;
}

void HostView::resetZoom()
{
    m_scale = { m_first, m_last, double(std::max(1, width() - labelWidth())) };
    update();
    emit scaleChanged();
}

void HostView::zoom(double factor, double anchorPixel)
{
    m_scale.zoom(factor, anchorPixel - labelWidth());
    m_scale.keepNear(m_first, m_last);
    update();
    emit scaleChanged();
}

void HostView::pan(double pixels)
{
    m_scale.pan(pixels);
    m_scale.keepNear(m_first, m_last);
    update();
    emit scaleChanged();
}

int HostView::laneAt(int y) const
{
    const int lane = y / laneHeight();
    return y >= 0 && lane < laneCount() ? lane : -1;
}

void HostView::resizeEvent(QResizeEvent*)
{
    m_scale.width = std::max(1, width() - labelWidth());
    emit scaleChanged();
}

void HostView::paintEvent(QPaintEvent* event)
{
    QPainter painter(this);
    const ChartColors colors = chartColors(palette());
    painter.fillRect(rect(), colors.background);
    if (!m_snapshot || m_lanes.empty()) {
        painter.setPen(colors.mutedText);
        painter.drawText(rect(), Qt::AlignCenter, tr("Select a finding to see every destination of its host."));
        return;
    }
    const EventTable& events = m_snapshot->events;
    const int plotWidth = std::max(1, width() - labelWidth());
    const int height = laneHeight();
    std::vector<char> occupied(static_cast<std::size_t>(plotWidth));
    // Only the lanes in the exposed area are drawn: a host with hundreds of destinations scrolls smoothly.
    const int firstLane = std::max(0, event->rect().top() / height);
    const int lastLane = std::min(laneCount() - 1, event->rect().bottom() / height);
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const Lane& info = m_lanes[static_cast<std::size_t>(lane)];
        const int top = lane * height;
        const QRect row(0, top, width(), height);
        if (info.selected)
            painter.fillRect(row, tintFor(palette(), palette().color(QPalette::Highlight)));
        else if (lane % 2)
            painter.fillRect(row, palette().alternateBase());
        if (lane == m_current && hasFocus()) {
            painter.setPen(QPen(palette().color(QPalette::Highlight), 1, Qt::DotLine));
            painter.drawRect(row.adjusted(0, 0, -1, -1));
        }
        painter.setPen(colors.text);
        QString label = info.label;
        if (info.score >= 0)
            label = QString::number(info.score, 'f', 0) + QStringLiteral("  ") + label;
        painter.drawText(QRect(4, top, labelWidth() - 8, height), Qt::AlignVCenter | Qt::AlignLeft,
            painter.fontMetrics().elidedText(label, Qt::ElideMiddle, labelWidth() - 8));
        // A tick per occupied pixel column.
        std::fill(occupied.begin(), occupied.end(), 0);
        for (EventIndex index : m_snapshot->flows.events(m_snapshot->flows.flow(info.flowIndex))) {
            const double x = m_scale.toPixel(events.timestamp(index));
            if (x >= 0 && x < plotWidth)
                occupied[static_cast<std::size_t>(x)] = 1;
        }
        painter.setPen(colors.series);
        for (int x = 0; x < plotWidth; ++x)
            if (occupied[static_cast<std::size_t>(x)])
                painter.drawLine(labelWidth() + x, top + 4, labelWidth() + x, top + height - 4);
    }
}

void HostView::wheelEvent(QWheelEvent* event)
{
    // The wheel scrolls the lanes (the scroll area handles it); Ctrl+wheel zooms the time axis.
    if (!event->modifiers().testFlag(Qt::ControlModifier)) {
        event->ignore();
        return;
    }
    event->accept();
    if (event->angleDelta().y() != 0) // a touchpad's empty begin/end events do nothing
        zoom(std::pow(1.25, event->angleDelta().y() / 120.0), event->position().x());
}

void HostView::mousePressEvent(QMouseEvent* event)
{
    m_pressX = event->position().x();
    m_dragged = false;
    if (const int lane = laneAt(static_cast<int>(event->position().y())); lane >= 0)
        setCurrentLane(lane);
}

void HostView::mouseMoveEvent(QMouseEvent* event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    const double dx = event->position().x() - m_pressX;
    if (std::abs(dx) > 2) {
        m_dragged = true;
        m_pressX = event->position().x();
        pan(dx);
    }
}

void HostView::contextMenuEvent(QContextMenuEvent* event)
{
    if (const int lane = laneAt(event->pos().y()); lane >= 0)
        emit flowContextMenuRequested(m_lanes[static_cast<std::size_t>(lane)].flowIndex, event->globalPos());
}

void HostView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_dragged || event->button() != Qt::LeftButton)
        return;
    if (const int lane = laneAt(static_cast<int>(event->position().y())); lane >= 0)
        emit flowActivated(m_lanes[static_cast<std::size_t>(lane)].flowIndex);
}

void HostView::setCurrentLane(int lane)
{
    if (laneCount() == 0)
        return;
    m_current = std::clamp(lane, 0, laneCount() - 1);
    update();
    emit currentLaneChanged(m_current * laneHeight(), laneHeight());
}

void HostView::keyPressEvent(QKeyEvent* event)
{
    const double middle = labelWidth() + (width() - labelWidth()) / 2.0;
    switch (event->key()) {
    case Qt::Key_Up:
        setCurrentLane(m_current - 1);
        return;
    case Qt::Key_Down:
        setCurrentLane(m_current + 1);
        return;
    case Qt::Key_PageUp:
        setCurrentLane(m_current - 10);
        return;
    case Qt::Key_PageDown:
        setCurrentLane(m_current + 10);
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_current >= 0)
            emit flowActivated(laneFlow(m_current));
        return;
    default:
        if (!handleTimeKey(*this, event->key(), middle, width() - labelWidth()))
            QWidget::keyPressEvent(event);
        return;
    }
}

HostAxis::HostAxis(const HostView* view, QWidget* parent)
    : QWidget(parent)
    , m_view(view)
{
    connect(view, &HostView::scaleChanged, this, qOverload<>(&QWidget::update));
}

QSize HostAxis::sizeHint() const
{
    return { 300, fontMetrics().height() + 10 };
}

void HostAxis::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const ChartColors colors = chartColors(palette());
    painter.fillRect(rect(), colors.background);
    if (m_view->laneCount() == 0)
        return;
    // The lanes' plot starts after the label column, at the same x here (the scroll area adds no left offset).
    const int left = m_view->mapTo(window(), QPoint(m_view->labelWidth(), 0)).x() - mapTo(window(), QPoint(0, 0)).x();
    const TimeScale& scale = m_view->scale();
    const QFontMetrics metrics(font());
    painter.setPen(colors.mutedText);
    painter.drawText(QRect(4, 0, left - 8, height()), Qt::AlignVCenter | Qt::AlignRight, tr("UTC"));
    painter.setPen(colors.text);
    painter.drawLine(left, height() - 1, width(), height() - 1);
    const TimeTicks ticks = timeTicks(scale.start, scale.end, scale.width,
        metrics.horizontalAdvance(QStringLiteral("00-00 00:00")) + metrics.horizontalAdvance(QStringLiteral("  ")));
    for (const AxisTick& tick : ticks.ticks) {
        const double x = left + scale.toPixel(static_cast<TimestampUs>(tick.value));
        painter.drawLine(QPointF(x, height() - 5), QPointF(x, height() - 1));
        const double labelLeft = std::min(
            x - metrics.horizontalAdvance(tick.label) / 2.0, width() - 2.0 - metrics.horizontalAdvance(tick.label));
        if (labelLeft >= left - 2)
            painter.drawText(QPointF(labelLeft, metrics.ascent() + 2), tick.label);
    }
}

} // namespace cepheid::ui
