#pragma once

#include "cases/casefile.h"

#include <QString>

namespace cepheid::ui {

// A triage state as the views write it, the same for a flow and for a cloud change (they share the case's triage
// table): "malicious by ana at 2025-…\nnotes" for a tooltip, and the status with its whole history for a detail pane.
QString triageStateText(const TriageState& state);
QString triageHistoryHtml(const TriageState& state);

} // namespace cepheid::ui
