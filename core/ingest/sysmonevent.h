#pragma once

#include "model/event.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

class RecordSink;

// The fields of a Windows event that Cepheid reads from Sysmon (docs/formats/sysmon.md). The three Sysmon readers
// (XML, EVTX, JSON) only find these in their encoding; SysmonEventMapper turns them into events, so a record means
// the same whatever it was written in.
enum class SysmonField : std::uint8_t {
    // The envelope (System in XML, winlog.* in ECS, top-level keys in flat JSON).
    EventId,
    Channel,
    Provider,
    Computer,
    RecordId,
    SystemTime, // when the event was logged: only used when UtcTime is absent
    // Sysmon's EventData.
    UtcTime,
    ProcessGuid,
    ProcessId,
    Image,
    User,
    Initiated,
    SourceIp,
    DestinationIp,
    DestinationHostname,
    DestinationPort,
    QueryName,
    QueryResults,
    // The rendered message: flat NXLog exports keep Sysmon's ProcessId only there (docs/formats/sysmon.md).
    Message,
};
inline constexpr std::size_t kSysmonFieldCount = static_cast<std::size_t>(SysmonField::Message) + 1;

// Sysmon's name of an EventData field ("DestinationIp"), exactly as Sysmon spells it; nullopt for the fields Cepheid
// does not read. Case matters: NXLog's "ProcessID" is the Sysmon service's process, not the connecting one.
std::optional<SysmonField> sysmonEventDataField(std::string_view name);

// One record's fields, as views into the reader's text (valid until the reader moves on).
struct SysmonEvent
{
    std::array<std::string_view, kSysmonFieldCount> fields {};
    // The answers of a DNS query when the record has them as a list rather than as QueryResults text (ECS
    // dns.resolved_ip, or dns.answers of type A/AAAA).
    std::vector<std::string_view> answerAddresses;

    std::string_view& operator[](SysmonField field) { return fields[static_cast<std::size_t>(field)]; }
    std::string_view operator[](SysmonField field) const { return fields[static_cast<std::size_t>(field)]; }
    void clear()
    {
        fields = {};
        answerAddresses.clear();
    }
};

// Turns one record's SysmonEvent into what the sink gets: an event for Sysmon EID 3 (a connection) and EID 22 (a DNS
// answer), a skip by kind for every other well-formed Windows event ("Sysmon event 7", "Windows Security event
// 4624"), a reject naming the field otherwise. Holds the buffers its events point into, so keep one per read().
class SysmonEventMapper
{
public:
    explicit SysmonEventMapper(std::uint16_t fileIndex)
        : m_fileIndex(fileIndex)
    { }

    // `text` is the record as the file holds it: its hash identifies an event that has no EventRecordID, and its
    // start is the reject's excerpt. Does not call sink.recordDone(): the reader closes the record.
    void map(
        const SysmonEvent& event, std::string_view text, std::uint64_t line, std::uint64_t offset, RecordSink& sink);

private:
    // Returns why the record gives no event, or an empty string once the event went to the sink.
    std::string connection(const SysmonEvent& event, std::string_view text);
    std::string dnsAnswer(const SysmonEvent& event, std::string_view text);
    std::string common(const SysmonEvent& event, std::string_view text);

    std::uint16_t m_fileIndex;
    EventRecord m_record;
    std::string m_id;
    std::string m_kind;
    std::string m_processId;
    std::string m_addresses; // canonical addresses of the record, end to end; views are taken once all are in
    std::vector<std::pair<std::size_t, std::size_t>> m_addressSpans;
};

// The addresses of a DNS answer as Sysmon writes QueryResults: "type:  5 edge.example.net;::ffff:104.21.48.12;
// 2606:4700::6815:300c;" -> the IP entries as written ("::ffff:104.21.48.12", "2606:4700::6815:300c"); CNAME and
// other "type:" entries name no address of the query, "-" is no answer.
std::vector<std::string_view> queryResultAddresses(std::string_view queryResults);

// An address as one spelling, so that an answer and a connection meet: "::ffff:a.b.c.d" -> "a.b.c.d", IPv6 in its
// compressed lower-case form ("FE80:0:0:0:80AC:…" -> "fe80::80ac:…", how Sysmon writes EID 3 and how Windows
// writes answers differ), a "%zone" dropped. Appends it to `out` and returns true; false if `text` is no address.
bool appendCanonicalAddress(std::string_view text, std::string& out);

} // namespace cepheid
