#include "referencejsonsplitter.h"

#include "ingest/inputstream.h"
#include "util/bytesize.h"

#include <algorithm>
#include <cstring>

namespace cepheid::test {

namespace {

constexpr std::size_t kChunkBytes = 4u << 20;
constexpr std::size_t kSniffLines = 20;

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trimFront(std::string_view text)
{
    while (!text.empty() && isJsonSpace(text.front()))
        text.remove_prefix(1);
    return text;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && isJsonSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isJsonSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

// True when line holds exactly one complete JSON object (brackets balance, strings close).
bool isStandaloneObject(std::string_view line)
{
    line = trim(line);
    if (line.size() < 2 || line.front() != '{' || line.back() != '}')
        return false;
    int depth = 0;
    bool inString = false, escaped = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '{' || c == '[')
            ++depth;
        else if ((c == '}' || c == ']') && --depth == 0 && i + 1 != line.size())
            return false;
    }
    return depth == 0 && !inString;
}

} // namespace

ReferenceJsonRecordSplitter::ReferenceJsonRecordSplitter(InputStream& input, std::size_t maxRecordBytes)
    : ReferenceJsonRecordSplitter(input, maxRecordBytes, { "events" })
{
    // A udmSearch page per line is a line of records, each read as one (the UDM reader names "events[i]").
    m_oneLineEnvelopeIsStructural = false;
}

ReferenceJsonRecordSplitter::ReferenceJsonRecordSplitter(
    InputStream& input, std::size_t maxRecordBytes, std::vector<std::string> envelopeKeys)
    : m_input(input)
    , m_maxRecordBytes(maxRecordBytes)
    , m_buffer(new char[kChunkBytes * 2 + kPadding])
    , m_capacity(kChunkBytes * 2)
{
    for (std::string& key : envelopeKeys) {
        key = '"' + key.substr(0, 15);
        m_longestKey = std::max(m_longestKey, key.size());
        m_envelopeKeys.push_back(std::move(key));
    }
}

bool ReferenceJsonRecordSplitter::fill()
{
    if (m_eof || m_failed)
        return false;
    if (m_capacity - m_end < kChunkBytes) {
        // Grow to hold a long record plus a fresh chunk; bounded by maxRecordBytes through the callers.
        const std::size_t newCapacity = std::max(m_capacity * 2, m_end + kChunkBytes);
        std::unique_ptr<char[]> bigger(new char[newCapacity + kPadding]);
        std::memcpy(bigger.get(), m_buffer.get(), m_end);
        m_buffer = std::move(bigger);
        m_capacity = newCapacity;
    }
    const std::ptrdiff_t got = m_input.readFull(m_buffer.get() + m_end, kChunkBytes); // as the splitter reads
    if (got < 0) {
        m_failed = true;
        return false;
    }
    if (got == 0) {
        m_eof = true;
        return false;
    }
    m_end += static_cast<std::size_t>(got);
    std::memset(m_buffer.get() + m_end, 0, kPadding);
    return true;
}

void ReferenceJsonRecordSplitter::compact(std::size_t keepFrom)
{
    if (keepFrom == 0)
        return;
    std::memmove(m_buffer.get(), m_buffer.get() + keepFrom, m_end - keepFrom);
    m_end -= keepFrom;
    m_bufferOffset += keepFrom;
    m_begin -= std::min(m_begin, keepFrom);
}

void ReferenceJsonRecordSplitter::emit(
    const RecordSink& onRecord, std::size_t begin, std::size_t end, std::uint64_t line)
{
    Record record;
    record.text = std::string_view(m_buffer.get() + begin, end - begin);
    record.capacity = m_end + kPadding - begin;
    record.line = line;
    record.offset = m_bufferOffset + begin;
    if (!onRecord(record))
        m_stopped = true;
}

// True when `text` (what follows a top-level '{') opens with one of the envelope keys and an array.
bool ReferenceJsonRecordSplitter::startsWithEnvelope(std::string_view text) const
{
    text = trimFront(text);
    for (const std::string& key : m_envelopeKeys) {
        if (!text.starts_with(key) || text.size() <= key.size() || text[key.size()] != '"')
            continue;
        std::string_view rest = trimFront(text.substr(key.size() + 1));
        if (rest.empty() || rest.front() != ':')
            continue;
        rest = trimFront(rest.substr(1));
        if (!rest.empty() && rest.front() == '[')
            return true;
    }
    return false;
}

ReferenceJsonRecordSplitter::Mode ReferenceJsonRecordSplitter::chooseMode()
{
    // Look at the first lines (reading more until kSniffLines complete lines or the end of the file).
    while (true) {
        std::size_t lines = 0;
        for (const char* p = m_buffer.get();
             (p = static_cast<const char*>(std::memchr(p, '\n', m_buffer.get() + m_end - p))); ++p)
            ++lines;
        if (lines >= kSniffLines || m_end >= m_maxRecordBytes || !fill())
            break;
    }
    std::string_view data(m_buffer.get(), m_end);
    const auto first = data.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (first == std::string_view::npos || data[first] != '{')
        return Mode::Structural;
    if (m_oneLineEnvelopeIsStructural && startsWithEnvelope(data.substr(first + 1)))
        return Mode::Structural; // one envelope on one line (a CloudTrail file): its elements are the records
    std::size_t standalone = 0, nonBlank = 0;
    std::size_t position = 0;
    while (position < data.size() && nonBlank < kSniffLines) {
        std::size_t newline = data.find('\n', position);
        const bool complete = newline != std::string_view::npos;
        if (!complete) {
            if (!m_eof)
                break; // a partial last line says nothing yet
            newline = data.size();
        }
        const std::string_view line = trim(data.substr(position, newline - position));
        if (!line.empty()) {
            ++nonBlank;
            standalone += isStandaloneObject(line);
        }
        position = newline + 1;
    }
    return standalone > 0 && standalone * 2 >= nonBlank ? Mode::Lines : Mode::Structural;
}

