#pragma once

#include <string>
#include <tl/expected.hpp>

namespace cepheid {

// The error convention of core/ (docs/architecture.md, "Errors"): what can fail because of its input, a file or
// the disk returns Expected<T>, the value or the reason as one sentence that names what failed. Exceptions are
// left for bugs and running out of memory; sql::Error and the other internal ones do not cross core's public
// boundary. Expected<void> where there is no value. A reason starts with what failed (a case's or a file's path, a
// profile key, an allowlist entry), so a caller adds only its own context ("case refused: ") and passes it on.
template<class T> using Expected = tl::expected<T, std::string>;

inline tl::unexpected<std::string> failure(std::string reason)
{
    return tl::unexpected<std::string>(std::move(reason));
}

} // namespace cepheid
