#include "jsonrecordsplitter.h"

#include "inputstream.h"
#include "jsonstructuralscanner.h"
#include "util/bytesize.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace cepheid {

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

JsonRecordSplitter::JsonRecordSplitter(InputStream& input, std::size_t maxRecordBytes)
    : JsonRecordSplitter(input, maxRecordBytes, { "events" })
{
    // A udmSearch page per line is a line of records, each read as one (the UDM reader names "events[i]").
    m_oneLineEnvelopeIsStructural = false;
}

JsonRecordSplitter::JsonRecordSplitter(
    InputStream& input, std::size_t maxRecordBytes, std::vector<std::string> envelopeKeys)
    : m_input(input)
    , m_maxRecordBytes(maxRecordBytes)
    , m_buffers(kChunkBytes * 2, kPadding)
{
    for (std::string& key : envelopeKeys) {
        key = '"' + key.substr(0, 15);
        m_longestKey = std::max(m_longestKey, key.size());
        m_envelopeKeys.push_back(std::move(key));
    }
}

JsonRecordSplitter::~JsonRecordSplitter() = default;

bool JsonRecordSplitter::fill()
{
    if (m_eof || m_failed)
        return false;
    if (m_buffers.capacity() - m_end < kChunkBytes) {
        // Grow to hold a long record plus a fresh chunk; bounded by maxRecordBytes through the callers.
        m_buffers.moveToFront(0, m_end, std::max(m_buffers.capacity() * 2, m_end + kChunkBytes));
    }
    // A whole chunk, however little each read gives: with shared buffers every refill may move to another buffer,
    // and UTF-16's short reads would spread a batch over dozens of them.
    const std::ptrdiff_t got = m_input.readFull(m_buffers.data() + m_end, kChunkBytes);
    if (got < 0) {
        m_failed = true;
        return false;
    }
    if (got == 0) {
        m_eof = true;
        return false;
    }
    m_end += static_cast<std::size_t>(got);
    std::memset(m_buffers.data() + m_end, 0, kPadding);
    return true;
}

void JsonRecordSplitter::compact(std::size_t keepFrom)
{
    // The capacity stays as it is while a long record is pending (fill() doubles it), and goes back to the usual two
    // chunks after it: a held buffer is left for another of that size, not for one as large as the longest record.
    const std::size_t pending = m_end - keepFrom;
    m_buffers.moveToFront(keepFrom, m_end, pending > kChunkBytes ? m_buffers.capacity() : kChunkBytes * 2);
    m_end -= keepFrom;
    m_bufferOffset += keepFrom;
    m_begin -= std::min(m_begin, keepFrom);
}

void JsonRecordSplitter::deliver(const RecordSink& onRecord, std::size_t begin, std::size_t end, std::uint64_t line)
{
    Record record;
    record.text = std::string_view(m_buffers.data() + begin, end - begin);
    record.capacity = m_end + kPadding - begin;
    record.line = line;
    record.offset = m_bufferOffset + begin;
    if (!onRecord(record))
        m_stopped = true;
}

// True when `text` (what follows a top-level '{') opens with one of the envelope keys and an array.
bool JsonRecordSplitter::startsWithEnvelope(std::string_view text) const
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

