// The building blocks of the text readers: lines, CSV records and field values (core/ingest/textlines.h,
// csvrecords.h, fieldtext.h).

#include "ingest/csvrecords.h"
#include "ingest/fieldtext.h"
#include "ingest/inputstream.h"
#include "testsupport.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

struct CsvResult
{
    std::vector<std::vector<std::string>> records;
    std::vector<std::uint64_t> lines;
    std::vector<std::pair<std::uint64_t, std::string>> problems;
};

CsvResult readCsv(const std::string& text, std::size_t expectFields = 0, std::size_t maxRecordBytes = 1 << 20)
{
    QTemporaryDir directory;
    const QString path = writeTestFile(directory, QStringLiteral("input.csv"), text);
    InputStream input;
    if (!input.open(path.toStdString()))
        qFatal("cannot open the fixture");
    CsvRecords csv(input, maxRecordBytes);
    csv.expectFields(expectFields);
    CsvResult result;
    CsvRecords::Record record;
    while (csv.next(record, [&](std::uint64_t line, std::string reason, std::string_view) {
        result.problems.emplace_back(line, std::move(reason));
    })) {
        result.records.emplace_back(record.fields.begin(), record.fields.end());
        result.lines.push_back(record.line);
    }
    return result;
}

} // namespace

class TextFormatsTest : public QObject
{
    Q_OBJECT

private slots:
    void linesKnowTheirNumberOffsetAndEnd()
    {
        QTemporaryDir directory;
        const QString path = writeTestFile(
            directory, QStringLiteral("lines.txt"), "one\r\n\r\ntwo\n" + std::string(50, 'x') + "\nlast");
        InputStream input;
        QVERIFY(input.open(path.toStdString()));
        TextLines lines(input, 20);
        TextLines::Line line;
        std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t, bool>> seen;
        while (lines.next(line))
            seen.emplace_back(std::string(line.text), line.number, line.offset, line.tooLong);
        QVERIFY(!lines.failed());
        QCOMPARE(seen.size(), 5u);
        QCOMPARE(seen[0], std::make_tuple(std::string("one"), 1ull, 0ull, false));
        QCOMPARE(seen[1], std::make_tuple(std::string(), 2ull, 5ull, false));
        QCOMPARE(seen[2], std::make_tuple(std::string("two"), 3ull, 7ull, false));
        // Over the cap: flagged, its text not held, the offsets after it still right.
        QCOMPARE(seen[3], std::make_tuple(std::string(), 4ull, 11ull, true));
        QCOMPARE(seen[4], std::make_tuple(std::string("last"), 5ull, 62ull, false));
    }

    // A line far longer than the read chunk is counted, not held: its bytes are dropped as they come.
    void aHugeLineIsSkippedWithoutHoldingIt()
    {
        QTemporaryDir directory;
        const QString path
            = writeTestFile(directory, QStringLiteral("huge.txt"), std::string(3 << 20, 'y') + "\nafter\n");
        InputStream input;
        QVERIFY(input.open(path.toStdString()));
        TextLines lines(input, 1000);
        TextLines::Line line;
        QVERIFY(lines.next(line));
        QVERIFY(line.tooLong);
        QCOMPARE(line.bytes, std::uint64_t(3 << 20) + 1);
        QVERIFY(lines.next(line));
        QCOMPARE(line.text, "after");
        QCOMPARE(line.offset, std::uint64_t(3 << 20) + 1);
        QVERIFY(!lines.next(line));
    }

    void csvUnquotesAndSpansLines()
    {
        const auto result = readCsv("a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\"multi\nline\",,\"\"\n");
        QCOMPARE(result.problems.size(), 0u);
        QCOMPARE(result.records.size(), 3u);
        QCOMPARE(result.records[1], (std::vector<std::string> { "1", "x, \"y\"", "3" }));
        QCOMPARE(result.records[2], (std::vector<std::string> { "multi\nline", "", "" }));
        QCOMPARE(result.lines, (std::vector<std::uint64_t> { 1, 2, 3 }));
    }

