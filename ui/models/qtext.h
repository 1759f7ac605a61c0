#pragma once

#include "util/htmltext.h"

#include <QString>
#include <string_view>

namespace cepheid::ui {

// Engine text (UTF-8 views into the EventTable or a profile) as a QString.
inline QString toQString(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// Engine text as a view shows it: direction overrides written as "[U+202E]", so "\u202Egnp.exe" cannot read as
// "exe.png" (docs/security.md, "Display"). Only for display: keys and edits keep toQString's exact text.
inline QString toDisplayText(std::string_view text)
{
    return toQString(revealBidiControls(text));
}

} // namespace cepheid::ui
