#pragma once

#include "jsonrecordsplitter.h"
#include "model/event.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

class InputStream;

// How much of a rejected record its excerpt keeps (RecordSink::reject), in every reader: enough to recognise it.
inline constexpr std::size_t kExcerptBytes = 200;

// Where the events a reader gives go, in file order (the importer batches them for the thread that stores them).
class RecordSink
{
public:
    virtual ~RecordSink() = default;
    // One event of the record being read. Its strings need only live until the call returns.
    virtual void event(const EventRecord& event) = 0;
    // A record, or a stretch of input, that gave no event (or not all of its events): its line, what was wrong
    // (naming the field), and the start of its text when there was one.
    virtual void reject(std::uint64_t line, std::string reason, std::string_view excerpt = {}) = 0;
    // A well-formed record that is not one Cepheid reads (a Sysmon process-creation event, a Zeek files.log line):
    // not an error, so not a reject, but counted by kind ("Sysmon event 7") so that every record is accounted for.
    virtual void skip(std::string_view kind) = 0;
    // Closes one record of the file (a line, an array element, an event log entry) after its events and rejects:
    // its first line, its decompressed byte offset and its original text (kept for drill-down when it gave an
    // event). Returns false when reading should stop (cancelled, a limit reached).
    virtual bool recordDone(std::uint64_t line, std::uint64_t offset, std::string_view text) = 0;
};

struct ReadSettings
{
    std::uint16_t fileIndex = 0; // EventRecord::source.fileIndex of every event
    std::uint64_t maxRecordBytes = 64u << 20; // a record longer than this is rejected, not read into memory
};

struct ReadResult
{
    bool complete = true; // false: reading stopped part-way, and the stream's errorMessage() says why
    std::string layout; // how the file was laid out, for reports: "ndjson", "json", "tsv"…
};

// Turns one JSON record into events, on one thread: a parser keeps per-thread state (simdjson's buffers), so each
// parsing thread has its own.
class RecordParser
{
public:
    virtual ~RecordParser() = default;
    // Gives the record's events, rejects and skips to `sink` (not recordDone: the caller closes the record).
    virtual void parse(const JsonRecordSplitter::Record& record, RecordSink& sink) = 0;
};

// One telemetry format: how a file in it is recognised, and how its records become events. Readers are
// stateless (read() keeps its state on its own stack) and run on the importer's reading thread. A new format is
// one file with a FormatReader and one line in readers.cpp; see docs/architecture.md, "Adding a format".
class FormatReader
{
public:
    virtual ~FormatReader() = default;
    // The stable name reports and case files record, e.g. "chronicle-udm-json".
    virtual std::string_view name() const = 0;
    // How sure the reader is that a file starting with `head` (decompressed, a byte-order mark and leading
    // whitespace removed, never empty) is in its format: 0 not at all, kSniffGeneric for a shape many formats
    // share (any JSON), kSniffSpecific for a marker only this format has. The surest reader reads the file.
    virtual int sniff(std::string_view head) const = 0;
    // Reads every record of `input` into `sink`. Malformed records are rejected one by one, never thrown.
    virtual ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const = 0;

    // A format of JSON records that parse independently of each other gives the splitter that cuts its files and a
    // parser per thread: the importer then cuts on one thread and parses on several (docs/architecture.md,
    // "Parallel parsing"). JsonRecordReader gives both. Null: read() does all the work.
    virtual std::unique_ptr<JsonRecordSplitter> recordSplitter(InputStream&, const ReadSettings&) const
    {
        return nullptr;
    }
    virtual std::unique_ptr<RecordParser> recordParser(const ReadSettings&) const { return nullptr; }

    static constexpr int kSniffGeneric = 10;
    static constexpr int kSniffSpecific = 100;
};

// A format of JSON records that parse independently of each other (UDM, Sysmon and Defender JSON, the cloud audit
// logs): the splitter is JsonRecordSplitter's, with the format's envelope keys; the format gives its RecordParser.
// read() parses every record the splitter cuts, in file order, on the calling thread; a stretch it cannot cut is a
// reject.
class JsonRecordReader : public FormatReader
{
public:
    JsonRecordReader() = default; // envelopes under "events" (udmSearch), one page per line read as a record
    explicit JsonRecordReader(std::vector<std::string> envelopeKeys)
        : m_envelopeKeys(std::move(envelopeKeys))
    { }

    ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const final;
    std::unique_ptr<JsonRecordSplitter> recordSplitter(InputStream& input, const ReadSettings& settings) const final;
    std::unique_ptr<RecordParser> recordParser(const ReadSettings& settings) const override = 0;

private:
    std::optional<std::vector<std::string>> m_envelopeKeys;
};

// kSniffSpecific when visit(line) is true for one of the first `maxLines` lines of a sniffed head (CR and trailing
// blanks dropped), else 0: a damaged first line does not hide the file's format.
template<class Visit> int sniffHeadLines(std::string_view head, std::size_t maxLines, Visit visit)
{
    for (std::size_t i = 0; i < maxLines && !head.empty(); ++i) {
        const std::size_t end = head.find('\n');
        std::string_view line = head.substr(0, end);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        if (visit(line))
            return FormatReader::kSniffSpecific;
        if (end == std::string_view::npos)
            break;
        head.remove_prefix(end + 1);
    }
    return 0;
}

} // namespace cepheid
