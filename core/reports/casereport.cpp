#include "casereport.h"

#include "util/durationtext.h"
#include "util/htmltext.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <set>

namespace cepheid {

namespace {

std::string fixed(double value, int digits)
{
    if (!std::isfinite(value))
        return "—";
    if (std::abs(value) < 0.5 * std::pow(10.0, -digits))
        value = 0; // never "-0.0"
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

std::string count(std::uint64_t value)
{
    // Thousands separated by a thin space: "1 048 576".
    std::string digits = std::to_string(value), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += "\u2009";
        out.push_back(digits[i]);
    }
    return out;
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many)
{
    return count(n) + " " + std::string(n == 1 ? one : many);
}

std::string bytesText(double bytes)
{
    if (bytes >= 1e6)
        return fixed(bytes / 1e6, 1) + " MB";
    if (bytes >= 1e3)
        return fixed(bytes / 1e3, 1) + " KB";
    return fixed(bytes, 0) + " B";
}

std::string timeText(TimestampUs time)
{
    return formatRfc3339(time);
}

std::string kindName(ScoreComponent::Kind kind)
{
    switch (kind) {
    case ScoreComponent::Kind::Timing:
        return "timing";
    case ScoreComponent::Kind::Context:
        return "context";
    case ScoreComponent::Kind::Penalty:
        return "penalty";
    }
    return {};
}

std::string matchName(MatchMode mode)
{
    return std::string(matchModeName(mode));
}

// "wks-0005.corp.example (10.20.0.7)" or just the IP.
std::string hostText(const Finding& finding, std::string_view sourceIp)
{
    std::string names;
    for (std::string_view name : finding.hostnames)
        names += (names.empty() ? "" : ", ") + std::string(name);
    return names.empty() ? std::string(sourceIp) : names + " (" + std::string(sourceIp) + ")";
}

class Builder
{
public:
    explicit Builder(const CaseReportInput& input)
        : m_in(input)
    { }

    CaseReport build()
    {
        m_report.title = revealBidiControls(
            m_in.info.title.empty() ? "Cepheid case report" : "Cepheid case report: " + m_in.info.title);
        selectFindings();
        heading(1, m_report.title, "top");
        metadata();
        summary();
        findings();
        cloudChanges();
        appendix();
        return std::move(m_report);
    }

private:
    void heading(int level, std::string text, std::string anchor = {}, bool newPage = false)
    {
        ReportBlock block;
        block.kind = ReportBlock::Kind::Heading;
        block.level = level;
        block.text = revealBidiControls(text);
        block.anchor = std::move(anchor);
        block.newPage = newPage;
        m_report.blocks.push_back(std::move(block));
    }
    void paragraph(std::string text, bool muted = false)
    {
        ReportBlock block;
        block.text = revealBidiControls(text);
        block.muted = muted;
        m_report.blocks.push_back(std::move(block));
    }
    // Every cell as the report shows it (bidi controls revealed: see revealBidiControls).
    static std::vector<std::vector<std::string>> revealed(std::vector<std::vector<std::string>> rows)
    {
        for (auto& row : rows)
            for (std::string& cell : row)
                cell = revealBidiControls(cell);
        return rows;
    }
    void facts(std::vector<std::vector<std::string>> rows)
    {
        ReportBlock block;
        block.kind = ReportBlock::Kind::Facts;
        block.rows = revealed(std::move(rows));
        m_report.blocks.push_back(std::move(block));
    }
    void table(std::vector<std::vector<std::string>> rows)
    {
        ReportBlock block;
        block.kind = ReportBlock::Kind::Table;
        block.rows = revealed(std::move(rows));
        m_report.blocks.push_back(std::move(block));
    }
    void chart(ReportChart kind, std::size_t finding, std::string caption)
    {
        ReportBlock block;
        block.kind = ReportBlock::Kind::Chart;
        block.chart = kind;
        block.finding = finding;
        block.text = std::move(caption);
        m_report.blocks.push_back(std::move(block));
    }

    std::string_view text(StringId id) const { return m_in.events.text(id); }
    const FlowKey& keyOf(std::uint32_t flow) const { return m_in.flows.flow(flow).key; }

