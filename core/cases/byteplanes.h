#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cepheid {

// Byte planes (docs/case-format.md, "Event chunks"): a column of `count` W-byte values becomes W runs of `count`
// bytes, the first byte of every value, then the second, and so on. Values of a column are close to each other (times,
// offsets, string ids, counts), so their high bytes repeat from value to value; interleaved, they left Zstandard short
// matches between the low bytes. Little-endian: byte 0 is the lowest, as the values sit in memory.

template<std::size_t W> void splitPlanes(const std::uint8_t* values, std::uint8_t* planes, std::size_t count)
{
    for (std::size_t k = 0; k < count; ++k)
        for (std::size_t b = 0; b < W; ++b)
            planes[b * count + k] = values[k * W + b];
}

namespace byteplanes_detail {

template<std::size_t W>
void joinPlanesScalar(const std::uint8_t* planes, std::uint8_t* values, std::size_t count, std::size_t from)
{
    for (std::size_t k = from; k < count; ++k)
        for (std::size_t b = 0; b < W; ++b)
            values[k * W + b] = planes[b * count + k];
}

#if defined(__SSE2__)
// Sixteen values at a time: interleaving planes pairwise (bytes, then 16-bit pairs, then 32-bit halves) is the
// transposition, three unpack steps for 8-byte values instead of 128 single-byte moves. Reopening a case joins every
// column of every chunk; byte by byte the join was about a tenth of `score --case`'s time (docs/benchmarks.md).
inline __m128i load(const std::uint8_t* planes, std::size_t count, std::size_t b, std::size_t k)
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(planes + b * count + k));
}

inline void store(std::uint8_t* values, std::size_t at, __m128i v)
{
    _mm_storeu_si128(reinterpret_cast<__m128i*>(values + at), v);
}

template<std::size_t W> std::size_t joinPlanesSse2(const std::uint8_t* planes, std::uint8_t* values, std::size_t count)
{
    std::size_t k = 0;
    for (; k + 16 <= count; k += 16) {
        std::uint8_t* out = values + k * W;
        if constexpr (W == 2) {
            const __m128i p0 = load(planes, count, 0, k), p1 = load(planes, count, 1, k);
            store(out, 0, _mm_unpacklo_epi8(p0, p1));
            store(out, 16, _mm_unpackhi_epi8(p0, p1));
        } else if constexpr (W == 4) {
            const __m128i p0 = load(planes, count, 0, k), p1 = load(planes, count, 1, k);
            const __m128i p2 = load(planes, count, 2, k), p3 = load(planes, count, 3, k);
            const __m128i lo01 = _mm_unpacklo_epi8(p0, p1), hi01 = _mm_unpackhi_epi8(p0, p1);
            const __m128i lo23 = _mm_unpacklo_epi8(p2, p3), hi23 = _mm_unpackhi_epi8(p2, p3);
            store(out, 0, _mm_unpacklo_epi16(lo01, lo23));
            store(out, 16, _mm_unpackhi_epi16(lo01, lo23));
            store(out, 32, _mm_unpacklo_epi16(hi01, hi23));
            store(out, 48, _mm_unpackhi_epi16(hi01, hi23));
        } else {
            static_assert(W == 8);
            __m128i pairs[4][2]; // bytes 2j and 2j+1 of values 0-7, then of values 8-15
            for (std::size_t j = 0; j < 4; ++j) {
                const __m128i even = load(planes, count, 2 * j, k), odd = load(planes, count, 2 * j + 1, k);
                pairs[j][0] = _mm_unpacklo_epi8(even, odd);
                pairs[j][1] = _mm_unpackhi_epi8(even, odd);
            }
            for (std::size_t half = 0; half < 2; ++half) {
                // Bytes 0-3 and 4-7 of four values at a time, then the two halves side by side.
                const __m128i low[2] = { _mm_unpacklo_epi16(pairs[0][half], pairs[1][half]),
                    _mm_unpackhi_epi16(pairs[0][half], pairs[1][half]) };
                const __m128i high[2] = { _mm_unpacklo_epi16(pairs[2][half], pairs[3][half]),
                    _mm_unpackhi_epi16(pairs[2][half], pairs[3][half]) };
                for (std::size_t quarter = 0; quarter < 2; ++quarter) {
                    const std::size_t at = (half * 8 + quarter * 4) * 8;
                    store(out, at, _mm_unpacklo_epi32(low[quarter], high[quarter]));
                    store(out, at + 16, _mm_unpackhi_epi32(low[quarter], high[quarter]));
                }
            }
        }
    }
    return k;
}
#endif

} // namespace byteplanes_detail

// The inverse of splitPlanes.
template<std::size_t W> void joinPlanes(const std::uint8_t* planes, std::uint8_t* values, std::size_t count)
{
    std::size_t done = 0;
#if defined(__SSE2__)
    if constexpr (W == 2 || W == 4 || W == 8)
        done = byteplanes_detail::joinPlanesSse2<W>(planes, values, count);
#endif
    byteplanes_detail::joinPlanesScalar<W>(planes, values, count, done);
}

} // namespace cepheid
