#pragma once

#include <string>
#include <string_view>

namespace cepheid {

// Text from the data as HTML or XML character data (also inside a quoted attribute): & < > " ' become references,
// control characters XML cannot carry become U+FFFD, and so do bytes that are not UTF-8. The result is text in
// any HTML or XML parser, never markup (docs/reports.md, "Safety").
void appendEscapedHtml(std::string& out, std::string_view text);
std::string escapeHtml(std::string_view text);

} // namespace cepheid
