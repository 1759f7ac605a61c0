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
    if (total == size)
        return static_cast<std::ptrdiff_t>(total);
    const std::ptrdiff_t got = readText(destination + total, size - total);
    if (got < 0)
        return total > 0 ? static_cast<std::ptrdiff_t>(total) : got;
    return static_cast<std::ptrdiff_t>(total) + got;
}

std::ptrdiff_t InputStream::readFull(char* destination, std::size_t size)
{
    if (m_failedAfterData)
        return -1;
    std::size_t total = 0;
    while (total < size) {
        const std::ptrdiff_t got = read(destination + total, size - total);
        if (got <= 0) {
            m_failedAfterData = got < 0 && total > 0;
            return total > 0 ? static_cast<std::ptrdiff_t>(total) : got;
        }
        total += static_cast<std::size_t>(got);
    }
    return static_cast<std::ptrdiff_t>(total);
}

std::string_view InputStream::sourceEncoding() const
{
    return m_encoding == Encoding::Utf16Le ? "UTF-16LE" : m_encoding == Encoding::Utf16Be ? "UTF-16BE" : "";
}

std::ptrdiff_t InputStream::readText(char* destination, std::size_t size)
{
    if (m_encoding == Encoding::Unknown) {
        // Two bytes decide: FF FE or FE FF is a UTF-16 byte-order mark (dropped, as a reader would drop UTF-8's).
        char probe[2];
        std::size_t have = 0;
        while (have < 2) {
            const std::ptrdiff_t got = readRaw(probe + have, 2 - have);
            if (got < 0)
                return got;
            if (got == 0)
                break;
            have += static_cast<std::size_t>(got);
        }
        const std::string_view head(probe, have);
        m_encoding = head == "\xFF\xFE" ? Encoding::Utf16Le : head == "\xFE\xFF" ? Encoding::Utf16Be : Encoding::Bytes;
        if (m_encoding == Encoding::Bytes)
            m_rawCarry.assign(head);
    }
    if (m_encoding != Encoding::Bytes)
        return readUtf16(destination, size);
    std::size_t total = 0;
    if (!m_rawCarry.empty()) {
        total = std::min(size, m_rawCarry.size());
        std::memcpy(destination, m_rawCarry.data(), total);
        m_rawCarry.erase(0, total);
        if (total == size)
            return static_cast<std::ptrdiff_t>(total);
    }
    const std::ptrdiff_t got = readRaw(destination + total, size - total);
    if (got < 0)
        return total > 0 ? static_cast<std::ptrdiff_t>(total) : got;
    return static_cast<std::ptrdiff_t>(total) + got;
}

namespace {

void appendUtf8(std::string& out, char32_t code)
{
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
}

constexpr char32_t kReplacement = 0xFFFD;

} // namespace

std::ptrdiff_t InputStream::readUtf16(char* destination, std::size_t size)
{
    const bool little = m_encoding == Encoding::Utf16Le;
    while (m_decodedAt == m_decoded.size()) {
        m_decoded.clear();
        m_decodedAt = 0;
        std::string raw = std::move(m_rawCarry);
        m_rawCarry.clear();
        const std::size_t had = raw.size();
        raw.resize(had + 256 * 1024);
        const std::ptrdiff_t got = readRaw(raw.data() + had, raw.size() - had);
        if (got < 0)
            return got;
        raw.resize(had + static_cast<std::size_t>(got));
        if (got == 0) {
            // End of file: half a unit or a high surrogate left alone are not text.
            if (!raw.empty() || m_highSurrogate != 0)
                appendUtf8(m_decoded, kReplacement);
            m_highSurrogate = 0;
            if (m_decoded.empty())
                return 0;
            break;
        }
        std::size_t i = 0;
        for (; i + 1 < raw.size(); i += 2) {
            const auto first = static_cast<unsigned char>(raw[i]);
            const auto second = static_cast<unsigned char>(raw[i + 1]);
            const char32_t unit = little ? (char32_t(second) << 8 | first) : (char32_t(first) << 8 | second);
            if (unit >= 0xD800 && unit < 0xDC00) {
                if (m_highSurrogate != 0)
                    appendUtf8(m_decoded, kReplacement);
                m_highSurrogate = unit;
                continue;
            }
            if (unit >= 0xDC00 && unit < 0xE000) {
                appendUtf8(m_decoded,
                    m_highSurrogate != 0 ? 0x10000 + ((m_highSurrogate - 0xD800) << 10) + (unit - 0xDC00)
                                         : kReplacement);
                m_highSurrogate = 0;
                continue;
            }
            if (m_highSurrogate != 0)
                appendUtf8(m_decoded, kReplacement);
            m_highSurrogate = 0;
            appendUtf8(m_decoded, unit);
        }
        m_rawCarry.assign(raw, i, std::string::npos);
    }
    const std::size_t taken = std::min(size, m_decoded.size() - m_decodedAt);
    std::memcpy(destination, m_decoded.data() + m_decodedAt, taken);
    m_decodedAt += taken;
    return static_cast<std::ptrdiff_t>(taken);
}

std::ptrdiff_t InputStream::readRaw(char* destination, std::size_t size)
{
    auto* file = static_cast<gzFile>(m_file);
    std::size_t total = 0;
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
        if (m_observer && !m_compressed)
            m_observer(std::string_view(destination + total, static_cast<std::size_t>(got)));
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
