#pragma once

#include "cloudaudit.h"
#include "timestamp.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace cepheid {

// network.direction, numbered as the UDM enum (UNKNOWN_DIRECTION = 0 is the proto3 zero value).
enum class Direction : std::uint8_t { Unknown = 0, Inbound = 1, Outbound = 2, Broadcast = 3 };

std::string_view directionName(Direction direction);

// What an event is for (docs/formats.md, "Names from other records"). Connections form flows; the other roles are
// evidence that names other events' destinations and form no flow of their own (they are kept, with their raw
// record, so the analyst can see where a name came from).
enum class EventRole : std::uint8_t {
    Connection = 0,
    DnsAnswer = 1, // a resolution: targetHostname was asked, targetIps answered (Sysmon EID 22, Zeek dns.log)
    SessionName = 2, // the name one session used (Zeek ssl server_name, http Host), found again by joinKey
    CloudAudit = 3, // a cloud control-plane call on a serverless function (model/cloudaudit.h): not traffic at all
};

// Where an event's target hostname came from. The reader sets the record's own source; the name join
// (model/namejoin.h) may give a better name from evidence, and then says so.
enum class HostnameSource : std::uint8_t {
    None = 0, // no hostname: the destination is the target IP
    Record = 1, // the record names the host itself (UDM target.hostname, Defender RemoteUrl, a DNS query name)
    TlsSni = 2, // the TLS server name of the same session (Zeek ssl.log, by uid)
    HttpHost = 3, // the HTTP Host header of the same session (Zeek http.log, by uid)
    DnsJoin = 4, // the name this host (and process) resolved to the target IP shortly before
    SysmonPtr = 5, // Sysmon's DestinationHostname: a reverse (PTR) lookup of the IP, not the name the process used
    Reverse
    = 6, // a reverse-DNS name that spells the IP (ec2-1-2-3-4…, ip-10-0-0-1…): it names the server, not the service
};
inline constexpr int kHostnameSourceCount = 7;

std::string_view eventRoleName(EventRole role); // "connection", "dns_answer", "session_name", "cloud_audit"
// "", "record", "tls_sni", "http_host", "dns_join", "sysmon", "reverse": the names reports and the case use.
std::string_view hostnameSourceName(HostnameSource source);
// A name the DNS join may replace: none, or a reverse lookup (Sysmon's, or one that spells the IP).
inline bool isReplaceableHostname(HostnameSource source)
{
    return source == HostnameSource::None || source == HostnameSource::SysmonPtr || source == HostnameSource::Reverse;
}

// Where an event came from, so every event drills down to its original record.
struct SourceReference
{
    std::uint16_t fileIndex = 0;
    std::uint64_t line = 0; // 1-based line of the record's first byte in the (decompressed) file
    std::uint64_t byteOffset = 0; // offset of the record's first byte in the (decompressed) file
};

// One event as a reader produces it, before interning. Views point into the reader's buffers and are
// only valid until the reader moves on, which is why EventTable::append copies them into its pool.
struct EventRecord
{
    TimestampUs timestamp = 0;
    std::string_view id; // metadata.id (base64 in UDM JSON); empty: the reader supplies idHash itself
    std::uint64_t idHash = 0; // identity for count_distinct(metadata.id)
    std::string_view eventType; // metadata.event_type enum name
    Direction direction = Direction::Unknown;
    std::string_view principalHostname;
    std::vector<std::string_view> principalIps; // repeated field, order kept, duplicates kept (Chronicle unnests all)
    std::string_view processPath;
    std::string_view processId;
    std::string_view targetHostname;
    std::vector<std::string_view> targetIps;
    std::uint16_t targetPort = 0;
    std::uint64_t bytesSent = 0;
    std::uint64_t bytesReceived = 0;
    bool bytesSentKnown = false; // absent is not zero: Sysmon and Defender carry no byte counts at all
    bool bytesReceivedKnown = false;
    std::string_view user;
    // HTTP, when the telemetry has it (proxy and web logs): shown with the events; the rule and score do not read it.
    std::string_view url; // target.url
    std::string_view userAgent; // network.http.user_agent
    std::uint16_t responseCode = 0; // network.http.response_code; 0: none
    EventRole role = EventRole::Connection;
    // How the name join finds this event's partners: a Zeek uid (conn, ssl, http), a Sysmon ProcessGuid (EID 3 and
    // 22). Empty when the format has none.
    std::string_view joinKey;
    // Where targetHostname came from; None with a non-empty targetHostname is taken as Record.
    HostnameSource hostnameSource = HostnameSource::None;
    // A CloudAudit event's details; null for every other role. Valid as long as the views are.
    const CloudAuditRecord* cloud = nullptr;
    SourceReference source;

    // Resets every field but keeps the IP vectors' capacity: readers reuse one record for millions of events.
    void clear()
    {
        auto principal = std::move(principalIps);
        auto target = std::move(targetIps);
        *this = EventRecord {};
        principal.clear();
        target.clear();
        principalIps = std::move(principal);
        targetIps = std::move(target);
    }
};

} // namespace cepheid
