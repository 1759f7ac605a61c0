// Chronicle UDM JSON: udmSearch pages, their event lists, NDJSON of UDM events (docs/formats.md).

#include "formatreader.h"
#include "jsonrecordsplitter.h"
#include "udmjsonparser.h"

#include <algorithm>
#include <memory>

namespace cepheid {

namespace {

class UdmRecordParser final : public RecordParser
{
public:
    explicit UdmRecordParser(std::uint16_t fileIndex)
        : m_fileIndex(fileIndex)
    { }

    void parse(const JsonRecordSplitter::Record& record, RecordSink& sink) override
    {
        m_parser.parse(
            record, m_fileIndex, [&](const EventRecord& event) { sink.event(event); },
            [&](std::uint64_t line, std::string reason) {
                sink.reject(line, std::move(reason), record.text.substr(0, kExcerptBytes));
            });
    }

private:
    UdmJsonParser m_parser;
    std::uint16_t m_fileIndex;
};

class UdmJsonReader final : public JsonRecordReader
{
public:
    std::string_view name() const override { return "chronicle-udm-json"; }

    // Any JSON object or array is read as UDM: records that are not UDM events are rejected one by one with their
    // line, which tells more than refusing the whole file would. Formats with markers of their own outrank it.
    int sniff(std::string_view head) const override
    {
        return head.front() == '{' || head.front() == '[' ? kSniffGeneric : 0;
    }

    std::unique_ptr<RecordParser> recordParser(const ReadSettings& settings) const override
    {
        return std::make_unique<UdmRecordParser>(settings.fileIndex);
    }
};

} // namespace

std::unique_ptr<FormatReader> makeUdmJsonReader()
{
    return std::make_unique<UdmJsonReader>();
}

} // namespace cepheid
