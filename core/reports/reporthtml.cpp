#include "reporthtml.h"

#include "util/htmltext.h"

#include <algorithm>

namespace cepheid {

namespace {

// Print-first styling: a ticket attachment is read on screen and on paper. Colours work on white paper and in a
// browser's light theme alike; tables repeat their header row on each printed page.
constexpr std::string_view kStyle = R"css(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1b1f24;
  max-width: 1100px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 12px; }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 2px solid #1f5f8b; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 24px 0 8px; }
h3.finding { border-top: 1px solid #c6ccd4; padding-top: 14px; }
p.muted, figcaption { color: #57606a; }
table { border-collapse: collapse; margin: 6px 0 12px; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #eef2f6; }
table.facts th { width: 22%; }
figure { margin: 10px 0 16px; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #d0d7de; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 6px 8px; white-space: pre-wrap;
  overflow-wrap: anywhere; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; }
nav ol { columns: 2; }
@media print {
  body { margin: 0; max-width: none; }
  .newpage { break-before: page; }
  thead { display: table-header-group; }
  tr, pre { break-inside: avoid; }
}
)css";

class HtmlWriter
{
public:
    HtmlWriter(const CaseReport& report, const ReportChartSvg& chartSvg, const ReportProgress& progress)
        : m_report(report)
        , m_chartSvg(chartSvg)
        , m_progress(progress)
    { }

    std::optional<std::string> write()
    {
        m_out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                 "<meta name=\"generator\" content=\"Cepheid\"/>\n<title>";
        text(m_report.title);
        m_out += "</title>\n<style>";
        m_out += kStyle;
        m_out += "</style>\n</head>\n<body>\n";
        std::size_t findingsDone = 0;
        bool first = true;
        for (const ReportBlock& block : m_report.blocks) {
            if (block.kind == ReportBlock::Kind::Heading && block.newPage && block.anchor.rfind("finding-", 0) == 0) {
                if (m_progress && !m_progress(findingsDone, m_report.findings.size()))
                    return std::nullopt;
                ++findingsDone;
            }
            writeBlock(block);
            if (first && block.kind == ReportBlock::Kind::Facts) {
                contents(); // after the case's metadata
                first = false;
            }
        }
        if (m_progress && !m_progress(m_report.findings.size(), m_report.findings.size()))
            return std::nullopt;
        m_out += "</body>\n</html>\n";
        return std::move(m_out);
    }

private:
    void text(std::string_view value) { appendEscapedHtml(m_out, value); }

    void contents()
    {
        m_out += "<nav><p><a href=\"#summary\">Summary</a> · <a href=\"#findings\">Findings</a> · <a "
                 "href=\"#appendix\">Appendix</a></p>\n";
        bool any = false;
        for (const ReportBlock& block : m_report.blocks) {
            if (block.kind != ReportBlock::Kind::Heading || block.anchor.rfind("finding-", 0) != 0)
                continue;
            m_out += any ? "" : "<ol>\n";
            any = true;
            m_out += "<li><a href=\"#";
            text(block.anchor);
            m_out += "\">";
            // The heading without its "N. " (the list numbers it).
            const std::size_t dot = block.text.find(". ");
            text(
                dot == std::string::npos ? std::string_view(block.text) : std::string_view(block.text).substr(dot + 2));
            m_out += "</a></li>\n";
        }
        m_out += any ? "</ol>\n</nav>\n" : "</nav>\n";
    }

    void cells(const std::vector<std::string>& row, std::string_view tag)
    {
        m_out += "<tr>";
        for (const std::string& cell : row) {
            m_out += '<';
            m_out += tag;
            m_out += '>';
            text(cell);
            m_out += "</";
            m_out += tag;
            m_out += '>';
        }
        m_out += "</tr>\n";
    }

    void writeBlock(const ReportBlock& block)
    {
        switch (block.kind) {
        case ReportBlock::Kind::Heading: {
            const std::string tag = std::string(1, 'h').append(std::to_string(std::clamp(block.level, 1, 3)));
            m_out += "<" + tag;
            if (!block.anchor.empty()) {
                m_out += " id=\"";
                text(block.anchor);
                m_out += '"';
            }
            if (block.newPage)
                m_out += block.anchor.rfind("finding-", 0) == 0 ? " class=\"newpage finding\"" : " class=\"newpage\"";
            m_out += '>';
            text(block.text);
            m_out += "</" + tag + ">\n";
            break;
        }
        case ReportBlock::Kind::Paragraph:
            m_out += block.muted ? "<p class=\"muted\">" : "<p>";
            text(block.text);
            m_out += "</p>\n";
            break;
        case ReportBlock::Kind::Facts:
            m_out += "<table class=\"facts\">\n<tbody>\n";
            for (const auto& row : block.rows) {
                m_out += "<tr><th scope=\"row\">";
                text(row.empty() ? std::string() : row[0]);
                m_out += "</th><td>";
                text(row.size() > 1 ? row[1] : std::string());
                m_out += "</td></tr>\n";
            }
            m_out += "</tbody>\n</table>\n";
            break;
        case ReportBlock::Kind::Table:
            if (block.rows.empty())
                break;
            m_out += "<table>\n<thead>\n";
            cells(block.rows.front(), "th");
            m_out += "</thead>\n<tbody>\n";
            for (std::size_t i = 1; i < block.rows.size(); ++i)
                cells(block.rows[i], "td");
            m_out += "</tbody>\n</table>\n";
            break;
        case ReportBlock::Kind::Chart:
            m_out += "<figure>\n";
            if (block.finding < m_report.findings.size() && m_chartSvg)
                m_out += m_chartSvg(*m_report.findings[block.finding], block.chart);
            m_out += "<figcaption>";
            text(block.text);
            m_out += "</figcaption>\n</figure>\n";
            break;
        case ReportBlock::Kind::Records:
            m_out += "<p class=\"muted\">";
            text(block.text);
            m_out += "</p>\n";
            for (const std::string& record : block.records) {
                m_out += "<pre>";
                text(record);
                m_out += "</pre>\n";
            }
            break;
        }
    }

    const CaseReport& m_report;
    const ReportChartSvg& m_chartSvg;
    const ReportProgress& m_progress;
    std::string m_out;
};

} // namespace

std::optional<std::string> writeReportHtml(
    const CaseReport& report, const ReportChartSvg& chartSvg, const ReportProgress& progress)
{
    return HtmlWriter(report, chartSvg, progress).write();
}

} // namespace cepheid
