#pragma once

#include "casereport.h"

#include <functional>
#include <optional>
#include <string>

namespace cepheid {

// Draws one chart of one finding as an inline <svg> element (the Qt layer renders the workbench's plots; see
// ui/report/svgcharts.h). Called once per chart, in document order, so only one chart is in memory at a time.
using ReportChartSvg = std::function<std::string(const Finding& finding, ReportChart chart)>;
// Told after each finding; returning false stops the report (it is then left unwritten).
using ReportProgress = std::function<bool(std::size_t done, std::size_t total)>;

// One self-contained HTML file (inline CSS and SVG, no script, nothing fetched), well-formed XML too, so a report
// parses with any HTML or XML reader; every value from the data is escaped. nullopt when progress cancelled it.
std::optional<std::string> writeReportHtml(
    const CaseReport& report, const ReportChartSvg& chartSvg, const ReportProgress& progress = {});

} // namespace cepheid
