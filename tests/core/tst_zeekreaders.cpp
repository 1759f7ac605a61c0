// The Zeek readers (zeek-tsv, zeek-json) and the mapping they share (core/ingest/zeekrecord): real captures and
// made-up fixtures against their Chronicle UDM twins, the name join across logs and files, and hostile input.

#include "formattwin.h"
#include "ingest/readers.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTest>
#include <zlib.h>

using namespace cepheid;
using namespace cepheid::test;

namespace {

QString fixture(const QString& name)
{
    return sourcePath(u"tests/data/formats/zeek/" + name);
}

QStringList fixtures(const QString& folder, const QStringList& names)
{
    QStringList paths;
    for (const QString& name : names)
        paths << fixture(folder + u'/' + name);
    return paths;
}

QString realData(const QString& relative)
{
    return sourcePath(u"../shared/data/" + relative);
}

// Every destination considered, IP addresses included: the captures are not serverless traffic, and most of their
// flows have no hostname, so under the default catalog their twins would agree on nothing at all.
Profile everyDestination()
{
    Profile profile;
    profile.catalog = { { "any destination", ".*" } };
    return profile;
}

const Finding* findFlow(const FileAnalysis& file, std::string_view source, std::string_view destination)
{
    const EventTable& table = file.analysis->data->events;
    for (const Finding& finding : file.analysis->analysis.findings) {
        const FlowKey& key = file.analysis->data->flows.flow(finding.flowIndex).key;
        if (table.text(key.sourceIp) == source && table.text(key.destination) == destination)
            return &finding;
    }
    return nullptr;
}

// The first event of a flow, to see where its name came from.
EventIndex firstEvent(const FileAnalysis& file, const Finding& finding)
{
    const FlowIndex& flows = file.analysis->data->flows;
    return flows.events(flows.flow(finding.flowIndex)).front();
}

std::string header(const std::string& path, const std::string& fields)
{
    return "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t" + path
        + "\n#open\t2025-03-04-10-00-00\n#fields\t" + fields + "\n";
}

const std::string kConnFields = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\torig_bytes\tresp_bytes\t"
                                "local_orig\tlocal_resp";

// A conn.log line for kConnFields.
std::string connLine(const std::string& ts, const std::string& uid, const std::string& orig, const std::string& resp,
    const std::string& sent = "120", const std::string& received = "340", const std::string& localOrig = "T",
    const std::string& localResp = "F")
{
    return ts + "\t" + uid + "\t" + orig + "\t51000\t" + resp + "\t443\ttcp\t" + sent + "\t" + received + "\t"
        + localOrig + "\t" + localResp + "\n";
}

std::string quote(const std::string& text)
{
    return "\"" + text + "\"";
}

// A dotted-key JSON conn record (Zeek's own JSON); `extra` is appended inside the object as written.
std::string jsonConn(const std::string& ts, const std::string& uid, const std::string& extra = {})
{
    return "{" + quote("ts") + ":" + ts + "," + quote("uid") + ":" + quote(uid) + "," + quote("id.orig_h") + ":"
        + quote("10.0.0.5") + "," + quote("id.resp_h") + ":" + quote("104.21.1.1") + "," + quote("id.resp_p") + ":443,"
        + quote("conn_state") + ":" + quote("SF") + extra + "}";
}

std::string utf16le(const std::string& ascii)
{
    std::string out = "\xFF\xFE";
    for (const char c : ascii)
        out += std::string { c, '\0' };
    return out;
}

bool hasReject(const InputSummary& summary, std::uint64_t line, const std::string& reasonPart)
{
    return std::any_of(summary.rejects.begin(), summary.rejects.end(), [&](const Reject& reject) {
        return reject.line == line && reject.reason.find(reasonPart) != std::string::npos;
    });
}

std::uint64_t skipped(const InputSummary& summary, const std::string& kind)
{
    const auto it = summary.recordsSkipped.find(kind);
    return it == summary.recordsSkipped.end() ? 0 : it->second;
}

QString describeRejects(const InputSummary& summary)
{
    QStringList lines;
    for (const Reject& reject : summary.rejects)
        lines << QString::number(reject.line) + u": " + QString::fromStdString(reject.reason);
    return lines.join(u'\n');
}

// What is wrong with an import that should have kept `events` events and rejected exactly `expected` (line, part of
// the reason); empty when nothing is.
QString rejectProblems(const ImportedText& result, std::uint64_t events,
    const std::vector<std::pair<std::uint64_t, std::string>>& expected)
{
    if (!result.ok)
        return QString::fromStdString(result.error);
    QStringList problems;
    if (result.summary.eventsRead != events)
        problems << u"events read: "_qs + QString::number(result.summary.eventsRead);
    if (result.summary.eventsRejected != expected.size())
        problems << u"records rejected: "_qs + QString::number(result.summary.eventsRejected);
    for (const auto& [line, reason] : expected)
        if (!hasReject(result.summary, line, reason))
            problems << u"no reject on line "_qs + QString::number(line) + u": " + QString::fromStdString(reason);
    if (!problems.isEmpty())
        problems << describeRejects(result.summary);
    return problems.join(u'\n');
}

} // namespace