bool ReferenceJsonRecordSplitter::run(const RecordSink& onRecord, const ProblemSink& onProblem)
{
    fill();
    if (m_failed)
        return false;
    m_mode = chooseMode();
    if (m_failed)
        return false;
    // A UTF-8 byte order mark (Windows tools write one) is not part of the JSON.
    if (m_end >= 3 && std::memcmp(m_buffer.get(), "\xEF\xBB\xBF", 3) == 0)
        m_begin = 3;
    return m_mode == Mode::Lines ? true : runStructural(onRecord, onProblem);
}

bool ReferenceJsonRecordSplitter::runStructural(const RecordSink& onRecord, const ProblemSink& onProblem)
{
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::uint64_t line = 1;
    int depth = 0;
    bool inString = false, escaped = false;
    bool topIsArray = false, topIsObject = false;
    bool inEventsArray = false; // inside the "events" array of an envelope
    std::size_t keyStart = kNone; // start of a string at depth 1 of a top-level object (a candidate key)
    bool lastKeyWasEvents = false;
    std::size_t recordStart = kNone;
    int recordDepth = 0;
    std::uint32_t recordLine = 0;
    bool strayReported = false;
    std::size_t position = m_begin;
    // A value that starts where a record should but is not an object: reported once per element.
    auto reportStray = [&] {
        const bool stray
            = recordStart == kNone && (depth == 0 || (depth == 1 && topIsArray) || (depth == 2 && inEventsArray));
        if (!stray || strayReported)
            return;
        onProblem(
            line, depth == 0 ? "text outside any JSON value: ignored" : "array element is not a JSON object: skipped");
        strayReported = true;
        m_sawContent = true;
    };

    while (true) {
        if (position >= m_end) {
            if (recordStart != kNone && position - recordStart > m_maxRecordBytes) {
                onProblem(recordLine,
                    "record longer than " + byteSizeText(m_maxRecordBytes) + " (the record-bytes limit): skipped");
                recordStart = kNone; // the scan goes on through it, so the structure stays known
            }
            // A string at the top level of an object matters only if it is an envelope key ("events": 7 bytes with
            // its quote): a longer one is not kept across refills, so an envelope's top-level string cannot grow the
            // buffer past the record cap (a 4 GiB "nextPageToken" did).
            if (keyStart != kNone && position - keyStart > m_longestKey) {
                keyStart = kNone;
                lastKeyWasEvents = false;
            }
            // Keep the record being read (and a pending key) across the refill.
            std::size_t keepFrom = recordStart != kNone ? recordStart : position;
            if (keyStart != kNone)
                keepFrom = std::min(keepFrom, keyStart);
            compact(keepFrom);
            position -= keepFrom;
            if (recordStart != kNone)
                recordStart -= keepFrom;
            if (keyStart != kNone)
                keyStart -= keepFrom;
            if (!fill()) {
                if (m_failed)
                    return false;
                if (depth != 0 || inString)
                    onProblem(recordStart != kNone ? recordLine : line,
                        "file ends inside a JSON value (truncated export?): the unfinished record is skipped");
                return true;
            }
            continue;
        }
        const char c = m_buffer[position];
        if (c == '\n')
            ++line;
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
                if (keyStart != kNone) {
                    const std::string_view key(m_buffer.get() + keyStart, position - keyStart);
                    lastKeyWasEvents
                        = std::find(m_envelopeKeys.begin(), m_envelopeKeys.end(), key) != m_envelopeKeys.end();
                    keyStart = kNone;
                }
            }
            ++position;
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            if (depth == 1 && topIsObject)
                keyStart = position;
            reportStray();
            break;
        case '{':
        case '[':
            m_sawContent = true;
            if (depth == 0) {
                topIsArray = c == '[';
                topIsObject = c == '{';
                inEventsArray = false;
                lastKeyWasEvents = false;
                strayReported = false;
                if (topIsObject) {
                    recordStart = position;
                    recordDepth = 0;
                    recordLine = line;
                }
            } else if (depth == 1 && topIsArray && c == '{') {
                recordStart = position;
                recordDepth = 1;
                recordLine = line;
            } else if (depth == 1 && topIsObject && c == '[' && lastKeyWasEvents) {
                // The udmSearch envelope: its events are the records, the envelope itself is not one.
                inEventsArray = true;
                recordStart = kNone;
            } else if (depth == 2 && inEventsArray && c == '{') {
                recordStart = position;
                recordDepth = 2;
                recordLine = line;
            } else if (c == '[') {
                reportStray(); // an array where an event object belongs
            }
            ++depth;
            break;
        case '}':
        case ']':
            if (depth == 0) {
                onProblem(line, std::string("unexpected '") + c + "' outside any JSON value: ignored");
                break;
            }
            --depth;
            if (recordStart != kNone && depth == recordDepth) {
                emit(onRecord, recordStart, position + 1, recordLine);
                recordStart = kNone;
                if (m_stopped)
                    return true;
            }
            if (inEventsArray && depth == 1)
                inEventsArray = false;
            break;
        case ',':
            if (depth <= 2)
                strayReported = false;
            break;
        default:
            if (!isJsonSpace(c) && c != ':')
                reportStray();
            break;
        }
        ++position;
    }
}

} // namespace cepheid::test
