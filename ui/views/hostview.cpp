#include "hostview.h"

#include "model/pathname.h"
#include "models/qtext.h"

#include <QContextMenuEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

namespace cepheid::ui {

HostView::HostView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(false);
}

void HostView::setHost(SnapshotPtr snapshot, const Finding* finding)
{
    m_snapshot = std::move(snapshot);
    m_lanes.clear();
    if (!m_snapshot || !finding) {
        update();
        return;
    }
    const EventTable& events = m_snapshot->events;
    const StringId host = m_snapshot->flows.flow(finding->flowIndex).key.sourceIp;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> flows; // (events, flow index)
    TimestampUs first = events.timestamp(0), last = first + 1;
    for (std::uint32_t index = 0; index < m_snapshot->flows.size(); ++index) {
        const Flow& flow = m_snapshot->flows.flow(index);
        if (flow.key.sourceIp != host || flow.entryCount == 0)
            continue;
        flows.emplace_back(flow.entryCount, index);
        const auto flowEvents = m_snapshot->flows.events(flow);
        first = std::min(first, events.timestamp(flowEvents.front()));
        last = std::max(last, events.timestamp(flowEvents.back()) + 1);
    }
    std::sort(flows.begin(), flows.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [count, index] : flows) {
        const FlowKey& key = m_snapshot->flows.flow(index).key;
        m_lanes.push_back({ index,
            toQString(events.text(key.destination)) + QStringLiteral("  ·  ")
                + toQString(fileNameOf(events.text(key.processPath))),
            index == finding->flowIndex });
    }
    m_scale = { first, last, double(std::max(1, width() - kLabelWidth)) };
    setMinimumHeight(static_cast<int>(m_lanes.size()) * kLaneHeight + 4);
    update();
}

int HostView::laneAt(int y) const
{
    const int lane = y / kLaneHeight;
    return lane >= 0 && lane < laneCount() ? lane : -1;
}

void HostView::resizeEvent(QResizeEvent*)
{
    m_scale.width = std::max(1, width() - kLabelWidth);
}

void HostView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    if (!m_snapshot || m_lanes.empty()) {
        painter.drawText(rect(), Qt::AlignCenter, tr("Select a finding to see every destination of its host."));
        return;
    }
    const EventTable& events = m_snapshot->events;
    const int plotWidth = std::max(1, width() - kLabelWidth);
    std::vector<char> occupied(static_cast<std::size_t>(plotWidth));
    for (std::size_t lane = 0; lane < m_lanes.size(); ++lane) {
        const int top = static_cast<int>(lane) * kLaneHeight;
        const QRect row(0, top, width(), kLaneHeight);
        if (m_lanes[lane].selected)
            painter.fillRect(row, palette().highlight().color().lighter(170));
        else if (lane % 2)
            painter.fillRect(row, palette().alternateBase());
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRect(4, top, kLabelWidth - 8, kLaneHeight), Qt::AlignVCenter | Qt::AlignLeft,
            painter.fontMetrics().elidedText(m_lanes[lane].label, Qt::ElideMiddle, kLabelWidth - 8));
        // A tick per occupied pixel column.
        std::fill(occupied.begin(), occupied.end(), 0);
        for (EventIndex event : m_snapshot->flows.events(m_snapshot->flows.flow(m_lanes[lane].flowIndex))) {
            const double x = m_scale.toPixel(events.timestamp(event));
            if (x >= 0 && x < plotWidth)
                occupied[static_cast<std::size_t>(x)] = 1;
        }
        painter.setPen(QColor(46, 134, 193));
        for (int x = 0; x < plotWidth; ++x)
            if (occupied[static_cast<std::size_t>(x)])
                painter.drawLine(kLabelWidth + x, top + 4, kLabelWidth + x, top + kLaneHeight - 4);
    }
}

void HostView::wheelEvent(QWheelEvent* event)
{
    m_scale.zoom(event->angleDelta().y() > 0 ? 1.25 : 0.8, event->position().x() - kLabelWidth);
    update();
    event->accept();
}

void HostView::mousePressEvent(QMouseEvent* event)
{
    m_pressX = event->position().x();
    m_dragged = false;
}

void HostView::mouseMoveEvent(QMouseEvent* event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    const double dx = event->position().x() - m_pressX;
    if (std::abs(dx) > 2) {
        m_dragged = true;
        m_scale.pan(dx);
        m_pressX = event->position().x();
        update();
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

} // namespace cepheid::ui
