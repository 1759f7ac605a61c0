#pragma once

#include "model/flowindex.h"

#include <optional>

namespace cepheid {

// Bytes per check-in: a check-in's connections are added up, so a POST of 500 bytes and a GET of 200 every
// 2 minutes is a steady 700. Absent is not zero: Sysmon and Defender carry no byte counts, and then `known` is
// false and the score leaves payload out instead of calling it small.
struct PayloadStats
{
    bool known = false; // at least half the check-ins carry both byte counts on every connection
    std::uint32_t withBytes = 0; // check-ins that do
    double sentMean = 0, receivedMean = 0;
    double sentCv = 0, receivedCv = 0; // dispersion: stddev / mean
    double sentMedian = 0, receivedMedian = 0;
};

// flowEvents in time order (fan-out copies adjacent); checkInStarts: the first timestamp of each check-in, ascending.
PayloadStats computePayloadStats(
    const EventTable& events, std::span<const EventIndex> flowEvents, std::span<const TimestampUs> checkInStarts);

} // namespace cepheid
