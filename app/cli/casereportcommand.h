#pragma once

#include "cases/casefile.h"
#include "clioptions.h"
#include "reports/scorereport.h"

namespace cepheid::cli {

// `report --format html|pdf`: the case report (docs/reports.md) of an analysed case, its charts drawn by the
// workbench's plots on Qt's offscreen platform, so it runs without a display. Writes the report and returns the
// exit code.
int writeCaseReport(const ScoreOptions& options, CaseFile& caseFile, const EventTable& events, const FlowIndex& flows,
    const Analysis& analysis, const Analyzer& analyzer, const ScoreReportOptions& reportOptions, TimestampUs now);

} // namespace cepheid::cli
