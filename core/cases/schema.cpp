#include "schema.h"

#include "eventchunks.h"

#include <array>
#include <map>
#include <vector>

namespace cepheid {

namespace {

// Version 1: imports. Strings are stored once, in pool order, so a case reopens to the same interned ids.
// Raw records are kept in chunks of about 64 KiB: their texts back to back, compressed together (JSON records
// share their keys, so a chunk compresses several times better than a record alone, and far faster), with an
// index of (file offset, position in the chunk, length) per record.
// Byte counts are NULL when the source has none (absent is not zero).
constexpr const char* kVersion1 = R"sql(
CREATE TABLE case_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL, layout TEXT NOT NULL, compressed INTEGER NOT NULL, imported_at TEXT NOT NULL,
    events_read INTEGER NOT NULL, events_rejected INTEGER NOT NULL, read_error TEXT);
CREATE TABLE strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE events (
    id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id), line INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL, timestamp_us INTEGER NOT NULL, id_hash INTEGER NOT NULL,
    event_type INTEGER NOT NULL, direction INTEGER NOT NULL, principal_hostname INTEGER NOT NULL,
    principal_ips BLOB, process_path INTEGER NOT NULL, process_id INTEGER NOT NULL,
    target_hostname INTEGER NOT NULL, target_ips BLOB, target_port INTEGER NOT NULL,
    bytes_sent INTEGER, bytes_received INTEGER, user_name INTEGER NOT NULL);
CREATE TABLE raw_chunks (
    source_id INTEGER NOT NULL REFERENCES sources(id), first_offset INTEGER NOT NULL, last_offset INTEGER NOT NULL,
    compressed INTEGER NOT NULL, record_index BLOB NOT NULL, content BLOB NOT NULL,
    PRIMARY KEY (source_id, first_offset)) WITHOUT ROWID;
CREATE TABLE rejects (
    source_id INTEGER NOT NULL REFERENCES sources(id), line INTEGER NOT NULL, reason TEXT NOT NULL, excerpt TEXT);
)sql";

// Version 2: tuning history and triage state (keyed by flow, so it survives re-scoring and new profiles).
constexpr const char* kVersion2 = R"sql(
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, author TEXT NOT NULL, note TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE triage (
    src_ip TEXT NOT NULL, dest TEXT NOT NULL, proc_path TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'investigating', 'benign', 'malicious', 'false-positive')),
    analyst TEXT NOT NULL, notes TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (src_ip, dest, proc_path)) WITHOUT ROWID;
CREATE INDEX events_by_source ON events(source_id);
)sql";

// Version 3: every triage change is kept (status from → to, analyst, notes, time), oldest first by seq. The
// triage table stays the current state; a change and its history row are written in one transaction. Cases of
// schema 2 carry their current state over as each flow's first history entry (there was no earlier record).
// HTTP details (URL, user agent, status) of the events that have them, keyed by the event's index in load order
// (events ORDER BY id): a sparse table, as in memory.
constexpr const char* kVersion3 = R"sql(
CREATE TABLE http (
    event_index INTEGER PRIMARY KEY, url INTEGER NOT NULL, user_agent INTEGER NOT NULL,
    response_code INTEGER NOT NULL);
CREATE TABLE triage_history (
    seq INTEGER PRIMARY KEY, src_ip TEXT NOT NULL, dest TEXT NOT NULL, proc_path TEXT NOT NULL,
    from_status TEXT NOT NULL, status TEXT NOT NULL, analyst TEXT NOT NULL, notes TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX triage_history_by_flow ON triage_history(src_ip, dest, proc_path, seq);
INSERT INTO triage_history (src_ip, dest, proc_path, from_status, status, analyst, notes, at)
    SELECT src_ip, dest, proc_path, 'new', status, analyst, notes, updated_at FROM triage ORDER BY updated_at;
)sql";

// Version 4: events from formats whose records name each other (docs/formats.md, "Names from other records"): what
// an event is for (0 connection, 1 DNS answer, 2 session name), the key that finds its partners (the 64-bit hash of a
// Zeek uid or a Sysmon ProcessGuid, 0 for none: EventTable::joinKeyHash) and where its hostname came from (the
// HostnameSource enum). Older events are connections with their record's own name.
constexpr const char* kVersion4 = R"sql(
ALTER TABLE events ADD COLUMN role INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN join_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN hostname_source INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 5: cloud audit records (role 3; docs/cloud-audit.md) keep their details in a sparse table keyed by the
// event's index in load order, as the HTTP details are: provider and action are the CloudProvider and CloudAction
// enums, flags bit 0 a refused call and bit 1 a call that made the function public, the rest string ids.
constexpr const char* kVersion5 = R"sql(
CREATE TABLE cloud_audit (
    event_index INTEGER PRIMARY KEY, provider INTEGER NOT NULL, action INTEGER NOT NULL, flags INTEGER NOT NULL,
    service INTEGER NOT NULL, resource INTEGER NOT NULL, account INTEGER NOT NULL, region INTEGER NOT NULL,
    actor_type INTEGER NOT NULL, user_agent INTEGER NOT NULL, credential INTEGER NOT NULL, error_code INTEGER NOT NULL,
    exposure INTEGER NOT NULL);
)sql";

// Version 6: events as column chunks (eventchunks.h, docs/case-format.md) instead of a row each: a case reopens at
// memory speed. Each chunk holds up to 65,536 events of one source, numbered from first_event in load order (what the
// http and cloud_audit tables' event_index count), its columns compressed together with a checksum (compression:
// ChunkCompression). The rows of an older case are converted (convertEventRowsToChunks), then dropped. Raw chunks
// written from now on are Zstandard (raw_chunks.compressed 2); older zlib ones (1) are still read.
constexpr const char* kVersion6 = R"sql(
CREATE TABLE event_chunks (
    first_event INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id),
    event_count INTEGER NOT NULL, ip_count INTEGER NOT NULL, compression INTEGER NOT NULL, columns BLOB NOT NULL);
)sql";

