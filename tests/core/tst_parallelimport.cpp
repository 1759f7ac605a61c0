// Parallel parsing (core/ingest/batchreader.h) against the serial path: whatever the number of parsing threads, an
// import gives the same table (string ids included), the same rejects in the same order, the same original records
// and the same summary. The inputs span many batches, mix in every kind of reject, and take each JSON layout.

#include "ingest/batchreader.h"
#include "ingest/importer.h"
#include "model/cloudaudit.h"
#include "model/eventtable.h"
#include "testsupport.h"
#include "util/orderedworkers.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <chrono>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

using namespace cepheid;
using namespace cepheid::test;

namespace {

struct RawSeen
{
    std::uint64_t line, offset;
    std::string text;
    friend bool operator==(const RawSeen&, const RawSeen&) = default;
};

struct Imported
{
    EventTable table;
    InputSummary summary;
    std::vector<RawSeen> raw;
    std::vector<std::pair<std::uint64_t, std::string>> rejectsSeen; // every reject, as onReject saw it
};

Imported importWith(const QString& path, unsigned threads, ImportLimits limits = {})
{
    Imported out;
    out.table.setIdKey(0x5EED);
    ImportOptions options;
    options.parseThreads = threads;
    options.limits = limits;
    options.onRawRecord = [&](std::uint64_t line, std::uint64_t offset, std::string_view text) {
        out.raw.push_back({ line, offset, std::string(text) });
    };
    options.onReject = [&](const Reject& reject) { out.rejectsSeen.emplace_back(reject.line, reject.reason); };
    auto summary = importFile(path.toStdString(), 1, out.table, options);
    if (!summary)
        qFatal("%s", summary.error().c_str());
    out.summary = std::move(*summary);
    return out;
}

// The two tables hold the same pool (every id names the same text) and the same ids in every column; with `offset`,
// `parallel`'s events are `serial`'s from that one on.
void expectIdenticalTables(const EventTable& parallel, const EventTable& serial, std::size_t offset = 0)
{
    QCOMPARE(parallel.size() + offset, serial.size());
    QCOMPARE(parallel.strings().size(), serial.strings().size());
    for (StringId id = 0; id < serial.strings().size(); ++id)
        QVERIFY2(parallel.text(id) == serial.text(id), qPrintable(QStringLiteral("string %1").arg(id)));
    const auto ids
        = [](std::span<const StringId> values) { return std::vector<StringId>(values.begin(), values.end()); };
    for (EventIndex i = 0; i < parallel.size(); ++i) {
        const auto where = qPrintable(QStringLiteral("event %1").arg(i));
        const auto j = static_cast<EventIndex>(i + offset);
        QVERIFY2(parallel.timestamp(i) == serial.timestamp(j) && parallel.idHash(i) == serial.idHash(j), where);
        QVERIFY2(parallel.eventType(i) == serial.eventType(j) && parallel.direction(i) == serial.direction(j), where);
        QVERIFY2(
            parallel.role(i) == serial.role(j) && parallel.principalHostname(i) == serial.principalHostname(j), where);
        QVERIFY2(ids(parallel.principalIps(i)) == ids(serial.principalIps(j)), where);
        QVERIFY2(ids(parallel.targetIps(i)) == ids(serial.targetIps(j)), where);
        QVERIFY2(
            parallel.processPath(i) == serial.processPath(j) && parallel.processId(i) == serial.processId(j), where);
        QVERIFY2(parallel.recordHostname(i) == serial.recordHostname(j)
                && parallel.recordHostnameSource(i) == serial.recordHostnameSource(j),
            where);
        QVERIFY2(parallel.joinKey(i) == serial.joinKey(j) && parallel.targetPort(i) == serial.targetPort(j), where);
        QVERIFY2(parallel.bytesSent(i) == serial.bytesSent(j) && parallel.bytesReceived(i) == serial.bytesReceived(j)
                && parallel.bytesSentKnown(i) == serial.bytesSentKnown(j)
                && parallel.bytesReceivedKnown(i) == serial.bytesReceivedKnown(j),
            where);
        QVERIFY2(parallel.user(i) == serial.user(j), where);
        const SourceReference a = parallel.source(i), b = serial.source(j);
        QVERIFY2(a.fileIndex == b.fileIndex && a.line == b.line && a.byteOffset == b.byteOffset, where);
        const auto* httpA = parallel.http(i);
        const auto* httpB = serial.http(j);
        QVERIFY2((httpA == nullptr) == (httpB == nullptr) && (!httpA || *httpA == *httpB), where);
        const auto* cloudA = parallel.cloud(i);
        const auto* cloudB = serial.cloud(j);
        QVERIFY2((cloudA == nullptr) == (cloudB == nullptr) && (!cloudA || *cloudA == *cloudB), where);
    }
}

// Varied events with every kind of column: IP lists of 0-3, HTTP details, cloud calls, join keys that start only
// after the first thousand events (the column is allocated late), ids given or hashed by the reader. `text` keeps
// the strings the records' views point at.
std::vector<EventRecord> variedRecords(
    std::size_t count, std::deque<std::string>& text, std::deque<CloudAuditRecord>& cloud)
{
    const auto keep = [&](std::string value) -> std::string_view { return text.emplace_back(std::move(value)); };
    static constexpr const char* kTypes[] = { "NETWORK_CONNECTION", "NETWORK_HTTP", "NETWORK_DNS" };
    std::vector<EventRecord> records(count);
    for (std::size_t i = 0; i < count; ++i) {
        EventRecord& record = records[i];
        record.timestamp = static_cast<TimestampUs>(i) * 1000;
        if (i % 5 == 0)
            record.idHash = i * 7919 + 1;
        else
            record.id = keep("id-" + std::to_string(i));
        record.eventType = kTypes[i % 3];
        record.direction = static_cast<Direction>(i % 4);
        record.principalHostname = keep("host-" + std::to_string(i % 37));
        for (std::size_t ip = 0; ip < i % 3; ++ip)
            record.principalIps.push_back(keep("10.0." + std::to_string(ip) + "." + std::to_string(i % 50)));
        record.processPath = i % 4 == 0 ? std::string_view {} : keep("C:\\app" + std::to_string(i % 9) + ".exe");
        record.processId = keep(std::to_string(1000 + i % 13));
        record.targetHostname = i % 6 == 0 ? std::string_view {} : keep("t" + std::to_string(i % 101) + ".example");
        record.hostnameSource = record.targetHostname.empty() ? HostnameSource::None : HostnameSource::Record;
        for (std::size_t ip = 0; ip < i % 4; ++ip)
            record.targetIps.push_back(keep("203.0." + std::to_string(ip) + "." + std::to_string(i % 200)));
        record.targetPort = static_cast<std::uint16_t>(i % 3 == 0 ? 443 : 8000 + i % 100);
        record.bytesSent = i * 3;
        record.bytesSentKnown = i % 2 == 0;
        record.bytesReceived = i * 5;
        record.bytesReceivedKnown = i % 3 != 0;
        record.user = i % 8 == 0 ? keep("user" + std::to_string(i % 5)) : std::string_view {};
        if (i % 3 == 1) {
            record.url = keep("https://s" + std::to_string(i % 17) + ".example/p");
            record.userAgent = keep("agent/" + std::to_string(i % 4));
            record.responseCode = static_cast<std::uint16_t>(200 + i % 3);
        }
        if (i >= 1000 && i % 2 == 0)
            record.joinKey = keep("uid" + std::to_string(i / 2));
        if (i % 7 == 3) {
            CloudAuditRecord& call = cloud.emplace_back();
            call.provider = CloudProvider::Aws;
            call.action = CloudAction::Other;
            call.failed = i % 2 == 0;
            call.service = "lambda";
            call.resource = keep("fn-" + std::to_string(i % 11));
            call.account = "123456789012";
            call.region = i % 2 == 0 ? "eu-west-1" : "us-east-1";
            call.errorCode = call.failed ? "AccessDenied" : "";
            record.cloud = &call;
            record.role = EventRole::CloudAudit;
        }
        record.source = { 0, i + 1, i * 100 };
    }
    return records;
}

void expectIdenticalImports(const Imported& parallel, const Imported& serial)
{
    expectIdenticalTables(parallel.table, serial.table);
    const InputSummary &a = parallel.summary, &b = serial.summary;
    QCOMPARE(a.format, b.format);
    QCOMPARE(a.layout, b.layout);
    QCOMPARE(a.bytesRead, b.bytesRead);
    QCOMPARE(a.eventsRead, b.eventsRead);
    QCOMPARE(a.eventsRejected, b.eventsRejected);
    QCOMPARE(a.rejects.size(), b.rejects.size());
    for (std::size_t i = 0; i < a.rejects.size(); ++i) {
        QCOMPARE(a.rejects[i].line, b.rejects[i].line);
        QCOMPARE(a.rejects[i].reason, b.rejects[i].reason);
        QCOMPARE(a.rejects[i].excerpt, b.rejects[i].excerpt);
    }
    QVERIFY(a.rejectKinds == b.rejectKinds);
    QVERIFY(a.recordsSkipped == b.recordsSkipped);
    QCOMPARE(a.readError, b.readError);
    QCOMPARE(a.limitReached, b.limitReached);
    QVERIFY(parallel.rejectsSeen == serial.rejectsSeen);
    QCOMPARE(parallel.raw.size(), serial.raw.size());
    QVERIFY(parallel.raw == serial.raw);
}

constexpr int kMixedRecords = 48000;

// About 27 MB of UDM records (several parallel batches of BatchReader::kInputBytes): events of many hosts, processes
// and destinations, HTTP details, and bad records between them; with `brokenJson`, records cut short too (which
// only a file of one record per line survives).
std::vector<std::string> mixedRecords(bool brokenJson = true)
{
    std::vector<std::string> lines;
    for (int i = 0; i < kMixedRecords; ++i) {
        const std::string time = "2025-03-04T" + std::to_string(10 + i / 3600 % 10) + ":"
            + std::to_string(10 + i / 60 % 50) + ":" + std::to_string(10 + i % 50) + "Z";
        if (i % 97 == 13)
            lines.push_back(R"({"metadata":{"id":"bad)" + std::to_string(i) + R"(","eventTimestamp":"2025-13-01"}})");
        else if (brokenJson && i % 211 == 7)
            lines.push_back("{\"metadata\": {\"id\": \"cut" + std::to_string(i)); // invalid JSON
        else if (i % 503 == 11)
            lines.push_back("[1, 2, 3]"); // not an object
        else if (i % 7 == 0)
            lines.push_back(
                udmHttpEvent(i, time, "https://h" + std::to_string(i % 40) + ".example/p?q=" + std::to_string(i),
                    "agent/" + std::to_string(i % 9), i % 3 == 0 ? "200" : "\"404\""));
        else
            lines.push_back(udmEventWithProcess(i, time, "C:\\\\Apps\\\\p" + std::to_string(i % 31) + ".exe",
                "svc-" + std::to_string(i % 173) + ".workers.dev"));
        // Padding that makes records of many sizes, so batches end anywhere.
        if (i % 5 == 0 && lines.back().back() == '}')
            lines.back().insert(1, "\"note\":\"" + std::string(static_cast<std::size_t>(i % 700), 'x') + "\",");
    }
    return lines;
}

std::string joined(const std::vector<std::string>& lines, const std::string& open, const std::string& separator,
    const std::string& close)
{
    std::string text = open;
    for (std::size_t i = 0; i < lines.size(); ++i)
        text += (i ? separator : std::string()) + lines[i];
    return text + close;
}

} // namespace

