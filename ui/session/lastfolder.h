#pragma once

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QString>

namespace cepheid::ui {

// File dialogs open where the analyst last went for that kind of file ("cases", "exports", "profiles"): exports
// and cases usually live in different places. The home folder at first, or when the folder is gone.
inline QString lastFolder(const QString& kind)
{
    const QString folder = QSettings().value(QStringLiteral("lastFolder/") + kind).toString();
    return !folder.isEmpty() && QDir(folder).exists() ? folder : QDir::homePath();
}

inline void rememberFolder(const QString& kind, const QString& chosenPath)
{
    if (!chosenPath.isEmpty())
        QSettings().setValue(QStringLiteral("lastFolder/") + kind, QFileInfo(chosenPath).absolutePath());
}

} // namespace cepheid::ui
