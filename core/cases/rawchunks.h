#pragma once

#include "chunkcompression.h"
#include "sqlite.h"
#include "util/orderedworkers.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// Writes one import's raw records into raw_chunks (see schema.cpp): records are gathered until a chunk holds
// about 64 KiB, then compressed together (chunkcompression.h) when that saves at least a tenth. Compression runs on one
// thread per core, overlapping the import's parsing and interning (on one thread it was the import's slowest stage:
// the parsing threads waited for it); the chunks are inserted on the calling thread (the SQLite connection is not
// shared), in the order their records came.
class RawChunkWriter
{
public:
    RawChunkWriter(sql::Database& database, std::int64_t sourceId);
    ~RawChunkWriter();
    RawChunkWriter(const RawChunkWriter&) = delete;
    RawChunkWriter& operator=(const RawChunkWriter&) = delete;

    void add(std::uint64_t offset, std::string_view text);
    void finish(); // writes the last, partly filled chunk and waits for every chunk to be stored

private:
    struct IndexEntry
    {
        std::uint64_t offset;
        std::uint32_t position;
        std::uint32_t length;
    };
    static_assert(sizeof(IndexEntry) == 16);
    struct Chunk
    {
        std::string content;
        std::vector<IndexEntry> index;
        ChunkBytes compressed;
        bool isCompressed = false;
    };
    // Chunks go to the compressing threads in groups of about kGroupBytes: one at a time, each 64 KiB chunk cost a
    // handful of futex calls and context switches (22,000 for a 1 M-event import), which the 2-core VM charges dearly.
    using Group = std::vector<std::unique_ptr<Chunk>>;
    static constexpr std::size_t kGroupBytes = std::size_t(1) << 20;

    void flush(); // closes the chunk being filled, and hands its group over once full
    void submitGroup(); // hands the group being gathered to the compressing threads
    void storeAndRecycle(Group group);
    void store(const Chunk& chunk);

    sql::Statement m_insert;
    std::int64_t m_sourceId;
    std::unique_ptr<Chunk> m_current;
    Group m_group; // closed chunks not yet handed over
    std::size_t m_groupBytes = 0;
    std::vector<std::unique_ptr<Chunk>> m_spare; // stored chunks, to be filled again
    // What happens to each compressed group, in order, on this thread.
    const std::function<void(Group)> m_storeAndRecycle = [this](Group group) { storeAndRecycle(std::move(group)); };
    // Groups waiting for a compressing thread or for their turn to be stored, per thread: enough to keep every thread
    // busy while this one inserts. At most kMaxQueued in all: a chunk may hold one record of up to 64 MiB, which
    // closes its group by itself.
    static constexpr std::size_t kQueuedPerThread = 3, kMaxQueued = 8;
    OrderedWorkers<Group, Group> m_compressors; // last: its threads end first
};

// The original text of the record that starts at `offset` in source `sourceId`, or nullopt.
std::optional<std::string> readRawRecord(sql::Database& database, std::int64_t sourceId, std::uint64_t offset);

// Reads every chunk back: its index whole, its content inflating to what the index says, its records within its
// offsets. Each damaged chunk adds a problem; returns the records checked.
std::uint64_t verifyRawChunks(sql::Database& database, std::vector<std::string>& problems);

} // namespace cepheid