    void selectFindings()
    {
        if (m_in.flowSelection) {
            const std::set<std::uint32_t> chosen(m_in.flowSelection->begin(), m_in.flowSelection->end());
            ScoreReportOptions all = m_in.options;
            all.selection = FindingSelection { FindingSelection::Kind::All, Verdict::None, {} };
            for (const Finding* finding : listedFindings(m_in.events, m_in.flows, m_in.analysis, m_in.analyzer, all))
                if (chosen.count(finding->flowIndex))
                    m_listed.push_back(finding);
        } else {
            m_listed = listedFindings(m_in.events, m_in.flows, m_in.analysis, m_in.analyzer, m_in.options);
        }
        m_report.findings = m_listed;
        if (m_in.previewLimit > 0 && m_report.findings.size() > m_in.previewLimit)
            m_report.findings.resize(m_in.previewLimit);
    }

    void metadata()
    {
        facts({ { "Case", m_in.info.title.empty() ? "(untitled)" : m_in.info.title },
            { "Analyst", m_in.info.analyst.empty() ? "—" : m_in.info.analyst },
            { "Ticket", m_in.info.ticket.empty() ? "—" : m_in.info.ticket },
            { "Created", m_in.info.created.empty() ? "—" : m_in.info.created }, { "Case file", m_in.casePath },
            { "Generated", m_in.generatedAt }, { "Cepheid", m_in.version } });
    }

    void summary()
    {
        heading(2, "Summary", "summary");
        const AnalysisSummary& s = m_in.analysis.summary;
        TimestampUs first = 0, last = 0;
        for (EventIndex i = 0; i < m_in.events.size(); ++i) {
            const TimestampUs t = m_in.events.timestamp(i);
            if (i == 0 || t < first)
                first = t;
            if (i == 0 || t > last)
                last = t;
        }
        std::string sources;
        for (const CaseSource& source : m_in.sources)
            sources += (sources.empty() ? "" : ", ") + source.path;
        facts({ { "Events", count(m_in.events.size()) },
            { "Sources",
                m_in.sources.empty() ? "none" : plural(m_in.sources.size(), "file", "files") + ": " + sources },
            { "Time range",
                m_in.events.empty() ? "—"
                                    : timeText(first) + " to " + timeText(last) + " ("
                        + durationText(static_cast<double>(last - first) / 1e6) + ")" },
            { "Profile", m_in.profileLabel },
            { "Flows", count(s.flowsTotal) + " in all, " + count(s.flowsConsidered) + " to serverless destinations" },
            { "The rule fires on",
                plural(s.flowsFiring, "flow", "flows") + " (" + plural(s.detections, "detection", "detections") + ")" },
            { "Allowlisted", plural(s.flowsAllowlisted, "flow", "flows") },
            { "This report lists", plural(m_listed.size(), "finding", "findings") + ": " + selectionText(m_in) } });
        if (m_report.findings.size() < m_listed.size())
            paragraph("This preview shows the first " + count(m_report.findings.size()) + " of "
                    + count(m_listed.size()) + " findings; the exported report holds them all.",
                true);

        std::vector<std::vector<std::string>> verdicts { { "Verdict", "Flows", "Listed here" } };
        for (int v = 3; v >= 0; --v) {
            const auto verdict = static_cast<Verdict>(v);
            const auto listed = std::count_if(
                m_listed.begin(), m_listed.end(), [&](const Finding* f) { return f->beacon.verdict == verdict; });
            verdicts.push_back(
                { std::string(verdictName(verdict)), count(s.verdicts[v]), count(static_cast<std::uint64_t>(listed)) });
        }
        table(std::move(verdicts));

        std::map<std::string, std::uint64_t> statuses;
        for (const Finding& finding : m_in.analysis.findings) {
            const TriageState* triage = triageOf(finding, m_in.events, m_in.flows, m_in.options);
            ++statuses[triage ? triage->status : "new"];
        }
        std::vector<std::vector<std::string>> triage { { "Triage status", "Considered flows" } };
        for (const std::string_view status : kTriageStatusesByUrgency)
            if (const auto found = statuses.find(std::string(status)); found != statuses.end())
                triage.push_back({ std::string(status), count(found->second) });
        if (triage.size() > 1)
            table(std::move(triage));

        if (!m_in.delta) {
            paragraph("What-if: no earlier profile version to compare with.", true);
            return;
        }
        const ReportDelta& delta = *m_in.delta;
        paragraph("What-if against " + delta.against + ": " + plural(delta.added.size(), "flow alerts", "flows alert")
            + " now that did not, " + plural(delta.removed.size(), "flow no longer alerts", "flows no longer alert")
            + ".");
        if (delta.added.empty() && delta.removed.empty())
            return;
        std::vector<std::vector<std::string>> rows { { "Change", "Host", "Destination", "Process" } };
        const auto list = [&](const std::vector<std::uint32_t>& flows, const char* change) {
            for (std::size_t i = 0; i < flows.size() && i < kMaxReportDeltaRows; ++i) {
                const FlowKey& key = keyOf(flows[i]);
                rows.push_back({ change, std::string(text(key.sourceIp)), std::string(text(key.destination)),
                    std::string(text(key.processPath)) });
            }
            if (flows.size() > kMaxReportDeltaRows)
                rows.push_back({ change, "… and " + count(flows.size() - kMaxReportDeltaRows) + " more", "", "" });
        };
        list(delta.added, "now alerts");
        list(delta.removed, "no longer alerts");
        table(std::move(rows));
    }

