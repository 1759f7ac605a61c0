#include "changefindings.h"

#include "endpointmatch.h"
#include "tuning/textmatcher.h"
#include "util/durationtext.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <unordered_set>

namespace cepheid {

namespace {

constexpr TimestampUs kMicrosPerMinute = 60'000'000;
constexpr TimestampUs kMicrosPerHour = 60 * kMicrosPerMinute;
// Refused calls this long before a change count as probing for it (the seed's test 3: ListFunctions, then Invoke).
constexpr TimestampUs kFailureLookback = kMicrosPerHour;
// A caller needs this many calls outside the change before its own hours say what is usual for it.
constexpr std::size_t kUsualHoursHistory = 5;

// A command-line tool or SDK rather than a console (docs/cloud-audit.md, "Severity hits"). Cloudflare's audit
// log has no user agent: its interface "API" is the equivalent (wrangler and scripts use the API).
bool isProgrammaticClient(CloudProvider provider, std::string_view agent)
{
    if (provider == CloudProvider::Cloudflare)
        return equalsIgnoringCase(agent, "API");
    static constexpr std::string_view kClients[]
        = { "aws-cli", "boto", "aws-sdk", "aws-internal/3 aws-sdk", "terraform", "pulumi", "google-cloud-sdk", "gcloud",
              "google-api-", "azure-cli", "azurecli", "azurepowershell", "azure-powershell", "python-requests", "curl/",
              "wget", "powershell", "go-http-client", "wrangler", "node-fetch", "axios" };
    const std::string lowered = asciiLower(agent);
    return std::any_of(std::begin(kClients), std::end(kClients),
        [&](std::string_view client) { return lowered.find(client) != std::string::npos; });
}

struct ResourceKey
{
    CloudProvider provider;
    StringId account, region, resource;
    friend auto operator<=>(const ResourceKey&, const ResourceKey&) = default;
};

ResourceKey resourceKeyOf(const CloudDetails& details)
{
    return { details.provider, details.account, details.region, details.resource };
}

// What the analysis knows of one function from every record of it.
struct ResourceFacts
{
    std::set<std::string> endpoints;
    std::optional<TimestampUs> firstInvoke;
};

struct Call
{
    TimestampUs time;
    EventIndex event;
    bool failed;
};

// One decimal, as every view shows a score (99.9 is not 100).
std::string scoreText(double score)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", score);
    return text;
}

std::string hourText(TimestampUs time)
{
    return formatRfc3339(time).substr(11, 5) + " UTC";
}

std::string_view weekdayName(TimestampUs time)
{
    static constexpr std::string_view kNames[]
        = { "Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday" }; // 1970-01-01 was a Thursday
    const std::int64_t day = floorDiv(time, kMicrosPerDay);
    return kNames[static_cast<std::size_t>(((day % 7) + 7) % 7)];
}

bool isWeekend(TimestampUs time)
{
    const std::string_view day = weekdayName(time);
    return day == "Saturday" || day == "Sunday";
}

class ChangeBuilder
{
public:
    ChangeBuilder(const EventTable& events, const FlowIndex& flows, const Analysis& analysis, const Profile& profile,
        const Allowlist& allowlist, TimestampUs now)
        : m_events(events)
        , m_flows(flows)
        , m_profile(profile)
        , m_allowlist(allowlist)
        , m_now(now)
    {
        for (const Finding& finding : analysis.findings)
            m_findingOfFlow.emplace(finding.flowIndex, &finding);
    }

