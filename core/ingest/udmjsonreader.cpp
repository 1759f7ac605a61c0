// Chronicle UDM JSON: udmSearch pages, their event lists, NDJSON of UDM events (docs/formats.md).

#include "formatreader.h"
#include "jsonrecordsplitter.h"
#include "udmjsonparser.h"

#include <algorithm>
#include <memory>

namespace cepheid {

namespace {

constexpr std::size_t kExcerptBytes = 200;
// The splitter's buffer is about twice the record cap: a cap beyond 1 GiB would ask for more than any import
// needs, whatever a setting says.
constexpr std::uint64_t kMaxRecordBytesSupported = 1ull << 30;

class UdmJsonReader final : public FormatReader
{
public:
    std::string_view name() const override { return "chronicle-udm-json"; }

    // Any JSON object or array is read as UDM: records that are not UDM events are rejected one by one with their
    // line, which tells more than refusing the whole file would. Formats with markers of their own outrank it.
    int sniff(std::string_view head) const override
    {
        return head.front() == '{' || head.front() == '[' ? kSniffGeneric : 0;
    }

    ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const override
    {
        UdmJsonParser parser;
        JsonRecordSplitter splitter(
            input, static_cast<std::size_t>(std::min(settings.maxRecordBytes, kMaxRecordBytesSupported)));
        ReadResult result;
        result.complete = splitter.run(
            [&](const JsonRecordSplitter::Record& record) {
                parser.parse(
                    record, settings.fileIndex, [&](const EventRecord& event) { sink.event(event); },
                    [&](std::uint64_t line, std::string reason) {
                        sink.reject(line, std::move(reason), record.text.substr(0, kExcerptBytes));
                    });
                return sink.recordDone(record.line, record.offset, record.text);
            },
            [&](std::uint64_t line, std::string reason) { sink.reject(line, std::move(reason)); });
        result.layout = splitter.mode() == JsonRecordSplitter::Mode::Lines ? "ndjson" : "json";
        return result;
    }
};

} // namespace

std::unique_ptr<FormatReader> makeUdmJsonReader()
{
    return std::make_unique<UdmJsonReader>();
}

} // namespace cepheid
