#pragma once

// Cloud change findings (docs/cloud-audit.md): the audit records of one caller on one function, close in time,
// with who, from where, what and when, a severity from named signals, and the flows that reach the function.

#include "cases/casefile.h"
#include "findings/analysis.h"
#include "model/cloudaudit.h"
#include "model/eventtable.h"
#include "model/flowindex.h"
#include "tuning/allowlist.h"
#include "tuning/profile.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace cepheid {

enum class ChangeSeverity { Low = 0, Medium = 1, High = 2 };
std::string_view changeSeverityName(ChangeSeverity severity); // "low", "medium", "high"

enum class ChangeSignal {
    PublicExposure,
    NewActor,
    CliFromWorkstation,
    OffHours,
    FirstUseAfterChange,
    FailuresBeforeSuccess,
    LinkedBeacon,
};
inline constexpr int kChangeSignalCount = 7;
// "public_exposure", "new_actor", "cli_from_workstation", "off_hours", "first_use_after_change",
// "failures_before_success", "linked_beacon": the profile's weight keys.
std::string_view changeSignalName(ChangeSignal signal);

struct ChangeSignalHit
{
    ChangeSignal signal;
    double points = 0; // the profile's weight
    std::string explanation; // what in the records raised it, in the analyst's words
};

// A flow whose destination is one of the function's endpoints.
struct ChangeLink
{
    std::uint32_t flowIndex = 0;
    std::string endpoint; // the endpoint it matched (a pattern when the record gave no full name)
    bool exact = true; // false: matched a pattern
    TimestampUs firstSeen = 0; // the flow's first event
    TimestampUs lastSeen = 0;
    bool changeBeforeFirstEvent = false; // the change came before the flow's first event
    bool alerting = false; // the flow's finding alerts (isAlerting)
};

struct ChangeFinding
{
    std::uint32_t id = 0; // 1-based, in time order: stable for one case and profile
    CloudProvider provider = CloudProvider::Unknown;
    std::string actor, actorType, service, resource, account, region;
    std::vector<std::string> sourceIps; // of the calls, in first-seen order
    std::vector<std::string> caseHostIps; // those that are also principal IPs of the case's network events
    std::vector<std::string> userAgents;
    std::vector<CloudAction> actions; // distinct, in first-seen order
    std::vector<EventIndex> events; // the change's audit records in time order, failed ones included
    TimestampUs first = 0, last = 0;
    std::vector<std::string> endpoints; // of the function, from every record of it in the case
    std::string exposure; // why it is public, when a call made it so
    std::uint32_t failedCalls = 0; // refused calls by this caller shortly before or within the change
    std::vector<ChangeSignalHit> hits; // the signals raised, in ChangeSignal order
    double points = 0; // the signals' points summed, capped at 100
    ChangeSeverity severity = ChangeSeverity::Low;
    std::int32_t allowlistEntry = -1; // the profile's entry that clears it, -1 if none
    bool alerting = false; // medium or high, and not allowlisted
    std::vector<ChangeLink> links;
};

struct CloudAnalysis
{
    std::vector<ChangeFinding> changes; // in time order
    // Per flow index, the changes linked to it (indexes into `changes`).
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> changesByFlow;
    std::uint64_t auditRecords = 0;
    std::uint64_t alerting = 0;

    const std::vector<std::uint32_t>* changesOf(std::uint32_t flowIndex) const
    {
        const auto found = changesByFlow.find(flowIndex);
        return found == changesByFlow.end() ? nullptr : &found->second;
    }
};

// The key a change's triage state is kept under, in the case's triage table beside the flows': (the actor,
// "cloud:<provider>/<account>/<region>/<resource>", "change@<first call, RFC 3339>"). A flow's source IP never
// starts with "cloud:" in its destination, so the two kinds of key cannot meet.
TriageKey changeTriageKey(const ChangeFinding& change);

// Groups the table's audit records into change findings, derives the functions' endpoints, links them to `flows`
// (whose findings, in `analysis`, say which alert) and computes each change's severity under `profile`.
// `allowlist` is the profile's, compiled; `now` decides which of its entries have expired.
CloudAnalysis analyseCloudChanges(const EventTable& events, const FlowIndex& flows, const Analysis& analysis,
    const Profile& profile, const Allowlist& allowlist, TimestampUs now);

} // namespace cepheid
