#include "namejoin.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_map>
#include <vector>

namespace cepheid {

namespace {

struct Answer
{
    StringId ip;
    TimestampUs time;
    EventIndex event;
};

// Does answer `a` come from the asker of connection `c`?
bool sameAsker(const EventTable& events, EventIndex a, EventIndex c)
{
    const std::uint64_t answerKey = events.joinKey(a);
    if (answerKey != 0 && events.joinKey(c) != 0)
        return answerKey == events.joinKey(c);
    if (events.processPath(a) != kEmptyString)
        return events.processPath(a) == events.processPath(c)
            && events.principalHostname(a) == events.principalHostname(c);
    const auto askers = events.principalIps(a);
    const auto clients = events.principalIps(c);
    return std::any_of(askers.begin(), askers.end(),
        [&](StringId ip) { return std::find(clients.begin(), clients.end(), ip) != clients.end(); });
}

// The name of each session key: a TLS server name before an HTTP Host (HTTPS through a proxy has both, and the SNI
// is the name the client asked for); among equals, the first.
std::unordered_map<std::uint64_t, EventIndex> sessionNames(const EventTable& events, NameJoinCounts& counts)
{
    std::unordered_map<std::uint64_t, EventIndex> names;
    for (EventIndex i = 0; i < events.size(); ++i) {
        if (events.role(i) != EventRole::SessionName)
            continue;
        ++counts.evidence;
        if (events.joinKey(i) == 0 || events.recordHostname(i) == kEmptyString)
            continue;
        auto [it, inserted] = names.try_emplace(events.joinKey(i), i);
        if (!inserted && events.recordHostnameSource(it->second) != HostnameSource::TlsSni
            && events.recordHostnameSource(i) == HostnameSource::TlsSni)
            it->second = i;
    }
    return names;
}

std::vector<Answer> dnsAnswers(const EventTable& events, NameJoinCounts& counts)
{
    std::vector<Answer> answers;
    for (EventIndex i = 0; i < events.size(); ++i) {
        if (events.role(i) != EventRole::DnsAnswer)
            continue;
        ++counts.evidence;
        if (events.recordHostname(i) == kEmptyString)
            continue;
        for (StringId ip : events.targetIps(i))
            answers.push_back({ ip, events.timestamp(i), i });
    }
    std::sort(answers.begin(), answers.end(), [](const Answer& a, const Answer& b) {
        return a.ip != b.ip ? a.ip < b.ip : a.time != b.time ? a.time < b.time : a.event < b.event;
    });
    return answers;
}

// The newest answer for `ip` from the connection's asker in [time - lookback, time + lag], or none.
const Answer* newestAnswer(
    const EventTable& events, const std::vector<Answer>& answers, StringId ip, EventIndex connection)
{
    const TimestampUs time = events.timestamp(connection);
    const TimestampUs latest = time > kLastSecond * kMicrosPerSecond - kDnsAnswerLag ? time : time + kDnsAnswerLag;
    auto it = std::upper_bound(answers.begin(), answers.end(), std::pair { ip, latest },
        [](const std::pair<StringId, TimestampUs>& key, const Answer& answer) {
            return key.first != answer.ip ? key.first < answer.ip : key.second < answer.time;
        });
    while (it != answers.begin()) {
        --it;
        if (it->ip != ip || it->time < time - kDnsAnswerLookback)
            return nullptr;
        if (sameAsker(events, it->event, connection))
            return &*it;
    }
    return nullptr;
}

} // namespace

NameJoinCounts joinNames(EventTable& events)
{
    events.clearResolvedHostnames();
    NameJoinCounts counts;
    const auto sessions = sessionNames(events, counts);
    const std::vector<Answer> answers = dnsAnswers(events, counts);
    if (sessions.empty() && answers.empty())
        return counts;
    for (EventIndex i = 0; i < events.size(); ++i) {
        if (events.role(i) != EventRole::Connection || !isReplaceableHostname(events.recordHostnameSource(i)))
            continue;
        if (const std::uint64_t key = events.joinKey(i); key != 0) {
            if (const auto it = sessions.find(key); it != sessions.end()) {
                events.resolveHostname(i, events.recordHostname(it->second), events.recordHostnameSource(it->second));
                ++counts.bySession;
                continue;
            }
        }
        for (StringId ip : events.targetIps(i)) {
            if (const Answer* answer = newestAnswer(events, answers, ip, i)) {
                events.resolveHostname(i, events.recordHostname(answer->event), HostnameSource::DnsJoin);
                ++counts.byDnsAnswer;
                break;
            }
        }
    }
    return counts;
}

bool spellsAddress(std::string_view hostname, std::string_view ip)
{
    std::array<unsigned, 4> octets {};
    const char* at = ip.data();
    const char* end = ip.data() + ip.size();
    for (std::size_t i = 0; i < octets.size(); ++i) {
        const auto [next, error] = std::from_chars(at, end, octets[i]);
        if (error != std::errc {} || octets[i] > 255 || (i < 3 && (next == end || *next != '.')))
            return false;
        at = next + (i < 3 ? 1 : 0);
    }
    if (at != end)
        return false;
    std::vector<unsigned> numbers; // every run of digits in the name, in order
    for (std::size_t i = 0; i < hostname.size();) {
        if (hostname[i] < '0' || hostname[i] > '9') {
            ++i;
            continue;
        }
        unsigned value = 0;
        const std::size_t begin = i;
        while (i < hostname.size() && hostname[i] >= '0' && hostname[i] <= '9' && i - begin < 4)
            value = value * 10 + static_cast<unsigned>(hostname[i++] - '0');
        while (i < hostname.size() && hostname[i] >= '0' && hostname[i] <= '9')
            ++i, value = 1000; // too long to be an octet
        numbers.push_back(value);
    }
    const std::array<unsigned, 4> reversed { octets[3], octets[2], octets[1], octets[0] };
    for (std::size_t i = 0; i + 4 <= numbers.size(); ++i) {
        if (std::equal(octets.begin(), octets.end(), numbers.begin() + static_cast<std::ptrdiff_t>(i))
            || std::equal(reversed.begin(), reversed.end(), numbers.begin() + static_cast<std::ptrdiff_t>(i)))
            return true;
    }
    return false;
}

} // namespace cepheid
