#pragma once

#include "readbuffers.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

class InputStream;

// Cuts a JSON export into records without parsing them, so that one malformed record is rejected alone
// and a multi-gigabyte file never has to fit in memory.
//  - Line mode (NDJSON): every non-blank line is a record.
//  - Structural mode: a top-level array yields its object elements; a top-level object with an "events"
//    array (the udmSearch envelope; a reader may name other envelope keys, as CloudTrail's "Records") yields the
//    elements of that array; any other top-level object is one record. Several top-level values may follow each other
//    (concatenated pages).
// The mode is chosen from the first lines: line mode when most of them are complete objects on their own.
class JsonRecordSplitter
{
public:
    struct Record
    {
        std::string_view text;
        // Readable bytes from text.data(); always >= text.size() + kPadding, as simdjson requires.
        std::size_t capacity = 0;
        std::uint64_t line = 0;
        std::uint64_t offset = 0;
    };
    enum class Mode { Lines, Structural };
    // Returns false to stop reading (cancel).
    using RecordSink = std::function<bool(const Record&)>;
    // A stretch of input that could not become a record (oversized, stray text, truncated at end of file).
    using ProblemSink = std::function<void(std::uint64_t line, std::string reason)>;

    static constexpr std::size_t kPadding = 64; // == SIMDJSON_PADDING
    static constexpr std::size_t kDefaultMaxRecordBytes = 64u << 20;

    explicit JsonRecordSplitter(InputStream& input, std::size_t maxRecordBytes = kDefaultMaxRecordBytes);
    // The same, with the keys whose array in a top-level object holds the records (at most 15 bytes each).
    JsonRecordSplitter(InputStream& input, std::size_t maxRecordBytes, std::vector<std::string> envelopeKeys);
    ~JsonRecordSplitter();

    // Returns false on an I/O error (the stream's errorMessage() says why); records before it were delivered.
    bool run(const RecordSink& onRecord, const ProblemSink& onProblem);
    Mode mode() const { return m_mode; }
    bool sawAnyContent() const { return m_sawContent; }
    bool stopped() const { return m_stopped; }
    // Bytes the buffer can hold now: bounded by about twice the record cap plus a read chunk whatever the input.
    std::size_t capacity() const { return m_buffers.capacity(); }

    // Lets the caller keep records past onRecord without copying them: the buffer a record lies in is not written
    // again while holdBuffer()'s pointer to it lives (readbuffers.h). Call before run().
    void shareBuffers() { m_buffers.share(); }
    // Changes when records start coming from another buffer; take it with holdBuffer().
    std::uint64_t bufferGeneration() const { return m_buffers.generation(); }
    std::shared_ptr<const char> holdBuffer() const { return m_buffers.hold(); }

private:
    bool fill();
    void compact(std::size_t keepFrom);
    Mode chooseMode();
    bool startsWithEnvelope(std::string_view text) const;
    bool runLines(const RecordSink& onRecord, const ProblemSink& onProblem);
    struct StructuralWalk; // runStructural's state machine
    bool runStructural(const RecordSink& onRecord, const ProblemSink& onProblem);
    void deliver(const RecordSink& onRecord, std::size_t begin, std::size_t end, std::uint64_t line);

    InputStream& m_input;
    std::size_t m_maxRecordBytes;
    std::vector<std::string> m_envelopeKeys; // each with its opening quote: "\"events"
    std::size_t m_longestKey = 0; // bytes of the longest, quote included
    // An envelope whose first line is the whole file (CloudTrail writes one line) still yields its elements.
    bool m_oneLineEnvelopeIsStructural = true;
    ReadBuffers m_buffers; // usable bytes: capacity(), padding not included
    std::size_t m_begin = 0; // first byte not yet consumed
    std::size_t m_end = 0; // one past the last byte read
    std::uint64_t m_bufferOffset = 0; // file offset of m_buffers.data()[0]
    bool m_eof = false;
    bool m_failed = false;
    bool m_sawContent = false;
    bool m_stopped = false;
    Mode m_mode = Mode::Lines;
};

} // namespace cepheid
