#include "importer.h"

#include "inputstream.h"
#include "jsonrecordsplitter.h"
#include "udmjsonparser.h"

namespace cepheid {

namespace {

// "metadata.eventTimestamp: '2025-13-01' is not an RFC 3339 timestamp" -> "metadata.eventTimestamp: … is not an
// RFC 3339 timestamp", "events[12]: …" -> "events[…]: …": values from the data are cut out so rejects group by kind.
std::string rejectKind(const std::string& reason)
{
    std::string kind;
    kind.reserve(reason.size());
    bool inQuote = false, inIndex = false;
    for (char c : reason) {
        if (c == '\'' || (c == '[' && !inQuote) || (c == ']' && inIndex)) {
            const bool opening = c == '\'' ? !inQuote : c == '[';
            if (c == '\'')
                inQuote = opening;
            else
                inIndex = opening;
            if (c == '[')
                kind.append("[…");
            else if (c == ']')
                kind.push_back(']');
            else if (opening)
                kind.append("…");
            continue;
        }
        if (!inQuote && !inIndex)
            kind.push_back(c);
    }
    return kind;
}

std::optional<DetectedFormat> sniff(const std::string& path, std::string& error)
{
    InputStream probe;
    if (!probe.open(path)) {
        error = probe.errorMessage();
        return std::nullopt;
    }
    std::string head(64 * 1024, '\0');
    const std::ptrdiff_t got = probe.read(head.data(), head.size());
    if (got < 0) {
        error = probe.errorMessage();
        return std::nullopt;
    }
    head.resize(static_cast<std::size_t>(got));
    return detectFormat(head);
}

} // namespace

std::optional<InputSummary> importFile(const std::string& path, std::uint16_t fileIndex, EventTable& table,
    std::string& error, const ImportOptions& options)
{
    const auto detected = sniff(path, error);
    if (!detected) {
        error = path + ": " + error;
        return std::nullopt;
    }
    InputSummary summary;
    summary.path = path;
    summary.format = detected->format;
    if (detected->format == InputFormat::Unrecognised) {
        error = path + ": unrecognised format: " + detected->explanation;
        return std::nullopt;
    }
    if (detected->format == InputFormat::Empty)
        return summary;

    InputStream input;
    if (!input.open(path)) {
        error = path + ": " + input.errorMessage();
        return std::nullopt;
    }
    summary.compressed = input.isCompressed();

    auto addReject = [&](std::uint32_t line, std::string reason) {
        ++summary.eventsRejected;
        ++summary.rejectKinds[rejectKind(reason)];
        if (summary.rejects.size() < InputSummary::kMaxListedRejects)
            summary.rejects.push_back({ line, std::move(reason) });
    };
    UdmJsonParser parser;
    JsonRecordSplitter splitter(input);
    std::uint64_t records = 0;
    std::uint64_t lastEnd = 0;
    const bool ok = splitter.run(
        [&](const JsonRecordSplitter::Record& record) {
            lastEnd = record.offset + record.text.size();
            parser.parse(
                record, fileIndex,
                [&](const EventRecord& event) {
                    table.append(event);
                    ++summary.eventsRead;
                },
                addReject);
            if ((++records & 0x3FFF) == 0) {
                if (options.progress)
                    options.progress(input.compressedOffset(), input.fileSize());
                if (options.cancel && options.cancel->load(std::memory_order_relaxed))
                    summary.cancelled = true;
            }
            return !summary.cancelled;
        },
        addReject);
    summary.layout = splitter.mode() == JsonRecordSplitter::Mode::Lines ? "ndjson" : "json";
    summary.bytesRead = lastEnd;
    if (!ok) {
        error = path + ": read error after " + std::to_string(summary.eventsRead) + " events: " + input.errorMessage();
        return std::nullopt;
    }
    if (options.progress)
        options.progress(input.fileSize(), input.fileSize());
    return summary;
}

} // namespace cepheid
