#pragma once

#include "model/eventtable.h"

#include <cstdint>
#include <span>
#include <vector>

namespace cepheid {

// One bin of the interval histogram; it remembers events so a click on a bar jumps to them.
struct IntervalBin
{
    double lowerSeconds = 0;
    double upperSeconds = 0;
    std::uint32_t count = 0;
    EventIndex firstEvent = 0; // event that ends the first interval falling in this bin
    EventIndex extremeEvent = 0; // event that ends the longest interval in this bin
};

// Statistics of the gaps between consecutive check-ins of a flow (timestamps sorted, equal ones merged).
struct IntervalStats
{
    std::uint32_t timestamps = 0; // distinct timestamps
    std::uint32_t intervals = 0;
    double spanSeconds = 0;
    double meanSeconds = 0;
    double medianSeconds = 0;
    double stddevSeconds = 0;
    double madSeconds = 0; // median absolute deviation around the median
    double jitterCv = 0; // stddev / mean: the seed's "JitterCoefficient"
    double bowleySkew = 0; // (Q1 + Q3 - 2 Q2) / (Q3 - Q1); 0 when the quartiles are too close to say
    double q10Seconds = 0, q25Seconds = 0, q75Seconds = 0, q90Seconds = 0;
    std::vector<IntervalBin> histogram; // logarithmic bins, 1 s .. span
};

// timesUs and events are parallel, sorted by time; events name the event at each timestamp.
IntervalStats computeIntervalStats(std::span<const TimestampUs> timesUs, std::span<const EventIndex> events);

// Linear-interpolated quantile of an ascending sample (q in [0,1]).
double quantile(std::span<const double> sorted, double q);
// Median absolute deviation of values around their median.
double medianAbsoluteDeviation(std::span<const double> values, double median);

struct MeanAndSpread
{
    double mean = 0;
    double stddev = 0; // population standard deviation
    double cv = 0; // stddev / mean, 0 when the mean is 0
};
MeanAndSpread meanAndSpread(std::span<const double> values);

} // namespace cepheid
