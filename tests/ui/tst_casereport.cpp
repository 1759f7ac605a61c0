// The case report: what an analyst attaches to a ticket must carry the findings faithfully and never turn data
// into markup, in HTML (inline SVG from the workbench's plots) and in PDF.
#include "report/reportpdf.h"
#include "reports/casereport.h"
#include "reports/reporthtml.h"
#include "testsupport.h"
#include "util/htmltext.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>
#include <QXmlStreamReader>

using namespace cepheid;
using namespace cepheid::test;

namespace {

// Values an attacker controls: a destination and a process path that are HTML, a hostname with quotes.
const std::string kHostileDestination = "<img src=x onerror=alert(1)>.workers.dev";
const std::string kHostileProcess = R"(C:\Temp\</script><script>alert(2)</script>.exe)";
const std::string kHostileNotes = "<b>not bold</b> & \"quoted\" </pre><script>alert(3)</script>";

// A report over one table, with every input a test may vary.
struct Fixture
{
    EventTable table;
    Evaluated evaluated;
    std::optional<Analyzer> analyzer;

    explicit Fixture(const std::vector<EventSpec>& specs)
    {
        for (const EventSpec& spec : specs)
            append(table, spec);
        evaluated = evaluate(table);
        auto created = Analyzer::create(Profile {});
        if (!created)
            qFatal("%s", created.error().c_str());
        analyzer = std::move(*created);
    }

    CaseReportInput input() const
    {
        CaseReportInput in(table, evaluated.flows, evaluated.analysis, *analyzer);
        in.info = { "Case <hostile> & co", "alice", "INC-1", "2025-03-05T00:00:00Z" };
        in.casePath = "/cases/x.cepheid";
        in.profileLabel = "the default profile";
        in.generatedAt = "2025-03-06T00:00:00Z";
        in.version = "test";
        in.rawRecord = [](EventIndex event) -> std::optional<std::string> {
            // A raw record that tries to close the <pre>, with a byte that is not UTF-8 and a control character.
            return "{\"n\":" + std::to_string(event) + ",\"x\":\"</pre><script>alert(4)</script>\xff\x01\"}";
        };
        return in;
    }
};

// A beacon every 5 minutes for 4 hours from 10.0.0.5 to `destination`.
std::vector<EventSpec> beacon(const std::string& destination, const std::string& process, const std::string& ip)
{
    EventSpec base;
    base.destination = destination;
    base.process = process;
    base.principalIps = { ip };
    return series("2025-03-04T10:00:00Z", 48, 300, base);
}

struct Parsed
{
    QString error;
    QSet<QString> elements;
    QString text; // all character data, the CSS aside
    int svgs = 0;
};

Parsed parseXml(const std::string& document)
{
    Parsed parsed;
    QXmlStreamReader reader(QByteArray::fromStdString(document));
    QString current;
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            current = reader.name().toString();
            parsed.elements.insert(current);
            parsed.svgs += current == u"svg";
        } else if (reader.isCharacters() && current != u"style") {
            parsed.text += reader.text();
        }
    }
    if (reader.hasError())
        parsed.error = reader.errorString() + QStringLiteral(" at line %1").arg(reader.lineNumber());
    return parsed;
}

std::string html(const CaseReport& report, const ui::ReportCharts& charts)
{
    return *writeReportHtml(report, [&](const Finding& f, ReportChart c) { return charts.svg(f, c); });
}

// The text pdftotext reads from a PDF, and its page count (pages end in form feeds).
struct PdfText
{
    QString text;
    int pages = 0;
};

PdfText pdfText(const QByteArray& pdf)
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("r.pdf"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(pdf) != pdf.size())
        qFatal("cannot write the PDF");
    file.close();
    QProcess process;
    process.start(QStringLiteral("pdftotext"), { QStringLiteral("-layout"), path, QStringLiteral("-") });
    if (!process.waitForFinished(60000))
        qFatal("pdftotext did not finish");
    PdfText result;
    result.text = QString::fromUtf8(process.readAllStandardOutput());
    result.pages = static_cast<int>(result.text.count(QLatin1Char('\f')));
    return result;
}

} // namespace

