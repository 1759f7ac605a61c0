#pragma once

#include "reportcharts.h"
#include "reports/reporthtml.h"

#include <QByteArray>
#include <QPagedPaintDevice>
#include <optional>

namespace cepheid::ui {

// The case report as PDF: the same blocks as the HTML, laid out by QTextDocument from plain text (nothing from the
// data is parsed as markup), A4 with page numbers, table headers repeated on each page, each finding on a new page
// and its charts never split (each is one drawn object, painted as vectors by the workbench's plots). nullopt when
// progress cancelled it; error says why when the PDF could not be made.
std::optional<QByteArray> writeReportPdf(
    const CaseReport& report, const ReportCharts& charts, const ReportProgress& progress, std::string& error);

// The same pages onto any paged device: a QPdfWriter, or a QPrinter for print and print preview, in the device's
// page size and margins (writeReportPdf uses A4); false when cancelled (error empty) or when painting could not
// start (error says why). progress(0, 0) is told while the document is still being laid out.
bool paintReport(const CaseReport& report, const ReportCharts& charts, QPagedPaintDevice& device,
    const ReportProgress& progress, std::string& error);

} // namespace cepheid::ui
