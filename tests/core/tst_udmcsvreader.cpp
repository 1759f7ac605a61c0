// Chronicle UDM CSV (core/ingest/udmcsvreader.cpp): a SecOps export as CSV means what the same events mean as JSON.

#include "formattwin.h"
#include "ingest/readers.h"
#include "testsupport.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

struct Event
{
    std::string id, time, host, ips, process, destination, targetIp, sent, received;
    int port = 443;
};

// A beacon every 5 minutes for 4 hours from a host with two addresses (so every event belongs to two flows, as in
// Chronicle), a developer's irregular calls, an event without byte counts.
std::vector<Event> scenario()
{
    std::vector<Event> events;
    for (int i = 0; i < 48; ++i)
        events.push_back(
            { "b" + std::to_string(i), formatRfc3339(at("2025-03-04T10:00:00Z") + i * 300 * kMicrosPerSecond),
                "wks-0142", "10.20.4.17, 10.20.4.18", R"(C:\Temp\updater.exe)", "relay.acme.workers.dev",
                "104.21.33.150", std::to_string(900 + i % 7), std::to_string(2100 + i % 5) });
    const int minutes[] = { 0, 1, 2, 45, 47, 120, 121, 180, 200, 201, 202, 230, 235, 238 };
    for (int minute : minutes)
        events.push_back({ "d" + std::to_string(minute),
            formatRfc3339(at("2025-03-04T11:00:00Z") + minute * 60 * kMicrosPerSecond), "dev-07", "10.20.9.3",
            R"(C:\Program Files\nodejs\node.exe)", "api.myproj.supabase.co", "104.18.38.10", "20000", "90000" });
    events.push_back({ "n1", "2025-03-04T12:00:00Z", "wks-0142", "10.20.4.17", R"(C:\Temp\updater.exe)",
        "relay.acme.workers.dev", "104.21.33.150", "", "" });
    return events;
}

std::string toUdmJson(const std::vector<Event>& events)
{
    std::string text;
    for (const Event& e : events) {
        std::string ips;
        for (std::size_t begin = 0; begin < e.ips.size();) {
            const std::size_t comma = std::min(e.ips.find(", ", begin), e.ips.size());
            ips += (ips.empty() ? "\"" : ",\"") + e.ips.substr(begin, comma - begin) + "\"";
            begin = comma + 2;
        }
        std::string network = R"("direction":"OUTBOUND")";
        if (!e.sent.empty())
            network += R"(,"sentBytes":")" + e.sent + R"(","receivedBytes":")" + e.received + "\"";
        std::string process = e.process;
        for (std::size_t at = 0; (at = process.find('\\', at)) != std::string::npos; at += 2)
            process.insert(at, "\\");
        text += R"({"metadata":{"id":")" + e.id + R"(","eventTimestamp":")" + e.time
            + R"(","eventType":"NETWORK_CONNECTION"},"principal":{"hostname":")" + e.host + R"(","ip":[)" + ips
            + R"(],"process":{"file":{"fullPath":")" + process + R"("}}},"target":{"hostname":")" + e.destination
            + R"(","ip":[")" + e.targetIp + R"("],"port":)" + std::to_string(e.port) + R"(},"network":{)" + network
            + "}}\n";
    }
    return text;
}

std::string quoted(const std::string& text)
{
    return text.find_first_of(",\"") == std::string::npos ? text : "\"" + text + "\"";
}

// As the SecOps UI exports it: snake_case paths, the time without a zone, lists in one cell, empty cells for
// absent values.
std::string toUdmCsv(const std::vector<Event>& events, const std::string& lineEnd = "\n")
{
    std::string text = "metadata.id,metadata.event_timestamp,metadata.event_type,principal.hostname,principal.ip,"
                       "principal.process.file.full_path,target.hostname,target.ip,target.port,network.direction,"
                       "network.sent_bytes,network.received_bytes"
        + lineEnd;
    for (const Event& e : events) {
        const std::string time = e.time.substr(0, 10) + " " + e.time.substr(11, e.time.size() - 12) + " UTC";
        text += e.id + "," + time + ",NETWORK_CONNECTION," + e.host + "," + quoted(e.ips) + "," + e.process + ","
            + e.destination + "," + e.targetIp + "," + std::to_string(e.port) + ",OUTBOUND," + e.sent + "," + e.received
            + lineEnd;
    }
    return text;
}

} // namespace

