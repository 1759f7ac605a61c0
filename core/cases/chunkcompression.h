#pragma once

#include "util/uninitializedallocator.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace cepheid {

// The compression of a case's chunks (raw records and event columns; docs/case-format.md). Zstandard at its fast
// level: on 64 KiB of JSON records it compresses about nine times faster than zlib's fastest level and smaller, and
// its frame carries a checksum of the content, which every read verifies (a damaged chunk is refused, not misread).
enum class ChunkCompression : std::int64_t {
    Stored = 0, // as is: compression would not have saved a tenth
    Zlib = 1, // cases written before schema 6
    Zstd = 2,
};

// What a chunk compresses into. Compressing sizes the buffer to Zstandard's bound first; a plain vector zeroed the
// 60 KB between the last chunk's compressed size and that bound, 440 MB of memset in a 1 M-event import.
using ChunkBytes = std::vector<std::uint8_t, UninitializedAllocator<std::allocator<std::uint8_t>>>;

// Compresses `content` into `out` (replacing what it held). False when it would not save at least a tenth: the
// caller then stores the content as is.
bool compressChunk(std::span<const std::uint8_t> content, ChunkBytes& out);

// The most a chunk of `contentSize` bytes can take stored, compressed or not: a stored blob larger than this was
// altered, and is refused before it is copied.
std::size_t largestStoredSize(std::size_t contentSize);

// Decompresses `stored` into exactly `expectedSize` bytes of `out`. False, with the reason in `problem`, when the
// stored bytes are not a chunk of that size in that compression or fail their checksum.
bool decompressChunk(ChunkCompression compression, std::span<const std::uint8_t> stored, std::size_t expectedSize,
    std::uint8_t* out, std::string& problem);

} // namespace cepheid
