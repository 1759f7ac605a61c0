#pragma once

#include "model/eventtable.h"
#include "periodfit.h"

#include <cstdint>
#include <span>
#include <vector>

namespace cepheid {

// A flow's check-ins: the moments its program woke up and talked to the destination. Real implants often open
// several connections per check-in (a POST and a GET a fraction of a second apart, a retry, a TLS session and a
// second request); streaming and chatty sessions open dozens. The period that matters is the check-in's, so
// connections are grouped first and the score measures the gaps between check-in starts (docs/scoring.md,
// "Check-ins").
struct CheckIns
{
    std::vector<TimestampUs> starts; // first connection of each check-in, ascending
    std::vector<EventIndex> startEvents; // the event at each start
    std::vector<std::uint32_t> connections; // distinct connection timestamps in each check-in
    // The longest gap between two connections of one check-in, in seconds (0 when every check-in is one connection).
    double longestInnerGapSeconds = 0;
    // True when the grouping was chosen from the flow's own two-scale gap structure (bursts of k connections
    // every T), not only the fixed sub-second rule.
    bool twoScale = false;
    // The period fit of the gaps between check-ins (findCheckIns fits it to choose; groupCheckIns leaves it empty).
    PeriodFit period;

    std::uint32_t count() const { return static_cast<std::uint32_t>(starts.size()); }
};

// What a score keeps of a flow's check-ins (the series itself is only needed while measuring).
struct CheckInSummary
{
    std::uint32_t connections = 0; // distinct connection timestamps
    std::uint32_t checkIns = 0;
    std::uint32_t largest = 0; // connections in the largest check-in
    double meanConnections = 0; // connections per check-in
    double longestInnerGapSeconds = 0;
    bool twoScale = false;
};
CheckInSummary summarise(const CheckIns& checkIns);

// Connections less than this apart are one exchange: no C2 framework checks in several times a second (Havoc's
// default sleep, the shortest found, is 2 s), while one check-in's requests, and streaming frames, are milliseconds
// apart.
inline constexpr TimestampUs kSameExchangeUs = 1'000'000;

// Groups connections (distinct timestamps, ascending, with the event at each) whose gap to the previous one is
// below groupingGapUs into check-ins.
CheckIns groupCheckIns(
    std::span<const TimestampUs> times, std::span<const EventIndex> events, TimestampUs groupingGapUs);

// The check-ins of a flow, with their period fit. Connections within kSameExchangeUs are always one check-in.
// Beyond that, where the remaining gaps fall into two clusters far apart (no gap between them for a factor of 4),
// the short ones are taken as gaps inside a check-in if the check-ins this makes are short bursts and more clearly
// periodic than the connections are (the period fit's confidence decides, so traffic with no such structure is
// left alone). The shortest such grouping that passes is taken: bursts come before nights.
CheckIns findCheckIns(std::span<const TimestampUs> times, std::span<const EventIndex> events);

// The connections of a flow: its distinct timestamps, ascending, each with the first event at it (fan-out copies
// and simultaneous connections are one connection).
struct Connections
{
    std::vector<TimestampUs> times;
    std::vector<EventIndex> events;
};
Connections distinctConnections(const EventTable& table, std::span<const EventIndex> flowEvents);

// Gaps between consecutive check-in starts, in seconds, in time order.
std::vector<double> checkInGaps(const CheckIns& checkIns);

} // namespace cepheid