    CloudAnalysis run()
    {
        CloudAnalysis result;
        const std::vector<EventIndex>& audit = m_events.cloudEvents();
        result.auditRecords = audit.size();
        if (audit.empty())
            return result;
        collectFacts(audit);
        indexDestinations();
        // Changes: one caller's change calls on one function, split where they are further apart than the gap.
        std::map<std::pair<ResourceKey, StringId>, std::vector<EventIndex>> groups;
        for (const EventIndex event : audit) {
            const CloudDetails& details = *m_events.cloud(event);
            if (isCloudChange(details.action))
                groups[{ resourceKeyOf(details), m_events.user(event) }].push_back(event);
        }
        for (auto& [key, members] : groups) {
            std::sort(members.begin(), members.end(), [&](EventIndex a, EventIndex b) {
                return std::pair(m_events.timestamp(a), a) < std::pair(m_events.timestamp(b), b);
            });
            std::size_t begin = 0;
            for (std::size_t i = 1; i <= members.size(); ++i)
                if (i == members.size()
                    || m_events.timestamp(members[i]) - m_events.timestamp(members[i - 1]) > gap()) {
                    result.changes.push_back(build(key.first,
                        { members.begin() + static_cast<std::ptrdiff_t>(begin),
                            members.begin() + static_cast<std::ptrdiff_t>(i) }));
                    begin = i;
                }
        }
        std::sort(result.changes.begin(), result.changes.end(), [](const ChangeFinding& a, const ChangeFinding& b) {
            return std::tie(a.first, a.events.front()) < std::tie(b.first, b.events.front());
        });
        for (std::uint32_t i = 0; i < result.changes.size(); ++i) {
            ChangeFinding& change = result.changes[i];
            change.id = i + 1;
            result.alerting += change.alerting;
            for (const ChangeLink& link : change.links) {
                auto& linked = result.changesByFlow[link.flowIndex];
                if (linked.empty() || linked.back() != i)
                    linked.push_back(i);
            }
        }
        return result;
    }

private:
    std::string_view text(StringId id) const { return m_events.text(id); }
    TimestampUs gap() const { return static_cast<TimestampUs>(m_profile.cloud.clusterGapMinutes * kMicrosPerMinute); }

    void collectFacts(const std::vector<EventIndex>& audit)
    {
        // Principal IPs of the case's connections: the hosts Cepheid has network telemetry for.
        for (EventIndex i = 0; i < m_events.size(); ++i)
            if (m_events.role(i) == EventRole::Connection)
                for (const StringId ip : m_events.principalIps(i))
                    m_caseHosts.insert(ip);
        std::map<StringId, std::set<std::string>> subdomains; // Cloudflare: per account
        for (const EventIndex event : audit) {
            const CloudDetails& details = *m_events.cloud(event);
            m_callsByActor[m_events.user(event)].push_back({ m_events.timestamp(event), event, details.failed });
            ResourceFacts& facts = m_resources[resourceKeyOf(details)];
            if (const StringId endpoint = m_events.recordHostname(event); endpoint != kEmptyString)
                facts.endpoints.insert(asciiLower(text(endpoint)));
            if (details.action == CloudAction::Invoke && !details.failed)
                facts.firstInvoke
                    = std::min(facts.firstInvoke.value_or(m_events.timestamp(event)), m_events.timestamp(event));
            if (details.provider == CloudProvider::Cloudflare) {
                // "x.SUB.workers.dev" and "*.SUB.workers.dev" both name the account's subdomain.
                const std::string endpoint = asciiLower(text(m_events.recordHostname(event)));
                if (endpoint.ends_with(".workers.dev")) {
                    const std::string_view labels = std::string_view(endpoint).substr(0, endpoint.size() - 12);
                    const std::string_view sub = lastPart(labels);
                    if (!sub.empty() && sub != "*" && sub != labels)
                        subdomains[details.account].insert(std::string(sub));
                }
            }
        }
        for (auto& [actor, calls] : m_callsByActor) {
            std::sort(calls.begin(), calls.end(),
                [](const Call& a, const Call& b) { return std::tie(a.time, a.event) < std::tie(b.time, b.event); });
            std::array<std::size_t, 24>& hours = m_hoursByActor[actor];
            hours.fill(0);
            for (const Call& call : calls)
                ++hours[static_cast<std::size_t>(utcHourOfDay(call.time))];
        }
        // A pattern that a full name of the same function matches says nothing more ("relay-*.a.run.app" beside
        // "relay-3kq7x2mpfa-uc.a.run.app"): only the name is kept.
        for (auto& resource : m_resources) { // not a structured binding: clang 14 cannot capture one
            const std::set<std::string>& names = resource.second.endpoints;
            std::erase_if(resource.second.endpoints, [&](const std::string& endpoint) {
                return isEndpointPattern(endpoint)
                    && std::any_of(names.begin(), names.end(), [&](const std::string& other) {
                           return !isEndpointPattern(other) && endpointMatches(endpoint, other);
                       });
            });
        }
        // A script's endpoint without its subdomain ("relay.*.workers.dev") gets the account's, when it has one.
        for (auto& [key, facts] : m_resources) {
            if (key.provider != CloudProvider::Cloudflare)
                continue;
            const auto found = subdomains.find(key.account);
            if (found == subdomains.end() || found->second.size() != 1)
                continue;
            std::set<std::string> resolved;
            for (const std::string& endpoint : facts.endpoints) {
                const std::string suffix = ".*.workers.dev";
                if (endpoint.ends_with(suffix) && endpoint.size() > suffix.size() && endpoint.front() != '*')
                    resolved.insert(endpoint.substr(0, endpoint.size() - suffix.size()) + "." + *found->second.begin()
                        + ".workers.dev");
                else
                    resolved.insert(endpoint);
            }
            facts.endpoints = std::move(resolved);
        }
    }

