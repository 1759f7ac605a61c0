#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace cepheid {

// A fast, stable 64-bit string hash (the same on every run and platform, unlike std::hash), used for
// interning and for event-id identity. Mixing follows the well-known "moremur" finaliser.
inline std::uint64_t mix64(std::uint64_t x)
{
    x ^= x >> 27;
    x *= 0x3C79AC492BA7B653ULL;
    x ^= x >> 33;
    x *= 0x1C69B3F74AC4AE35ULL;
    x ^= x >> 27;
    return x;
}

inline std::uint64_t hashBytes(std::string_view text, std::uint64_t seed = 0x9E3779B97F4A7C15ULL)
{
    std::uint64_t h = seed ^ (text.size() * 0xFF51AFD7ED558CCDULL);
    const char* p = text.data();
    std::size_t n = text.size();
    while (n >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        h = mix64(h ^ word) + 0x632BE59BD9B4E019ULL;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        std::uint64_t word = 0;
        std::memcpy(&word, p, n);
        h = mix64(h ^ word ^ (std::uint64_t(n) << 56));
    }
    return mix64(h);
}

} // namespace cepheid
