#pragma once

#include "cases/casefile.h"
#include "findings/caseanalysis.h"
#include "tuning/profile.h"

#include <memory>

namespace cepheid::ui {

// Everything the views show (CaseData, shared by every snapshot of one case, is in core/findings/caseanalysis.h), built
// off the GUI thread and handed over whole (hotspot-style: one value, one setData). Immutable once published, so views
// may keep a shared_ptr to it while a new one is computed.
struct Snapshot
{
    explicit Snapshot(std::shared_ptr<const CaseData> caseData)
        : data(std::move(caseData))
        , events(data->events)
        , flows(data->flows)
        , sources(data->sources)
    { }
    // A copy shares the data (the references are bound to the same shared CaseData).
    Snapshot(const Snapshot&) = default;
    Snapshot& operator=(const Snapshot&) = delete;

    std::shared_ptr<const CaseData> data;
    const EventTable& events;
    const FlowIndex& flows;
    const std::vector<CaseSource>& sources;

    Analysis analysis;
    // Cloud change findings linked to `analysis`'s flows, under `profile` (its cloud weights and allowlist, and which
    // flows alert): recomputed with every analysis, never carried over from another profile.
    CloudAnalysis cloud;
    Profile profile; // the working profile the analysis ran with
    TimestampUs evaluatedAt = 0; // the "now" allowlist expiry was decided at
    double engineMilliseconds = 0; // how long the analysis took (re-runs after tuning are a fraction of a run)

    // The what-if baseline: the case's newest saved profile version (the default profile before any is saved)
    // and the flows that alert under it. added/removed: flows that alert now but not under it, and the reverse.
    Profile savedProfile;
    std::int64_t savedVersion = 0;
    std::vector<std::uint32_t> savedAlerting;
    std::vector<std::uint32_t> added, removed;

    TriageMap triage; // as loaded with the snapshot

    bool isModified() const { return profile != savedProfile; }
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

} // namespace cepheid::ui
