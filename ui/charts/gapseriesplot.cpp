#include "gapseriesplot.h"

#include <QCoreApplication>

namespace cepheid::ui {

void GapSeriesPlot::setSeries(GapSeries series)
{
    m_series = std::move(series);
    relayout();
}

void GapSeriesPlot::setLogScale(bool log)
{
    if (m_log == log)
        return;
    m_log = log;
    relayout();
}

void GapSeriesPlot::layout(const QRectF& area, const QFont& font)
{
    m_area = area;
    m_font = font;
    relayout();
}

void GapSeriesPlot::paintEmpty(QPainter& painter, const ChartColors& colors) const
{
    painter.setPen(colors.mutedText);
    painter.setFont(m_font);
    painter.drawText(m_area, Qt::AlignCenter | Qt::TextWordWrap,
        QCoreApplication::translate("GapSeriesPlot", "Fewer than two check-ins: there is no gap to show."));
}

} // namespace cepheid::ui
