#pragma once

#include "model/timestamp.h"

#include <span>
#include <vector>

namespace cepheid {

// RITA v5's beacon score (Active Countermeasures, activecm/rita analysis/beacons.go), computed beside Cepheid's
// own so analysts can compare with the tool they know: 0.25 x (timestamp + data size + duration + histogram).
//  timestamp: (Bowley-skew score + MAD score) / 2 on non-zero gaps; data size: the same on bytes sent;
//  histogram: max(1 - CV of 24 hourly bins, bimodal fit); duration: max(coverage, consistency), needs >= 6 hours.
// The 24 bins span the data set's time range, as RITA spans its analysis window. Needs >= 4 distinct timestamps.
struct RitaScore
{
    bool computed = false;
    double score = 0; // 0..1
    double timestamp = 0, dataSize = 0, histogram = 0, duration = 0;
};

RitaScore computeRitaScore(std::span<const TimestampUs> timesUs, std::span<const double> bytesSent,
    TimestampUs datasetFirst, TimestampUs datasetLast);

} // namespace cepheid
