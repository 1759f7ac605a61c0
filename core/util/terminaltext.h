#pragma once

#include <string>
#include <string_view>

namespace cepheid {

// Text from the data as a terminal may show it: control characters (C0 but line breaks and tabs, DEL, C1) written
// as \xNN or \uNNNN, direction overrides as \u202E, bytes that are not UTF-8 as \xNN. An export quoting
// "\e[2J" or a window-title sequence in a reject reason then reads as text instead of clearing the screen
// (docs/security.md, "Display").
std::string terminalSafe(std::string_view text);

} // namespace cepheid
