#include "chunkcompression.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <zlib.h>
#include <zstd.h>

namespace cepheid {

namespace {

constexpr int kZstdLevel = 1;
// Level 1 sizes its hash table to the input: 2^12 entries for a 64 KiB chunk of records, where most positions of JSON
// that repeats its keys collide. 2^16 entries (256 KiB, within a core's cache) compressed the benchmark's records at
// 1,121-1,133 MB/s instead of 902-905 (`zstd -1 --zstd=hlog=16 -B65536 -b`, interleaved), the same size within
// 0.1 %; on event chunks it made no difference beyond noise.
constexpr int kZstdHashLog = 16;

} // namespace

bool compressChunk(std::span<const std::uint8_t> content, ChunkBytes& out)
{
    // One context per thread, reused: creating one per 64 KiB chunk costs more than compressing it.
    thread_local const std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
    if (!context)
        return false;
    ZSTD_CCtx_reset(context.get(), ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, kZstdLevel);
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_hashLog, kZstdHashLog);
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1);
    out.resize(ZSTD_compressBound(content.size()));
    const std::size_t size = ZSTD_compress2(context.get(), out.data(), out.size(), content.data(), content.size());
    if (ZSTD_isError(size) || size * 10 > content.size() * 9)
        return false;
    out.resize(size);
    return true;
}

std::size_t largestStoredSize(std::size_t contentSize)
{
    return std::max(contentSize, ZSTD_compressBound(contentSize));
}

bool decompressChunk(ChunkCompression compression, std::span<const std::uint8_t> stored, std::size_t expectedSize,
    std::uint8_t* out, std::string& problem)
{
    switch (compression) {
    case ChunkCompression::Stored:
        if (stored.size() != expectedSize) {
            problem = "it holds " + std::to_string(stored.size()) + " bytes, not the " + std::to_string(expectedSize)
                + " it should";
            return false;
        }
        if (expectedSize > 0) // an empty blob reads as a null pointer, which memcpy must not see
            std::memcpy(out, stored.data(), expectedSize);
        return true;
    case ChunkCompression::Zlib: {
        uLongf size = static_cast<uLongf>(expectedSize);
        if (uncompress(out, &size, stored.data(), static_cast<uLong>(stored.size())) != Z_OK || size != expectedSize) {
            problem = "its content does not inflate to the size it should";
            return false;
        }
        return true;
    }
    case ChunkCompression::Zstd: {
        // The frame says its content size; it must be the size the case says before anything is written.
        const unsigned long long framed = ZSTD_getFrameContentSize(stored.data(), stored.size());
        if (framed != expectedSize) {
            problem = "its compressed content does not hold the size it should";
            return false;
        }
        thread_local const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(
            ZSTD_createDCtx(), ZSTD_freeDCtx);
        if (!context) {
            problem = "out of memory for decompression";
            return false;
        }
        const std::size_t size = ZSTD_decompressDCtx(context.get(), out, expectedSize, stored.data(), stored.size());
        if (ZSTD_isError(size) || size != expectedSize) {
            problem = std::string("its compressed content is damaged (")
                + (ZSTD_isError(size) ? ZSTD_getErrorName(size) : "short") + ")";
            return false;
        }
        return true;
    }
    }
    problem = "it names compression " + std::to_string(static_cast<std::int64_t>(compression))
        + ", which Cepheid does not write";
    return false;
}

} // namespace cepheid
