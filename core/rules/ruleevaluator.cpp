#include "ruleevaluator.h"

#include "windowfold.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <re2/re2.h>

namespace cepheid {

namespace {

// Byte sums over a window may exceed 64 bits with absurd inputs; 128-bit running sums keep the sliding
// add/subtract exact, and the result saturates when reported.
__extension__ typedef unsigned __int128 WideSum;

std::uint64_t saturate(WideSum value)
{
    return value > std::numeric_limits<std::uint64_t>::max() ? std::numeric_limits<std::uint64_t>::max()
                                                             : static_cast<std::uint64_t>(value);
}

// math.floor(sum / count_distinct(id)) with YARA-L's float division.
std::int64_t floorAverage(std::uint64_t sum, std::int64_t count)
{
    if (count <= 0)
        return 0;
    const long double average = std::floor(static_cast<long double>(sum) / static_cast<long double>(count));
    // math.floor "returns 0 if the input is … too large to fit into an int64".
    if (average >= static_cast<long double>(std::numeric_limits<std::int64_t>::max()))
        return 0;
    return static_cast<std::int64_t>(average);
}

} // namespace

RuleEvaluator::~RuleEvaluator() = default;
RuleEvaluator::RuleEvaluator(RuleEvaluator&&) noexcept = default;
RuleEvaluator& RuleEvaluator::operator=(RuleEvaluator&&) noexcept = default;

Expected<RuleEvaluator> RuleEvaluator::create(const RuleSettings& settings)
{
    RuleEvaluator evaluator;
    evaluator.m_settings = settings;
    RE2::Options options;
    options.set_log_errors(false);
    evaluator.m_regex = std::make_unique<RE2>(settings.domainRegex, options);
    if (!evaluator.m_regex->ok())
        return failure("rule.domain_regex: invalid RE2 regex: " + evaluator.m_regex->error());
    evaluator.m_window = static_cast<TimestampUs>(std::llround(settings.windowHours * 3600.0)) * kMicrosPerSecond;
    evaluator.m_hop = std::max<TimestampUs>(1, evaluator.m_window / 10);
    return evaluator;
}

bool RuleEvaluator::domainMatches(std::string_view hostname) const
{
    return RE2::PartialMatch(hostname, *m_regex);
}

WindowOutcome RuleEvaluator::windowOutcome(
    TimestampUs start, std::int64_t distinct, std::int64_t hours, std::uint64_t sent, std::uint64_t received) const
{
    WindowOutcome outcome;
    outcome.windowStart = start;
    outcome.windowEnd = start + m_window;
    outcome.eventCount = distinct;
    outcome.hourBuckets = hours;
    outcome.totalBytesSent = sent;
    outcome.totalBytesReceived = received;
    outcome.avgBytesSent = floorAverage(sent, distinct);
    outcome.avgBytesReceived = floorAverage(received, distinct);
    outcome.fires = distinct >= m_settings.minEvents && hours >= m_settings.minHourBuckets
        && outcome.avgBytesSent < m_settings.maxAvgBytesSent
        && outcome.avgBytesReceived < m_settings.maxAvgBytesReceived;
    return outcome;
}

DroppedEvents RuleEvaluator::filter(const EventTable& events, const FlowIndex& flows, const Flow& flow,
    bool domainMatched, std::vector<EventIndex>* eligible) const
{
    DroppedEvents dropped;
    bool eventTypeKnown = false;
    const StringId networkConnection = events.strings().find("NETWORK_CONNECTION", &eventTypeKnown);
    for (EventIndex event : flows.events(flow)) {
        if (!eventTypeKnown || events.eventType(event) != networkConnection)
            ++dropped.eventType;
        else if (events.direction(event) != Direction::Outbound)
            ++dropped.direction;
        else if (flow.destinationIsIp)
            ++dropped.noHostname;
        else if (!domainMatched)
            ++dropped.domainMismatch;
        else if (flow.key.sourceIp == kEmptyString)
            ++dropped.emptySourceIp;
        else if (flow.key.processPath == kEmptyString)
            ++dropped.emptyProcessPath;
        else if (eligible)
            eligible->push_back(event);
    }
    return dropped;
}

DroppedEvents RuleEvaluator::classify(const EventTable& events, const FlowIndex& flows, const Flow& flow) const
{
    const bool domainMatched = !flow.destinationIsIp && domainMatches(events.text(flow.key.destination));
    return filter(events, flows, flow, domainMatched, nullptr);
}

RuleOutcome RuleEvaluator::evaluate(const EventTable& events, const FlowIndex& flows, const Flow& flow) const
{
    RuleOutcome result;
    result.domainMatched = !flow.destinationIsIp && domainMatches(events.text(flow.key.destination));

    // Events section, then the zero-value filter on the match placeholders.
    static thread_local std::vector<EventIndex> eligible;
    eligible.clear();
    result.dropped = filter(events, flows, flow, result.domainMatched, &eligible);
    result.eligibleEvents = eligible.size();
    if (eligible.empty())
        return result;

    // Two pointers over time-sorted events: [low, high) is the current window. Fan-out copies of one event
    // are adjacent, so "a new event id" is "a different event index than the entry before".
    const std::size_t n = eligible.size();
    std::array<std::uint32_t, 24> hourCounts {};
    std::int64_t distinctHours = 0, distinctIds = 0;
    WideSum sent = 0, received = 0;
    std::size_t low = 0, high = 0;
    auto isNewId = [&](std::size_t i) { return i == 0 || eligible[i] != eligible[i - 1]; };
    auto add = [&](std::size_t i) {
        const EventIndex event = eligible[i];
        if (hourCounts[static_cast<std::size_t>(utcHourOfDay(events.timestamp(event)))]++ == 0)
            ++distinctHours;
        distinctIds += isNewId(i);
        sent += events.bytesSent(event);
        received += events.bytesReceived(event);
    };
    auto remove = [&](std::size_t i) {
        const EventIndex event = eligible[i];
        if (--hourCounts[static_cast<std::size_t>(utcHourOfDay(events.timestamp(event)))] == 0)
            --distinctHours;
        // The copy leaving is the last of its id in the window only if the next entry is another event.
        distinctIds -= (i + 1 >= n || eligible[i + 1] != eligible[i]);
        sent -= events.bytesSent(event);
        received -= events.bytesReceived(event);
    };
    auto time = [&](std::size_t i) { return events.timestamp(eligible[i]); };

    WindowFold fold(m_settings);
    auto consider = [&](TimestampUs start) {
        fold.add(windowOutcome(start, distinctIds, distinctHours, saturate(sent), saturate(received)));
    };
    auto advanceTo = [&](TimestampUs start) {
        const TimestampUs end = start + m_window;
        while (high < n && time(high) < end)
            add(high++);
        while (low < high && time(low) < start)
            remove(low++);
    };

    if (m_settings.windows == WindowModel::Sliding) {
        for (std::size_t j = 0; j < n; ++j) {
            if (j > 0 && time(j) == time(j - 1))
                continue; // one window per distinct start time
            advanceTo(time(j));
            consider(time(j));
        }
    } else {
        // Hop windows [k*hop, k*hop + window): event i lies in k = floor((t - window)/hop) + 1 .. floor(t/hop).
        std::int64_t k = floorDiv(time(0) - m_window, m_hop) + 1;
        while (true) {
            const TimestampUs start = k * m_hop;
            advanceTo(start);
            if (low == high) {
                if (high >= n)
                    break;
                // Empty window: jump to the first window that holds the next event (progress is guaranteed
                // because that event starts at or after this window's end).
                k = floorDiv(time(high) - m_window, m_hop) + 1;
                continue;
            }
            consider(start);
            ++k;
        }
    }
    fold.finish(result);
    return result;
}

} // namespace cepheid