class ZeekReadersTest : public QObject
{
    Q_OBJECT

private slots:
    // The real captures as Zeek wrote them, their logs read together, give what their UDM conversions give, flow by
    // flow: the conversions were made from these logs with the mapping docs/formats/zeek.md describes.
    void realCapturesAgreeWithTheirUdmTwins_data()
    {
        QTest::addColumn<QStringList>("logs");
        QTest::addColumn<QString>("twin");
        QTest::addColumn<int>("sessionsNamed"); // the twin's connections with a target.hostname
        // njrat's ts are seconds from the capture's start (1970 here); its twin counts them from the #open day's
        // midnight. Hours of the day are the same, and so are the rule's hour buckets and the score.
        QTest::newRow("njrat-001 (conn)")
            << QStringList { u"zeek/njrat-001/labeled-conn.log.gz"_qs } << u"udm/strat-001-njrat.ndjson.gz"_qs << 0;
        QTest::newRow("normal-012 (conn, ssl, http)") << QStringList { u"zeek/normal-012/conn.log.labeled.gz"_qs,
            u"zeek/normal-012/ssl.log.labeled.gz"_qs, u"zeek/normal-012/http.log.labeled.gz"_qs }
                                                      << u"udm/strat-012-normal.ndjson.gz"_qs << 917;
        QTest::newRow("rita-proxy (conn, ssl, http)") << QStringList { u"zeek/rita-proxy/conn.log.gz"_qs,
            u"zeek/rita-proxy/ssl.log.gz"_qs, u"zeek/rita-proxy/http.log.gz"_qs }
                                                      << u"udm/rita-proxy.ndjson.gz"_qs << 407;
    }
    void realCapturesAgreeWithTheirUdmTwins()
    {
        QFETCH(QStringList, logs);
        QFETCH(QString, twin);
        QFETCH(int, sessionsNamed);
        if (!QFile::exists(realData(twin)))
            QSKIP("the real captures are not here (../shared/data): skipped");
        QStringList paths;
        for (const QString& log : logs)
            paths << realData(log);
        const Profile profiles[] = { Profile {}, everyDestination() };
        for (const Profile& profile : profiles) {
            const FileAnalysis zeek = analyseFiles(paths, 0, profile);
            const FileAnalysis udm = analyseFile(realData(twin), 0, profile);
            QVERIFY2(zeek.error.isEmpty() && udm.error.isEmpty(), qPrintable(zeek.error + udm.error));
            QCOMPARE(zeek.summary.format, std::string("zeek-tsv"));
            QVERIFY2(zeek.summary.eventsRejected == 0, qPrintable(describeRejects(zeek.summary)));
            const QStringList differences = twinDifferences(zeek, udm);
            QVERIFY2(differences.isEmpty(), qPrintable(differences.join(u'\n')));
            // The UDM twin holds the connections only; the Zeek side has the ssl and http records as evidence too.
            QCOMPARE(zeek.analysis->data->flows.size(), udm.analysis->data->flows.size());
            // Its connections are named by their sessions' ssl and http records, as the conversion named them.
            QCOMPARE(zeek.analysis->data->names.bySession, std::size_t(sessionsNamed));
            if (&profile != &profiles[0])
                QVERIFY(zeek.analysis->analysis.findings.size() > 2); // every destination: something to compare
        }
    }