    void findings()
    {
        heading(2, "Findings", "findings");
        if (m_report.findings.empty()) {
            paragraph("No finding matches the selection (" + selectionText(m_in)
                + "). Under this profile the case holds nothing to report; the appendix says what was read.");
            return;
        }
        std::vector<std::vector<std::string>> index { { "#", "Verdict", "Score", "Rule", "Host", "Destination",
            "Triage" } };
        for (std::size_t i = 0; i < m_report.findings.size(); ++i) {
            const Finding& finding = *m_report.findings[i];
            const FlowKey& key = keyOf(finding.flowIndex);
            const TriageState* triage = triageOf(finding, m_in.events, m_in.flows, m_in.options);
            index.push_back({ std::to_string(i + 1), std::string(verdictName(finding.beacon.verdict)),
                fixed(finding.beacon.score, 1), finding.rule.fires ? "fires" : "does not fire",
                std::string(text(key.sourceIp)), std::string(text(key.destination)), triage ? triage->status : "new" });
        }
        table(std::move(index));
        for (std::size_t i = 0; i < m_report.findings.size(); ++i)
            finding(i);
    }

    // Changes to serverless functions from cloud audit logs (docs/cloud-audit.md), each with the flows that reach
    // the function.
    void cloudChanges()
    {
        const CloudAnalysis* cloud = m_in.options.cloud;
        if (!cloud || cloud->auditRecords == 0)
            return;
        heading(2, "Cloud changes", "cloud-changes");
        if (cloud->changes.empty()) {
            paragraph(count(cloud->auditRecords)
                + " cloud audit records, none of them a change to a function (reads, calls and credentials only).");
            return;
        }
        paragraph(count(cloud->auditRecords) + " cloud audit records give "
            + plural(cloud->changes.size(), "change", "changes") + " to serverless functions, " + count(cloud->alerting)
            + " of medium or high severity. Each is one caller's calls on one function, close in time; its severity "
              "adds the points of the signals below (docs/cloud-audit.md).");
        std::vector<std::vector<std::string>> index { { "#", "Severity", "Points", "When", "Actor", "Function",
            "Linked flows", "Triage" } };
        for (const ChangeFinding& change : cloud->changes)
            index.push_back({ std::to_string(change.id), std::string(changeSeverityName(change.severity)),
                fixed(change.points, 0), timeText(change.first), change.actor, changeResourceText(change),
                count(change.links.size()), changeTriageStatus(change) });
        table(std::move(index));
        // The details of the changes that matter: medium and high ones, and any linked to a flow.
        for (const ChangeFinding& change : cloud->changes)
            if (change.alerting || !change.links.empty())
                cloudChange(change);
    }

    static std::string changeResourceText(const ChangeFinding& change)
    {
        return std::string(cloudProviderName(change.provider)) + " " + change.service + " " + change.resource;
    }

