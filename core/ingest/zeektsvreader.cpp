// Zeek's ASCII logs, the TSV writer's default (docs/formats/zeek.md): header lines say the separator, how unset and
// empty values are written, the log's path and its fields; columns are found by name, since their order and number
// vary with Zeek's version and scripts. Where logs were concatenated a header block comes again mid-file, and is
// read again. What the values mean is zeekrecord.cpp's.

#include "fieldtext.h"
#include "formatreader.h"
#include "zeekrecord.h"

#include <memory>

namespace cepheid {

namespace {

constexpr std::size_t kSniffLines = 16;

// What one header block said.
struct Block
{
    std::string separator = "\t";
    std::string setSeparator = ",";
    std::string emptyField = "(empty)";
    std::string unsetField = "-";
    std::string path;
    std::string kind; // #path, else the kind of log #fields says
    std::vector<int> slots; // per column: the ZeekField it holds, or -1
    std::uint16_t shape = 0;
    bool hasFields = false;
    std::string problem; // why the block's records cannot be read (an unknown #separator); empty when they can
};

// Zeek writes the separator as \x escapes of its bytes ("#separator \x09"), since it cannot use it yet to separate.
std::optional<std::string> parseSeparator(std::string_view value)
{
    std::string decoded;
    if (value.empty() || value.size() % 4 != 0 || value.size() > 32)
        return std::nullopt;
    for (std::size_t i = 0; i < value.size(); i += 4)
        if (value[i] != '\\' || value[i + 1] != 'x')
            return std::nullopt;
    if (decodeZeekEscapes(value, decoded).size() * 4 != value.size())
        return std::nullopt; // an escape that was not one (\xZZ)
    if (decoded.find_first_of("\r\n") != std::string::npos)
        return std::nullopt;
    return decoded;
}

// Calls visit(index, text) for each field of `line`; returns how many there are.
template<class Visit> std::size_t splitFields(std::string_view line, std::string_view separator, Visit visit)
{
    if (separator.empty()) { // never from a header (parseSeparator), but a loop must not hang on it
        visit(0, line);
        return 1;
    }
    std::size_t index = 0;
    while (true) {
        const std::size_t end = separator.size() == 1 ? line.find(separator.front()) : line.find(separator);
        visit(index++, line.substr(0, end));
        if (end == std::string_view::npos)
            return index;
        line.remove_prefix(end + separator.size());
    }
}

class TsvReading
{
public:
    static constexpr std::string_view kName = "zeek-tsv";

    static int sniff(std::string_view head)
    {
        return sniffHeadLines(head, kSniffLines,
            [](std::string_view line) { return line.starts_with("#separator") || line.starts_with("#fields"); });
    }

    TsvReading(RecordSink& sink, std::uint16_t fileIndex)
        : m_sink(sink)
        , m_fileIndex(fileIndex)
    { }

    // Returns whether the line was a record (header lines are not).
    bool readLine(const TextLines::Line& line)
    {
        if (line.text.front() == '#') {
            readHeader(line);
            return false;
        }
        readRecord(line);
        return true;
    }

