#pragma once

#include "textlines.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// RFC 4180 CSV as exports write it: a header row, fields quoted when they hold the separator, a quote or a line
// break, quotes doubled inside. A broken record costs only itself: a quote that is never closed (or that makes a
// record spanning lines come out with the wrong number of fields) rejects the line it opened on, and reading goes
// on with the next line.
class CsvRecords
{
public:
    struct Record
    {
        std::vector<std::string_view> fields; // unquoted; valid until the next call
        std::string_view text; // the record as in the file (its lines joined by "\n")
        std::uint64_t line = 0;
        std::uint64_t offset = 0;
    };
    using ProblemSink = std::function<void(std::uint64_t line, std::string reason, std::string_view excerpt)>;

    CsvRecords(InputStream& input, std::size_t maxRecordBytes, char separator = ',');

    // The next record; false at the end of the input or on a read error (failed()). Blank lines are skipped.
    bool next(Record& record, const ProblemSink& onProblem);
    // Records after the header have this many fields: one spanning lines with another count is a stray quote.
    void expectFields(std::size_t count) { m_expectedFields = count; }
    bool failed() const { return m_lines.failed(); }

private:
    struct HeldLine
    {
        std::string text;
        std::uint64_t number = 0;
        std::uint64_t offset = 0;
        bool tooLong = false;
    };
    bool nextLine(HeldLine& line);
    void hold(const TextLines::Line& read, HeldLine& line);
    // Splits m_text into m_record's fields; false while a quoted field is still open at the end.
    bool split(Record& record);

    TextLines m_lines;
    std::size_t m_maxRecordBytes;
    char m_separator;
    std::size_t m_expectedFields = 0;
    std::deque<HeldLine> m_reread; // lines a broken record swallowed, read again
    std::vector<HeldLine> m_held; // the lines of the record being read
    std::string m_text; // their text joined
    std::string m_unquoted; // the fields' unquoted text back to back
    std::vector<std::pair<std::size_t, std::size_t>> m_spans; // each field's (begin, size) in m_unquoted
};

} // namespace cepheid
