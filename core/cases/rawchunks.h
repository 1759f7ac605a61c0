#pragma once

#include "ingest/batchqueue.h"
#include "sqlite.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cepheid {

// Writes one import's raw records into raw_chunks (see schema.cpp): records are gathered until a chunk holds
// about 64 KiB, then compressed together (chunkcompression.h) when that saves at least a tenth. Compression runs on a
// thread of its own, so that it overlaps the import's parsing and interning; the chunks are inserted on the calling
// thread (the SQLite connection is not shared), in whatever order they finish.
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
        std::vector<std::uint8_t> compressed;
        bool isCompressed = false;
    };
    void flush(); // hands the chunk being filled to the compressing thread
    void storeFinished(bool waitForAll);
    void store(const Chunk& chunk);

    sql::Statement m_insert;
    std::int64_t m_sourceId;
    std::unique_ptr<Chunk> m_current;
    // At most kQueued chunks wait for compression; finished ones are stored before each hand-over, so the finished
    // queue (larger than what can be in flight between two hand-overs) never blocks the compressing thread.
    static constexpr std::size_t kQueued = 4;
    BatchQueue<std::unique_ptr<Chunk>> m_toCompress { kQueued };
    BatchQueue<std::unique_ptr<Chunk>> m_finished { kQueued + 4 };
    std::size_t m_inFlight = 0;
    std::vector<std::unique_ptr<Chunk>> m_spare; // stored chunks, to be filled again
    std::jthread m_compressor;
};

// The original text of the record that starts at `offset` in source `sourceId`, or nullopt.
std::optional<std::string> readRawRecord(sql::Database& database, std::int64_t sourceId, std::uint64_t offset);

// Reads every chunk back: its index whole, its content inflating to what the index says, its records within its
// offsets. Each damaged chunk adds a problem; returns the records checked.
std::uint64_t verifyRawChunks(sql::Database& database, std::vector<std::string>& problems);

} // namespace cepheid
