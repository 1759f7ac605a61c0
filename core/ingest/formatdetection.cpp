#include "formatdetection.h"

#include <algorithm>

namespace cepheid {

std::string_view formatName(InputFormat format)
{
    switch (format) {
    case InputFormat::ChronicleUdmJson:
        return "chronicle-udm-json";
    case InputFormat::Empty:
        return "empty";
    case InputFormat::Unrecognised:
        break;
    }
    return "unrecognised";
}

namespace {

bool contains(std::string_view text, std::string_view needle)
{
    return text.find(needle) != std::string_view::npos;
}

std::string printablePrefix(std::string_view text)
{
    std::string out;
    for (char c : text.substr(0, 40)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '\n' || byte == '\r')
            break;
        out.push_back(byte >= 0x20 && byte < 0x7F ? c : '?');
    }
    return out;
}

// UTF-16 text (with or without a byte-order mark): ASCII in it has a NUL beside every byte. Read as UTF-8 it would
// reject every record as "invalid JSON" and give no event; it is named instead, with the conversion to make.
std::string_view utf16Kind(std::string_view head)
{
    if (head.starts_with("\xFF\xFE"))
        return "UTF-16LE";
    if (head.starts_with("\xFE\xFF"))
        return "UTF-16BE";
    const std::size_t sample = std::min<std::size_t>(head.size(), 512) & ~std::size_t(1);
    if (sample < 4)
        return {};
    std::size_t evenNuls = 0, oddNuls = 0;
    for (std::size_t i = 0; i < sample; i += 2) {
        evenNuls += head[i] == '\0';
        oddNuls += head[i + 1] == '\0';
    }
    const std::size_t pairs = sample / 2;
    if (oddNuls * 10 >= pairs * 9 && evenNuls == 0)
        return "UTF-16LE";
    if (evenNuls * 10 >= pairs * 9 && oddNuls == 0)
        return "UTF-16BE";
    return {};
}

} // namespace

DetectedFormat detectFormat(std::string_view head)
{
    if (const std::string_view utf16 = utf16Kind(head); !utf16.empty())
        return { InputFormat::Unrecognised,
            std::string(utf16) + " text: Cepheid reads UTF-8 JSON (convert it: iconv -f " + std::string(utf16)
                + " -t UTF-8 FILE > FILE.utf8.json)" };
    if (head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF")
        head.remove_prefix(3);
    const auto first = head.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return { InputFormat::Empty, {} };
    const std::string_view body = head.substr(first);
    if (body.front() == '{' || body.front() == '[') {
        // Any JSON object or array is read as UDM; records that are not UDM events are rejected one by one with
        // their line, which tells more than refusing the whole file would.
        return { InputFormat::ChronicleUdmJson, {} };
    }
    if (body.starts_with("<?xml") || body.starts_with("<Event") || body.starts_with("<Events"))
        return { InputFormat::Unrecognised, "XML (Windows event log?): only Chronicle UDM JSON is supported so far" };
    if (body.starts_with("ElfFile"))
        return { InputFormat::Unrecognised, "a binary .evtx log: only Chronicle UDM JSON is supported so far" };
    if (body.starts_with("#separator") || body.starts_with("#fields"))
        return { InputFormat::Unrecognised, "a Zeek TSV log: only Chronicle UDM JSON is supported so far" };
    if (body.starts_with("SQLite format 3"))
        return { InputFormat::Unrecognised, "an SQLite database: open a case file with --case, not as an input" };
    const std::string_view firstLine = body.substr(0, body.find('\n'));
    if (std::count(firstLine.begin(), firstLine.end(), ',') >= 2
        && (contains(firstLine, "metadata.") || contains(firstLine, "Timestamp")))
        return { InputFormat::Unrecognised, "CSV: only Chronicle UDM JSON is supported so far" };
    return { InputFormat::Unrecognised, "not JSON (starts with \"" + printablePrefix(body) + "\")" };
}

} // namespace cepheid
