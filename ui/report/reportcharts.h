#pragma once

#include "reports/casereport.h"

#include <QPainter>
#include <QSizeF>
#include <string>

namespace cepheid::ui {

// A report's charts, drawn by the workbench's own plots (IntervalPlot, GapPlot, TimelinePlot) in paper colours:
// as inline SVG for HTML, straight onto the page for PDF. Each chart is computed when it is drawn and dropped
// after, so a report of hundreds of findings holds one chart at a time.
class ReportCharts
{
public:
    ReportCharts(const EventTable& events, const FlowIndex& flows);

    static QSizeF size(ReportChart chart); // at 96 dpi
    static QFont font();
    void paint(QPainter& painter, const QRectF& area, const Finding& finding, ReportChart chart) const;
    // An <svg> element (no XML declaration), to be placed inside HTML.
    std::string svg(const Finding& finding, ReportChart chart) const;

private:
    const EventTable& m_events;
    const FlowIndex& m_flows;
    TimestampUs m_caseFirst = 0, m_caseLast = 1;
};

} // namespace cepheid::ui
