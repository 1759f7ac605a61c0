#pragma once

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
    std::string name;
    std::optional<double> value; // 0..1; empty when the data cannot say (payload without byte counts)
    double weight = 0;
    double contribution = 0; // points added (negative for the fleet penalty)
    std::string explanation;
};

struct BeaconScore
{
    double score = 0; // 0..100
    Verdict verdict = Verdict::None;
    IntervalStats intervals;
    PeriodFit period;
    PayloadStats payload;
    ProcessClass processClass = ProcessClass::Unknown;
    std::uint32_t prevalence = 0; // distinct source IPs reaching this destination with this process
    bool fleet = false;
    RitaScore rita;
    std::vector<ScoreComponent> components;
};

} // namespace cepheid