class ParallelImportTest : public QObject
{
    Q_OBJECT

private slots:
    // The merge (EventTable::appendFrom) moves a batch's events with their own pool into the table: column by column
    // for the plain ones, event by event for the strings, so ids come out as appending the records one by one gives.
    // Batches of every size, each merged in two ranges.
    void mergingBatchesGivesTheTableAppendingGives()
    {
        std::deque<std::string> text;
        std::deque<CloudAuditRecord> cloud;
        const std::vector<EventRecord> records = variedRecords(5000, text, cloud);
        const std::uint64_t key = EventTable::randomIdKey();
        EventTable direct;
        direct.setIdKey(key);
        for (const EventRecord& record : records)
            direct.append(record);

        EventTable merged;
        merged.setIdKey(key);
        EventTable batch;
        batch.setIdKey(key);
        const std::size_t sizes[] = { 1, 2, 499, 1000, 777, 1, 2720 };
        std::size_t next = 0;
        for (const std::size_t size : sizes) {
            batch.clear();
            for (std::size_t i = next; i < next + size; ++i)
                batch.append(records[i]);
            next += size;
            const auto half = static_cast<EventIndex>(size / 2);
            merged.appendFrom(batch, 0, half);
            merged.appendFrom(batch, half, static_cast<EventIndex>(size));
        }
        QCOMPARE(next, records.size());
        QVERIFY(direct.cloudEventCount() > 0);
        expectIdenticalTables(merged, direct);
    }

