#pragma once

#include "cases/casefile.h"
#include "findings/analysis.h"
#include "tuning/profile.h"

#include <map>
#include <memory>
#include <tuple>

namespace cepheid::ui {

// Everything the views show, built off the GUI thread and handed over whole (hotspot-style: one value, one
// setData). Immutable once published, so views may keep a shared_ptr to it while a new one is computed.
struct Snapshot
{
    EventTable events;
    FlowIndex flows;
    Analysis analysis;
    Profile profile;
    std::vector<CaseSource> sources;
    std::map<std::tuple<std::string, std::string, std::string>, TriageState> triage; // as loaded with the snapshot
};

using TriageMap = std::map<std::tuple<std::string, std::string, std::string>, TriageState>;

using SnapshotPtr = std::shared_ptr<const Snapshot>;

} // namespace cepheid::ui
