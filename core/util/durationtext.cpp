#include "durationtext.h"

#include <cstdio>

namespace cepheid {

std::string durationText(double seconds)
{
    char text[32];
    if (!(seconds > 0))
        return "—";
    if (seconds >= 48 * 3600)
        std::snprintf(text, sizeof text, "%.1f d", seconds / 86400);
    else if (seconds >= 90 * 60)
        std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
    else if (seconds >= 90)
        std::snprintf(text, sizeof text, "%.1f min", seconds / 60);
    else if (seconds >= 10)
        std::snprintf(text, sizeof text, "%.0f s", seconds);
    else if (seconds >= 1)
        std::snprintf(text, sizeof text, "%.1f s", seconds);
    else if (seconds >= 0.001)
        std::snprintf(text, sizeof text, "%.0f ms", seconds * 1000);
    else
        std::snprintf(text, sizeof text, "< 1 ms");
    return text;
}

} // namespace cepheid
