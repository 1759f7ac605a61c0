#include "casefile.h"

#include "eventchunks.h"
#include "importjournal.h"
#include "rawchunks.h"
#include "schema.h"
#include "sha256.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>

namespace cepheid {

namespace {

// Runs the body of a public method: what SQLite or the case refuses (sql::Error) is returned as the reason, after
// the case's path.
template<class Body> auto guarded(const std::string& casePath, Body&& body) -> Expected<std::invoke_result_t<Body&>>
{
    try {
        if constexpr (std::is_void_v<std::invoke_result_t<Body&>>) {
            body();
            return {};
        } else {
            return body();
        }
    } catch (const sql::Error& problem) {
        return failure(casePath + ": " + problem.what());
    }
}

std::optional<TriageState> readFlowTriage(sql::Database& database, const std::string& sourceIp,
    const std::string& destination, const std::string& processPath); // below, beside readTriage

} // namespace

TriageMap triageByFlow(std::vector<TriageState> states)
{
    TriageMap byFlow;
    for (TriageState& state : states) {
        TriageKey key { state.sourceIp, state.destination, state.processPath };
        byFlow.insert_or_assign(std::move(key), std::move(state));
    }
    return byFlow;
}

// InputStream reads a file as gzip when zlib does: when it starts with gzip's magic bytes.
bool startsLikeGzip(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    char magic[2] = {};
    return file.read(magic, 2) && magic[0] == '\x1f' && magic[1] == '\x8b';
}

std::string nowRfc3339()
{
    using namespace std::chrono;
    return formatRfc3339(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

namespace {

// An import's write: the case taken for the import alone when its connection is the only one (ImportJournal, whose
// journal must outlive the transaction: members end in reverse order), and the write lock.
class ImportWrite
{
public:
    ImportWrite(sql::Database& database, bool alone)
    {
        if (alone)
            m_journal.emplace(database);
        m_transaction.emplace(database,
            m_journal && m_journal->rollbackJournal() ? sql::Transaction::Lock::Exclusive
                                                      : sql::Transaction::Lock::Immediate);
    }
    void commit() { m_transaction->commit(); }

private:
    std::optional<ImportJournal> m_journal;
    std::optional<sql::Transaction> m_transaction;
};

// The write lock is the import's from here. The table must be this case as it is now: another process may have
// imported between our loading it and this lock, and our string ids would then collide with its. Said before any
// work, not after (a second concurrent import used to read its whole file, then fail).
std::string caseChanged(const std::string& what)
{
    return what
        + ": the case changed since it was opened (another import finished meanwhile); nothing was imported: open the "
          "case again and import";
}

} // namespace

InputSummary summaryOf(const CaseSource& source)
{
    InputSummary input;
    input.path = source.path;
    input.format = source.format;
    input.layout = source.layout;
    input.compressed = source.compressed;
    input.eventsRead = source.eventsRead;
    input.eventsRejected = source.eventsRejected;
    input.readError = source.readError;
    input.query = source.query;
    return input;
}

CaseFile::CaseFile(std::string path, std::unique_ptr<sql::Database> database)
    : m_path(std::move(path))
    , m_database(std::move(database))
{ }

Expected<std::unique_ptr<CaseFile>> CaseFile::open(const std::string& path, Mode mode)
{
    try {
        struct stat status
        {
        };
        const bool exists = ::stat(path.c_str(), &status) == 0;
        if (mode == Mode::Create && exists)
            return failure(path + ": already exists");
        if (mode != Mode::Create && !exists)
            return failure(path + ": no such case file");
        // A case on read-only media (or in a folder we cannot write) cannot keep SQLite's WAL index beside it: read
        // it as immutable, and refuse writing with the reason instead of SQLite's "unable to open database file".
        const std::string folder = std::filesystem::path(path).parent_path().string();
        const bool folderWritable = ::access(folder.empty() ? "." : folder.c_str(), W_OK) == 0;
        if (mode == Mode::ReadWrite && !isWritableLocation(path)) {
            return failure(path
                + ": the case is on read-only media or in a folder you cannot write; it can be opened "
                  "read-only (nothing saved), or copied somewhere writable");
        }
        // An import killed part-way under the rollback journal (ImportJournal) leaves CASE-journal beside the case,
        // which only a connection that can write rolls back: a read-only one would refuse the case ("attempt to write
        // a readonly database"), an immutable one would read the dead import's pages. Rolled back here first.
        std::error_code noJournal;
        const std::string journalPath = path + "-journal";
        if (mode == Mode::ReadOnly && std::filesystem::file_size(journalPath, noJournal) > 0 && !noJournal) {
            if (!folderWritable || ::access(path.c_str(), W_OK) != 0) {
                return failure(path + ": an import into this case was interrupted, and " + journalPath
                    + " holds what undoes it, which needs a place where the case can be written: copy both files "
                      "somewhere writable and open the case there");
            }
            sql::Database recovery(path, false, false);
            recovery.execute("PRAGMA busy_timeout = 5000");
            recovery.prepare("SELECT count(*) FROM sqlite_master").step(); // the first read rolls the journal back
        }
        auto database = std::make_unique<sql::Database>(
            path, mode == Mode::ReadOnly, mode == Mode::Create, mode == Mode::ReadOnly && !folderWritable);
        database->execute("PRAGMA busy_timeout = 5000");
        if (mode == Mode::ReadOnly) {
            checkReadable(*database);
            checkSchemaObjects(*database, caseSchemaVersion(*database));
        } else {
            // A new case gets SQLite's largest page: a case is mostly compressed chunks of a few to a hundred KB, which
            // 4 KiB pages split into overflow chains written a page per system call (an import of 1 M events made
            // 114,000 of them). 64 KiB pages made that import a quarter faster and its case a sixth smaller.
            if (mode == Mode::Create)
                database->execute("PRAGMA page_size = 65536");
            // Identity first: a foreign, damaged or altered file is refused before anything is written to it.
            const int version = caseSchemaVersion(*database);
            if (mode == Mode::ReadWrite && version == 0)
                throw sql::Error("not a Cepheid case file (an empty file or database)");
            checkSchemaObjects(*database, version);
            migrate(*database);
            database->execute("PRAGMA journal_mode = WAL");
            database->execute("PRAGMA synchronous = NORMAL");
        }
        database->execute("PRAGMA foreign_keys = ON");
        // No PRAGMA quick_check here: it reads every page, which cost a 1 M event case 0.5 s on every open. SQLite
        // checks each page it reads, every event chunk carries a checksum that loading verifies, and a value no
        // import writes refuses the case as it loads; verify() (Verify Case, `cepheid-cli case verify`) reads all.
        auto caseFile = std::unique_ptr<CaseFile>(new CaseFile(path, std::move(database)));
        if (mode == Mode::Create) {
            CaseInfo info;
            info.created = nowRfc3339();
            info.title = std::filesystem::path(path).stem().string();
            caseFile->writeInfo(info);
            caseFile->m_database->prepare("INSERT INTO case_info (key, value) VALUES ('id_key', ?1)")
                .bind(1, std::to_string(EventTable::randomIdKey()))
                .execute();
        }
        auto key = caseFile->m_database->prepare("SELECT value FROM case_info WHERE key = 'id_key'");
        if (key.step()) {
            const std::string text(key.text(0));
            try {
                std::size_t used = 0;
                caseFile->m_idKey = std::stoull(text, &used);
                if (used != text.size())
                    throw std::invalid_argument("trailing text");
            } catch (const std::exception&) {
                throw sql::Error("the case's id_key is not a number ('" + text + "'): the case was altered");
            }
        }
        return caseFile;
    } catch (const sql::Error& problem) {
        if (mode == Mode::Create) {
            std::error_code ignored; // the refusal is what matters
            std::filesystem::remove(path, ignored);
        }
        return failure(path + ": " + problem.what());
    }
}

CaseFile::Verification CaseFile::verify()
{
    Verification result;
    try {
        verifyInto(result);
    } catch (const sql::Error& problem) {
        result.problems.push_back(problem.what()); // SQLite itself could not read on
    }
    return result;
}

void CaseFile::verifyInto(Verification& result)
{
    constexpr std::size_t kMaxListed = 100;
    const auto add = [&](std::string problem) {
        if (result.problems.size() < kMaxListed)
            result.problems.push_back(std::move(problem));
    };
    auto integrity = m_database->prepare("PRAGMA integrity_check(100)");
    while (integrity.step())
        if (integrity.text(0) != "ok")
            add("integrity_check: " + std::string(integrity.text(0)));
    auto keys = m_database->prepare("PRAGMA foreign_key_check");
    while (keys.step())
        add("table " + std::string(keys.text(0)) + " row " + std::to_string(keys.integer(1)) + " refers to a missing "
            + std::string(keys.text(2)) + " row");
    try {
        EventTable table;
        readEvents(table);
        result.events = table.size();
    } catch (const sql::Error& problem) {
        add(problem.what());
    }
    result.rawRecords = verifyRawChunks(*m_database, result.problems);
    // Each source's events as counted at import against the rows the case holds: rows deleted or added behind
    // Cepheid's back show here.
    const std::map<std::int64_t, std::uint64_t> held = storedEventCountBySource(*m_database);
    auto counts = m_database->prepare("SELECT s.id, s.path, s.events_read, s.events_rejected, (SELECT count(*) FROM "
                                      "rejects r WHERE r.source_id = s.id) FROM sources s ORDER BY s.id");
    while (counts.step()) {
        const std::string source
            = "source " + std::to_string(counts.integer(0)) + " (" + std::string(counts.text(1)) + ")";
        const auto found = held.find(counts.integer(0));
        const std::uint64_t holds = found == held.end() ? 0 : found->second;
        if (static_cast<std::uint64_t>(counts.integer(2)) != holds)
            add(source + ": imported " + std::to_string(counts.integer(2)) + " events, the case holds "
                + std::to_string(holds));
        if (counts.integer(4) > counts.integer(3))
            add(source + ": " + std::to_string(counts.integer(4)) + " rejects stored, more than the "
                + std::to_string(counts.integer(3)) + " counted");
    }
}

bool CaseFile::isWritableLocation(const std::string& path)
{
    const std::string folder = std::filesystem::path(path).parent_path().string();
    return ::access(folder.empty() ? "." : folder.c_str(), W_OK) == 0 && ::access(path.c_str(), W_OK) == 0;
}

Expected<CaseInfo> CaseFile::info()
{
    return guarded(m_path, [&] {
        CaseInfo info;
        auto statement = m_database->prepare("SELECT key, value FROM case_info");
        while (statement.step()) {
            const std::string_view key = statement.text(0);
            std::string value(statement.text(1));
            if (key == "title")
                info.title = std::move(value);
            else if (key == "analyst")
                info.analyst = std::move(value);
            else if (key == "ticket")
                info.ticket = std::move(value);
            else if (key == "created")
                info.created = std::move(value);
        }
        return info;
    });
}

Expected<void> CaseFile::setInfo(const CaseInfo& info)
{
    return guarded(m_path, [&] { writeInfo(info); });
}

void CaseFile::writeInfo(const CaseInfo& info)
{
    sql::Transaction transaction(*m_database);
    auto statement = m_database->prepare("INSERT OR REPLACE INTO case_info (key, value) VALUES (?1, ?2)");
    for (const auto& [key, value] : { std::pair { "title", &info.title }, std::pair { "analyst", &info.analyst },
             std::pair { "ticket", &info.ticket }, std::pair { "created", &info.created } })
        statement.bind(1, std::string_view(key)).bind(2, *value).execute();
    transaction.commit();
}

Expected<std::vector<CaseSource>> CaseFile::sources()
{
    return guarded(m_path, [&] {
        std::vector<CaseSource> sources;
        auto statement = m_database->prepare(
            "SELECT id, path, size, sha256, format, layout, compressed, imported_at, events_read, events_rejected, "
            "read_error FROM sources ORDER BY id");
        while (statement.step()) {
            CaseSource source;
            source.id = statement.integer(0);
            source.path = statement.text(1);
            source.size = static_cast<std::uint64_t>(statement.integer(2));
            source.sha256 = statement.text(3);
            source.format = statement.text(4);
            source.layout = statement.text(5);
            source.compressed = statement.integer(6) != 0;
            source.importedAt = statement.text(7);
            source.eventsRead = static_cast<std::uint64_t>(statement.integer(8));
            source.eventsRejected = static_cast<std::uint64_t>(statement.integer(9));
            source.readError = statement.text(10);
            sources.push_back(std::move(source));
        }
        // A database source's query and request are kept in case_info (importRemote): no schema change, and a build
        // that knows nothing of them reads the case as before.
        auto queries = m_database->prepare(
            "SELECT key, value FROM case_info WHERE key LIKE 'source_query:%' OR key LIKE 'source_request:%'");
        while (queries.step()) {
            const std::string_view key = queries.text(0);
            const std::string id(key.substr(key.find(':') + 1));
            for (CaseSource& source : sources)
                if (std::to_string(source.id) == id)
                    (key.starts_with("source_query:") ? source.query : source.request) = queries.text(1);
        }
        return sources;
    });
}

Expected<std::uint64_t> CaseFile::eventCount()
{
    return guarded(m_path, [&] { return countEvents(); });
}

std::uint64_t CaseFile::countEvents()
{
    return storedEventCount(*m_database);
}

Expected<void> CaseFile::loadEvents(EventTable& table)
{
    return guarded(m_path, [&] { readEvents(table); });
}

void CaseFile::readEvents(EventTable& table)
{
    table = EventTable {};
    try {
        // One snapshot: strings, chunks and details read while the workbench imports on another connection must
        // all be from before that import or all from after it.
        std::optional<sql::Transaction> snapshot;
        if (!sql::Transaction::active(*m_database))
            snapshot.emplace(*m_database, sql::Transaction::Lock::Read);
        readEventsInSnapshot(table);
    } catch (const std::bad_alloc&) {
        table = EventTable {}; // filled in part, with positions not yet written: never to be read
        throw sql::Error("not enough memory to load the case's events");
    } catch (const std::length_error&) {
        table = EventTable {};
        throw sql::Error("not enough memory to load the case's events");
    } catch (...) {
        table = EventTable {};
        throw;
    }
}

void CaseFile::readEventsInSnapshot(EventTable& table)
{
    table.setIdKey(m_idKey);
    readCaseStrings(*m_database, table);
    readEventChunks(*m_database, table);
    const auto poolSize = static_cast<std::int64_t>(table.strings().size());
    const auto refuse = [](const std::string& what) { throw sql::Error(what + ": the case was altered"); };
    auto checkedId = [&](std::int64_t id) {
        if (id < 0 || id >= poolSize)
            refuse("details refer to string " + std::to_string(id) + ", which the case does not have");
        return static_cast<StringId>(id);
    };
    auto inRange = [&](std::int64_t value, std::int64_t low, std::int64_t high, const char* column) {
        if (value < low || value > high)
            refuse(std::string("details have ") + column + " " + std::to_string(value) + " (expected "
                + std::to_string(low) + " to " + std::to_string(high) + ")");
        return value;
    };
    auto http
        = m_database->prepare("SELECT event_index, url, user_agent, response_code FROM http ORDER BY event_index");
    std::int64_t previous = -1;
    while (http.step()) {
        const std::int64_t index = http.integer(0);
        if (index < 0 || static_cast<std::uint64_t>(index) >= table.size())
            throw sql::Error("HTTP details refer to an event the case does not have");
        if (index <= previous) // the table's primary key forbids it: the file was altered
            throw sql::Error("HTTP details repeat an event");
        previous = index;
        table.setHttp(static_cast<EventIndex>(index),
            { checkedId(http.integer(1)), checkedId(http.integer(2)),
                static_cast<std::uint16_t>(std::clamp<std::int64_t>(http.integer(3), 0, 999)) });
    }
    auto cloud = m_database->prepare(
        "SELECT event_index, provider, action, flags, service, resource, account, region, actor_type, user_agent, "
        "credential, error_code, exposure FROM cloud_audit ORDER BY event_index");
    previous = -1;
    while (cloud.step()) {
        const std::int64_t index = cloud.integer(0);
        if (index < 0 || static_cast<std::uint64_t>(index) >= table.size())
            throw sql::Error("cloud audit details refer to an event the case does not have");
        if (index <= previous)
            throw sql::Error("cloud audit details repeat an event");
        previous = index;
        const std::int64_t flags = inRange(cloud.integer(3), 0, 3, "cloud audit flags");
        table.setCloud(static_cast<EventIndex>(index),
            { static_cast<CloudProvider>(inRange(cloud.integer(1), 0, kCloudProviderCount - 1, "cloud provider")),
                static_cast<CloudAction>(inRange(cloud.integer(2), 0, kCloudActionCount - 1, "cloud action")),
                (flags & 1) != 0, (flags & 2) != 0, checkedId(cloud.integer(4)), checkedId(cloud.integer(5)),
                checkedId(cloud.integer(6)), checkedId(cloud.integer(7)), checkedId(cloud.integer(8)),
                checkedId(cloud.integer(9)), checkedId(cloud.integer(10)), checkedId(cloud.integer(11)),
                checkedId(cloud.integer(12)) });
    }
}

void CaseFile::storeNewEvents(
    std::int64_t sourceId, const EventTable& table, std::size_t firstEvent, std::size_t firstString)
{
    storeNewStrings(table, firstString);
    writeEventChunks(*m_database, table, firstEvent, table.size(), sourceId);
    storeDetails(table, firstEvent, table.size(), 0);
}

void CaseFile::storeNewStrings(const EventTable& table, std::size_t firstString)
{
    auto insertString = m_database->prepare("INSERT INTO strings (id, text) VALUES (?1, ?2)");
    for (std::size_t id = firstString; id < table.strings().size(); ++id)
        insertString.bind(1, static_cast<std::int64_t>(id)).bind(2, table.text(static_cast<StringId>(id))).execute();
    if (firstString == 0) // a new case: the pool's empty string has id 0 too
        insertString.bind(1, std::int64_t(0)).bind(2, std::string_view()).execute();
}

void CaseFile::storeDetails(const EventTable& table, std::size_t first, std::size_t end, std::size_t indexBase)
{
    auto insertHttp
        = m_database->prepare("INSERT INTO http (event_index, url, user_agent, response_code) VALUES (?1, ?2, ?3, ?4)");
    for (std::size_t i = first; i < end; ++i)
        if (const EventTable::HttpDetails* details = table.http(static_cast<EventIndex>(i)))
            insertHttp.bind(1, static_cast<std::int64_t>(indexBase + i))
                .bind(2, static_cast<std::int64_t>(details->url))
                .bind(3, static_cast<std::int64_t>(details->userAgent))
                .bind(4, static_cast<std::int64_t>(details->responseCode))
                .execute();
    auto insertCloud = m_database->prepare(
        "INSERT INTO cloud_audit (event_index, provider, action, flags, service, resource, account, region, "
        "actor_type, user_agent, credential, error_code, exposure) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13)");
    for (const EventIndex i : table.cloudEvents())
        if (const CloudDetails* details = i >= first && i < end ? table.cloud(i) : nullptr) {
            insertCloud.bind(1, static_cast<std::int64_t>(indexBase + i))
                .bind(2, static_cast<std::int64_t>(details->provider))
                .bind(3, static_cast<std::int64_t>(details->action))
                .bind(4, std::int64_t((details->failed ? 1 : 0) | (details->makesPublic ? 2 : 0)));
            int column = 5;
            for (StringId id :
                { details->service, details->resource, details->account, details->region, details->actorType,
                    details->userAgent, details->credential, details->errorCode, details->exposure })
                insertCloud.bind(column++, static_cast<std::int64_t>(id));
            insertCloud.execute();
        }
}

Expected<void> CaseFile::loadStrings(EventTable& table)
{
    return guarded(m_path, [&] {
        table = EventTable {};
        table.setIdKey(m_idKey);
        readCaseStrings(*m_database, table);
    });
}

Expected<CaseFile::ImportResult> CaseFile::importFile(
    const std::string& path, EventTable& table, const ImportOptions& options)
{
    return importFileInto(path, table, options, false);
}

Expected<CaseFile::ImportResult> CaseFile::importFileStreaming(
    const std::string& path, EventTable& strings, const ImportOptions& options)
{
    if (!strings.empty())
        return failure(path + ": a streaming import takes the case's strings without its events (loadStrings)");
    return importFileInto(path, strings, options, true);
}

Expected<CaseFile::ImportResult> CaseFile::importFileInto(
    const std::string& path, EventTable& table, const ImportOptions& options, bool streaming)
{
    ImportResult result;
    // The table holds this case's events (loadEvents), its strings (loadStrings) or none yet: either way its ids hash
    // with the case's key.
    if (table.size() == 0 && !streaming)
        table.setIdKey(m_idKey);
    else if (table.idKey() != m_idKey)
        return failure(path + ": the events in memory belong to another case");
    // A case records each file's SHA-256 and reads it again to import: a stream (a pipe, /dev/stdin, <(zcat …))
    // would be consumed by the first pass, so it is refused up front rather than imported empty.
    struct stat status
    {
    };
    if (::stat(path.c_str(), &status) == 0 && !S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode)) {
        return failure(path
            + ": not a regular file (a pipe or a device); a case keeps each file's SHA-256, so save the "
              "stream to a file first, or score it without a case (cepheid-cli score reads streams)");
    }
    // A file imported before is not imported again. Only a source of the same size can hold the same bytes, so only
    // then is the file hashed before the import. Otherwise it is hashed as the import reads it (a separate pass over
    // the whole file used to add an eighth to an import's time, and reading it a second time on another thread still
    // cost a copy of every byte), and the rest after the import: what an import stopped at a limit did not read, or
    // the file's bytes past the probe when its reader reads it by path (Sysmon EVTX; slower to parse than to hash). A
    // gzip file's bytes on disk are not the ones the import reads: it is hashed on a thread of its own meanwhile.
    Sha256 readHash;
    std::uint64_t bytesHashed = 0;
    std::ifstream rest; // the same file as the import's, for the bytes the import did not read
    std::atomic<bool> stopHashing { false };
    std::future<Expected<std::string>> hashing;
    struct StopHashing
    {
        std::atomic<bool>& stop;
        std::future<Expected<std::string>>& hashing;
        ~StopHashing()
        {
            stop = true;
            if (hashing.valid())
                hashing.wait();
        }
    } stopHashingOnExit { stopHashing, hashing };
    const auto alreadyImported = [&]() -> bool {
        auto existing = m_database->prepare("SELECT events_read, events_rejected FROM sources WHERE sha256 = ?1");
        existing.bind(1, result.sha256);
        if (!existing.step())
            return false;
        result.alreadyImported = true;
        result.summary.path = path;
        result.summary.eventsRead = static_cast<std::uint64_t>(existing.integer(0));
        result.summary.eventsRejected = static_cast<std::uint64_t>(existing.integer(1));
        return true;
    };
    try {
        const auto fileSize = static_cast<std::int64_t>(std::filesystem::file_size(path));
        ImportWrite transaction(*m_database, m_importsAlone);
        // A streaming import's events go after the case's as it is now, under the write lock; its strings must be the
        // case's, or the ids it gives would collide with another import's.
        const std::uint64_t eventsBefore = countEvents();
        if (streaming ? table.strings().size() != storedStringCount(*m_database) : table.size() != eventsBefore)
            return failure(caseChanged(path));
        auto sameSize = m_database->prepare("SELECT 1 FROM sources WHERE size = ?1 LIMIT 1");
        sameSize.bind(1, fileSize);
        if (sameSize.step()) {
            const auto digest = sha256OfFile(path);
            if (!digest)
                return failure(path + ": " + digest.error());
            result.sha256 = *digest;
            if (alreadyImported())
                return result;
        } else if (startsLikeGzip(path)) {
            hashing = std::async(std::launch::async, [&] { return sha256OfFile(path, &stopHashing); });
        } else {
            rest.open(path, std::ios::binary);
            if (!rest)
                return failure(path + ": " + std::strerror(errno));
        }
        // Until the hash is known the row holds a placeholder no digest can equal (the write lock is ours, so no
        // other import can see it).
        auto insertSource = m_database->prepare(
            "INSERT INTO sources (path, size, sha256, format, layout, compressed, imported_at, events_read, "
            "events_rejected) VALUES (?1, ?2, ?3, '', '', 0, ?4, 0, 0)");
        insertSource.bind(1, std::filesystem::absolute(path).string())
            .bind(2, fileSize)
            .bind(3, result.sha256.empty() ? std::string("hashing") : result.sha256)
            .bind(4, nowRfc3339())
            .execute();
        const std::int64_t sourceId = m_database->lastInsertId();
        if (sourceId > 65535)
            throw sql::Error("a case holds at most 65535 imported files");

        const std::size_t firstEvent = table.size();
        const std::size_t firstString = table.strings().size();
        RawChunkWriter rawRecords(*m_database, sourceId);
        auto insertReject
            = m_database->prepare("INSERT INTO rejects (source_id, line, reason, excerpt) VALUES (?1, ?2, ?3, ?4)");
        ImportOptions caseOptions = options;
        if (rest.is_open())
            caseOptions.onFileBytes = [&](std::string_view bytes) {
                readHash.update(bytes.data(), bytes.size());
                bytesHashed += bytes.size();
            };
        caseOptions.onRawRecord
            = [&](std::uint64_t, std::uint64_t offset, std::string_view text) { rawRecords.add(offset, text); };
        // Streaming, the table holds the events not yet written, the first of them the case's event eventsBefore +
        // written.
        std::size_t written = 0;
        std::optional<EventChunkWriter> eventChunks;
        if (streaming) {
            eventChunks.emplace(*m_database, sourceId, eventsBefore);
            caseOptions.eventsElsewhere = eventsBefore;
            caseOptions.bytesElsewhere = storedColumnBytes(eventsBefore, storedIpCount(*m_database));
            caseOptions.onEventsMerged = [&](EventTable& events) -> ImportOptions::Written {
                if (events.size() < kEventsPerChunk && events.ipValueCount() < kIpsPerChunk)
                    return {}; // no chunk can be complete yet
                const std::size_t complete = eventChunks->addComplete(events);
                storeDetails(events, 0, complete, eventsBefore + written);
                const std::size_t ipsBefore = events.ipValueCount();
                events.dropFront(complete);
                written += complete;
                return { complete, storedColumnBytes(complete, ipsBefore - events.ipValueCount()) };
            };
        }
        // Every reject is counted (sources.events_rejected), the first limits.storedRejects are kept with line, reason
        // and excerpt: a 3 KB gzip of a million "{}" lines must not become a 92 MB case (docs/security.md).
        std::uint64_t storedRejects = 0;
        caseOptions.onReject = [&](const Reject& reject) {
            if (storedRejects++ >= options.limits.storedRejects)
                return;
            insertReject.bind(1, sourceId)
                .bind(2, static_cast<std::int64_t>(reject.line))
                .bind(3, reject.reason)
                .bind(4, reject.excerpt)
                .execute();
        };
        auto summary = cepheid::importFile(path, static_cast<std::uint16_t>(sourceId), table, caseOptions);
        if (!summary)
            return failure(summary.error()); // the transaction rolls back
        rawRecords.finish();
        if (summary->cancelled)
            return failure(path + ": import cancelled; the case is unchanged");

        if (streaming) {
            storeNewStrings(table, firstString);
            eventChunks->finish(table);
            storeDetails(table, 0, table.size(), eventsBefore + written);
            table.dropFront(table.size());
        } else {
            storeNewEvents(sourceId, table, firstEvent, firstString);
        }

        if (hashing.valid()) {
            auto digest = hashing.get();
            if (!digest)
                return failure(path + ": " + digest.error()); // the transaction rolls back
            result.sha256 = std::move(*digest);
        } else if (rest.is_open()) {
            // The bytes the import did not read (it stopped at a limit, or its reader reads the file by its path, as
            // libevtx does), up to the size the file had when the import began.
            if (const auto hashed
                = hashFileRange(rest, bytesHashed, static_cast<std::uint64_t>(fileSize), readHash, options.cancel);
                !hashed) {
                const bool cancelled = options.cancel && options.cancel->load();
                return failure(path + ": " + (cancelled ? "import cancelled; the case is unchanged" : hashed.error()));
            }
            result.sha256 = Sha256::hex(readHash.finish());
        }
        auto updateSource = m_database->prepare(
            "UPDATE sources SET format = ?2, layout = ?3, compressed = ?4, events_read = ?5, events_rejected = ?6, "
            "read_error = ?7, sha256 = ?8 WHERE id = ?1");
        updateSource.bind(1, sourceId)
            .bind(2, summary->format)
            .bind(3, summary->layout)
            .bind(4, static_cast<std::int64_t>(summary->compressed))
            .bind(5, static_cast<std::int64_t>(summary->eventsRead))
            .bind(6, static_cast<std::int64_t>(summary->eventsRejected));
        if (summary->readError.empty())
            updateSource.bindNull(7);
        else
            updateSource.bind(7, summary->readError);
        updateSource.bind(8, result.sha256);
        updateSource.execute();
        transaction.commit();
        result.summary = std::move(*summary);
        return result;
    } catch (const sql::Error& problem) {
        return failure(m_path + ": " + problem.what());
    } catch (const std::filesystem::filesystem_error& problem) {
        return failure(path + ": " + problem.what());
    }
}

Expected<CaseFile::ImportResult> CaseFile::importRemote(const RemoteSource& source, EventTable& table)
{
    ImportResult result;
    if (table.size() == 0)
        table.setIdKey(m_idKey);
    else if (table.idKey() != m_idKey)
        return failure(source.description + ": the events in memory belong to another case");
    try {
        ImportWrite transaction(*m_database, m_importsAlone);
        if (table.size() != countEvents())
            return failure(caseChanged(source.description));
        // The SHA-256 is that of the records, known only once they are read: until then the row holds a placeholder
        // no digest can equal (the write lock is ours).
        auto insertSource = m_database->prepare(
            "INSERT INTO sources (path, size, sha256, format, layout, compressed, imported_at, events_read, "
            "events_rejected) VALUES (?1, 0, 'hashing', ?2, 'rowbinary', 0, ?3, 0, 0)");
        insertSource.bind(1, source.description).bind(2, source.format).bind(3, nowRfc3339()).execute();
        const std::int64_t sourceId = m_database->lastInsertId();
        if (sourceId > 65535)
            throw sql::Error("a case holds at most 65535 imported sources");
        if (source.replaces) {
            auto replaced = m_database->prepare("SELECT format FROM sources WHERE id = ?1");
            replaced.bind(1, *source.replaces);
            if (!replaced.step() || replaced.text(0) != source.format)
                return failure(source.description + ": the case has no " + source.format + " source "
                    + std::to_string(*source.replaces) + " to refresh");
        }

        // Fetched apart, so that an answer imported before leaves the table as it was.
        EventTable fetched;
        fetched.setIdKey(m_idKey);
        RawChunkWriter rawRecords(*m_database, sourceId);
        // The digest must not depend on the order the server sent the rows in, which a table of several parts or a
        // server reading on several threads does not fix: it hashes the source's format and description, then the
        // records' own digests sorted (an empty answer from one table is not an empty answer from another).
        std::vector<std::array<std::uint8_t, 32>> recordDigests;
        std::uint64_t bytes = 0;
        const auto onRecord = [&](std::uint64_t row, std::string_view text) {
            rawRecords.add(row, text);
            Sha256 record;
            record.update(text.data(), text.size());
            recordDigests.push_back(record.finish());
            bytes += text.size() + 1;
        };
        auto query = source.fetch(fetched, static_cast<std::uint16_t>(sourceId), onRecord);
        if (!query)
            return failure(query.error()); // the transaction rolls back
        rawRecords.finish();
        std::sort(recordDigests.begin(), recordDigests.end());
        Sha256 hash;
        const std::string heading = source.format + "\n" + source.description + "\n";
        hash.update(heading.data(), heading.size());
        for (const auto& digest : recordDigests)
            hash.update(digest.data(), digest.size());
        result.sha256 = Sha256::hex(hash.finish());
        auto existing = m_database->prepare("SELECT events_read, id FROM sources WHERE sha256 = ?1");
        existing.bind(1, result.sha256);
        result.summary.path = source.description;
        result.summary.format = source.format;
        result.summary.query = *query;
        if (existing.step()) {
            result.alreadyImported = true;
            result.summary.eventsRead = static_cast<std::uint64_t>(existing.integer(0));
            const std::int64_t sameSource = existing.integer(1);
            existing.reset();
            if (source.replaces == sameSource) {
                // The source answers as before to how it was asked this time (a regex that chooses the same
                // destinations, a range with nothing new): its events stay, and it keeps this request, so that the
                // workbench stops calling it stale.
                m_database->prepare("DELETE FROM raw_chunks WHERE source_id = ?1").bind(1, sourceId).execute();
                m_database->prepare("DELETE FROM sources WHERE id = ?1").bind(1, sourceId).execute();
                auto keep = m_database->prepare("INSERT OR REPLACE INTO case_info (key, value) VALUES (?1, ?2)");
                keep.bind(1, "source_query:" + std::to_string(sameSource)).bind(2, *query).execute();
                if (!source.request.empty()) {
                    keep.reset();
                    keep.bind(1, "source_request:" + std::to_string(sameSource)).bind(2, source.request).execute();
                }
                transaction.commit();
            }
            return result; // otherwise the transaction rolls back: the case is as it was
        }
        if (source.replaces) {
            // The events after the old source's move up: the table is read again, as the transaction now sees it.
            removeSource(*source.replaces);
            table = EventTable {};
            readEventsInSnapshot(table);
        }

        const std::size_t firstEvent = table.size();
        const std::size_t firstString = table.strings().size();
        table.appendFrom(fetched, 0, static_cast<EventIndex>(fetched.size()));
        storeNewEvents(sourceId, table, firstEvent, firstString);
        auto updateSource
            = m_database->prepare("UPDATE sources SET size = ?2, sha256 = ?3, events_read = ?4 WHERE id = ?1");
        updateSource.bind(1, sourceId)
            .bind(2, static_cast<std::int64_t>(bytes))
            .bind(3, result.sha256)
            .bind(4, static_cast<std::int64_t>(fetched.size()))
            .execute();
        auto insertInfo = m_database->prepare("INSERT INTO case_info (key, value) VALUES (?1, ?2)");
        insertInfo.bind(1, "source_query:" + std::to_string(sourceId)).bind(2, *query).execute();
        if (!source.request.empty()) {
            insertInfo.reset();
            insertInfo.bind(1, "source_request:" + std::to_string(sourceId)).bind(2, source.request).execute();
        }
        transaction.commit();
        result.summary.eventsRead = fetched.size();
        result.summary.bytesRead = bytes;
        return result;
    } catch (const sql::Error& problem) {
        return failure(m_path + ": " + problem.what());
    }
}

void CaseFile::removeSource(std::int64_t sourceId)
{
    auto run = m_database->prepare(
        "SELECT count(*), min(first_event), sum(event_count), max(first_event + event_count) FROM event_chunks "
        "WHERE source_id = ?1");
    run.bind(1, sourceId);
    run.step();
    if (run.integer(0) > 0) {
        const std::int64_t first = run.integer(1), count = run.integer(2), end = run.integer(3);
        // Every import appends one run of chunks; a source whose chunks are not one run was not written by Cepheid.
        auto others = m_database->prepare(
            "SELECT count(*) FROM event_chunks WHERE first_event >= ?1 AND first_event < ?2 AND source_id <> ?3");
        others.bind(1, first).bind(2, end).bind(3, sourceId);
        others.step();
        if (end - first != count || others.integer(0) != 0)
            throw sql::Error(
                "the events of source " + std::to_string(sourceId) + " are not one run: the case was altered");
        m_database->prepare("DELETE FROM event_chunks WHERE source_id = ?1").bind(1, sourceId).execute();
        for (const char* details : { "http", "cloud_audit" }) {
            m_database->prepare(std::string("DELETE FROM ") + details + " WHERE event_index >= ?1 AND event_index < ?2")
                .bind(1, first)
                .bind(2, end)
                .execute();
        }
        // The later events move up by `count`. Through negative keys: a key moved straight to its new value could
        // meet one not yet moved, and a primary key may not repeat even for a moment.
        for (const auto& [table, key] : { std::pair { "event_chunks", "first_event" },
                 std::pair { "http", "event_index" }, std::pair { "cloud_audit", "event_index" } }) {
            const std::string name(table), column(key);
            m_database
                ->prepare(
                    "UPDATE " + name + " SET " + column + " = -(" + column + " - ?1) - 1 WHERE " + column + " >= ?2")
                .bind(1, count)
                .bind(2, end)
                .execute();
            m_database->execute(
                "UPDATE " + name + " SET " + column + " = -" + column + " - 1 WHERE " + column + " < 0");
        }
    }
    m_database->prepare("DELETE FROM raw_chunks WHERE source_id = ?1").bind(1, sourceId).execute();
    m_database->prepare("DELETE FROM rejects WHERE source_id = ?1").bind(1, sourceId).execute();
    m_database->prepare("DELETE FROM case_info WHERE key = ?1 OR key = ?2")
        .bind(1, "source_query:" + std::to_string(sourceId))
        .bind(2, "source_request:" + std::to_string(sourceId))
        .execute();
    m_database->prepare("DELETE FROM sources WHERE id = ?1").bind(1, sourceId).execute();
}

Expected<std::optional<std::string>> CaseFile::rawRecord(std::int64_t sourceId, std::uint64_t offset)
{
    return guarded(m_path, [&] { return readRawRecord(*m_database, sourceId, offset); });
}

Expected<std::vector<Reject>> CaseFile::rejects(std::int64_t sourceId, std::size_t limit)
{
    return guarded(m_path, [&] {
        std::vector<Reject> rejects;
        auto statement = m_database->prepare(
            "SELECT line, reason, excerpt FROM rejects WHERE source_id = ?1 ORDER BY rowid LIMIT ?2");
        statement.bind(1, sourceId);
        statement.bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
        while (statement.step())
            rejects.push_back({ static_cast<std::uint64_t>(std::max<std::int64_t>(statement.integer(0), 0)),
                std::string(statement.text(1)), std::string(statement.text(2)) });
        return rejects;
    });
}

Expected<TriageState> CaseFile::updateTriage(const TriageUpdate& update)
{
    auto states = updateTriage(std::vector<TriageUpdate> { update });
    if (!states)
        return failure(std::move(states.error()));
    return std::move(states->front());
}

Expected<std::vector<TriageState>> CaseFile::updateTriage(const std::vector<TriageUpdate>& updates)
{
    for (const TriageUpdate& update : updates)
        if (update.status && !isTriageStatus(*update.status))
            return failure(
                m_path + ": '" + *update.status + "' is not a triage status (" + triageStatusChoices() + ")");
    return guarded(m_path, [&] {
        sql::Transaction transaction(*m_database);
        std::vector<TriageState> states;
        for (const TriageUpdate& update : updates)
            states.push_back(applyTriage(update));
        transaction.commit();
        return states;
    });
}

TriageState CaseFile::applyTriage(const TriageUpdate& update)
{
    TriageState state
        = readFlowTriage(*m_database, update.sourceIp, update.destination, update.processPath)
              .value_or(TriageState { update.sourceIp, update.destination, update.processPath, "new", "", "", "", {} });
    const std::string fromStatus = state.status;
    const std::string status = update.status.value_or(state.status);
    const std::string notes = update.notes.value_or(state.notes);
    if (status == state.status && notes == state.notes)
        return state; // nothing changes: no row, no history entry that says nothing
    const std::string at = update.at.empty() ? nowRfc3339() : update.at;
    auto current = m_database->prepare(
        "INSERT INTO triage (src_ip, dest, proc_path, status, analyst, notes, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, ?7) ON CONFLICT (src_ip, dest, proc_path) DO UPDATE SET status = excluded.status, analyst = "
        "excluded.analyst, notes = excluded.notes, updated_at = excluded.updated_at");
    current.bind(1, update.sourceIp)
        .bind(2, update.destination)
        .bind(3, update.processPath)
        .bind(4, status)
        .bind(5, update.analyst)
        .bind(6, notes)
        .bind(7, at)
        .execute();
    auto history = m_database->prepare("INSERT INTO triage_history (src_ip, dest, proc_path, from_status, status, "
                                       "analyst, notes, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    history.bind(1, update.sourceIp)
        .bind(2, update.destination)
        .bind(3, update.processPath)
        .bind(4, fromStatus)
        .bind(5, status)
        .bind(6, update.analyst)
        .bind(7, notes)
        .bind(8, at)
        .execute();
    state.status = status;
    state.notes = notes;
    state.analyst = update.analyst;
    state.updatedAt = at;
    state.history.push_back({ fromStatus, status, update.analyst, notes, at });
    return state;
}

namespace {

std::vector<TriageState> readTriage(sql::Database& database, std::string_view where, const std::string* sourceIp,
    const std::string* destination, const std::string* processPath)
{
    std::vector<TriageState> states;
    std::map<std::tuple<std::string, std::string, std::string>, std::size_t> byFlow;
    auto statement = database.prepare(std::string("SELECT src_ip, dest, proc_path, status, analyst, notes, "
                                                  "updated_at FROM triage ")
        + std::string(where) + " ORDER BY updated_at, src_ip, dest, proc_path");
    auto history = database.prepare(std::string("SELECT src_ip, dest, proc_path, from_status, status, analyst, "
                                                "notes, at FROM triage_history ")
        + std::string(where) + " ORDER BY seq");
    if (sourceIp) {
        for (auto* query : { &statement, &history })
            query->bind(1, *sourceIp).bind(2, *destination).bind(3, *processPath);
    }
    while (statement.step()) {
        byFlow[{ std::string(statement.text(0)), std::string(statement.text(1)), std::string(statement.text(2)) }]
            = states.size();
        states.push_back({ std::string(statement.text(0)), std::string(statement.text(1)),
            std::string(statement.text(2)), std::string(statement.text(3)), std::string(statement.text(4)),
            std::string(statement.text(5)), std::string(statement.text(6)), {} });
    }
    while (history.step()) {
        const auto it
            = byFlow.find({ std::string(history.text(0)), std::string(history.text(1)), std::string(history.text(2)) });
        if (it != byFlow.end())
            states[it->second].history.push_back({ std::string(history.text(3)), std::string(history.text(4)),
                std::string(history.text(5)), std::string(history.text(6)), std::string(history.text(7)) });
    }
    return states;
}

std::optional<TriageState> readFlowTriage(sql::Database& database, const std::string& sourceIp,
    const std::string& destination, const std::string& processPath)
{
    auto states = readTriage(
        database, "WHERE src_ip = ?1 AND dest = ?2 AND proc_path = ?3", &sourceIp, &destination, &processPath);
    if (states.empty())
        return std::nullopt;
    return std::move(states.front());
}

} // namespace

Expected<std::vector<TriageState>> CaseFile::triage()
{
    return guarded(m_path, [&] { return readTriage(*m_database, "", nullptr, nullptr, nullptr); });
}

Expected<std::optional<TriageState>> CaseFile::triage(
    const std::string& sourceIp, const std::string& destination, const std::string& processPath)
{
    return guarded(m_path, [&] { return readFlowTriage(*m_database, sourceIp, destination, processPath); });
}

Expected<std::int64_t> CaseFile::saveProfile(
    const std::string& json, const std::string& author, const std::string& note)
{
    return guarded(m_path, [&] {
        auto statement
            = m_database->prepare("INSERT INTO profiles (created_at, author, note, json) VALUES (?1, ?2, ?3, ?4)");
        statement.bind(1, nowRfc3339()).bind(2, author).bind(3, note).bind(4, json).execute();
        return m_database->lastInsertId();
    });
}

Expected<std::vector<ProfileVersion>> CaseFile::profiles()
{
    return guarded(m_path, [&] {
        std::vector<ProfileVersion> versions;
        auto statement = m_database->prepare("SELECT id, created_at, author, note, json FROM profiles ORDER BY id");
        while (statement.step())
            versions.push_back({ statement.integer(0), std::string(statement.text(1)), std::string(statement.text(2)),
                std::string(statement.text(3)), std::string(statement.text(4)) });
        return versions;
    });
}

} // namespace cepheid
