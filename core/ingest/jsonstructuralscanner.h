#pragma once

// Structural indexing of JSON text 64 bytes at a time, after simdjson's stage 1 (Langdale and Lemire, "Parsing
// Gigabytes of JSON per Second", 2019): JsonRecordSplitter's structural mode walks the bits this gives instead of
// every byte.
//
// For each block of up to 64 bytes, next() gives bitmasks (bit i stands for byte i of the block) of
//  - the bytes inside strings, the quotes that open a string and those that close one,
//  - '{', '[', '}' and ']' outside strings (one mask: bit 1 of the byte tells an opening one from a closing one);
// and, when asked (addCommasAndScalars(): inside a record they rarely matter, and cost as much again to find),
//  - ',' outside strings,
//  - the first byte of each run of other non-whitespace bytes outside strings (a number, true, false, null, or
//    garbage), so that a scalar costs one bit, not one per byte.
// ':' and whitespace are never reported. String and escape state carry from one block to the next.
//
// The meaning is exactly that of a byte-by-byte scanner that knows only strings: '"' opens a string; inside one, '\'
// escapes the next byte and an unescaped '"' closes it; outside strings a backslash is an ordinary byte. simdjson
// lets a backslash escape the next byte anywhere, which differs only on invalid input (`\"` outside a string): a
// block with a backslash outside strings is done again byte by byte (exact()), so every input, valid or not, is cut
// as the byte-by-byte scan cut it.
//
// Classification uses SSE2 (the x86-64 baseline: no compiler flag, no runtime dispatch) where the compiler targets
// it, plain C++ elsewhere; the bit arithmetic after it is shared. The prefix XOR that turns quotes into the in-string
// mask is a shift-XOR cascade rather than PCLMUL for the same reason.

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cepheid {

struct StructuralBlock
{
    const char* data = nullptr;
    std::size_t size = 0; // 1 to 64
    std::uint64_t inString = 0; // from an opening quote to the byte before its closing quote
    std::uint64_t stringStart = 0; // '"' that opens a string
    std::uint64_t stringEnd = 0; // '"' that closes one
    std::uint64_t brackets = 0; // '{', '[', '}' or ']' outside strings
    // Set by JsonStructuralScanner::addCommasAndScalars(), or at once by a block done byte by byte.
    std::uint64_t comma = 0; // ',' outside strings
    std::uint64_t scalarStart = 0; // first byte of a run of other non-whitespace bytes outside strings
    // The byte before the block, and whether it stood outside strings: whether a scalar runs on into the block.
    char previous = ' ';
    bool previousOutside = false;
    bool complete = false; // comma and scalarStart are set
};

// For a byte of StructuralBlock::brackets: '{' and '[' have bit 1 set, '}' and ']' do not.
inline bool isOpeningBracket(char bracket)
{
    return (bracket & 2) != 0;
}

class JsonStructuralScanner
{
public:
    static constexpr std::size_t kBlockBytes = 64;

    // Byte classes of 64 bytes, before strings are taken into account.
    struct ByteClasses
    {
        std::uint64_t quote = 0;
        std::uint64_t backslash = 0;
        std::uint64_t brackets = 0;
        std::uint64_t comma = 0;
        std::uint64_t other = 0; // not whitespace, not one of {}[],:" (a backslash is "other")

        bool operator==(const ByteClasses&) const = default;
    };

    // The next `size` bytes (1 to 64) of the text, which continue the bytes given before. 64 bytes from `data` must
    // be readable (the splitter's buffer has that padding); bytes past `size` are ignored.
    StructuralBlock next(const char* data, std::size_t size);
    // Fills in block.comma and block.scalarStart.
    static void addCommasAndScalars(StructuralBlock& block);
    // True when [begin, end) holds only whitespace and punctuation, so no scalar starts there; a stretch longer than
    // a few bytes is not looked at and counts as one that may hold a scalar.
    static bool onlyPunctuation(const char* begin, const char* end);
    // After the last byte given: inside a string (an unterminated one at the end of the file).
    bool inString() const { return m_inString; }

    // quote, backslash and brackets; then comma and other. Public so that a test can check them against
    // classifyPortable(), which the bit arithmetic uses where there is no SSE2, on every byte value.
    static ByteClasses classifyStrings(const char* data);
    static ByteClasses classifyOthers(const char* data);
    static ByteClasses classifyPortable(const char* data);

private:
    template<bool kFull> StructuralBlock scan(const char* data, std::size_t size);
    StructuralBlock exact(const char* data, std::size_t size);

    bool m_inString = false; // the last byte given was inside a string (or opened one)
    bool m_escaped = false; // the next byte is escaped: the last block ended on an escaping backslash in a string
    char m_previous = ' '; // the last byte given
    bool m_previousOutside = false; // it stood outside strings (a closing quote does)
};

// The number of '\n' bytes in [begin, end).
std::size_t countNewlines(const char* begin, const char* end);

namespace structural_detail {

// Bit i set when an odd number of quotes stand at or before byte i: the bytes from an opening quote to the byte
// before its closing quote.
inline std::uint64_t prefixXor(std::uint64_t bits)
{
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    return bits;
}

// The bytes that follow an odd run of backslashes (simdjson's find_escaped_branchless). `carry` says the first byte
// is escaped by the block before; on return it says whether the sum overflowed: the byte after a full block is.
inline std::uint64_t escapedBytes(std::uint64_t backslash, bool& carry)
{
    constexpr std::uint64_t kEvenBits = 0x5555555555555555ULL;
    const std::uint64_t carried = carry ? 1 : 0;
    backslash &= ~carried; // a backslash escaped by the block before escapes nothing
    const std::uint64_t followsBackslash = backslash << 1 | carried;
    const std::uint64_t oddRunStarts = backslash & ~kEvenBits & ~followsBackslash;
    std::uint64_t runsStartingOnEvenBits = 0;
    carry = __builtin_add_overflow(oddRunStarts, backslash, &runsStartingOnEvenBits);
    const std::uint64_t invert = runsStartingOnEvenBits << 1;
    return (kEvenBits ^ invert) & followsBackslash;
}

#if defined(__SSE2__)
inline std::uint64_t bitsOf(__m128i mask, int shift)
{
    return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(mask)))
        << shift; // 16 bits, zero-extended
}

