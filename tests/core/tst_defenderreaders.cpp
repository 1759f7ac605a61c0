// Defender for Endpoint DeviceNetworkEvents (core/ingest/defendercsvreader.cpp, defenderjsonreader.cpp): the same
// traffic as CSV, JSON and the streaming API's records gives what its UDM twin gives; broken rows cost themselves.

#include "cases/casefile.h"
#include "formattwin.h"
#include "ingest/readers.h"
#include "testsupport.h"
#include "util/jsonwriter.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

struct Row
{
    std::string time; // RFC 3339 with 7 fractional digits, as Defender writes it
    std::string action = "ConnectionSuccess";
    std::string remoteUrl;
    std::string remoteIp = "104.21.48.12";
    int remotePort = 443;
    std::string folder = R"(c:\users\bob\appdata\local\temp\updater.exe)";
    std::string file = "updater.exe";
    int pid = 6140;
    std::string device = "ws01.corp.local";
    std::string localIp = "10.1.2.34";
    int reportId = 0;
};

const std::vector<std::string> kColumns = { "Timestamp", "DeviceId", "DeviceName", "ActionType", "RemoteIP",
    "RemotePort", "RemoteUrl", "LocalIP", "LocalPort", "Protocol", "InitiatingProcessFileName",
    "InitiatingProcessFolderPath", "InitiatingProcessCommandLine", "InitiatingProcessId",
    "InitiatingProcessAccountDomain", "InitiatingProcessAccountName", "AdditionalFields", "ReportId" };

// An implant beaconing to a Worker every 10 minutes for 5 hours, a browser polling a Vercel app at irregular times,
// a process reaching an address without a name (RemoteUrl is often empty), an inbound connection, and rows that
// are not connections (a listening socket, an HTTP inspection of a connection already listed).
std::vector<Row> scenario()
{
    std::vector<Row> rows;
    int report = 1000;
    for (int i = 0; i < 30; ++i) {
        Row row;
        row.time = formatRfc3339(at("2024-05-02T08:00:00Z") + i * 600 * kMicrosPerSecond + 37000);
        row.remoteUrl = i % 2 ? "https://api-sync.acme-9f2.workers.dev/checkin" : "api-sync.acme-9f2.workers.dev";
        row.reportId = report++;
        rows.push_back(row);
    }
    const int browserMinutes[] = { 0, 3, 4, 41, 90, 95, 130, 131, 132, 170, 200, 215, 230, 239 };
    for (int minute : browserMinutes) {
        Row row;
        row.time = formatRfc3339(at("2024-05-02T09:00:00Z") + minute * 60 * kMicrosPerSecond);
        row.remoteUrl = "myapp-git-main.vercel.app";
        row.remoteIp = "76.76.21.21";
        row.folder = R"(C:\Program Files\Google\Chrome\Application)"; // the folder only: the file name is added
        row.file = "chrome.exe";
        row.pid = 4242;
        row.reportId = report++;
        rows.push_back(row);
    }
    for (int i = 0; i < 13; ++i) {
        Row row;
        row.time = formatRfc3339(at("2024-05-02T10:00:00Z") + i * 900 * kMicrosPerSecond);
        row.remoteIp = "2606:4700:3030::6815:300c";
        row.action = "ConnectionAttempt";
        row.reportId = report++;
        rows.push_back(row);
    }
    Row inbound;
    inbound.time = "2024-05-02T11:00:00.0000000Z";
    inbound.action = "InboundConnectionAccepted";
    inbound.remoteIp = "10.1.2.99";
    inbound.remotePort = 50123;
    inbound.folder = R"(c:\windows\system32\svchost.exe)";
    inbound.file = "svchost.exe";
    inbound.reportId = report++;
    rows.push_back(inbound);
    return rows;
}

std::vector<Row> notConnections()
{
    Row listening;
    listening.time = "2024-05-02T08:00:00.0000000Z";
    listening.action = "ListeningConnectionCreated";
    listening.reportId = 1;
    Row inspected = listening;
    inspected.action = "HttpConnectionInspected";
    inspected.reportId = 2;
    return { listening, inspected };
}

