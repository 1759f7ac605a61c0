#pragma once

// The test oracle for JsonRecordSplitter's structural mode: the splitter as it was before the structural scan was
// vectorised (git show 415dcef:core/ingest/jsonrecordsplitter.cpp), byte by byte, kept verbatim but for the names
// and for line mode, which it leaves out (only the mode it chooses is compared there). Not used by the product.
// tst_jsonrecordsplitter and fuzz_record_splitter check that the splitter cuts every input exactly as this does.

#include "ingest/jsonrecordsplitter.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cepheid::test {

class ReferenceJsonRecordSplitter
{
public:
    using Record = JsonRecordSplitter::Record;
    using Mode = JsonRecordSplitter::Mode;
    using RecordSink = JsonRecordSplitter::RecordSink;
    using ProblemSink = JsonRecordSplitter::ProblemSink;
    static constexpr std::size_t kPadding = JsonRecordSplitter::kPadding;

    // The splitter's two constructors: the UDM reader's ("events", a one-line envelope is a line of records), and a
    // reader's own envelope keys (a one-line envelope is structural).
    ReferenceJsonRecordSplitter(InputStream& input, std::size_t maxRecordBytes);
    ReferenceJsonRecordSplitter(InputStream& input, std::size_t maxRecordBytes, std::vector<std::string> envelopeKeys);

    // In line mode, returns at once after choosing it: line mode is not what the oracle is for.
    bool run(const RecordSink& onRecord, const ProblemSink& onProblem);
    Mode mode() const { return m_mode; }
    bool sawAnyContent() const { return m_sawContent; }
    std::size_t capacity() const { return m_capacity; }

private:
    bool fill();
    void compact(std::size_t keepFrom);
    Mode chooseMode();
    bool startsWithEnvelope(std::string_view text) const;
    bool runStructural(const RecordSink& onRecord, const ProblemSink& onProblem);
    void emit(const RecordSink& onRecord, std::size_t begin, std::size_t end, std::uint64_t line);

    InputStream& m_input;
    std::size_t m_maxRecordBytes;
    std::vector<std::string> m_envelopeKeys;
    std::size_t m_longestKey = 0;
    bool m_oneLineEnvelopeIsStructural = true;
    std::unique_ptr<char[]> m_buffer;
    std::size_t m_capacity = 0;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::uint64_t m_bufferOffset = 0;
    bool m_eof = false;
    bool m_failed = false;
    bool m_sawContent = false;
    bool m_stopped = false;
    Mode m_mode = Mode::Lines;
};

// All that a splitter tells its caller about a file, in the order it told it: each record's line, offset and text and
// each problem's line and reason; the mode, whether it read to the end, whether it saw content, and its buffer's
// capacity afterwards (the refill logic's bound).
struct SplitTrace
{
    JsonRecordSplitter::Mode mode = JsonRecordSplitter::Mode::Lines;
    bool completed = false;
    bool sawContent = false;
    std::size_t capacity = 0;
    std::vector<std::string> told; // "record LINE @OFFSET: TEXT" or "problem LINE: REASON"

    bool operator==(const SplitTrace&) const = default;
};

// Runs a splitter (either kind) to the end, or until it has given stopAfter records (the sink then says stop),
// handing each record to `visit` too (the fuzz target parses them). In line mode only the mode is kept (Lines is the
// default): the oracle does not cut lines.
template<class Splitter, class Visit = void (*)(const JsonRecordSplitter::Record&)>
SplitTrace traceSplit(
    Splitter& splitter, std::size_t stopAfter = std::size_t(-1), Visit visit = [](const JsonRecordSplitter::Record&) {})
{
    SplitTrace trace;
    std::size_t records = 0;
    trace.completed = splitter.run(
        [&](const JsonRecordSplitter::Record& record) {
            // A long record by its size and hash: the traces of multi-megabyte files stay small.
            const std::string text = record.text.size() <= 256 ? std::string(record.text)
                                                               : std::to_string(record.text.size()) + " bytes, hash "
                    + std::to_string(std::hash<std::string_view> {}(record.text));
            trace.told.push_back(
                "record " + std::to_string(record.line) + " @" + std::to_string(record.offset) + ": " + text);
            if (record.capacity < record.text.size() + JsonRecordSplitter::kPadding)
                trace.told.push_back("record without its padding");
            visit(record);
            return ++records < stopAfter;
        },
        [&](std::uint64_t line, const std::string& reason) {
            trace.told.push_back("problem " + std::to_string(line) + ": " + reason);
        });
    trace.mode = splitter.mode();
    if (trace.mode == JsonRecordSplitter::Mode::Lines)
        return SplitTrace {};
    trace.sawContent = splitter.sawAnyContent();
    trace.capacity = splitter.capacity();
    return trace;
}

} // namespace cepheid::test
