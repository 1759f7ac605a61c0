#pragma once

#include "intervalstats.h"

namespace cepheid {

// The check-in period behind a flow's intervals, found with an interval histogram and its harmonics:
//  - the base interval is the median gap (robust while fewer than half the beats are missed);
//  - a gap is explained when it lies near k x base for k = 1..4 (missed beats give 2x, 3x, 4x), with a tolerance
//    wide enough for 50 % Cobalt-Strike jitter (k x base +/- 0.35 k x base);
//  - single-beat gaps (<= 1.5 x base) carry the jitter: their coefficient of variation and their floor
//    (10th percentile / median). Bounded jitter keeps a floor well above zero (CS 50 %: 0.7, Sliver: 0.8);
//    memoryless traffic (people, polling with random waits) has many short gaps (Poisson: about 0.15).
// Gaps beyond 4 x base (nights, weekends, pauses) are neither explained nor held against the flow.
struct PeriodFit
{
    bool found = false;
    double periodSeconds = 0; // mean single-beat gap
    double singleBeatCv = 0; // jitter of single-beat gaps
    double floorRatio = 0; // q10 / median of single-beat gaps
    double harmonicFraction = 0; // share of gaps (up to 4 x base) explained by k x base
    double missedBeatFraction = 0; // share of explained gaps with k >= 2
    std::uint32_t singleBeats = 0;
    double confidence = 0; // 0..1: how sure the period is real (see docs/scoring.md)
};

PeriodFit fitPeriod(const IntervalStats& stats);

} // namespace cepheid