    // NjRAT's C2 (every ~11.5 s to 41.108.179.197:1177, unanswered) read straight from conn.log: the score rates it,
    // the seed rule does not fire. Two things stop the rule here: the destination is an address (the rule wants a
    // target.hostname, and RuleEvaluator::filter checks that first, so the drops count as no_hostname), and there is
    // no process (a network sensor sees none); theRuleNeverFiresWithoutAProcess shows the second alone.
    void njratC2ScoresFromConnLog()
    {
        const QString path = realData(u"zeek/njrat-001/labeled-conn.log.gz"_qs);
        if (!QFile::exists(path))
            QSKIP("the real captures are not here (../shared/data): skipped");
        const FileAnalysis zeek = analyseFile(path, 0, everyDestination());
        QVERIFY2(zeek.error.isEmpty(), qPrintable(zeek.error));
        const Finding* c2 = findFlow(zeek, "192.168.1.115", "41.108.179.197");
        QVERIFY(c2);
        QCOMPARE(c2->events, 237u);
        QVERIFY2(c2->beacon.verdict >= Verdict::Likely, qPrintable(QString::number(c2->beacon.score)));
        QVERIFY(!c2->rule.fires);
        QCOMPARE(c2->rule.dropped.noHostname, 237u);
        const EventTable& table = zeek.analysis->data->events;
        QCOMPARE(zeek.analysis->data->flows.flow(c2->flowIndex).key.processPath, kEmptyString); // every event's
        const EventIndex event = firstEvent(zeek, *c2);
        QCOMPARE(table.direction(event), Direction::Outbound); // local_orig T, local_resp F
        QCOMPARE(table.targetPort(event), std::uint16_t(1177));
        QVERIFY(table.bytesSentKnown(event));
    }

    // The seed rule matches `$e.principal.process.file.full_path = $proc_path`: an empty path is the placeholder's
    // zero value, which Chronicle drops, and Cepheid with it (RuleEvaluator::filter, dropped.emptyProcessPath). So
    // on Zeek alone the rule never fires, even on a beacon it would otherwise take; the score still rates it.
    void theRuleNeverFiresWithoutAProcess()
    {
        const FileAnalysis zeek
            = analyseFiles(fixtures(u"tsv"_qs, { u"conn.log"_qs, u"ssl.log"_qs, u"http.log"_qs, u"dns.log"_qs }));
        QVERIFY2(zeek.error.isEmpty(), qPrintable(zeek.error));
        const Finding* relay = findFlow(zeek, "10.20.4.17", "relay.acme-9f2.workers.dev");
        QVERIFY(relay);
        QCOMPARE(relay->events, 14u);
        QVERIFY(relay->rule.domainMatched);
        QVERIFY(!relay->rule.fires);
        QCOMPARE(relay->rule.dropped.emptyProcessPath, 14u);
        QCOMPARE(relay->rule.dropped.total(), 14u); // nothing else stops it: outbound, named, matched
        QVERIFY2(relay->beacon.verdict >= Verdict::Likely, qPrintable(QString::number(relay->beacon.score)));
    }

    // One made-up scenario written as Zeek TSV, as each JSON dialect, and as its UDM twin gives the same analysis;
    // the logs' order on the command line does not matter (ssl, http and dns before conn here).
    void everyEncodingAgreesWithTheUdmTwin_data()
    {
        const QStringList logs = { u"conn.log"_qs, u"ssl.log"_qs, u"http.log"_qs, u"dns.log"_qs, u"files.log"_qs };
        const QStringList evidenceFirst
            = { u"ssl.log"_qs, u"dns.log"_qs, u"http.log"_qs, u"files.log"_qs, u"conn.log"_qs };
        QTest::addColumn<QStringList>("paths");
        QTest::addColumn<QString>("format");
        QTest::newRow("tsv") << fixtures(u"tsv"_qs, logs) << u"zeek-tsv"_qs;
        QTest::newRow("tsv, evidence imported first") << fixtures(u"tsv"_qs, evidenceFirst) << u"zeek-tsv"_qs;
        QTest::newRow("json, dotted keys") << fixtures(u"json-dotted"_qs, logs) << u"zeek-json"_qs;
        QTest::newRow("json, dotted keys, evidence first")
            << fixtures(u"json-dotted"_qs, evidenceFirst) << u"zeek-json"_qs;
        QTest::newRow("json, underscore keys and @stream")
            << QStringList { fixture(u"json-underscore.log"_qs) } << u"zeek-json"_qs;
        QTest::newRow("json, logstory prefixes") << QStringList { fixture(u"json-logstory.log"_qs) } << u"zeek-json"_qs;
    }
    void everyEncodingAgreesWithTheUdmTwin()
    {
        QFETCH(QStringList, paths);
        QFETCH(QString, format);
        const FileAnalysis udm = analyseFile(fixture(u"udm-twin.ndjson"_qs));
        for (const Profile& profile : { Profile {}, everyDestination() }) {
            const FileAnalysis zeek = analyseFiles(paths, 0, profile);
            QVERIFY2(zeek.error.isEmpty(), qPrintable(zeek.error));
            QCOMPARE(QString::fromStdString(zeek.summary.format), format);
            QVERIFY2(zeek.summary.eventsRejected == 0, qPrintable(describeRejects(zeek.summary)));
            QCOMPARE(skipped(zeek.summary, "Zeek files log"), 1u);
            QCOMPARE(skipped(zeek.summary, "Zeek ssl without server name"), 18u);
            const QStringList differences
                = twinDifferences(zeek, analyseFile(fixture(u"udm-twin.ndjson"_qs), 0, profile));
            QVERIFY2(differences.isEmpty(), qPrintable(differences.join(u'\n')));
        }
        // Each beacon is named by the record that knows its name.
        const FileAnalysis zeek = analyseFiles(paths);
        const EventTable& table = zeek.analysis->data->events;
        const struct
        {
            std::string_view source, destination;
            HostnameSource from;
            std::uint32_t events;
        } named[] = {
            { "10.20.4.17", "relay.acme-9f2.workers.dev", HostnameSource::TlsSni, 14 },
            { "10.20.4.17", "poll.acme-9f2.workers.dev", HostnameSource::HttpHost, 13 },
            { "fd00:20:4::17", "sync.acme-9f2.workers.dev", HostnameSource::DnsJoin, 18 },
        };
        for (const auto& flow : named) {
            const Finding* finding = findFlow(zeek, flow.source, flow.destination);
            QVERIFY2(finding, flow.destination.data());
            QCOMPARE(finding->events, flow.events);
            QCOMPARE(table.hostnameSource(firstEvent(zeek, *finding)), flow.from);
            QVERIFY(finding->beacon.verdict >= Verdict::Possible);
        }
        QCOMPARE(zeek.analysis->data->names.bySession, 14u + 13u + 1u); // and www.example.com's
        QCOMPARE(zeek.analysis->data->names.byDnsAnswer, 18u);
        QCOMPARE(udm.analysis->analysis.findings.size(), zeek.analysis->analysis.findings.size());
    }

