#pragma once

#include "scorecurves.h"

#include <cstdint>
#include <span>

namespace cepheid {

// The check-in period behind a flow's gaps, found with an interval histogram and its harmonics:
//  - the base interval is the median gap (robust while fewer than half the beats are missed);
//  - single-beat gaps (<= 1.5 x base) carry the jitter: their coefficient of variation, its 95 % upper bound
//    given how few of them there are, and their floor (10th percentile / median). Bounded jitter keeps a floor
//    well above zero (CS 50 %: 0.7, Sliver: 0.8); memoryless traffic (people, polling with random waits) has many
//    short gaps (Poisson: about 0.15);
//  - a gap is explained when it lies near k x base for k = 1..4 (missed beats give 2x, 3x, 4x). The tolerance
//    follows the measured jitter (3 robust standard deviations of k x base, between 5 % and 35 %): a machine-tight flow
//    must land near the multiples, a heavily jittered one cannot be held to them. The jitter here is the robust
//    spread of the single beats (median absolute deviation), so a few stray gaps among them do not widen it;
//  - gaps of 4.5 x base or more (nights, weekends) are pauses: they count as unexplained, so a flow whose gaps are
//    mostly irregular is not called regular because a subset of them is. Real beacons pause rarely against their
//    beats.
struct PeriodFit
{
    bool found = false;
    double periodSeconds = 0; // mean single-beat gap
    double singleBeatCv = 0; // jitter of single-beat gaps
    double singleBeatCvBound = 0; // its 95 % upper confidence bound: what few beats cannot rule out
    double floorRatio = 0; // q10 / median of single-beat gaps
    double tolerance = 0; // relative tolerance of the harmonic windows
    double harmonicFraction = 0; // share of all gaps explained by k x base
    double missedBeatFraction = 0; // share of explained gaps with k >= 2
    std::uint32_t singleBeats = 0;
    std::uint32_t pauses = 0; // gaps of 4.5 x base or more
    double confidence = 0; // 0..1: how sure the period is real (see docs/scoring.md)
};

// sortedGaps: gaps between check-ins in seconds, ascending.
PeriodFit fitPeriod(std::span<const double> sortedGaps);

} // namespace cepheid