class CaseReportTest : public QObject
{
    Q_OBJECT

private slots:
    void escapingLeavesOnlyText()
    {
        QCOMPARE(escapeHtml("<a href='x'>&\"</a>"), std::string("&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"));
        // Bytes that are not UTF-8 and control characters XML cannot carry become U+FFFD; tabs and line breaks stay.
        QCOMPARE(escapeHtml("a\xff\x01\tb\nc\xc3"), std::string("a\xEF\xBF\xBD\xEF\xBF\xBD\tb\nc\xEF\xBF\xBD"));
        QCOMPARE(escapeHtml("\xed\xa0\x80"), std::string("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD")); // a surrogate
        QCOMPARE(escapeHtml("h\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x9b\xb0"),
            std::string("h\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x9b\xb0"));
        // A right-to-left override cannot make "invoice\u202Efdp.exe" read "invoiceexe.pdf"; other text is kept.
        QCOMPARE(revealBidiControls("invoice\xe2\x80\xae"
                                    "fdp.exe \xe2\x81\xa6x\xe2\x81\xa9 \xe2\x80\x8f \xe2\x86\x92"),
            std::string("invoice[U+202E]fdp.exe [U+2066]x[U+2069] [U+200F] \xe2\x86\x92"));
    }

    void htmlIsWellFormedAndDataStaysText()
    {
        std::vector<EventSpec> specs = beacon(kHostileDestination, kHostileProcess, "10.0.0.5");
        for (EventSpec& spec : specs)
            spec.hostname = "wks-\"quoted\"&'x'";
        const Fixture fixture(specs);
        CaseReportInput input = fixture.input();
        const Finding* finding
            = fixture.evaluated.find(fixture.table, "10.0.0.5", kHostileDestination, kHostileProcess);
        QVERIFY(finding);
        QVERIFY2(finding->rule.fires, "the fixture is a beacon the rule fires on");
        TriageState triage;
        triage.sourceIp = "10.0.0.5";
        triage.destination = kHostileDestination;
        triage.processPath = kHostileProcess;
        triage.status = "malicious";
        triage.analyst = "bob<script>";
        triage.notes = kHostileNotes;
        triage.updatedAt = "2025-03-05T10:00:00Z";
        triage.history = { { "new", "investigating", "bob", "looking", "2025-03-05T09:00:00Z" },
            { "investigating", "malicious", "bob<script>", kHostileNotes, "2025-03-05T10:00:00Z" } };
        input.options.triage[{ triage.sourceIp, triage.destination, triage.processPath }] = triage;
        const CaseReport report = buildCaseReport(input);
        QCOMPARE(report.findings.size(), std::size_t(1));
        const ui::ReportCharts charts(fixture.table, fixture.evaluated.flows);
        const std::string document = html(report, charts);

        const Parsed parsed = parseXml(document);
        QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
        // The interval histogram, the gap plot and the timeline, inline.
        QCOMPARE(parsed.svgs, 3);
        // Only the report's own elements: nothing the data spelled.
        for (const char* forbidden : { "img", "script", "b", "iframe", "object", "link" })
            QVERIFY2(!parsed.elements.contains(QLatin1String(forbidden)), forbidden);
        const QSet<QString> allowed { u"html"_qs, u"head"_qs, u"meta"_qs, u"title"_qs, u"style"_qs, u"body"_qs,
            u"h1"_qs, u"h2"_qs, u"h3"_qs, u"p"_qs, u"nav"_qs, u"ol"_qs, u"li"_qs, u"a"_qs, u"table"_qs, u"thead"_qs,
            u"tbody"_qs, u"tr"_qs, u"th"_qs, u"td"_qs, u"figure"_qs, u"figcaption"_qs, u"pre"_qs,
            // what QSvgGenerator writes
            u"svg"_qs, u"desc"_qs, u"defs"_qs, u"g"_qs, u"path"_qs, u"rect"_qs, u"polyline"_qs, u"polygon"_qs,
            u"text"_qs, u"line"_qs, u"circle"_qs, u"ellipse"_qs, u"linearGradient"_qs, u"stop"_qs };
        for (const QString& element : parsed.elements)
            QVERIFY2(allowed.contains(element), qPrintable(element));
        // The hostile values are there, as text.
        for (const std::string& value : { kHostileDestination, kHostileProcess, kHostileNotes,
                 std::string("wks-\"quoted\"&'x'"), std::string("bob<script>"), std::string("Case <hostile> & co") })
            QVERIFY2(parsed.text.contains(QString::fromStdString(value)), value.c_str());
        QVERIFY(parsed.text.contains(u"</pre><script>alert(4)</script>\uFFFD\uFFFD"_qs));
        // Self-contained: nothing is fetched.
        const QString source = QString::fromStdString(document);
        for (const char* fetch :
            { "\\bsrc\\s*=\\s*[\"']", "href\\s*=\\s*[\"'](?!#)", "https?://(?!www\\.w3\\.org/)", "@import", "url\\(" })
            QVERIFY2(!source.contains(QRegularExpression(QLatin1String(fetch))), fetch);
        // The finding's content: triage history, the rule's outcome, the components.
        QVERIFY(parsed.text.contains(u"investigating → malicious"_qs));
        QVERIFY(parsed.text.contains(u"distinct hours of day"_qs));
        QVERIFY(parsed.text.contains(u"regularity"_qs));
        QVERIFY(parsed.text.contains(u"The first 5 raw records of 48"_qs));
    }

