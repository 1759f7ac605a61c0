#pragma once

#include "timestamp.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace cepheid {

// network.direction, numbered as the UDM enum (UNKNOWN_DIRECTION = 0 is the proto3 zero value).
enum class Direction : std::uint8_t { Unknown = 0, Inbound = 1, Outbound = 2, Broadcast = 3 };

std::string_view directionName(Direction direction);

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
