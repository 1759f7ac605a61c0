#pragma once

#include "importlimits.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cepheid {

// Sequential reader over a plain or gzip-compressed file (zlib detects gzip by its magic bytes, so a
// ".gz" that is not compressed, or a compressed file without ".gz", both read correctly). UTF-16 text with a
// byte-order mark (what Windows PowerShell 5's Out-File and Export-Csv write) is read as UTF-8: every reader sees
// UTF-8, and offsets and lines count in that text. Without a mark, UTF-16 is not guessed (readers.cpp names it).
class InputStream
{
public:
    InputStream() = default;
    ~InputStream();
    InputStream(const InputStream&) = delete;
    InputStream& operator=(const InputStream&) = delete;

    // Returns false and sets errorMessage() when the file cannot be opened.
    bool open(const std::string& path);
    // Reads up to size bytes; returns the number read (0 at end of file), or -1 on error (see errorMessage()).
    std::ptrdiff_t read(char* destination, std::size_t size);
    // The same, but reads on until `size` bytes, the end of the file or an error: what came before an error is
    // returned first, and the next call fails. UTF-16 is converted a few hundred KiB a read; this fills a whole chunk.
    std::ptrdiff_t readFull(char* destination, std::size_t size);
    // The first `size` bytes (fewer at end of file), which read() then returns again: the format is probed on the
    // one stream that is imported, so a pipe, /dev/stdin or <(zcat …) loses nothing. nullopt on a read error.
    std::optional<std::string_view> peek(std::size_t size);
    // Stops reading past limits.decompressedBytes, or when a gzip file expands more than limits.compressionRatio
    // times (a bomb): read() then returns -1, errorMessage() names the limit and limitReached() is true.
    void setLimits(const ImportLimits& limits) { m_limits = limits; }
    bool limitReached() const { return m_limitReached; }
    // The text's encoding as found in the file: "UTF-16LE" or "UTF-16BE" (converted to UTF-8), else empty.
    std::string_view sourceEncoding() const;
    const std::string& path() const { return m_path; }
    // Decompressed bytes read from the file so far (before any UTF-16 conversion).
    std::uint64_t bytesRead() const { return m_bytesRead; }
    bool isCompressed() const { return m_compressed; }
    // Bytes consumed from the file on disk so far (compressed bytes for gzip), for progress reporting.
    std::uint64_t compressedOffset() const;
    std::uint64_t fileSize() const { return m_fileSize; }
    const std::string& errorMessage() const { return m_error; }
    // Called with the file's bytes as they come off the disk, in order, each once, when the file is not compressed (a
    // gzip file's bytes on disk are not the ones read): a case hashes a file from the import's own reads instead of
    // reading it a second time. Set before the first read.
    void observeFileBytes(std::function<void(std::string_view bytes)> observer) { m_observer = std::move(observer); }

private:
    enum class Encoding : std::uint8_t { Unknown, Bytes, Utf16Le, Utf16Be };
    bool m_failedAfterData = false; // readFull returned the bytes before an error: its next call reports the error
    std::ptrdiff_t refuseAtLimit(std::string message);
    // The file's bytes after decompression.
    std::ptrdiff_t readRaw(char* destination, std::size_t size);
    // The file's text as UTF-8: raw bytes, or UTF-16 converted.
    std::ptrdiff_t readText(char* destination, std::size_t size);
    std::ptrdiff_t readUtf16(char* destination, std::size_t size);

    void* m_file = nullptr; // gzFile; kept opaque so zlib.h stays out of this header
    bool m_compressed = false;
    std::uint64_t m_fileSize = 0;
    std::string m_error;
    std::string m_path;
    ImportLimits m_limits;
    std::uint64_t m_bytesRead = 0;
    bool m_limitReached = false;
    std::string m_replay; // peeked bytes read() has not returned yet, from m_replayAt
    std::size_t m_replayAt = 0;
    Encoding m_encoding = Encoding::Unknown;
    std::string m_rawCarry; // raw bytes read but not yet used: the probe for a byte-order mark, half a UTF-16 unit
    std::string m_decoded; // UTF-8 converted from UTF-16 and not yet returned, from m_decodedAt
    std::size_t m_decodedAt = 0;
    char32_t m_highSurrogate = 0; // a high surrogate waiting for its low half across reads
    std::function<void(std::string_view)> m_observer;
};

} // namespace cepheid
