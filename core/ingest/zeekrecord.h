#pragma once

// Zeek logs, TSV or JSON alike (docs/formats/zeek.md): the fields Cepheid reads, found by name, and what a record of
// each log becomes. The two readers (zeektsvreader.cpp, zeekjsonreader.cpp) only find the values in their encoding;
// what the values mean is decided here, once, so the two cannot drift apart.

#include "formatreader.h"
#include "inputstream.h"
#include "model/event.h"
#include "textlines.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// The fields Cepheid reads, in every log it reads (conn, ssl, http, dns).
enum class ZeekField : std::uint8_t {
    Ts,
    Uid,
    OrigHost, // id.orig_h
    RespHost, // id.resp_h
    RespPort, // id.resp_p
    OrigBytes,
    RespBytes,
    LocalOrig,
    LocalResp,
    ServerName, // ssl
    Host, // http
    Uri,
    UserAgent,
    StatusCode,
    Query, // dns
    Answers,
};
inline constexpr std::size_t kZeekFieldCount = 16;

// The field's name as Zeek's TSV header and dotted JSON write it ("id.orig_h"), for messages.
std::string_view zeekFieldName(ZeekField field);

// What a column or key name says: the field Cepheid reads under it, if any, and the hint it gives of the log's kind
// (shape bits, for files and records that do not name their log).
struct ZeekName
{
    std::optional<ZeekField> field;
    std::uint16_t shape = 0;
};
// "id.orig_h" (TSV, Zeek's JSON) and "id_orig_h" (json-streaming-logs, the OTRF datasets) alike.
ZeekName zeekName(std::string_view name);
// The log a record holding these names is: conn (conn_state or orig_bytes), ssl (server_name, or version with cipher),
// http (method, or host with uri), dns (query or qtype_name); empty when they do not say.
std::string_view zeekKindFromShape(std::uint16_t shape);

// One value as the encoding gave it; what it must be is checked when it is read (ZeekMapper).
struct ZeekValue
{
    enum class Kind : std::uint8_t {
        Absent, // not there, unset ("-", JSON null) or empty ("(empty)", "")
        Text, // TSV text (escapes decoded), a JSON string
        Unsigned, // a JSON whole number >= 0
        Real, // any other JSON number
        Bool, // a JSON boolean
        Other, // a JSON array or object where a single value belongs; text names it ("an array")
    };
    Kind kind = Kind::Absent;
    std::string_view text;
    std::uint64_t number = 0;
    double real = 0;
    bool flag = false;
};

// The values of one record, by field. Views point into the reader's buffers and live until its next record.
struct ZeekRecord
{
    std::array<ZeekValue, kZeekFieldCount> values {};
    std::vector<std::string_view> answers; // dns answers (a TSV set, a JSON array): addresses, CNAME names, TXT…

    ZeekValue& operator[](ZeekField field) { return values[static_cast<std::size_t>(field)]; }
    const ZeekValue& operator[](ZeekField field) const { return values[static_cast<std::size_t>(field)]; }
    void clear()
    {
        values.fill({});
        answers.clear();
    }
};

// Where a record is in its file: its events' source, and its reject's line and excerpt.
struct ZeekRecordPlace
{
    std::uint16_t fileIndex = 0;
    std::uint64_t line = 0;
    std::uint64_t offset = 0;
    std::string_view text;
};

// Turns Zeek records into events, one reader's read() long: it reuses its buffers, names the kinds of log it skips
// (at most kMaxNamedKinds of them, so a hostile file cannot grow the skip counts without bound) and remembers the
// kinds it saw, for the file's layout.
class ZeekMapper
{
public:
    static constexpr std::size_t kMaxNamedKinds = 32;

    // Gives the record's event, its skip or its reject to `sink` (not recordDone, which is the reader's), by the
    // kind of log it belongs to ("conn", "ssl", "http", "dns"; "" when unknown). Never throws.
    void map(std::string_view kind, const ZeekRecord& record, const ZeekRecordPlace& place, RecordSink& sink);
    // Remembers a kind of log seen (map() does it for every record; a TSV header names its log before any).
    void noteKind(std::string_view kind);
    // The kinds of log seen, in order: "conn", "conn+ssl+http"…; `whenNone` when no kind was seen.
    std::string layout(std::string_view whenNone) const;

private:
    void mapConnection(const ZeekRecord& record);
    void mapSessionName(const ZeekRecord& record, HostnameSource source, std::string_view name);
    void mapDnsAnswer(const ZeekRecord& record);
    std::string_view skipKind(std::string_view kind);

    EventRecord m_event;
    std::string m_url; // http: host + uri, which the record holds apart
    std::vector<std::string> m_kinds; // every kind seen, first kMaxNamedKinds of them
    std::vector<std::string> m_skipNames; // "Zeek files log", parallel to m_kinds
    bool m_moreKinds = false;
};

// Decodes Zeek's \xHH escapes (the TSV writer's for separators and bytes that are not printable) into `out` and
// returns it; text without one is returned as it is.
std::string_view decodeZeekEscapes(std::string_view text, std::string& out);

// "record longer than 64 MiB (the record-bytes limit): skipped", as the JSON splitter says it.
std::string overlongLineReason(std::uint64_t maxBytes);

// The line loop of both readers: reading.readLine(line) for each line that is not blank and fits the record cap
// (longer ones are rejected, as the UDM reader rejects them); it returns whether the line was a record, which
// recordDone closes (header lines are not records). Stops when recordDone says so; complete unless the input failed
// part-way; the layout is reading.layout().
template<class Reading>
ReadResult readZeekLines(InputStream& input, RecordSink& sink, const ReadSettings& settings, Reading& reading)
{
    constexpr std::uint64_t kMaxLineBytesSupported = 1ull << 30; // TextLines holds one line: bound it whatever is set
    const auto maxLine = static_cast<std::size_t>(std::min(settings.maxRecordBytes, kMaxLineBytesSupported));
    TextLines lines(input, maxLine);
    TextLines::Line line;
    while (lines.next(line)) {
        if (line.tooLong) {
            sink.reject(line.number, overlongLineReason(maxLine));
            continue;
        }
        if (line.text.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        if (reading.readLine(line) && !sink.recordDone(line.number, line.offset, line.text))
            break;
    }
    ReadResult result;
    result.complete = !lines.failed();
    result.layout = reading.layout();
    return result;
}

// A Zeek reader: Reading (TsvReading, JsonReading) names the format, sniffs it, and reads one line at a time
// (readLine, layout), keeping its state for one read().
template<class Reading> class ZeekLineReader final : public FormatReader
{
public:
    std::string_view name() const override { return Reading::kName; }
    int sniff(std::string_view head) const override { return Reading::sniff(head); }
    ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const override
    {
        Reading reading(sink, settings.fileIndex);
        return readZeekLines(input, sink, settings, reading);
    }
};

} // namespace cepheid