    static std::string_view lastPart(std::string_view labels)
    {
        const std::size_t dot = labels.rfind('.');
        return dot == std::string_view::npos ? labels : labels.substr(dot + 1);
    }

    void indexDestinations()
    {
        for (std::uint32_t f = 0; f < m_flows.size(); ++f)
            m_flowsByDestination[asciiLower(text(m_flows.flow(f).key.destination))].push_back(f);
    }

    ChangeFinding build(const ResourceKey& key, std::vector<EventIndex> members)
    {
        ChangeFinding change;
        const EventIndex head = members.front();
        const CloudDetails& headDetails = *m_events.cloud(head);
        change.provider = key.provider;
        change.actor = text(m_events.user(head));
        change.actorType = text(headDetails.actorType);
        change.service = text(headDetails.service);
        change.resource = text(key.resource);
        change.account = text(key.account);
        change.region = text(key.region);
        change.first = m_events.timestamp(head);
        change.last = m_events.timestamp(members.back());
        const ResourceFacts& facts = m_resources.at(key);
        change.endpoints.assign(facts.endpoints.begin(), facts.endpoints.end());
        std::optional<TimestampUs> firstSuccess;
        const CloudAuditRecordView* publicCall = nullptr;
        std::string cliEvidence;
        for (const EventIndex event : members) {
            const CloudDetails& details = *m_events.cloud(event);
            addOnce(change.actions, details.action);
            for (const StringId ip : m_events.principalIps(event)) {
                addOnce(change.sourceIps, std::string(text(ip)));
                if (m_caseHosts.count(ip))
                    addOnce(change.caseHostIps, std::string(text(ip)));
                if (cliEvidence.empty() && m_caseHosts.count(ip)
                    && isProgrammaticClient(details.provider, text(details.userAgent)))
                    cliEvidence = std::string(text(details.userAgent)) + " from " + std::string(text(ip))
                        + ", a host in the case's network events";
            }
            if (details.userAgent != kEmptyString)
                addOnce(change.userAgents, std::string(text(details.userAgent)));
            if (!details.failed && !firstSuccess)
                firstSuccess = m_events.timestamp(event);
            if (!details.failed && details.makesPublic && change.exposure.empty()) {
                change.exposure = text(details.exposure);
                m_publicCall = { std::string(text(m_events.eventType(event))), m_events.timestamp(event) };
                publicCall = &m_publicCall;
            }
        }
        change.events = std::move(members);
        link(change, firstSuccess.value_or(change.first));

        const CloudSignalWeights& w = m_profile.cloud.weights;
        auto raise = [&](ChangeSignal signal, double points, std::string explanation) {
            if (points > 0)
                change.hits.push_back({ signal, points, std::move(explanation) });
        };
        if (publicCall)
            raise(ChangeSignal::PublicExposure, w.publicExposure,
                change.exposure + " (" + publicCall->method + " at " + formatRfc3339(publicCall->time) + ")");
        const auto& calls = m_callsByActor[m_events.user(head)];
        // Calls in the run-up to the change (its own probing, a credential fetched) do not make the caller known.
        if (!change.actor.empty() && calls.front().time >= change.first - gap())
            raise(ChangeSignal::NewActor, w.newActor,
                "no call by " + change.actor + " in the case before " + formatRfc3339(calls.front().time));
        if (!cliEvidence.empty())
            raise(ChangeSignal::CliFromWorkstation, w.cliFromWorkstation, cliEvidence);
        if (std::string why = offHours(change, calls); !why.empty())
            raise(ChangeSignal::OffHours, w.offHours, why);
        if (std::string why = firstUse(change, facts); !why.empty())
            raise(ChangeSignal::FirstUseAfterChange, w.firstUseAfterChange, why);
        if (std::string why = failuresBefore(change, calls, firstSuccess); !why.empty())
            raise(ChangeSignal::FailuresBeforeSuccess, w.failuresBeforeSuccess, why);
        if (std::string why = linkedBeacon(change); !why.empty())
            raise(ChangeSignal::LinkedBeacon, w.linkedBeacon, why);

        for (const ChangeSignalHit& hit : change.hits)
            change.points += hit.points;
        change.points = std::min(change.points, 100.0);
        std::vector<std::string_view> ips(change.sourceIps.begin(), change.sourceIps.end());
        std::vector<std::string_view> endpoints(change.endpoints.begin(), change.endpoints.end());
        change.allowlistEntry = m_allowlist.matchChange({ change.actor, ips, endpoints }, m_now);
        const CloudSettings& cloud = m_profile.cloud;
        change.severity = change.allowlistEntry >= 0 ? ChangeSeverity::Low
            : change.points >= cloud.highAt          ? ChangeSeverity::High
            : change.points >= cloud.mediumAt        ? ChangeSeverity::Medium
                                                     : ChangeSeverity::Low;
        change.alerting = change.severity >= ChangeSeverity::Medium;
        return change;
    }

