#pragma once

#include <cstdint>
#include <string>

namespace cepheid {

// The values a profile's numbers may take, in one place: the JSON reader refuses what lies outside, validation
// checks a profile built in code against the same bounds, and the workbench's editors cannot go beyond them.
template<typename Number> struct ProfileRange
{
    Number minimum;
    Number maximum;
    constexpr bool contains(Number value) const { return value >= minimum && value <= maximum; }
};

namespace profileranges {

// YARA-L accepts `over` windows from 1 minute to 48 hours.
inline constexpr ProfileRange<double> kWindowHours { 1.0 / 60.0, 48.0 };
inline constexpr ProfileRange<std::int64_t> kMinEvents { 1, 1'000'000'000 };
inline constexpr ProfileRange<std::int64_t> kMinHourBuckets { 1, 24 };
inline constexpr ProfileRange<std::int64_t> kAverageBytes { 0, std::int64_t(1) << 62 };
inline constexpr ProfileRange<double> kVerdictThreshold { 0, 100 }; // on the 0..100 score
inline constexpr ProfileRange<double> kWeight { 0, 1000 }; // points
inline constexpr ProfileRange<std::int64_t> kFleetHosts { 2, 1'000'000 };
inline constexpr ProfileRange<double> kSeverityThreshold { 0, 100 };
inline constexpr ProfileRange<double> kClusterGapMinutes { 1, 7 * 24 * 60 };
inline constexpr ProfileRange<std::int64_t> kHourOfDay { 0, 24 };

} // namespace profileranges

} // namespace cepheid
