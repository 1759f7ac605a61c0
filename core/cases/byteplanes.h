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
// matches between the low bytes. On the generator's million-event export, planes made event chunks compress three
// times as fast, decompress five times as fast, and take a fifth less room (docs/benchmarks.md). Little-endian: byte 0
// is the lowest, as the values sit in memory.

namespace byteplanes_detail {

template<std::size_t W>
void splitPlanesScalar(const std::uint8_t* values, std::uint8_t* planes, std::size_t count, std::size_t from)
{
    for (std::size_t k = from; k < count; ++k)
        for (std::size_t b = 0; b < W; ++b)
            planes[b * count + k] = values[k * W + b];
}

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

// The even and the odd bytes of a and b, in order: one step of splitting, which halves the bytes of a value.
inline void deinterleave(__m128i a, __m128i b, __m128i& even, __m128i& odd)
{
    const __m128i low = _mm_set1_epi16(0x00FF);
    even = _mm_packus_epi16(_mm_and_si128(a, low), _mm_and_si128(b, low));
    odd = _mm_packus_epi16(_mm_srli_epi16(a, 8), _mm_srli_epi16(b, 8));
}

// Sixteen values at a time, the inverse of joinPlanesSse2: each step of deinterleaving splits the bytes of every value
// into its even and odd ones, so three steps leave 8-byte values as planes. Writing a case encodes every column of
// every chunk.
template<std::size_t W> std::size_t splitPlanesSse2(const std::uint8_t* values, std::uint8_t* planes, std::size_t count)
{
    std::size_t k = 0;
    for (; k + 16 <= count; k += 16) {
        const std::uint8_t* in = values + k * W;
        const auto value
            = [in](std::size_t i) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16 * i)); };
        const auto plane = [&](std::size_t b, __m128i v) { store(planes, b * count + k, v); };
        __m128i p[W];
        if constexpr (W == 2) {
            deinterleave(value(0), value(1), p[0], p[1]);
        } else if constexpr (W == 4) {
            __m128i e01, o01, e23, o23;
            deinterleave(value(0), value(1), e01, o01); // bytes 0 and 2, 1 and 3, of values 0-7
            deinterleave(value(2), value(3), e23, o23); // of values 8-15
            deinterleave(e01, e23, p[0], p[2]);
            deinterleave(o01, o23, p[1], p[3]);
        } else {
            static_assert(W == 8);
            __m128i e[4], o[4]; // bytes 0, 2, 4, 6 and 1, 3, 5, 7 of values 4j to 4j+3
            for (std::size_t j = 0; j < 4; ++j)
                deinterleave(value(2 * j), value(2 * j + 1), e[j], o[j]);
            __m128i ee[2], eo[2], oe[2], oo[2]; // bytes 0, 4; 2, 6; 1, 5; 3, 7 of values 8h to 8h+7
            for (std::size_t h = 0; h < 2; ++h) {
                deinterleave(e[2 * h], e[2 * h + 1], ee[h], eo[h]);
                deinterleave(o[2 * h], o[2 * h + 1], oe[h], oo[h]);
            }
            deinterleave(ee[0], ee[1], p[0], p[4]);
            deinterleave(eo[0], eo[1], p[2], p[6]);
            deinterleave(oe[0], oe[1], p[1], p[5]);
            deinterleave(oo[0], oo[1], p[3], p[7]);
        }
        for (std::size_t b = 0; b < W; ++b)
            plane(b, p[b]);
    }
    return k;
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

// Sixteen values at a time where SSE2 is there, the rest one by one.
template<std::size_t W, bool Split> void transpose(const std::uint8_t* from, std::uint8_t* to, std::size_t count)
{
    std::size_t done = 0;
#if defined(__SSE2__)
    if constexpr (W == 2 || W == 4 || W == 8)
        done = Split ? splitPlanesSse2<W>(from, to, count) : joinPlanesSse2<W>(from, to, count);
#endif
    if constexpr (Split)
        splitPlanesScalar<W>(from, to, count, done);
    else
        joinPlanesScalar<W>(from, to, count, done);
}

} // namespace byteplanes_detail

template<std::size_t W> void splitPlanes(const std::uint8_t* values, std::uint8_t* planes, std::size_t count)
{
    byteplanes_detail::transpose<W, true>(values, planes, count);
}

// The inverse of splitPlanes.
template<std::size_t W> void joinPlanes(const std::uint8_t* planes, std::uint8_t* values, std::size_t count)
{
    byteplanes_detail::transpose<W, false>(planes, values, count);
}

} // namespace cepheid
