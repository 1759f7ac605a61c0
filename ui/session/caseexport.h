#pragma once

#include "reports/scorereport.h"
#include "snapshot.h"

#include <QString>

namespace cepheid::ui {

// What File ▸ Export writes from the workbench: the same engine code as `cepheid-cli report` and `rule export`,
// on the snapshot the window shows (its working profile, its triage). Each returns false with the reason; files
// are written atomically.
enum class FindingsFormat { Csv, Json, Stix };
bool exportFindings(const Snapshot& snapshot, FindingsFormat format, const FindingSelection& selection,
    const QString& path, QString& error);
// The tuned rule and its reference lists into a folder; `source` names the case and profile in the rule's meta.
bool exportTunedRule(const Profile& profile, const QString& source, const QString& author, const QString& folder,
    QString& error, QStringList* leftOut = nullptr);

} // namespace cepheid::ui
