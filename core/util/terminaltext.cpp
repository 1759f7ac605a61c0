#include "terminaltext.h"

#include "utf8.h"

#include <cstdio>

namespace cepheid {

std::string terminalSafe(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    char escaped[16];
    for (std::size_t i = 0; i < text.size();) {
        char32_t codePoint = 0;
        const std::size_t length = decodeUtf8(text, i, codePoint);
        if (length == 0) {
            std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned char>(text[i]));
            out += escaped;
            ++i;
            continue;
        }
        const bool control = (codePoint < 0x20 && codePoint != '\n' && codePoint != '\t' && codePoint != '\r')
            || codePoint == 0x7F || isC1Control(codePoint) || isBidiControl(codePoint);
        if (!control) {
            out.append(text.substr(i, length));
        } else if (codePoint < 0x80) {
            std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned>(codePoint));
            out += escaped;
        } else {
            std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(codePoint));
            out += escaped;
        }
        i += length;
    }
    return out;
}

} // namespace cepheid
