#include "rawchunks.h"

#include "chunkcompression.h"
#include "ingest/jsonrecordsplitter.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace cepheid {

namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kMaxChunkContent = JsonRecordSplitter::kDefaultMaxRecordBytes + 2 * kChunkBytes;
constexpr std::size_t kMaxSpare = 64; // chunks kept to be filled again: about four groups

struct StoredEntry
{
    std::uint64_t offset;
    std::uint32_t position;
    std::uint32_t length;
};
static_assert(sizeof(StoredEntry) == 16);

} // namespace

RawChunkWriter::RawChunkWriter(sql::Database& database, std::int64_t sourceId)
    : m_insert(
        database.prepare("INSERT INTO raw_chunks (source_id, first_offset, last_offset, compressed, record_index, "
                         "content) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"))
    , m_sourceId(sourceId)
    , m_current(std::make_unique<Chunk>())
    , m_compressors(workerThreads(), std::min<std::size_t>(kQueuedPerThread * workerThreads(), kMaxQueued), [] {
        return [](Group& group) {
            for (const std::unique_ptr<Chunk>& chunk : group)
                chunk->isCompressed = compressChunk(
                    { reinterpret_cast<const std::uint8_t*>(chunk->content.data()), chunk->content.size() },
                    chunk->compressed);
            return std::move(group);
        };
    })
{
    m_current->content.reserve(kChunkBytes * 2);
}

RawChunkWriter::~RawChunkWriter() = default;

void RawChunkWriter::add(std::uint64_t offset, std::string_view text)
{
    m_current->index.push_back(
        { offset, static_cast<std::uint32_t>(m_current->content.size()), static_cast<std::uint32_t>(text.size()) });
    m_current->content.append(text);
    if (m_current->content.size() >= kChunkBytes)
        flush();
}

void RawChunkWriter::finish()
{
    flush();
    submitGroup();
    m_compressors.drain(m_storeAndRecycle);
}

void RawChunkWriter::flush()
{
    if (m_current->index.empty())
        return;
    m_groupBytes += m_current->content.size();
    m_group.push_back(std::move(m_current));
    // A stored chunk is filled again: fresh 128 KiB buffers would each fault their pages in.
    if (!m_spare.empty()) {
        m_current = std::move(m_spare.back());
        m_spare.pop_back();
    } else {
        m_current = std::make_unique<Chunk>();
        m_current->content.reserve(kChunkBytes * 2);
    }
    if (m_groupBytes >= kGroupBytes)
        submitGroup();
}

void RawChunkWriter::submitGroup()
{
    if (m_group.empty())
        return;
    Group group = std::exchange(m_group, {});
    m_groupBytes = 0;
    m_compressors.submit(std::move(group), m_storeAndRecycle);
}

void RawChunkWriter::storeAndRecycle(Group group)
{
    for (std::unique_ptr<Chunk>& chunk : group) {
        store(*chunk);
        // A chunk that held a record of many megabytes gives its memory back rather than keep it for the whole
        // import.
        // And a window of groups is enough to keep: more would only hold memory until the import ends.
        if (chunk->content.capacity() > kChunkBytes * 4 || chunk->compressed.capacity() > kChunkBytes * 4
            || m_spare.size() >= kMaxSpare)
            continue;
        chunk->content.clear();
        chunk->index.clear();
        m_spare.push_back(std::move(chunk));
    }
}

void RawChunkWriter::store(const Chunk& chunk)
{
    const std::span<const std::uint8_t> indexBytes(
        reinterpret_cast<const std::uint8_t*>(chunk.index.data()), chunk.index.size() * sizeof(IndexEntry));
    const std::span<const std::uint8_t> content = chunk.isCompressed
        ? std::span<const std::uint8_t>(chunk.compressed)
        : std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(chunk.content.data()), chunk.content.size());
    m_insert.bind(1, m_sourceId)
        .bind(2, static_cast<std::int64_t>(chunk.index.front().offset))
        .bind(3, static_cast<std::int64_t>(chunk.index.back().offset))
        .bind(4, static_cast<std::int64_t>(chunk.isCompressed ? ChunkCompression::Zstd : ChunkCompression::Stored))
        .bindBlob(5, indexBytes)
        .bindBlob(6, content)
        .execute();
}

