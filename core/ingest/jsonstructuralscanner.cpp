#include "jsonstructuralscanner.h"

namespace cepheid {

using structural_detail::isOtherByte;

JsonStructuralScanner::ByteClasses JsonStructuralScanner::classifyPortable(const char* data)
{
    ByteClasses classes;
    for (unsigned i = 0; i < kBlockBytes; ++i) {
        const std::uint64_t bit = std::uint64_t(1) << i;
        const char c = data[i];
        classes.quote |= c == '"' ? bit : 0;
        classes.backslash |= c == '\\' ? bit : 0;
        classes.open |= c == '{' || c == '[' ? bit : 0;
        classes.close |= c == '}' || c == ']' ? bit : 0;
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
    block.scalarStart = other & ~(other << 1 | (block.afterScalar ? 1 : 0));
    block.complete = true;
}

// The block byte by byte with the rules of the header, for the rare block where a backslash stands outside strings.
StructuralBlock JsonStructuralScanner::exact(const char* data, std::size_t size)
{
    StructuralBlock block;
    block.data = data;
    block.size = size;
    block.afterScalar = m_afterScalar;
    block.complete = true;
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
            m_afterScalar = false;
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
            block.open |= bit;
            break;
        case '}':
        case ']':
            block.close |= bit;
            break;
        case ',':
            block.comma |= bit;
            break;
        default:
            break;
        }
        const bool other = isOtherByte(c);
        if (other && !m_afterScalar)
            block.scalarStart |= bit;
        m_afterScalar = other;
    }
    return block;
}

std::size_t countNewlines(const char* begin, const char* end)
{
    std::size_t count = 0;
#if defined(__SSE2__)
    // A byte counter per lane (a match is -1, subtracted), summed every 255 steps, before a counter could wrap.
    const __m128i newline = _mm_set1_epi8('\n');
    while (end - begin >= 16) {
        __m128i counters = _mm_setzero_si128();
        for (int i = 0; i < 255 && end - begin >= 16; ++i, begin += 16) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(begin));
            counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
        }
        const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
        count
            += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) + static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
    }
#endif
    for (; begin < end; ++begin)
        count += *begin == '\n';
    return count;
}

} // namespace cepheid
