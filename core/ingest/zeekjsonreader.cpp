// Zeek's JSON logs, one object per line (docs/formats/zeek.md), in the dialects found in the wild: Zeek's own
// (LogAscii::use_json, dotted keys "id.orig_h", "_path" where json-streaming-logs adds it), flattened with underscores
// and "@stream" (the OTRF datasets), and Chronicle logstory's "conn - {…}" with the log's kind before each object.
// One file may interleave logs. What the values mean is zeekrecord.cpp's.

#include "fieldtext.h"
#include "formatreader.h"
#include "jsonerror.h"
#include "util/jsontypename.h"
#include "zeekrecord.h"

#include <memory>
#include <simdjson.h>

namespace cepheid {

namespace dom = simdjson::dom;

namespace {

constexpr std::size_t kSniffLines = 20;

struct Line
{
    std::string_view prefixKind; // logstory: the kind written before the object
    std::string_view json;
};

// "conn - {…}" (logstory) or "{…}".
Line splitLine(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (text.starts_with('{'))
        return { {}, text };
    const std::size_t dash = text.find(" - {");
    if (dash == std::string_view::npos || dash == 0 || dash > 40)
        return { {}, text };
    const std::string_view kind = text.substr(0, dash);
    for (const char c : kind)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return { {}, text };
    return { kind, text.substr(dash + 3) };
}

bool contains(std::string_view text, std::string_view needle)
{
    return text.find(needle) != std::string_view::npos;
}

class JsonReading
{
public:
    static constexpr std::string_view kName = "zeek-json";

    // A Zeek record has a uid and its connection's originator ("id.orig_h", "id_orig_h"); logstory's lines start
    // with their log's kind. Either outranks the UDM reader's claim on any JSON.
    static int sniff(std::string_view head)
    {
        return sniffHeadLines(head, kSniffLines, [](std::string_view text) {
            const Line line = splitLine(text);
            if (!line.json.starts_with('{'))
                return false;
            if (!line.prefixKind.empty())
                return true;
            return contains(line.json, "\"uid\"")
                && (contains(line.json, "\"id.orig_h\"") || contains(line.json, "\"id_orig_h\""));
        });
    }

    JsonReading(RecordSink& sink, std::uint16_t fileIndex)
        : m_sink(sink)
        , m_fileIndex(fileIndex)
    { }

    // Every line is a record.
    bool readLine(const TextLines::Line& line)
    {
        read(line);
        return true;
    }

    std::string layout() const { return m_mapper.layout("ndjson"); }

private:
    void read(const TextLines::Line& line)
    {
        const std::string_view excerpt = line.text.substr(0, kExcerptBytes);
        const Line parts = splitLine(line.text);
        if (!parts.json.starts_with('{'))
            return m_sink.reject(line.number, "not a JSON object (Zeek JSON logs hold one per line)", excerpt);
        // simdjson reads up to its padding past the text: the line is copied where that is allowed.
        if (m_padded.capacity() < parts.json.size() + simdjson::SIMDJSON_PADDING)
            m_padded.reserve(parts.json.size() + simdjson::SIMDJSON_PADDING + 4096);
        m_padded.assign(parts.json);
        dom::element root;
        if (const auto code = m_parser.parse(m_padded.data(), m_padded.size(), false).get(root);
            code != simdjson::SUCCESS)
            return m_sink.reject(line.number, "invalid JSON: " + describeJsonError(code), excerpt);
        if (!root.is_object())
            return m_sink.reject(line.number, "the line is not one JSON object", excerpt);
        m_record.clear();
        std::string_view stream, path;
        std::uint16_t shape = 0;
        for (auto [key, value] : dom::object(root)) {
            if (key == "@stream" && value.is_string())
                stream = std::string_view(value);
            else if (key == "_path" && value.is_string())
                path = std::string_view(value);
            const ZeekName known = zeekName(key);
            shape |= known.shape;
            if (known.field)
                setValue(*known.field, value);
        }
        // The most explicit name of the record's log wins: what precedes the object, the stream, the path, and only
        // then what its fields look like.
        const std::string_view kind = !parts.prefixKind.empty() ? parts.prefixKind
            : !stream.empty()                                   ? stream
            : !path.empty()                                     ? path
                                                                : zeekKindFromShape(shape);
        m_mapper.map(kind, m_record, { m_fileIndex, line.number, line.offset, line.text }, m_sink);
    }

    void setValue(ZeekField field, dom::element element)
    {
        ZeekValue& value = m_record[field];
        value = {};
        switch (element.type()) {
        case dom::element_type::STRING:
            value.text = std::string_view(element);
            if (!isUnsetField(value.text))
                value.kind = ZeekValue::Kind::Text;
            break;
        case dom::element_type::UINT64:
            value.kind = ZeekValue::Kind::Unsigned;
            value.number = std::uint64_t(element);
            break;
        case dom::element_type::INT64:
            if (const auto number = std::int64_t(element); number >= 0) {
                value.kind = ZeekValue::Kind::Unsigned;
                value.number = static_cast<std::uint64_t>(number);
            } else {
                value.kind = ZeekValue::Kind::Real;
                value.real = static_cast<double>(number);
            }
            break;
        case dom::element_type::DOUBLE:
            value.kind = ZeekValue::Kind::Real;
            value.real = double(element);
            break;
        case dom::element_type::BOOL:
            value.kind = ZeekValue::Kind::Bool;
            value.flag = bool(element);
            break;
        case dom::element_type::NULL_VALUE:
            break;
        case dom::element_type::ARRAY:
            if (field == ZeekField::Answers) {
                value.kind = ZeekValue::Kind::Text;
                for (dom::element item : dom::array(element)) {
                    if (!item.is_string()) {
                        value.kind = ZeekValue::Kind::Other;
                        value.text = "an array holding something other than strings";
                        break;
                    }
                    m_record.answers.push_back(std::string_view(item));
                }
                break;
            }
            [[fallthrough]];
        case dom::element_type::OBJECT:
            value.kind = ZeekValue::Kind::Other;
            value.text = jsonTypeName(element.type());
            break;
        }
    }

    RecordSink& m_sink;
    const std::uint16_t m_fileIndex;
    dom::parser m_parser;
    std::string m_padded;
    ZeekMapper m_mapper;
    ZeekRecord m_record;
};

} // namespace

std::unique_ptr<FormatReader> makeZeekJsonReader()
{
    return std::make_unique<ZeekLineReader<JsonReading>>();
}

} // namespace cepheid
