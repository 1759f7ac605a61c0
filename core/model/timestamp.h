#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cepheid {

// Time is carried as microseconds since the Unix epoch, UTC, everywhere in Cepheid.
using TimestampUs = std::int64_t;

inline constexpr TimestampUs kMicrosPerSecond = 1'000'000;
inline constexpr TimestampUs kMicrosPerHour = 3600 * kMicrosPerSecond;
inline constexpr TimestampUs kMicrosPerDay = 24 * kMicrosPerHour;

// The range every timestamp in Cepheid lies in: what RFC 3339 can write (years 0001-9999). Readers refuse the rest,
// which also keeps interval and window arithmetic far from int64 overflow.
inline constexpr std::int64_t kFirstSecond = -62135596800; // 0001-01-01T00:00:00Z
inline constexpr std::int64_t kLastSecond = 253402300799; // 9999-12-31T23:59:59Z
inline constexpr bool isRepresentable(TimestampUs time)
{
    return time >= kFirstSecond * kMicrosPerSecond && time <= kLastSecond * kMicrosPerSecond + (kMicrosPerSecond - 1);
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day);

// Parses RFC 3339: "2025-03-04T13:07:42Z", with 0 to 9 fractional digits, "Z"/"z" or a "+HH:MM"/"-HH:MM" offset;
// a space or "t" is accepted in place of "T". Digits beyond microseconds are truncated. Returns nullopt when
// the text is not a valid timestamp (including impossible dates such as February 30).
std::optional<TimestampUs> parseRfc3339(std::string_view text);

// Formats as RFC 3339 UTC with "Z"; fractional digits only when needed (3 for whole milliseconds, else 6).
std::string formatRfc3339(TimestampUs time);

// Hour of day 0..23 in UTC, as YARA-L's timestamp.get_hour() with its default "GMT" zone.
inline int utcHourOfDay(TimestampUs time)
{
    TimestampUs hours = time / kMicrosPerHour;
    if (time % kMicrosPerHour < 0)
        --hours;
    const auto hourOfDay = static_cast<int>(hours % 24);
    return hourOfDay < 0 ? hourOfDay + 24 : hourOfDay;
}

// Floor division that rounds toward negative infinity (window arithmetic must work before 1970 too).
inline std::int64_t floorDiv(std::int64_t numerator, std::int64_t denominator)
{
    std::int64_t quotient = numerator / denominator;
    if ((numerator % denominator != 0) && ((numerator < 0) != (denominator < 0)))
        --quotient;
    return quotient;
}

} // namespace cepheid
