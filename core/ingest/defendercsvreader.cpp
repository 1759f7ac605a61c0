// Microsoft Defender for Endpoint DeviceNetworkEvents exported as CSV from Advanced Hunting or Log Analytics
// (docs/formats.md, "Defender").

#include "csvrecords.h"
#include "defenderrow.h"
#include "formatreader.h"

#include <memory>
#include <vector>

namespace cepheid {

namespace {

constexpr int kHeaderSearchLines = 5; // a title or a damaged line may precede the header

class DefenderCsvReader final : public FormatReader
{
public:
    std::string_view name() const override { return "defender-csv"; }

    int sniff(std::string_view head) const override
    {
        if (head.front() == '{' || head.front() == '[')
            return 0; // JSON names the same columns
        return sniffHeadLines(head, kHeaderSearchLines, [](std::string_view line) {
            return line.find(',') != std::string_view::npos && looksLikeDeviceNetworkEvents(line);
        });
    }

    ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const override
    {
        CsvRecords csv(input, static_cast<std::size_t>(settings.maxRecordBytes));
        const auto onProblem = [&](std::uint64_t line, std::string reason, std::string_view excerpt) {
            sink.reject(line, std::move(reason), excerpt);
        };
        std::vector<int> columns; // field index in DefenderRow per CSV column; empty until the header is read
        EventRecord event;
        std::string scratch;
        CsvRecords::Record record;
        while (csv.next(record, onProblem)) {
            if (columns.empty()) {
                if (!looksLikeDeviceNetworkEvents(record.text)) {
                    sink.reject(record.line, "a line before the header row (Timestamp, ActionType, RemoteIP…)",
                        record.text.substr(0, kExcerptBytes));
                    continue;
                }
                for (std::string_view column : record.fields)
                    columns.push_back(DefenderRow::fieldIndex(column));
                csv.expectFields(columns.size());
                if (!sink.recordDone(record.line, record.offset, {}))
                    break;
                continue;
            }
            if (record.fields.size() != columns.size()) {
                sink.reject(record.line,
                    std::to_string(record.fields.size()) + " fields where the header has "
                        + std::to_string(columns.size()),
                    record.text.substr(0, kExcerptBytes));
                if (!sink.recordDone(record.line, record.offset, record.text))
                    break;
                continue;
            }
            DefenderRow row;
            for (std::size_t i = 0; i < columns.size(); ++i)
                row.setField(columns[i], record.fields[i]);
            readDefenderRow(row, record.text, { settings.fileIndex, record.line, record.offset }, sink, event, scratch);
            if (!sink.recordDone(record.line, record.offset, record.text))
                break;
        }
        ReadResult result;
        result.complete = !csv.failed();
        result.layout = "csv";
        return result;
    }
};

} // namespace

std::unique_ptr<FormatReader> makeDefenderCsvReader()
{
    return std::make_unique<DefenderCsvReader>();
}

} // namespace cepheid
