#include "intervalchart.h"

#include <QMouseEvent>
#include <QToolTip>

namespace cepheid::ui {

IntervalChart::IntervalChart(QWidget* parent)
    : GapSeriesChart(m_intervals, parent) // the base only stores the reference until the plot is constructed
{ }

void IntervalChart::mouseMoveEvent(QMouseEvent* event)
{
    const int bin = binAt(event->position());
    if (bin != m_hovered) {
        m_hovered = bin;
        update();
    }
    if (bin >= 0 && bins()[static_cast<std::size_t>(bin)].count > 0)
        QToolTip::showText(
            event->globalPosition().toPoint(), binText(bin) + tr("\nClick to open its first event."), this);
    else
        QToolTip::hideText();
}

void IntervalChart::mousePressEvent(QMouseEvent* event)
{
    const int bin = binAt(event->position());
    if (event->button() == Qt::LeftButton && bin >= 0 && bins()[static_cast<std::size_t>(bin)].count > 0)
        emit eventActivated(bins()[static_cast<std::size_t>(bin)].firstEvent);
}

} // namespace cepheid::ui
