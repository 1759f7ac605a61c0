#pragma once

#include "sqlite.h"

#include <string>

namespace cepheid {

// 'CEPH': PRAGMA application_id of every case file, so another application's SQLite file is told apart.
inline constexpr std::int64_t kCaseApplicationId = 0x43455048;

// The newest schema this build writes. Each version is a forward migration from the one before.
int latestSchemaVersion();

// Brings a case to `targetVersion` (default: latest), inside one transaction. Refuses files that are not
// Cepheid cases or that a newer build wrote. Throws sql::Error with a message meant for the analyst.
void migrate(sql::Database& database, int targetVersion = -1);

// Checks, without writing, that a file is a case this build can read as it is (schema 6 or later).
void checkReadable(sql::Database& database);

// Refuses (sql::Error naming what was found) a case whose schema objects are not exactly those Cepheid creates at
// `version`: same tables and indexes with the same SQL, and no trigger or view. A shared case could otherwise run
// code on our writes (a trigger adding an allowlist entry, deleting imported events, rewriting triage) or show
// something else under a table's name (a view). Reads only sqlite_schema, so it is safe before anything else.
void checkSchemaObjects(sql::Database& database, int version);

// Reads, without writing, the schema version of a case (0 for an empty database); throws for files that are not
// SQLite, belong to another application, or come from a newer Cepheid.
int caseSchemaVersion(sql::Database& database);

} // namespace cepheid
