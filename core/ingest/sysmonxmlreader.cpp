// Sysmon as Windows event XML: wevtutil qe /f:xml, wevtutil /e:Events, Get-WinEvent's ToXml() (docs/formats/sysmon.md).

#include "formatreader.h"
#include "sysmonxmlparser.h"
#include "xmleventsplitter.h"

#include <memory>

namespace cepheid {

namespace {

// An "<Event" start tag (not <Events>) somewhere in `head`.
bool hasEventElement(std::string_view head)
{
    for (std::size_t at = head.find("<Event"); at != std::string_view::npos; at = head.find("<Event", at + 1)) {
        const char next = at + 6 < head.size() ? head[at + 6] : '\0';
        if (next == ' ' || next == '>' || next == '\t' || next == '\r' || next == '\n')
            return true;
    }
    return false;
}

class SysmonXmlReader final : public FormatReader
{
public:
    std::string_view name() const override { return "sysmon-xml"; }

    // Windows event XML, whatever its log: records of other logs are counted as skipped, which says more than
    // refusing the file. An export tool's banner before the first element (evtxexport's) does not hide it.
    int sniff(std::string_view head) const override
    {
        const bool windowsEvents
            = head.find("http://schemas.microsoft.com/win/2004/08/events/event") != std::string_view::npos
            || head.find("<System>") != std::string_view::npos;
        return windowsEvents && hasEventElement(head) ? kSniffSpecific : 0;
    }

    ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const override
    {
        SysmonXmlRecordMapper records(settings.fileIndex);
        XmlEventSplitter splitter(
            input, static_cast<std::size_t>(std::min<std::uint64_t>(settings.maxRecordBytes, 1ull << 30)));
        ReadResult result;
        result.layout = "xml";
        result.complete = splitter.run(
            [&](const XmlEventSplitter::Element& element) {
                if (element.problem.empty())
                    records.map(element.text, element.line, element.offset, sink);
                else
                    sink.reject(element.line, std::string(element.problem), element.text.substr(0, kExcerptBytes));
                return sink.recordDone(element.line, element.offset, element.text);
            },
            [&](std::uint64_t line, std::string reason, std::string_view excerpt) {
                sink.reject(line, std::move(reason), excerpt);
            });
        return result;
    }
};

} // namespace

std::unique_ptr<FormatReader> makeSysmonXmlReader()
{
    return std::make_unique<SysmonXmlReader>();
}

} // namespace cepheid
