#include "textlines.h"

#include "inputstream.h"

namespace cepheid {

namespace {
constexpr std::size_t kChunk = 1 << 20;

std::string_view withoutCarriageReturn(std::string_view text)
{
    if (text.ends_with('\r'))
        text.remove_suffix(1);
    return text;
}
} // namespace

TextLines::TextLines(InputStream& input, std::size_t maxLineBytes)
    : m_input(input)
    , m_maxLineBytes(maxLineBytes)
{ }

bool TextLines::fill()
{
    if (m_eof || m_failed)
        return false;
    // The lines before m_begin were handed out and their views have expired.
    m_buffer.erase(0, m_begin);
    m_bufferOffset += m_begin;
    m_begin = 0;
    const std::size_t had = m_buffer.size();
    m_buffer.resize(had + kChunk);
    const std::ptrdiff_t got = m_input.read(m_buffer.data() + had, kChunk);
    m_buffer.resize(had + static_cast<std::size_t>(got > 0 ? got : 0));
    if (got < 0)
        m_failed = true;
    else if (got == 0)
        m_eof = true;
    return got > 0;
}

bool TextLines::next(Line& line)
{
    std::size_t scanned = m_begin; // bytes of the line before this have no line end
    std::uint64_t skipped = 0; // bytes of an over-long line already dropped
    const std::uint64_t start = m_bufferOffset + m_begin;
    while (true) {
        const std::size_t newline = m_buffer.find('\n', scanned);
        bool atEnd = false;
        if (newline == std::string::npos) {
            const std::size_t pending = m_buffer.size() - m_begin;
            if (pending > m_maxLineBytes) {
                // Past the cap: the line's bytes are dropped as they come, only their count is kept.
                skipped += pending;
                m_bufferOffset += m_buffer.size();
                m_buffer.clear();
                m_begin = 0;
            }
            const std::size_t kept = m_buffer.size() - m_begin;
            if (fill()) {
                scanned = m_begin + kept; // fill() moved the line to the buffer's start
                continue;
            }
            if (m_failed)
                return false;
            atEnd = true;
        }
        const std::size_t end = atEnd ? m_buffer.size() : newline;
        if (atEnd && skipped == 0 && end == m_begin)
            return false; // nothing after the last line end
        line.number = m_nextNumber++;
        line.offset = start;
        line.bytes = skipped + (end - m_begin) + (atEnd ? 0 : 1);
        line.tooLong = skipped > 0 || end - m_begin > m_maxLineBytes;
        line.text = line.tooLong ? std::string_view()
                                 : withoutCarriageReturn(std::string_view(m_buffer.data() + m_begin, end - m_begin));
        m_begin = atEnd ? m_buffer.size() : newline + 1;
        return true;
    }
}

} // namespace cepheid