    // An unbalanced quote costs its own line only: the lines it would swallow are read again as records.
    void csvRecoversFromAnUnbalancedQuote()
    {
        const auto atEnd = readCsv("a,b\n1,2\n\"broken,3\n4,5\n6,7\n", 2);
        QCOMPARE(atEnd.problems.size(), 1u);
        QCOMPARE(atEnd.problems[0].first, 3u);
        QVERIFY(atEnd.problems[0].second.find("unbalanced quote") != std::string::npos);
        QCOMPARE(atEnd.records.size(), 4u);
        QCOMPARE(atEnd.lines, (std::vector<std::uint64_t> { 1, 2, 4, 5 }));
        // Closed by a later line's quote, the record has the wrong field count: the same recovery.
        const auto closedLater = readCsv("a,b\n\"broken,3\n\"x\",5\n6,7\n", 2);
        QCOMPARE(closedLater.problems.size(), 1u);
        QCOMPARE(closedLater.problems[0].first, 2u);
        QCOMPARE(closedLater.records.size(), 3u);
        QCOMPARE(closedLater.records[1], (std::vector<std::string> { "x", "5" }));
    }

    // Every line opening a quote that never closes: each is rejected once, in linear time.
    void csvManyBrokenLinesStayLinear()
    {
        std::string text = "a,b,c\n";
        for (int i = 0; i < 20000; ++i)
            text += "\"open" + std::to_string(i) + ",1\n";
        const auto result = readCsv(text, 3);
        QCOMPARE(result.records.size(), 1u);
        QCOMPARE(result.problems.size(), 20000u);
        QCOMPARE(result.problems.back().first, 20001u);
    }

    void fieldValues()
    {
        QCOMPARE(parseEpochSeconds("1655962193.984851"), std::optional<TimestampUs>(1655962193984851));
        QCOMPARE(parseEpochSeconds("19.98"), std::optional<TimestampUs>(19980000));
        QCOMPARE(parseEpochSeconds("1655962193.123456789"), std::optional<TimestampUs>(1655962193123456));
        QVERIFY(!parseEpochSeconds("1e9"));
        QVERIFY(!parseEpochSeconds("12.") && !parseEpochSeconds("") && !parseEpochSeconds("-"));
        QCOMPARE(
            parseUtcDateTime("2020-11-02 09:12:57.391"), std::optional<TimestampUs>(at("2020-11-02T09:12:57.391Z")));
        QCOMPARE(parseUtcDateTime("2024-05-02T10:14:03.5512345Z"),
            std::optional<TimestampUs>(at("2024-05-02T10:14:03.551234Z")));
        QVERIFY(!parseUtcDateTime("yesterday"));
        QCOMPARE(parsePort("443"), std::optional<std::uint16_t>(443));
        QVERIFY(!parsePort("65536") && !parsePort("-1") && !parsePort(" 1"));
        QCOMPARE(plainAddress("::ffff:104.21.48.12"), "104.21.48.12");
        QCOMPARE(plainAddress("::FFFF:104.21.48.12"), "104.21.48.12");
        QCOMPARE(plainAddress("[2606:4700::1]"), "2606:4700::1");
        QCOMPARE(plainAddress("fe80::1"), "fe80::1");
        QCOMPARE(urlHost("https://user@api.acme.workers.dev:8443/v1/x?y#z"), "api.acme.workers.dev");
        QCOMPARE(urlHost("api.acme.workers.dev:8080"), "api.acme.workers.dev");
        QCOMPARE(urlHost("script.google.com."), "script.google.com");
        QCOMPARE(urlHost("http://[2606:4700::1]:80/"), "2606:4700::1");
        QCOMPARE(urlHost(""), "");
        QVERIFY(isInternalAddress("10.1.2.3") && isInternalAddress("192.168.1.115") && isInternalAddress("fd2d::1"));
        QVERIFY(
            isInternalAddress("::ffff:172.16.0.1") && isInternalAddress("100.64.0.1") && isInternalAddress("fe80::1"));
        QVERIFY(
            !isInternalAddress("104.21.48.12") && !isInternalAddress("2606:4700::1") && !isInternalAddress("nonsense"));
        QCOMPARE(directionFromAddresses("192.168.1.115", "41.108.179.197"), Direction::Outbound);
        QCOMPARE(directionFromAddresses("41.108.179.197", "192.168.1.115"), Direction::Inbound);
        QCOMPARE(directionFromAddresses("10.0.0.1", "10.0.0.2"), Direction::Unknown);
    }
};

QTEST_GUILESS_MAIN(TextFormatsTest)
#include "tst_textformats.moc"
