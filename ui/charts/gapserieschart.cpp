#include "gapserieschart.h"

#include <QEvent>

namespace cepheid::ui {

GapSeriesChart::GapSeriesChart(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
}

void GapSeriesChart::setSeries(GapSeries series)
{
    m_series = std::move(series);
    relayout();
    update();
}

void GapSeriesChart::setLogScale(bool log)
{
    if (m_log == log)
        return;
    m_log = log;
    relayout();
    update();
}

void GapSeriesChart::resizeEvent(QResizeEvent*)
{
    relayout();
}

void GapSeriesChart::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        relayout();
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        update();
    QWidget::changeEvent(event);
}

} // namespace cepheid::ui
