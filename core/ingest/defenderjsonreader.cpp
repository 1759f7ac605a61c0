// Microsoft Defender for Endpoint DeviceNetworkEvents as JSON: Advanced Hunting and Log Analytics exports (an array
// of rows, or one row per line) and the streaming API's {"records": [{"time", "category", "properties": {…}}]}
// (docs/formats.md, "Defender").

#include "defenderrow.h"
#include "formatreader.h"
#include "jsonerror.h"
#include "jsonrecordsplitter.h"

#include <array>
#include <memory>
#include <simdjson.h>

namespace cepheid {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kExcerptBytes = 200;
constexpr std::uint64_t kMaxRecordBytesSupported = 1ull << 30;

class DefenderJsonReader final : public FormatReader
{
public:
    std::string_view name() const override { return "defender-json"; }

    int sniff(std::string_view head) const override
    {
        return (head.front() == '{' || head.front() == '[') && looksLikeDeviceNetworkEvents(head) ? kSniffSpecific : 0;
    }

    ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const override
    {
        dom::parser parser;
        JsonRecordSplitter splitter(
            input, static_cast<std::size_t>(std::min(settings.maxRecordBytes, kMaxRecordBytesSupported)));
        Reading reading { sink, settings };
        ReadResult result;
        result.complete = splitter.run(
            [&](const JsonRecordSplitter::Record& record) {
                dom::element root;
                if (const auto error = parser.parse(record.text.data(), record.text.size(), false).get(root)) {
                    sink.reject(
                        record.line, "invalid JSON: " + describeJsonError(error), record.text.substr(0, kExcerptBytes));
                } else if (dom::array rows; root["records"].get(rows) == simdjson::SUCCESS) {
                    for (dom::element row : rows)
                        reading.row(row, record);
                } else {
                    reading.row(root, record);
                }
                return sink.recordDone(record.line, record.offset, record.text);
            },
            [&](std::uint64_t line, std::string reason) { sink.reject(line, std::move(reason)); });
        result.layout = splitter.mode() == JsonRecordSplitter::Mode::Lines ? "ndjson" : "json";
        return result;
    }

private:
    struct Reading
    {
        RecordSink& sink;
        const ReadSettings& settings;
        EventRecord event {};
        std::string scratch {};
        std::array<std::string, 16> numbers {}; // numbers written as text, one slot per DefenderRow field

        void row(dom::element element, const JsonRecordSplitter::Record& record)
        {
            const std::string_view excerpt = record.text.substr(0, kExcerptBytes);
            dom::object object;
            if (element.get(object) != simdjson::SUCCESS) {
                sink.reject(record.line, "a row is not a JSON object", excerpt);
                return;
            }
            DefenderRow row;
            // The streaming API nests the columns in "properties" and puts the time beside them.
            if (dom::object properties; object["properties"].get(properties) == simdjson::SUCCESS) {
                fill(row, object);
                fill(row, properties);
            } else {
                fill(row, object);
            }
            readDefenderRow(row, record.text, { settings.fileIndex, record.line, record.offset }, sink, event, scratch);
        }

        void fill(DefenderRow& row, dom::object object)
        {
            for (auto [key, value] : object) {
                const std::string_view column = key == "time" ? std::string_view("Timestamp") : key;
                const int index = DefenderRow::fieldIndex(column);
                if (index < 0)
                    continue;
                std::string_view text;
                if (value.is_string()) {
                    text = std::string_view(value);
                } else if (value.is_int64() || value.is_uint64() || value.is_double()) {
                    std::string& number = numbers[static_cast<std::size_t>(index)];
                    number = value.is_int64() ? std::to_string(std::int64_t(value))
                        : value.is_uint64()   ? std::to_string(std::uint64_t(value))
                                              : simdjson::minify(value);
                    text = number;
                } else if (!value.is_null()) {
                    continue; // objects and arrays (AdditionalFields) are not read
                }
                row.setField(index, text);
            }
        }
    };
};

} // namespace

std::unique_ptr<FormatReader> makeDefenderJsonReader()
{
    return std::make_unique<DefenderJsonReader>();
}

} // namespace cepheid
