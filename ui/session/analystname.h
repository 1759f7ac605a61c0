#pragma once

#include <QSettings>
#include <QString>

namespace cepheid::ui {

// Who is working: remembered from the last triage, allowlist entry or saved profile, the login name at first.
inline QString analystName()
{
    return QSettings().value(QStringLiteral("analyst"), qEnvironmentVariable("USER")).toString();
}

inline void rememberAnalystName(const QString& name)
{
    if (!name.isEmpty())
        QSettings().setValue(QStringLiteral("analyst"), name);
}

} // namespace cepheid::ui
