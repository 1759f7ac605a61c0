#include "cases/byteplanes.h"
#include "cases/casefile.h"
#include "cases/chunkcompression.h"
#include "cases/eventchunks.h"
#include "cases/importjournal.h"
#include "cases/schema.h"
#include "cases/sha256.h"
#include "testsupport.h"
#include "tuning/profilejson.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <atomic>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <sqlite3.h>
#include <sys/resource.h>
#include <zlib.h>

using namespace cepheid;
using namespace cepheid::test;

namespace {

// A beacon series, one rejected record and a record without byte counts.
std::string fixtureExport(int events, const std::string& idPrefix = "e")
{
    std::string text;
    for (int i = 0; i < events; ++i) {
        const std::string time = formatRfc3339(at("2025-03-04T10:00:00Z") + i * 20LL * 60 * kMicrosPerSecond);
        std::string line = udmEventWithProcess(i, time, "C:\\\\Temp\\\\beacon.exe", "api.lab.workers.dev");
        line.replace(line.find("\"e"), 2, "\"" + idPrefix);
        text += line + "\n";
    }
    text += "{\"metadata\": broken\n";
    text += udmEventCamel(idPrefix + "-nobytes").substr(0) + "\n";
    return text;
}

// An event chunk's columns as they are from their byte planes (docs/case-format.md, "Event chunks"), written here
// from the format's description rather than with the reader's code: each column of W-byte values is stored as W runs,
// byte 0 of every value, then byte 1, and so on.
std::vector<std::uint8_t> columnsFromBytePlanes(
    const std::vector<std::uint8_t>& planes, std::size_t events, std::size_t ips)
{
    std::vector<std::pair<std::size_t, std::size_t>> widthAndCount; // in the layout's order
    for (int c = 0; c < 7; ++c)
        widthAndCount.emplace_back(8, events);
    for (int c = 0; c < 6; ++c)
        widthAndCount.emplace_back(4, events);
    widthAndCount.emplace_back(4, ips);
    for (int c = 0; c < 3; ++c)
        widthAndCount.emplace_back(2, events);
    for (int c = 0; c < 3; ++c)
        widthAndCount.emplace_back(1, events);
    std::vector<std::uint8_t> columns(planes.size());
    std::size_t at = 0;
    for (const auto& [width, count] : widthAndCount) {
        for (std::size_t k = 0; k < count; ++k)
            for (std::size_t b = 0; b < width; ++b)
                columns[at + k * width + b] = planes[at + b * count + k];
        at += width * count;
    }
    return columns;
}

// Decompresses the case's first event chunk, lets `edit` change its columns (docs/case-format.md) and stores it back
// compressed as the columns are (Zstd, as schema 6 wrote them), with a valid checksum: what someone altering a case by
// hand would do.
template<class Edit> void rewriteFirstEventChunk(sql::Database& database, Edit edit)
{
    std::vector<std::uint8_t> columns;
    {
        auto chunk = database.prepare(
            "SELECT event_count, ip_count, compression, columns FROM event_chunks ORDER BY first_event LIMIT 1");
        QVERIFY(chunk.step());
        // 7 x 8, 6 x 4, 3 x 2 and 3 x 1 bytes per event, then 4 per address.
        const auto events = static_cast<std::size_t>(chunk.integer(0));
        const auto ips = static_cast<std::size_t>(chunk.integer(1));
        columns.resize(events * 89 + ips * 4);
        const bool planes = chunk.integer(2) == kZstdBytePlanes;
        std::string problem;
        QVERIFY2(decompressChunk(planes ? ChunkCompression::Zstd : static_cast<ChunkCompression>(chunk.integer(2)),
                     chunk.blob(3), columns.size(), columns.data(), problem),
            problem.c_str());
        if (planes)
            columns = columnsFromBytePlanes(columns, events, ips);
    }
    edit(columns);
    ChunkBytes compressed;
    const bool isCompressed = compressChunk(columns, compressed);
    database.prepare("UPDATE event_chunks SET compression = ?1, columns = ?2 WHERE first_event = 0")
        .bind(1, static_cast<std::int64_t>(isCompressed ? ChunkCompression::Zstd : ChunkCompression::Stored))
        .bindBlob(2, isCompressed ? std::span<const std::uint8_t>(compressed) : std::span<const std::uint8_t>(columns))
        .execute();
}

// Every column of every event, the strings compared as text: a case must reopen to the table its import built.
void expectSameEvents(const EventTable& loaded, const EventTable& direct)
{
    QCOMPARE(loaded.size(), direct.size());
    const auto texts = [](const EventTable& table, std::span<const StringId> ids) {
        std::vector<std::string_view> out;
        for (StringId id : ids)
            out.push_back(table.text(id));
        return out;
    };
    for (EventIndex i = 0; i < loaded.size(); ++i) {
        const auto where = qPrintable(QStringLiteral("event %1").arg(i));
        QVERIFY2(loaded.timestamp(i) == direct.timestamp(i) && loaded.idHash(i) == direct.idHash(i), where);
        QVERIFY2(loaded.text(loaded.eventType(i)) == direct.text(direct.eventType(i)), where);
        QVERIFY2(loaded.direction(i) == direct.direction(i) && loaded.role(i) == direct.role(i), where);
        QVERIFY2(loaded.text(loaded.principalHostname(i)) == direct.text(direct.principalHostname(i)), where);
        QVERIFY2(texts(loaded, loaded.principalIps(i)) == texts(direct, direct.principalIps(i)), where);
        QVERIFY2(texts(loaded, loaded.targetIps(i)) == texts(direct, direct.targetIps(i)), where);
        QVERIFY2(loaded.text(loaded.processPath(i)) == direct.text(direct.processPath(i)), where);
        QVERIFY2(loaded.text(loaded.processId(i)) == direct.text(direct.processId(i)), where);
        QVERIFY2(loaded.text(loaded.recordHostname(i)) == direct.text(direct.recordHostname(i)), where);
        QVERIFY2(loaded.recordHostnameSource(i) == direct.recordHostnameSource(i), where);
        QVERIFY2(loaded.joinKey(i) == direct.joinKey(i) && loaded.targetPort(i) == direct.targetPort(i), where);
        QVERIFY2(loaded.bytesSentKnown(i) == direct.bytesSentKnown(i)
                && loaded.bytesReceivedKnown(i) == direct.bytesReceivedKnown(i),
            where);
        QVERIFY2(!loaded.bytesSentKnown(i) || loaded.bytesSent(i) == direct.bytesSent(i), where);
        QVERIFY2(!loaded.bytesReceivedKnown(i) || loaded.bytesReceived(i) == direct.bytesReceived(i), where);
        QVERIFY2(loaded.text(loaded.user(i)) == direct.text(direct.user(i)), where);
        QVERIFY2(loaded.source(i).line == direct.source(i).line
                && loaded.source(i).byteOffset == direct.source(i).byteOffset,
            where);
        QVERIFY2((loaded.http(i) != nullptr) == (direct.http(i) != nullptr), where);
        if (loaded.http(i))
            QVERIFY2(loaded.text(loaded.http(i)->url) == direct.text(direct.http(i)->url), where);
    }
}

// Every row of what a case holds from its imports but the time of each, as text: two cases compared row for row.
std::vector<std::string> importedRows(const std::string& path)
{
    sql::Database database(path, true, false);
    std::vector<std::string> rows;
    const std::pair<const char*, int> queries[] = {
        { "SELECT path, size, sha256, format, layout, compressed, events_read, events_rejected, read_error FROM "
          "sources ORDER BY id",
            9 },
        { "SELECT first_event, source_id, event_count, ip_count, compression, hex(columns) FROM event_chunks ORDER BY "
          "first_event",
            6 },
        { "SELECT id, text FROM strings ORDER BY id", 2 },
        { "SELECT event_index, url, user_agent, response_code FROM http ORDER BY event_index", 4 },
        { "SELECT event_index, provider, action, flags, service, resource, account, region, actor_type, user_agent, "
          "credential, error_code, exposure FROM cloud_audit ORDER BY event_index",
            13 },
        { "SELECT source_id, first_offset, last_offset, compressed, hex(record_index), hex(content) FROM raw_chunks "
          "ORDER BY source_id, first_offset",
            6 },
        { "SELECT source_id, line, reason, excerpt FROM rejects ORDER BY rowid", 4 },
    };
    for (const auto& [query, columns] : queries) {
        auto statement = database.prepare(query);
        while (statement.step()) {
            std::string row = std::string(query).substr(0, 40) + ':';
            for (int column = 0; column < columns; ++column)
                row += std::string(statement.text(column)) + '|';
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

std::unique_ptr<CaseFile> openCase(const std::string& path, CaseFile::Mode mode)
{
    auto caseFile = CaseFile::open(path, mode);
    if (!caseFile)
        qFatal("case refused: %s", caseFile.error().c_str());
    return std::move(*caseFile);
}

// A new case named `name` in `directory`, holding the events of fixtureExport(events); returns its path.
std::string caseOfFixture(const QTemporaryDir& directory, const QString& name, int events)
{
    const std::string casePath = directory.filePath(name).toStdString();
    auto caseFile = openCase(casePath, CaseFile::Mode::Create);
    EventTable table;
    const auto imported = caseFile->importFile(
        writeTestFile(directory, name + QStringLiteral(".ndjson"), fixtureExport(events)).toStdString(), table);
    if (!imported)
        QTest::qFail(imported.error().c_str(), __FILE__, __LINE__);
    return casePath;
}

// What a case holds, as a test compares it ("1 sources, 13 events"), or why it cannot say.
std::string holding(CaseFile& caseFile)
{
    const auto sources = caseFile.sources();
    const auto events = caseFile.eventCount();
    if (!sources || !events)
        return sources ? events.error() : sources.error();
    return std::to_string(sources->size()) + " sources, " + std::to_string(*events) + " events";
}

std::string refusal(const std::string& path, CaseFile::Mode mode = CaseFile::Mode::ReadWrite)
{
    const auto caseFile = CaseFile::open(path, mode);
    return caseFile ? std::string("(opened)") : caseFile.error();
}

} // namespace

class CaseFileTest : public QObject
{
    Q_OBJECT

private slots:
    // FIPS 180-2's known answers: a case recognises a file it already holds by this digest, so a wrong one would
    // import the same file twice or refuse a new one.
    // The schema's CHECK constraint and the list every reader uses name the same statuses.
    void triageStatusesAgreeWithTheSchema()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("statuses.cepheid")).toStdString();
        openCase(casePath, CaseFile::Mode::Create);
        sql::Database database(casePath, true, false);
        auto statement = database.prepare("SELECT sql FROM sqlite_master WHERE name = 'triage'");
        QVERIFY(statement.step());
        const std::string schema(statement.text(0));
        for (const std::string_view status : kTriageStatuses)
            QVERIFY2(schema.find("'" + std::string(status) + "'") != std::string::npos, std::string(status).c_str());
        QVERIFY(isTriageStatus("false-positive") && !isTriageStatus("closed") && !isTriageStatus(""));
    }

    void sha256GivesTheKnownAnswers()
    {
        const auto digestOf = [](std::string_view text, std::size_t piece) {
            Sha256 hash;
            for (std::size_t at = 0; at < text.size(); at += piece)
                hash.update(text.data() + at, std::min(piece, text.size() - at));
            return Sha256::hex(hash.finish());
        };
        QCOMPARE(digestOf("", 1), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(digestOf("abc", 1), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        QCOMPARE(
            digestOf(twoBlocks, 7), std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        const std::string million(1'000'000, 'a');
        for (const std::size_t piece : { std::size_t(1'000'000), std::size_t(63), std::size_t(65) })
            QCOMPARE(digestOf(million, piece),
                std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        QTemporaryDir directory;
        const auto abc = sha256OfFile(writeTestFile(directory, QStringLiteral("abc"), "abc").toStdString());
        QVERIFY2(abc, whyNot(abc));
        QCOMPARE(*abc, std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const auto missing = sha256OfFile(directory.filePath(QStringLiteral("missing")).toStdString());
        QVERIFY(!missing);
        QVERIFY(!missing.error().empty());
    }

    // Reopening a case joins every column's byte planes sixteen values at a time (SSE2), the rest one by one: each
    // width and every count around a multiple of sixteen gives back the values that were split.
    void bytePlanesJoinToTheValuesTheyWereSplitFrom()
    {
        std::mt19937_64 random(7);
        const auto check = [&]<std::size_t W>() {
            for (const std::size_t count : { 0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 1000, 65536 }) {
                std::vector<std::uint8_t> values(count * W), planes(count * W), joined(count * W, 0xAB);
                for (std::uint8_t& byte : values)
                    byte = static_cast<std::uint8_t>(random());
                splitPlanes<W>(values.data(), planes.data(), count);
                for (std::size_t k = 0; k < count; ++k)
                    for (std::size_t b = 0; b < W; ++b)
                        QCOMPARE(planes[b * count + k], values[k * W + b]);
                joinPlanes<W>(planes.data(), joined.data(), count);
                QVERIFY2(joined == values, qPrintable(QStringLiteral("width %1, %2 values").arg(W).arg(count)));
            }
        };
        check.template operator()<2>();
        check.template operator()<4>();
        check.template operator()<8>();
    }

    void roundTripsEveryTable()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        const std::string input
            = writeTestFile(directory, QStringLiteral("export.ndjson"), fixtureExport(12)).toStdString();
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            VERIFY_OK(caseFile->setInfo({ "Lab beacon", "ana", "INC-1234", "2026-11-27T10:00:00Z" }));
            EventTable table;
            VERIFY_OK(caseFile->loadEvents(table));
            const auto result = caseFile->importFile(input, table);
            QVERIFY2(result, whyNot(result));
            QCOMPARE(result->summary.eventsRead, std::uint64_t(13));
            QCOMPARE(result->summary.eventsRejected, std::uint64_t(1));
            VERIFY_OK(caseFile->updateTriage({ "10.0.0.5", "api.lab.workers.dev", R"(C:\Temp\beacon.exe)",
                "investigating", "looks regular", "ana", "" }));
            VERIFY_OK(caseFile->saveProfile(profileToJson(Profile {}), "ana", "defaults"));
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        const auto info = caseFile->info();
        QVERIFY2(info, whyNot(info));
        QCOMPARE(info->title, std::string("Lab beacon"));
        QCOMPARE(info->ticket, std::string("INC-1234"));
        const auto read = caseFile->sources();
        QVERIFY2(read, whyNot(read));
        const std::vector<CaseSource>& sources = *read;
        QCOMPARE(sources.size(), std::size_t(1));
        QCOMPARE(sources[0].eventsRead, std::uint64_t(13));
        QCOMPARE(sources[0].sha256.size(), std::size_t(64));
        QCOMPARE(sources[0].format, std::string("chronicle-udm-json"));

        EventTable loaded;
        VERIFY_OK(caseFile->loadEvents(loaded));
        // The same file read directly, its ids hashed with the case's key (a case keeps its own: see setIdKey).
        EventTable direct;
        direct.setIdKey(loaded.idKey());
        VERIFY_OK(importFile(input, 1, direct));
        QCOMPARE(loaded.size(), direct.size());
        for (EventIndex i = 0; i < loaded.size(); ++i) {
            QCOMPARE(loaded.timestamp(i), direct.timestamp(i));
            QCOMPARE(loaded.idHash(i), direct.idHash(i));
            QCOMPARE(loaded.text(loaded.processPath(i)), direct.text(direct.processPath(i)));
            QCOMPARE(loaded.text(loaded.targetHostname(i)), direct.text(direct.targetHostname(i)));
            QCOMPARE(loaded.text(loaded.principalIps(i)[0]), direct.text(direct.principalIps(i)[0]));
            QCOMPARE(loaded.bytesSentKnown(i), direct.bytesSentKnown(i));
            QCOMPARE(loaded.bytesSent(i), direct.bytesSent(i));
            QCOMPARE(loaded.direction(i), direct.direction(i));
            QCOMPARE(loaded.source(i).line, direct.source(i).line);
        }
        // Drill-down: the original record, byte for byte.
        const std::string firstLine = fixtureExport(12).substr(0, fixtureExport(12).find('\n'));
        const auto raw = caseFile->rawRecord(sources[0].id, loaded.source(0).byteOffset);
        QVERIFY2(raw, whyNot(raw));
        QCOMPARE(raw->value_or(""), firstLine);
        const auto rejects = caseFile->rejects(sources[0].id);
        QVERIFY2(rejects, whyNot(rejects));
        QCOMPARE(rejects->size(), std::size_t(1));
        QCOMPARE((*rejects)[0].line, std::uint32_t(13));
        QCOMPARE((*rejects)[0].excerpt, std::string("{\"metadata\": broken"));
        const auto triage = caseFile->triage("10.0.0.5", "api.lab.workers.dev", R"(C:\Temp\beacon.exe)");
        QVERIFY2(triage, whyNot(triage));
        QVERIFY(*triage && (*triage)->status == "investigating" && (*triage)->notes == "looks regular");
        const auto profiles = caseFile->profiles();
        QVERIFY2(profiles, whyNot(profiles));
        QCOMPARE(profiles->size(), std::size_t(1));
        QCOMPARE((*profiles)[0].note, std::string("defaults"));
    }

    void httpDetailsSurviveTheCase()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("h.cepheid")).toStdString();
        std::string text = fixtureExport(3);
        text += udmHttpEvent(1, "2025-03-04T10:00:00Z", "https://api.lab.workers.dev/a", "curl/8.0", "302") + "\n";
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            VERIFY_OK(
                caseFile->importFile(writeTestFile(directory, QStringLiteral("h.ndjson"), text).toStdString(), table));
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        EventTable loaded;
        VERIFY_OK(caseFile->loadEvents(loaded));
        QCOMPARE(loaded.httpEventCount(), std::size_t(1));
        const auto last = static_cast<EventIndex>(loaded.size() - 1);
        QVERIFY(loaded.http(last));
        QCOMPARE(loaded.text(loaded.http(last)->url), std::string_view("https://api.lab.workers.dev/a"));
        QCOMPARE(loaded.text(loaded.http(last)->userAgent), std::string_view("curl/8.0"));
        QCOMPARE(loaded.http(last)->responseCode, std::uint16_t(302));
        QVERIFY(!loaded.http(0));
    }

    void reimportingTheSameFileIsANoOp()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        const std::string input = writeTestFile(directory, QStringLiteral("a.ndjson"), fixtureExport(12)).toStdString();
        const std::string copy
            = writeTestFile(directory, QStringLiteral("copy-of-a.ndjson"), fixtureExport(12)).toStdString();
        auto caseFile = openCase(casePath, CaseFile::Mode::Create);
        EventTable table;
        const auto first = caseFile->importFile(input, table);
        QVERIFY2(first, whyNot(first));
        QVERIFY(!first->alreadyImported);
        const auto again = caseFile->importFile(copy, table); // same bytes under another name
        QVERIFY2(again, whyNot(again));
        QVERIFY(again->alreadyImported);
        QCOMPARE(holding(*caseFile), std::string("1 sources, 13 events"));

        // The first import hashed the file while reading it (no source had its size): the digest it stored is the
        // file's.
        const auto digest = sha256OfFile(input);
        QVERIFY2(digest, whyNot(digest));
        QCOMPARE(first->sha256, *digest);
        QCOMPARE(caseFile->sources()->front().sha256, *digest);
        // Other bytes of the same size are hashed before the import, found new, and imported.
        std::string other = fixtureExport(12);
        other[other.rfind("wks")] = 'W';
        const std::string sameSize = writeTestFile(directory, QStringLiteral("b.ndjson"), other).toStdString();
        QCOMPARE(std::filesystem::file_size(sameSize), std::filesystem::file_size(input));
        const auto third = caseFile->importFile(sameSize, table);
        QVERIFY2(third, whyNot(third));
        QVERIFY(!third->alreadyImported);
        QCOMPARE(third->sha256, *sha256OfFile(sameSize));
        QCOMPARE(holding(*caseFile), std::string("2 sources, 26 events"));
    }

    // A case hashes a file from the bytes its import reads. The digest is the whole file's whatever the import read:
    // all of it on every core or on one, the first part only when it stopped at a limit, or nothing of what is on disk
    // when the file is gzip (hashed on a thread of its own).
    void theStoredDigestIsTheWholeFilesWhateverTheImportRead()
    {
        QTemporaryDir directory;
        const std::string text = fixtureExport(60'000); // several of the reader's reads
        const std::string plain = writeTestFile(directory, QStringLiteral("plain.ndjson"), text).toStdString();
        const std::string gzipped = directory.filePath(QStringLiteral("packed.ndjson.gz")).toStdString();
        {
            gzFile file = gzopen(gzipped.c_str(), "wb");
            QVERIFY(file);
            QCOMPARE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
            QCOMPARE(gzclose(file), Z_OK);
        }
        QVERIFY(std::filesystem::file_size(plain) > 8u << 20);
        struct Case
        {
            const char* name;
            std::string input;
            std::uint64_t eventsLimit;
            unsigned parseThreads;
            std::uint64_t expectedEvents;
        };
        for (const Case& run : { Case { "every core", plain, 0, 0, 60'001 }, Case { "one thread", plain, 0, 1, 60'001 },
                 Case { "stopped at the events limit", plain, 40, 1, 40 }, Case { "gzip", gzipped, 0, 0, 60'001 } }) {
            const std::string casePath
                = directory.filePath(QString::fromStdString(std::string(run.name) + ".cepheid")).toStdString();
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            ImportOptions options;
            options.parseThreads = run.parseThreads;
            if (run.eventsLimit > 0)
                options.limits.events = run.eventsLimit;
            const auto imported = caseFile->importFile(run.input, table, options);
            QVERIFY2(imported, whyNot(imported));
            QCOMPARE(imported->summary.eventsRead, run.expectedEvents);
            const auto digest = sha256OfFile(run.input);
            QVERIFY2(digest, whyNot(digest));
            QVERIFY2(imported->sha256 == *digest, run.name);
            QVERIFY2(caseFile->sources()->front().sha256 == *digest, run.name);
        }

        // What the import shows of the file: every byte on disk once, in order (a UTF-16 file's before conversion),
        // only the first part at a limit, and nothing of a gzip file, whose bytes on disk it does not read.
        std::string utf16 = "\xFF\xFE"; // UTF-16LE with its byte-order mark
        for (const char c : fixtureExport(3))
            utf16 += std::string { c, '\0' };
        const std::string wide = writeTestFile(directory, QStringLiteral("wide.ndjson"), utf16).toStdString();
        const auto seen = [](const std::string& input, std::uint64_t eventsLimit) {
            std::string bytes;
            ImportOptions options;
            options.parseThreads = 1;
            if (eventsLimit > 0)
                options.limits.events = eventsLimit;
            options.onFileBytes = [&](std::string_view piece) { bytes += piece; };
            EventTable table;
            const auto summary = importFile(input, 1, table, options);
            return summary && summary->eventsRead > 0 ? bytes : std::string("import failed");
        };
        QVERIFY(seen(plain, 0) == text);
        QVERIFY(seen(wide, 0) == utf16);
        QVERIFY(seen(gzipped, 0).empty());
        const std::string first = seen(plain, 40);
        QVERIFY2(first.size() < text.size() && text.starts_with(first),
            qPrintable(QStringLiteral("%1 of %2 bytes").arg(first.size()).arg(text.size())));
    }

    void secondImportKeepsStringIdsConsistent()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            VERIFY_OK(caseFile->importFile(
                writeTestFile(directory, QStringLiteral("a.ndjson"), fixtureExport(5, "a")).toStdString(), table));
        }
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::ReadWrite);
            EventTable table;
            VERIFY_OK(caseFile->loadEvents(table));
            VERIFY_OK(caseFile->importFile(
                writeTestFile(directory, QStringLiteral("b.ndjson"), fixtureExport(5, "b")).toStdString(), table));
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        EventTable loaded;
        VERIFY_OK(caseFile->loadEvents(loaded));
        QCOMPARE(loaded.size(), std::size_t(12));
        QCOMPARE(loaded.text(loaded.targetHostname(11)), std::string_view("api.lab.workers.dev"));
        QCOMPARE(loaded.source(11).fileIndex, std::uint16_t(2));
    }

    void cancelledImportLeavesTheCaseUnchanged()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        std::string big;
        for (int i = 0; i < 40000; ++i)
            big += udmEventCamel("big" + std::to_string(i)) + "\n";
        const std::string input = writeTestFile(directory, QStringLiteral("big.ndjson"), big).toStdString();
        auto caseFile = openCase(casePath, CaseFile::Mode::Create);
        EventTable table;
        std::atomic<bool> cancel { false };
        ImportOptions options;
        options.cancel = &cancel;
        options.progress = [&](std::uint64_t, std::uint64_t) { cancel = true; };
        const auto imported = caseFile->importFile(input, table, options);
        QVERIFY(!imported);
        QVERIFY2(imported.error().find("cancelled") != std::string::npos, imported.error().c_str());
        QCOMPARE(holding(*caseFile), std::string("0 sources, 0 events"));
    }

    void anImportWritesUnderARollbackJournalOnlyOnTheSoleConnection()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        const auto journalMode = [](sql::Database& database) {
            auto mode = database.prepare("PRAGMA journal_mode");
            return mode.step() ? std::string(mode.text(0)) : std::string();
        };
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            VERIFY_OK(caseFile->importFile(
                writeTestFile(directory, QStringLiteral("a.ndjson"), fixtureExport(12)).toStdString(), table));
        }
        sql::Database writer(casePath, false, false);
        QCOMPARE(journalMode(writer), std::string("wal")); // the import gave WAL back
        QVERIFY(!std::filesystem::exists(casePath + "-journal"));
        {
            const ImportJournal alone(writer);
            QVERIFY(alone.rollbackJournal());
            QCOMPARE(journalMode(writer), std::string("delete"));
        }
        QCOMPARE(journalMode(writer), std::string("wal"));
        // A report being written from the case holds another connection: the import keeps WAL, which that reader
        // relies on to go on reading while the import writes.
        auto reader = openCase(casePath, CaseFile::Mode::ReadOnly);
        QCOMPARE(holding(*reader), std::string("1 sources, 13 events"));
        {
            const ImportJournal shared(writer);
            QVERIFY(!shared.rollbackJournal());
            QCOMPARE(journalMode(writer), std::string("wal"));
        }
        QCOMPARE(journalMode(writer), std::string("wal"));
    }

    void killedImportLeavesTheCaseAsItWas()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            VERIFY_OK(caseFile->importFile(
                writeTestFile(directory, QStringLiteral("small.ndjson"), fixtureExport(12)).toStdString(), table));
        }
        std::string big;
        big.reserve(40'000 * 520);
        for (int i = 0; i < 40'000; ++i)
            big += udmEventCamel("k" + std::to_string(i)) + "\n";
        const std::string input = writeTestFile(directory, QStringLiteral("big.ndjson"), big).toStdString();
        big.clear();

        // The kernel kills the import in the middle of writing: a file-size limit of 1 MB, which the case (12
        // events) is under and the import's 40,000 events (about 2 MB compressed) are over, ends it with SIGXFSZ at the
        // first write past it, whatever the machine's speed (a timed kill raced the import to its end).
        QProcess importer;
        importer.setChildProcessModifier([] {
            const rlimit fileSize { 1'000'000, 1'000'000 };
            const rlimit noCore { 0, 0 };
            ::setrlimit(RLIMIT_FSIZE, &fileSize);
            ::setrlimit(RLIMIT_CORE, &noCore);
        });
        importer.start(QStringLiteral(CEPHEID_CLI_PATH),
            { QStringLiteral("import"), QStringLiteral("--case"), QString::fromStdString(casePath),
                QString::fromStdString(input) });
        QVERIFY(importer.waitForStarted());
        QVERIFY(importer.waitForFinished(120000));
        QVERIFY2(importer.exitStatus() == QProcess::CrashExit,
            qPrintable(QStringLiteral("the import was not killed: exit code %1, %2")
                           .arg(importer.exitCode())
                           .arg(QString::fromUtf8(importer.readAllStandardError()))));

        // It was killed under the rollback journal it writes alone (ImportJournal): the journal holds the pages it
        // changed, and the next connection rolls them back.
        QVERIFY(std::filesystem::exists(casePath + "-journal"));
        {
            // A read-only connection cannot roll it back (SQLite refuses the case as "attempt to write a readonly
            // database"): opening read-only rolls it back first where the case can be written.
            auto reader = openCase(casePath, CaseFile::Mode::ReadOnly);
            QVERIFY(!std::filesystem::exists(casePath + "-journal"));
            QCOMPARE(holding(*reader), std::string("1 sources, 13 events"));
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadWrite);
        QCOMPARE(holding(*caseFile), std::string("1 sources, 13 events"));
        EventTable table;
        VERIFY_OK(caseFile->loadEvents(table));
        QCOMPARE(table.size(), std::size_t(13));
        // And the case still takes the import that was killed.
        VERIFY_OK(caseFile->importFile(input, table));
        QCOMPARE(holding(*caseFile), std::string("2 sources, 40013 events"));
    }

    void triageSurvivesRescoringAndProfileChanges()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        auto caseFile = openCase(casePath, CaseFile::Mode::Create);
        EventTable table;
        VERIFY_OK(caseFile->importFile(
            writeTestFile(directory, QStringLiteral("a.ndjson"), fixtureExport(12)).toStdString(), table));
        VERIFY_OK(caseFile->updateTriage(
            { "10.0.0.5", "api.lab.workers.dev", R"(C:\Temp\beacon.exe)", "benign", "lab test", "ana", "" }));
        Profile strict;
        strict.rule.minEvents = 100;
        for (const Profile& profile : { Profile {}, strict }) {
            VERIFY_OK(caseFile->saveProfile(profileToJson(profile), "ana", "tuning"));
            const auto evaluated = evaluate(table, profile);
            QVERIFY(evaluated.find(table, "10.0.0.5", "api.lab.workers.dev", R"(C:\Temp\beacon.exe)"));
        }
        VERIFY_OK(caseFile->importFile(
            writeTestFile(directory, QStringLiteral("b.ndjson"), fixtureExport(6, "b")).toStdString(), table));
        const auto state = caseFile->triage("10.0.0.5", "api.lab.workers.dev", R"(C:\Temp\beacon.exe)");
        QVERIFY2(state, whyNot(state));
        QVERIFY(*state && (*state)->status == "benign" && (*state)->notes == "lab test");
        const auto profiles = caseFile->profiles();
        QVERIFY2(profiles, whyNot(profiles));
        QCOMPARE(profiles->size(), std::size_t(2));
        const auto untriaged = [&] {
            const auto flow = caseFile->triage("a", "b", "c");
            return flow && !*flow;
        };
        const auto refused = caseFile->updateTriage({ "a", "b", "c", "suspicious", {}, "", "" });
        QVERIFY(!refused);
        QVERIFY2(
            refused.error().find("'suspicious' is not a triage status") != std::string::npos, refused.error().c_str());
        QVERIFY(untriaged());
        // Setting an untriaged flow to "new" with no notes changes nothing and writes nothing.
        VERIFY_OK(caseFile->updateTriage({ "a", "b", "c", "new", "", "ana", "" }));
        QVERIFY(untriaged());
        // A batch is one transaction: one refused update keeps none of them.
        QVERIFY(!caseFile->updateTriage(std::vector<TriageUpdate> {
            { "a", "b", "c", "benign", "fine", "ana", "" }, { "d", "e", "f", "bogus", {}, "ana", "" } }));
        QVERIFY(untriaged());
    }

    void triageChangesOnlyWhatIsGivenAndKeepsItsHistory()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        const std::string path = R"(C:\Temp\beacon.exe)";
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            VERIFY_OK(caseFile->updateTriage({ "10.0.0.5", "x.workers.dev", path, "investigating", "called the owner",
                "ana", "2026-11-01T10:00:00Z" }));
            // A status change without notes keeps the notes (the CLI's "case triage --status" without --note).
            VERIFY_OK(caseFile->updateTriage(
                { "10.0.0.5", "x.workers.dev", path, "malicious", std::nullopt, "bo", "2026-11-02T10:00:00Z" }));
            // A notes change keeps the status; the same state again writes nothing.
            VERIFY_OK(caseFile->updateTriage(
                { "10.0.0.5", "x.workers.dev", path, std::nullopt, "IOC shared", "cy", "2026-11-03T10:00:00Z" }));
            VERIFY_OK(caseFile->updateTriage(
                { "10.0.0.5", "x.workers.dev", path, "malicious", "IOC shared", "cy", "2026-11-04T10:00:00Z" }));
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        const auto read = caseFile->triage("10.0.0.5", "x.workers.dev", path);
        QVERIFY2(read, whyNot(read));
        const std::optional<TriageState>& state = *read;
        QVERIFY(state);
        QCOMPARE(state->status, std::string("malicious"));
        QCOMPARE(state->notes, std::string("IOC shared"));
        QCOMPARE(state->updatedAt, std::string("2026-11-03T10:00:00Z"));
        const std::vector<TriageChange> expected {
            { "new", "investigating", "ana", "called the owner", "2026-11-01T10:00:00Z" },
            { "investigating", "malicious", "bo", "called the owner", "2026-11-02T10:00:00Z" },
            { "malicious", "malicious", "cy", "IOC shared", "2026-11-03T10:00:00Z" },
        };
        QCOMPARE(state->history.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(state->history[i] == expected[i], std::to_string(i).c_str());
        const auto all = caseFile->triage();
        QVERIFY2(all, whyNot(all));
        QCOMPARE(all->front().history.size(), expected.size());
    }

    void triageOfTheSecondSchemaBecomesTheFirstHistoryEntry()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("v2.cepheid")).toStdString();
        {
            sql::Database database(casePath, false, true);
            migrate(database, 2);
            database.execute("INSERT INTO triage VALUES ('10.0.0.5', 'x.workers.dev', '', 'benign', 'ana', "
                             "'fleet agent', '2025-01-01T00:00:00Z')");
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadWrite);
        const auto state = caseFile->triage("10.0.0.5", "x.workers.dev", "");
        QVERIFY2(state, whyNot(state));
        QVERIFY(*state);
        QCOMPARE((*state)->history.size(), std::size_t(1));
        QVERIFY(
            ((*state)->history[0] == TriageChange { "new", "benign", "ana", "fleet agent", "2025-01-01T00:00:00Z" }));
    }

    void migratesFromTheFirstSchema()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("v1.cepheid")).toStdString();
        {
            sql::Database database(casePath, false, true);
            migrate(database, 1);
            database.execute("INSERT INTO case_info (key, value) VALUES ('title', 'old case')");
            QCOMPARE(database.pragmaInteger("user_version"), std::int64_t(1));
        }
        QVERIFY(refusal(casePath, CaseFile::Mode::ReadOnly).find("open it once read-write") != std::string::npos);
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadWrite);
        const auto info = caseFile->info();
        QVERIFY2(info, whyNot(info));
        QCOMPARE(info->title, std::string("old case"));
        VERIFY_OK(
            caseFile->updateTriage({ "10.0.0.5", "x.workers.dev", "", "benign", "", "", "" })); // schema 2's table
        const auto triage = caseFile->triage();
        QVERIFY2(triage, whyNot(triage));
        QCOMPARE(triage->size(), std::size_t(1));
    }

    // A case states its event count in its chunks' rows, and the columns are sized from them before any chunk is
    // read: a crafted case of a few MB that claims four billion events is refused with the figures, not given the
    // memory (the kernel would kill the process as the columns filled).
    void refusesACaseThatClaimsMoreEventsThanMemoryHolds()
    {
        QTemporaryDir directory;
        const std::string casePath = caseOfFixture(directory, QStringLiteral("claims.cepheid"), 5);
        std::int64_t held = 0;
        {
            sql::Database database(casePath, false, false);
            auto first = database.prepare("SELECT event_count FROM event_chunks WHERE first_event = 0");
            QVERIFY(first.step());
            held = first.integer(0);
            first.reset();
            sql::Transaction transaction(database);
            auto insert = database.prepare("INSERT INTO event_chunks (first_event, source_id, event_count, ip_count, "
                                           "compression, columns) SELECT ?1, source_id, 65536, 0, 3, x'00' FROM "
                                           "event_chunks WHERE first_event = 0");
            for (std::int64_t k = 0; k < 60'000; ++k)
                insert.bind(1, held + k * 65536).execute(); // 3.9 billion events, within the event index's range
            transaction.commit();
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        EventTable table;
        const auto loaded = caseFile->loadEvents(table);
        QVERIFY2(!loaded, "a case claiming 3.9 billion events was loaded");
        const std::string claimed = "the case holds " + std::to_string(held + 60'000 * 65536ll) + " events";
        QVERIFY2(loaded.error().find(claimed) != std::string::npos
                && loaded.error().find("of memory this process may use") != std::string::npos,
            loaded.error().c_str());
        QCOMPARE(table.size(), std::size_t(0));
    }

    // A chunk's blob cannot be larger than its columns compressed at worst: an altered one is refused before it is
    // copied (SQLite's blobs reach a GB, and several chunks are in flight at once).
    void refusesAChunkLargerThanItsColumnsCouldTake()
    {
        QTemporaryDir directory;
        const std::string casePath = caseOfFixture(directory, QStringLiteral("bloated.cepheid"), 5);
        {
            sql::Database database(casePath, false, false);
            database.prepare("UPDATE event_chunks SET columns = zeroblob(4000000) WHERE first_event = 0").execute();
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        EventTable table;
        const auto loaded = caseFile->loadEvents(table);
        QVERIFY2(!loaded, "a bloated chunk was loaded");
        QVERIFY2(loaded.error().find("event chunk 0 holds 4000000 bytes, more than its columns could take")
                != std::string::npos,
            loaded.error().c_str());
        QCOMPARE(table.size(), std::size_t(0));
    }

    // Schema 7 changed only how event chunks are written (byte planes): a case of schema 6, its chunks as they are,
    // is read as it is, read-only too, and opened read-write it is marked schema 7 with its chunks untouched.
    void readsASchemaSixCaseAsItIs()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("six.cepheid")).toStdString();
        std::size_t imported = 0;
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            VERIFY_OK(caseFile->importFile(
                writeTestFile(directory, QStringLiteral("e.ndjson"), fixtureExport(30)).toStdString(), table));
            imported = table.size();
        }
        {
            // What schema 6 wrote: the columns as they are, compressed with Zstandard (compression 2).
            sql::Database database(casePath, false, false);
            rewriteFirstEventChunk(database, [](std::vector<std::uint8_t>&) {});
            database.execute("PRAGMA user_version = 6");
        }
        const auto chunkKinds = [&] {
            sql::Database database(casePath, true, false);
            std::vector<std::int64_t> kinds;
            auto statement = database.prepare("SELECT compression FROM event_chunks ORDER BY first_event");
            while (statement.step())
                kinds.push_back(statement.integer(0));
            return std::make_pair(database.pragmaInteger("user_version"), kinds);
        };
        const std::vector<std::int64_t> schemaSix { static_cast<std::int64_t>(ChunkCompression::Zstd) };
        QCOMPARE(chunkKinds(), std::make_pair(std::int64_t(6), schemaSix));
        EventTable readOnly;
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
            VERIFY_OK(caseFile->loadEvents(readOnly));
            QCOMPARE(readOnly.size(), imported);
            QVERIFY(imported > 30);
        }
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::ReadWrite);
            EventTable upgraded;
            VERIFY_OK(caseFile->loadEvents(upgraded));
            expectSameEvents(upgraded, readOnly);
        }
        QCOMPARE(chunkKinds(), std::make_pair(std::int64_t(latestSchemaVersion()), schemaSix));
        QCOMPARE(latestSchemaVersion(), 7);
    }

    void refusesFilesThatAreNotCases()
    {
        QTemporaryDir directory;
        const std::string text
            = writeTestFile(directory, QStringLiteral("notes.cepheid"), std::string(5000, 'x')).toStdString();
        QVERIFY2(refusal(text).find("not a Cepheid case file") != std::string::npos, refusal(text).c_str());

        const std::string empty = writeTestFile(directory, QStringLiteral("empty.cepheid"), "").toStdString();
        QVERIFY2(refusal(empty).find("not a Cepheid case file") != std::string::npos, refusal(empty).c_str());

        const std::string foreign = directory.filePath(QStringLiteral("foreign.db")).toStdString();
        {
            sql::Database database(foreign, false, true);
            database.execute("CREATE TABLE bookmarks (url TEXT)");
        }
        QVERIFY2(refusal(foreign).find("another application") != std::string::npos, refusal(foreign).c_str());

        const std::string newer = directory.filePath(QStringLiteral("newer.cepheid")).toStdString();
        openCase(newer, CaseFile::Mode::Create);
        {
            sql::Database database(newer, false, false);
            database.execute("PRAGMA user_version = 99");
        }
        QVERIFY2(refusal(newer).find("newer Cepheid") != std::string::npos, refusal(newer).c_str());

        // A case cut in half: refused (damaged or not a database), never half-used.
        const std::string cut = directory.filePath(QStringLiteral("cut.cepheid")).toStdString();
        {
            auto caseFile = openCase(cut, CaseFile::Mode::Create);
            EventTable table;
            std::string many;
            for (int i = 0; i < 3000; ++i)
                many += udmEventCamel("c" + std::to_string(i)) + "\n";
            VERIFY_OK(
                caseFile->importFile(writeTestFile(directory, QStringLiteral("m.ndjson"), many).toStdString(), table));
        }
        {
            sql::Database database(cut, false, false);
            database.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        QFile file(QString::fromStdString(cut));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.resize(file.size() / 2));
        file.close();
        const auto damaged = CaseFile::open(cut, CaseFile::Mode::ReadOnly);
        if (damaged) { // the header survived: reading the events must fail cleanly instead
            EventTable table;
            const auto loaded = (*damaged)->loadEvents(table);
            QVERIFY(!loaded);
            QVERIFY2(loaded.error().starts_with(cut + ": "), loaded.error().c_str());
        } else {
            QVERIFY(!damaged.error().empty());
        }
        QVERIFY(refusal(directory.filePath(QStringLiteral("missing.cepheid")).toStdString()).find("no such case")
            != std::string::npos);
    }

    // A hostile colleague's case: schema objects Cepheid never creates would run code on our writes or show other
    // data. Each is refused at open, read-only and read-write, with what was found, before anything is read.
    void refusesAlteredSchemas_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("named");
        QTest::newRow("trigger adding an allowlist entry to saved profiles")
            << QStringLiteral("CREATE TRIGGER plant AFTER INSERT ON profiles BEGIN UPDATE profiles SET json = "
                              "'{}' WHERE id = NEW.id; END")
            << QStringLiteral("trigger 'plant' on profiles, which Cepheid never creates");
        QTest::newRow("trigger deleting imported events") << QStringLiteral(
            "CREATE TRIGGER hide AFTER INSERT ON event_chunks BEGIN DELETE FROM event_chunks WHERE first_event = "
            "NEW.first_event; END") << QStringLiteral("trigger 'hide' on event_chunks");
        QTest::newRow("trigger ignoring triage writes")
            << QStringLiteral("CREATE TRIGGER quiet BEFORE INSERT ON triage BEGIN SELECT RAISE(IGNORE); END")
            << QStringLiteral("trigger 'quiet' on triage");
        QTest::newRow("a view in place of case_info")
            << QStringLiteral("DROP TABLE case_info; CREATE VIEW case_info AS SELECT 'title' AS key, 'x' AS value")
            << QStringLiteral("'case_info' is a view, not Cepheid's table");
        QTest::newRow("an extra index") << QStringLiteral("CREATE INDEX mine ON rejects(reason)")
                                        << QStringLiteral("index 'mine' on rejects");
        QTest::newRow("a table redefined") << QStringLiteral(
            "DROP TABLE rejects; CREATE TABLE rejects (source_id INTEGER, line INTEGER, reason "
            "TEXT, excerpt TEXT)") << QStringLiteral("table 'rejects' is not defined as Cepheid defines it");
    }

    void refusesAlteredSchemas()
    {
        QFETCH(QString, sql);
        QFETCH(QString, named);
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("shared.cepheid")).toStdString();
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            VERIFY_OK(caseFile->importFile(
                writeTestFile(directory, QStringLiteral("e.ndjson"), udmEventCamel("a") + "\n").toStdString(), table));
        }
        {
            // As the attacker would: a plain SQLite connection, outside Cepheid's guards.
            sqlite3* handle = nullptr;
            QCOMPARE(sqlite3_open(casePath.c_str(), &handle), SQLITE_OK);
            char* message = nullptr;
            const int result = sqlite3_exec(handle, sql.toUtf8().constData(), nullptr, nullptr, &message);
            const QString why = QString::fromUtf8(message ? message : "");
            sqlite3_free(message);
            sqlite3_close(handle);
            QVERIFY2(result == SQLITE_OK, qPrintable(why));
        }
        for (const CaseFile::Mode mode : { CaseFile::Mode::ReadOnly, CaseFile::Mode::ReadWrite }) {
            const std::string error = refusal(casePath, mode);
            QVERIFY2(QString::fromStdString(error).contains(named), error.c_str());
            QVERIFY2(error.find("schema was altered") != std::string::npos, error.c_str());
        }
    }

    void aConcurrentImportFailsFast_data()
    {
        QTest::addColumn<bool>("streaming");
        QTest::newRow("events in memory") << false;
        QTest::newRow("streaming (strings in memory)") << true;
    }

    // Two analysts import into one case at once: the second learns it at once, before reading its file, instead of
    // reading it all and failing on colliding string ids; the case keeps the first import whole. The same whether the
    // second holds the case's events or only its strings (a streaming import).
    void aConcurrentImportFailsFast()
    {
        QFETCH(bool, streaming);
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("shared.cepheid")).toStdString();
        openCase(casePath, CaseFile::Mode::Create);
        auto first = openCase(casePath, CaseFile::Mode::ReadWrite);
        auto second = openCase(casePath, CaseFile::Mode::ReadWrite);
        EventTable firstTable, secondTable;
        const auto load = [&](CaseFile& caseFile, EventTable& table) {
            return streaming ? caseFile.loadStrings(table) : caseFile.loadEvents(table);
        };
        const auto import = [&](CaseFile& caseFile, const char* name, EventTable& table) {
            const std::string path
                = writeTestFile(directory, QString::fromLatin1(name), udmEventCamel(name) + "\n").toStdString();
            return streaming ? caseFile.importFileStreaming(path, table) : caseFile.importFile(path, table);
        };
        VERIFY_OK(load(*first, firstTable));
        VERIFY_OK(load(*second, secondTable));
        VERIFY_OK(import(*first, "a.ndjson", firstTable));
        const auto refused = import(*second, "b.ndjson", secondTable);
        QVERIFY(!refused);
        QVERIFY2(
            refused.error().find("the case changed since it was opened") != std::string::npos, refused.error().c_str());
        QCOMPARE(holding(*second), std::string("1 sources, 1 events"));
        if (streaming) { // a table holding events is not a streaming import's
            EventTable events;
            VERIFY_OK(first->loadEvents(events));
            const auto notStrings = first->importFileStreaming(
                writeTestFile(directory, QStringLiteral("c.ndjson"), udmEventCamel("c") + "\n").toStdString(), events);
            QVERIFY(!notStrings);
            QVERIFY2(notStrings.error().find("takes the case's strings without its events") != std::string::npos,
                notStrings.error().c_str());
        }
    }

    // `case verify` reads everything back: a sound case passes; rows deleted behind Cepheid's back and a damaged raw
    // chunk are each named.
    void verifyFindsWhatOpeningCannot()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("v.cepheid")).toStdString();
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            std::string events;
            for (int i = 0; i < 20; ++i)
                events += udmEventCamel("id" + std::to_string(i)) + "\n";
            VERIFY_OK(caseFile->importFile(
                writeTestFile(directory, QStringLiteral("e.ndjson"), events).toStdString(), table));
            const auto sound = caseFile->verify();
            QVERIFY2(sound.problems.empty(), sound.problems.empty() ? "" : sound.problems.front().c_str());
            QCOMPARE(sound.events, std::uint64_t(20));
            QCOMPARE(sound.rawRecords, std::uint64_t(20));
        }
        {
            sql::Database database(casePath, false, false);
            database.execute("DELETE FROM event_chunks");
            database.execute("UPDATE raw_chunks SET content = x'00010203'");
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        const auto damaged = caseFile->verify();
        std::string all;
        for (const std::string& problem : damaged.problems)
            all += problem + "\n";
        QVERIFY2(all.find("imported 20 events, the case holds 0") != std::string::npos, all.c_str());
        QVERIFY2(all.find("raw chunk of source 1") != std::string::npos, all.c_str());
    }

    // The columnar store (schema 6) holds every field of every event: several chunks (more than 65,536 events),
    // several sources, join keys and hostname sources (Zeek), HTTP details, IP lists, absent byte counts.
    // 70,000 events of 211 destinations: two event chunks.
    static std::string moreEventsThanAChunk()
    {
        std::string many;
        for (int i = 0; i < 70'000; ++i) {
            const std::string time
                = formatRfc3339(at("2025-03-04T10:00:00Z") + std::int64_t(i) * 7 * kMicrosPerSecond + i % 997);
            many += udmEventWithProcess(i % 4000, time, "C:\\\\Temp\\\\b" + std::to_string(i % 13) + ".exe",
                        "h" + std::to_string(i % 211) + ".workers.dev")
                + "\n";
        }
        return many;
    }

    // The batch import (cepheid-cli import) writes each chunk of events as it is complete and holds only the strings:
    // the case must be, row for row, what the import in memory makes, chunks cut at the same events, event indexes of
    // HTTP and cloud details counted from the case's start, whatever came before. Two copies of one new case, so that
    // both hash event ids with the same key.
    void aStreamingImportWritesWhatAnImportInMemoryWrites()
    {
        QTemporaryDir directory;
        const std::string inMemoryPath = directory.filePath(QStringLiteral("memory.cepheid")).toStdString();
        const std::string streamedPath = directory.filePath(QStringLiteral("streamed.cepheid")).toStdString();
        openCase(inMemoryPath, CaseFile::Mode::Create);
        QVERIFY(QFile::copy(QString::fromStdString(inMemoryPath), QString::fromStdString(streamedPath)));
        // Over two chunks of events with HTTP details throughout, so that each file's import writes two chunks while
        // it reads, details in them, and the rest at its end; then CloudTrail's details, Zeek's join keys.
        std::string many;
        for (int i = 0; i < 135'000; ++i) {
            const std::string time
                = formatRfc3339(at("2025-03-04T10:00:00Z") + std::int64_t(i) * 7 * kMicrosPerSecond + i % 997);
            if (i % 500 == 7)
                many += udmHttpEvent(i, time, "https://h" + std::to_string(i % 7) + ".workers.dev/p",
                    "curl/8." + std::to_string(i % 3), "200");
            else
                many += udmEventWithProcess(i % 4000, time, "C:\\\\Temp\\\\b" + std::to_string(i % 13) + ".exe",
                    "h" + std::to_string(i % 211) + ".workers.dev");
            many += "\n";
        }
        const std::vector<std::string> inputs {
            writeTestFile(directory, QStringLiteral("small.ndjson"), fixtureExport(12)).toStdString(),
            writeTestFile(directory, QStringLiteral("many.ndjson"), many).toStdString(),
            sourcePath(QStringLiteral("tests/data/cloud/lambda-url-public.cloudtrail.json")).toStdString(),
            sourcePath(QStringLiteral("tests/data/formats/zeek/json-logstory.log")).toStdString(),
            writeTestFile(directory, QStringLiteral("again.ndjson"), many + fixtureExport(3, "x")).toStdString(),
        };
        many.clear();
        {
            auto caseFile = openCase(inMemoryPath, CaseFile::Mode::ReadWrite);
            EventTable table;
            VERIFY_OK(caseFile->loadEvents(table));
            for (const std::string& input : inputs)
                VERIFY_OK(caseFile->importFile(input, table));
            QVERIFY2(table.cloudEventCount() > 0 && table.httpEventCount() >= 2 * 270,
                qPrintable(
                    QStringLiteral("%1 cloud, %2 http").arg(table.cloudEventCount()).arg(table.httpEventCount())));
        }
        std::size_t streamedStrings = 0;
        {
            auto caseFile = openCase(streamedPath, CaseFile::Mode::ReadWrite);
            EventTable strings;
            VERIFY_OK(caseFile->loadStrings(strings));
            for (const std::string& input : inputs) {
                VERIFY_OK(caseFile->importFileStreaming(input, strings));
                QCOMPARE(strings.size(), std::size_t(0));
            }
            streamedStrings = strings.strings().size();
        }
        const std::vector<std::string> inMemory = importedRows(inMemoryPath);
        const std::vector<std::string> streamed = importedRows(streamedPath);
        QCOMPARE(streamed.size(), inMemory.size());
        for (std::size_t row = 0; row < inMemory.size(); ++row)
            QVERIFY2(streamed[row] == inMemory[row], streamed[row].substr(0, 200).c_str());
        {
            sql::Database database(streamedPath, true, false);
            auto chunks = database.prepare("SELECT count(*) FROM event_chunks");
            QVERIFY(chunks.step() && chunks.integer(0) >= 8);
        }
        auto caseFile = openCase(streamedPath, CaseFile::Mode::ReadOnly);
        EventTable loaded;
        VERIFY_OK(caseFile->loadEvents(loaded));
        QCOMPARE(loaded.strings().size(), streamedStrings);
    }

    // A chunk also closes once its events list kIpsPerChunk IP values: 100 events of 50,000 target IPs each make a
    // chunk of 84 events and one of 16. The streaming writer, fed and emptied as a case's import feeds it, cuts them
    // where writeEventChunks cuts the whole table, and writes the same rows.
    void chunksCloseAtTheIpLimitWhicheverWriterCutsThem()
    {
        std::deque<std::string> text;
        std::vector<std::string_view> ips;
        for (int i = 0; i < 50'000; ++i)
            ips.push_back(text.emplace_back("10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256)
                + "." + std::to_string(i % 256)));
        const auto record = [&](int event) {
            EventRecord out;
            out.timestamp = at("2025-03-04T10:00:00Z") + event * kMicrosPerSecond;
            out.idHash = std::uint64_t(event) + 1;
            out.targetIps = ips;
            out.targetHostname = "fan.workers.dev";
            out.source = { 1, std::uint64_t(event) + 1, std::uint64_t(event) * 100 };
            return out;
        };
        QTemporaryDir directory;
        const auto chunkRows = [&](const QString& name, const std::function<void(sql::Database&)>& write) {
            const std::string path = directory.filePath(name).toStdString();
            openCase(path, CaseFile::Mode::Create);
            {
                sql::Database database(path, false, false);
                database.execute(
                    "INSERT INTO sources (id, path, size, sha256, format, layout, compressed, imported_at, "
                    "events_read, events_rejected) VALUES (1, 'f', 0, 'x', 'udm', 'ndjson', 0, '', 0, 0)");
                write(database);
            }
            std::vector<std::string> rows;
            for (const std::string& row : importedRows(path))
                if (row.find("first_event") != std::string::npos)
                    rows.push_back(row);
            return rows;
        };
        const auto inMemory = chunkRows(QStringLiteral("memory.cepheid"), [&](sql::Database& database) {
            EventTable table;
            for (int event = 0; event < 100; ++event)
                table.append(record(event));
            writeEventChunks(database, table, 0, table.size(), 1);
        });
        const auto streamed = chunkRows(QStringLiteral("streamed.cepheid"), [&](sql::Database& database) {
            EventTable table;
            EventChunkWriter writer(database, 1, 0);
            for (int event = 0; event < 100; ++event) {
                table.append(record(event));
                if (table.ipValueCount() >= kIpsPerChunk)
                    table.dropFront(writer.addComplete(table));
            }
            writer.finish(table);
        });
        QCOMPARE(inMemory.size(), std::size_t(2));
        QVERIFY2(inMemory[0].find(":0|1|84|4200000|") != std::string::npos, inMemory[0].substr(0, 120).c_str());
        QCOMPARE(streamed, inMemory);
    }

    // The events limit counts the case's events and those a streaming import has written already, as it counts the
    // events in memory of an import that keeps them: both stop at the same event.
    void aStreamingImportStopsAtTheEventsLimitWhereAnImportInMemoryStops()
    {
        QTemporaryDir directory;
        const std::string first
            = writeTestFile(directory, QStringLiteral("first.ndjson"), fixtureExport(30, "f")).toStdString();
        const std::string many
            = writeTestFile(directory, QStringLiteral("many.ndjson"), moreEventsThanAChunk()).toStdString();
        ImportOptions limited;
        limited.limits.events = 65'536 + 2'000; // past the first chunk the file's import writes, before its end
        std::vector<std::uint64_t> read;
        for (const bool streaming : { false, true }) {
            const std::string casePath
                = directory.filePath(streaming ? QStringLiteral("s.cepheid") : QStringLiteral("m.cepheid"))
                      .toStdString();
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            VERIFY_OK(streaming ? caseFile->loadStrings(table) : caseFile->loadEvents(table));
            const auto import = [&](const std::string& path) {
                return streaming ? caseFile->importFileStreaming(path, table, limited)
                                 : caseFile->importFile(path, table, limited);
            };
            VERIFY_OK(import(first));
            const auto result = import(many);
            VERIFY_OK(result);
            QVERIFY2(result->summary.limitReached, qPrintable(QString::number(result->summary.eventsRead)));
            read.push_back(result->summary.eventsRead);
            const std::string where = streaming ? "events in the case" : "events in memory";
            QVERIFY2(result->summary.readError.find(where) != std::string::npos, result->summary.readError.c_str());
            QCOMPARE(*caseFile->eventCount(), limited.limits.events);
        }
        QCOMPARE(read[1], read[0]);
    }

    void reopensToTheTableItsImportsBuilt()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("columns.cepheid")).toStdString();
        std::string many = moreEventsThanAChunk();
        const std::vector<std::string> inputs {
            writeTestFile(directory, QStringLiteral("many.ndjson"), many).toStdString(),
            sourcePath(QStringLiteral("resources/samples/chronicle-udm-sample.ndjson.gz")).toStdString(),
            sourcePath(QStringLiteral("tests/data/formats/zeek/json-logstory.log")).toStdString(),
            writeTestFile(directory, QStringLiteral("small.ndjson"), fixtureExport(12)).toStdString()
        };
        many.clear();
        EventTable direct;
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            for (const std::string& input : inputs)
                VERIFY_OK(caseFile->importFile(input, table));
            direct.setIdKey(table.idKey());
            for (std::size_t k = 0; k < inputs.size(); ++k)
                VERIFY_OK(importFile(inputs[k], static_cast<std::uint16_t>(k + 1), direct));
            QVERIFY(direct.size() > 70'000 + 19'000);
            bool joined = false; // Zeek's uids: the join-key column is covered
            for (EventIndex i = 0; i < direct.size() && !joined; ++i)
                joined = direct.joinKey(i) != 0;
            QVERIFY(joined);
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        EventTable loaded;
        VERIFY_OK(caseFile->loadEvents(loaded));
        expectSameEvents(loaded, direct);
        for (EventIndex i = 0; i < loaded.size(); ++i)
            QCOMPARE(loaded.source(i).fileIndex, direct.source(i).fileIndex);
        sql::Database database(casePath, true, false);
        auto chunks = database.prepare("SELECT count(*) FROM event_chunks");
        QVERIFY(chunks.step());
        QVERIFY2(chunks.integer(0) >= 5, qPrintable(QStringLiteral("%1 chunks").arg(chunks.integer(0))));
    }

    // A chunk damaged on disk (a bit flipped in its compressed columns) fails its checksum: loading refuses the case,
    // naming the chunk, instead of reading wrong values, and leaves the table empty.
    void aDamagedEventChunkIsRefusedWhenLoaded()
    {
        QTemporaryDir directory;
        const std::string casePath = caseOfFixture(directory, QStringLiteral("flipped.cepheid"), 40);
        {
            sql::Database database(casePath, false, false);
            std::vector<std::uint8_t> blob;
            {
                auto chunk = database.prepare("SELECT compression, columns FROM event_chunks");
                QVERIFY(chunk.step());
                QCOMPARE(chunk.integer(0), kZstdBytePlanes);
                blob.assign(chunk.blob(1).begin(), chunk.blob(1).end());
            }
            blob[blob.size() / 2] ^= 0x10;
            database.prepare("UPDATE event_chunks SET columns = ?1").bindBlob(1, blob).execute();
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        EventTable table;
        const auto loaded = caseFile->loadEvents(table);
        QVERIFY2(!loaded, "a damaged chunk was loaded");
        QVERIFY2(loaded.error().find("event chunk 0 cannot be read") != std::string::npos, loaded.error().c_str());
        QCOMPARE(table.size(), std::size_t(0)); // refused whole: no events read before the damage are left half-used
        const auto verification = caseFile->verify();
        QVERIFY(!verification.problems.empty());
    }

    // Chunks are decompressed on several threads at once: the damaged one is named even when the chunk before it was
    // read whole, the first of two damaged ones is the one named (chunks are taken back in order), and the events
    // already written into the table are dropped with it.
    void aDamagedLaterChunkIsNamedAndNothingIsKept()
    {
        QTemporaryDir directory;
        const QString many = writeTestFile(directory, QStringLiteral("many.ndjson"), moreEventsThanAChunk());
        const auto loadAfterDamaging = [&](const QString& name, const std::vector<std::int64_t>& chunks) {
            const std::string casePath = directory.filePath(name).toStdString();
            {
                auto caseFile = openCase(casePath, CaseFile::Mode::Create);
                EventTable table;
                VERIFY_OK(caseFile->importFile(many.toStdString(), table));
            }
            sql::Database database(casePath, false, false);
            for (const std::int64_t first : chunks) {
                std::vector<std::uint8_t> blob;
                {
                    auto chunk = database.prepare("SELECT columns FROM event_chunks WHERE first_event = ?1");
                    chunk.bind(1, first);
                    QVERIFY(chunk.step());
                    blob.assign(chunk.blob(0).begin(), chunk.blob(0).end());
                }
                blob[blob.size() / 3] ^= 0x01;
                database.prepare("UPDATE event_chunks SET columns = ?1 WHERE first_event = ?2")
                    .bindBlob(1, blob)
                    .bind(2, first)
                    .execute();
            }
        };
        const auto expectRefused = [&](const QString& name, const std::string& named) {
            auto caseFile = openCase(directory.filePath(name).toStdString(), CaseFile::Mode::ReadOnly);
            EventTable table;
            const auto loaded = caseFile->loadEvents(table);
            QVERIFY2(!loaded, "a damaged chunk was loaded");
            QVERIFY2(loaded.error().find("event chunk " + named + " cannot be read") != std::string::npos,
                loaded.error().c_str());
            QCOMPARE(table.size(), std::size_t(0));
            QCOMPARE(table.strings().size(), std::size_t(1)); // the pool too: only the empty string it starts with
        };
        loadAfterDamaging(QStringLiteral("second.cepheid"), { 65536 });
        expectRefused(QStringLiteral("second.cepheid"), "65536");
        loadAfterDamaging(QStringLiteral("both.cepheid"), { 65536, 0 });
        expectRefused(QStringLiteral("both.cepheid"), "0");
    }

    // A case of schema 5 kept its events a row each: opened read-write it is converted to chunks, the same events
    // in the same order (the HTTP details keep their event indexes), and reads as any new case.
    void convertsTheEventRowsOfSchemaFive()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("v5.cepheid")).toStdString();
        {
            sql::Database database(casePath, false, true);
            migrate(database, 5);
            database.execute("INSERT INTO case_info (key, value) VALUES ('id_key', '77')");
            database.execute("INSERT INTO sources (id, path, size, sha256, format, layout, compressed, imported_at, "
                             "events_read, events_rejected) VALUES (1, '/a.json', 10, 'aa', 'chronicle-udm-json', "
                             "'ndjson', 0, '2026-01-01T00:00:00Z', 2, 0), (2, '/b.log', 10, 'bb', 'zeek-json', "
                             "'ndjson', 0, '2026-01-01T00:00:00Z', 1, 0)");
            database.execute("INSERT INTO strings (id, text) VALUES (0, ''), (1, 'NETWORK_CONNECTION'), (2, 'wks'), "
                             "(3, '10.0.0.5'), (4, 'C:\\x.exe'), (5, 'a.workers.dev'), (6, '1.2.3.4'), "
                             "(7, 'https://a.workers.dev/p')");
            database.execute(
                "INSERT INTO events (source_id, line, byte_offset, timestamp_us, id_hash, event_type, direction, "
                "principal_hostname, principal_ips, process_path, process_id, target_hostname, target_ips, "
                "target_port, bytes_sent, bytes_received, user_name, role, join_key, hostname_source) VALUES "
                "(1, 1, 0, 1741082400000000, -5, 1, 2, 2, x'03000000', 4, 0, 5, x'06000000', 443, 120, NULL, 0, 0, "
                "0, 1), "
                "(1, 2, 300, 1741082460000000, 7, 1, 2, 2, x'03000000', 4, 0, 5, NULL, 443, NULL, 99, 0, 0, 0, 1), "
                "(2, 1, 0, 1741082470000000, 8, 1, 0, 0, x'0300000006000000', 0, 0, 0, x'06000000', 80, 1, 2, 0, 2, "
                "-42, 0)");
            database.execute("INSERT INTO http (event_index, url, user_agent, response_code) VALUES (1, 7, 0, 200)");
        }
        QVERIFY(refusal(casePath, CaseFile::Mode::ReadOnly).find("open it once read-write") != std::string::npos);
        openCase(casePath, CaseFile::Mode::ReadWrite);
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        EventTable table;
        VERIFY_OK(caseFile->loadEvents(table));
        QCOMPARE(table.size(), std::size_t(3));
        QCOMPARE(table.idKey(), std::uint64_t(77));
        QCOMPARE(table.timestamp(1), std::int64_t(1741082460000000));
        QCOMPARE(table.idHash(0), static_cast<std::uint64_t>(-5));
        QCOMPARE(table.text(table.targetIps(0)[0]), std::string_view("1.2.3.4"));
        QVERIFY(table.targetIps(1).empty());
        QCOMPARE(table.principalIps(2).size(), std::size_t(2));
        QVERIFY(table.bytesSentKnown(0) && !table.bytesReceivedKnown(0));
        QCOMPARE(table.bytesSent(0), std::uint64_t(120));
        QVERIFY(!table.bytesSentKnown(1) && table.bytesReceivedKnown(1));
        QCOMPARE(table.source(1).byteOffset, std::uint64_t(300));
        QCOMPARE(table.source(2).fileIndex, std::uint16_t(2));
        QCOMPARE(table.role(2), EventRole::SessionName);
        QCOMPARE(table.joinKey(2), static_cast<std::uint64_t>(-42));
        QCOMPARE(table.recordHostnameSource(0), HostnameSource::Record);
        QVERIFY(table.http(1) && table.text(table.http(1)->url) == "https://a.workers.dev/p");
        QVERIFY(caseFile->verify().problems.empty());
        sql::Database database(casePath, true, false);
        QCOMPARE(database.pragmaInteger("user_version"), std::int64_t(latestSchemaVersion()));
        auto chunks = database.prepare("SELECT count(*) FROM event_chunks");
        QVERIFY(chunks.step());
        QCOMPARE(chunks.integer(0), std::int64_t(2)); // one per source
    }

    // An altered row of an old case is refused when it is converted, with the row, and the case stays as it was.
    void refusesAnAlteredRowWhenConverting()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("v5-altered.cepheid")).toStdString();
        {
            sql::Database database(casePath, false, true);
            migrate(database, 5);
            database.execute("INSERT INTO sources (id, path, size, sha256, format, layout, compressed, imported_at, "
                             "events_read, events_rejected) VALUES (1, '/a.json', 10, 'aa', 'chronicle-udm-json', "
                             "'ndjson', 0, '2026-01-01T00:00:00Z', 1, 0)");
            database.execute("INSERT INTO strings (id, text) VALUES (0, '')");
            database.execute(
                "INSERT INTO events (source_id, line, byte_offset, timestamp_us, id_hash, event_type, direction, "
                "principal_hostname, principal_ips, process_path, process_id, target_hostname, target_ips, "
                "target_port, bytes_sent, bytes_received, user_name) VALUES (1, 1, 0, 1741082400000000, 1, 9, 2, 0, "
                "NULL, 0, 0, 0, NULL, 443, NULL, NULL, 0)");
        }
        const std::string error = refusal(casePath, CaseFile::Mode::ReadWrite);
        QVERIFY2(error.find("refers to string 9") != std::string::npos, error.c_str());
        sql::Database database(casePath, true, false);
        QCOMPARE(database.pragmaInteger("user_version"), std::int64_t(5));
    }

    void refusesEventsWithImpossibleTimestamps()
    {
        // No reader writes a timestamp outside years 0001-9999; a case holding one was altered, and its gaps would
        // overflow the interval arithmetic. Loading it is refused with the reason.
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("altered.cepheid")).toStdString();
        {
            auto caseFile = openCase(casePath, CaseFile::Mode::Create);
            EventTable table;
            const std::string events = udmEventCamel("a") + "\n" + udmEventCamel("b", "2025-03-04T13:08:42Z") + "\n";
            VERIFY_OK(caseFile->importFile(
                writeTestFile(directory, QStringLiteral("e.ndjson"), events).toStdString(), table));
        }
        {
            // As an attacker would: the chunk decompressed, a value changed, compressed again with a valid checksum.
            sql::Database database(casePath, false, false);
            rewriteFirstEventChunk(database, [](std::vector<std::uint8_t>& columns) {
                const std::int64_t far = std::numeric_limits<std::int64_t>::max();
                std::memcpy(columns.data() + 8, &far, 8); // the timestamp column comes first: event 1
            });
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        EventTable table;
        const auto loaded = caseFile->loadEvents(table);
        QVERIFY2(!loaded, "an event 292,000 years from now was loaded");
        QVERIFY2(loaded.error().find("outside years 0001-9999") != std::string::npos, loaded.error().c_str());
    }

    void aCaseRefusedForItsIdKeyIsClosed()
    {
        // Found by fuzz_case_loader (a bit flipped in the id_key of a real case): the refusal left the SQLite
        // connection open, its file descriptors with it, because the quick_check statement outlived the database
        // handed to the CaseFile, so closing it failed as busy. Each refused open must leave nothing open.
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("id-key.cepheid")).toStdString();
        openCase(casePath, CaseFile::Mode::Create);
        {
            sql::Database database(casePath, false, false);
            database.execute("UPDATE case_info SET value = '12x' WHERE key = 'id_key'");
        }
        const auto openFiles = [] { return QDir(QStringLiteral("/proc/self/fd")).count(); };
        const auto before = openFiles();
        for (int attempt = 0; attempt < 3; ++attempt)
            for (const auto mode : { CaseFile::Mode::ReadOnly, CaseFile::Mode::ReadWrite }) {
                const std::string error = refusal(casePath, mode);
                QVERIFY2(error.find("id_key is not a number ('12x')") != std::string::npos, error.c_str());
            }
        QCOMPARE(openFiles(), before);
    }

    void secondProcessCanReadWhileTheCaseIsOpen()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("c.cepheid")).toStdString();
        auto caseFile = openCase(casePath, CaseFile::Mode::Create);
        EventTable table;
        VERIFY_OK(caseFile->importFile(
            writeTestFile(directory, QStringLiteral("a.ndjson"), fixtureExport(12)).toStdString(), table));
        QProcess reader;
        reader.start(QStringLiteral(CEPHEID_CLI_PATH),
            { QStringLiteral("case"), QStringLiteral("info"), QString::fromStdString(casePath) });
        QVERIFY(reader.waitForFinished(60000));
        QCOMPARE(reader.exitCode(), 0);
        const QJsonObject info = QJsonDocument::fromJson(reader.readAllStandardOutput()).object();
        QCOMPARE(info[u"events"].toInt(), 13);
    }
};

QTEST_GUILESS_MAIN(CaseFileTest)
#include "tst_casefile.moc"
