#pragma once

#include <string>
#include <string_view>

namespace cepheid {

// A cell for text that spreadsheets open (CSV, TSV on the clipboard). Data from exports is attacker-controlled: a
// hostname or path starting with =, +, -, @, a tab or a carriage return is read as a formula (CSV injection,
// OWASP), and one starting with a double quote can smuggle one in as a quoted field; such a cell gets a leading
// apostrophe, which spreadsheets show as text. Tabs and line breaks inside
// the text become spaces so a cell stays one cell.
std::string spreadsheetCell(std::string_view text);

// Whether a spreadsheet would read this text as a formula (or a quoted field hiding one).
bool startsLikeFormula(std::string_view text);

} // namespace cepheid