    std::string changeTriageStatus(const ChangeFinding& change) const
    {
        const auto found = m_in.options.triage.find(changeTriageKey(change));
        return found == m_in.options.triage.end() ? "new" : found->second.status;
    }

    void cloudChange(const ChangeFinding& change)
    {
        std::string actions;
        for (const CloudAction action : change.actions)
            actions += (actions.empty() ? "" : ", ") + std::string(cloudActionName(action));
        heading(3,
            "Change " + std::to_string(change.id) + ": " + std::string(changeSeverityName(change.severity)) + ", "
                + actions + " of " + changeResourceText(change),
            "change-" + std::to_string(change.id));
        auto joined = [](const std::vector<std::string>& values) {
            std::string out;
            for (const std::string& value : values)
                out += (out.empty() ? "" : ", ") + value;
            return out.empty() ? std::string("—") : out;
        };
        const auto& allowlist = m_in.analyzer.profile().allowlist;
        facts({ { "Who",
                    change.actor.empty()
                        ? "—"
                        : change.actor + (change.actorType.empty() ? "" : " (" + change.actorType + ")") },
            { "From", joined(change.sourceIps) }, { "Hosts of this case", joined(change.caseHostIps) },
            { "Clients", joined(change.userAgents) },
            { "When", timeText(change.first) + (change.last > change.first ? " to " + timeText(change.last) : "") },
            { "Account, region",
                (change.account.empty() ? "—" : change.account) + ", "
                    + (change.region.empty() ? "—" : change.region) },
            { "Endpoints", joined(change.endpoints) },
            { "Made public", change.exposure.empty() ? "no" : change.exposure },
            { "Allowlisted",
                change.allowlistEntry >= 0 ? allowlist[static_cast<std::size_t>(change.allowlistEntry)].id : "no" },
            { "Triage", changeTriageStatus(change) } });
        if (!change.hits.empty()) {
            std::vector<std::vector<std::string>> signals { { "Signal", "Points", "Why" } };
            for (const ChangeSignalHit& hit : change.hits)
                signals.push_back({ std::string(changeSignalName(hit.signal)), fixed(hit.points, 0), hit.explanation });
            table(std::move(signals));
        }
        std::vector<std::vector<std::string>> calls { { "Time", "Call", "Source IP", "Result" } };
        for (const EventIndex event : change.events) {
            const CloudDetails& details = *m_in.events.cloud(event);
            const auto ips = m_in.events.principalIps(event);
            calls.push_back({ timeText(m_in.events.timestamp(event)), std::string(text(m_in.events.eventType(event))),
                ips.empty() ? "—" : std::string(text(ips.front())),
                details.failed ? "refused: " + std::string(text(details.errorCode)) : "done" });
        }
        table(std::move(calls));
        if (change.links.empty())
            return;
        std::vector<std::vector<std::string>> links { { "Host", "Destination", "Process", "First event", "Order",
            "Flow alerts" } };
        for (const ChangeLink& link : change.links) {
            const FlowKey& key = keyOf(link.flowIndex);
            links.push_back({ std::string(text(key.sourceIp)), std::string(text(key.destination)),
                std::string(text(key.processPath)), timeText(link.firstSeen),
                link.changeBeforeFirstEvent ? "after the change" : "before the change", link.alerting ? "yes" : "no" });
        }
        table(std::move(links));
    }

