#pragma once

#include <QString>
#include <string_view>

namespace cepheid::ui {

// Engine text (UTF-8 views into the EventTable or a profile) as a QString.
inline QString toQString(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace cepheid::ui
