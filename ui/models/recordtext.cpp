#include "recordtext.h"

#include <algorithm>

namespace cepheid::ui {

QString indentJson(const QString& text)
{
    if (!text.startsWith(u'{') && !text.startsWith(u'['))
        return text;
    QString out;
    out.reserve(text.size() * 2);
    int depth = 0;
    bool inString = false, escaped = false;
    auto newline = [&] { out += u'\n' + QString(depth * 2, u' '); };
    for (const QChar c : text) {
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == u'\\')
                escaped = true;
            else if (c == u'"')
                inString = false;
            continue;
        }
        if (c == u'"') {
            inString = true;
            out += c;
        } else if (c == u'{' || c == u'[') {
            out += c;
            ++depth;
            newline();
        } else if (c == u'}' || c == u']') {
            depth = std::max(0, depth - 1);
            newline();
            out += c;
        } else if (c == u',') {
            out += c;
            newline();
        } else if (c == u':') {
            out += QStringLiteral(": ");
        } else if (!c.isSpace()) {
            out += c;
        }
    }
    return out;
}

} // namespace cepheid::ui
