#include "checkins.h"

#include "intervalstats.h"
#include "periodfit.h"

#include <algorithm>
#include <numeric>

namespace cepheid {

namespace {

// Two clusters of gaps are "far apart" when no gap lies between them for at least this factor: sorted gaps of
// memoryless traffic are dense at every scale but the very smallest (which kMinimumInnerGaps leaves out).
constexpr double kClusterRatio = 4;
// The short cluster must be a real part of the flow, not a stray retry: at least 2 gaps and 5 % of them.
constexpr std::size_t kMinimumInnerGaps = 2;
constexpr double kMinimumInnerShare = 0.05;
// And the long one must leave a series to measure: at least 3 gaps between check-ins.
constexpr std::size_t kMinimumOuterGaps = 3;

std::vector<double> sortedGapsSeconds(const CheckIns& checkIns)
{
    std::vector<double> gaps = checkInGaps(checkIns);
    std::sort(gaps.begin(), gaps.end());
    return gaps;
}

// The two-scale grouping gap: the widest empty stretch (as a ratio) between consecutive sorted connection gaps
// that are a second or longer, with enough gaps on both sides. 0 when the flow has no such structure.
TimestampUs twoScaleGroupingGap(std::span<const TimestampUs> times)
{
    std::vector<TimestampUs> gaps;
    gaps.reserve(times.size());
    for (std::size_t i = 1; i < times.size(); ++i)
        gaps.push_back(times[i] - times[i - 1]);
    std::sort(gaps.begin(), gaps.end());
    const std::size_t n = gaps.size();
    const auto minimumInner
        = std::max(kMinimumInnerGaps, static_cast<std::size_t>(kMinimumInnerShare * static_cast<double>(n) + 0.999));
    double widest = kClusterRatio;
    TimestampUs groupingGap = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const std::size_t inner = i + 1, outer = n - inner;
        if (gaps[i] < kSameExchangeUs || inner < minimumInner)
            continue; // the sub-second rule already groups these
        if (outer < kMinimumOuterGaps)
            break;
        const double ratio = static_cast<double>(gaps[i + 1]) / static_cast<double>(gaps[i]);
        if (ratio >= widest) {
            widest = ratio;
            groupingGap = gaps[i] + 1; // everything up to gaps[i] is inside a check-in
        }
    }
    return groupingGap;
}

// Check-ins are short compared to the time between them; a "check-in" lasting hours is a working day, not a burst.
bool checkInsAreBursts(const CheckIns& checkIns, std::span<const TimestampUs> times)
{
    if (checkIns.count() < 2)
        return false;
    TimestampUs inner = 0;
    std::size_t connection = 0;
    for (std::uint32_t size : checkIns.connections) {
        inner += times[connection + size - 1] - times[connection];
        connection += size;
    }
    const double meanDuration = static_cast<double>(inner) / checkIns.count() / kMicrosPerSecond;
    std::vector<double> gaps = sortedGapsSeconds(checkIns);
    return meanDuration * kClusterRatio <= quantile(gaps, 0.5);
}

} // namespace

CheckInSummary summarise(const CheckIns& checkIns)
{
    CheckInSummary summary;
    summary.checkIns = checkIns.count();
    summary.connections = std::accumulate(checkIns.connections.begin(), checkIns.connections.end(), 0U);
    summary.largest = checkIns.connections.empty()
        ? 0
        : *std::max_element(checkIns.connections.begin(), checkIns.connections.end());
    summary.meanConnections = summary.checkIns > 0 ? static_cast<double>(summary.connections) / summary.checkIns : 0;
    summary.longestInnerGapSeconds = checkIns.longestInnerGapSeconds;
    summary.twoScale = checkIns.twoScale;
    return summary;
}

CheckIns groupCheckIns(
    std::span<const TimestampUs> times, std::span<const EventIndex> events, TimestampUs groupingGapUs)
{
    CheckIns checkIns;
    checkIns.groupingGapUs = groupingGapUs;
    TimestampUs longestInner = 0;
    for (std::size_t i = 0; i < times.size(); ++i) {
        const TimestampUs gap = i > 0 ? times[i] - times[i - 1] : 0;
        if (i > 0 && gap < groupingGapUs) {
            ++checkIns.connections.back();
            longestInner = std::max(longestInner, gap);
            continue;
        }
        checkIns.starts.push_back(times[i]);
        checkIns.startEvents.push_back(events[i]);
        checkIns.connections.push_back(1);
    }
    checkIns.longestInnerGapSeconds = static_cast<double>(longestInner) / kMicrosPerSecond;
    return checkIns;
}

std::vector<double> checkInGaps(const CheckIns& checkIns)
{
    std::vector<double> gaps;
    gaps.reserve(checkIns.starts.size());
    for (std::size_t i = 1; i < checkIns.starts.size(); ++i)
        gaps.push_back(static_cast<double>(checkIns.starts[i] - checkIns.starts[i - 1]) / kMicrosPerSecond);
    return gaps;
}

CheckIns findCheckIns(std::span<const TimestampUs> times, std::span<const EventIndex> events)
{
    CheckIns exchanges = groupCheckIns(times, events, kSameExchangeUs);
    const TimestampUs twoScaleGap = twoScaleGroupingGap(times);
    if (twoScaleGap == 0)
        return exchanges;
    CheckIns bursts = groupCheckIns(times, events, twoScaleGap);
    if (!checkInsAreBursts(bursts, times))
        return exchanges;
    const PeriodFit asExchanges = fitPeriod(sortedGapsSeconds(exchanges));
    const PeriodFit asBursts = fitPeriod(sortedGapsSeconds(bursts));
    if (asBursts.confidence <= asExchanges.confidence)
        return exchanges;
    bursts.twoScale = true;
    return bursts;
}

} // namespace cepheid
