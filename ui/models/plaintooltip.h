#pragma once

#include <QString>

namespace cepheid::ui {

// Qt renders a tooltip as rich text when it looks like HTML, and tooltips here quote data (process paths, reasons,
// notes from a shared profile). Escaping it and wrapping it in a paragraph keeps it literal, line breaks included.
inline QString plainToolTip(const QString& text)
{
    if (text.isEmpty())
        return {};
    return QStringLiteral("<p style='white-space:pre-wrap'>") + text.toHtmlEscaped() + QStringLiteral("</p>");
}

} // namespace cepheid::ui