    // A batch import into a case drops the events it has written (EventTable::dropFront): the events after them keep
    // every value, their IP lists and their HTTP and cloud details, and the pool keeps every string. Dropped in steps
    // of every size, the last one all that is left; events appended after a drop follow the ones kept.
    void droppingTheFrontKeepsTheEventsAfterIt()
    {
        std::deque<std::string> text;
        std::deque<CloudAuditRecord> cloud;
        const std::vector<EventRecord> records = variedRecords(5000, text, cloud);
        EventTable full, dropped;
        for (EventTable* table : { &full, &dropped }) {
            table->setIdKey(0x5EED);
            for (const EventRecord& record : records)
                table->append(record);
        }
        QVERIFY(full.cloudEventCount() > 0 && full.httpEventCount() > 0);
        std::size_t gone = 0;
        for (const std::size_t step : { 1, 2, 997, 1000, 1734, 1266 }) {
            dropped.dropFront(step);
            gone += step;
            expectIdenticalTables(dropped, full, gone);
        }
        QCOMPARE(gone, records.size());
        QCOMPARE(dropped.ipValueCount(), std::size_t(0));
        QCOMPARE(dropped.httpEventCount() + dropped.cloudEventCount(), std::size_t(0));
        for (std::size_t i = 0; i < 300; ++i)
            dropped.append(records[i]);
        for (std::size_t i = 0; i < 300; ++i)
            full.append(records[i]);
        expectIdenticalTables(dropped, full, records.size());
    }

