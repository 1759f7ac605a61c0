#pragma once

#include "model/eventtable.h"
#include "sqlite.h"

#include <cstdint>
#include <map>

namespace cepheid {

// A case's events as column chunks (table event_chunks, schema 6; docs/case-format.md): up to kEventsPerChunk events
// of one source, each column back to back in one compressed blob. Reopening a case reads a few dozen blobs instead of
// a row per event, checks every value with a loop per column, and appends whole columns to the EventTable.

inline constexpr std::size_t kEventsPerChunk = 65536;

// How an event chunk's columns are stored (event_chunks.compression): ChunkCompression's kinds hold the columns as
// they are (Stored, or Zstd before schema 7); since schema 7 each column is written as byte planes, then the chunk is
// compressed with Zstandard (docs/case-format.md, "Event chunks").
inline constexpr std::int64_t kZstdBytePlanes = 3;

// Appends events [firstEvent, endEvent) of `table`, which all came from source `sourceId`, to the case.
void writeEventChunks(sql::Database& database, const EventTable& table, std::size_t firstEvent, std::size_t endEvent,
    std::int64_t sourceId);

// Fills the empty `table`'s string pool with the case's strings, each under the id it was stored with.
void readCaseStrings(sql::Database& database, EventTable& table);

// Appends every stored event to `table`, whose string pool already holds the case's strings. Throws sql::Error
// naming the chunk when a chunk is damaged (its checksum) or altered (a value no import writes).
void readEventChunks(sql::Database& database, EventTable& table);

// Events the case holds: all of them, and by source id.
std::uint64_t storedEventCount(sql::Database& database);
std::map<std::int64_t, std::uint64_t> storedEventCountBySource(sql::Database& database);

// Schema 5 -> 6: the events rows of an older case become chunks, in the same order (the http and cloud_audit tables
// keep pointing at the same event indexes). Checks every row as loading did, so an altered case is refused here.
void convertEventRowsToChunks(sql::Database& database);

} // namespace cepheid