JsonRecordSplitter::Mode JsonRecordSplitter::chooseMode()
{
    // Look at the first lines (reading more until kSniffLines complete lines or the end of the file).
    while (true) {
        std::size_t lines = 0;
        for (const char* p = m_buffers.data();
             (p = static_cast<const char*>(std::memchr(p, '\n', m_buffers.data() + m_end - p))); ++p)
            ++lines;
        if (lines >= kSniffLines || m_end >= m_maxRecordBytes || !fill())
            break;
    }
    std::string_view data(m_buffers.data(), m_end);
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

bool JsonRecordSplitter::run(const RecordSink& onRecord, const ProblemSink& onProblem)
{
    fill();
    if (m_failed)
        return false;
    m_mode = chooseMode();
    if (m_failed)
        return false;
    // A UTF-8 byte order mark (Windows tools write one) is not part of the JSON.
    if (m_end >= 3 && std::memcmp(m_buffers.data(), "\xEF\xBB\xBF", 3) == 0)
        m_begin = 3;
    return m_mode == Mode::Lines ? runLines(onRecord, onProblem) : runStructural(onRecord, onProblem);
}

bool JsonRecordSplitter::runLines(const RecordSink& onRecord, const ProblemSink& onProblem)
{
    std::uint64_t line = 1;
    bool skippingLongLine = false;
    std::size_t scanFrom = m_begin;
    while (true) {
        const char* newline
            = static_cast<const char*>(std::memchr(m_buffers.data() + scanFrom, '\n', m_end - scanFrom));
        if (!newline) {
            const std::size_t pending = m_end - m_begin;
            if (!skippingLongLine && pending > m_maxRecordBytes) {
                onProblem(line,
                    "record longer than " + byteSizeText(m_maxRecordBytes) + " (the record-bytes limit)"
                        + " without a line break: skipped to the next line");
                skippingLongLine = true;
            }
            if (skippingLongLine)
                m_begin = m_end; // drop what we have; keep skipping until the next newline
            const std::size_t scanned = m_end - m_begin;
            compact(m_begin);
            scanFrom = m_begin + scanned;
            if (!fill()) {
                if (m_failed)
                    return false;
                const std::string_view rest = trim(std::string_view(m_buffers.data() + m_begin, m_end - m_begin));
                if (!skippingLongLine && !rest.empty()) {
                    m_sawContent = true;
                    deliver(onRecord, m_begin, m_end, line);
                }
                return true;
            }
            continue;
        }
        const std::size_t lineEnd = static_cast<std::size_t>(newline - m_buffers.data());
        if (skippingLongLine) {
            skippingLongLine = false;
        } else if (lineEnd - m_begin > m_maxRecordBytes) {
            onProblem(
                line, "record longer than " + byteSizeText(m_maxRecordBytes) + " (the record-bytes limit): skipped");
        } else {
            std::size_t recordEnd = lineEnd;
            while (recordEnd > m_begin && isJsonSpace(m_buffers.data()[recordEnd - 1]))
                --recordEnd;
            std::size_t recordBegin = m_begin;
            while (recordBegin < recordEnd && isJsonSpace(m_buffers.data()[recordBegin]))
                ++recordBegin;
            if (recordBegin < recordEnd) {
                m_sawContent = true;
                deliver(onRecord, recordBegin, recordEnd, line);
            }
        }
        ++line;
        m_begin = lineEnd + 1;
        scanFrom = m_begin;
        if (m_stopped)
            return true;
    }
}

namespace {

// Line numbers on demand. The structural scan does not look at every byte, and needs a line only where a record
// starts or a problem is reported: newlines are counted (vectorised) from the last such place up to the next.
// Every '\n' counts, inside strings too (invalid JSON may have raw ones), as the byte-by-byte scan counted them.
class LineCounter
{
public:
    explicit LineCounter(std::size_t start)
        : m_cursor(start)
    { }
    // The line of buffer[position]; positions asked for never go backwards.
    std::uint64_t at(const char* buffer, std::size_t position)
    {
        m_line += countNewlines(buffer + m_cursor, buffer + position);
        m_cursor = position;
        return m_line;
    }
    // The buffer is about to drop its bytes before keepFrom: count what is not counted yet there first.
    void dropBefore(const char* buffer, std::size_t keepFrom)
    {
        if (m_cursor < keepFrom)
            at(buffer, keepFrom);
        m_cursor -= keepFrom;
    }

private:
    std::size_t m_cursor;
    std::uint64_t m_line = 1;
};

} // namespace

// The structural mode's state machine. JsonStructuralScanner finds the bytes that matter (brackets, commas, quotes
// and scalars outside strings); this gives them their meaning from where they stand: depth, the top-level value's
// kind, an envelope key, the record being read.
struct JsonRecordSplitter::StructuralWalk
{
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    JsonRecordSplitter& splitter;
    const RecordSink& onRecord;
    const ProblemSink& onProblem;
    LineCounter lines;
    int depth = 0;
    bool topIsArray = false, topIsObject = false;
    bool inEventsArray = false; // inside the "events" array of an envelope
    std::size_t keyStart = kNone; // start of a string at depth 1 of a top-level object (a candidate key)
    bool lastKeyWasEvents = false;
    std::size_t recordStart = kNone;
    int recordDepth = 0;
    std::uint32_t recordLine = 0;
    bool strayReported = false;
    // floor() as of the last event or refill: brackets deeper than this change nothing but the depth. (A pending key
    // needs no care: it stands at depth 1, never deeper than the floor.)
    int deepAbove = 2;

    // Gives the block at buffer[base] its meaning; false when the record sink asked to stop.
    bool walk(StructuralBlock& block, std::size_t base);
    std::size_t keepAcrossRefill(std::size_t position);
    void shift(std::size_t keepFrom);
    void atEnd(bool inString);

private:
    std::uint64_t relevant(StructuralBlock& block, std::uint64_t pending) const;
    static bool scalarsMayFollow(const StructuralBlock& block, std::uint64_t pending);
    int floor() const;
    void settle() { deepAbove = floor(); }
    std::uint64_t countDeepBrackets(std::uint64_t brackets, const char* data);
    std::uint64_t line(std::size_t position) { return lines.at(splitter.m_buffers.data(), position); }
    void reportStray(std::size_t position);
    void open(char c, std::size_t position);
    void close(char c, std::size_t position);
    void stringStart(std::size_t position);
    void stringEnd(std::size_t position);
};

// The events of a block that can change anything now, among those not yet passed: brackets always; a comma only
// clears strayReported; quotes and scalars matter where a stray can be reported (outside records) or a key can stand
// (depth 1 of a top-level object). Each event handled may change the answer, so it is asked again after each.
std::uint64_t JsonRecordSplitter::StructuralWalk::relevant(StructuralBlock& block, std::uint64_t pending) const
{
    const bool strays = recordStart == kNone;
    if (!block.complete && (strayReported || (strays && scalarsMayFollow(block, pending))))
        JsonStructuralScanner::addCommasAndScalars(block);
    std::uint64_t events = block.brackets;
    if (strayReported)
        events |= block.comma;
    if (strays)
        events |= block.stringStart | block.scalarStart;
    else if (depth == 1 && topIsObject)
        events |= block.stringStart;
    if (keyStart != kNone)
        events |= block.stringEnd;
    return events & pending;
}

// Between records stand a comma and a line break, mostly: rather than find the scalars of the whole block for a stray
// that is rarely there, look at the few bytes up to the next bracket or quote. True when they may hold one.
bool JsonRecordSplitter::StructuralWalk::scalarsMayFollow(const StructuralBlock& block, std::uint64_t pending)
{
    const std::uint64_t next = pending & (block.brackets | block.stringStart);
    const int from = std::countr_zero(pending);
    const int to = next ? std::countr_zero(next) : static_cast<int>(block.size);
    return !JsonStructuralScanner::onlyPunctuation(block.data + std::min(from, to), block.data + to);
}

// The deepest level at which anything has a meaning in the present state; deeper, nothing changes but the depth.
// Inside a record with no stray to forget, only its end matters (and, in a top-level object, its keys); elsewhere an
// element of the top-level array or of the events array (depth 2) can be a stray.
[[gnu::always_inline]] inline int JsonRecordSplitter::StructuralWalk::floor() const
{
    return recordStart != kNone && !strayReported ? std::max(recordDepth, topIsObject ? 1 : 0) : 2;
}

// Below the floor only brackets count, and they are only counted: returns the first of `brackets` (bits of the block
// at `data`) that would reach the floor, which the state machine must see, or 0 when there is none.
[[gnu::always_inline]] inline std::uint64_t JsonRecordSplitter::StructuralWalk::countDeepBrackets(
    std::uint64_t brackets, const char* data)
{
    while (brackets) {
        // Bit 1 is set in '{' and '[' (one deeper) and clear in '}' and ']' (one less deep): only a closing bracket
        // can reach the floor, since the depth is above it.
        const int next = depth + (data[std::countr_zero(brackets)] & 2) - 1;
        if (next <= deepAbove)
            return brackets & (~brackets + 1);
        depth = next;
        brackets &= brackets - 1;
    }
    return 0;
}

[[gnu::always_inline]] inline bool JsonRecordSplitter::StructuralWalk::walk(StructuralBlock& block, std::size_t base)
{
    std::uint64_t pending = ~std::uint64_t(0); // bits not yet passed
    while (true) {
        if (depth > deepAbove) {
            // Deep inside a value (most of a record): count brackets until one reaches the floor. What stands
            // between them (strings, commas, scalars) cannot matter at this depth.
            const std::uint64_t next = countDeepBrackets(block.brackets & pending, block.data);
            if (!next)
                return true;
            pending &= ~(next - 1);
        }
        const std::uint64_t events = relevant(block, pending);
        if (!events)
            return true;
        const std::uint64_t bit = events & (~events + 1);
        pending &= ~(bit | (bit - 1)); // this event and the irrelevant ones before it are done
        const std::size_t position = base + static_cast<std::size_t>(std::countr_zero(bit));
        if (bit & block.brackets) {
            const char c = splitter.m_buffers.data()[position];
            if (isOpeningBracket(c)) {
                open(c, position);
            } else {
                close(c, position);
                if (splitter.m_stopped)
                    return false;
            }
        } else if (bit & block.stringStart) {
            stringStart(position);
        } else if (bit & block.stringEnd) {
            stringEnd(position);
        } else if (bit & block.comma) {
            if (depth <= 2)
                strayReported = false;
        } else {
            reportStray(position); // a scalar's first byte
        }
        settle();
    }
}

// A value that starts where a record should but is not an object: reported once per element.
void JsonRecordSplitter::StructuralWalk::reportStray(std::size_t position)
{
    const bool stray
        = recordStart == kNone && (depth == 0 || (depth == 1 && topIsArray) || (depth == 2 && inEventsArray));
    if (!stray || strayReported)
        return;
    onProblem(line(position),
        depth == 0 ? "text outside any JSON value: ignored" : "array element is not a JSON object: skipped");
    strayReported = true;
    splitter.m_sawContent = true;
}

void JsonRecordSplitter::StructuralWalk::open(char c, std::size_t position)
{
    splitter.m_sawContent = true;
    if (depth == 0) {
        topIsArray = c == '[';
        topIsObject = c == '{';
        inEventsArray = false;
        lastKeyWasEvents = false;
        strayReported = false;
        if (topIsObject) {
            recordStart = position;
            recordDepth = 0;
            recordLine = line(position);
        }
    } else if (depth == 1 && topIsArray && c == '{') {
        recordStart = position;
        recordDepth = 1;
        recordLine = line(position);
    } else if (depth == 1 && topIsObject && c == '[' && lastKeyWasEvents) {
        // The udmSearch envelope: its events are the records, the envelope itself is not one.
        inEventsArray = true;
        recordStart = kNone;
    } else if (depth == 2 && inEventsArray && c == '{') {
        recordStart = position;
        recordDepth = 2;
        recordLine = line(position);
    } else if (c == '[') {
        reportStray(position); // an array where an event object belongs
    }
    ++depth;
}

void JsonRecordSplitter::StructuralWalk::close(char c, std::size_t position)
{
    if (depth == 0) {
        onProblem(line(position), std::string("unexpected '") + c + "' outside any JSON value: ignored");
        return;
    }
    --depth;
    if (recordStart != kNone && depth == recordDepth) {
        splitter.deliver(onRecord, recordStart, position + 1, recordLine);
        recordStart = kNone;
    }
    if (inEventsArray && depth == 1)
        inEventsArray = false;
}

void JsonRecordSplitter::StructuralWalk::stringStart(std::size_t position)
{
    if (depth == 1 && topIsObject)
        keyStart = position;
    reportStray(position);
}

void JsonRecordSplitter::StructuralWalk::stringEnd(std::size_t position)
{
    const std::string_view key(splitter.m_buffers.data() + keyStart, position - keyStart);
    const auto& keys = splitter.m_envelopeKeys;
    lastKeyWasEvents = std::find(keys.begin(), keys.end(), key) != keys.end();
    keyStart = kNone;
}

// At the end of the buffer, before it is compacted and refilled: returns the first byte to keep.
std::size_t JsonRecordSplitter::StructuralWalk::keepAcrossRefill(std::size_t position)
{
    if (recordStart != kNone && position - recordStart > splitter.m_maxRecordBytes) {
        onProblem(recordLine,
            "record longer than " + byteSizeText(splitter.m_maxRecordBytes) + " (the record-bytes limit): skipped");
        recordStart = kNone; // the scan goes on through it, so the structure stays known
    }
    // A string at the top level of an object matters only if it is an envelope key ("events": 7 bytes with its
    // quote): a longer one is not kept across refills, so an envelope's top-level string cannot grow the buffer past
    // the record cap (a 4 GiB "nextPageToken" did).
    if (keyStart != kNone && position - keyStart > splitter.m_longestKey) {
        keyStart = kNone;
        lastKeyWasEvents = false;
    }
    // Keep the record being read (and a pending key) across the refill.
    settle();
    std::size_t keepFrom = recordStart != kNone ? recordStart : position;
    if (keyStart != kNone)
        keepFrom = std::min(keepFrom, keyStart);
    return keepFrom;
}

// The buffer dropped its first keepFrom bytes.
void JsonRecordSplitter::StructuralWalk::shift(std::size_t keepFrom)
{
    if (recordStart != kNone)
        recordStart -= keepFrom;
    if (keyStart != kNone)
        keyStart -= keepFrom;
}

void JsonRecordSplitter::StructuralWalk::atEnd(bool inString)
{
    if (depth != 0 || inString)
        onProblem(recordStart != kNone ? recordLine : line(splitter.m_end),
            "file ends inside a JSON value (truncated export?): the unfinished record is skipped");
}

bool JsonRecordSplitter::runStructural(const RecordSink& onRecord, const ProblemSink& onProblem)
{
    StructuralWalk walk { *this, onRecord, onProblem, LineCounter(m_begin) };
    JsonStructuralScanner scanner;
    std::size_t position = m_begin;
    while (true) {
        if (position >= m_end) {
            const std::size_t keepFrom = walk.keepAcrossRefill(position);
            walk.lines.dropBefore(m_buffers.data(), keepFrom);
            compact(keepFrom);
            position -= keepFrom;
            walk.shift(keepFrom);
            if (!fill()) {
                if (m_failed)
                    return false;
                walk.atEnd(scanner.inString());
                return true;
            }
            continue;
        }
        // The last block before a refill may be short: the scan reaches the end of the buffer before refilling, as
        // the checks at a refill expect.
        const std::size_t size = std::min(JsonStructuralScanner::kBlockBytes, m_end - position);
        StructuralBlock block = scanner.next(m_buffers.data() + position, size);
        if (!walk.walk(block, position))
            return true;
        position += size;
    }
}

} // namespace cepheid
