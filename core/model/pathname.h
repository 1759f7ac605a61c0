#pragma once

#include <string_view>

namespace cepheid {

// The file name of a process path, Windows (`\`) or POSIX (`/`): "C:\Windows\System32\mshta.exe" -> "mshta.exe".
inline std::string_view fileNameOf(std::string_view path)
{
    const auto slash = path.find_last_of("\\/");
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

} // namespace cepheid
