#pragma once

#include "model/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cepheid {

// The outcome section of the seed rule for one match window.
struct WindowOutcome
{
    TimestampUs windowStart = 0;
    TimestampUs windowEnd = 0; // exclusive
    std::int64_t eventCount = 0; // count_distinct(metadata.id)
    std::int64_t hourBuckets = 0; // count_distinct(timestamp.get_hour(...)): distinct UTC hours of day
    std::uint64_t totalBytesSent = 0; // sum(network.sent_bytes) over every unnested copy
    std::uint64_t totalBytesReceived = 0;
    std::int64_t avgBytesSent = 0; // math.floor(sum / count_distinct(metadata.id))
    std::int64_t avgBytesReceived = 0;
    bool fires = false;
};

// Overlapping (or touching) firing windows of one flow, merged into one detection as Chronicle's live engine
// deduplicates them.
struct Detection
{
    TimestampUs start = 0;
    TimestampUs end = 0;
    std::uint32_t windows = 0; // firing windows merged into this detection
    std::int64_t peakEventCount = 0;
};

// Why events of a flow never reached the rule's match section. Each event counts once, at the first
// check it fails, in the order the rule states them.
struct DroppedEvents
{
    std::uint64_t eventType = 0; // metadata.event_type != NETWORK_CONNECTION
    std::uint64_t direction = 0; // network.direction != OUTBOUND
    std::uint64_t noHostname = 0; // target.hostname empty (destination known only by IP)
    std::uint64_t domainMismatch = 0; // target.hostname does not match the rule's regex
    std::uint64_t emptySourceIp = 0; // $src_ip zero value: no principal.ip
    std::uint64_t emptyProcessPath = 0; // $proc_path zero value: no principal.process.file.full_path

    std::uint64_t total() const
    {
        return eventType + direction + noHostname + domainMismatch + emptySourceIp + emptyProcessPath;
    }
    DroppedEvents& operator+=(const DroppedEvents& other);
};

struct RuleOutcome
{
    bool domainMatched = false;
    bool fires = false;
    std::uint64_t eligibleEvents = 0; // copies that passed the events section and the placeholder filter
    DroppedEvents dropped;
    // The first firing window; for a flow that does not fire, the window that came closest, so the analyst
    // sees "11 events, 2 hour buckets" against the thresholds. Empty when no event was eligible.
    std::optional<WindowOutcome> window;
    std::vector<Detection> detections;
    std::uint64_t windowsEvaluated = 0;
};

} // namespace cepheid
