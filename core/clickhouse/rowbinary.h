#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cepheid {

// ClickHouse's RowBinary format (docs/clickhouse.md, "Wire format"): values back to back, integers little-endian,
// a String as its length in LEB128 then its bytes, an Array as its element count in LEB128 then its elements. Only the
// types Cepheid's layout uses are written and read: fixed-width integers, String, Array(String).
class RowBinaryWriter
{
public:
    template<class Integer> void integer(Integer value)
    {
        // x86-64 and ARM64, the platforms Cepheid builds for, are little-endian like the format.
        char bytes[sizeof(Integer)];
        std::memcpy(bytes, &value, sizeof(Integer));
        m_out.append(bytes, sizeof(Integer));
    }
    void length(std::uint64_t value)
    {
        do {
            const auto low = static_cast<char>(value & 0x7F);
            value >>= 7;
            m_out.push_back(static_cast<char>(low | (value != 0 ? 0x80 : 0)));
        } while (value != 0);
    }
    void string(std::string_view text)
    {
        length(text.size());
        m_out.append(text);
    }
    std::string& bytes() { return m_out; }

private:
    std::string m_out;
};

// Reads RowBinary from a buffer that may end part-way through a row (the answer arrives in pieces): every read says
// whether the value was whole, and the caller keeps the unread tail for the next piece. A length no row could have
// (past `maxString`) is reported as malformed, never allocated.
class RowBinaryReader
{
public:
    RowBinaryReader(std::string_view bytes, std::uint64_t maxString)
        : m_bytes(bytes)
        , m_maxString(maxString)
    { }

    template<class Integer> bool integer(Integer& value)
    {
        if (m_bytes.size() - m_at < sizeof(Integer))
            return false;
        std::memcpy(&value, m_bytes.data() + m_at, sizeof(Integer));
        m_at += sizeof(Integer);
        return true;
    }
    bool length(std::uint64_t& value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_at == m_bytes.size())
                return false;
            const auto byte = static_cast<std::uint8_t>(m_bytes[m_at++]);
            value |= std::uint64_t(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                if (value > m_maxString)
                    m_malformed = true;
                return !m_malformed;
            }
        }
        m_malformed = true;
        return false;
    }
    // `size` bytes as they are (an array of fixed-width values); false when they have not all arrived, malformed
    // when no row could hold them.
    bool bytes(std::uint64_t size, std::string_view& out)
    {
        if (size > m_maxString) {
            m_malformed = true;
            return false;
        }
        if (m_bytes.size() - m_at < size)
            return false;
        out = m_bytes.substr(m_at, size);
        m_at += size;
        return true;
    }
    bool string(std::string_view& text)
    {
        std::uint64_t size = 0;
        if (!length(size) || m_bytes.size() - m_at < size)
            return false;
        text = m_bytes.substr(m_at, size);
        m_at += size;
        return true;
    }
    bool malformed() const { return m_malformed; }
    std::size_t position() const { return m_at; }
    void rewind(std::size_t to) { m_at = to; }
    bool atEnd() const { return m_at == m_bytes.size(); }
    // The bytes read from `from` up to here (a whole row, once read).
    std::string_view readSince(std::size_t from) const { return m_bytes.substr(from, m_at - from); }

private:
    std::string_view m_bytes;
    std::size_t m_at = 0;
    std::uint64_t m_maxString;
    bool m_malformed = false;
};

} // namespace cepheid