    void rawRecordsFollowTheOption()
    {
        const Fixture fixture(beacon("a.workers.dev", "C:\\Temp\\a.exe", "10.0.0.5"));
        CaseReportInput input = fixture.input();
        const auto records = [&](std::size_t n) {
            input.rawRecords = n;
            std::size_t shown = 0;
            for (const ReportBlock& block : buildCaseReport(input).blocks)
                shown += block.kind == ReportBlock::Kind::Records ? block.records.size() : 0;
            return shown;
        };
        QCOMPARE(records(5), std::size_t(5));
        QCOMPARE(records(0), std::size_t(0));
        QCOMPARE(records(100), std::size_t(48)); // never more than the flow has
    }

    void previewShowsTheFirstFindingsAndCountsThemAll()
    {
        std::vector<EventSpec> specs = beacon("first.workers.dev", "C:\\Temp\\a.exe", "10.0.0.5");
        for (const EventSpec& spec : beacon("second.workers.dev", "C:\\Temp\\b.exe", "10.0.0.6"))
            specs.push_back(spec);
        const Fixture fixture(specs);
        CaseReportInput input = fixture.input();
        input.previewLimit = 1;
        const CaseReport report = buildCaseReport(input);
        QCOMPARE(report.findings.size(), std::size_t(1));
        bool said = false;
        for (const ReportBlock& block : report.blocks) {
            said = said || block.text.find("This preview shows the first 1 of 2 findings") != std::string::npos;
            if (block.kind == ReportBlock::Kind::Facts)
                for (const auto& row : block.rows)
                    if (row[0] == "This report lists")
                        QCOMPARE(row[1], std::string("2 findings: alerting findings"));
        }
        QVERIFY(said);
    }

    void caseWithoutFindingsGivesAShortValidReport()
    {
        const Fixture fixture({});
        const CaseReport report = buildCaseReport(fixture.input());
        QVERIFY(report.findings.empty());
        const ui::ReportCharts charts(fixture.table, fixture.evaluated.flows);
        const std::string document = html(report, charts);
        const Parsed parsed = parseXml(document);
        QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
        QVERIFY(parsed.text.contains(u"No finding matches the selection (alerting findings)"_qs));
        QCOMPARE(parsed.svgs, 0);
        std::string error;
        const auto pdf = ui::writeReportPdf(report, charts, {}, error);
        QVERIFY2(pdf, error.c_str());
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: packaging/setup-debian.sh installs it");
        const PdfText text = pdfText(*pdf);
        QVERIFY(text.text.contains(u"No finding matches"_qs));
        QVERIFY2(text.pages >= 2 && text.pages <= 3, qPrintable(QString::number(text.pages))); // summary, appendix
    }

