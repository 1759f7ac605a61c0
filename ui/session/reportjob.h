#pragma once

#include "reports/casereport.h"
#include "snapshot.h"

#include <QString>
#include <atomic>
#include <functional>
#include <optional>

namespace cepheid::ui {

enum class ReportFormat { Html, Pdf };

// One case report as File ▸ Export ▸ Case Report asks for it.
struct ReportRequest
{
    ReportFormat format = ReportFormat::Html;
    FindingSelection selection; // alerting by default
    std::optional<std::vector<std::uint32_t>> flows; // the findings selected in the table, instead of `selection`
    std::size_t rawRecords = 5;
    QString casePath; // read through a connection of its own, so the job may run off the GUI thread
    QString path; // where the report goes (written atomically)
};

// The report's content, built from the snapshot the window shows (its working profile, its triage) and the case
// file (metadata, sources, rejects, raw records). The what-if compares with the saved version when the profile has
// unsaved changes, else with the version before it, as `cepheid-cli report` does. Safe on any thread.
// cancel, when set, stops the raw-record lookups (the report is then thrown away). previewLimit: see
// CaseReportInput.
std::optional<CaseReport> buildReport(const Snapshot& snapshot, const ReportRequest& request, CaseFile& caseFile,
    const Analyzer& analyzer, QString& error, const std::atomic<bool>* cancel = nullptr, std::size_t previewLimit = 0);

// Builds and writes the report. progress(done, total) is told as findings (HTML) or pages (PDF) are drawn (0 of 0
// while the PDF is laid out); cancel stops it and leaves no file. True when the file was written; otherwise false
// with the reason, or with an empty reason when cancelled.
bool writeReport(const Snapshot& snapshot, const ReportRequest& request, const std::atomic<bool>& cancel,
    const std::function<void(std::size_t done, std::size_t total)>& progress, QString& error);

} // namespace cepheid::ui
