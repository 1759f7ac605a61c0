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

PayloadStats computePayloadStats(
    const EventTable& events, std::span<const EventIndex> flowEvents, std::span<const TimestampUs> checkInStarts)
{
    PayloadStats stats;
    std::vector<double> sent, received;
    double checkInSent = 0, checkInReceived = 0;
    bool checkInKnown = true;
    auto closeCheckIn = [&] {
        if (checkInKnown) {
            sent.push_back(checkInSent);
            received.push_back(checkInReceived);
        }
        checkInSent = checkInReceived = 0;
        checkInKnown = true;
    };
    std::size_t next = 1; // the check-in after the current one
    EventIndex previous = static_cast<EventIndex>(-1);
    for (EventIndex event : flowEvents) {
        if (event == previous)
            continue; // a fan-out copy of the same event
        previous = event;
        if (next < checkInStarts.size() && events.timestamp(event) >= checkInStarts[next]) {
            closeCheckIn();
            while (next < checkInStarts.size() && events.timestamp(event) >= checkInStarts[next])
                ++next;
        }
        if (!events.bytesSentKnown(event) || !events.bytesReceivedKnown(event)) {
            checkInKnown = false;
            continue;
        }
        checkInSent += static_cast<double>(events.bytesSent(event));
        checkInReceived += static_cast<double>(events.bytesReceived(event));
    }
    if (!flowEvents.empty())
        closeCheckIn();
    stats.withBytes = static_cast<std::uint32_t>(sent.size());
    stats.known = !sent.empty() && sent.size() * 2 >= checkInStarts.size();
    meanCvMedian(sent, stats.sentMean, stats.sentCv, stats.sentMedian);
    meanCvMedian(received, stats.receivedMean, stats.receivedCv, stats.receivedMedian);
    return stats;
}

} // namespace cepheid