    void finding(std::size_t index)
    {
        const Finding& finding = *m_report.findings[index];
        const BeaconScore& beacon = finding.beacon;
        const FlowKey& key = keyOf(finding.flowIndex);
        const std::string destination(text(key.destination));
        heading(3,
            std::to_string(index + 1) + ". " + std::string(verdictName(beacon.verdict)) + " " + fixed(beacon.score, 1)
                + ": " + std::string(text(key.sourceIp)) + " → " + destination,
            "finding-" + std::to_string(index + 1), true);

        std::string period = "none";
        if (hasConfidentPeriod(beacon))
            period = durationText(beacon.period.periodSeconds) + " (confidence " + fixed(beacon.period.confidence, 2)
                + ", single-beat jitter " + fixed(beacon.period.singleBeatCv, 3) + ")";
        else if (beacon.intervals.intervals < 3)
            period = "none: " + plural(beacon.intervals.intervals, "gap", "gaps")
                + " between check-ins, too few to measure";
        const AllowlistEntry* allowlisted = allowlistEntryOf(finding, m_in.analyzer.profile());
        std::vector<std::vector<std::string>> rows {
            { "Host", hostText(finding, text(key.sourceIp)) },
            { "Destination", destination + (finding.platform.empty() ? "" : " (" + finding.platform + ")") },
            { "Process",
                std::string(text(key.processPath)) + " (" + std::string(processClassName(beacon.processClass)) + ")" },
            { "Seen",
                timeText(finding.firstSeen) + " to " + timeText(finding.lastSeen) + ", "
                    + plural(finding.events, "event", "events") },
            { "Verdict", std::string(verdictName(beacon.verdict)) + ", score " + fixed(beacon.score, 1) + " of 100" },
            { "Period", period },
            { "All-gap jitter (CV)", fixed(beacon.intervals.jitterCv, 3) },
            { "Check-ins",
                count(beacon.checkIns.checkIns) + " ("
                    + plural(beacon.checkIns.connections, "connection", "connections") + ")" },
            { "Payload per check-in",
                beacon.payload.known ? bytesText(beacon.payload.sentMedian) + " sent, "
                        + bytesText(beacon.payload.receivedMedian) + " received (medians)"
                                     : "unknown: the export has no byte counts" },
            { "Prevalence",
                plural(beacon.prevalence, "host", "hosts") + " with this destination and process"
                    + (beacon.fleet ? " (fleet software)" : "") },
        };
        if (!beacon.localOnlyNetwork.empty())
            rows.push_back(
                { "Local only", beacon.destinationIp + " is in " + beacon.localOnlyNetwork + ": never alerts" });
        if (beacon.rita.computed)
            rows.push_back({ "RITA score", fixed(beacon.rita.score, 3) });
        if (allowlisted)
            rows.push_back({ "Allowlisted", "by " + allowlisted->id + ": " + allowlisted->reason });
        facts(std::move(rows));

        std::vector<std::vector<std::string>> components { { "Component", "Kind", "Value", "Weight", "Points",
            "Why" } };
        for (const ScoreComponent& component : beacon.components)
            components.push_back(
                { component.name, kindName(component.kind), component.value ? fixed(*component.value, 2) : "—",
                    fixed(component.weight, 0), fixed(component.contribution, 1), component.explanation });
        table(std::move(components));

        ruleOutcome(finding);

        chart(ReportChart::Intervals, index, "Interval histogram: the gaps between check-ins");
        chart(ReportChart::GapsOverTime, index, "Gap over time: each check-in's gap since the previous one");
        chart(ReportChart::Timeline, index, "Timeline: every connection over the case's time range");

        linkedChanges(finding);
        triageSection(finding);
        rawRecords(finding);
    }

    void ruleOutcome(const Finding& finding)
    {
        const RuleSettings& settings = m_in.analyzer.rule().settings();
        const RuleOutcome& rule = finding.rule;
        std::string verdict = rule.fires
            ? "The rule fires: " + plural(rule.detections.size(), "detection", "detections")
            : "The rule does not fire.";
        if (const std::string reason = droppedReason(rule); !reason.empty())
            verdict += " " + reason;
        paragraph(verdict);
        if (!rule.window)
            return;
        const WindowOutcome& window = *rule.window;
        const auto met = [](bool ok) { return std::string(ok ? "met" : "not met"); };
        table({ { "Condition (window " + timeText(window.windowStart) + " to " + timeText(window.windowEnd) + ")",
                    "Threshold", "Observed", "Met" },
            { "events (count_distinct metadata.id)", "≥ " + std::to_string(settings.minEvents),
                std::to_string(window.eventCount), met(window.eventCount >= settings.minEvents) },
            { "distinct hours of day", "≥ " + std::to_string(settings.minHourBuckets),
                std::to_string(window.hourBuckets), met(window.hourBuckets >= settings.minHourBuckets) },
            { "average bytes sent", "< " + std::to_string(settings.maxAvgBytesSent),
                std::to_string(window.avgBytesSent), met(window.avgBytesSent < settings.maxAvgBytesSent) },
            { "average bytes received", "< " + std::to_string(settings.maxAvgBytesReceived),
                std::to_string(window.avgBytesReceived),
                met(window.avgBytesReceived < settings.maxAvgBytesReceived) } });
    }

