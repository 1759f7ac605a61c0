#include "bytesize.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <limits>

namespace cepheid {

std::string byteSizeText(std::uint64_t bytes)
{
    static constexpr std::array<const char*, 5> kUnits { "KiB", "MiB", "GiB", "TiB", "PiB" };
    if (bytes < 1024)
        return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < kUnits.size()) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    const bool whole = value >= 100.0 || value == static_cast<double>(static_cast<std::uint64_t>(value));
    std::snprintf(text, sizeof text, whole ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
    return text;
}

std::optional<std::uint64_t> parseByteSize(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end == text.data())
        return std::nullopt;
    std::string suffix;
    for (const char* c = end; c != text.data() + text.size(); ++c)
        suffix.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*c))));
    if (suffix.ends_with("ib"))
        suffix.resize(suffix.size() - 2);
    else if (suffix.size() == 2 && suffix.back() == 'b')
        suffix.pop_back();
    int shift = 0;
    if (suffix == "k")
        shift = 10;
    else if (suffix == "m")
        shift = 20;
    else if (suffix == "g")
        shift = 30;
    else if (suffix == "t")
        shift = 40;
    else if (!suffix.empty())
        return std::nullopt;
    if (shift > 0 && value > (std::numeric_limits<std::uint64_t>::max() >> shift))
        return std::nullopt;
    return value << shift;
}

} // namespace cepheid
