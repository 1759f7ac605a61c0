#include "textmatcher.h"

#include <re2/re2.h>

namespace cepheid {

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

std::string asciiLower(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool containsIgnoringCase(std::string_view text, std::string_view needle)
{
    for (std::size_t i = 0; i + needle.size() <= text.size(); ++i)
        if (equalsIgnoringCase(text.substr(i, needle.size()), needle))
            return true;
    return false;
}

TextMatcher::TextMatcher() = default;
TextMatcher::~TextMatcher() = default;
TextMatcher::TextMatcher(TextMatcher&&) noexcept = default;
TextMatcher& TextMatcher::operator=(TextMatcher&&) noexcept = default;

std::string TextMatcher::globToRegex(std::string_view glob)
{
    std::string regex;
    if (glob.starts_with("*.")) {
        regex = "(?:.*\\.)?";
        glob.remove_prefix(2);
    }
    for (char c : glob) {
        if (c == '*')
            regex.append(".*");
        else if (c == '?')
            regex.push_back('.');
        else
            regex.append(RE2::QuoteMeta(std::string_view(&c, 1)));
    }
    return regex;
}

Expected<TextMatcher> TextMatcher::compile(std::string_view pattern, MatchMode mode)
{
    TextMatcher matcher;
    matcher.m_mode = mode;
    if (mode == MatchMode::Exact) {
        matcher.m_exact = std::string(pattern);
        return matcher;
    }
    const std::string source = mode == MatchMode::Glob ? globToRegex(pattern) : std::string(pattern);
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    auto regex = std::make_unique<RE2>(source, options);
    if (!regex->ok())
        return failure(regex->error());
    matcher.m_regex = std::move(regex);
    return matcher;
}

bool TextMatcher::matches(std::string_view text) const
{
    if (m_mode == MatchMode::Exact)
        return equalsIgnoringCase(text, m_exact);
    return m_regex && RE2::FullMatch(text, *m_regex);
}

} // namespace cepheid
