#include "inputstream.h"

#include "util/bytesize.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <zlib.h>

namespace cepheid {

InputStream::~InputStream()
{
    if (m_file)
        gzclose(static_cast<gzFile>(m_file));
}

bool InputStream::open(const std::string& path)
{
    struct stat status
    {
    };
    if (::stat(path.c_str(), &status) != 0) {
        m_error = std::strerror(errno);
        return false;
    }
    if (S_ISDIR(status.st_mode)) {
        m_error = "is a directory";
        return false;
    }
    m_fileSize = static_cast<std::uint64_t>(status.st_size);
    m_path = path;
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) {
        m_error = errno ? std::strerror(errno) : "cannot open";
        return false;
    }
    // A larger internal buffer makes zlib read the disk in big sequential chunks.
    gzbuffer(file, 1 << 20);
    m_file = file;
    m_compressed = gzdirect(file) == 0;
    return true;
}

std::optional<std::string_view> InputStream::peek(std::size_t size)
{
    std::string head(size, '\0');
    const std::ptrdiff_t got = read(head.data(), head.size());
    if (got < 0)
        return std::nullopt;
    head.resize(static_cast<std::size_t>(got));
    m_replay = std::move(head);
    m_replayAt = 0;
    return std::string_view(m_replay);
}

std::ptrdiff_t InputStream::read(char* destination, std::size_t size)
{
    auto* file = static_cast<gzFile>(m_file);
    std::size_t total = 0;
    if (m_replayAt < m_replay.size()) {
        total = std::min(size, m_replay.size() - m_replayAt);
        std::memcpy(destination, m_replay.data() + m_replayAt, total);
        m_replayAt += total;
        if (m_replayAt == m_replay.size()) {
            m_replay.clear();
            m_replayAt = 0;
        }
    }
    while (total < size) {
        if (m_bytesRead >= m_limits.decompressedBytes || m_limitReached) {
            if (total > 0)
                break;
            return refuseAtLimit("stopped at the decompressed-bytes limit: more than "
                + m_limits.valueText("decompressed-bytes") + " decompressed; "
                + ImportLimits::raiseHint("decompressed-bytes"));
        }
        if (m_compressed && m_bytesRead > ImportLimits::kRatioCheckedFrom
            && m_bytesRead / std::max<std::uint64_t>(compressedOffset(), 1) > m_limits.compressionRatio) {
            if (total > 0)
                break;
            return refuseAtLimit("stopped at the compression-ratio limit: " + byteSizeText(compressedOffset())
                + " compressed gave " + byteSizeText(m_bytesRead) + ", more than "
                + m_limits.valueText("compression-ratio") + " times (a decompression bomb?); "
                + ImportLimits::raiseHint("compression-ratio"));
        }
        const std::uint64_t allowed = m_limits.decompressedBytes - m_bytesRead;
        const auto request
            = static_cast<unsigned>(std::min<std::uint64_t>({ size - total, std::uint64_t(1) << 30, allowed }));
        const int got = gzread(file, destination + total, request);
        int code = Z_OK;
        const char* message = gzerror(file, &code);
        // gzread returns 0 at a clean end and also on a truncated gzip stream; tell the two apart. Bytes already
        // decoded in this call are returned first, and the error on the next call.
        if (got < 0 || (got == 0 && code != Z_OK && code != Z_STREAM_END)) {
            if (total > 0)
                break;
            m_error = message && *message ? message : "read error";
            // zlib prefixes its messages with the path, which every caller already names.
            if (m_error.starts_with(m_path + ": "))
                m_error.erase(0, m_path.size() + 2);
            return -1;
        }
        if (got == 0)
            break;
        total += static_cast<std::size_t>(got);
        m_bytesRead += static_cast<std::uint64_t>(got);
    }
    return static_cast<std::ptrdiff_t>(total);
}

std::ptrdiff_t InputStream::refuseAtLimit(std::string message)
{
    m_limitReached = true;
    m_error = std::move(message);
    return -1;
}

std::uint64_t InputStream::compressedOffset() const
{
    if (!m_file)
        return 0;
    const auto offset = gzoffset(static_cast<gzFile>(m_file));
    return offset < 0 ? 0 : static_cast<std::uint64_t>(offset);
}

} // namespace cepheid
