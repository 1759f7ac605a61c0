#include "htmltext.h"

#include <cstdio>

namespace cepheid {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

// The length of the valid UTF-8 sequence starting at text[i], or 0 (overlong forms, surrogates and values past
// U+10FFFF are not valid).
std::size_t utf8Length(std::string_view text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned min = 0, value = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        value = lead & 0x1F;
        min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        value = lead & 0x0F;
        min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        value = lead & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (byte(i + k) & 0x3F);
    }
    if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) || value == 0xFFFE || value == 0xFFFF)
        return 0;
    return length;
}

} // namespace

void appendEscapedHtml(std::string& out, std::string_view text)
{
    out.reserve(out.size() + text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                    out += kReplacement;
                else if (c == 0x7F)
                    out += kReplacement;
                else
                    out.push_back(static_cast<char>(c));
            }
            ++i;
            continue;
        }
        const std::size_t length = utf8Length(text, i);
        if (length == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        out.append(text.substr(i, length));
        i += length;
    }
}

std::string revealBidiControls(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = [&](std::size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
        unsigned codePoint = 0;
        std::size_t length = 0;
        if (byte(i) == 0xD8 && byte(i + 1) == 0x9C) {
            codePoint = 0x061C;
            length = 2;
        } else if (byte(i) == 0xE2 && byte(i + 1) == 0x80
            && (byte(i + 2) == 0x8E || byte(i + 2) == 0x8F || (byte(i + 2) >= 0xAA && byte(i + 2) <= 0xAE))) {
            codePoint = 0x2000 + (byte(i + 2) & 0x3F);
            length = 3;
        } else if (byte(i) == 0xE2 && byte(i + 1) == 0x81 && byte(i + 2) >= 0xA6 && byte(i + 2) <= 0xA9) {
            codePoint = 0x2040 + (byte(i + 2) & 0x3F);
            length = 3;
        }
        if (length == 0) {
            out.push_back(text[i]);
            continue;
        }
        char name[16];
        std::snprintf(name, sizeof name, "[U+%04X]", codePoint);
        out += name;
        i += length - 1;
    }
    return out;
}

std::string escapeHtml(std::string_view text)
{
    std::string out;
    appendEscapedHtml(out, text);
    return out;
}

} // namespace cepheid
