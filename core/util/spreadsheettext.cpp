#include "spreadsheettext.h"

namespace cepheid {

bool startsLikeFormula(std::string_view text)
{
    if (text.empty())
        return false;
    // A leading double quote too: pasted text treats it as a qualifier, strips it and reads the rest.
    const char first = text.front();
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
        || first == '"';
}

std::string spreadsheetCell(std::string_view text)
{
    std::string cell;
    cell.reserve(text.size() + 1);
    if (startsLikeFormula(text))
        cell.push_back('\'');
    for (const char c : text)
        cell.push_back(c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
    return cell;
}

} // namespace cepheid
