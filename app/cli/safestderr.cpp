#include "safestderr.h"

#include "util/terminaltext.h"

namespace cepheid::cli {

SafeStderr::SafeStderr(std::ostream& stream)
    : m_stream(stream)
    , m_original(stream.rdbuf(this))
{ }

SafeStderr::~SafeStderr()
{
    forward();
    m_stream.rdbuf(m_original);
}

SafeStderr::int_type SafeStderr::overflow(int_type c)
{
    if (traits_type::eq_int_type(c, traits_type::eof()))
        return traits_type::not_eof(c);
    m_pending.push_back(traits_type::to_char_type(c));
    // A line is written whole (a UTF-8 sequence is never split); a progress line ending in \r is written at once.
    if (c == '\n' || c == '\r')
        forward();
    return c;
}

int SafeStderr::sync()
{
    forward();
    return m_original->pubsync();
}

void SafeStderr::forward()
{
    if (m_pending.empty())
        return;
    const std::string safe = terminalSafe(m_pending);
    m_original->sputn(safe.data(), static_cast<std::streamsize>(safe.size()));
    m_pending.clear();
}

} // namespace cepheid::cli
