#include "intervalstats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cepheid {

namespace {
constexpr int kBinsPerDecade = 8;
}

double quantile(std::span<const double> sorted, double q)
{
    if (sorted.empty())
        return 0;
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

double medianAbsoluteDeviation(std::span<const double> values, double median)
{
    std::vector<double> deviations;
    deviations.reserve(values.size());
    for (double value : values)
        deviations.push_back(std::abs(value - median));
    std::sort(deviations.begin(), deviations.end());
    return quantile(deviations, 0.5);
}

MeanAndSpread meanAndSpread(std::span<const double> values)
{
    MeanAndSpread result;
    if (values.empty())
        return result;
    result.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    double squares = 0;
    for (double value : values)
        squares += (value - result.mean) * (value - result.mean);
    result.stddev = std::sqrt(squares / static_cast<double>(values.size()));
    result.cv = result.mean > 0 ? result.stddev / result.mean : 0;
    return result;
}

IntervalStats computeIntervalStats(std::span<const TimestampUs> timesUs, std::span<const EventIndex> events)
{
    IntervalStats stats;
    stats.timestamps = static_cast<std::uint32_t>(timesUs.size());
    if (timesUs.size() < 2)
        return stats;
    std::vector<double> intervals;
    std::vector<EventIndex> endEvents;
    intervals.reserve(timesUs.size() - 1);
    for (std::size_t i = 1; i < timesUs.size(); ++i) {
        intervals.push_back(static_cast<double>(timesUs[i] - timesUs[i - 1]) / kMicrosPerSecond);
        endEvents.push_back(events[i]);
    }
    stats.intervals = static_cast<std::uint32_t>(intervals.size());
    stats.spanSeconds = static_cast<double>(timesUs.back() - timesUs.front()) / kMicrosPerSecond;
    const MeanAndSpread moments = meanAndSpread(intervals);
    stats.meanSeconds = moments.mean;
    stats.stddevSeconds = moments.stddev;
    stats.jitterCv = moments.cv;

    // Histogram on logarithmic bins before sorting, so each bin keeps the events of its intervals.
    const double top = std::max(1.0, *std::max_element(intervals.begin(), intervals.end()));
    const int binCount = std::max(1, static_cast<int>(std::ceil(std::log10(top + 1) * kBinsPerDecade)));
    stats.histogram.resize(static_cast<std::size_t>(binCount));
    for (int b = 0; b < binCount; ++b) {
        stats.histogram[static_cast<std::size_t>(b)].lowerSeconds
            = b == 0 ? 0 : std::pow(10.0, double(b) / kBinsPerDecade);
        stats.histogram[static_cast<std::size_t>(b)].upperSeconds = std::pow(10.0, double(b + 1) / kBinsPerDecade);
    }
    std::vector<double> extreme(stats.histogram.size(), -1);
    for (std::size_t i = 0; i < intervals.size(); ++i) {
        const int b = std::clamp(
            static_cast<int>(std::floor(std::log10(std::max(intervals[i], 1.0)) * kBinsPerDecade)), 0, binCount - 1);
        IntervalBin& bin = stats.histogram[static_cast<std::size_t>(b)];
        if (bin.count++ == 0)
            bin.firstEvent = endEvents[i];
        if (intervals[i] > extreme[static_cast<std::size_t>(b)]) {
            extreme[static_cast<std::size_t>(b)] = intervals[i];
            bin.extremeEvent = endEvents[i];
        }
    }

    std::sort(intervals.begin(), intervals.end());
    stats.medianSeconds = quantile(intervals, 0.5);
    stats.q10Seconds = quantile(intervals, 0.10);
    stats.q25Seconds = quantile(intervals, 0.25);
    stats.q75Seconds = quantile(intervals, 0.75);
    stats.q90Seconds = quantile(intervals, 0.90);
    stats.madSeconds = medianAbsoluteDeviation(intervals, stats.medianSeconds);
    const double spread = stats.q75Seconds - stats.q25Seconds;
    stats.bowleySkew = spread > 0 ? (stats.q25Seconds + stats.q75Seconds - 2 * stats.medianSeconds) / spread : 0;
    return stats;
}

} // namespace cepheid
