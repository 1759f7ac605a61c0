// Chronicle UDM as CSV, the way Google SecOps' search exports it: one column per UDM field path
// ("metadata.event_timestamp", "principal.ip", …), repeated fields joined in one cell (docs/formats.md,
// "Chronicle UDM CSV"). Each row is rewritten as the UDM JSON event it stands for and read by the UDM JSON parser,
// so both encodings of UDM mean exactly the same thing to the rule.

#include "csvrecords.h"
#include "fieldtext.h"
#include "formatreader.h"
#include "jsonrecordsplitter.h"
#include "udmjsonparser.h"
#include "util/jsonwriter.h"

#include <map>
#include <memory>
#include <vector>

namespace cepheid {

namespace {

constexpr int kHeaderSearchLines = 5;

// A header names UDM field paths: the event's type or time is among its columns.
bool headerLooksLikeUdm(std::string_view line)
{
    if (line.find(',') == std::string_view::npos)
        return false;
    for (std::string_view path :
        { "metadata.event_type", "metadata.eventType", "metadata.event_timestamp", "metadata.eventTimestamp" })
        if (line.find(path) != std::string_view::npos)
            return true;
    return false;
}

// The header as a tree of field paths: leaves are columns.
struct PathNode
{
    std::map<std::string, PathNode, std::less<>> children;
    int column = -1;
    bool repeated = false; // principal.ip, target.ip: lists in UDM
};

PathNode buildTree(const std::vector<std::string>& header)
{
    PathNode root;
    for (std::size_t i = 0; i < header.size(); ++i) {
        std::string_view path = header[i];
        if (path.starts_with("udm."))
            path.remove_prefix(4);
        PathNode* node = &root;
        while (!path.empty()) {
            const std::size_t dot = path.find('.');
            node = &node->children[std::string(path.substr(0, dot))];
            path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
        }
        if (node->children.empty() && node != &root) {
            node->column = static_cast<int>(i);
            node->repeated = header[i].ends_with(".ip") || header[i].ends_with(".mac");
        }
    }
    return root;
}

// A repeated field's values, however the export joined them: commas, semicolons, bars, line breaks or a JSON-like
// list ("[\"10.0.0.1\", \"10.0.0.2\"]").
std::vector<std::string_view> splitList(std::string_view cell)
{
    std::vector<std::string_view> values;
    std::size_t i = 0;
    const auto separator = [](char c) {
        return c == ',' || c == ';' || c == '|' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '['
            || c == ']' || c == '"';
    };
    while (i < cell.size()) {
        while (i < cell.size() && separator(cell[i]))
            ++i;
        const std::size_t begin = i;
        while (i < cell.size() && !separator(cell[i]))
            ++i;
        if (i > begin)
            values.push_back(cell.substr(begin, i - begin));
    }
    return values;
}

bool hasValue(const PathNode& node, const std::vector<std::string_view>& fields)
{
    if (node.column >= 0)
        return static_cast<std::size_t>(node.column) < fields.size()
            && !fields[static_cast<std::size_t>(node.column)].empty();
    for (const auto& [name, child] : node.children)
        if (hasValue(child, fields))
            return true;
    return false;
}

// Timestamps as the UI shows them ("2025-03-04 13:07:42.118 UTC", no zone at all) become RFC 3339.
std::string timestampText(std::string_view cell)
{
    if (cell.ends_with(" UTC"))
        cell.remove_suffix(4);
    if (const auto time = parseUtcDateTime(cell))
        return formatRfc3339(*time);
    return std::string(cell); // the JSON parser rejects it, naming the field
}

void writeObject(JsonWriter& json, const PathNode& node, const std::vector<std::string_view>& fields)
{
    json.beginObject();
    for (const auto& [name, child] : node.children) {
        if (!hasValue(child, fields))
            continue; // empty cells are absent fields (absent bytes are not zero)
        json.key(name);
        if (child.column < 0) {
            writeObject(json, child, fields);
            continue;
        }
        const std::string_view cell = fields[static_cast<std::size_t>(child.column)];
        if (child.repeated) {
            json.beginArray();
            for (std::string_view value : splitList(cell))
                json.value(value);
            json.endArray();
        } else if (name == "event_timestamp" || name == "eventTimestamp") {
            json.value(timestampText(cell));
        } else {
            json.value(cell);
        }
    }
    json.endObject();
}

class UdmCsvReader final : public FormatReader
{
public:
    std::string_view name() const override { return "chronicle-udm-csv"; }

    int sniff(std::string_view head) const override
    {
        if (head.front() == '{' || head.front() == '[')
            return 0;
        return sniffHeadLines(head, kHeaderSearchLines, headerLooksLikeUdm);
    }

    ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const override
    {
        CsvRecords csv(input, static_cast<std::size_t>(settings.maxRecordBytes));
        const auto onProblem = [&](std::uint64_t line, std::string reason, std::string_view excerpt) {
            sink.reject(line, std::move(reason), excerpt);
        };
        UdmJsonParser parser;
        std::optional<PathNode> tree;
        std::size_t columns = 0;
        std::string json;
        CsvRecords::Record record;
        while (csv.next(record, onProblem)) {
            const std::string_view excerpt = record.text.substr(0, kExcerptBytes);
            if (!tree) {
                if (!headerLooksLikeUdm(record.text)) {
                    sink.reject(record.line, "a line before the header row (metadata.event_timestamp, …)", excerpt);
                    continue;
                }
                tree = buildTree({ record.fields.begin(), record.fields.end() });
                columns = record.fields.size();
                csv.expectFields(columns);
                if (!sink.recordDone(record.line, record.offset, {}))
                    break;
                continue;
            }
            if (record.fields.size() != columns) {
                sink.reject(record.line,
                    std::to_string(record.fields.size()) + " fields where the header has " + std::to_string(columns),
                    excerpt);
            } else {
                json.clear();
                JsonWriter writer(json, false);
                writeObject(writer, *tree, record.fields);
                json.reserve(json.size() + JsonRecordSplitter::kPadding);
                const JsonRecordSplitter::Record asJson { json, json.capacity(), record.line, record.offset };
                parser.parse(
                    asJson, settings.fileIndex, [&](const EventRecord& event) { sink.event(event); },
                    [&](std::uint64_t line, std::string reason) { sink.reject(line, std::move(reason), excerpt); });
            }
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

std::unique_ptr<FormatReader> makeUdmCsvReader()
{
    return std::make_unique<UdmCsvReader>();
}

} // namespace cepheid
