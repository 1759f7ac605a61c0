#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cepheid {

class InputStream;

// Reads a text stream a line at a time (LF or CRLF), keeping at most one line and one read chunk in memory, and
// says where each line starts. For the line-based formats: Zeek TSV and JSON, CSV, flat JSON lines.
class TextLines
{
public:
    struct Line
    {
        std::string_view text; // without its line end; empty for a line over the cap (see tooLong)
        std::uint64_t number = 0; // 1-based
        std::uint64_t offset = 0; // of its first byte in the (decompressed, UTF-8) text
        std::uint64_t bytes = 0; // its length in the file, line end included
        bool tooLong = false; // longer than maxLineBytes: skipped, never held in memory whole
    };

    TextLines(InputStream& input, std::size_t maxLineBytes);

    // The next line, valid until the next call; false at the end of the input or on a read error (failed()).
    bool next(Line& line);
    bool failed() const { return m_failed; }

private:
    bool fill();

    InputStream& m_input;
    std::size_t m_maxLineBytes;
    std::string m_buffer;
    std::size_t m_begin = 0; // first byte of the next line
    std::uint64_t m_bufferOffset = 0; // offset of m_buffer[0] in the text
    std::uint64_t m_nextNumber = 1;
    bool m_eof = false;
    bool m_failed = false;
};

} // namespace cepheid
