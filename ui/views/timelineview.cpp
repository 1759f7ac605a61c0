#include "timelineview.h"

#include "charts/chartaxes.h"
#include "models/changetext.h"
#include "models/findingsmodel.h"
#include "models/qtext.h"
#include "models/timetext.h"
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

constexpr double kDragPixels = 4;

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
        const auto [first, last] = TimelinePlot::caseRange(snapshot->events);
        m_plot.setCaseRange(first, last);
    }
    m_snapshot = std::move(snapshot);
    m_finding = finding;
    if (sameFlow) {
        m_plot.setFiring(*finding); // the new profile may fire elsewhere
        markChanges(); // and rate the changes otherwise
        layoutPlot();
        update();
        return;
    }
    m_selectionStart = m_selectionEnd = 0;
    if (m_snapshot && finding)
        m_plot.setFlow(m_snapshot->events, m_snapshot->flows, *finding);
    else
        m_plot.clearFlow();
    markChanges();
    resetZoom();
}

void TimelineView::markChanges()
{
    m_markedChanges.clear();
    const std::vector<std::uint32_t>* linked
        = m_snapshot && m_finding ? m_snapshot->cloud.changesOf(m_finding->flowIndex) : nullptr;
    if (!linked) {
        m_plot.setMarkers({});
        return;
    }
    m_markedChanges.assign(linked->begin(), linked->end());
    const std::vector<ChangeFinding>& changes = m_snapshot->cloud.changes;
    std::stable_sort(m_markedChanges.begin(), m_markedChanges.end(), [&](int a, int b) {
        return changes[static_cast<std::size_t>(a)].first < changes[static_cast<std::size_t>(b)].first;
    });
    std::vector<TimelinePlot::Marker> markers;
    for (const int index : m_markedChanges) {
        const ChangeFinding& change = changes[static_cast<std::size_t>(index)];
        markers.push_back(
            { change.first, tr("%1 cloud change · %2").arg(severityText(change.severity), actionsText(change)) });
    }
    m_plot.setMarkers(std::move(markers)); // in time order already: the parallel indexes stay valid
}

int TimelineView::markedChangeAt(double x) const
{
    const int marker = m_plot.markerAt(x);
    return marker < 0 ? -1 : m_markedChanges[static_cast<std::size_t>(marker)];
}

QString TimelineView::markerToolTip(int changeIndex) const
{
    const ChangeFinding& change = m_snapshot->cloud.changes[static_cast<std::size_t>(changeIndex)];
    QString when = fullTime(change.first);
    for (const ChangeLink& link : change.links)
        if (link.flowIndex == m_finding->flowIndex)
            when += QStringLiteral(", ") + relationText(change, link);
    return tr("Cloud change: %1, %2 points\n%3: %4 on %5\n%6\nClick the flag to open it in Cloud changes.")
        .arg(severityText(change.severity))
        .arg(change.points, 0, 'f', 0)
        .arg(toDisplayText(change.actor), actionsText(change), resourceText(change), when);
}

void TimelineView::resetZoom()
{
    m_plot.resetZoom();
    layoutPlot();
    update();
}

void TimelineView::setVisibleRange(TimestampUs start, TimestampUs end)
{
    m_plot.scale().start = start;
    m_plot.scale().end = std::max(end, start + kMicrosPerSecond);
    update();
}

void TimelineView::clearSelection()
{
    m_selectionStart = m_selectionEnd = 0;
    update();
}

void TimelineView::layoutPlot()
{
    m_plot.layout(QRectF(rect()), font());
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

void TimelineView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const ChartColors colors = chartColors(palette());
    m_plot.paint(painter, colors);
    // The selected range (a drag), and the one being dragged.
    const QRectF plot = m_plot.plotRect();
    const auto shade = [&](double from, double to) {
        painter.fillRect(QRectF(std::min(from, to), plot.top(), std::abs(to - from), plot.height()), colors.selection);
    };
    if (m_selectionEnd > m_selectionStart)
        shade(std::max(plot.left(), xOf(m_selectionStart)), std::min(plot.right(), xOf(m_selectionEnd)));
    if (m_pressX >= 0 && m_dragX >= 0 && std::abs(m_dragX - m_pressX) > kDragPixels)
        shade(m_pressX, m_dragX);
    if (eventCount() == 0) {
        painter.setPen(colors.mutedText);
        painter.drawText(plot, Qt::AlignCenter, tr("Select a finding to see its connections over time."));
    }
}

void TimelineView::zoom(double factor, double anchorPixel)
{
    m_plot.scale().zoom(factor, plotX(anchorPixel));
    m_plot.scale().keepNear(m_plot.caseFirst(), m_plot.caseLast());
    update();
}

void TimelineView::pan(double pixels)
{
    m_plot.scale().pan(pixels);
    m_plot.scale().keepNear(m_plot.caseFirst(), m_plot.caseLast());
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
        pan(m_plot.plotRect().width() / 10.0 * steps / 120.0);
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
        m_dragX = std::clamp(event->position().x(), m_plot.plotRect().left(), m_plot.plotRect().right());
        update();
        return;
    }
    const std::int64_t hit = eventAt(event->position().x());
    // A change's flag, or its line where no connection is near, names the change.
    const int marked = markedChangeAt(event->position().x());
    if (marked >= 0
        && (m_plot.markerBand().contains(event->position())
            || (hit < 0 && m_plot.plotRect().contains(event->position())))) {
        QToolTip::showText(event->globalPosition().toPoint(), markerToolTip(marked), this);
        return;
    }
    if (hit < 0 || !m_plot.plotRect().adjusted(0, -4, 0, 4).contains(event->position())) {
        QToolTip::hideText();
        return;
    }
    const EventTable& events = m_snapshot->events;
    const auto eventIndex = static_cast<EventIndex>(hit);
    QString text;
    if (mode() == Mode::Rate) {
        const TimestampUs bucket = bucketWidth();
        const TimestampUs start = floorDiv(m_plot.scale().toTime(plotX(event->position().x())), bucket) * bucket;
        const std::vector<TimestampUs>& times = m_plot.times();
        const auto from = std::lower_bound(times.begin(), times.end(), start);
        const auto to = std::lower_bound(times.begin(), times.end(), start + bucket);
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
    const double press = m_pressX,
                 release = std::clamp(event->position().x(), m_plot.plotRect().left(), m_plot.plotRect().right());
    m_pressX = m_dragX = -1;
    if (std::abs(release - press) > kDragPixels) {
        m_selectionStart = m_plot.scale().toTime(plotX(std::min(press, release)));
        m_selectionEnd = m_plot.scale().toTime(plotX(std::max(press, release)));
        update();
        emit rangeSelected(m_selectionStart, m_selectionEnd);
        return;
    }
    update();
    if (const int marked = markedChangeAt(press);
        marked >= 0 && m_plot.markerBand().adjusted(0, 0, 0, 2).contains(QPointF(press, event->position().y()))) {
        emit changeActivated(marked);
        return;
    }
    if (const std::int64_t hit = eventAt(press); hit >= 0)
        emit eventActivated(static_cast<EventIndex>(hit));
}

void TimelineView::keyPressEvent(QKeyEvent* event)
{
    if (!handleTimeKey(
            *this, event->key(), m_plot.plotRect().left() + m_plot.plotRect().width() / 2.0, m_plot.plotRect().width()))
        QWidget::keyPressEvent(event);
}

} // namespace cepheid::ui
