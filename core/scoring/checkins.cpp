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

// Candidate two-scale grouping gaps, shortest first: every empty stretch of at least kClusterRatio between
// consecutive sorted connection gaps of a second or longer, with enough gaps on both sides. Each candidate is the
// longest gap it puts inside a check-in, plus 1 us. A flow has few (each multiplies the gap by 4 or more).
std::vector<TimestampUs> twoScaleGroupingGaps(std::span<const TimestampUs> times)
{
    std::vector<TimestampUs> gaps;
    gaps.reserve(times.size());
    for (std::size_t i = 1; i < times.size(); ++i)
        gaps.push_back(times[i] - times[i - 1]);
    std::sort(gaps.begin(), gaps.end());
    const std::size_t n = gaps.size();
    const auto minimumInner
        = std::max(kMinimumInnerGaps, static_cast<std::size_t>(kMinimumInnerShare * static_cast<double>(n) + 0.999));
    const auto firstSecondOrLonger
        = static_cast<std::size_t>(std::lower_bound(gaps.begin(), gaps.end(), kSameExchangeUs) - gaps.begin());
    std::vector<TimestampUs> candidates;
    for (std::size_t i = firstSecondOrLonger; i + 1 + kMinimumOuterGaps <= n; ++i) {
        const std::size_t inner = i + 1 - firstSecondOrLonger; // the sub-second rule already groups the others
        if (inner >= minimumInner && static_cast<double>(gaps[i + 1]) >= kClusterRatio * static_cast<double>(gaps[i]))
            candidates.push_back(gaps[i] + 1);
    }
    return candidates;
}

// Check-ins are short compared to the time between them: the longest multi-connection check-ins (their 90th
// percentile, so one long retry storm does not veto the rest) last at most a quarter of the median gap between
// check-ins. A "check-in" lasting hours is a working day of beats, or a session, not a burst.
bool checkInsAreBursts(const CheckIns& checkIns, std::span<const TimestampUs> times, std::span<const double> sortedGaps)
{
    std::vector<double> durations;
    std::size_t connection = 0;
    for (std::uint32_t size : checkIns.connections) {
        if (size > 1)
            durations.push_back(
                static_cast<double>(times[connection + size - 1] - times[connection]) / kMicrosPerSecond);
        connection += size;
    }
    std::sort(durations.begin(), durations.end());
    return quantile(durations, 0.9) * kClusterRatio <= quantile(sortedGaps, 0.5);
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

Connections distinctConnections(const EventTable& table, std::span<const EventIndex> flowEvents)
{
    Connections connections;
    connections.times.reserve(flowEvents.size());
    connections.events.reserve(flowEvents.size());
    for (const EventIndex event : flowEvents) {
        const TimestampUs t = table.timestamp(event);
        if (!connections.times.empty() && connections.times.back() == t)
            continue;
        connections.times.push_back(t);
        connections.events.push_back(event);
    }
    return connections;
}

CheckIns findCheckIns(std::span<const TimestampUs> times, std::span<const EventIndex> events)
{
    CheckIns exchanges = groupCheckIns(times, events, kSameExchangeUs);
    exchanges.period = fitPeriod(sortedGapsSeconds(exchanges));
    for (TimestampUs groupingGap : twoScaleGroupingGaps(times)) {
        CheckIns bursts = groupCheckIns(times, events, groupingGap);
        const std::vector<double> gaps = sortedGapsSeconds(bursts);
        if (bursts.count() < 2 || !checkInsAreBursts(bursts, times, gaps))
            continue;
        bursts.period = fitPeriod(gaps);
        if (bursts.period.confidence > exchanges.period.confidence) {
            bursts.twoScale = true;
            return bursts;
        }
    }
    return exchanges;
}

} // namespace cepheid
