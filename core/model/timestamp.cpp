#include "timestamp.h"

#include <array>
#include <cstdio>

namespace cepheid {

std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

namespace {

bool readDigits(std::string_view text, std::size_t position, std::size_t count, int& value)
{
    if (position + count > text.size())
        return false;
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[position + i];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

bool isLeapYear(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month)
{
    static constexpr std::array<int, 12> days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return month == 2 && isLeapYear(year) ? 29 : days[static_cast<std::size_t>(month - 1)];
}

} // namespace

std::optional<TimestampUs> parseRfc3339(std::string_view text)
{
    int year, month, day, hour, minute, second;
    if (!readDigits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' || !readDigits(text, 5, 2, month)
        || text[7] != '-' || !readDigits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')
        || !readDigits(text, 11, 2, hour) || text[13] != ':' || !readDigits(text, 14, 2, minute) || text[16] != ':'
        || !readDigits(text, 17, 2, second))
        return std::nullopt;
    // Leap second 60 is accepted by RFC 3339; it is folded into the next second as most systems do.
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;

    std::size_t position = 19;
    std::int64_t micros = 0;
    if (position < text.size() && text[position] == '.') {
        ++position;
        const std::size_t firstDigit = position;
        int scale = 100000;
        while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
            micros += (text[position] - '0') * scale;
            scale /= 10;
            ++position;
        }
        if (position == firstDigit)
            return std::nullopt;
    }

    std::int64_t offsetSeconds = 0;
    if (position >= text.size())
        return std::nullopt; // RFC 3339 requires a zone designator.
    if (text[position] == 'Z' || text[position] == 'z') {
        ++position;
    } else if (text[position] == '+' || text[position] == '-') {
        int offsetHours, offsetMinutes;
        if (!readDigits(text, position + 1, 2, offsetHours) || position + 3 >= text.size() || text[position + 3] != ':'
            || !readDigits(text, position + 4, 2, offsetMinutes) || offsetHours > 23 || offsetMinutes > 59)
            return std::nullopt;
        offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (text[position] == '-' ? -1 : 1);
        position += 6;
    } else {
        return std::nullopt;
    }
    if (position != text.size())
        return std::nullopt;

    const std::int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return seconds * kMicrosPerSecond + micros;
}

std::string formatRfc3339(TimestampUs time)
{
    const std::int64_t days = floorDiv(time, kMicrosPerDay);
    const std::int64_t microsOfDay = time - days * kMicrosPerDay;
    // civil_from_days
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto dayOfEra = static_cast<unsigned>(z - era * 146097);
    const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const unsigned mp = (5 * dayOfYear + 2) / 153;
    const unsigned day = dayOfYear - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = static_cast<std::int64_t>(yearOfEra) + era * 400 + (month <= 2);

    const std::int64_t secondsOfDay = microsOfDay / kMicrosPerSecond;
    const std::int64_t fraction = microsOfDay % kMicrosPerSecond;
    char buffer[48];
    int length = std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
        static_cast<long long>(year), month, day, static_cast<long long>(secondsOfDay / 3600),
        static_cast<long long>(secondsOfDay / 60 % 60), static_cast<long long>(secondsOfDay % 60));
    if (fraction != 0 && fraction % 1000 == 0)
        length += std::snprintf(buffer + length, sizeof buffer - static_cast<std::size_t>(length), ".%03lld",
            static_cast<long long>(fraction / 1000));
    else if (fraction != 0)
        length += std::snprintf(buffer + length, sizeof buffer - static_cast<std::size_t>(length), ".%06lld",
            static_cast<long long>(fraction));
    buffer[length++] = 'Z';
    return std::string(buffer, static_cast<std::size_t>(length));
}

} // namespace cepheid
