#pragma once

#include "model/flowindex.h"

#include <optional>

namespace cepheid {

// Bytes per check-in. Absent is not zero: Sysmon and Defender carry no byte counts, and then `known` is false
// and the score leaves payload out instead of calling it small.
struct PayloadStats
{
    bool known = false; // at least half the events carry both byte counts
    std::uint32_t withBytes = 0; // events that carry them
    double sentMean = 0, receivedMean = 0;
    double sentCv = 0, receivedCv = 0; // dispersion: stddev / mean
    double sentMedian = 0, receivedMedian = 0;
};

PayloadStats computePayloadStats(const EventTable& events, std::span<const EventIndex> flowEvents);

} // namespace cepheid
