// The import limits of docs/security.md: a small hostile file stops at a limit with a message that names it, and
// everything read before it is kept.
#include "cases/casefile.h"
#include "ingest/importlimits.h"
#include "testsupport.h"
#include "util/bytesize.h"

#include <QFileInfo>
#include <QTest>
#include <zlib.h>

using namespace cepheid;
using namespace cepheid::test;

namespace {

std::string repeated(std::string_view line, std::size_t times)
{
    std::string text;
    text.reserve(line.size() * times);
    for (std::size_t i = 0; i < times; ++i)
        text.append(line);
    return text;
}

std::string sampleEvents(int count)
{
    std::string text;
    for (int i = 0; i < count; ++i)
        text += udmEventCamel("ev" + std::to_string(i)) + "\n";
    return text;
}

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class ImportLimitsTest : public QObject
{
    Q_OBJECT

private slots:
    void parsesNamedLimits()
    {
        ImportLimits limits;
        VERIFY_OK(limits.set("decompressed-bytes=8G"));
        QCOMPARE(limits.decompressedBytes, std::uint64_t(8) << 30);
        VERIFY_OK(limits.set("record-bytes=512KiB"));
        QCOMPARE(limits.recordBytes, std::uint64_t(512) << 10);
        VERIFY_OK(limits.set("events=5M"));
        QCOMPARE(limits.events, std::uint64_t(5'000'000));
        VERIFY_OK(limits.set("stored-rejects=20k"));
        QCOMPARE(limits.storedRejects, std::uint64_t(20'000));
        QCOMPARE(limits.valueText("events"), std::string("5,000,000"));
        QCOMPARE(limits.valueText("decompressed-bytes"), std::string("8 GiB"));

        VERIFY_OK(limits.set("memory=1G"));
        QCOMPARE(limits.memory, std::uint64_t(1) << 30);
        const auto unknown = limits.set("ram=1G");
        QVERIFY(!unknown);
        QVERIFY2(contains(unknown.error(), "unknown limit 'ram'") && contains(unknown.error(), "decompressed-bytes"),
            unknown.error().c_str());
        const auto valueless = limits.set("events");
        QVERIFY(!valueless);
        QVERIFY2(contains(valueless.error(), "needs a value"), valueless.error().c_str());
        for (const char* bad : { "events=0", "events=-1", "events=ten", "record-bytes=1Q", "events=99999999999999G",
                 "decompressed-bytes=" })
            QVERIFY2(!limits.set(bad), bad);
        QCOMPARE(limits.events, std::uint64_t(5'000'000)); // a refused value changes nothing
    }

    void sizesReadAndPrintInBinaryUnits()
    {
        QCOMPARE(parseByteSize("64M"), std::optional<std::uint64_t>(64ull << 20));
        QCOMPARE(parseByteSize("64mb"), std::optional<std::uint64_t>(64ull << 20));
        QCOMPARE(parseByteSize("1T"), std::optional<std::uint64_t>(1ull << 40));
        QCOMPARE(parseByteSize("17"), std::optional<std::uint64_t>(17));
        QVERIFY(!parseByteSize("20000000T"));
        QVERIFY(!parseByteSize("M"));
        QCOMPARE(byteSizeText(64ull << 20), std::string("64 MiB"));
        QCOMPARE(byteSizeText(1536ull << 20), std::string("1.5 GiB"));
        QCOMPARE(byteSizeText(300), std::string("300 bytes"));
    }

    void aGzipBombStopsAtTheCompressionRatio()
    {
        // 28 MiB of "{}" lines compress about 1,000 times. Without the ratio limit every line is read and rejected
        // (a 291 KB file of them held 100 M rejects and took 12 minutes); with it reading stops soon after 16 MiB.
        const std::string bomb = repeated("{}\n", (28u << 20) / 3);
        ImportOptions options;
        const auto imported = importText(bomb, "bomb.ndjson.gz", options);
        QVERIFY2(imported.ok, imported.error.c_str());
        QVERIFY(imported.summary.limitReached);
        QVERIFY2(contains(imported.summary.readError, "compression-ratio limit")
                && contains(imported.summary.readError, "--limit compression-ratio="),
            imported.summary.readError.c_str());
        QVERIFY(imported.summary.bytesRead >= ImportLimits::kRatioCheckedFrom);
        QVERIFY(imported.summary.bytesRead < ImportLimits::kRatioCheckedFrom + (8u << 20));
        QVERIFY(imported.summary.rejects.back().reason.starts_with("reading stopped here: stopped at the"));

        // A higher ratio reads it whole: the limit is the only thing that stopped it.
        options.limits.compressionRatio = 100'000;
        const auto whole = importText(bomb, "bomb.ndjson.gz", options);
        QVERIFY(!whole.summary.limitReached);
        QCOMPARE(whole.summary.eventsRejected, std::uint64_t(bomb.size() / 3));
    }

    void aPlainFileIsNeverJudgedByItsRatio()
    {
        const std::string flood = repeated("{}\n", (17u << 20) / 3);
        const auto imported = importText(flood, "flood.ndjson");
        QVERIFY(!imported.summary.limitReached);
        QCOMPARE(imported.summary.eventsRejected, std::uint64_t(flood.size() / 3));
    }

    void decompressedBytesStopReadingAndKeepWhatCameBefore()
    {
        const std::string text = sampleEvents(400);
        ImportOptions options;
        VERIFY_OK(options.limits.set("decompressed-bytes=64K"));
        const auto imported = importText(text, "events.ndjson.gz", options);
        QVERIFY(imported.summary.limitReached);
        QVERIFY2(contains(imported.summary.readError, "decompressed-bytes limit: more than 64 KiB"),
            imported.summary.readError.c_str());
        QVERIFY(imported.summary.eventsRead > 0 && imported.summary.eventsRead < 400);
        QCOMPARE(imported.table.size(), imported.summary.eventsRead);
        QVERIFY(imported.summary.bytesRead <= 64u << 10);
        // The stop is listed like a reject, at the line where reading stopped.
        QCOMPARE(imported.summary.rejects.back().line, imported.summary.eventsRead + 1);
    }

    void eventsLimitBoundsWhatIsHeld()
    {
        ImportOptions options;
        VERIFY_OK(options.limits.set("events=25"));
        const auto imported = importText(sampleEvents(100), "events.ndjson", options);
        QCOMPARE(imported.table.size(), std::size_t(25));
        QCOMPARE(imported.summary.eventsRead, std::uint64_t(25));
        QVERIFY(imported.summary.limitReached);
        QVERIFY2(contains(imported.summary.readError, "events limit: more than 25 events"),
            imported.summary.readError.c_str());
        QCOMPARE(imported.summary.rejects.back().line, std::uint64_t(26));
    }

    // An export larger than memory stops with a message at the memory limit, keeping what came before, instead of
    // the kernel killing the process; the default is a share of this machine's memory.
    void memoryLimitStopsBeforeMemoryRunsOut()
    {
        QVERIFY(ImportLimits {}.memory >= std::uint64_t(64) << 20);
        ImportOptions options;
        VERIFY_OK(options.limits.set("memory=2M"));
        const auto imported = importText(sampleEvents(40'000), "memory.ndjson", options);
        QVERIFY(imported.summary.limitReached);
        QVERIFY2(
            contains(imported.summary.readError, "stopped at the memory limit"), imported.summary.readError.c_str());
        QVERIFY2(contains(imported.summary.readError, "--limit memory=N"), imported.summary.readError.c_str());
        QVERIFY(imported.table.size() > 0 && imported.table.size() < 40'000);
        // Overshot by one batch at most: the table reached the limit only with the batch that stopped it.
        QVERIFY(imported.table.memoryBytes() < (std::size_t(2) << 20) + 8192 * 200);
        QCOMPARE(imported.summary.eventsRead, std::uint64_t(imported.table.size()));
        QVERIFY(contains(imported.summary.rejects.back().reason, "reading stopped here"));
    }

    // An import that writes its events as it goes (a case's batch import) holds few of them: the limits count what it
    // took off the table, as the events and memory a case will need once opened, and stop it there.
    void limitsCountTheEventsWrittenElsewhere()
    {
        ImportOptions options;
        VERIFY_OK(options.limits.set("memory=16M"));
        std::size_t written = 0;
        std::size_t largestTable = 0;
        options.eventsElsewhere = 100;
        options.bytesElsewhere = 1'000'000;
        options.onEventsMerged = [&](EventTable& table) -> ImportOptions::Written {
            largestTable = std::max(largestTable, table.memoryBytes());
            const std::size_t events = table.size();
            table.dropFront(events);
            written += events;
            return { events, events * 200 }; // each event 200 bytes once loaded
        };
        const auto byMemory = importText(sampleEvents(100'000), "memory.ndjson", options);
        QVERIFY2(contains(byMemory.summary.readError,
                     "stopped at the memory limit: the " + std::to_string(100 + written)
                         + " events of the case would take more than 16 MiB once opened"),
            byMemory.summary.readError.c_str());
        // About (16 MiB - 1 MB) / 200 bytes, give or take the table and a batch; the table alone stayed far below.
        QVERIFY2(written > 60'000 && written < 90'000, qPrintable(QString::number(written)));
        QVERIFY2(largestTable < (std::size_t(4) << 20), qPrintable(QString::number(largestTable)));

        written = 0;
        options.limits = {};
        VERIFY_OK(options.limits.set("events=20K"));
        const auto byEvents = importText(sampleEvents(40'000), "events.ndjson", options);
        QVERIFY2(contains(byEvents.summary.readError, "more than 20,000 events in the case"),
            byEvents.summary.readError.c_str());
        QCOMPARE(byEvents.summary.eventsRead, std::uint64_t(20'000 - 100));
        QCOMPARE(written, std::size_t(20'000 - 100));
    }

    void recordBytesIsSettable()
    {
        std::string text = sampleEvents(3);
        text += "{\"metadata\":{\"description\":\"" + std::string(3000, 'x') + "\"}}\n";
        text += sampleEvents(2);
        ImportOptions options;
        VERIFY_OK(options.limits.set("record-bytes=2K"));
        const auto imported = importText(text, "events.ndjson", options);
        QCOMPARE(imported.summary.eventsRead, std::uint64_t(5));
        QCOMPARE(imported.summary.eventsRejected, std::uint64_t(1));
        QCOMPARE(imported.summary.rejects.front().line, std::uint64_t(4));
        QVERIFY2(contains(imported.summary.rejects.front().reason, "longer than 2 KiB (the record-bytes limit)"),
            imported.summary.rejects.front().reason.c_str());
    }

    void aRejectFloodMakesASmallCase()
    {
        // The reject bomb of docs/security.md at a million lines: all counted, the first stored-rejects kept.
        QTemporaryDir directory;
        const std::string input = directory.filePath(QStringLiteral("bomb.ndjson.gz")).toStdString();
        {
            const std::string bomb = repeated("{}\n", 1'000'000);
            gzFile file = gzopen(input.c_str(), "wb9");
            gzwrite(file, bomb.data(), static_cast<unsigned>(bomb.size()));
            gzclose(file);
        }
        const std::string casePath = directory.filePath(QStringLiteral("bomb.cepheid")).toStdString();
        auto opened = CaseFile::open(casePath, CaseFile::Mode::Create);
        QVERIFY2(opened, whyNot(opened));
        std::unique_ptr<CaseFile> caseFile = std::move(*opened);
        EventTable table;
        ImportOptions options;
        options.limits.storedRejects = 500;
        const auto result = caseFile->importFile(input, table, options);
        QVERIFY2(result, whyNot(result));
        QCOMPARE(result->summary.eventsRejected, std::uint64_t(1'000'000));
        const auto sources = caseFile->sources();
        QVERIFY2(sources, whyNot(sources));
        const CaseSource source = sources->front();
        QCOMPARE(source.eventsRejected, std::uint64_t(1'000'000));
        const auto rejects = caseFile->rejects(source.id, 1'000'000);
        QVERIFY2(rejects, whyNot(rejects));
        QCOMPARE(rejects->size(), std::size_t(500));
        caseFile.reset();
        // Measured against an empty case (its schema's pages alone are about 1 MB with 64 KiB pages): the flood adds
        // its 500 stored rejects and counts, not a row per record.
        const std::string emptyPath = directory.filePath(QStringLiteral("empty.cepheid")).toStdString();
        QVERIFY(CaseFile::open(emptyPath, CaseFile::Mode::Create));
        const qint64 empty = QFileInfo(QString::fromStdString(emptyPath)).size();
        const qint64 flooded = QFileInfo(QString::fromStdString(casePath)).size();
        QVERIFY2(flooded < empty + 1'000'000, qPrintable(QStringLiteral("%1 against %2").arg(flooded).arg(empty)));
    }

    void lineNumbersAreNotCutAt32Bits()
    {
        static_assert(sizeof(SourceReference::line) == 8);
        static_assert(sizeof(Reject::line) == 8);
        EventTable table;
        EventRecord record;
        record.timestamp = at("2025-03-04T10:00:00Z");
        record.id = "a";
        record.source.line = 5'000'000'000ull; // past 2^32: a 40-billion-line file would reach it
        table.append(record);
        QCOMPARE(table.source(0).line, std::uint64_t(5'000'000'000ull));
    }
};

QTEST_GUILESS_MAIN(ImportLimitsTest)
#include "tst_importlimits.moc"
