#include "findingscsv.h"

#include "util/spreadsheettext.h"

#include <cmath>
#include <cstdio>

namespace cepheid {

namespace {

std::string number(double value)
{
    if (!std::isfinite(value))
        return {};
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", value);
    std::string out = text;
    while (out.find('.') != std::string::npos && (out.back() == '0' || out.back() == '.'))
        out.pop_back();
    return out;
}

} // namespace

const std::vector<std::string>& findingsCsvColumns()
{
    static const std::vector<std::string> columns { "src_ip", "hostnames", "dest_host", "platform", "proc_path",
        "events", "first_seen", "last_seen", "rule_fires", "score", "verdict", "period_s", "period_confidence",
        "single_beat_cv", "jitter_cv", "checkins", "median_sent_bytes", "median_received_bytes", "rita_score",
        "allowlisted_by", "triage_status", "triage_analyst", "triage_notes", "triage_updated_at" };
    return columns;
}

std::string csvField(std::string_view text)
{
    std::string cell(text);
    if (startsLikeFormula(text))
        cell.insert(cell.begin(), '\'');
    if (cell.find_first_of(",\"\r\n") == std::string::npos)
        return cell;
    std::string quoted = "\"";
    for (const char c : cell) {
        if (c == '"')
            quoted.push_back('"');
        quoted.push_back(c);
    }
    quoted.push_back('"');
    return quoted;
}

std::string writeFindingsCsv(const EventTable& events, const FlowIndex& flows, const Analysis& analysis,
    const Analyzer& analyzer, const ScoreReportOptions& options, bool withBom)
{
    std::string out = withBom ? "\xEF\xBB\xBF" : "";
    const auto row = [&out](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0)
                out.push_back(',');
            out += csvField(cells[i]);
        }
        out += "\r\n";
    };
    row(findingsCsvColumns());
    for (const Finding* finding : listedFindings(events, flows, analysis, analyzer, options)) {
        const Flow& flow = flows.flow(finding->flowIndex);
        const BeaconScore& beacon = finding->beacon;
        std::string hostnames;
        for (std::string_view host : finding->hostnames)
            hostnames.append(hostnames.empty() ? "" : " ").append(host);
        const AllowlistEntry* allowlistedBy = allowlistEntryOf(*finding, analyzer.profile());
        const TriageState* triage = triageOf(*finding, events, flows, options);
        row({ std::string(events.text(flow.key.sourceIp)), hostnames, std::string(events.text(flow.key.destination)),
            finding->platform, std::string(events.text(flow.key.processPath)), std::to_string(finding->events),
            formatRfc3339(finding->firstSeen), formatRfc3339(finding->lastSeen), finding->rule.fires ? "true" : "false",
            number(beacon.score), std::string(verdictName(beacon.verdict)),
            beacon.period.found ? number(beacon.period.periodSeconds) : "", number(beacon.period.confidence),
            number(beacon.period.singleBeatCv), number(beacon.intervals.jitterCv),
            std::to_string(beacon.checkIns.checkIns), beacon.payload.known ? number(beacon.payload.sentMedian) : "",
            beacon.payload.known ? number(beacon.payload.receivedMedian) : "",
            beacon.rita.computed ? number(beacon.rita.score) : "", allowlistedBy ? allowlistedBy->id : "",
            triage ? triage->status : "new", triage ? triage->analyst : "", triage ? triage->notes : "",
            triage ? triage->updatedAt : "" });
    }
    return out;
}

} // namespace cepheid
