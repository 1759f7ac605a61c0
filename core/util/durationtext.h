#pragma once

#include <string>

namespace cepheid {

// A duration as an analyst reads it in an explanation: "0.05 s", "12 s", "4 min", "1.5 h".
std::string durationText(double seconds);

} // namespace cepheid
