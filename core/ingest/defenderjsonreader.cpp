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

class DefenderJsonReader final : public JsonRecordReader
{
public:
    std::string_view name() const override { return "defender-json"; }

    int sniff(std::string_view head) const override
    {
        return (head.front() == '{' || head.front() == '[') && looksLikeDeviceNetworkEvents(head) ? kSniffSpecific : 0;
    }

    std::unique_ptr<RecordParser> recordParser(const ReadSettings& settings) const override
    {
        return std::make_unique<Reading>(settings.fileIndex);
    }

private:
    // One record: a row, or an Event Hubs message whose "records" are rows.
    class Reading final : public DomRecordParser
    {
    public:
        explicit Reading(std::uint16_t fileIndex)
            : m_fileIndex(fileIndex)
        { }

    private:
        void read(dom::element root, const JsonRecordSplitter::Record& record, RecordSink& sink) override
        {
            if (dom::array rows; root["records"].get(rows) == simdjson::SUCCESS) {
                for (dom::element row : rows)
                    readRow(row, record, sink);
            } else {
                readRow(root, record, sink);
            }
        }

        void readRow(dom::element element, const JsonRecordSplitter::Record& record, RecordSink& sink)
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
            readDefenderRow(row, record.text, { m_fileIndex, record.line, record.offset }, sink, m_event, m_scratch);
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
                    std::string& number = m_numbers[static_cast<std::size_t>(index)];
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

        std::uint16_t m_fileIndex;
        EventRecord m_event;
        std::string m_scratch;
        std::array<std::string, 16> m_numbers; // numbers written as text, one slot per DefenderRow field
    };
};

} // namespace

std::unique_ptr<FormatReader> makeDefenderJsonReader()
{
    return std::make_unique<DefenderJsonReader>();
}

} // namespace cepheid
