#include "readers.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace cepheid {

// The registry: one line per format. Each maker is defined in its reader's file.
std::unique_ptr<FormatReader> makeUdmJsonReader(); // udmjsonreader.cpp
std::unique_ptr<FormatReader> makeUdmCsvReader(); // udmcsvreader.cpp
std::unique_ptr<FormatReader> makeDefenderCsvReader(); // defendercsvreader.cpp
std::unique_ptr<FormatReader> makeDefenderJsonReader(); // defenderjsonreader.cpp
std::unique_ptr<FormatReader> makeSysmonXmlReader(); // sysmonxmlreader.cpp
std::unique_ptr<FormatReader> makeSysmonEvtxReader(); // sysmonevtxreader.cpp
std::unique_ptr<FormatReader> makeSysmonJsonReader(); // sysmonjsonreader.cpp
std::unique_ptr<FormatReader> makeZeekTsvReader(); // zeektsvreader.cpp
std::unique_ptr<FormatReader> makeZeekJsonReader(); // zeekjsonreader.cpp
std::unique_ptr<FormatReader> makeCloudTrailReader(); // cloudtrailreader.cpp
std::unique_ptr<FormatReader> makeGcpAuditReader(); // gcpauditreader.cpp
std::unique_ptr<FormatReader> makeAzureActivityReader(); // azureactivityreader.cpp
std::unique_ptr<FormatReader> makeCloudflareAuditReader(); // cloudflareauditreader.cpp

namespace {

struct Registry
{
    std::vector<std::unique_ptr<FormatReader>> owned;
    std::vector<const FormatReader*> readers;

    Registry()
    {
        owned.push_back(makeUdmJsonReader());
        owned.push_back(makeUdmCsvReader());
        owned.push_back(makeDefenderCsvReader());
        owned.push_back(makeDefenderJsonReader());
        owned.push_back(makeSysmonXmlReader());
        owned.push_back(makeSysmonEvtxReader());
        owned.push_back(makeSysmonJsonReader());
        owned.push_back(makeZeekTsvReader());
        owned.push_back(makeZeekJsonReader());
        owned.push_back(makeCloudTrailReader());
        owned.push_back(makeGcpAuditReader());
        owned.push_back(makeAzureActivityReader());
        owned.push_back(makeCloudflareAuditReader());
        for (const auto& reader : owned)
            readers.push_back(reader.get());
    }
};

const Registry& registry()
{
    static const Registry instance;
    return instance;
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

bool contains(std::string_view text, std::string_view needle)
{
    return text.find(needle) != std::string_view::npos;
}

// UTF-16 text without a byte-order mark (InputStream converts it when the mark is there): ASCII in it has a NUL
// beside every byte. Read as UTF-8 it would reject every record and give no event; it is named instead, with the
// conversion to make, rather than guessed.
std::string_view utf16Kind(std::string_view head)
{
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

std::string readableFormats()
{
    std::string names;
    for (const FormatReader* reader : formatReaders())
        names += (names.empty() ? "" : ", ") + std::string(reader->name());
    return "Cepheid reads " + names;
}

// What a file no reader takes looks like, so the analyst knows which export to make instead.
std::string describeUnrecognised(std::string_view body)
{
    if (body.starts_with("<?xml") || body.starts_with("<Event"))
        return "XML that is not Windows event XML: " + readableFormats();
    if (body.starts_with("#separator") || body.starts_with("#fields"))
        return "a Zeek TSV log: " + readableFormats();
    if (body.starts_with("<?xml") || body.starts_with("<Event") || body.starts_with("<Events"))
        return "XML (a Windows event log?): " + readableFormats();
    if (body.starts_with("ElfFile"))
        return "a binary .evtx log: " + readableFormats();
    if (body.starts_with("SQLite format 3"))
        return "an SQLite database: open a case file with --case, not as an input";
    const std::string_view firstLine = body.substr(0, body.find('\n'));
    if (std::count(firstLine.begin(), firstLine.end(), ',') >= 2
        && (contains(firstLine, "metadata.") || contains(firstLine, "Timestamp")))
        return "CSV: " + readableFormats();
    return "not a format Cepheid reads (starts with \"" + printablePrefix(body) + "\"): " + readableFormats();
}

} // namespace

std::span<const FormatReader* const> formatReaders()
{
    return registry().readers;
}

const FormatReader* findFormatReader(std::string_view name)
{
    for (const FormatReader* reader : formatReaders())
        if (reader->name() == name)
            return reader;
    return nullptr;
}

DetectedFormat detectFormat(std::string_view head)
{
    return detectFormat(head, formatReaders());
}

DetectedFormat detectFormat(std::string_view head, std::span<const FormatReader* const> readers)
{
    if (const std::string_view utf16 = utf16Kind(head); !utf16.empty())
        return { nullptr, false,
            std::string(utf16)
                + " text without a byte-order mark: Cepheid reads UTF-8, and UTF-16 that starts "
                  "with its mark (convert it: iconv -f "
                + std::string(utf16) + " -t UTF-8 FILE > FILE.utf8)" };
    if (head.starts_with("\xEF\xBB\xBF"))
        head.remove_prefix(3);
    const auto first = head.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return { nullptr, true, {} };
    const std::string_view body = head.substr(first);
    const FormatReader* surest = nullptr;
    int best = 0;
    for (const FormatReader* reader : readers) {
        const int confidence = reader->sniff(body);
        if (confidence > best) {
            best = confidence;
            surest = reader;
        }
    }
    if (surest)
        return { surest, false, {} };
    return { nullptr, false, describeUnrecognised(body) };
}

} // namespace cepheid
