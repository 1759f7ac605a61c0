#pragma once

#include "cases/casefile.h"
#include "findings/analysis.h"
#include "reports/scorereport.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cepheid {

// A case report's content, decided once here and written twice: as HTML by writeReportHtml (reporthtml.h) and as
// PDF by the Qt layer (ui/report). Everything is plain text: the writers escape it or set it as text, so no value
// from the data ever becomes markup. Layout is docs/reports.md.
enum class ReportChart { Intervals, GapsOverTime, Timeline };

struct ReportBlock
{
    enum class Kind {
        Heading, // text, level 1..3; newPage starts a page in print (each finding)
        Paragraph, // text; muted for asides
        Facts, // rows of {label, value}
        Table, // rows[0] is the header (repeated on every page in print)
        Chart, // chart of findings[finding], captioned by text
        Records, // raw records, each preformatted
    };
    Kind kind = Kind::Paragraph;
    int level = 1;
    bool newPage = false;
    bool muted = false;
    std::string text;
    std::string anchor; // a heading's id, for the HTML contents
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> records;
    ReportChart chart = ReportChart::Intervals;
    std::size_t finding = 0;
};

struct CaseReport
{
    std::string title; // the document's title
    std::vector<ReportBlock> blocks;
    std::vector<const Finding*> findings; // what Chart blocks draw, in report order
};

// The alerting flows of two profiles compared: the summary's what-if delta.
struct ReportDelta
{
    std::string against; // "profile version 3"
    std::vector<std::uint32_t> added, removed; // flows alerting only now / only under `against`
};

// What a report is built from. The case's data is referenced, never copied.
struct CaseReportInput
{
    CaseReportInput(
        const EventTable& eventTable, const FlowIndex& flowIndex, const Analysis& analysed, const Analyzer& analyzedBy)
        : events(eventTable)
        , flows(flowIndex)
        , analysis(analysed)
        , analyzer(analyzedBy)
    { }

    const EventTable& events;
    const FlowIndex& flows;
    const Analysis& analysis;
    const Analyzer& analyzer;

    CaseInfo info;
    std::string casePath;
    std::vector<CaseSource> sources;
    std::map<std::int64_t, std::vector<Reject>> rejects; // by source id: the first ones of each
    std::string profileLabel; // "version 4 by alice, 2026-11-20T10:00:00Z", or "the default profile"
    std::optional<ReportDelta> delta;

    ScoreReportOptions options; // selection and triage
    std::optional<std::vector<std::uint32_t>> flowSelection; // the findings selected in the table, when given
    std::size_t rawRecords = 5; // per finding
    std::size_t previewLimit = 0; // > 0: only the first findings get a section (a print preview); 0: all
    // The original text of an event's record (nullopt when the case does not hold it).
    std::function<std::optional<std::string>(EventIndex)> rawRecord;
    std::string generatedAt; // RFC 3339
    std::string version; // Cepheid's
};

// Limits that keep a report readable and its size bounded whatever the case holds.
inline constexpr std::size_t kMaxReportRawRecord = 4000; // characters of one raw record
inline constexpr std::size_t kMaxReportRejects = 20; // rejects listed per source
inline constexpr std::size_t kMaxReportDeltaRows = 25; // flows listed per side of the what-if delta
inline constexpr std::size_t kMaxReportRawRecords = 1000; // --raw

CaseReport buildCaseReport(const CaseReportInput& input);

// What a report reads from the case file itself, for the CLI and the workbench alike: metadata, sources, the first
// rejects of each, and raw records on demand (a lookup that fails, or comes after `cancel` is set, gives nullopt).
// The case file must outlive the report's building. Fails with the reason when the case cannot be read.
Expected<void> readCaseProvenance(
    CaseReportInput& input, CaseFile& caseFile, const std::atomic<bool>* cancel = nullptr);
// "version 4 by alice, 2026-11-20T10:00:00Z (note)".
std::string profileVersionLabel(const ProfileVersion& version);

// The what-if of the summary: the flows alerting under `profile` (its analysis given) against those alerting under
// `earlier`, which is analysed here by re-running only what differs. Fails with the reason when `earlier` cannot
// be used.
Expected<ReportDelta> compareAlerting(const Analysis& analysis, const Profile& profile, const Profile& earlier,
    std::string against, const EventTable& events, const FlowIndex& flows, TimestampUs now);

// The selection as a reader would say it: "alerting findings", "findings with verdict likely or above"…
std::string selectionText(const CaseReportInput& input);

} // namespace cepheid