    // What each log's fields become, read from the TSV fixtures.
    void mapsEachLogsFields()
    {
        EventTable table;
        for (const char* log : { "conn.log", "ssl.log", "http.log", "dns.log" }) {
            const auto summary = importFile(fixture(u"tsv/"_qs + QLatin1String(log)).toStdString(), 0, table);
            QVERIFY2(summary, whyNot(summary));
            QCOMPARE(summary->layout, std::string(log).substr(0, std::string(log).find('.')));
        }
        std::size_t connections = 0, names = 0, answers = 0, unknownBytes = 0, inbound = 0;
        for (EventIndex i = 0; i < table.size(); ++i) {
            QCOMPARE(table.text(table.processPath(i)), std::string_view());
            switch (table.role(i)) {
            case EventRole::Connection:
                ++connections;
                QCOMPARE(table.text(table.eventType(i)), std::string_view("NETWORK_CONNECTION"));
                QCOMPARE(table.joinKey(i) != 0, true);
                QCOMPARE(table.hostnameSource(i), HostnameSource::None); // before the join
                if (!table.bytesSentKnown(i)) {
                    ++unknownBytes; // "-" is unknown, not zero
                    QVERIFY(!table.bytesReceivedKnown(i));
                    QCOMPARE(table.text(table.targetIps(i)[0]), std::string_view("93.184.216.34"));
                }
                if (table.direction(i) == Direction::Inbound) {
                    ++inbound; // local_orig F, local_resp T
                    QCOMPARE(table.text(table.principalIps(i)[0]), std::string_view("203.0.113.9"));
                    QCOMPARE(table.targetPort(i), std::uint16_t(22));
                } else {
                    QCOMPARE(table.direction(i), Direction::Outbound);
                }
                break;
            case EventRole::SessionName: {
                ++names;
                const auto source = table.recordHostnameSource(i);
                QVERIFY(source == HostnameSource::TlsSni || source == HostnameSource::HttpHost);
                if (source == HostnameSource::HttpHost) {
                    // The port is not part of the name; the tab in the user agent was written \x09.
                    QCOMPARE(table.text(table.recordHostname(i)), std::string_view("poll.acme-9f2.workers.dev"));
                    const auto* http = table.http(i);
                    QVERIFY(http);
                    QVERIFY(table.text(http->url).ends_with("/v1/beat?id=7f3"));
                    QCOMPARE(table.text(http->userAgent), std::string_view("Updater/2.1\t(compatible)"));
                    QCOMPARE(http->responseCode, std::uint16_t(200));
                }
                break;
            }
            case EventRole::DnsAnswer:
                ++answers;
                QCOMPARE(table.text(table.eventType(i)), std::string_view("NETWORK_DNS"));
                QCOMPARE(table.joinKey(i), std::uint64_t(0)); // a dns uid is not its connection's
                QCOMPARE(table.text(table.recordHostname(i)), std::string_view("sync.acme-9f2.workers.dev"));
                QCOMPARE(table.targetIps(i).size(), std::size_t(1)); // the CNAME is no address
                QCOMPARE(table.text(table.targetIps(i)[0]), std::string_view("2606:4700:3033::6815:2196"));
                QCOMPARE(table.text(table.principalIps(i)[0]), std::string_view("fd00:20:4::17"));
                break;
            case EventRole::CloudAudit:
                QFAIL("Zeek logs give no cloud audit records");
            }
        }
        QCOMPARE(connections, std::size_t(47));
        QCOMPARE(names, std::size_t(14 + 1 + 13));
        QCOMPARE(answers, std::size_t(18));
        QCOMPARE(unknownBytes, std::size_t(1));
        QCOMPARE(inbound, std::size_t(1));
    }

