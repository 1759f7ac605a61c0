#include "ingest/inputstream.h"
#include "ingest/jsonrecordsplitter.h"
#include "ingest/readers.h"
#include "testsupport.h"

#include <QTest>
#include <algorithm>
#include <zlib.h>

using namespace cepheid;
using namespace cepheid::test;

namespace {

std::string camelEvent(const std::string& id, const std::string& time = "2025-03-04T13:07:42.118Z",
    const std::string& ip = "[\"10.20.4.17\"]")
{
    return udmEventCamel(id, time, ip);
}

std::string snakeEvent(const std::string& id)
{
    return udmEventSnake(id);
}

void verifyTypicalEvent(const EventTable& table, EventIndex i)
{
    QCOMPARE(table.text(table.processPath(i)), std::string_view(R"(C:\Temp\updater.exe)"));
    QCOMPARE(table.text(table.targetHostname(i)), std::string_view("api.lab.workers.dev"));
    QCOMPARE(table.principalIps(i).size(), std::size_t(1));
    QCOMPARE(table.text(table.principalIps(i)[0]), std::string_view("10.20.4.17"));
    QCOMPARE(table.direction(i), Direction::Outbound);
    QCOMPARE(table.bytesSent(i), std::uint64_t(1834));
    QCOMPARE(table.bytesReceived(i), std::uint64_t(5120));
    QVERIFY(table.bytesSentKnown(i));
    QCOMPARE(table.text(table.eventType(i)), std::string_view("NETWORK_CONNECTION"));
}

} // namespace

