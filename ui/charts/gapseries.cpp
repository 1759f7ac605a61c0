#include "gapseries.h"

#include "scoring/checkins.h"

namespace cepheid::ui {

GapSeries GapSeries::of(const EventTable& events, const FlowIndex& flows, const Finding& finding)
{
    const Connections connections = distinctConnections(events, flows.events(flows.flow(finding.flowIndex)));
    const CheckIns checkIns = findCheckIns(connections.times, connections.events);
    GapSeries series;
    const std::size_t count = checkIns.starts.size();
    if (count >= 2) {
        series.times.reserve(count - 1);
        series.gaps.reserve(count - 1);
        series.events.reserve(count - 1);
        for (std::size_t i = 1; i < count; ++i) {
            series.times.push_back(checkIns.starts[i]);
            series.gaps.push_back(static_cast<double>(checkIns.starts[i] - checkIns.starts[i - 1]) / 1e6);
            series.events.push_back(checkIns.startEvents[i]);
        }
    }
    if (hasConfidentPeriod(finding.beacon)) {
        series.periodSeconds = finding.beacon.period.periodSeconds;
        series.beatJitter = finding.beacon.period.singleBeatCv;
    }
    return series;
}

} // namespace cepheid::ui
