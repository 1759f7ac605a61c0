#pragma once

#include "model/event.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace cepheid {

class InputStream;

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

    static constexpr int kSniffGeneric = 10;
    static constexpr int kSniffSpecific = 100;
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
