#include "jsonwriter.h"

#include "utf8.h"

#include <charconv>
#include <cmath>

namespace cepheid {

JsonWriter::JsonWriter(std::string& out, bool pretty)
    : m_out(out)
    , m_pretty(pretty)
{ }

void JsonWriter::newline()
{
    if (!m_pretty)
        return;
    m_out.push_back('\n');
    m_out.append(m_hasElements.size() * 2, ' ');
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasElements.empty()) {
        if (m_hasElements.back())
            m_out.push_back(',');
        m_hasElements.back() = true;
        newline();
    }
}

JsonWriter& JsonWriter::beginObject()
{
    beforeValue();
    m_out.push_back('{');
    m_hasElements.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    const bool hadElements = m_hasElements.back();
    m_hasElements.pop_back();
    if (hadElements)
        newline();
    m_out.push_back('}');
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    beforeValue();
    m_out.push_back('[');
    m_hasElements.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    const bool hadElements = m_hasElements.back();
    m_hasElements.pop_back();
    if (hadElements)
        newline();
    m_out.push_back(']');
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
    beforeValue();
    appendEscaped(m_out, name);
    m_out.append(m_pretty ? ": " : ":");
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text)
{
    beforeValue();
    appendEscaped(m_out, text);
    return *this;
}

JsonWriter& JsonWriter::value(bool flag)
{
    beforeValue();
    m_out.append(flag ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number)
{
    beforeValue();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    m_out.append(buffer, result.ptr);
    return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number)
{
    beforeValue();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    m_out.append(buffer, result.ptr);
    return *this;
}

JsonWriter& JsonWriter::value(double number)
{
    if (!std::isfinite(number))
        return null(); // JSON has no NaN or infinity
    beforeValue();
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    m_out.append(buffer, result.ptr);
    return *this;
}

JsonWriter& JsonWriter::null()
{
    beforeValue();
    m_out.append("null");
    return *this;
}

void JsonWriter::appendEscaped(std::string& out, std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            char32_t codePoint = 0;
            const std::size_t length = decodeUtf8(text, i, codePoint);
            if (length == 0) {
                out.append("\\ufffd");
                ++i;
            } else if (isC1Control(codePoint) || isBidiControl(codePoint)) {
                // The same value, written so that no terminal or viewer acts on it.
                out.append("\\u");
                for (int shift = 12; shift >= 0; shift -= 4)
                    out.push_back(kHex[(codePoint >> shift) & 0xF]);
                i += length;
            } else {
                out.append(text.substr(i, length));
                i += length;
            }
            continue;
        }
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                out.append("\\u00");
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 0xF]);
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
        ++i;
    }
    out.push_back('"');
}

} // namespace cepheid
