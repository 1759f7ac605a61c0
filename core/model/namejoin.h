#pragma once

#include "eventtable.h"

#include <cstddef>
#include <string_view>

namespace cepheid {

// How long before a connection a DNS answer still names it, and how far after (the two are logged by different
// components, whose clocks and flushes differ by a little). docs/formats.md, "Names from other records".
inline constexpr TimestampUs kDnsAnswerLookback = kMicrosPerHour;
inline constexpr TimestampUs kDnsAnswerLag = 2 * kMicrosPerSecond;

struct NameJoinCounts
{
    std::size_t bySession = 0; // connections named by their session's TLS server name or HTTP Host
    std::size_t byDnsAnswer = 0; // connections named by a DNS answer for their target IP
    std::size_t evidence = 0; // DNS answers and session names (they form no flow)
    friend bool operator==(const NameJoinCounts&, const NameJoinCounts&) = default;
};

// Gives connections that lack a real hostname (none, or only a reverse lookup) the name their telemetry's other
// records hold:
//  1. the session's own name: a SessionName event with the same joinKey (Zeek ssl server_name, else http Host);
//  2. else the newest DNS answer for the connection's target IP asked by the same asker no earlier than
//     kDnsAnswerLookback before it (and at most kDnsAnswerLag after): the same process (joinKey, a Sysmon
//     ProcessGuid, when both have one; else the same image on the same host), or for answers without a process
//     (Zeek dns.log) the same principal IP.
// Runs over the whole table, so a name in one file reaches a connection in another, whatever the import order; it
// first undoes an earlier join, so running it again after more imports gives what one run over everything would.
NameJoinCounts joinNames(EventTable& events);

// True when `hostname` spells the IPv4 address `ip` (ec2-52-1-2-3.compute-1.amazonaws.com, ip-10-0-0-5.ec2.internal,
// 3.2.1.10.in-addr.arpa, server-18-66-97-25.fra56.r.cloudfront.net): a reverse-DNS name of a server, which says
// nothing about the service the client asked for.
bool spellsAddress(std::string_view hostname, std::string_view ip);

} // namespace cepheid
