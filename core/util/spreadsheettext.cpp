#include "spreadsheettext.h"

namespace cepheid {

std::string spreadsheetCell(std::string_view text)
{
    std::string cell;
    cell.reserve(text.size() + 1);
    if (!text.empty()) {
        const char first = text.front();
        // A leading double quote too: pasted text treats it as a qualifier, strips it and reads the rest.
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
            || first == '"')
            cell.push_back('\'');
    }
    for (const char c : text)
        cell.push_back(c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
    return cell;
}

} // namespace cepheid
