#pragma once

#include "jsonrecordsplitter.h"
#include "model/event.h"

#include <functional>
#include <memory>
#include <string>

namespace cepheid {

// Turns one JSON record into normalised events. A record is a UDM event, an envelope item
// {"name": …, "udm": {…}}, or a whole udmSearch page {"events": [ … ]} (one page per NDJSON line).
// Keys are accepted in lowerCamelCase (API) and snake_case (UDM/YARA-L documentation).
class UdmJsonParser
{
public:
    using EventSink = std::function<void(const EventRecord&)>;
    // line is the record's line; reason names the field and what was wrong with it.
    using RejectSink = std::function<void(std::uint64_t line, std::string reason)>;

    UdmJsonParser();
    ~UdmJsonParser();
    UdmJsonParser(const UdmJsonParser&) = delete;
    UdmJsonParser& operator=(const UdmJsonParser&) = delete;

    void parse(const JsonRecordSplitter::Record& record, std::uint16_t fileIndex, const EventSink& onEvent,
        const RejectSink& onReject);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace cepheid