std::string defenderTime(const std::string& rfc3339)
{
    // 2024-05-02T08:00:00.037Z -> 2024-05-02T08:00:00.0370000Z (Defender writes 7 digits)
    const TimestampUs time = at(rfc3339);
    char text[64];
    const std::string seconds = formatRfc3339(time - time % kMicrosPerSecond);
    std::snprintf(text, sizeof text, "%s.%06lld0Z", seconds.substr(0, 19).c_str(),
        static_cast<long long>(time % kMicrosPerSecond));
    return text;
}

std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::vector<std::string> values(const Row& row)
{
    return { defenderTime(row.time), "6f1c0e2a", row.device, row.action, row.remoteIp, std::to_string(row.remotePort),
        row.remoteUrl, row.localIp, "51544", "Tcp", row.file, row.folder, "\"" + row.file + "\" -k beacon",
        std::to_string(row.pid), "corp", "bob", R"({"direction":"Out"})", std::to_string(row.reportId) };
}

std::string toCsv(const std::vector<Row>& rows, const std::string& lineEnd = "\n")
{
    std::string text;
    for (std::size_t i = 0; i < kColumns.size(); ++i)
        text += (i ? "," : "") + kColumns[i];
    text += lineEnd;
    for (const Row& row : rows) {
        const auto fields = values(row);
        for (std::size_t i = 0; i < fields.size(); ++i)
            text += (i ? "," : "") + csvField(fields[i]);
        text += lineEnd;
    }
    return text;
}

// Advanced Hunting's JSON export (an array of rows, numbers as numbers), or the streaming API's envelope.
std::string toJson(const std::vector<Row>& rows, bool streaming)
{
    std::string text;
    JsonWriter json(text, false);
    if (streaming)
        json.beginObject().key("records");
    json.beginArray();
    for (const Row& row : rows) {
        const auto fields = values(row);
        json.beginObject();
        if (streaming) {
            json.field("time", fields[0]).field("category", "AdvancedHunting-DeviceNetworkEvents");
            json.key("properties").beginObject();
        }
        for (std::size_t i = streaming ? 1 : 0; i < kColumns.size(); ++i) {
            if (kColumns[i] == "RemotePort" || kColumns[i] == "InitiatingProcessId" || kColumns[i] == "ReportId")
                json.field(kColumns[i], static_cast<std::int64_t>(std::stoll(fields[i])));
            else
                json.field(kColumns[i], fields[i]);
        }
        if (streaming)
            json.endObject();
        json.endObject();
    }
    json.endArray();
    if (streaming)
        json.endObject();
    return text;
}

// The same connections as Chronicle UDM: what a DeviceNetworkEvents row carries, no byte counts.
std::string toUdm(const std::vector<Row>& rows)
{
    std::string text;
    for (const Row& row : rows) {
        JsonWriter json(text, false);
        const bool folderOnly = !row.folder.ends_with(row.file);
        std::string host = row.remoteUrl;
        if (const auto scheme = host.find("://"); scheme != std::string::npos)
            host = host.substr(scheme + 3);
        host = host.substr(0, host.find('/'));
        json.beginObject();
        json.key("metadata").beginObject();
        json.field("id", "r" + std::to_string(row.reportId)).field("eventTimestamp", row.time);
        json.field("eventType", "NETWORK_CONNECTION").endObject();
        json.key("principal").beginObject().field("hostname", row.device);
        json.key("ip").beginArray().value(row.localIp).endArray();
        json.key("process").beginObject().field("pid", std::to_string(row.pid));
        json.key("file").beginObject().field("fullPath", folderOnly ? row.folder + "\\" + row.file : row.folder);
        json.endObject().endObject();
        json.key("user").beginObject().field("userid", "corp\\bob").endObject();
        json.endObject();
        json.key("target").beginObject();
        if (!host.empty())
            json.field("hostname", host);
        json.key("ip").beginArray().value(row.remoteIp).endArray().field("port", row.remotePort).endObject();
        json.key("network").beginObject();
        json.field("direction", row.action == "InboundConnectionAccepted" ? "INBOUND" : "OUTBOUND").endObject();
        json.endObject();
        text += "\n";
    }
    return text;
}

} // namespace

