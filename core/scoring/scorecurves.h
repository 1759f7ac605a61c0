#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace cepheid {

// The curves that turn measurements into the score's 0..1 values (docs/scoring.md, "The score"), in one place: the
// scorer, the period fit's confidence and the explanations read these, so a curve changes once.

constexpr double clamp01(double value)
{
    return std::clamp(value, 0.0, 1.0);
}

// A straight ramp between two measurements: 0 at `zeroAt`, 1 at `oneAt`, flat beyond either (zeroAt may be above
// oneAt for a value that falls as the measurement grows).
struct Ramp
{
    double zeroAt = 0;
    double oneAt = 1;
    constexpr double operator()(double measured) const { return clamp01((measured - zeroAt) / (oneAt - zeroAt)); }
};

// Single-beat jitter: the coefficient of variation's upper bound; steady at 0.1 or less, random at 0.6 or more.
inline constexpr Ramp kRegularityCurve { 0.6, 0.1 };
// Period floor: the shortest gaps' share of the base period; 0.6 or more is a floor, 0.25 or less is none.
inline constexpr Ramp kPeriodFloorCurve { 0.25, 0.6 };
// Harmonics: the share of gaps that are whole multiples of the base period.
inline constexpr Ramp kHarmonicsCurve { 0.6, 0.95 };
// Payload size: the median bytes sent; check-ins are small (2 KiB or less), 8 KiB or more is traffic.
inline constexpr Ramp kSmallPayloadCurve { 8192, 2048 };

inline double regularityOf(double jitterCv)
{
    return kRegularityCurve(jitterCv);
}
inline double floorValueOf(double floorRatio)
{
    return kPeriodFloorCurve(floorRatio);
}
inline double harmonicValueOf(double harmonicFraction)
{
    return kHarmonicsCurve(harmonicFraction);
}
// 1 - e^(-count / 8): how much a number of gaps can say.
inline double evidenceOf(std::uint32_t count)
{
    return 1 - std::exp(-static_cast<double>(count) / 8.0);
}

} // namespace cepheid
