#pragma once

#include <string>
#include <string_view>

namespace cepheid {

// Text from the data as HTML or XML character data (also inside a quoted attribute): & < > " ' become references,
// control characters XML cannot carry become U+FFFD, and so do bytes that are not UTF-8. The result is text in
// any HTML or XML parser, never markup (docs/reports.md, "Safety").
void appendEscapedHtml(std::string& out, std::string_view text);
std::string escapeHtml(std::string_view text);

// Unicode's invisible direction controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) written as
// "[U+202E]", so a name cannot show reversed ("invoice[U+202E]fdp.exe", not "invoiceexe.pdf") in a report.
std::string revealBidiControls(std::string_view text);

} // namespace cepheid
