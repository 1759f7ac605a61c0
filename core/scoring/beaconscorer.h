#pragma once

#include "beaconscore.h"
#include "model/flowindex.h"
#include "tuning/localonlynetworks.h"

#include <optional>
#include <unordered_map>

namespace cepheid {

// Scores flows as beacons (the model and its calibration: docs/scoring.md).
class BeaconScorer
{
public:
    // What the score needs from the whole data set, computed once per analysis.
    struct Context
    {
        std::unordered_map<std::uint64_t, std::uint32_t> prevalence; // (destination, process) -> distinct source IPs
        TimestampUs datasetFirst = 0;
        TimestampUs datasetLast = 0;
    };

    // Fails when a local-only network is not a network (parseProfile refuses those already).
    static Expected<BeaconScorer> create(const ScoreSettings& settings);
    static Context prepare(const EventTable& events, const FlowIndex& flows);
    BeaconScore score(const EventTable& events, const FlowIndex& flows, const Flow& flow, const Context& context) const;
    // score() in two steps. measure: intervals, period, payload, process class, prevalence and RITA, which no
    // setting changes; weigh: components, score, verdict and fleet under this scorer's settings. A weight or
    // threshold change only repeats weigh().
    static BeaconScore measure(
        const EventTable& events, const FlowIndex& flows, const Flow& flow, const Context& context);
    void weigh(BeaconScore& score) const;
    Verdict verdictFor(double score) const;
    const ScoreSettings& settings() const { return m_settings; }

private:
    BeaconScorer(ScoreSettings settings, LocalOnlyNetworks localOnly);

    ScoreSettings m_settings;
    LocalOnlyNetworks m_localOnly;
};

} // namespace cepheid
