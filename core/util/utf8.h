#pragma once

#include <cstddef>
#include <string_view>

namespace cepheid {

// The one UTF-8 decoder behind every writer that must not pass bytes through blindly (JSON, HTML, the terminal):
// the length (1 to 4) of the valid sequence at text[i] and its code point, or 0 when the bytes there are not UTF-8
// (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, or cut short).
inline std::size_t decodeUtf8(std::string_view text, std::size_t i, char32_t& codePoint)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        codePoint = lead;
        return 1;
    }
    std::size_t length = 0;
    char32_t value = 0, least = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        value = lead & 0x1Fu;
        least = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        value = lead & 0x0Fu;
        least = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        value = lead & 0x07u;
        least = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (byte(i + k) & 0x3Fu);
    }
    if (value < least || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    codePoint = value;
    return length;
}

// Unicode's invisible direction controls: they can make a name display reversed ("\u202Egnp.exe" shows as
// "exe.png"), so every writer shows them instead of obeying them.
inline bool isBidiControl(char32_t c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// C1 control characters (U+0080 to U+009F): terminals act on some of them (CSI is U+009B).
inline bool isC1Control(char32_t c)
{
    return c >= 0x80 && c <= 0x9F;
}

} // namespace cepheid