    template<class T> static void addOnce(std::vector<T>& values, T value)
    {
        if (std::find(values.begin(), values.end(), value) == values.end())
            values.push_back(std::move(value));
    }

    void link(ChangeFinding& change, TimestampUs changeTime)
    {
        for (const std::string& endpoint : change.endpoints) {
            auto add = [&](const std::vector<std::uint32_t>& flowIndexes, bool exact) {
                for (const std::uint32_t f : flowIndexes) {
                    const auto flowEvents = m_flows.events(m_flows.flow(f));
                    if (flowEvents.empty())
                        continue;
                    ChangeLink link;
                    link.flowIndex = f;
                    link.endpoint = endpoint;
                    link.exact = exact;
                    link.firstSeen = m_events.timestamp(flowEvents.front());
                    link.lastSeen = m_events.timestamp(flowEvents.back());
                    link.changeBeforeFirstEvent = changeTime <= link.firstSeen;
                    const auto finding = m_findingOfFlow.find(f);
                    link.alerting = finding != m_findingOfFlow.end() && isAlerting(*finding->second, m_profile.score);
                    if (std::none_of(change.links.begin(), change.links.end(),
                            [&](const ChangeLink& other) { return other.flowIndex == f; }))
                        change.links.push_back(std::move(link));
                }
            };
            if (!isEndpointPattern(endpoint)) {
                if (const auto found = m_flowsByDestination.find(endpoint); found != m_flowsByDestination.end())
                    add(found->second, true);
                continue;
            }
            for (const auto& [destination, flowIndexes] : m_flowsByDestination)
                if (endpointMatches(endpoint, destination))
                    add(flowIndexes, false);
        }
        std::sort(change.links.begin(), change.links.end(), [](const ChangeLink& a, const ChangeLink& b) {
            return std::tie(a.firstSeen, a.flowIndex) < std::tie(b.firstSeen, b.flowIndex);
        });
    }

