#include "xmleventsplitter.h"

#include "formatreader.h"
#include "inputstream.h"

#include <algorithm>

namespace cepheid {

namespace {

constexpr std::size_t kReadBytes = 1u << 20;
constexpr std::string_view kStart = "<Event";
constexpr std::string_view kClose = "</Event";

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

} // namespace

XmlEventSplitter::XmlEventSplitter(InputStream& input, std::size_t maxElementBytes)
    : m_input(input)
    , m_maxElementBytes(std::max<std::size_t>(maxElementBytes, 64))
{ }

bool XmlEventSplitter::fill()
{
    if (m_eof || m_failed)
        return false;
    if (m_begin > 0 && m_begin >= m_buffer.size() / 2)
        discardBefore(m_begin);
    const std::size_t kept = m_buffer.size();
    m_buffer.resize(kept + kReadBytes);
    const std::ptrdiff_t count = m_input.read(m_buffer.data() + kept, kReadBytes);
    m_buffer.resize(kept + static_cast<std::size_t>(std::max<std::ptrdiff_t>(count, 0)));
    if (count < 0)
        m_failed = true;
    else if (count == 0)
        m_eof = true;
    return count > 0;
}

void XmlEventSplitter::discardBefore(std::size_t position)
{
    lineAt(position);
    m_buffer.erase(0, position);
    m_bufferOffset += position;
    m_linePosition -= position;
    m_begin -= position;
}

std::uint64_t XmlEventSplitter::lineAt(std::size_t position)
{
    if (position > m_linePosition) {
        m_line += static_cast<std::uint64_t>(std::count(m_buffer.begin() + static_cast<std::ptrdiff_t>(m_linePosition),
            m_buffer.begin() + static_cast<std::ptrdiff_t>(position), '\n'));
        m_linePosition = position;
    }
    return m_line;
}

// "<Event" followed by white space, ">" or "/" (not <Events>, <EventData>, <EventID>). Yes: `at` is where it starts.
// Otherwise `at` is where a later search must resume: none can start before it.
XmlEventSplitter::Found XmlEventSplitter::findStart(std::size_t from, std::size_t& at) const
{
    const std::string_view buffer(m_buffer);
    for (std::size_t position = from;; ++position) {
        position = buffer.find(kStart, position);
        if (position == std::string_view::npos) {
            // Before the end of the file, the last bytes may be the first of a "<Event" still to come.
            at = m_eof ? buffer.size() : std::max(from, buffer.size() - std::min(buffer.size(), kStart.size() - 1));
            return Found::No;
        }
        if (position + kStart.size() >= buffer.size()) {
            at = position;
            return m_eof ? Found::No : Found::NeedMore;
        }
        const char next = buffer[position + kStart.size()];
        if (isSpace(next) || next == '>' || next == '/') {
            at = position;
            return Found::Yes;
        }
    }
}

// "</Event" then optional white space and ">": `at` is where it starts, `end` one past its ">".
XmlEventSplitter::Found XmlEventSplitter::findClose(std::size_t from, std::size_t& at, std::size_t& end) const
{
    const std::string_view buffer(m_buffer);
    for (std::size_t position = from;; ++position) {
        position = buffer.find(kClose, position);
        if (position == std::string_view::npos) {
            at = std::max(from, buffer.size() - std::min(buffer.size(), kClose.size() - 1));
            return Found::No;
        }
        std::size_t after = position + kClose.size();
        while (after < buffer.size() && isSpace(buffer[after]))
            ++after;
        if (after >= buffer.size()) {
            at = position;
            return m_eof ? Found::No : Found::NeedMore;
        }
        if (buffer[after] == '>') {
            at = position;
            end = after + 1;
            return Found::Yes;
        }
    }
}

void XmlEventSplitter::scanGap(std::size_t end)
{
    for (std::size_t i = m_begin; i < end; ++i) {
        const char c = m_buffer[i];
        if (m_inMarkup) {
            m_inMarkup = c != '>';
            continue;
        }
        const bool byteOrderMark = m_bufferOffset + i < 3 && static_cast<unsigned char>(c) >= 0xBB;
        if (m_strayLine == 0) {
            if (c == '<')
                m_inMarkup = true;
            else if (!isSpace(c) && !byteOrderMark)
                m_strayLine = lineAt(i);
        }
        if (m_strayLine != 0 && m_strayExcerpt.size() < kExcerptBytes && c != '\r' && c != '\n')
            m_strayExcerpt.push_back(c);
    }
}

void XmlEventSplitter::reportGap(const ProblemSink& onProblem)
{
    if (m_strayLine != 0)
        onProblem(m_strayLine, "text outside an <Event> element", m_strayExcerpt);
    m_strayLine = 0;
    m_strayExcerpt.clear();
    m_inMarkup = false;
}

bool XmlEventSplitter::run(const ElementSink& onElement, const ProblemSink& onProblem)
{
    fill();
    for (;;) {
        // Between elements.
        std::size_t start = 0;
        const Found found = findStart(m_begin, start);
        if (!m_skippingOversized)
            scanGap(start);
        m_begin = start;
        if (found != Found::Yes) {
            if (m_eof || m_failed) {
                reportGap(onProblem);
                return !m_failed;
            }
            fill();
            continue;
        }
        reportGap(onProblem);
        m_skippingOversized = false;

        // An element: its end is its "</Event>", unless another "<Event" or the end of the file comes first.
        std::size_t closeFrom = 1, nextFrom = 1; // from m_begin, where each search resumes
        std::size_t end = 0;
        std::string_view problem;
        for (;;) {
            std::size_t closeAt = 0, closeEnd = 0, nextAt = 0;
            const Found close = findClose(m_begin + closeFrom, closeAt, closeEnd);
            const Found next = findStart(m_begin + nextFrom, nextAt);
            if (close == Found::Yes && (next != Found::Yes || closeAt < nextAt)) {
                end = closeEnd;
            } else if (next == Found::Yes) {
                end = nextAt;
                problem = "the <Event> element is not closed before the next <Event>";
            } else if (m_eof || m_failed) {
                end = m_buffer.size();
                problem = "the <Event> element is not closed (truncated file?)";
            } else if (m_buffer.size() - m_begin <= m_maxElementBytes) {
                closeFrom = closeAt - m_begin;
                nextFrom = nextAt - m_begin;
                fill();
                continue;
            } else {
                end = nextAt; // skipped up to where the next "<Event" may start
                m_skippingOversized = true;
            }
            break;
        }
        if (m_skippingOversized || end - m_begin > m_maxElementBytes) {
            onProblem(lineAt(m_begin),
                "an <Event> element longer than " + std::to_string(m_maxElementBytes)
                    + " bytes (the record-bytes limit): skipped",
                std::string_view(m_buffer).substr(m_begin, kExcerptBytes));
            m_begin = end;
            continue;
        }
        const Element element { std::string_view(m_buffer).substr(m_begin, end - m_begin), lineAt(m_begin),
            m_bufferOffset + m_begin, problem };
        m_begin = end;
        if (!onElement(element))
            return true;
        if (m_failed)
            return false;
    }
}

} // namespace cepheid
