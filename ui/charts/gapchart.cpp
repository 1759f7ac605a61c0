#include "gapchart.h"

#include "models/findingsmodel.h"

#include <QMouseEvent>
#include <QToolTip>

namespace cepheid::ui {

GapChart::GapChart(QWidget* parent)
    : GapSeriesChart(m_gapPlot, parent) // the base only stores the reference until the plot is constructed
{ }

void GapChart::mouseMoveEvent(QMouseEvent* event)
{
    const int point = pointAt(event->position());
    if (point != m_hovered) {
        m_hovered = point;
        update();
    }
    if (point < 0) {
        QToolTip::hideText();
        return;
    }
    const auto index = static_cast<std::size_t>(point);
    QToolTip::showText(event->globalPosition().toPoint(),
        tr("%1\ngap %2 since the previous check-in\nClick to open its event.")
            .arg(tooltipTime(series().times[index]), FindingsModel::formatDuration(series().gaps[index])),
        this);
}

void GapChart::mousePressEvent(QMouseEvent* event)
{
    const int point = pointAt(event->position());
    if (event->button() == Qt::LeftButton && point >= 0)
        emit eventActivated(series().events[static_cast<std::size_t>(point)]);
}

} // namespace cepheid::ui