class UdmCsvReaderTest : public QObject
{
    Q_OBJECT

private slots:
    void theSameEventsAsUdmJson()
    {
        QTemporaryDir directory;
        for (const std::string& lineEnd : { std::string("\n"), std::string("\r\n") }) {
            const QString csv = writeTestFile(directory, u"export.csv"_qs, toUdmCsv(scenario(), lineEnd));
            const QString json = writeTestFile(directory, u"export.ndjson"_qs, toUdmJson(scenario()));
            const FileAnalysis fromCsv = analyseFile(csv);
            const FileAnalysis fromJson = analyseFile(json);
            QCOMPARE(fromCsv.summary.format, "chronicle-udm-csv");
            QCOMPARE(fromCsv.summary.eventsRejected, 0u);
            QCOMPARE(fromCsv.summary.eventsRead, scenario().size());
            const QStringList differences = twinDifferences(fromCsv, fromJson);
            QVERIFY2(differences.isEmpty(), qPrintable(differences.join(u'\n')));
            QCOMPARE(fromJson.analysis->analysis.summary.flowsFiring, 2u); // the beacon, from each of its two IPs
        }
        // Absent byte counts stay absent.
        const auto imported = importText(toUdmCsv(scenario()), "export.csv");
        const EventIndex last = static_cast<EventIndex>(imported.table.size() - 1);
        QVERIFY(!imported.table.bytesSentKnown(last));
        QVERIFY(imported.table.bytesSentKnown(0));
        QCOMPARE(imported.table.principalIps(0).size(), 2u);
        QCOMPARE(imported.table.timestamp(0), at("2025-03-04T10:00:00Z"));
    }

    void brokenRowsCostThemselves()
    {
        std::string csv = toUdmCsv({ scenario()[0] });
        csv += "b1,2025-03-04 10:05:00 UTC,NETWORK_CONNECTION,wks-0142,\"10.20.4.17\n"; // unbalanced quote
        csv += "b2,2025-03-04 10:10:00 UTC,NETWORK_CONNECTION\n"; // too few fields
        csv += "b3,the fourth of "
               "March,NETWORK_CONNECTION,wks,10.0.0.1,C:\\x.exe,a.workers.dev,1.2.3.4,443,OUTBOUND,1,2\n";
        csv += "b4,2025-03-04 10:20:00 "
               "UTC,NETWORK_CONNECTION,wks,10.0.0.1,C:\\x.exe,a.workers.dev,1.2.3.4,https,OUTBOUND,1,2\n";
        csv += toUdmCsv({ scenario()[5] }).substr(toUdmCsv({}).size());
        const auto imported = importText(csv, "broken.csv");
        QVERIFY2(imported.ok, imported.error.c_str());
        QCOMPARE(imported.summary.eventsRead, 2u);
        QCOMPARE(imported.summary.eventsRejected, 4u);
        const auto& rejects = imported.summary.rejects;
        QCOMPARE(rejects[0].line, 3u);
        QVERIFY(rejects[0].reason.find("unbalanced quote") != std::string::npos);
        QVERIFY(rejects[1].reason.find("3 fields where the header has 12") != std::string::npos);
        QVERIFY2(rejects[2].reason.find("metadata.eventTimestamp") != std::string::npos, rejects[2].reason.c_str());
        QVERIFY2(rejects[3].reason.find("target.port") != std::string::npos, rejects[3].reason.c_str());
    }

    void detectedByContent()
    {
        const std::string csv = toUdmCsv(scenario());
        QCOMPARE(detectFormat(csv).reader->name(), "chronicle-udm-csv");
        QCOMPARE(detectFormat("Search results, exported 2025-03-04\n" + csv).reader->name(), "chronicle-udm-csv");
        const auto other = detectFormat("name,address,phone\nbob,street,123\n");
        QVERIFY(!other.reader);
    }
};

QTEST_GUILESS_MAIN(UdmCsvReaderTest)
#include "tst_udmcsvreader.moc"
