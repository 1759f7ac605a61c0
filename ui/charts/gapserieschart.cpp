#include "gapserieschart.h"

#include <QEvent>
#include <QPainter>

namespace cepheid::ui {

GapSeriesChart::GapSeriesChart(GapSeriesPlot& plot, QWidget* parent)
    : QWidget(parent)
    , m_plot(plot)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
}

void GapSeriesChart::setSeries(GapSeries series)
{
    m_hovered = -1;
    m_plot.setSeries(std::move(series));
    relayout();
    update();
}

void GapSeriesChart::setLogScale(bool log)
{
    if (m_plot.logScale() == log)
        return;
    m_hovered = -1;
    m_plot.setLogScale(log);
    update();
}

void GapSeriesChart::relayout()
{
    m_plot.layout(QRectF(rect()), font());
}

void GapSeriesChart::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    m_plot.paint(painter, chartColors(palette()), m_hovered);
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

void GapSeriesChart::leaveEvent(QEvent*)
{
    if (m_hovered >= 0) {
        m_hovered = -1;
        update();
    }
}

} // namespace cepheid::ui