    // The calls of `calls` (one actor's, in time order) from `from` to `to`, both included.
    static std::span<const Call> callsBetween(const std::vector<Call>& calls, TimestampUs from, TimestampUs to)
    {
        const auto begin = std::lower_bound(
            calls.begin(), calls.end(), from, [](const Call& call, TimestampUs time) { return call.time < time; });
        const auto end = std::upper_bound(
            begin, calls.end(), to, [](TimestampUs time, const Call& call) { return time < call.time; });
        return { begin, end };
    }

    std::string offHours(const ChangeFinding& change, const std::vector<Call>& calls) const
    {
        // The caller's own hours when it has enough calls outside this change: its hours over all its calls, less
        // those of the calls inside the change's span.
        std::array<std::size_t, 24> hours = m_hoursByActor.at(m_events.user(change.events.front()));
        const std::span<const Call> inside = callsBetween(calls, change.first, change.last);
        for (const Call& call : inside)
            --hours[static_cast<std::size_t>(utcHourOfDay(call.time))];
        const std::size_t history = calls.size() - inside.size();
        const int hour = utcHourOfDay(change.first);
        if (history >= kUsualHoursHistory) {
            for (int near : { hour - 1, hour, hour + 1 })
                if (hours[static_cast<std::size_t>((near + 24) % 24)] > 0)
                    return {};
            return "at " + hourText(change.first) + ", an hour " + change.actor + " has not called in before ("
                + std::to_string(history) + " other calls)";
        }
        const CloudSettings& cloud = m_profile.cloud;
        if (!isWeekend(change.first) && hour >= cloud.workdayStartHour && hour < cloud.workdayEndHour)
            return {};
        return "at " + hourText(change.first) + " on a " + std::string(weekdayName(change.first))
            + ", outside working hours (" + std::to_string(cloud.workdayStartHour) + ":00-"
            + std::to_string(cloud.workdayEndHour) + ":00 UTC on weekdays)";
    }

    std::string firstUse(const ChangeFinding& change, const ResourceFacts& facts) const
    {
        const bool readies = std::any_of(change.actions.begin(), change.actions.end(), [](CloudAction action) {
            return action == CloudAction::Create || action == CloudAction::UpdateCode || action == CloudAction::Expose
                || action == CloudAction::Route || action == CloudAction::Publish;
        });
        if (!readies)
            return {};
        std::optional<TimestampUs> use = facts.firstInvoke;
        std::string how = "an Invoke call";
        for (const ChangeLink& link : change.links)
            if (!use || link.firstSeen < *use) {
                use = link.firstSeen;
                how = "a connection to " + link.endpoint;
            }
        if (!use || *use < change.first)
            return {};
        return "the function is first used " + durationText(static_cast<double>(*use - change.first) / 1e6)
            + " after the change began (" + how + ")";
    }

