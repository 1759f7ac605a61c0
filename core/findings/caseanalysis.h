#pragma once

#include "cases/casefile.h"
#include "cloud/changefindings.h"
#include "findings/analysis.h"
#include "model/namejoin.h"
#include "util/expected.h"

#include <memory>
#include <optional>

namespace cepheid {

// What a case's findings are computed from: built once when a case is opened or imported into, then shared and
// never copied (a tuning change re-runs the analysis over the same CaseData).
struct CaseData
{
    EventTable events; // with the names joinNames() gave, before the flows were grouped
    FlowIndex flows;
    std::vector<CaseSource> sources;
    NameJoinCounts names;
};

// A profile and the case version it was saved as (0: the defaults, no version saved).
struct CaseProfile
{
    Profile profile;
    std::int64_t version = 0;
};

// A case's findings, as cepheid-cli reports them and the workbench shows them.
struct CaseAnalysis
{
    std::shared_ptr<const CaseData> data;
    CaseProfile saved; // the case's newest saved profile: the baseline a what-if is measured against
    std::vector<std::uint32_t> savedAlerting; // the flows alerting under it (alertingFlows), ascending
    std::shared_ptr<const Analyzer> analyzer; // the profile `analysis` ran under, and the reports' view of it
    Analysis analysis;
    CloudAnalysis cloud; // change findings from cloud audit records, linked to the flows (docs/cloud-audit.md)
    TriageMap triage;
    double engineMilliseconds = 0; // the analysis, without loading or grouping the events

    const Profile& profile() const { return analyzer->profile(); }
};

// The case's newest saved profile, or the defaults (version 0) when none is saved. A saved version that cannot be
// read refuses the case, with the version and the reason: findings are never computed under another profile than
// the one the case says they come from (docs/architecture.md, "One pipeline").
Expected<CaseProfile> newestSavedProfile(CaseFile& caseFile);

// The one pipeline from a case to its findings, shared by cepheid-cli and the workbench (docs/architecture.md):
// `events` are the case's (CaseFile::loadEvents) and any the caller read for this run only; they are grouped into
// flows and analysed under the case's newest saved profile, then, when `profile` is given and differs from it,
// re-run under `profile` (what the workbench's tuning shows, and cepheid-cli's --windows). `now` decides which
// allowlist entries have expired.
Expected<CaseAnalysis> analyseCase(
    CaseFile& caseFile, EventTable&& events, const std::optional<Profile>& profile, TimestampUs now);

// The same for events outside a case: `profile` is the baseline, nothing is saved or triaged.
Expected<CaseAnalysis> analyseEvents(EventTable&& events, Profile profile, TimestampUs now);

} // namespace cepheid
