#include "csvrecords.h"

#include <algorithm>

namespace cepheid {

CsvRecords::CsvRecords(InputStream& input, std::size_t maxRecordBytes, char separator)
    : m_lines(input, maxRecordBytes)
    , m_maxRecordBytes(maxRecordBytes)
    , m_separator(separator)
{ }

bool CsvRecords::nextLine(HeldLine& line)
{
    if (!m_reread.empty()) {
        line = std::move(m_reread.front());
        m_reread.pop_front();
        return true;
    }
    TextLines::Line read;
    if (!m_lines.next(read))
        return false;
    hold(read, line);
    return true;
}

void CsvRecords::hold(const TextLines::Line& read, HeldLine& line)
{
    line.text.assign(read.text);
    line.number = read.number;
    line.offset = read.offset;
    line.tooLong = read.tooLong;
}

bool CsvRecords::split(Record& record)
{
    m_unquoted.clear();
    m_spans.clear();
    std::size_t i = 0;
    const std::size_t size = m_text.size();
    while (true) {
        const std::size_t begin = m_unquoted.size();
        if (i < size && m_text[i] == '"') {
            ++i;
            while (true) {
                if (i >= size)
                    return false; // still inside quotes: the record goes on on the next line
                if (m_text[i] == '"') {
                    if (i + 1 < size && m_text[i + 1] == '"') {
                        m_unquoted.push_back('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                m_unquoted.push_back(m_text[i++]);
            }
            // Text after the closing quote and before the separator is kept as it stands (lenient, as spreadsheets).
            while (i < size && m_text[i] != m_separator)
                m_unquoted.push_back(m_text[i++]);
        } else {
            while (i < size && m_text[i] != m_separator)
                m_unquoted.push_back(m_text[i++]);
        }
        m_spans.emplace_back(begin, m_unquoted.size() - begin);
        if (i >= size)
            break;
        ++i; // the separator
    }
    record.fields.clear();
    for (const auto& [begin, length] : m_spans)
        record.fields.emplace_back(m_unquoted.data() + begin, length);
    return true;
}

bool CsvRecords::next(Record& record, const ProblemSink& onProblem)
{
    while (true) {
        m_held.clear();
        m_text.clear();
        HeldLine first;
        if (m_reread.empty()) {
            TextLines::Line read;
            if (!m_lines.next(read))
                return false;
            // Most lines hold no quote: their fields are cut from the line where it lies, without a copy.
            if (!read.tooLong && !read.text.empty() && read.text.find('"') == std::string_view::npos) {
                record.fields.clear();
                for (std::size_t begin = 0;;) {
                    const std::size_t end = read.text.find(m_separator, begin);
                    record.fields.push_back(read.text.substr(begin, end - begin));
                    if (end == std::string_view::npos)
                        break;
                    begin = end + 1;
                }
                record.text = read.text;
                record.line = read.number;
                record.offset = read.offset;
                return true;
            }
            hold(read, first);
        } else if (!nextLine(first)) {
            return false;
        }
        if (first.tooLong) {
            onProblem(first.number, "the line is longer than the record limit", {});
            continue;
        }
        if (first.text.empty())
            continue;
        m_text = first.text;
        m_held.push_back(std::move(first));
        bool complete = split(record);
        bool broken = false;
        // While a quote is open, the record is split again only when its quotes balance: appending a line and
        // splitting everything each time would be quadratic in the record's length.
        auto quotes
            = [](std::string_view text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '"')); };
        std::size_t quoteCount = quotes(m_text);
        while (!complete) {
            HeldLine more;
            if (m_text.size() > m_maxRecordBytes || !nextLine(more) || more.tooLong) {
                if (more.tooLong)
                    m_held.push_back(std::move(more));
                broken = true;
                break;
            }
            m_text.push_back('\n');
            m_text += more.text;
            quoteCount += quotes(more.text);
            m_held.push_back(std::move(more));
            complete = quoteCount % 2 == 0 && split(record);
        }
        if (!broken && m_held.size() > 1 && m_expectedFields != 0 && record.fields.size() != m_expectedFields)
            broken = true;
        if (broken) {
            // The quote opened on the first line is taken as a stray one: that line is rejected, the lines it
            // swallowed are read again as records of their own.
            const std::string_view firstText = m_held.front().text;
            onProblem(m_held.front().number, "a quoted field is not closed on its line (unbalanced quote)",
                firstText.substr(0, 200));
            for (std::size_t i = m_held.size(); i-- > 1;)
                m_reread.push_front(std::move(m_held[i]));
            continue;
        }
        record.text = m_text;
        record.line = m_held.front().number;
        record.offset = m_held.front().offset;
        return true;
    }
}

} // namespace cepheid
