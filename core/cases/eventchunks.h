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
// A chunk is also closed once it holds this many IP values, so that no chunk, however many addresses its records list,
// asks for more than about 23 MB to read back.
inline constexpr std::size_t kIpsPerChunk = std::size_t(1) << 22;

// How an event chunk's columns are stored (event_chunks.compression): ChunkCompression's kinds hold the columns as
// they are (Stored, or Zstd before schema 7); since schema 7 each column is written as byte planes, then the chunk is
// compressed with Zstandard (docs/case-format.md, "Event chunks").
inline constexpr std::int64_t kZstdBytePlanes = 3;

// Appends events [firstEvent, endEvent) of `table`, which all came from source `sourceId`, to the case, where the
// table's first event is the case's event `indexBase` (0: the table holds the whole case).
void writeEventChunks(sql::Database& database, const EventTable& table, std::size_t firstEvent, std::size_t endEvent,
    std::int64_t sourceId, std::size_t indexBase = 0);

// A batch import's step (CaseFile::importFileStreaming): appends the table's events, from its first, up to the end of
// its last complete chunk (kEventsPerChunk events, or as many IP values as a chunk holds), and returns that end. The
// chunks are cut where writeEventChunks would cut the same events, so a case is the same whichever wrote it.
std::size_t writeCompleteEventChunks(
    sql::Database& database, const EventTable& table, std::int64_t sourceId, std::size_t indexBase);

// Fills the empty `table`'s string pool with the case's strings, each under the id it was stored with.
void readCaseStrings(sql::Database& database, EventTable& table);
// The size of the pool readCaseStrings fills: the stored strings and the empty one.
std::size_t storedStringCount(sql::Database& database);

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
