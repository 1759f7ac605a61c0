#include "htmltext.h"

#include "utf8.h"

#include <cstdio>

namespace cepheid {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

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
        char32_t codePoint = 0;
        const std::size_t length = decodeUtf8(text, i, codePoint);
        if (length == 0 || codePoint == 0xFFFE || codePoint == 0xFFFF) { // the last two are not XML characters
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
    for (std::size_t i = 0; i < text.size();) {
        char32_t codePoint = 0;
        const std::size_t length = decodeUtf8(text, i, codePoint);
        if (length == 0) {
            out.push_back(text[i++]); // not UTF-8: the writers replace it
            continue;
        }
        if (isBidiControl(codePoint)) {
            char name[16];
            std::snprintf(name, sizeof name, "[U+%04X]", static_cast<unsigned>(codePoint));
            out += name;
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
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
