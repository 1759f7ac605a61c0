#pragma once

#include "scorereport.h"

#include <string>
#include <vector>

namespace cepheid {

// The findings as CSV for spreadsheets and tooling: one row per flow, the same findings in the same order as the
// JSON report (listedFindings), stable column names (findingsCsvColumns; documented in README.md). RFC 4180
// quoting, CRLF line ends; every cell from the data is made safe for spreadsheets (a leading =, +, -, @, tab or
// carriage return gets an apostrophe). withBom starts the file with a UTF-8 byte-order mark, which Excel needs to
// read UTF-8.
std::string writeFindingsCsv(const EventTable& events, const FlowIndex& flows, const Analysis& analysis,
    const Analyzer& analyzer, const ScoreReportOptions& options, bool withBom);

const std::vector<std::string>& findingsCsvColumns();

// One CSV field: neutralised against formulas and quoted when it must be.
std::string csvField(std::string_view text);

} // namespace cepheid