class UdmJsonReaderTest : public QObject
{
    Q_OBJECT

private slots:
    void readsNdjson()
    {
        const auto result = importText(camelEvent("a") + "\n" + camelEvent("b") + "\n\n" + camelEvent("c") + "\n");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(3));
        QCOMPARE(result.summary.eventsRejected, std::uint64_t(0));
        QCOMPARE(result.summary.layout, std::string("ndjson"));
        verifyTypicalEvent(result.table, 0);
        QCOMPARE(result.table.source(2).line, std::uint32_t(4));
        QCOMPARE(result.table.timestamp(0), at("2025-03-04T13:07:42.118Z"));
    }

    void readsCrlfLinesAndByteOrderMark()
    {
        const auto result = importText("\xEF\xBB\xBF" + camelEvent("a") + "\r\n" + camelEvent("b") + "\r\n");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(2));
        QCOMPARE(result.summary.eventsRejected, std::uint64_t(0));
    }

    void readsPrettyPrintedJsonArray()
    {
        const auto result = importText("[\n  " + camelEvent("a")
            + ",\n  {\n \"metadata\": {\"id\": \"b\", "
              "\"eventTimestamp\": \"2025-03-04T13:07:42Z\"}\n  }\n]\n");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.layout, std::string("json"));
        QCOMPARE(result.summary.eventsRead, std::uint64_t(2));
        QCOMPARE(result.table.source(1).line, std::uint32_t(3));
    }

    void readsUdmSearchEnvelope()
    {
        const std::string envelope = "{\n \"events\": [\n  {\"name\": \"projects/p/events/1\", \"udm\": "
            + camelEvent("a") + "},\n  {\"name\": \"projects/p/events/2\",\n   \"udm\": " + camelEvent("b")
            + "}\n ],\n \"moreDataAvailable\": true,\n \"stats\": {\"rows\": [1, 2]}\n}\n";
        const auto result = importText(envelope);
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(2));
        QCOMPARE(result.summary.eventsRejected, std::uint64_t(0));
        verifyTypicalEvent(result.table, 1);
        QCOMPARE(result.table.source(1).line, std::uint32_t(4));
    }

    void readsEnvelopePagesOneJsonPerLine()
    {
        const std::string page = R"({"events":[{"name":"n1","udm":)" + camelEvent("a") + R"(},{"name":"n2","udm":)"
            + camelEvent("b") + R"(}],"moreDataAvailable":true})";
        const std::string page2
            = R"({"events":[{"name":"n3","udm":)" + camelEvent("c") + R"(},{"udm":{"metadata":{}}}]})";
        const auto result = importText(page + "\n" + page2 + "\n");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(3));
        QCOMPARE(result.summary.eventsRejected, std::uint64_t(1));
        QCOMPARE(result.summary.rejects.front().line, std::uint32_t(2));
        QVERIFY(result.summary.rejects.front().reason.starts_with("events[1]: "));
    }

    void acceptsSnakeCaseKeysAndNumericUint64()
    {
        const auto result = importText(snakeEvent("a") + "\n");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(1));
        QCOMPARE(result.table.bytesSent(0), std::uint64_t(1834));
        QCOMPARE(result.table.text(result.table.processPath(0)), std::string_view(R"(C:\Temp\updater.exe)"));
        QCOMPARE(result.table.timestamp(0), at("2025-03-04T13:07:42Z"));
    }

    void readsHttpDetailsWhenPresent()
    {
        const auto result = importText(udmHttpEvent(1, "2025-03-04T10:00:00Z", "https://api.lab.workers.dev/beat?id=7",
                                           "Mozilla/5.0 (Windows NT 10.0)", "200")
            + "\n" + camelEvent("plain") + "\n"
            + udmHttpEvent(2, "2025-03-04T10:02:00Z", "https://api.lab.workers.dev/beat", "curl/8.0", "\"404\"")
            + "\n");
        QVERIFY2(result.ok, result.error.c_str());
        const EventTable& table = result.table;
        QCOMPARE(table.size(), std::size_t(3));
        QCOMPARE(table.httpEventCount(), std::size_t(2)); // only the events that have them
        const EventTable::HttpDetails* first = table.http(0);
        QVERIFY(first);
        QCOMPARE(table.text(first->url), std::string_view("https://api.lab.workers.dev/beat?id=7"));
        QCOMPARE(table.text(first->userAgent), std::string_view("Mozilla/5.0 (Windows NT 10.0)"));
        QCOMPARE(first->responseCode, std::uint16_t(200));
        QVERIFY(!table.http(1));
        QCOMPARE(table.http(2)->responseCode, std::uint16_t(404)); // int32 as a JSON string is proto3 JSON too
    }

    void acceptsTimestampObjectsWithStringOrNumberSeconds()
    {
        const std::string a = R"({"metadata":{"id":"a","event_timestamp":{"seconds":"1741093662","nanos":118000000}}})";
        const std::string b = R"({"metadata":{"id":"b","eventTimestamp":{"seconds":1741093662}}})";
        const auto result = importText(a + "\n" + b + "\n");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(2));
        QCOMPARE(result.table.timestamp(0), at("2025-03-04T13:07:42.118Z"));
        QCOMPARE(result.table.timestamp(1), at("2025-03-04T13:07:42Z"));
    }

    void acceptsPrincipalIpAsSingleString()
    {
        const auto result = importText(camelEvent("a", "2025-03-04T13:07:42Z", R"("10.20.4.17")") + "\n");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(1));
        QCOMPARE(result.table.text(result.table.principalIps(0)[0]), std::string_view("10.20.4.17"));
    }

    void keepsRepeatedPrincipalIpsInOrder()
    {
        const auto result = importText(camelEvent("a", "2025-03-04T13:07:42Z", R"(["10.0.0.1","fe80::1","10.0.0.1"])"));
        QVERIFY2(result.ok, result.error.c_str());
        const auto ips = result.table.principalIps(0);
        QCOMPARE(ips.size(), std::size_t(3));
        QCOMPARE(result.table.text(ips[1]), std::string_view("fe80::1"));
    }

    void readsGzipFiles()
    {
        const auto result = importText(camelEvent("a") + "\n" + camelEvent("b") + "\n", "export.ndjson.gz");
        QVERIFY2(result.ok, result.error.c_str());
        QVERIFY(result.summary.compressed);
        QCOMPARE(result.summary.eventsRead, std::uint64_t(2));
    }

    void missingValuesReadAsAbsentNotZero()
    {
        const auto result = importText(
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"network":{"direction":"OUTBOUND"}})");
        QVERIFY2(result.ok, result.error.c_str());
        QVERIFY(!result.table.bytesSentKnown(0));
        QVERIFY(!result.table.bytesReceivedKnown(0));
        QCOMPARE(result.table.processPath(0), kEmptyString);
    }

    void eventsWithoutIdGetAStableIdentity()
    {
        const std::string noId = R"({"metadata":{"eventTimestamp":"2025-03-04T13:07:42Z"},"target":{"hostname":"x"}})";
        const auto result = importText(noId + "\n" + noId + "\n"
            + R"({"name":"projects/p/events/9","udm":{"metadata":{"eventTimestamp":"2025-03-04T13:07:42Z"}}})");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(3));
        QCOMPARE(result.table.idHash(0), result.table.idHash(1)); // the same record exported twice
        QVERIFY(result.table.idHash(0) != result.table.idHash(2));
    }

    void rejectsMalformedRecordsWithLineAndReasonAndKeepsTheRest_data()
    {
        // QByteArray, not QString: a QString would repair the invalid UTF-8 row before the reader sees it.
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QString>("reasonStart");
        auto row = [](const char* name, const std::string& record, const char* reason) {
            QTest::newRow(name) << QByteArray::fromStdString(record) << QString::fromUtf8(reason);
        };
        row("truncated line", camelEvent("x").substr(0, 80), "invalid JSON: ");
        row("not an object", "[1, 2, 3]", "record is an array");
        row("bare string", "\"hello\"", "record is a string");
        row("invalid UTF-8", "{\"metadata\":{\"id\":\"a\xC3\x28\",\"eventTimestamp\":\"2025-03-04T13:07:42Z\"}}",
            "invalid JSON: text is not valid UTF-8");
        row("missing timestamp", R"({"metadata":{"id":"a"},"target":{"hostname":"x"}})",
            "metadata.eventTimestamp is missing");
        row("bad timestamp", R"({"metadata":{"id":"a","eventTimestamp":"yesterday"}})",
            "metadata.eventTimestamp: 'yesterday'");
        row("timestamp seconds out of range",
            "{\"metadata\":{\"id\":\"a\",\"eventTimestamp\":{\"seconds\":\"9223372036000\"}}}",
            "metadata.eventTimestamp.seconds: '9223372036000' is outside years 0001-9999");
        row("timestamp wrong type", R"({"metadata":{"id":"a","eventTimestamp":true}})",
            "metadata.eventTimestamp: expected");
        row("huge bytes as string",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"network":{"sentBytes":"99999999999999999999999"}})",
            "network.sentBytes: '99999999999999999999999' is larger than an unsigned 64-bit integer");
        row("huge bytes as number",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"network":{"sentBytes":99999999999999999999999}})",
            "invalid JSON: a number is malformed or does not fit in 64 bits");
        row("negative bytes",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"network":{"receivedBytes":-5}})",
            "network.receivedBytes: '-5' is negative");
        row("fractional bytes",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"network":{"sentBytes":1.5}})",
            "network.sentBytes: '1.5' is not an unsigned 64-bit integer");
        row("bytes wrong type",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"network":{"sentBytes":[1]}})",
            "network.sentBytes: expected an unsigned integer, got an array");
        row("ip wrong type",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"principal":{"ip":[5]}})",
            "principal.ip: expected a string, got a number");
        row("port out of range",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"target":{"port":70000}})",
            "target.port: '70000' is not a port number");
        row("http status out of range", udmHttpEvent(9, "2025-03-04T10:00:00Z", "https://x/", "ua", "1200"),
            "network.http.response_code: '1200' is not an HTTP status");
        row("http status not a number", udmHttpEvent(9, "2025-03-04T10:00:00Z", "https://x/", "ua", "\"OK\""),
            "network.http.response_code: 'OK' is not a 64-bit integer");
        row("unknown direction",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"network":{"direction":"SIDEWAYS"}})",
            "network.direction: 'SIDEWAYS'");
        row("principal not an object",
            R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"},"principal":"wks"})",
            "principal: expected an object, got a string");
        row("no event fields", R"({"hello":"world"})", "no UDM event fields");
        row("two objects on a line", R"({"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42Z"}} {"x":1})",
            "invalid JSON");
    }
    void rejectsMalformedRecordsWithLineAndReasonAndKeepsTheRest()
    {
        QFETCH(QByteArray, record);
        QFETCH(QString, reasonStart);
        const auto result = importText(camelEvent("a") + "\n" + record.toStdString() + "\n" + camelEvent("c") + "\n");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(2));
        QCOMPARE(result.summary.eventsRejected, std::uint64_t(1));
        QCOMPARE(result.summary.rejects.size(), std::size_t(1));
        QCOMPARE(result.summary.rejects[0].line, std::uint32_t(2));
        const QString reason = QString::fromStdString(result.summary.rejects[0].reason);
        QVERIFY2(reason.startsWith(reasonStart), qPrintable(reason));
    }

    void countsRejectKindsWithoutTheirValues()
    {
        const std::string bad1 = R"({"metadata":{"id":"a","eventTimestamp":"x1"}})";
        const std::string bad2 = R"({"metadata":{"id":"b","eventTimestamp":"x2"}})";
        const auto result = importText(bad1 + "\n" + bad2 + "\n");
        QCOMPARE(result.summary.rejectKinds.size(), std::size_t(1));
        QCOMPARE(result.summary.rejectKinds.begin()->first,
            std::string("metadata.eventTimestamp: … is not an RFC 3339 timestamp"));
        QCOMPARE(result.summary.rejectKinds.begin()->second, std::uint64_t(2));
    }

    void reportsTruncatedJsonArray()
    {
        const std::string text = "[\n" + camelEvent("a") + ",\n" + camelEvent("b").substr(0, 60);
        const auto result = importText(text);
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(1));
        QCOMPARE(result.summary.eventsRejected, std::uint64_t(1));
        QCOMPARE(result.summary.rejects[0].line, std::uint32_t(3));
        QVERIFY(result.summary.rejects[0].reason.find("file ends inside") != std::string::npos);
    }

    void reportsArrayElementsThatAreNotObjects()
    {
        const auto result = importText("[" + camelEvent("a") + ", 42, \"text\", " + camelEvent("b") + "]");
        QVERIFY2(result.ok, result.error.c_str());
        QCOMPARE(result.summary.eventsRead, std::uint64_t(2));
        QCOMPARE(result.summary.eventsRejected, std::uint64_t(2));
    }

    void reportsNonObjectsWhereEventsBelong()
    {
        const auto nested = importText("[[" + camelEvent("a") + "], " + camelEvent("b") + "]");
        QCOMPARE(nested.summary.eventsRead, std::uint64_t(1));
        QCOMPARE(nested.summary.eventsRejected, std::uint64_t(1));
        const auto envelope = importText("{\n \"events\": [5, [1],\n " + camelEvent("a") + "]\n}\n");
        QCOMPARE(envelope.summary.eventsRead, std::uint64_t(1));
        QCOMPARE(envelope.summary.eventsRejected, std::uint64_t(2));
        const auto page = importText("{\"events\":[5," + camelEvent("a") + "]}\n");
        QCOMPARE(page.summary.eventsRead, std::uint64_t(1));
        QCOMPARE(page.summary.rejects.at(0).reason, std::string("events[0]: expected an event object, got a number"));
    }

    void truncatedGzipKeepsTheEventsBeforeTheCut()
    {
        std::string text;
        for (int i = 0; i < 2000; ++i)
            text += camelEvent("id" + std::to_string(i)) + "\n";
        QTemporaryDir directory;
        const std::string path = directory.filePath(QStringLiteral("cut.ndjson.gz")).toStdString();
        {
            const auto whole = importText(text, "whole.ndjson.gz"); // sanity: the uncut file reads completely
            QCOMPARE(whole.summary.eventsRead, std::uint64_t(2000));
        }
        gzFile file = gzopen(path.c_str(), "wb");
        gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
        gzclose(file);
        QFile cut(QString::fromStdString(path));
        QVERIFY(cut.open(QIODevice::ReadWrite));
        QVERIFY(cut.resize(cut.size() / 2));
        cut.close();
        EventTable table;
        const auto summary = importFile(path, 0, table);
        QVERIFY2(summary, whyNot(summary));
        QVERIFY(summary->eventsRead > 500 && summary->eventsRead < 2000);
        QVERIFY(!summary->readError.empty());
        QCOMPARE(summary->rejects.back().line, std::uint32_t(summary->eventsRead + 1));
        QVERIFY(summary->rejects.back().reason.starts_with("reading stopped here: "));
    }

    void emptyFileIsReadAsNoEvents()
    {
        for (const std::string& text : { std::string(), std::string("\n  \n") }) {
            const auto result = importText(text);
            QVERIFY2(result.ok, result.error.c_str());
            QCOMPARE(result.summary.format, std::string(kEmptyFormat));
            QCOMPARE(result.summary.eventsRead, std::uint64_t(0));
        }
    }

    // A format with a marker of its own outranks the generic JSON reader, whichever was registered first; the
    // registry finds readers by the name cases record.
    void theSurestReaderTakesTheFile()
    {
        struct MarkedJson final : FormatReader
        {
            std::string_view name() const override { return "marked-json"; }
            int sniff(std::string_view head) const override
            {
                return head.find("\"marker\"") != std::string_view::npos ? kSniffSpecific : 0;
            }
            ReadResult read(InputStream&, RecordSink&, const ReadSettings&) const override { return {}; }
        } marked;
        const FormatReader* udm = findFormatReader("chronicle-udm-json");
        QVERIFY(udm);
        QCOMPARE(findFormatReader("no-such-format"), nullptr);
        const FormatReader* const readers[] = { udm, &marked };
        QCOMPARE(detectFormat(R"({"marker": 1})", readers).reader, &marked);
        QCOMPARE(detectFormat(R"({"metadata": {}})", readers).reader, udm);
        QCOMPARE(detectFormat("\xEF\xBB\xBF  \n", readers).empty, true);
        const DetectedFormat zeek = detectFormat("#separator \\x09\n", readers);
        QVERIFY(!zeek.reader && !zeek.empty); // not among these two; the whole registry has a reader for it
        QCOMPARE(detectFormat("#separator \\x09\n").reader, findFormatReader("zeek-tsv"));
    }

    void refusesUnrecognisedFilesNamingThem_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("explanation");
        QTest::newRow("xml") << QStringLiteral("<?xml version='1.0'?><Events/>") << QStringLiteral("XML");
        QTest::newRow("csv") << QStringLiteral("Timestamp,Computer,Message\n2025-03-04,wks,hello\n")
                             << QStringLiteral("CSV");
        QTest::newRow("text") << QStringLiteral("hello world")
                              << QStringLiteral("(starts with \"hello world\"): Cepheid reads chronicle-udm-json");
    }
    void refusesUnrecognisedFilesNamingThem()
    {
        QFETCH(QString, text);
        QFETCH(QString, explanation);
        const auto result = importText(text.toStdString(), "mystery.log");
        QVERIFY(!result.ok);
        const QString error = QString::fromStdString(result.error);
        QVERIFY2(error.contains(u"mystery.log") && error.contains(explanation), qPrintable(error));
    }

    // UTF-16 exports (Windows tools write them) gave no event and exit 0: every record was "invalid JSON". With a
    // byte-order mark (Windows PowerShell 5's Out-File and Export-Csv) they are read as UTF-8, in either byte order,
    // gzip or not, characters beyond the BMP included; without one they are named, with the conversion to make.
    void readsUtf16WithAMarkAndNamesItWithout()
    {
        // "bob" with a Devanagari letter and an emoji (a surrogate pair) in the user name, CRLF line ends.
        const std::string utf8 = udmEventCamel("a") + "\r\n" + udmEventCamel("b") + "\r\n";
        const std::u16string text = u"\u0915\U0001F600";
        auto encode = [](const std::string& ascii, bool little) {
            std::string out;
            for (const char c : ascii)
                out += little ? std::string { c, '\0' } : std::string { '\0', c };
            return out;
        };
        for (const bool little : { true, false }) {
            const std::string bytes = encode(utf8, little);
            const auto unmarked = importText(bytes, "windows.json");
            QVERIFY(!unmarked.ok);
            const std::string kind = little ? "UTF-16LE" : "UTF-16BE";
            QVERIFY2(unmarked.error.find(kind + " text without a byte-order mark") != std::string::npos
                    && unmarked.error.find("iconv -f " + kind) != std::string::npos,
                unmarked.error.c_str());
            for (const char* name : { "windows.json", "windows.json.gz" }) {
                const auto marked = importText((little ? "\xFF\xFE" : "\xFE\xFF") + bytes, name);
                QVERIFY2(marked.ok, marked.error.c_str());
                QCOMPARE(marked.summary.eventsRead, 2u);
                QCOMPARE(marked.summary.eventsRejected, 0u);
                QCOMPARE(marked.table.source(1).line, 2u);
            }
        }
        // Code points outside ASCII, a surrogate pair among them, come out as UTF-8: the host is "wks-" + text.
        const std::string event = udmEventCamel("c");
        const std::size_t name = event.find("wks-0142") + 4;
        std::string le = "\xFF\xFE" + encode(event.substr(0, name), true);
        for (const char16_t unit : text)
            le += std::string { static_cast<char>(unit & 0xFF), static_cast<char>(unit >> 8) };
        le += encode(event.substr(name + 4) + "\n", true);
        const auto unicode = importText(le, "unicode.json");
        QVERIFY2(unicode.ok, unicode.error.c_str());
        QCOMPARE(unicode.summary.eventsRead, 1u);
        QCOMPARE(unicode.table.text(unicode.table.principalHostname(0)), std::string_view("wks-\u0915\U0001F600"));
        QVERIFY(importText(utf8, "plain.json").ok); // UTF-8 is untouched
    }

    void refusesMissingFilesAndDirectories()
    {
        EventTable table;
        const auto missing = importFile("/nonexistent/export.json", 0, table);
        QVERIFY(!missing);
        QVERIFY(missing.error().find("/nonexistent/export.json") != std::string::npos);
        QTemporaryDir directory;
        const auto folder = importFile(directory.path().toStdString(), 0, table);
        QVERIFY(!folder);
        QVERIFY(folder.error().find("directory") != std::string::npos);
    }

    void skipsOversizedRecordsAndContinues()
    {
        // Drive the splitter directly with a small size limit.
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("big.ndjson"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"a\":1}\n{\"big\":\"");
        file.write(QByteArray(5000, 'x'));
        file.write("\"}\n{\"b\":2}\n{\"huge\":\"");
        file.write(QByteArray(6 << 20, 'y')); // longer than a read chunk, so it crosses a refill
        file.write("\"}\n{\"c\":3}\n");
        file.close();
        InputStream input;
        QVERIFY(input.open(path.toStdString()));
        JsonRecordSplitter splitter(input, 1000);
        std::vector<std::string> records;
        std::vector<std::uint32_t> problemLines;
        QVERIFY(splitter.run(
            [&](const JsonRecordSplitter::Record& record) {
                records.emplace_back(record.text);
                return true;
            },
            [&](std::uint32_t line, const std::string&) { problemLines.push_back(line); }));
        QCOMPARE(records, (std::vector<std::string> { "{\"a\":1}", "{\"b\":2}", "{\"c\":3}" }));
        QCOMPARE(problemLines, (std::vector<std::uint32_t> { 2, 4 }));
    }

    // A string at the top level of an envelope is not a record, but it was kept whole across refills: a 4 GiB
    // "nextPageToken" made the reader allocate 4 GiB. Now it is scanned past like any skipped value.
    void envelopeStringsDoNotGrowTheBuffer()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("envelope.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"events\": [{\"a\": 1}], \"nextPageToken\": \"");
        file.write(QByteArray(40 << 20, 'z')); // ten read chunks
        file.write("\", \"more\": [{\"b\": 2}]}\n");
        file.close();
        InputStream input;
        QVERIFY(input.open(path.toStdString()));
        JsonRecordSplitter splitter(input, 1 << 20);
        std::vector<std::string> records;
        std::size_t largest = 0;
        QVERIFY(splitter.run(
            [&](const JsonRecordSplitter::Record& record) {
                records.emplace_back(record.text);
                return true;
            },
            [&](std::uint32_t, const std::string&) { largest = std::max(largest, splitter.capacity()); }));
        largest = std::max(largest, splitter.capacity());
        QCOMPARE(records, (std::vector<std::string> { "{\"a\": 1}" }));
        QVERIFY2(largest < (16u << 20), qPrintable(QString::number(largest)));
    }

    void readsRecordsSpanningManyReadChunks()
    {
        // 30,000 events (about 10 MB) cross the splitter's 4 MiB chunks in every layout.
        std::string ndjson, array = "[\n";
        for (int i = 0; i < 30000; ++i) {
            const std::string event = camelEvent("id" + std::to_string(i));
            ndjson += event + "\n";
            array += (i ? ",\n" : "") + event;
        }
        array += "\n]\n";
        const auto lines = importText(ndjson);
        QCOMPARE(lines.summary.eventsRead, std::uint64_t(30000));
        QCOMPARE(lines.summary.eventsRejected, std::uint64_t(0));
        QCOMPARE(lines.table.source(29999).line, std::uint32_t(30000));
        const auto structural = importText(array, "array.json.gz");
        QCOMPARE(structural.summary.eventsRead, std::uint64_t(30000));
        QCOMPARE(structural.summary.eventsRejected, std::uint64_t(0));
        QCOMPARE(structural.table.source(29999).line, std::uint32_t(30001));
    }

    void neverCrashesOnGarbage()
    {
        // Deterministic garbage built from fragments of valid records and every byte value, NUL included: the import
        // completes and accounts for input. The pool is built with its length: a C string literal's "\x00" ends it.
        std::uint32_t state = 12345;
        std::string source = camelEvent("a") + "[]{}\",:\\\n";
        for (int byte = 0; byte < 256; ++byte)
            source.push_back(static_cast<char>(byte));
        QCOMPARE(std::count(source.begin(), source.end(), '\0'), std::ptrdiff_t(1));
        QVERIFY(source.ends_with("\xfe\xff"));
        for (int round = 0; round < 200; ++round) {
            std::string text;
            for (int i = 0; i < 300; ++i) {
                state = state * 1664525u + 1013904223u;
                text.push_back(source[state % source.size()]);
            }
            const auto result = importText((round % 2 ? "{" : "[") + text);
            QVERIFY(result.ok || !result.error.empty());
        }
    }
};

QTEST_APPLESS_MAIN(UdmJsonReaderTest)
#include "tst_udmjsonreader.moc"
