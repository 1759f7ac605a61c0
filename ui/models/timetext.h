#pragma once

#include "model/timestamp.h"

#include <QString>

namespace cepheid::ui {

// Timestamps as the views write them (always UTC). The compact form keeps both the day and the time — what a
// narrow column needs — and the full form, with the year and sub-second digits, goes in the tooltip.
inline QString compactTime(TimestampUs time, bool milliseconds = false)
{
    const std::string text = formatRfc3339(time); // 2025-03-04T10:12:05[.123456]Z
    QString compact = QString::fromStdString(text.substr(5, 5) + ' ' + text.substr(11, 8));
    if (milliseconds) {
        const TimestampUs micros = ((time % kMicrosPerSecond) + kMicrosPerSecond) % kMicrosPerSecond;
        compact += u'.' + QStringLiteral("%1").arg(micros / 1000, 3, 10, QChar(u'0'));
    }
    return compact;
}

inline QString fullTime(TimestampUs time)
{
    return QString::fromStdString(formatRfc3339(time));
}

} // namespace cepheid::ui
