#pragma once

#include "profile.h"
#include "util/expected.h"

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace cepheid {

// Whether two names are equal ignoring ASCII case (DNS names and Windows paths), without allocating.
bool equalsIgnoringCase(std::string_view a, std::string_view b);
// The text with ASCII letters in lower case (DNS names, Windows paths, operation names).
std::string asciiLower(std::string_view text);
// Whether `needle` occurs in `text`, ASCII case ignored.
bool containsIgnoringCase(std::string_view text, std::string_view needle);

// One allowlist matcher value compiled for its match mode. Always case-insensitive.
//  exact: the whole text equals the value.
//  glob:  '*' matches any run of characters (dots included), '?' one character; a leading "*." also matches
//         the bare name ("*.corp.workers.dev" matches "corp.workers.dev"), so allowlisting a zone covers its root.
//  regex: RE2, matched against the whole text (anchored), so "dev\.example\.com" does not match "xdev.example.com".
class TextMatcher
{
public:
    TextMatcher();
    ~TextMatcher();
    TextMatcher(TextMatcher&&) noexcept;
    TextMatcher& operator=(TextMatcher&&) noexcept;

    // Fails with RE2's message when the pattern is invalid.
    static Expected<TextMatcher> compile(std::string_view pattern, MatchMode mode);
    bool matches(std::string_view text) const;

    // The RE2 source a glob compiles to (exposed for tests and documentation).
    static std::string globToRegex(std::string_view glob);

private:
    MatchMode m_mode = MatchMode::Exact;
    std::string m_exact;
    std::unique_ptr<re2::RE2> m_regex;
};

} // namespace cepheid