    void pdfCarriesTheFindingsAndGrowsWithTheSelection()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: packaging/setup-debian.sh installs it");
        std::vector<EventSpec> specs = beacon("first.workers.dev", "C:\\Temp\\a.exe", "10.0.0.5");
        for (const EventSpec& spec : beacon("second.workers.dev", "C:\\Temp\\b.exe", "10.0.0.6"))
            specs.push_back(spec);
        const Fixture fixture(specs);
        CaseReportInput input = fixture.input();
        TriageState triage;
        triage.sourceIp = "10.0.0.5";
        triage.destination = "first.workers.dev";
        triage.processPath = "C:\\Temp\\a.exe";
        triage.status = "malicious";
        triage.notes = "confirmed with the proxy team <b>";
        triage.history = { { "new", "malicious", "", triage.notes, "2025-03-05T10:00:00Z" } };
        input.options.triage[{ triage.sourceIp, triage.destination, triage.processPath }] = triage;
        const ui::ReportCharts charts(fixture.table, fixture.evaluated.flows);
        const auto render = [&](const CaseReportInput& in) {
            std::string error;
            const CaseReport report = buildCaseReport(in);
            const auto pdf = ui::writeReportPdf(report, charts, {}, error);
            if (!pdf)
                qFatal("%s", error.c_str());
            return std::pair(report.findings.size(), pdfText(*pdf));
        };
        input.options.selection = FindingSelection { FindingSelection::Kind::Status, Verdict::None, "malicious" };
        const auto [oneFinding, one] = render(input);
        input.options.selection = FindingSelection { FindingSelection::Kind::All, Verdict::None, {} };
        const auto [twoFindings, two] = render(input);
        QCOMPARE(oneFinding, std::size_t(1));
        QCOMPARE(twoFindings, std::size_t(2));
        const Finding* first
            = fixture.evaluated.find(fixture.table, "10.0.0.5", "first.workers.dev", "C:\\Temp\\a.exe");
        QVERIFY(first);
        for (const QString& expected : { u"first.workers.dev"_qs, u"confirmed with the proxy team <b>"_qs,
                 QString::number(first->beacon.score, 'f', 1), u"page 1 of"_qs })
            QVERIFY2(one.text.contains(expected), qPrintable(expected));
        QVERIFY(!one.text.contains(u"second.workers.dev"_qs));
        QVERIFY(two.text.contains(u"second.workers.dev"_qs));
        QVERIFY2(two.pages > one.pages, qPrintable(QStringLiteral("%1 vs %2 pages").arg(two.pages).arg(one.pages)));
        // Each table's header row is repeated on a page it continues on; each finding starts a page.
        QVERIFY(one.text.count(u"Component"_qs) >= 1);
    }

    void progressCanCancel()
    {
        const Fixture fixture(beacon("a.workers.dev", "C:\\Temp\\a.exe", "10.0.0.5"));
        const CaseReport report = buildCaseReport(fixture.input());
        const ui::ReportCharts charts(fixture.table, fixture.evaluated.flows);
        std::size_t calls = 0;
        const auto stop = [&](std::size_t, std::size_t) { return ++calls < 1; };
        QVERIFY(!writeReportHtml(
            report, [&](const Finding& f, ReportChart c) { return charts.svg(f, c); }, stop));
        std::string error;
        calls = 0;
        QVERIFY(!ui::writeReportPdf(report, charts, stop, error));
        QVERIFY(error.empty()); // cancelled, not failed
    }
};

QTEST_MAIN(CaseReportTest)
#include "tst_casereport.moc"
