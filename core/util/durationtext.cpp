#include "durationtext.h"

#include <cstdio>

namespace cepheid {

std::string durationText(double seconds)
{
    char text[32];
    if (seconds >= 3600)
        std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
    else if (seconds >= 60)
        std::snprintf(text, sizeof text, "%.0f min", seconds / 60);
    else if (seconds >= 10)
        std::snprintf(text, sizeof text, "%.0f s", seconds);
    else
        std::snprintf(text, sizeof text, "%.2g s", seconds);
    return text;
}

} // namespace cepheid