    // Zeek's local_orig and local_resp say the direction; without them, the addresses do.
    void directionFromLocalFlagsElseAddresses_data()
    {
        QTest::addColumn<QString>("localOrig");
        QTest::addColumn<QString>("localResp");
        QTest::addColumn<QString>("orig");
        QTest::addColumn<QString>("resp");
        QTest::addColumn<int>("direction");
        const int out = int(Direction::Outbound), in = int(Direction::Inbound), unknown = int(Direction::Unknown);
        QTest::newRow("T F") << u"T"_qs << u"F"_qs << u"192.168.1.115"_qs << u"41.108.179.197"_qs << out;
        QTest::newRow("T T (through a proxy)") << u"T"_qs << u"T"_qs << u"10.136.0.18"_qs << u"10.136.0.16"_qs << out;
        QTest::newRow("F T") << u"F"_qs << u"T"_qs << u"27.105.199.92"_qs << u"147.32.83.161"_qs << in;
        QTest::newRow("F F") << u"F"_qs << u"F"_qs << u"10.0.0.5"_qs << u"8.8.8.8"_qs << unknown;
        QTest::newRow("unset, inside to out") << u"-"_qs << u"-"_qs << u"10.0.0.5"_qs << u"8.8.8.8"_qs << out;
        QTest::newRow("unset, outside in") << u"-"_qs << u"-"_qs << u"8.8.8.8"_qs << u"10.0.0.5"_qs << in;
        QTest::newRow("unset, both inside") << u"-"_qs << u"-"_qs << u"10.0.0.5"_qs << u"10.0.0.6"_qs << unknown;
    }
    void directionFromLocalFlagsElseAddresses()
    {
        QFETCH(QString, localOrig);
        QFETCH(QString, localResp);
        QFETCH(QString, orig);
        QFETCH(QString, resp);
        QFETCH(int, direction);
        const auto tsv = importText(header("conn", kConnFields)
                + connLine("1741082400.5", "Cx1", orig.toStdString(), resp.toStdString(), "1", "2",
                    localOrig.toStdString(), localResp.toStdString()),
            "conn.log");
        QVERIFY2(tsv.ok, tsv.error.c_str());
        QCOMPARE(int(tsv.table.direction(0)), direction);
        // JSON leaves unset fields out.
        std::string flags;
        if (localOrig != u"-")
            flags = "," + quote("local_orig") + ":" + (localOrig == u"T" ? "true" : "false") + "," + quote("local_resp")
                + ":" + (localResp == u"T" ? "true" : "false");
        const std::string json = "{" + quote("ts") + ":1741082400.5," + quote("uid") + ":" + quote("Cx1") + ","
            + quote("id.orig_h") + ":" + quote(orig.toStdString()) + "," + quote("id.resp_h") + ":"
            + quote(resp.toStdString()) + "," + quote("conn_state") + ":" + quote("SF") + flags + "}\n";
        const auto parsed = importText(json, "conn.json");
        QVERIFY2(parsed.ok, parsed.error.c_str());
        QCOMPARE(parsed.summary.format, std::string("zeek-json"));
        QCOMPARE(int(parsed.table.direction(0)), direction);
    }

