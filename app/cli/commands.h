#pragma once

#include "clioptions.h"

namespace cepheid::cli {

int runScore(const ScoreOptions& options);
int runProfileShow(const ProfileShowOptions& options);
int runProfileDiff(const ProfileDiffOptions& options);
int runRuleExport(const RuleExportOptions& options);
int runImport(const ImportOptionsCli& options);
int runCaseInfo(const CaseInfoOptions& options);
int runCaseVerify(const CaseInfoOptions& options);
int runCaseTriage(const CaseTriageOptions& options);

} // namespace cepheid::cli