namespace {

// A chunk's index and content as stored; the content decompressed and checked against the index. nullopt when the
// chunk is damaged or altered (an index claiming more than a chunk holds, content that does not inflate to it).
struct Chunk
{
    std::vector<StoredEntry> index;
    std::string content;
};

std::optional<Chunk> readChunk(std::span<const std::uint8_t> indexBytes, std::int64_t compression,
    std::span<const std::uint8_t> stored, std::string& problem)
{
    Chunk chunk;
    if (indexBytes.size() % sizeof(StoredEntry) != 0 || indexBytes.empty()) {
        problem = "its record index is " + std::to_string(indexBytes.size()) + " bytes, not whole entries";
        return std::nullopt;
    }
    chunk.index.resize(indexBytes.size() / sizeof(StoredEntry));
    std::memcpy(chunk.index.data(), indexBytes.data(), indexBytes.size());
    std::size_t contentSize = 0;
    for (const StoredEntry& e : chunk.index)
        contentSize = std::max<std::size_t>(contentSize, std::size_t(e.position) + e.length);
    // A chunk holds records up to about kChunkBytes, or one record up to the reader's cap: an index claiming more
    // was altered, and must not make us allocate what it says (a crafted case asked for 8.4 GB).
    if (contentSize > kMaxChunkContent) {
        problem = "its record index claims " + std::to_string(contentSize) + " bytes";
        return std::nullopt;
    }
    // Stored chunks of cases before schema 6 may hold more than their records reach; every other is exact.
    const auto how = static_cast<ChunkCompression>(compression);
    chunk.content.resize(how == ChunkCompression::Stored ? stored.size() : contentSize);
    if (!decompressChunk(
            how, stored, chunk.content.size(), reinterpret_cast<std::uint8_t*>(chunk.content.data()), problem))
        return std::nullopt;
    if (contentSize > chunk.content.size()) {
        problem = "its records lie past its content";
        return std::nullopt;
    }
    return chunk;
}

} // namespace

std::optional<std::string> readRawRecord(sql::Database& database, std::int64_t sourceId, std::uint64_t offset)
{
    auto statement = database.prepare("SELECT last_offset, compressed, record_index, content FROM raw_chunks WHERE "
                                      "source_id = ?1 AND first_offset <= "
                                      "?2 ORDER BY first_offset DESC LIMIT 1");
    statement.bind(1, sourceId).bind(2, static_cast<std::int64_t>(offset));
    if (!statement.step() || static_cast<std::uint64_t>(statement.integer(0)) < offset)
        return std::nullopt;
    std::string problem;
    const auto chunk = readChunk(statement.blob(2), statement.integer(1), statement.blob(3), problem);
    if (!chunk)
        return std::nullopt;
    const auto entry = std::find_if(
        chunk->index.begin(), chunk->index.end(), [&](const StoredEntry& e) { return e.offset == offset; });
    if (entry == chunk->index.end())
        return std::nullopt;
    return chunk->content.substr(entry->position, entry->length);
}

std::uint64_t verifyRawChunks(sql::Database& database, std::vector<std::string>& problems)
{
    auto statement = database.prepare(
        "SELECT source_id, first_offset, last_offset, compressed, record_index, content FROM raw_chunks");
    std::uint64_t records = 0;
    while (statement.step()) {
        const std::string where = "raw chunk of source " + std::to_string(statement.integer(0)) + " at offset "
            + std::to_string(statement.integer(1));
        std::string problem;
        const auto chunk = readChunk(statement.blob(4), statement.integer(3), statement.blob(5), problem);
        if (!chunk) {
            problems.push_back(where + ": " + problem);
            continue;
        }
        const auto first = static_cast<std::uint64_t>(statement.integer(1));
        const auto last = static_cast<std::uint64_t>(statement.integer(2));
        for (const StoredEntry& entry : chunk->index)
            if (entry.offset < first || entry.offset > last) {
                problems.push_back(
                    where + ": a record at offset " + std::to_string(entry.offset) + " lies outside the chunk's range");
                break;
            }
        records += chunk->index.size();
    }
    return records;
}

} // namespace cepheid
