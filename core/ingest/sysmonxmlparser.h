#pragma once

#include "sysmonevent.h"

#include <memory>
#include <string>
#include <string_view>

namespace cepheid {

// Reads one <Event> element of the Windows event schema (wevtutil, Get-WinEvent's ToXml(), libevtx) with expat into
// a SysmonEvent: System's EventID, EventRecordID, Channel, Computer, Provider/@Name and TimeCreated/@SystemTime, and
// the EventData/Data elements Cepheid reads, by their Name. Namespace prefixes are ignored. One parser serves every
// record of a file (expat's parser is reset between them).
class SysmonXmlParser
{
public:
    SysmonXmlParser();
    ~SysmonXmlParser();
    SysmonXmlParser(const SysmonXmlParser&) = delete;
    SysmonXmlParser& operator=(const SysmonXmlParser&) = delete;

    // Returns an empty string when the element was read into `event` (whose views then point into this parser until
    // the next call), else why not: "invalid XML (line 3, column 7 of the record): mismatched tag".
    std::string parse(std::string_view xml, SysmonEvent& event);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// What the XML and EVTX readers do with each record's <Event> element: parse it and map it, or reject it with the
// parser's reason. Keep one per read().
class SysmonXmlRecordMapper
{
public:
    explicit SysmonXmlRecordMapper(std::uint16_t fileIndex)
        : m_mapper(fileIndex)
    { }
    void map(std::string_view xml, std::uint64_t line, std::uint64_t offset, RecordSink& sink);

private:
    SysmonXmlParser m_parser;
    SysmonEventMapper m_mapper;
    SysmonEvent m_event;
};

} // namespace cepheid
