#pragma once

#include "checkins.h"
#include "intervalstats.h"
#include "payloadstats.h"
#include "periodfit.h"
#include "processclass.h"
#include "ritascore.h"
#include "tuning/profile.h"

#include <optional>
#include <string>
#include <vector>

namespace cepheid {

// One named part of the score, shown to the analyst with its value and what it adds.
struct ScoreComponent
{
    // Timing says whether the flow is periodic; context (persistence, payload, process) what kind of periodic flow
    // it is, and counts only as much as the timing says; penalties (fleet, local-only) are subtracted.
    enum class Kind { Timing, Context, Penalty };

    std::string name;
    std::optional<double> value; // 0..1; empty when the data cannot say (payload without byte counts)
    double weight = 0;
    double contribution = 0; // points added (negative for the fleet penalty)
    std::string explanation;
    Kind kind = Kind::Context;
};

struct BeaconScore
{
    double score = 0; // 0..100
    Verdict verdict = Verdict::None;
    CheckInSummary checkIns;
    IntervalStats intervals; // gaps between check-ins
    PeriodFit period; // of the check-ins
    PayloadStats payload;
    ProcessClass processClass = ProcessClass::Unknown;
    std::uint32_t prevalence = 0; // distinct source IPs reaching this destination with this process
    bool fleet = false;
    std::string destinationIp; // the destination when it is an IP address (no hostname), else empty
    std::string localOnlyNetwork; // the profile's local-only network holding destinationIp, empty if none
    RitaScore rita;
    std::vector<ScoreComponent> components;
};

// Whether a period is worth showing: one was found and fits with a confidence above 0. The views, charts and
// reports show "—" otherwise.
inline bool hasConfidentPeriod(const BeaconScore& beacon)
{
    return beacon.period.found && beacon.period.confidence > 0;
}

} // namespace cepheid
