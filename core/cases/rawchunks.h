#pragma once

#include "sqlite.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// Writes one import's raw records into raw_chunks (see schema.cpp): records are gathered until a chunk holds
// about 64 KiB, then compressed together (chunkcompression.h) when that saves at least a tenth.
class RawChunkWriter
{
public:
    RawChunkWriter(sql::Database& database, std::int64_t sourceId);
    void add(std::uint64_t offset, std::string_view text);
    void finish(); // writes the last, partly filled chunk

private:
    struct IndexEntry
    {
        std::uint64_t offset;
        std::uint32_t position;
        std::uint32_t length;
    };
    void flush();

    sql::Statement m_insert;
    std::int64_t m_sourceId;
    std::string m_content;
    std::vector<IndexEntry> m_index;
    std::vector<std::uint8_t> m_compressed;
};

// The original text of the record that starts at `offset` in source `sourceId`, or nullopt.
std::optional<std::string> readRawRecord(sql::Database& database, std::int64_t sourceId, std::uint64_t offset);

// Reads every chunk back: its index whole, its content inflating to what the index says, its records within its
// offsets. Each damaged chunk adds a problem; returns the records checked.
std::uint64_t verifyRawChunks(sql::Database& database, std::vector<std::string>& problems);

} // namespace cepheid
