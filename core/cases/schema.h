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

// Checks, without writing, that a file is a case this build can read at the latest schema.
void checkReadable(sql::Database& database);

// Reads, without writing, the schema version of a case (0 for an empty database); throws for files that are not
// SQLite, belong to another application, or come from a newer Cepheid.
int caseSchemaVersion(sql::Database& database);

} // namespace cepheid