// Version 7: event chunks are written as byte planes (event_chunks.compression 3; docs/case-format.md). No table
// changes: the version is raised so that an older Cepheid refuses a case it could not read ("written by a newer
// Cepheid") instead of calling its chunks damaged. A schema-6 case is read as it is (kOldestReadAsIs).
constexpr const char* kVersion7 = "SELECT 1";

constexpr std::array<const char*, 7> kMigrations
    = { kVersion1, kVersion2, kVersion3, kVersion4, kVersion5, kVersion6, kVersion7 };

// The oldest schema this build reads without upgrading it first (read-only cases, another build's cases): every
// migration after it changes only what is written, not what is read.
constexpr int kOldestReadAsIs = 6;

bool hasTables(sql::Database& database)
{
    auto statement = database.prepare("SELECT count(*) FROM sqlite_schema");
    return statement.step() && statement.integer(0) > 0;
}

// Reading the header is the first access: a file that is not SQLite fails here, with SQLite's own words.
void checkIdentity(sql::Database& database, int& version)
{
    std::int64_t applicationId = 0;
    try {
        applicationId = database.pragmaInteger("application_id");
        version = static_cast<int>(database.pragmaInteger("user_version"));
    } catch (const sql::Error& error) {
        throw sql::Error(std::string("not a Cepheid case file (") + error.what() + ")");
    }
    if (applicationId != kCaseApplicationId && (applicationId != 0 || hasTables(database)))
        throw sql::Error("not a Cepheid case file: an SQLite database of another application");
    if (version > latestSchemaVersion())
        throw sql::Error("this case was written by a newer Cepheid (schema " + std::to_string(version)
            + "); this build reads schemas up to " + std::to_string(latestSchemaVersion()));
}

} // namespace

int latestSchemaVersion()
{
    return static_cast<int>(kMigrations.size());
}

int caseSchemaVersion(sql::Database& database)
{
    int version = 0;
    checkIdentity(database, version);
    return version;
}

void migrate(sql::Database& database, int targetVersion)
{
    if (targetVersion < 0)
        targetVersion = latestSchemaVersion();
    int version = 0;
    checkIdentity(database, version);
    if (version >= targetVersion)
        return;
    sql::Transaction transaction(database);
    database.execute("PRAGMA application_id = " + std::to_string(kCaseApplicationId));
    for (int next = version + 1; next <= targetVersion; ++next) {
        database.execute(kMigrations[static_cast<std::size_t>(next - 1)]);
        if (next == 6)
            convertEventRowsToChunks(database); // data SQL alone cannot move
    }
    database.execute("PRAGMA user_version = " + std::to_string(targetVersion));
    transaction.commit();
}

namespace {

struct SchemaObject
{
    std::string type, name, table, sql;
    friend bool operator==(const SchemaObject&, const SchemaObject&) = default;
};

std::map<std::string, SchemaObject> schemaObjects(sql::Database& database)
{
    std::map<std::string, SchemaObject> objects;
    auto statement = database.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema");
    while (statement.step()) {
        SchemaObject object { std::string(statement.text(0)), std::string(statement.text(1)),
            std::string(statement.text(2)), statement.isNull(3) ? std::string() : std::string(statement.text(3)) };
        objects[object.name] = std::move(object);
    }
    return objects;
}

} // namespace

void checkSchemaObjects(sql::Database& database, int version)
{
    if (version == 0)
        return; // empty: nothing to trust yet, and Create writes the schema itself
    // What Cepheid would have created: the migrations up to `version`, in memory.
    sql::Database reference(":memory:", false, true);
    migrate(reference, version);
    const std::map<std::string, SchemaObject> expected = schemaObjects(reference);
    const std::map<std::string, SchemaObject> found = schemaObjects(database);
    std::vector<std::string> problems;
    for (const auto& [name, object] : found) {
        const auto wanted = expected.find(name);
        if (wanted == expected.end())
            problems.push_back(object.type + " '" + name + "'" + (object.table != name ? " on " + object.table : "")
                + ", which Cepheid never creates");
        else if (wanted->second.type != object.type)
            problems.push_back("'" + name + "' is a " + object.type + ", not Cepheid's " + wanted->second.type);
        else if (wanted->second != object)
            problems.push_back(object.type + " '" + name + "' is not defined as Cepheid defines it");
    }
    for (const auto& [name, object] : expected)
        if (!found.count(name))
            problems.push_back(object.type + " '" + name + "' is missing");
    if (problems.empty())
        return;
    std::string message = "the case's schema was altered, so it is not opened (a shared case must not run code or "
                          "show other data): ";
    for (std::size_t i = 0; i < problems.size() && i < 5; ++i)
        message += (i ? "; " : "") + problems[i];
    if (problems.size() > 5)
        message += "; and " + std::to_string(problems.size() - 5) + " more";
    throw sql::Error(message);
}

void checkReadable(sql::Database& database)
{
    int version = 0;
    checkIdentity(database, version);
    if (version == 0)
        throw sql::Error("not a Cepheid case file (empty database)");
    if (version < kOldestReadAsIs)
        throw sql::Error("this case uses schema " + std::to_string(version)
            + "; open it once read-write to upgrade it to schema " + std::to_string(latestSchemaVersion()));
}

} // namespace cepheid