class DefenderReadersTest : public QObject
{
    Q_OBJECT

private slots:
    void theSameTrafficAsItsUdmTwin_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("format");
        auto rows = scenario();
        const auto skipped = notConnections();
        rows.insert(rows.end(), skipped.begin(), skipped.end());
        QTest::newRow("csv") << u"export.csv"_qs << QByteArray::fromStdString(toCsv(rows)) << u"defender-csv"_qs;
        QTest::newRow("csv, CRLF, gzip") << u"export.csv.gz"_qs << QByteArray::fromStdString(toCsv(rows, "\r\n"))
                                         << u"defender-csv"_qs;
        QTest::newRow("json array") << u"export.json"_qs << QByteArray::fromStdString(toJson(rows, false))
                                    << u"defender-json"_qs;
        QTest::newRow("streaming api") << u"hub.json"_qs << QByteArray::fromStdString(toJson(rows, true))
                                       << u"defender-json"_qs;
        std::string utf16 = "\xFF\xFE";
        for (char c : toCsv(rows, "\r\n"))
            utf16 += std::string { c, '\0' };
        QTest::newRow("csv, UTF-16LE with BOM (Export-Csv)")
            << u"export.txt"_qs << QByteArray::fromStdString(utf16) << u"defender-csv"_qs;
    }

    void theSameTrafficAsItsUdmTwin()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, format);
        QTemporaryDir directory;
        const auto imported = importText(content.toStdString(), name.toStdString());
        QVERIFY2(imported.ok, imported.error.c_str());
        QCOMPARE(QString::fromStdString(imported.summary.format), format);
        QCOMPARE(imported.summary.eventsRejected, 0u);
        QCOMPARE(imported.summary.eventsRead, scenario().size());
        // Rows that are not connections are counted by kind, not rejected.
        QCOMPARE(imported.summary.recordsSkipped.at("Defender ListeningConnectionCreated"), 1u);
        QCOMPARE(imported.summary.recordsSkipped.at("Defender HttpConnectionInspected"), 1u);

        // importText read it through gzip when the name says so; the twin comparison reads it plain.
        const QString formatPath = writeTestFile(
            directory, u"format-"_qs + name.chopped(name.endsWith(u".gz") ? 3 : 0), content.toStdString());
        const QString udmPath = writeTestFile(directory, u"twin.ndjson"_qs, toUdm(scenario()));
        const FileAnalysis mine = analyseFile(formatPath);
        const FileAnalysis twin = analyseFile(udmPath);
        const QStringList differences = twinDifferences(mine, twin);
        QVERIFY2(differences.isEmpty(), qPrintable(differences.join(u'\n')));
        // And the twin's findings are worth comparing: the Worker beacon fires the rule.
        bool fires = false;
        for (const Finding& finding : twin.analysis->analysis.findings)
            fires = fires || finding.rule.fires;
        QVERIFY(fires);
    }

    // A row's names map as the analyst expects: scheme and path stripped from RemoteUrl, the file name added to a
    // folder, the user as DOMAIN\name, no byte counts at all (absent, not zero).
    void mapsTheColumns()
    {
        const auto imported = importText(toCsv(scenario()), "export.csv");
        QVERIFY2(imported.ok, imported.error.c_str());
        const EventTable& table = imported.table;
        QCOMPARE(table.text(table.targetHostname(1)), "api-sync.acme-9f2.workers.dev");
        QCOMPARE(table.hostnameSource(1), HostnameSource::Record);
        QCOMPARE(table.text(table.processPath(30)), R"(C:\Program Files\Google\Chrome\Application\chrome.exe)");
        QCOMPARE(table.text(table.processPath(0)), R"(c:\users\bob\appdata\local\temp\updater.exe)");
        QCOMPARE(table.text(table.user(0)), R"(corp\bob)");
        QCOMPARE(table.text(table.principalHostname(0)), "ws01.corp.local");
        QCOMPARE(table.text(table.principalIps(0)[0]), "10.1.2.34");
        QCOMPARE(table.timestamp(0), at("2024-05-02T08:00:00.037Z"));
        QVERIFY(!table.bytesSentKnown(0) && !table.bytesReceivedKnown(0));
        QCOMPARE(table.hostnameSource(44), HostnameSource::None); // the IPv6 address without a RemoteUrl
        QCOMPARE(table.direction(table.size() - 1), Direction::Inbound);
    }

    // Sentinel's Log Analytics names the time TimeGenerated; the rest of the columns are the same.
    void readsLogAnalyticsColumnNames()
    {
        std::string csv = toCsv(scenario());
        csv.replace(0, std::string("Timestamp").size(), "TimeGenerated");
        const auto imported = importText(csv, "sentinel.csv");
        QVERIFY2(imported.ok, imported.error.c_str());
        QCOMPARE(imported.summary.eventsRead, scenario().size());
    }

    void brokenRowsCostThemselves()
    {
        const std::vector<Row> rows = scenario();
        std::string csv = toCsv({ rows.begin(), rows.begin() + 5 });
        csv += "\"2024-05-02T09:00:00.0000000Z,6f1c0e2a,ws01.corp.local,ConnectionSuccess\n"; // unbalanced quote
        csv += "2024-05-02T09:00:00Z,short,row\n"; // wrong field count
        std::string badTime = toCsv({ rows[5] }).substr(toCsv({}).size());
        badTime.replace(0, badTime.find(','), "yesterday");
        csv += badTime;
        std::string badPort = toCsv({ rows[6] }).substr(toCsv({}).size());
        badPort.replace(badPort.find(",443,"), 5, ",https,");
        csv += badPort;
        csv += toCsv({ rows[7] }).substr(toCsv({}).size());
        const auto imported = importText(csv, "broken.csv");
        QVERIFY2(imported.ok, imported.error.c_str());
        QCOMPARE(imported.summary.eventsRead, 6u);
        QCOMPARE(imported.summary.eventsRejected, 4u);
        const auto& rejects = imported.summary.rejects;
        QCOMPARE(rejects[0].line, 7u);
        QVERIFY(rejects[0].reason.find("unbalanced quote") != std::string::npos);
        QCOMPARE(rejects[1].line, 8u);
        QVERIFY(rejects[1].reason.find("3 fields where the header has 18") != std::string::npos);
        QVERIFY(rejects[2].reason.starts_with("Timestamp: 'yesterday'"));
        QVERIFY(rejects[3].reason.starts_with("RemotePort: 'https'"));

        // One row per line: a broken line and a row with a number for a time are rejected, the others kept.
        std::string lines;
        for (const Row& row : { rows[0], rows[1] }) {
            const std::string array = toJson({ row }, false);
            lines += array.substr(1, array.size() - 2) + "\n";
        }
        lines += R"({"Timestamp": "2024-05-02T08:00:00Z", "ActionType": "ConnectionSuccess", "RemoteIP":)"
                 "\n";
        lines
            += R"({"ActionType": "ConnectionSuccess", "RemoteIP": "1.2.3.4", "InitiatingProcessId": 1, "Timestamp": 17})"
               "\n";
        const auto fromJson = importText(lines, "rows.json");
        QVERIFY2(fromJson.ok, fromJson.error.c_str());
        QCOMPARE(QString::fromStdString(fromJson.summary.format), u"defender-json"_qs);
        QCOMPARE(fromJson.summary.eventsRead, 2u);
        QCOMPARE(fromJson.summary.eventsRejected, 2u);
        QCOMPARE(fromJson.summary.rejects[0].line, 3u);
        QVERIFY2(
            fromJson.summary.rejects[0].reason.starts_with("invalid JSON"), fromJson.summary.rejects[0].reason.c_str());
        QVERIFY2(fromJson.summary.rejects[1].reason.starts_with("Timestamp: '17'"),
            fromJson.summary.rejects[1].reason.c_str());
    }

    // One case holds several formats: every event keeps its file, line, offset and original record (a CSV row, a
    // JSON line), the case remembers each file's format, and the name join runs across them.
    void aCaseMixesFormats()
    {
        QTemporaryDir directory;
        const std::vector<Row> rows = scenario();
        const std::string csv = toCsv({ rows.begin(), rows.begin() + 20 });
        const std::string udm = toUdm({ rows.begin() + 20, rows.end() });
        const QString csvPath = writeTestFile(directory, u"defender.csv"_qs, csv);
        const QString udmPath = writeTestFile(directory, u"chronicle.ndjson"_qs, udm);
        const std::string casePath = directory.filePath(u"mixed.cepheid"_qs).toStdString();
        {
            auto caseFile = CaseFile::open(casePath, CaseFile::Mode::Create);
            QVERIFY2(caseFile, whyNot(caseFile));
            EventTable table;
            VERIFY_OK((*caseFile)->loadEvents(table));
            VERIFY_OK((*caseFile)->importFile(csvPath.toStdString(), table));
            VERIFY_OK((*caseFile)->importFile(udmPath.toStdString(), table));
        }
        auto caseFile = CaseFile::open(casePath, CaseFile::Mode::ReadOnly);
        QVERIFY2(caseFile, whyNot(caseFile));
        const auto sources = (*caseFile)->sources();
        QVERIFY2(sources, whyNot(sources));
        QCOMPARE(sources->size(), 2u);
        QCOMPARE(sources->at(0).format, "defender-csv");
        QCOMPARE(sources->at(1).format, "chronicle-udm-json");
        EventTable table;
        VERIFY_OK((*caseFile)->loadEvents(table));
        QCOMPARE(table.size(), rows.size());
        for (const EventIndex event : { EventIndex(0), EventIndex(19), EventIndex(20), EventIndex(table.size() - 1) }) {
            const SourceReference source = table.source(event);
            const auto raw = (*caseFile)->rawRecord(source.fileIndex, source.byteOffset);
            QVERIFY2(raw && *raw, "the original record is kept");
            const std::string& text = source.fileIndex == sources->at(0).id ? csv : udm;
            const std::size_t end = text.find('\n', source.byteOffset);
            QCOMPARE(**raw, text.substr(source.byteOffset, end - source.byteOffset));
            QCOMPARE(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(source.byteOffset), '\n') + 1,
                static_cast<std::ptrdiff_t>(source.line));
        }
        // The beacon's 30 events come from both files and still form one flow that fires.
        auto analysis = analyseCase(**caseFile, std::move(table), std::nullopt, 0);
        QVERIFY2(analysis, whyNot(analysis));
        bool fires = false;
        for (const Finding& finding : analysis->analysis.findings)
            fires = fires || (finding.rule.fires && finding.events == 30);
        QVERIFY(fires);
    }

    // Detection reads the content, never the name, and a damaged first line does not hide the header.
    void detectedByContent()
    {
        const std::string csv = toCsv(scenario());
        QCOMPARE(detectFormat(csv).reader->name(), "defender-csv");
        QCOMPARE(detectFormat("\x01garbage line\n" + csv).reader->name(), "defender-csv");
        QCOMPARE(detectFormat(toJson(scenario(), false)).reader->name(), "defender-json");
        QCOMPARE(detectFormat(toJson(scenario(), true)).reader->name(), "defender-json");
        QCOMPARE(detectFormat(toUdm(scenario())).reader->name(), "chronicle-udm-json");
    }
};

QTEST_GUILESS_MAIN(DefenderReadersTest)
#include "tst_defenderreaders.moc"
