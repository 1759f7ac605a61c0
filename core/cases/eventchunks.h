#pragma once

#include "model/eventtable.h"
#include "sqlite.h"

#include <cstdint>
#include <map>
#include <memory>

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

// Appends events [firstEvent, endEvent) of `table`, which all came from source `sourceId`, to the case.
void writeEventChunks(sql::Database& database, const EventTable& table, std::size_t firstEvent, std::size_t endEvent,
    std::int64_t sourceId);

// A batch import's events as they come (CaseFile::importFileStreaming): the table holds the events not yet written, the
// first of them the case's event `indexBase` at the start. Each chunk is gathered into its columns on the calling
// thread, which may then drop its events, compressed on one thread per core meanwhile, and inserted in order on the
// calling thread, which owns the connection. Chunks are cut where writeEventChunks cuts the same events, so a case is
// the same whichever wrote it.
class EventChunkWriter
{
public:
    EventChunkWriter(sql::Database& database, std::int64_t sourceId, std::size_t indexBase);
    ~EventChunkWriter();
    EventChunkWriter(const EventChunkWriter&) = delete;
    EventChunkWriter& operator=(const EventChunkWriter&) = delete;

    // Writes the table's complete chunks (kEventsPerChunk events, or as many IP values as a chunk holds) from its
    // first event, and returns how many events they hold: the caller drops them (EventTable::dropFront).
    std::size_t addComplete(const EventTable& table);
    // Writes all the table's events, the last chunk however small, and waits until every chunk is inserted.
    void finish(const EventTable& table);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Fills the empty `table`'s string pool with the case's strings, each under the id it was stored with.
void readCaseStrings(sql::Database& database, EventTable& table);
// The size of the pool readCaseStrings fills: the stored strings and the empty one.
std::size_t storedStringCount(sql::Database& database);

// Fills the empty `table` (its string pool already holding the case's strings) with every stored event. Throws
// sql::Error naming the chunk when a chunk is damaged (its checksum) or altered (a value no import writes), or when
// the chunks claim more events than this process's memory holds; the table then holds unset positions and must be
// discarded (CaseFile::readEvents empties it).
void readEventChunks(sql::Database& database, EventTable& table);

// The memory the columns of `events` events listing `ips` IP values take once a case is loaded (the strings apart):
// what loading a case checks against the memory this process may use, and a streaming import against its limit.
std::uint64_t storedColumnBytes(std::uint64_t events, std::uint64_t ips);
// The IP values the case's events list.
std::uint64_t storedIpCount(sql::Database& database);

// Events the case holds: all of them, and by source id.
std::uint64_t storedEventCount(sql::Database& database);
std::map<std::int64_t, std::uint64_t> storedEventCountBySource(sql::Database& database);

// Schema 5 -> 6: the events rows of an older case become chunks, in the same order (the http and cloud_audit tables
// keep pointing at the same event indexes). Checks every row as loading did, so an altered case is refused here.
void convertEventRowsToChunks(sql::Database& database);

} // namespace cepheid
