#include "payloadstats.h"

#include "intervalstats.h"

#include <algorithm>

namespace cepheid {

namespace {

void meanCvMedian(std::vector<double>& values, double& mean, double& cv, double& median)
{
    const MeanAndSpread spread = meanAndSpread(values);
    mean = spread.mean;
    cv = spread.cv;
    std::sort(values.begin(), values.end());
    median = quantile(values, 0.5);
}

} // namespace

PayloadStats computePayloadStats(const EventTable& events, std::span<const EventIndex> flowEvents)
{
    PayloadStats stats;
    std::vector<double> sent, received;
    EventIndex previous = static_cast<EventIndex>(-1);
    for (EventIndex event : flowEvents) {
        if (event == previous)
            continue; // a fan-out copy of the same event
        previous = event;
        if (!events.bytesSentKnown(event) || !events.bytesReceivedKnown(event))
            continue;
        sent.push_back(static_cast<double>(events.bytesSent(event)));
        received.push_back(static_cast<double>(events.bytesReceived(event)));
    }
    stats.withBytes = static_cast<std::uint32_t>(sent.size());
    stats.known = !sent.empty() && sent.size() * 2 >= flowEvents.size();
    meanCvMedian(sent, stats.sentMean, stats.sentCv, stats.sentMedian);
    meanCvMedian(received, stats.receivedMean, stats.receivedCv, stats.receivedMedian);
    return stats;
}

} // namespace cepheid