    std::string layout() const { return m_mapper.layout("tsv"); }

private:
    void readHeader(const TextLines::Line& line)
    {
        const std::string_view text = line.text;
        constexpr std::string_view kSeparator = "#separator";
        if (text.starts_with(kSeparator) && text.size() > kSeparator.size()
            && (text[kSeparator.size()] == ' ' || text[kSeparator.size()] == '\t')) {
            m_block = Block {}; // a new block: nothing of the one before holds
            const std::string_view value = text.substr(kSeparator.size() + 1);
            if (const auto separator = parseSeparator(value)) {
                m_block.separator = *separator;
            } else {
                m_block.problem = "#separator " + quotedValue(value)
                    + " is not a separator Cepheid can read (Zeek writes its bytes as \\x escapes, e.g. \\x09)";
                m_sink.reject(line.number, m_block.problem, text.substr(0, kExcerptBytes));
            }
            return;
        }
        if (!m_block.problem.empty())
            return; // the rest of this block cannot be split; its records are rejected with the reason
        const std::size_t cut = text.find(m_block.separator);
        const std::string_view directive = text.substr(0, cut);
        const std::string_view value
            = cut == std::string_view::npos ? std::string_view() : text.substr(cut + m_block.separator.size());
        if (directive == "#fields") {
            m_block.slots.clear();
            m_block.shape = 0;
            splitFields(value, m_block.separator, [&](std::size_t, std::string_view name) {
                const ZeekName known = zeekName(name);
                m_block.slots.push_back(known.field ? static_cast<int>(*known.field) : -1);
                m_block.shape |= known.shape;
            });
            m_block.hasFields = true;
            setKind();
        } else if (directive == "#path") {
            m_block.path = decodeZeekEscapes(value, m_scratch);
            setKind();
        } else if (directive == "#set_separator") {
            if (!value.empty())
                m_block.setSeparator = decodeZeekEscapes(value, m_scratch);
        } else if (directive == "#empty_field") {
            m_block.emptyField = decodeZeekEscapes(value, m_scratch);
        } else if (directive == "#unset_field") {
            m_block.unsetField = decodeZeekEscapes(value, m_scratch);
        }
        // #types, #open, #close and comments say nothing Cepheid needs.
    }

    void setKind()
    {
        m_block.kind = !m_block.path.empty() ? m_block.path : std::string(zeekKindFromShape(m_block.shape));
        m_mapper.noteKind(m_block.kind);
    }

    void readRecord(const TextLines::Line& line)
    {
        const std::string_view excerpt = line.text.substr(0, kExcerptBytes);
        if (!m_block.problem.empty())
            return m_sink.reject(line.number, "the header above is unusable: " + m_block.problem, excerpt);
        if (!m_block.hasFields)
            return m_sink.reject(line.number, "no #fields header before this line", excerpt);
        m_record.clear();
        const std::size_t found
            = splitFields(line.text, m_block.separator, [&](std::size_t index, std::string_view raw) {
                  if (index < m_block.slots.size() && m_block.slots[index] >= 0)
                      setValue(static_cast<std::size_t>(m_block.slots[index]), raw);
              });
        if (found != m_block.slots.size())
            return m_sink.reject(line.number,
                "expected " + std::to_string(m_block.slots.size()) + " fields (as #fields names), found "
                    + std::to_string(found),
                excerpt);
        m_mapper.map(m_block.kind, m_record, { m_fileIndex, line.number, line.offset, line.text }, m_sink);
    }

    void setValue(std::size_t slot, std::string_view raw)
    {
        if (raw == m_block.unsetField || raw == m_block.emptyField)
            return; // absent
        ZeekValue& value = m_record.values[slot];
        value.kind = ZeekValue::Kind::Text;
        if (slot == static_cast<std::size_t>(ZeekField::Answers)) {
            // A vector, its elements joined by the set separator (escaped inside an element, so split first). An
            // element with an escape is no address, so it is kept as written.
            value.text = raw;
            splitFields(raw, m_block.setSeparator, [&](std::size_t, std::string_view element) {
                if (element != m_block.unsetField && element != m_block.emptyField)
                    m_record.answers.push_back(element);
            });
            return;
        }
        value.text = decodeZeekEscapes(raw, m_decoded[slot]);
    }

    RecordSink& m_sink;
    const std::uint16_t m_fileIndex;
    Block m_block;
    ZeekMapper m_mapper;
    ZeekRecord m_record;
    std::array<std::string, kZeekFieldCount> m_decoded; // values with escapes, decoded, by field
    std::string m_scratch;
};

} // namespace

std::unique_ptr<FormatReader> makeZeekTsvReader()
{
    return std::make_unique<ZeekLineReader<TsvReading>>();
}

} // namespace cepheid