    // The cloud changes to the function this flow reaches.
    void linkedChanges(const Finding& finding)
    {
        const CloudAnalysis* cloud = m_in.options.cloud;
        const auto* linked = cloud ? cloud->changesOf(finding.flowIndex) : nullptr;
        if (!linked)
            return;
        const TimestampUs firstEvent = finding.firstSeen;
        for (const std::uint32_t index : *linked) {
            const ChangeFinding& change = cloud->changes[index];
            paragraph("Cloud change " + std::to_string(change.id) + " ("
                + std::string(changeSeverityName(change.severity))
                + "): " + (change.actor.empty() ? std::string("an unknown caller") : change.actor) + " changed "
                + changeResourceText(change) + " at " + timeText(change.first) + ", "
                + (change.first <= firstEvent ? "before" : "after") + " this flow's first event.");
        }
    }

    void triageSection(const Finding& finding)
    {
        const TriageState* triage = triageOf(finding, m_in.events, m_in.flows, m_in.options);
        if (!triage) {
            paragraph("Triage: new (not triaged yet).", true);
            return;
        }
        facts({ { "Triage", triage->status },
            { "By", (triage->analyst.empty() ? std::string("—") : triage->analyst) + ", " + triage->updatedAt },
            { "Notes", triage->notes.empty() ? "—" : triage->notes } });
        if (triage->history.size() < 2)
            return;
        std::vector<std::vector<std::string>> history { { "When", "Analyst", "Status", "Notes" } };
        for (const TriageChange& change : triage->history)
            history.push_back({ change.at, change.analyst,
                change.fromStatus.empty() || change.fromStatus == change.status
                    ? change.status
                    : change.fromStatus + " → " + change.status,
                change.notes });
        table(std::move(history));
    }

    void rawRecords(const Finding& finding)
    {
        if (m_in.rawRecords == 0 || !m_in.rawRecord)
            return;
        ReportBlock block;
        block.kind = ReportBlock::Kind::Records;
        EventIndex previous = static_cast<EventIndex>(-1);
        std::size_t records = 0; // distinct records: a fan-out copy of one record is not another
        for (const EventIndex event : m_in.flows.events(m_in.flows.flow(finding.flowIndex))) {
            if (event == previous)
                continue;
            previous = event;
            if (records++ >= m_in.rawRecords)
                continue;
            std::optional<std::string> raw = m_in.rawRecord(event);
            const SourceReference source = m_in.events.source(event);
            std::string label = "line " + std::to_string(source.line) + ": ";
            if (!raw) {
                block.records.push_back(label + "(the case does not hold this record's text)");
                continue;
            }
            if (raw->size() > kMaxReportRawRecord) {
                // Cut at a character boundary, never inside a UTF-8 sequence.
                std::size_t cut = kMaxReportRawRecord;
                // A UTF-8 sequence has at most 3 continuation bytes; bytes that are not UTF-8 are cut where they are.
                for (int back = 0; back < 3 && cut > 0 && (static_cast<unsigned char>((*raw)[cut]) & 0xC0) == 0x80;
                     ++back)
                    --cut;
                *raw = raw->substr(0, cut) + " … (" + count(raw->size() - cut) + " more bytes)";
            }
            block.records.push_back(label + revealBidiControls(*raw));
        }
        block.text = "The first " + plural(block.records.size(), "raw record", "raw records") + " of " + count(records);
        m_report.blocks.push_back(std::move(block));
    }

