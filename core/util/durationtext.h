#pragma once

#include <string>

namespace cepheid {

// A duration as an analyst reads it in an explanation: "< 1 ms", "50 ms", "2.5 s", "12 s", "4 min", "1.5 h".
std::string durationText(double seconds);

} // namespace cepheid