inline void classifyStrings16(const char* data, int shift, JsonStructuralScanner::ByteClasses& classes)
{
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + shift));
    const __m128i folded = _mm_or_si128(bytes, _mm_set1_epi8(0x20)); // '[' | 0x20 == '{', ']' | 0x20 == '}'
    classes.quote |= bitsOf(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')), shift);
    classes.backslash |= bitsOf(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')), shift);
    const __m128i brackets
        = _mm_or_si128(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')), _mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
    classes.brackets |= bitsOf(brackets, shift);
}
#endif

} // namespace structural_detail

[[gnu::always_inline]] inline JsonStructuralScanner::ByteClasses JsonStructuralScanner::classifyStrings(
    const char* data)
{
#if defined(__SSE2__)
    ByteClasses classes;
    structural_detail::classifyStrings16(data, 0, classes);
    structural_detail::classifyStrings16(data, 16, classes);
    structural_detail::classifyStrings16(data, 32, classes);
    structural_detail::classifyStrings16(data, 48, classes);
    return classes;
#else
    ByteClasses classes = classifyPortable(data);
    classes.comma = classes.other = 0;
    return classes;
#endif
}

// Inlined: a call per 64 bytes and its returned struct cost a tenth of the scan. A full block (all but the last
// before a refill) is scanned with its size a constant: no masking to the valid bytes.
template<bool kFull>
[[gnu::always_inline]] inline StructuralBlock JsonStructuralScanner::scan(const char* data, std::size_t size)
{
    using namespace structural_detail;
    const ByteClasses classes = classifyStrings(data);
    if constexpr (kFull)
        size = kBlockBytes;
    const std::uint64_t valid = kFull ? ~std::uint64_t(0) : (std::uint64_t(1) << size) - 1;
    const std::uint64_t backslash = classes.backslash & valid;
    bool escapeCarry = m_escaped;
    const std::uint64_t escaped = backslash || escapeCarry ? escapedBytes(backslash, escapeCarry) : 0;
    const std::uint64_t quotes = classes.quote & valid & ~escaped;
    const std::uint64_t inString = prefixXor(quotes) ^ (m_inString ? ~std::uint64_t(0) : 0);
    if (backslash & ~inString)
        return exact(data, size); // a backslash outside strings: invalid JSON, where simdjson's rule is not ours
    StructuralBlock block;
    block.data = data;
    block.size = size;
    block.inString = inString & valid;
    block.stringStart = quotes & inString;
    block.stringEnd = quotes & ~inString;
    block.brackets = classes.brackets & ~inString & valid;
    block.previous = m_previous;
    block.previousOutside = m_previousOutside;
    const std::size_t last = size - 1;
    m_inString = (inString >> last) & 1;
    m_previous = data[last];
    m_previousOutside = !m_inString;
    // In a short block the escape carry is whether the byte after it would be escaped, not the sum's overflow.
    m_escaped = kFull ? escapeCarry : ((escaped >> size) & 1) != 0;
    return block;
}

[[gnu::always_inline]] inline StructuralBlock JsonStructuralScanner::next(const char* data, std::size_t size)
{
    return size == kBlockBytes ? scan<true>(data, size) : scan<false>(data, size);
}

} // namespace cepheid