    void appendix()
    {
        heading(2, "Appendix", "appendix", true);
        heading(3, "Sources");
        // One block per file: a path and a SHA-256 are too long to share a row with five other columns.
        for (const CaseSource& source : m_in.sources) {
            std::vector<std::vector<std::string>> rows { { source.query.empty() ? "File" : "Server", source.path },
                { "SHA-256", source.sha256 },
                { "Format",
                    source.format + (source.compressed ? " (gzip)" : "") + ", "
                        + bytesText(static_cast<double>(source.size)) },
                { "Events",
                    count(source.eventsRead) + " read, " + count(source.eventsRejected) + " rejected"
                        + (source.readError.empty() ? "" : "; reading stopped: " + source.readError) },
                { "Imported", source.importedAt } };
            // A database source: what it was asked (docs/clickhouse.md, "Cases"). A query naming thousands of
            // destinations is cut: `cepheid-cli case info` prints it whole.
            constexpr std::size_t kShownQuery = 2000;
            if (source.query.size() > kShownQuery) {
                std::size_t cut = kShownQuery; // not inside a UTF-8 sequence (a destination from the data)
                while (cut > 0 && (static_cast<unsigned char>(source.query[cut]) & 0xC0) == 0x80)
                    --cut;
                rows.push_back({ "Query",
                    source.query.substr(0, cut) + "… (" + count(source.query.size())
                        + " characters; cepheid-cli case info prints it whole)" });
            } else if (!source.query.empty()) {
                rows.push_back({ "Query", source.query });
            }
            facts(std::move(rows));
        }
        if (m_in.sources.empty())
            paragraph("No source has been imported into this case.");

        heading(3, "Rejected records");
        std::vector<std::vector<std::string>> rejects { { "File", "Line", "Reason" } };
        std::uint64_t rejected = 0;
        for (const CaseSource& source : m_in.sources) {
            rejected += source.eventsRejected;
            const auto found = m_in.rejects.find(source.id);
            if (found == m_in.rejects.end())
                continue;
            for (std::size_t i = 0; i < found->second.size() && i < kMaxReportRejects; ++i)
                rejects.push_back({ source.path, std::to_string(found->second[i].line), found->second[i].reason });
            if (source.eventsRejected > kMaxReportRejects)
                rejects.push_back(
                    { source.path, "", "… and " + count(source.eventsRejected - kMaxReportRejects) + " more" });
        }
        if (rejected == 0)
            paragraph("Every record was read: none was rejected.");
        else
            table(std::move(rejects));

        profile();

        heading(3, "Rule lint");
        std::vector<std::vector<std::string>> lint { { "Severity", "Finding", "Message" } };
        for (const LintFinding& finding : m_in.analysis.lint)
            lint.push_back({ finding.severity, finding.id, finding.message });
        if (m_in.analysis.lint.empty())
            paragraph("The rule as configured raises no lint finding.");
        else
            table(std::move(lint));
    }

    void profile()
    {
        const Profile& profile = m_in.analyzer.profile();
        heading(3, "Profile");
        paragraph(m_in.profileLabel + (profile.description.empty() ? "" : ": " + profile.description));
        const RuleSettings& rule = profile.rule;
        const ScoreSettings& score = profile.score;
        facts({ { "Window", durationText(rule.windowHours * 3600) + ", " + std::string(windowModelName(rule.windows)) },
            { "Events ≥", std::to_string(rule.minEvents) }, { "Distinct hours ≥", std::to_string(rule.minHourBuckets) },
            { "Average bytes sent <", std::to_string(rule.maxAvgBytesSent) },
            { "Average bytes received <", std::to_string(rule.maxAvgBytesReceived) },
            { "Domain regex", rule.domainRegex },
            { "Verdicts",
                "beacon ≥ " + fixed(score.beaconAt, 0) + ", likely ≥ " + fixed(score.likelyAt, 0) + ", possible ≥ "
                    + fixed(score.possibleAt, 0) + "; alert at " + std::string(verdictName(score.alertVerdict)) },
            { "Fleet at", plural(static_cast<std::uint64_t>(score.fleetHosts), "host", "hosts") } });

        std::vector<std::vector<std::string>> catalog { { "Platform", "Pattern" } };
        for (const CatalogEntry& entry : profile.catalog)
            catalog.push_back({ entry.platform, entry.pattern });
        table(std::move(catalog));

        if (profile.allowlist.empty()) {
            paragraph("The allowlist is empty.");
            return;
        }
        std::vector<std::vector<std::string>> allowlist { { "Entry", "Matches", "Reason", "Author", "Created",
            "Expires", "Hides" } };
        for (std::size_t i = 0; i < profile.allowlist.size(); ++i) {
            const AllowlistEntry& entry = profile.allowlist[i];
            std::string matches;
            const auto add = [&](std::string_view field, const std::string& value) {
                if (!value.empty())
                    matches += (matches.empty() ? "" : ", ") + std::string(field) + " " + value;
            };
            add("domain", entry.domain);
            add("process", entry.process);
            add("host", entry.host);
            add("cidr", entry.cidr);
            matches += " (" + matchName(entry.match) + ")";
            const std::uint32_t hits = i < m_in.analysis.allowlistHits.size() ? m_in.analysis.allowlistHits[i] : 0;
            const bool active = entry.isActive(m_in.options.evaluatedAt);
            allowlist.push_back({ entry.id, matches, entry.reason, entry.author, entry.created,
                entry.expires.empty() ? "never" : entry.expires + (active ? "" : " (expired)"),
                plural(hits, "finding", "findings") });
        }
        table(std::move(allowlist));
    }

