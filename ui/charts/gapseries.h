#pragma once

#include "findings/analysis.h"
#include "model/eventtable.h"
#include "model/flowindex.h"

#include <vector>

namespace cepheid::ui {

// A flow's gaps between check-ins, as the interval and gap-over-time charts draw them: the same check-ins the score
// measured (findCheckIns), each gap with the time and the event that ended it.
struct GapSeries
{
    std::vector<TimestampUs> times; // when each gap ended: the later check-in's start
    std::vector<double> gaps; // seconds
    std::vector<EventIndex> events; // the event that starts the later check-in
    double periodSeconds = 0; // 0: no period to show (none found, or found with no confidence)
    double beatJitter = 0; // CV of the single-beat gaps

    static GapSeries of(const EventTable& events, const FlowIndex& flows, const Finding& finding);
    bool empty() const { return gaps.empty(); }
};

} // namespace cepheid::ui
