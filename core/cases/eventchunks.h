#pragma once

#include "model/eventtable.h"
#include "sqlite.h"

#include <cstdint>
#include <map>

namespace cepheid {

// A case's events as column chunks (table event_chunks, schema 6, byte planes since schema 7; docs/case-format.md): up
// to kEventsPerChunk events of one source, each column back to back in one compressed blob. Reopening a case reads a
// few dozen blobs instead of a row per event, decodes them on every core straight into the EventTable's columns, and
// checks every value there with a loop per column.

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

// Fills the empty `table` (its string pool already holding the case's strings) with every stored event. Throws
// sql::Error naming the chunk when a chunk is damaged (its checksum) or altered (a value no import writes), or when
// the chunks claim more events than this process's memory holds; the table then holds unset positions and must be
// discarded (CaseFile::readEvents empties it).
void readEventChunks(sql::Database& database, EventTable& table);

// Events the case holds: all of them, and by source id.
std::uint64_t storedEventCount(sql::Database& database);
std::map<std::int64_t, std::uint64_t> storedEventCountBySource(sql::Database& database);

// Schema 5 -> 6: the events rows of an older case become chunks, in the same order (the http and cloud_audit tables
// keep pointing at the same event indexes). Checks every row as loading did, so an altered case is refused here.
void convertEventRowsToChunks(sql::Database& database);

} // namespace cepheid
