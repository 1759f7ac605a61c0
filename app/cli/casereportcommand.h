#pragma once

#include "cases/casefile.h"
#include "clioptions.h"
#include "reports/scorereport.h"

namespace cepheid::cli {

// HTML and PDF case reports draw the workbench's charts, which need QtGui and QtSvg. The command line's objects are
// compiled once and linked into two executables, each with its own definition of the two functions below:
//  - cepheid-cli (casereportexec.cpp) links no Qt library: it runs cepheid-cli-reports, which the workbench package
//    installs in libexec/cepheid, with the same arguments, and says what to install when it is absent;
//  - cepheid-cli-reports (casereportcommand.cpp) draws them itself, on Qt's offscreen platform, so without a display.

// `report --format html|pdf` (options parsed from argv): returns the exit code.
int runCaseReport(const ScoreOptions& options, char** argv);

// Writes the case report (docs/reports.md) of an analysed case and returns the exit code.
int writeCaseReport(const ScoreOptions& options, CaseFile& caseFile, const EventTable& events, const FlowIndex& flows,
    const Analysis& analysis, const Analyzer& analyzer, const ScoreReportOptions& reportOptions, TimestampUs now);

} // namespace cepheid::cli
