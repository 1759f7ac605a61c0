#include "windowfold.h"

#include <algorithm>
#include <array>
#include <utility>

namespace cepheid {

namespace {

// Distance from firing, for choosing the window to show when none fires: more conditions met first, then more
// events, then more hour buckets; the earliest of equals.
std::array<std::int64_t, 3> closeness(const WindowOutcome& outcome, const RuleSettings& settings)
{
    const std::int64_t met = (outcome.eventCount >= settings.minEvents)
        + (outcome.hourBuckets >= settings.minHourBuckets) + (outcome.avgBytesSent < settings.maxAvgBytesSent)
        + (outcome.avgBytesReceived < settings.maxAvgBytesReceived);
    return { met, outcome.eventCount, outcome.hourBuckets };
}

} // namespace

void WindowFold::add(const WindowOutcome& outcome)
{
    ++m_outcome.windowsEvaluated;
    if (outcome.fires) {
        if (!m_outcome.fires) {
            m_outcome.fires = true;
            m_outcome.window = outcome;
        }
        std::vector<Detection>& detections = m_outcome.detections;
        if (!detections.empty() && outcome.windowStart <= detections.back().end) {
            Detection& detection = detections.back();
            detection.end = std::max(detection.end, outcome.windowEnd);
            ++detection.windows;
            detection.peakEventCount = std::max(detection.peakEventCount, outcome.eventCount);
        } else {
            detections.push_back({ outcome.windowStart, outcome.windowEnd, 1, outcome.eventCount });
        }
    } else if (!m_outcome.fires && (!m_closest || closeness(outcome, m_settings) > closeness(*m_closest, m_settings))) {
        m_closest = outcome;
    }
}

void WindowFold::finish(RuleOutcome& into)
{
    into.fires = m_outcome.fires;
    into.window = m_outcome.fires ? m_outcome.window : m_closest;
    into.detections = std::move(m_outcome.detections);
    into.windowsEvaluated = m_outcome.windowsEvaluated;
}

} // namespace cepheid