    const CaseReportInput& m_in;
    CaseReport m_report;
    std::vector<const Finding*> m_listed; // every finding the selection lists (a preview shows the first ones)
};

} // namespace

std::string selectionText(const CaseReportInput& input)
{
    if (input.flowSelection)
        return "the findings selected in the workbench";
    if (!input.options.selection)
        return "alerting findings";
    const FindingSelection& selection = *input.options.selection;
    switch (selection.kind) {
    case FindingSelection::Kind::All:
        return "every considered flow";
    case FindingSelection::Kind::Alerting:
        return "alerting findings";
    case FindingSelection::Kind::Verdict:
        return "findings with verdict " + std::string(verdictName(selection.verdict)) + " or above";
    case FindingSelection::Kind::Status:
        return "findings triaged " + selection.status;
    }
    return {};
}

CaseReport buildCaseReport(const CaseReportInput& input)
{
    return Builder(input).build();
}

Expected<void> readCaseProvenance(CaseReportInput& input, CaseFile& caseFile, const std::atomic<bool>* cancel)
{
    auto info = caseFile.info();
    if (!info)
        return failure(info.error());
    input.info = std::move(*info);
    auto sources = caseFile.sources();
    if (!sources)
        return failure(sources.error());
    input.sources = std::move(*sources);
    for (const CaseSource& source : input.sources) {
        if (source.eventsRejected == 0)
            continue;
        auto rejects = caseFile.rejects(source.id, kMaxReportRejects);
        if (!rejects)
            return failure(rejects.error());
        input.rejects[source.id] = std::move(*rejects);
    }
    const EventTable& events = input.events;
    input.rawRecord = [&caseFile, &events, cancel](EventIndex event) -> std::optional<std::string> {
        if (cancel && cancel->load())
            return std::nullopt; // cancelled: the rest is looked up no more
        const SourceReference source = events.source(event);
        // A lookup that fails is said in the report as "the case does not hold this record's text".
        return caseFile.rawRecord(source.fileIndex, source.byteOffset).value_or(std::nullopt);
    };
    return {};
}

std::string profileVersionLabel(const ProfileVersion& version)
{
    return "version " + std::to_string(version.id) + (version.author.empty() ? "" : " by " + version.author) + ", "
        + version.createdAt + (version.note.empty() ? "" : " (" + version.note + ")");
}

Expected<ReportDelta> compareAlerting(const Analysis& analysis, const Profile& profile, const Profile& earlier,
    std::string against, const EventTable& events, const FlowIndex& flows, TimestampUs now)
{
    const auto analyzer = Analyzer::create(earlier);
    if (!analyzer)
        return failure(analyzer.error());
    const Analysis then = analyzer->rerun(analysis, profile, events, flows, now);
    const std::vector<std::uint32_t> alertingNow = alertingFlows(analysis, profile.score);
    const std::vector<std::uint32_t> alertingThen = alertingFlows(then, earlier.score);
    ReportDelta delta;
    delta.against = std::move(against);
    std::set_difference(alertingNow.begin(), alertingNow.end(), alertingThen.begin(), alertingThen.end(),
        std::back_inserter(delta.added));
    std::set_difference(alertingThen.begin(), alertingThen.end(), alertingNow.begin(), alertingNow.end(),
        std::back_inserter(delta.removed));
    return delta;
}

} // namespace cepheid
