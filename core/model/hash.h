#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace cepheid {

// A fast, stable 64-bit string hash (the same on every run and platform, unlike std::hash), used for event-id
// identity, which a case stores. Mixing follows the well-known "moremur" finaliser.
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

// A hash for lookup tables held in memory only (the string pools' slots): it is never stored, so it may change from
// one version and one process to the next. It reads 16 bytes per 128-bit multiply where hashBytes mixes 8 through two
// chained ones: interning hashes every string of every event twice (the batch's pool, then the table's), and with
// hashBytes that was a tenth of an import's time. The scheme is wyhash's (Wang Yi, public domain): fold the two
// halves of a 64x64-bit product. Unseeded, it is easy to invert: strings built so that one multiply gives zero would
// all collide, and interning a field full of them would probe one ever longer run of slots (quadratic in the
// events). A pool compares the strings behind a matching hash, so ids stay right either way; the seed, drawn once per
// process, keeps the time linear (docs/security.md, "Adversarial cost").
std::uint64_t lookupHashSeed();
inline std::uint64_t foldedMultiply(std::uint64_t a, std::uint64_t b)
{
    __extension__ using Product = unsigned __int128; // GCC and Clang on 64-bit targets; -Wpedantic needs the marker
    const Product product = static_cast<Product>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

inline std::uint64_t lookupHash(std::string_view text)
{
    // Both constants secret: with a known one, strings whose first words equal it would all collide.
    static const std::uint64_t kSeed = lookupHashSeed();
    static const std::uint64_t kMix = mix64(kSeed ^ 0xE7037ED1A0B428DBULL) | 1;
    const auto load64 = [](const char* at) {
        std::uint64_t word;
        std::memcpy(&word, at, 8);
        return word;
    };
    const auto load32 = [](const char* at) {
        std::uint32_t word;
        std::memcpy(&word, at, 4);
        return std::uint64_t { word };
    };
    const char* p = text.data();
    const std::size_t size = text.size();
    std::uint64_t state = kSeed, a = 0, b = 0;
    if (size > 16) {
        std::size_t left = size;
        for (; left > 16; left -= 16, p += 16)
            state = foldedMultiply(load64(p) ^ kMix, load64(p + 8) ^ state);
        // The last 16 bytes, overlapping what the loop read when the size is not a multiple of 16.
        a = load64(p + left - 16);
        b = load64(p + left - 8);
    } else if (size >= 4) {
        // Two overlapping pairs of 4-byte words cover 4 to 16 bytes without a loop.
        const std::size_t step = (size >> 3) << 2;
        a = load32(p) << 32 | load32(p + step);
        b = load32(p + size - 4) << 32 | load32(p + size - 4 - step);
    } else if (size > 0) {
        const auto byte = [p](std::size_t i) { return std::uint64_t { static_cast<unsigned char>(p[i]) }; };
        a = byte(0) << 16 | byte(size >> 1) << 8 | byte(size - 1);
    }
    return foldedMultiply(kMix ^ size, foldedMultiply(a ^ kMix, b ^ state));
}

} // namespace cepheid
