#include "cases/casefile.h"
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
#include <sqlite3.h>
#include <sys/resource.h>

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

std::unique_ptr<CaseFile> openCase(const std::string& path, CaseFile::Mode mode)
{
    auto caseFile = CaseFile::open(path, mode);
    if (!caseFile)
        qFatal("case refused: %s", caseFile.error().c_str());
    return std::move(*caseFile);
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

        // The kernel kills the import in the middle of writing: a file-size limit of 2 MB, which the case (12
        // events) is under and the import's 40,000 events are far over, ends it with SIGXFSZ at the first write
        // past it, whatever the machine's speed (a timed kill raced the import to its end).
        QProcess importer;
        importer.setChildProcessModifier([] {
            const rlimit fileSize { 2'000'000, 2'000'000 };
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

        auto caseFile = openCase(casePath, CaseFile::Mode::ReadWrite); // runs PRAGMA quick_check
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
            "CREATE TRIGGER hide AFTER INSERT ON events BEGIN DELETE FROM events WHERE id = "
            "NEW.id; END") << QStringLiteral("trigger 'hide' on events");
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

    // Two analysts import into one case at once: the second learns it at once, before reading its file, instead of
    // reading it all and failing on colliding string ids; the case keeps the first import whole.
    void aConcurrentImportFailsFast()
    {
        QTemporaryDir directory;
        const std::string casePath = directory.filePath(QStringLiteral("shared.cepheid")).toStdString();
        openCase(casePath, CaseFile::Mode::Create);
        auto first = openCase(casePath, CaseFile::Mode::ReadWrite);
        auto second = openCase(casePath, CaseFile::Mode::ReadWrite);
        EventTable firstTable, secondTable;
        VERIFY_OK(first->loadEvents(firstTable));
        VERIFY_OK(second->loadEvents(secondTable));
        VERIFY_OK(first->importFile(
            writeTestFile(directory, QStringLiteral("a.ndjson"), udmEventCamel("a") + "\n").toStdString(), firstTable));
        const auto refused = second->importFile(
            writeTestFile(directory, QStringLiteral("b.ndjson"), udmEventCamel("b") + "\n").toStdString(), secondTable);
        QVERIFY(!refused);
        QVERIFY2(
            refused.error().find("the case changed since it was opened") != std::string::npos, refused.error().c_str());
        QCOMPARE(holding(*second), std::string("1 sources, 1 events"));
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
            database.execute("DELETE FROM events WHERE id > 15");
            database.execute("UPDATE raw_chunks SET content = x'00010203'");
        }
        auto caseFile = openCase(casePath, CaseFile::Mode::ReadOnly);
        const auto damaged = caseFile->verify();
        std::string all;
        for (const std::string& problem : damaged.problems)
            all += problem + "\n";
        QVERIFY2(all.find("imported 20 events, the case holds 15") != std::string::npos, all.c_str());
        QVERIFY2(all.find("raw chunk of source 1") != std::string::npos, all.c_str());
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
            sql::Database database(casePath, false, false);
            database.execute("UPDATE events SET timestamp_us = 9223372036854775807 WHERE id = (SELECT MAX(id) FROM "
                             "events)");
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