    std::string failuresBefore(
        ChangeFinding& change, const std::vector<Call>& calls, const std::optional<TimestampUs>& firstSuccess) const
    {
        if (!firstSuccess)
            return {};
        std::uint32_t failed = 0;
        std::vector<std::string> methods;
        for (const Call& call : callsBetween(calls, change.first - kFailureLookback, *firstSuccess)) {
            if (!call.failed)
                continue;
            ++failed;
            const CloudDetails& details = *m_events.cloud(call.event);
            std::string what
                = std::string(text(m_events.eventType(call.event))) + " (" + std::string(text(details.errorCode)) + ")";
            if (methods.size() < 3 && std::find(methods.begin(), methods.end(), what) == methods.end())
                methods.push_back(std::move(what));
        }
        change.failedCalls = failed;
        if (failed == 0)
            return {};
        std::string list;
        for (const std::string& method : methods)
            list += (list.empty() ? "" : ", ") + method;
        return std::to_string(failed) + " refused call" + (failed == 1 ? "" : "s") + " by " + change.actor
            + " in the hour before the change succeeded: " + list;
    }

    std::string linkedBeacon(const ChangeFinding& change) const
    {
        for (const ChangeLink& link : change.links) {
            if (!link.alerting)
                continue;
            const Flow& flow = m_flows.flow(link.flowIndex);
            const Finding& finding = *m_findingOfFlow.at(link.flowIndex);
            std::string process(text(flow.key.processPath));
            std::string why = std::string(text(flow.key.sourceIp)) + " -> " + std::string(text(flow.key.destination))
                + (process.empty() ? "" : " (" + process + ")") + " alerts: score " + scoreText(finding.beacon.score)
                + ", " + std::string(verdictName(finding.beacon.verdict))
                + (finding.rule.fires ? ", the rule fires" : "")
                + (link.changeBeforeFirstEvent ? "; its first event came after the change" : "");
            return why;
        }
        return {};
    }

    struct CloudAuditRecordView
    {
        std::string method;
        TimestampUs time = 0;
    };

    const EventTable& m_events;
    const FlowIndex& m_flows;
    const Profile& m_profile;
    const Allowlist& m_allowlist;
    TimestampUs m_now;
    std::unordered_map<std::uint32_t, const Finding*> m_findingOfFlow;
    std::unordered_set<StringId> m_caseHosts;
    std::map<StringId, std::vector<Call>> m_callsByActor;
    std::map<StringId, std::array<std::size_t, 24>> m_hoursByActor; // calls per UTC hour of day
    std::map<ResourceKey, ResourceFacts> m_resources;
    std::map<std::string, std::vector<std::uint32_t>> m_flowsByDestination;
    CloudAuditRecordView m_publicCall;
};

} // namespace

std::string_view changeSeverityName(ChangeSeverity severity)
{
    switch (severity) {
    case ChangeSeverity::High:
        return "high";
    case ChangeSeverity::Medium:
        return "medium";
    case ChangeSeverity::Low:
        break;
    }
    return "low";
}

std::string_view changeSignalName(ChangeSignal signal)
{
    switch (signal) {
    case ChangeSignal::PublicExposure:
        return "public_exposure";
    case ChangeSignal::NewActor:
        return "new_actor";
    case ChangeSignal::CliFromWorkstation:
        return "cli_from_workstation";
    case ChangeSignal::OffHours:
        return "off_hours";
    case ChangeSignal::FirstUseAfterChange:
        return "first_use_after_change";
    case ChangeSignal::FailuresBeforeSuccess:
        return "failures_before_success";
    case ChangeSignal::LinkedBeacon:
        break;
    }
    return "linked_beacon";
}

TriageKey changeTriageKey(const ChangeFinding& change)
{
    return { change.actor,
        "cloud:" + std::string(cloudProviderName(change.provider)) + "/" + change.account + "/" + change.region + "/"
            + change.resource,
        "change@" + formatRfc3339(change.first) };
}

CloudAnalysis analyseCloudChanges(const EventTable& events, const FlowIndex& flows, const Analysis& analysis,
    const Profile& profile, const Allowlist& allowlist, TimestampUs now)
{
    return ChangeBuilder(events, flows, analysis, profile, allowlist, now).run();
}

} // namespace cepheid