    void sameImportWhateverTheThreads_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<unsigned>("threads");
        for (const char* layout : { "ndjson", "array", "envelope", "pages" })
            for (unsigned threads : { 2u, 3u }) {
                const QString name = QStringLiteral("%1, %2 threads").arg(QLatin1String(layout)).arg(threads);
                QTest::newRow(qPrintable(name)) << QString::fromLatin1(layout) << threads;
            }
    }

    void sameImportWhateverTheThreads()
    {
        QFETCH(QString, layout);
        QFETCH(unsigned, threads);
        const bool perLine = layout == QLatin1String("ndjson") || layout == QLatin1String("pages");
        const std::vector<std::string> lines = mixedRecords(perLine);
        std::string text;
        if (layout == QLatin1String("ndjson")) {
            // Blank lines and an oversized record (a splitter reject, not a parser's) among the records.
            text = joined(lines, {}, "\n", "\n");
            text.insert(text.find('\n', text.size() / 3) + 1, "\n\n{\"huge\":\"" + std::string(70000, 'y') + "\"}\n");
        } else if (layout == QLatin1String("array")) {
            text = joined(lines, "[\n", ",\n", "\n]\n");
        } else if (layout == QLatin1String("envelope")) {
            text = joined(lines, "{\"events\": [\n", ",\n", "\n], \"moreDataAvailable\": false}\n");
        } else { // udmSearch pages, one per line, twenty events each
            std::vector<std::string> pages;
            for (std::size_t i = 0; i < lines.size(); i += 20) {
                const std::vector<std::string> page(lines.begin() + static_cast<std::ptrdiff_t>(i),
                    lines.begin() + static_cast<std::ptrdiff_t>(std::min(i + 20, lines.size())));
                pages.push_back(joined(page, "{\"events\":[", ",", "]}"));
            }
            text = joined(pages, {}, "\n", "\n");
        }
        QVERIFY(text.size() > 4 * BatchReader::kInputBytes);
        QTemporaryDir directory;
        const QString path = writeTestFile(directory, QStringLiteral("mixed.json"), text);
        ImportLimits limits;
        limits.recordBytes = 64 * 1024;
        const Imported serial = importWith(path, 1, limits);
        QVERIFY(serial.summary.eventsRead > 10000);
        QVERIFY(serial.summary.eventsRejected > 100);
        QVERIFY(!serial.raw.empty());
        expectIdenticalImports(importWith(path, threads, limits), serial);
    }

    // Stopping at the events limit keeps the same events, original records and rejects: what lies before the line
    // of the first event past the limit.
    void sameStopAtTheEventsLimit()
    {
        QTemporaryDir directory;
        const QString path
            = writeTestFile(directory, QStringLiteral("mixed.ndjson"), joined(mixedRecords(), {}, "\n", "\n"));
        ImportLimits limits;
        limits.events = 9000;
        const Imported serial = importWith(path, 1, limits);
        QCOMPARE(serial.table.size(), std::size_t(9000));
        QVERIFY(serial.summary.limitReached);
        expectIdenticalImports(importWith(path, 2, limits), serial);
        // Every reject listed lies before the stop, which is listed last.
        const std::uint64_t stopLine = serial.summary.rejects.back().line;
        for (std::size_t i = 0; i + 1 < serial.summary.rejects.size(); ++i)
            QVERIFY(serial.summary.rejects[i].line < stopLine);
    }

    // Cancelling part-way returns promptly with the parallel path too, whatever its threads were doing.
    void cancelStopsEveryThread()
    {
        QTemporaryDir directory;
        const QString path
            = writeTestFile(directory, QStringLiteral("mixed.ndjson"), joined(mixedRecords(), {}, "\n", "\n"));
        std::atomic<bool> cancel { false };
        ImportOptions options;
        options.parseThreads = 2;
        options.cancel = &cancel;
        options.progress = [&](std::uint64_t, std::uint64_t) { cancel = true; };
        EventTable table;
        const auto summary = importFile(path.toStdString(), 0, table, options);
        QVERIFY(summary);
        QVERIFY(summary->cancelled);
        QVERIFY(table.size() > 0 && table.size() < static_cast<std::size_t>(kMixedRecords));
    }

    // What the case writes with (raw records, event chunks): results come back in the order the jobs went in, however
    // long each takes, with at most a window of jobs held; a job's exception surfaces where its result is taken,
    // after the results before it.
    void orderedWorkersKeepTheOrderAndTheWindow()
    {
        std::atomic<int> held { 0 }, mostHeld { 0 };
        std::vector<int> taken;
        {
            OrderedWorkers<int, int> workers(3, 4, [&] {
                return [&](int& job) {
                    const int now = ++held;
                    for (int seen = mostHeld; now > seen && !mostHeld.compare_exchange_weak(seen, now);)
                        ;
                    // Jobs of uneven length: later ones often finish before earlier ones.
                    std::this_thread::sleep_for(std::chrono::microseconds(200 * (job % 7)));
                    if (job == 37)
                        throw std::runtime_error("job 37 failed");
                    return job * 10;
                };
            });
            const auto take = [&](int result) {
                --held;
                taken.push_back(result);
            };
            try {
                for (int job = 0; job < 60; ++job)
                    workers.submit(job, take);
                workers.drain(take);
                QFAIL("job 37's exception was not rethrown");
            } catch (const std::runtime_error& problem) {
                QCOMPARE(std::string(problem.what()), std::string("job 37 failed"));
            }
        }
        QCOMPARE(taken.size(), std::size_t(37));
        for (int i = 0; i < 37; ++i)
            QCOMPARE(taken[static_cast<std::size_t>(i)], i * 10);
        QVERIFY2(mostHeld <= 4, qPrintable(QStringLiteral("%1 jobs held at once").arg(mostHeld.load())));
    }

    // Real exports of the development set (../shared/data), each read on one thread and on two.
    void sameImportOfRealExports_data()
    {
        QTest::addColumn<QString>("path");
        const QDir data(sourcePath(QStringLiteral("../shared/data")));
        if (!data.exists()) {
            QTest::newRow("development data") << QString();
            return;
        }
        for (const QString& relative :
            { QStringLiteral("udm/rita-proxy.ndjson.gz"), QStringLiteral("udm/otrf-empire-psinject.ndjson.gz") })
            if (data.exists(relative))
                QTest::newRow(qPrintable(relative)) << data.filePath(relative);
        const QDir cloudTrail(data.filePath(QStringLiteral("cloudtrail")));
        for (const QString& name : cloudTrail.entryList({ QStringLiteral("*.json"), QStringLiteral("*.json.gz") }))
            QTest::newRow(qPrintable(QStringLiteral("cloudtrail/") + name)) << cloudTrail.filePath(name);
    }

    void sameImportOfRealExports()
    {
        QFETCH(QString, path);
        if (path.isEmpty())
            QSKIP("the development data (../shared/data) is not here; it is kept outside the repository");
        const Imported serial = importWith(path, 1);
        QVERIFY(
            serial.summary.eventsRead + serial.summary.eventsRejected > 0 || !serial.summary.recordsSkipped.empty());
        expectIdenticalImports(importWith(path, 2), serial);
    }
};

QTEST_GUILESS_MAIN(ParallelImportTest)
#include "tst_parallelimport.moc"
