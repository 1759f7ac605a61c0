#pragma once

#include <string>

namespace cepheid {

// The one way Cepheid writes a duration, in the table, charts, explanations and reports: "< 1 ms", "50 ms",
// "2.5 s", "45 s", "2.0 min", "1.5 h", "3.0 d". Units change at 90 s, 90 min and 48 h rather than at 60/120 s so a
// two-minute beacon reads "2.0 min" whether it measures 119 s or 121 s. 0 or less is "—": no duration.
std::string durationText(double seconds);

} // namespace cepheid
