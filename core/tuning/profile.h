#pragma once

#include "model/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cepheid {

// The seed rule's regex, verbatim from t1584_007_serverless_c2_beaconing (unanchored, as Chronicle runs it).
inline constexpr std::string_view kSeedDomainRegex
    = R"((?i)(.*\.workers\.dev|.*\.cloudflareworkers\.com|.*\.execute-api\.[a-z0-9-]+\.amazonaws\.com|.*\.lambda-url\.[a-z0-9-]+\.amazonaws\.com|script\.google\.com|.*\.cloudfunctions\.net|.*\.run\.app|.*\.azurewebsites\.net|.*\.pages\.dev|.*\.netlify\.app|.*\.vercel\.app|.*\.supabase\.co|.*\.deno\.dev))";

// How `over 24h` is cut into windows. Google does not publish the hop size; see docs and rule lint.
enum class WindowModel { Hop, Sliding };

struct RuleSettings
{
    double windowHours = 24;
    WindowModel windows = WindowModel::Hop;
    std::int64_t minEvents = 12; // $event_count >= min_events
    std::int64_t minHourBuckets = 3; // $hour_buckets >= min_hour_buckets
    std::int64_t maxAvgBytesSent = 4096; // $avg_bytes_sent < max_avg_bytes_sent
    std::int64_t maxAvgBytesReceived = 16384; // $avg_bytes_received < max_avg_bytes_received
    std::string domainRegex { kSeedDomainRegex }; // RE2, partial match on target.hostname

    friend bool operator==(const RuleSettings&, const RuleSettings&) = default;
};

enum class Verdict { None = 0, Possible = 1, Likely = 2, Beacon = 3 };

// Weights (points) of the beacon score's components; see docs/scoring.md. The positive components are
// normalised over those present (payload is absent when the source has no byte counts); fleet is a penalty.
struct ScoreWeights
{
    double regularity = 30; // low jitter of single-beat gaps
    double periodFloor = 15; // gaps never far below the period (bounded jitter, not memoryless traffic)
    double harmonics = 10; // gaps explained as 1..4 x the period (missed beats)
    double persistence = 15; // enough beats to be sure
    double payload = 15; // small, steady bytes per check-in
    double process = 15; // scripting host / LOLBin / user-writable binary vs browser / developer tool
    double fleet = 40; // subtracted in full when fleetHosts or more hosts run the same flow
    friend bool operator==(const ScoreWeights&, const ScoreWeights&) = default;
};

struct ScoreSettings
{
    ScoreWeights weights;
    double beaconAt = 75; // verdict thresholds on the 0..100 score
    double likelyAt = 55;
    double possibleAt = 35;
    Verdict alertVerdict = Verdict::Likely; // flows at or above it are listed like firing ones
    std::int64_t fleetHosts = 5; // hosts reaching one destination with one process that make it fleet software
    // IP destinations whose traffic never leaves the host or its link (loopback, link-local, multicast,
    // broadcast, unspecified): they cannot reach a C2 server, are shown as such and never alert. A hostname is
    // never judged by the address it resolves to: a sinkholed C2 domain answers 0.0.0.0 or 127.0.0.1, and the
    // host that keeps calling it is still infected.
    std::vector<std::string> localOnlyNetworks = defaultLocalOnlyNetworks();
    friend bool operator==(const ScoreSettings&, const ScoreSettings&) = default;

    static std::vector<std::string> defaultLocalOnlyNetworks();
};

std::string_view verdictName(Verdict verdict);

// A serverless platform of the domain catalog; pattern is RE2 matched against the whole hostname.
struct CatalogEntry
{
    std::string platform;
    std::string pattern;
    friend bool operator==(const CatalogEntry&, const CatalogEntry&) = default;
};

enum class MatchMode { Exact, Glob, Regex };

// Matches a flow when every matcher it sets matches. Matching ignores case (DNS names and Windows paths do).
struct AllowlistEntry
{
    std::string id;
    std::string domain; // target hostname (the flow's destination)
    std::string process; // process path
    std::string host; // principal IP or any principal hostname of the flow
    std::string cidr; // principal IP inside this network
    // A cloud principal (an ARN, an e-mail): the entry then applies to cloud changes (docs/cloud-audit.md), never to
    // flows; its cidr and host are matched against the calls' source IPs and its domain against the endpoints.
    std::string actor;
    MatchMode match = MatchMode::Exact;
    std::string reason; // required: an allowlist without reasons cannot be reviewed
    std::string author;
    std::string created;
    std::string expires; // RFC 3339, or YYYY-MM-DD meaning through the end of that UTC day
    std::optional<TimestampUs> expiresAt;

    bool isActive(TimestampUs now) const { return !expiresAt || now < *expiresAt; }
    friend bool operator==(const AllowlistEntry&, const AllowlistEntry&) = default;
};

// Cloud change findings (docs/cloud-audit.md): the points each severity signal adds, and where severities start.
struct CloudSignalWeights
{
    double publicExposure = 30; // the change lets anyone call the function
    double newActor = 20; // the caller's first call in the case
    double cliFromWorkstation = 25; // a CLI or SDK, from an address the case's network events show as a host
    double offHours = 10; // outside the caller's usual hours (or the working hours)
    double firstUseAfterChange = 15; // the function is first called after the change
    double failuresBeforeSuccess = 15; // refused calls by the same caller shortly before (enumeration)
    double linkedBeacon = 30; // a host beacons to the function's endpoint
    friend bool operator==(const CloudSignalWeights&, const CloudSignalWeights&) = default;
};

struct CloudSettings
{
    CloudSignalWeights weights;
    double highAt = 60; // severity thresholds on the summed points (0..100 after capping)
    double mediumAt = 30; // medium and high alert
    double clusterGapMinutes = 60; // calls by one caller on one function closer than this form one change
    std::int64_t workdayStartHour = 7; // UTC hours [start, end) on weekdays: the working hours for callers with
    std::int64_t workdayEndHour = 19; // too little history of their own
    friend bool operator==(const CloudSettings&, const CloudSettings&) = default;
};

struct Profile
{
    std::string description;
    RuleSettings rule;
    ScoreSettings score;
    std::vector<CatalogEntry> catalog = defaultCatalog();
    std::vector<AllowlistEntry> allowlist;
    CloudSettings cloud;

    static std::vector<CatalogEntry> defaultCatalog();
    friend bool operator==(const Profile&, const Profile&) = default;
};

std::string_view windowModelName(WindowModel model);
std::string_view matchModeName(MatchMode mode);

} // namespace cepheid
