#include "reportcharts.h"

#include "charts/gapplot.h"
#include "charts/intervalplot.h"
#include "charts/timelineplot.h"

#include <QBuffer>
#include <QSvgGenerator>

namespace cepheid::ui {

namespace {

// Paper: white, near-black text, whatever theme the workbench uses.
ChartColors paperColors()
{
    QPalette palette;
    for (const QPalette::ColorRole role : { QPalette::Base, QPalette::Window, QPalette::Button })
        palette.setColor(role, Qt::white);
    for (const QPalette::ColorRole role : { QPalette::Text, QPalette::WindowText, QPalette::ButtonText })
        palette.setColor(role, QColor(0x1b, 0x1f, 0x24));
    palette.setColor(QPalette::Mid, QColor(0xa0, 0xa7, 0xb0));
    palette.setColor(QPalette::Highlight, QColor(0x1f, 0x5f, 0x8b));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::PlaceholderText, QColor(0x57, 0x60, 0x6a));
    return chartColors(palette);
}

} // namespace

ReportCharts::ReportCharts(const EventTable& events, const FlowIndex& flows)
    : m_events(events)
    , m_flows(flows)
{
    std::tie(m_caseFirst, m_caseLast) = TimelinePlot::caseRange(events);
}

QSizeF ReportCharts::size(ReportChart chart)
{
    return chart == ReportChart::Timeline ? QSizeF(720, 190) : QSizeF(720, 230);
}

QFont ReportCharts::font()
{
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(11);
    font.setStyleStrategy(QFont::PreferNoShaping); // text in a PDF copies as typed, without ligatures
    return font;
}

void ReportCharts::paint(QPainter& painter, const QRectF& area, const Finding& finding, ReportChart chart) const
{
    const ChartColors colors = paperColors();
    switch (chart) {
    case ReportChart::Intervals:
    case ReportChart::GapsOverTime: {
        IntervalPlot intervals;
        GapPlot gaps;
        GapSeriesPlot& plot = chart == ReportChart::Intervals ? static_cast<GapSeriesPlot&>(intervals) : gaps;
        plot.setSeries(GapSeries::of(m_events, m_flows, finding));
        plot.layout(area, font());
        plot.paint(painter, colors);
        break;
    }
    case ReportChart::Timeline: {
        TimelinePlot plot;
        plot.setCaseRange(m_caseFirst, m_caseLast);
        plot.setFlow(m_events, m_flows, finding);
        plot.resetZoom();
        plot.layout(area, font());
        plot.paint(painter, colors);
        break;
    }
    }
}

std::string ReportCharts::svg(const Finding& finding, ReportChart chart) const
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const QSizeF chartSize = size(chart);
    {
        QSvgGenerator generator;
        generator.setOutputDevice(&buffer);
        generator.setResolution(96);
        generator.setSize(chartSize.toSize());
        generator.setViewBox(QRectF(QPointF(0, 0), chartSize));
        generator.setTitle(QStringLiteral("Cepheid chart"));
        QPainter painter(&generator);
        paint(painter, QRectF(QPointF(0, 0), chartSize), finding, chart);
    }
    // Inline in HTML: the XML declaration goes, the <svg> element stays.
    const QByteArray& bytes = buffer.data();
    const qsizetype start = bytes.indexOf("<svg");
    if (start < 0)
        return {};
    return std::string(bytes.constData() + start, static_cast<std::size_t>(bytes.size() - start));
}

} // namespace cepheid::ui
