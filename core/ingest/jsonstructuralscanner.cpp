#include "jsonstructuralscanner.h"

#include <algorithm>
#include <cstring>

namespace cepheid {

namespace {

// Not whitespace, not one of {}[],:" (what the byte-by-byte scan reported as stray text where a record belongs).
bool isOtherByte(char c)
{
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '{':
    case '}':
    case '[':
    case ']':
    case ',':
    case ':':
    case '"':
        return false;
    default:
        return true;
    }
}

} // namespace

JsonStructuralScanner::ByteClasses JsonStructuralScanner::classifyPortable(const char* data)
{
    ByteClasses classes;
    for (unsigned i = 0; i < kBlockBytes; ++i) {
        const std::uint64_t bit = std::uint64_t(1) << i;
        const char c = data[i];
        classes.quote |= c == '"' ? bit : 0;
        classes.backslash |= c == '\\' ? bit : 0;
        classes.brackets |= c == '{' || c == '[' || c == '}' || c == ']' ? bit : 0;
        classes.comma |= c == ',' ? bit : 0;
        classes.other |= isOtherByte(c) ? bit : 0;
    }
    return classes;
}

JsonStructuralScanner::ByteClasses JsonStructuralScanner::classifyOthers(const char* data)
{
    ByteClasses classes;
#if defined(__SSE2__)
    for (int shift = 0; shift < 64; shift += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + shift));
        auto is = [&bytes](char c) { return _mm_cmpeq_epi8(bytes, _mm_set1_epi8(c)); };
        const __m128i folded = _mm_or_si128(bytes, _mm_set1_epi8(0x20)); // as in classifyStrings16
        const __m128i isComma = is(',');
        const __m128i brackets
            = _mm_or_si128(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')), _mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
        const __m128i space = _mm_or_si128(_mm_or_si128(is(' '), is('\t')), _mm_or_si128(is('\n'), is('\r')));
        const __m128i punctuation = _mm_or_si128(_mm_or_si128(isComma, is(':')), _mm_or_si128(is('"'), brackets));
        classes.comma |= structural_detail::bitsOf(isComma, shift);
        classes.other |= structural_detail::bitsOf(_mm_or_si128(space, punctuation), shift) ^ (0xFFFFULL << shift);
    }
#else
    const ByteClasses all = classifyPortable(data);
    classes.comma = all.comma;
    classes.other = all.other;
#endif
    return classes;
}

void JsonStructuralScanner::addCommasAndScalars(StructuralBlock& block)
{
    const ByteClasses classes = classifyOthers(block.data);
    const std::uint64_t valid = block.size == kBlockBytes ? ~std::uint64_t(0) : (std::uint64_t(1) << block.size) - 1;
    const std::uint64_t outside = ~block.inString & valid;
    const std::uint64_t other = classes.other & outside;
    block.comma = classes.comma & outside;
    const bool afterScalar = block.previousOutside && isOtherByte(block.previous);
    block.scalarStart = other & ~(other << 1 | (afterScalar ? 1 : 0));
    block.complete = true;
}

bool JsonStructuralScanner::onlyPunctuation(const char* begin, const char* end)
{
    constexpr std::ptrdiff_t kLongest = 8;
    return end - begin <= kLongest && std::none_of(begin, end, [](char c) { return isOtherByte(c); });
}

// The block byte by byte with the rules of the header, for the rare block where a backslash stands outside strings.
StructuralBlock JsonStructuralScanner::exact(const char* data, std::size_t size)
{
    StructuralBlock block;
    block.data = data;
    block.size = size;
    block.previous = m_previous;
    block.previousOutside = m_previousOutside;
    block.complete = true;
    bool afterScalar = m_previousOutside && isOtherByte(m_previous);
    for (std::size_t i = 0; i < size; ++i) {
        const std::uint64_t bit = std::uint64_t(1) << i;
        const char c = data[i];
        if (m_inString) {
            if (m_escaped) {
                m_escaped = false;
            } else if (c == '\\') {
                m_escaped = true;
            } else if (c == '"') {
                m_inString = false;
                block.stringEnd |= bit;
            }
            block.inString |= m_inString ? bit : 0;
            afterScalar = false;
            continue;
        }
        switch (c) {
        case '"':
            block.stringStart |= bit;
            block.inString |= bit;
            m_inString = true;
            break;
        case '{':
        case '[':
        case '}':
        case ']':
            block.brackets |= bit;
            break;
        case ',':
            block.comma |= bit;
            break;
        default:
            break;
        }
        const bool other = isOtherByte(c);
        if (other && !afterScalar)
            block.scalarStart |= bit;
        afterScalar = other;
    }
    m_previous = data[size - 1];
    m_previousOutside = !m_inString;
    return block;
}

namespace {

// Newlines where they are dense (pretty-printed text): 64 bytes a step.
std::size_t countDenseNewlines(const char* begin, const char* end)
{
    std::size_t count = 0;
#if defined(__SSE2__)
    if (end - begin >= 16) {
        // A byte counter per lane (a match is -1, subtracted): 64 bytes a step add up to 4, so the counters are
        // summed every 63 steps, before one could wrap.
        const __m128i newline = _mm_set1_epi8('\n');
        auto matches = [&newline](const char* at) {
            return _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), newline);
        };
        auto total = [](__m128i counters) {
            const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
            return static_cast<std::size_t>(_mm_cvtsi128_si32(sums))
                + static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
        };
        while (end - begin >= 64) {
            __m128i counters = _mm_setzero_si128();
            for (int step = 0; step < 63 && end - begin >= 64; ++step, begin += 64) {
                const __m128i pair1 = _mm_add_epi8(matches(begin), matches(begin + 16));
                const __m128i pair2 = _mm_add_epi8(matches(begin + 32), matches(begin + 48));
                counters = _mm_sub_epi8(counters, _mm_add_epi8(pair1, pair2));
            }
            count += total(counters);
        }
        __m128i counters = _mm_setzero_si128();
        for (; end - begin >= 16; begin += 16)
            counters = _mm_sub_epi8(counters, matches(begin));
        // The last 1 to 15 bytes: the 16 that end at `end`, those counted already masked off (no byte loop).
        alignas(16) static constexpr char kLastBytes[32] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1,
            -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
        const auto rest = end - begin;
        const __m128i keep = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kLastBytes + rest));
        counters = _mm_sub_epi8(counters, _mm_and_si128(matches(end - 16), keep));
        return count + total(counters);
    }
#endif
    for (; begin < end; ++begin)
        count += *begin == '\n';
    return count;
}

} // namespace

std::size_t countNewlines(const char* begin, const char* end)
{
    // Sparse newlines (a compact array has one per record) are found fastest by memchr, which the C library
    // vectorises beyond SSE2; after two, the rest are counted as dense ones.
    constexpr int kSparse = 2;
    for (int found = 0; found < kSparse; ++found) {
        const void* newline = std::memchr(begin, '\n', static_cast<std::size_t>(end - begin));
        if (!newline)
            return static_cast<std::size_t>(found);
        begin = static_cast<const char*>(newline) + 1;
    }
    return kSparse + countDenseNewlines(begin, end);
}

} // namespace cepheid