    // Columns are found by name, whatever their order and whatever else is there (Stratosphere's labels), a header
    // block coming again mid-file (concatenated logs) is read again, and values are unescaped.
    void findsColumnsByNameAndRereadsHeaders()
    {
        std::string labelled = connLine("1741082400.5", "Cfirst", "10.0.0.5", "104.21.1.1");
        labelled.insert(labelled.size() - 1, "\tMalicious\tC&C");
        const std::string text = header("conn", kConnFields + "\tlabel\tdetailedlabel") // lines 1-7
            + connLine("1741082400.4", "Cshort", "10.0.0.5", "104.21.1.1") // line 8: no labels
            + labelled // line 9
            + "#close\t2025-03-04-11-00-00\n" // line 10
            + "#separator \\x09\n#set_separator\t,\n#empty_field\t(none)\n#unset_field\t?\n#path\tconn\n"
              "#fields\tuid\tresp_bytes\tid.resp_h\tts\tid.orig_h\torig_bytes\n" // lines 11-16
              "Csecond\t?\t104.21.1.2\t1741082460.25\t10.0.0.5\t(none)\n" // line 17
              "#separator \\x2c\n#path,ssl\n#fields,ts,uid,server_name\n" // lines 18-20
              "1741082400.6,Cfirst,caf\\xc3\\xa9\\x2cbar.example\n"; // line 21
        const auto result = importText(text, "concatenated.log");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.format, std::string("zeek-tsv"));
        QCOMPARE(result.summary.layout, std::string("conn+ssl"));
        QCOMPARE(result.summary.eventsRejected, 1u);
        QVERIFY2(hasReject(result.summary, 8, "expected 13 fields (as #fields names), found 11"),
            qPrintable(describeRejects(result.summary)));
        const EventTable& table = result.table;
        QCOMPARE(table.size(), std::size_t(3));
        QCOMPARE(table.joinKey(0), EventTable::joinKeyHash("Cfirst"));
        QCOMPARE(table.source(0).line, 9u);
        QCOMPARE(table.joinKey(1), EventTable::joinKeyHash("Csecond"));
        QCOMPARE(table.timestamp(1), at("2025-03-04T10:01:00.25Z"));
        QCOMPARE(table.text(table.targetIps(1)[0]), std::string_view("104.21.1.2"));
        QVERIFY(!table.bytesSentKnown(1) && !table.bytesReceivedKnown(1)); // this block's own unset and empty marks
        QCOMPARE(table.direction(1), Direction::Outbound); // no local_orig here: the addresses say
        QCOMPARE(table.role(2), EventRole::SessionName);
        QCOMPARE(table.text(table.recordHostname(2)), std::string_view("caf\u00e9,bar.example"));
    }

    void rejectsMalformedTsvLinesAndKeepsTheRest()
    {
        const std::string text = header("conn", kConnFields) + connLine("1741082400.5", "Cgood1", "10.0.0.5", "1.1.1.1")
            + "1741082401.5\tCshort\t10.0.0.5\n" // line 9: too few fields
            + connLine("yesterday", "Cbadts", "10.0.0.5", "1.1.1.1") // line 10
            + connLine("1741082402.5", "Cbadbytes", "10.0.0.5", "1.1.1.1", "12k") // line 11
            + connLine("1741082403.5", "Cbadflag", "10.0.0.5", "1.1.1.1", "1", "2", "maybe") // line 12
            + connLine("1741082404.5", "-", "10.0.0.5", "1.1.1.1") // line 13: no uid
            + connLine("1741082405.5", "Cgood2", "10.0.0.5", "1.1.1.1");
        const auto result = importText(text, "conn.log");
        const QString problems = rejectProblems(result, 2,
            { { 9, "expected 11 fields (as #fields names), found 3" }, { 10, "ts: 'yesterday' is not a time" },
                { 11, "orig_bytes: '12k' is not a count" }, { 12, "local_orig: 'maybe' is not T or F" },
                { 13, "uid: missing" } });
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QCOMPARE(result.summary.rejects.front().excerpt, std::string("1741082401.5\tCshort\t10.0.0.5"));
        QCOMPARE(result.table.source(1).line, 14u);
    }

    void rejectsLinesUnderAnUnusableHeader()
    {
        const std::string unknownSeparator = "#separator tab\n#fields\tts\tuid\n1741082400.5\tCx\n"
            + header("conn", kConnFields) + connLine("1741082400.5", "Cafter", "10.0.0.5", "1.1.1.1");
        const auto result = importText(unknownSeparator, "conn.log");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, 1u);
        QVERIFY2(hasReject(result.summary, 1, "#separator 'tab' is not a separator Cepheid can read")
                && hasReject(result.summary, 3, "the header above is unusable: #separator 'tab'"),
            qPrintable(describeRejects(result.summary)));
        const auto noFields = importText("#separator \\x09\n#path\tconn\n1741082400.5\tCx\n", "conn.log");
        QVERIFY2(noFields.ok, noFields.error.c_str());
        QVERIFY(hasReject(noFields.summary, 3, "no #fields header before this line"));
        // A log Cepheid does not read, or whose kind nothing says, is counted, not rejected.
        const auto other = importText(header("weird", "ts\tuid\tname") + "1741082400.5\tCx\tbad_TCP_checksum\n"
                + "#separator \\x09\n#fields\tts\tuid\tmystery\n1741082400.5\tCx\t1\n",
            "weird.log");
        QVERIFY2(other.ok, other.error.c_str());
        QCOMPARE(other.summary.eventsRejected, 0u);
        QCOMPARE(skipped(other.summary, "Zeek weird log"), 1u);
        QCOMPARE(skipped(other.summary, "Zeek log of unknown kind"), 1u);
    }

    void truncatedGzipKeepsTheRecordsBeforeTheCut()
    {
        std::string text = header("conn", kConnFields);
        for (int i = 0; i < 3000; ++i)
            text += connLine(std::to_string(1741082400 + i) + ".5", "C" + std::to_string(i), "10.0.0.5", "1.1.1.1");
        QTemporaryDir directory;
        const QString path = directory.filePath(u"conn.log.gz"_qs);
        gzFile file = gzopen(path.toUtf8().constData(), "wb");
        gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
        gzclose(file);
        QFile cut(path);
        QVERIFY(cut.open(QIODevice::ReadWrite));
        QVERIFY(cut.resize(cut.size() / 2));
        cut.close();
        EventTable table;
        const auto summary = importFile(path.toStdString(), 0, table);
        QVERIFY2(summary, whyNot(summary));
        QCOMPARE(summary->format, std::string("zeek-tsv"));
        QVERIFY(summary->eventsRead > 500 && summary->eventsRead < 3000);
        QVERIFY(!summary->readError.empty());
        QVERIFY(summary->rejects.back().reason.starts_with("reading stopped here: "));
    }

    void rejectsBrokenJsonLinesAndKeepsTheRest()
    {
        const std::string text = jsonConn("1741082400.5", "Cgood1") + "\n" + "{" + quote("ts") + ":1741082401.5,"
            + quote("uid") + ":" + quote("Cbroken") + ",\n" // line 2
            + jsonConn("1741082402.5", "Cnumber", "," + quote("orig_bytes") + ":-5") + "\n" // line 3
            + jsonConn(quote("not a time"), "Cbadts") + "\n" // line 4
            + jsonConn("1741082403.5", "Clist", "," + quote("id.resp_p") + ":[443]") + "\n" // line 5
            + "[1, 2]\n" // line 6
            + "\n" + jsonConn(quote("2025-03-04T10:00:05.25Z"), "Cgood2") + "\n"; // line 8, ISO 8601
        const auto result = importText(text, "conn.json");
        const QString problems = rejectProblems(result, 2,
            { { 2, "invalid JSON" }, { 3, "orig_bytes: '-5' is not a count" }, { 4, "ts: 'not a time' is not a time" },
                { 5, "id.resp_p: expected a count, got an array" }, { 6, "not a JSON object" } });
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QCOMPARE(result.summary.format, std::string("zeek-json"));
        QCOMPARE(result.table.timestamp(1), at("2025-03-04T10:00:05.25Z"));
        QCOMPARE(result.table.source(1).line, 8u);
        QCOMPARE(result.table.timestamp(0), at("2025-03-04T10:00:00.5Z"));
    }

    // Windows tools write CRLF, and UTF-16 with a byte-order mark: both read as the same log.
    void readsCrlfAndUtf16WithAMark()
    {
        const std::string tsv = header("conn", kConnFields) + connLine("1741082400.5", "C1", "10.0.0.5", "1.1.1.1")
            + connLine("1741082401.5", "C2", "10.0.0.5", "1.1.1.1");
        const std::string json = jsonConn("1741082400.5", "C1") + "\n" + jsonConn("1741082401.5", "C2") + "\n";
        auto crlf = [](std::string text) {
            for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 2))
                text.replace(at, 1, "\r\n");
            return text;
        };
        for (const auto& [text, format] : { std::pair { tsv, "zeek-tsv" }, std::pair { json, "zeek-json" } }) {
            for (const std::string& variant : { crlf(text), utf16le(crlf(text)), utf16le(text) }) {
                const auto result = importText(variant, "windows.log");
                QVERIFY2(result.ok, result.error.c_str());
                QCOMPARE(result.summary.format, std::string(format));
                QCOMPARE(result.summary.eventsRead, 2u);
                QVERIFY2(result.summary.eventsRejected == 0, qPrintable(describeRejects(result.summary)));
                QCOMPARE(result.table.joinKey(1), EventTable::joinKeyHash("C2"));
                QCOMPARE(result.table.text(result.table.principalIps(1)[0]), std::string_view("10.0.0.5"));
            }
        }
    }

    // Every real Zeek JSON file reads without a reject: each record gives an event or is counted as a kind skipped.
    void realJsonFilesReadWithoutRejects()
    {
        const QDir folder(realData(u"zeek-json"_qs));
        if (!folder.exists())
            QSKIP("the real captures are not here (../shared/data): skipped");
        const QStringList names = folder.entryList({ u"*.log"_qs, u"*.log.gz"_qs }, QDir::Files);
        QCOMPARE(names.size(), 9);
        for (const QString& name : names) {
            EventTable table;
            const auto summary = importFile(folder.filePath(name).toStdString(), 0, table);
            QVERIFY2(summary, whyNot(summary));
            QCOMPARE(summary->format, std::string("zeek-json"));
            QVERIFY2(summary->eventsRejected == 0, qPrintable(name + u'\n' + describeRejects(*summary)));
            QVERIFY2(summary->eventsRead > 0, qPrintable(name));
            QVERIFY(summary->readError.empty());
        }
        // logstory interleaves sixteen logs: four are read, the others counted by kind.
        EventTable table;
        const auto logstory
            = importFile(folder.filePath(u"logstory_NETWORK_ANALYSIS_BRO_JSON.log.gz"_qs).toStdString(), 0, table);
        QVERIFY2(logstory, whyNot(logstory));
        QCOMPARE(skipped(*logstory, "Zeek files log"), 745u);
        QCOMPARE(skipped(*logstory, "Zeek x509 log"), 48u);
        std::size_t byRole[3] = {};
        for (EventIndex i = 0; i < table.size(); ++i)
            ++byRole[static_cast<int>(table.role(i))];
        QCOMPARE(byRole[int(EventRole::Connection)], std::size_t(1714));
        std::uint64_t skipped = 0;
        for (const auto& [kind, count] : logstory->recordsSkipped)
            skipped += count;
        QCOMPARE(table.size() + skipped, std::size_t(5278)); // every line of the file
    }

    // Each reader knows its own files from a few lines of their head, a damaged first line notwithstanding, and
    // outranks the UDM reader's claim on any JSON; UDM stays UDM.
    void detectsZeekFilesAndLeavesUdmAlone_data()
    {
        QTest::addColumn<QString>("head");
        QTest::addColumn<QString>("format");
        QTest::newRow("tsv") << QString::fromStdString(header("conn", kConnFields)) << u"zeek-tsv"_qs;
        QTest::newRow("tsv, #fields only") << u"#fields\tts\tuid\n1.0\tC\n"_qs << u"zeek-tsv"_qs;
        QTest::newRow("tsv, damaged first line")
            << u"\u00ff\u00fe garbage\n#separator \\x09\n#fields\tts\n"_qs << u"zeek-tsv"_qs;
        QTest::newRow("json, dotted") << QString::fromStdString(jsonConn("1.5", "C1")) << u"zeek-json"_qs;
        QTest::newRow("json, underscore") << QString::fromStdString(
            "{" + quote("uid") + ":" + quote("C") + "," + quote("id_orig_h") + ":" + quote("10.0.0.1") + "}")
                                          << u"zeek-json"_qs;
        QTest::newRow("json, damaged first line")
            << QString::fromStdString("{" + quote("ts") + ":\n" + jsonConn("1.5", "C1")) << u"zeek-json"_qs;
        QTest::newRow("json, logstory") << u"x509 - {}\nconn - {}\n"_qs << u"zeek-json"_qs;
        QTest::newRow("udm") << QString::fromStdString(udmEventCamel("a")) << u"chronicle-udm-json"_qs;
    }
    void detectsZeekFilesAndLeavesUdmAlone()
    {
        QFETCH(QString, head);
        QFETCH(QString, format);
        const DetectedFormat detected = detectFormat(head.toStdString());
        QVERIFY(detected.reader);
        QCOMPARE(QString::fromUtf8(detected.reader->name()), format);
    }

    // Hostile input: long lines are rejected without being held, and the kinds of log a file names cannot grow the
    // skip counts without bound.
    void boundsLongLinesAndKindNames()
    {
        std::string text;
        for (int i = 0; i < 200; ++i)
            text += "kind" + std::to_string(i) + " - {" + quote("ts") + ":1}\n";
        text += std::string(3000, 'x') + "\n";
        ImportOptions options;
        options.limits.recordBytes = 1024;
        const auto result = importText("conn - {}\n" + text, "many.log", options);
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.format, std::string("zeek-json"));
        QVERIFY(result.summary.recordsSkipped.size() <= 34);
        QCOMPARE(skipped(result.summary, "Zeek log of another kind"), 200u - 31u);
        QVERIFY(hasReject(result.summary, 202, "record longer than 1 KiB (the record-bytes limit): skipped"));
        QVERIFY(hasReject(result.summary, 1, "uid: missing"));
    }
};

QTEST_GUILESS_MAIN(ZeekReadersTest)
#include "tst_zeekreaders.moc"
