#include "profilejson.h"

#include "allowlist.h"
#include "localonlynetworks.h"
#include "profileranges.h"
#include "util/jsontypename.h"
#include "util/jsonwriter.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <re2/re2.h>
#include <set>
#include <simdjson.h>
#include <sstream>
#include <unordered_set>

namespace cepheid {

namespace dom = simdjson::dom;

namespace {

struct ProfileError
{
    std::string message;
};

[[noreturn]] void fail(std::string message)
{
    throw ProfileError { std::move(message) };
}

dom::object objectAt(dom::element value, const std::string& path)
{
    if (!value.is_object())
        fail(path + ": expected an object, got " + std::string(jsonTypeName(value.type())));
    return dom::object(value);
}

std::string stringAt(dom::element value, const std::string& path)
{
    if (!value.is_string())
        fail(path + ": expected a string, got " + std::string(jsonTypeName(value.type())));
    return std::string(std::string_view(value));
}

template<typename Number> std::string boundText(Number bound)
{
    return std::to_string(static_cast<long long>(bound));
}

// "score.thresholds.beacon: 120 is outside 0..100": the reader and validation say it the same way.
template<typename Number>
std::string outsideRange(const std::string& path, const std::string& value, ProfileRange<Number> range)
{
    return path + ": " + value + " is outside " + boundText(range.minimum) + ".." + boundText(range.maximum);
}

std::int64_t integerAt(dom::element value, const std::string& path, ProfileRange<std::int64_t> range)
{
    std::int64_t number = 0;
    if (value.is_int64()) {
        number = std::int64_t(value);
    } else if (value.is_double() && std::floor(double(value)) == double(value) && std::abs(double(value)) < 9e15) {
        number = static_cast<std::int64_t>(double(value));
    } else {
        fail(path + ": expected an integer, got "
            + (value.is_number() ? simdjson::minify(value) : std::string(jsonTypeName(value.type()))));
    }
    if (!range.contains(number))
        fail(outsideRange(path, std::to_string(number), range));
    return number;
}

void readRule(dom::element value, RuleSettings& rule)
{
    for (auto [key, member] : objectAt(value, "rule")) {
        const std::string path = "rule." + std::string(key);
        if (key == "window_hours") {
            if (!member.is_number())
                fail(path + ": expected a number of hours, got " + std::string(jsonTypeName(member.type())));
            const double hours = double(member);
            // YARA-L accepts `over` windows from 1 minute to 48 hours.
            if (!profileranges::kWindowHours.contains(hours))
                fail(path + ": " + simdjson::minify(member) + " is outside 1 minute..48 hours (YARA-L's limits)");
            rule.windowHours = hours;
        } else if (key == "windows") {
            const std::string model = stringAt(member, path);
            if (model == "hop")
                rule.windows = WindowModel::Hop;
            else if (model == "sliding")
                rule.windows = WindowModel::Sliding;
            else
                fail(path + ": \"" + model + "\" is not \"hop\" or \"sliding\"");
        } else if (key == "min_events") {
            rule.minEvents = integerAt(member, path, profileranges::kMinEvents);
        } else if (key == "min_hour_buckets") {
            rule.minHourBuckets = integerAt(member, path, profileranges::kMinHourBuckets);
        } else if (key == "max_avg_bytes_sent") {
            rule.maxAvgBytesSent = integerAt(member, path, profileranges::kAverageBytes);
        } else if (key == "max_avg_bytes_received") {
            rule.maxAvgBytesReceived = integerAt(member, path, profileranges::kAverageBytes);
        } else if (key == "domain_regex") {
            rule.domainRegex = stringAt(member, path);
        } else {
            fail(path
                + ": unknown key (known: window_hours, windows, min_events, min_hour_buckets, "
                  "max_avg_bytes_sent, max_avg_bytes_received, domain_regex)");
        }
    }
}

double numberAt(dom::element value, const std::string& path, ProfileRange<double> range)
{
    if (!value.is_number())
        fail(path + ": expected a number, got " + std::string(jsonTypeName(value.type())));
    const double number = double(value);
    if (!range.contains(number))
        fail(outsideRange(path, simdjson::minify(value), range));
    return number;
}

void readScore(dom::element value, ScoreSettings& score)
{
    for (auto [key, member] : objectAt(value, "score")) {
        const std::string path = "score." + std::string(key);
        if (key == "weights") {
            ScoreWeights& w = score.weights;
            const std::pair<const char*, double*> weights[] = { { "regularity", &w.regularity },
                { "period_floor", &w.periodFloor }, { "harmonics", &w.harmonics }, { "persistence", &w.persistence },
                { "payload", &w.payload }, { "process", &w.process }, { "fleet", &w.fleet } };
            for (auto [weightKey, weightValue] : objectAt(member, path)) {
                const auto* found = std::find_if(std::begin(weights), std::end(weights),
                    [name = weightKey](const auto& entry) { return name == entry.first; });
                if (found == std::end(weights))
                    fail(path + "." + std::string(weightKey)
                        + ": unknown key (known: regularity, period_floor, harmonics, persistence, payload, process, "
                          "fleet)");
                *found->second = numberAt(weightValue, path + "." + std::string(weightKey), profileranges::kWeight);
            }
        } else if (key == "thresholds") {
            for (auto [level, threshold] : objectAt(member, path)) {
                const std::string levelPath = path + "." + std::string(level);
                if (level == "beacon")
                    score.beaconAt = numberAt(threshold, levelPath, profileranges::kVerdictThreshold);
                else if (level == "likely")
                    score.likelyAt = numberAt(threshold, levelPath, profileranges::kVerdictThreshold);
                else if (level == "possible")
                    score.possibleAt = numberAt(threshold, levelPath, profileranges::kVerdictThreshold);
                else
                    fail(levelPath + ": unknown key (known: beacon, likely, possible)");
            }
        } else if (key == "alert_verdict") {
            const std::string verdict = stringAt(member, path);
            if (verdict == "beacon")
                score.alertVerdict = Verdict::Beacon;
            else if (verdict == "likely")
                score.alertVerdict = Verdict::Likely;
            else if (verdict == "possible")
                score.alertVerdict = Verdict::Possible;
            else
                fail(path + ": \"" + verdict + "\" is not \"beacon\", \"likely\" or \"possible\"");
        } else if (key == "fleet_hosts") {
            score.fleetHosts = integerAt(member, path, profileranges::kFleetHosts);
        } else if (key == "local_only_networks") {
            if (!member.is_array())
                fail(path + ": expected an array, got " + std::string(jsonTypeName(member.type())));
            score.localOnlyNetworks.clear();
            for (dom::element network : dom::array(member))
                score.localOnlyNetworks.push_back(
                    stringAt(network, path + "[" + std::to_string(score.localOnlyNetworks.size()) + "]"));
        } else {
            fail(path + ": unknown key (known: weights, thresholds, alert_verdict, fleet_hosts, local_only_networks)");
        }
    }
}

void readCloud(dom::element value, CloudSettings& cloud)
{
    for (auto [key, member] : objectAt(value, "cloud")) {
        const std::string path = "cloud." + std::string(key);
        if (key == "weights") {
            CloudSignalWeights& w = cloud.weights;
            const std::pair<const char*, double*> weights[] = { { "public_exposure", &w.publicExposure },
                { "new_actor", &w.newActor }, { "cli_from_workstation", &w.cliFromWorkstation },
                { "off_hours", &w.offHours }, { "first_use_after_change", &w.firstUseAfterChange },
                { "failures_before_success", &w.failuresBeforeSuccess }, { "linked_beacon", &w.linkedBeacon } };
            for (auto [weightKey, weightValue] : objectAt(member, path)) {
                const auto* found = std::find_if(std::begin(weights), std::end(weights),
                    [name = weightKey](const auto& entry) { return name == entry.first; });
                if (found == std::end(weights))
                    fail(path + "." + std::string(weightKey)
                        + ": unknown key (known: public_exposure, new_actor, cli_from_workstation, off_hours, "
                          "first_use_after_change, failures_before_success, linked_beacon)");
                *found->second = numberAt(weightValue, path + "." + std::string(weightKey), profileranges::kWeight);
            }
        } else if (key == "thresholds") {
            for (auto [level, threshold] : objectAt(member, path)) {
                const std::string levelPath = path + "." + std::string(level);
                if (level == "high")
                    cloud.highAt = numberAt(threshold, levelPath, profileranges::kSeverityThreshold);
                else if (level == "medium")
                    cloud.mediumAt = numberAt(threshold, levelPath, profileranges::kSeverityThreshold);
                else
                    fail(levelPath + ": unknown key (known: high, medium)");
            }
        } else if (key == "cluster_gap_minutes") {
            cloud.clusterGapMinutes = numberAt(member, path, profileranges::kClusterGapMinutes);
        } else if (key == "work_hours") {
            for (auto [bound, hour] : objectAt(member, path)) {
                const std::string boundPath = path + "." + std::string(bound);
                if (bound == "start")
                    cloud.workdayStartHour = integerAt(hour, boundPath, profileranges::kHourOfDay);
                else if (bound == "end")
                    cloud.workdayEndHour = integerAt(hour, boundPath, profileranges::kHourOfDay);
                else
                    fail(boundPath + ": unknown key (known: start, end)");
            }
        } else {
            fail(path + ": unknown key (known: weights, thresholds, cluster_gap_minutes, work_hours)");
        }
    }
}

std::vector<CatalogEntry> readCatalog(dom::element value)
{
    if (!value.is_array())
        fail("catalog: expected an array, got " + std::string(jsonTypeName(value.type())));
    std::vector<CatalogEntry> catalog;
    for (dom::element item : dom::array(value)) {
        const std::string path = "catalog[" + std::to_string(catalog.size()) + "]";
        CatalogEntry entry;
        for (auto [key, member] : objectAt(item, path)) {
            if (key == "platform")
                entry.platform = stringAt(member, path + ".platform");
            else if (key == "pattern")
                entry.pattern = stringAt(member, path + ".pattern");
            else
                fail(path + "." + std::string(key) + ": unknown key (known: platform, pattern)");
        }
        if (entry.platform.empty() || entry.pattern.empty())
            fail(path + ": needs both \"platform\" and \"pattern\"");
        catalog.push_back(std::move(entry));
    }
    return catalog;
}

std::vector<AllowlistEntry> readAllowlist(dom::element value)
{
    if (!value.is_array())
        fail("allowlist: expected an array, got " + std::string(jsonTypeName(value.type())));
    std::vector<AllowlistEntry> allowlist;
    allowlist.reserve(dom::array(value).size());
    std::string matchName;
    for (dom::element item : dom::array(value)) {
        AllowlistEntry& entry = allowlist.emplace_back();
        const std::size_t index = allowlist.size() - 1;
        // Paths are spelled only for an error: spelling eight per entry was most of reading a 100,000-entry list.
        if (!item.is_object())
            objectAt(item, "allowlist[" + std::to_string(index) + "]");
        const dom::object object(item);
        // Read the id first so that every later error can name the entry.
        if (dom::element id; object["id"].get(id) == simdjson::SUCCESS) {
            if (!id.is_string())
                stringAt(id, "allowlist[" + std::to_string(index) + "].id");
            entry.id = std::string_view(id);
        }
        for (auto [key, member] : object) {
            if (key == "id")
                continue;
            // The key is captured as a copy: clang 14 cannot capture a structured binding by reference.
            const auto path
                = [&, name = key] { return describeAllowlistEntry(index, entry) + "." + std::string(name); };
            std::string* const field = key == "domain" ? &entry.domain
                : key == "process"                     ? &entry.process
                : key == "host"                        ? &entry.host
                : key == "cidr"                        ? &entry.cidr
                : key == "actor"                       ? &entry.actor
                : key == "reason"                      ? &entry.reason
                : key == "author"                      ? &entry.author
                : key == "created"                     ? &entry.created
                : key == "expires"                     ? &entry.expires
                : key == "match"                       ? &matchName
                                                       : nullptr;
            if (!field)
                fail(path()
                    + ": unknown key (known: id, domain, process, host, cidr, actor, match, reason, author, "
                      "created, expires)");
            if (key == "expires" && member.is_null()) {
                field->clear();
                continue;
            }
            if (!member.is_string())
                stringAt(member, path());
            *field = std::string_view(member);
            if (field == &matchName) {
                if (matchName == "exact")
                    entry.match = MatchMode::Exact;
                else if (matchName == "glob")
                    entry.match = MatchMode::Glob;
                else if (matchName == "regex")
                    entry.match = MatchMode::Regex;
                else
                    fail(path() + ": \"" + matchName + "\" is not \"exact\", \"glob\" or \"regex\"");
            }
        }
    }
    return allowlist;
}

} // namespace

std::optional<TimestampUs> parseDateOrTimestamp(std::string_view text, bool endOfDay)
{
    if (text.size() == 10) {
        // YYYY-MM-DD: an expiry date means "valid through that day", so it ends at the next midnight UTC.
        const auto midnight = parseRfc3339(std::string(text) + "T00:00:00Z");
        if (!midnight)
            return std::nullopt;
        return endOfDay ? *midnight + kMicrosPerDay : *midnight;
    }
    return parseRfc3339(text);
}

namespace {

template<class Check> bool cloudRangesHold(const CloudSettings& cloud, const Check& check)
{
    using namespace profileranges;
    const CloudSignalWeights& w = cloud.weights;
    return check("cloud.weights.public_exposure", w.publicExposure, kWeight)
        && check("cloud.weights.new_actor", w.newActor, kWeight)
        && check("cloud.weights.cli_from_workstation", w.cliFromWorkstation, kWeight)
        && check("cloud.weights.off_hours", w.offHours, kWeight)
        && check("cloud.weights.first_use_after_change", w.firstUseAfterChange, kWeight)
        && check("cloud.weights.failures_before_success", w.failuresBeforeSuccess, kWeight)
        && check("cloud.weights.linked_beacon", w.linkedBeacon, kWeight)
        && check("cloud.thresholds.high", cloud.highAt, kSeverityThreshold)
        && check("cloud.thresholds.medium", cloud.mediumAt, kSeverityThreshold)
        && check("cloud.cluster_gap_minutes", cloud.clusterGapMinutes, kClusterGapMinutes)
        && check("cloud.work_hours.start", cloud.workdayStartHour, kHourOfDay)
        && check("cloud.work_hours.end", cloud.workdayEndHour, kHourOfDay);
}

// Every number against its range, as the JSON reader checks them: a profile built in code is held to the same.
bool rangesHold(const Profile& profile, std::string& error)
{
    const auto check = [&error](const std::string& path, auto value, auto range) {
        if (range.contains(value))
            return true;
        std::ostringstream text;
        text << value;
        error = outsideRange(path, text.str(), range);
        return false;
    };
    const RuleSettings& rule = profile.rule;
    const ScoreSettings& score = profile.score;
    const ScoreWeights& w = score.weights;
    using namespace profileranges;
    return check("rule.window_hours", rule.windowHours, kWindowHours)
        && check("rule.min_events", rule.minEvents, kMinEvents)
        && check("rule.min_hour_buckets", rule.minHourBuckets, kMinHourBuckets)
        && check("rule.max_avg_bytes_sent", rule.maxAvgBytesSent, kAverageBytes)
        && check("rule.max_avg_bytes_received", rule.maxAvgBytesReceived, kAverageBytes)
        && check("score.thresholds.beacon", score.beaconAt, kVerdictThreshold)
        && check("score.thresholds.likely", score.likelyAt, kVerdictThreshold)
        && check("score.thresholds.possible", score.possibleAt, kVerdictThreshold)
        && check("score.fleet_hosts", score.fleetHosts, kFleetHosts)
        && check("score.weights.regularity", w.regularity, kWeight)
        && check("score.weights.period_floor", w.periodFloor, kWeight)
        && check("score.weights.harmonics", w.harmonics, kWeight)
        && check("score.weights.persistence", w.persistence, kWeight)
        && check("score.weights.payload", w.payload, kWeight) && check("score.weights.process", w.process, kWeight)
        && check("score.weights.fleet", w.fleet, kWeight) && cloudRangesHold(profile.cloud, check);
}

} // namespace

Expected<void> validateProfile(const Profile& profile)
{
    RE2::Options options;
    options.set_log_errors(false);
    const RE2 domainRegex(profile.rule.domainRegex, options);
    if (!domainRegex.ok())
        return failure("rule.domain_regex: invalid RE2 regex: " + domainRegex.error());
    if (const auto catalog = Catalog::compile(profile.catalog); !catalog)
        return failure(catalog.error());
    if (std::string error; !rangesHold(profile, error))
        return failure(error);
    if (profile.cloud.mediumAt > profile.cloud.highAt)
        return failure("cloud.thresholds: medium (" + std::to_string(profile.cloud.mediumAt)
            + ") must not be above high (" + std::to_string(profile.cloud.highAt) + ")");
    const ScoreSettings& score = profile.score;
    if (!(score.beaconAt > score.likelyAt && score.likelyAt > score.possibleAt))
        return failure("score.thresholds: beacon > likely > possible is required");
    if (const auto localOnly = LocalOnlyNetworks::compile(score.localOnlyNetworks); !localOnly)
        return failure(localOnly.error());
    const ScoreWeights& w = score.weights;
    if (w.regularity + w.periodFloor + w.harmonics + w.persistence + w.process <= 0)
        return failure(
            "score.weights: at least one of regularity, period_floor, harmonics, persistence, process must be > 0");
    std::unordered_set<std::string_view> ids;
    ids.reserve(profile.allowlist.size());
    for (std::size_t i = 0; i < profile.allowlist.size(); ++i) {
        const AllowlistEntry& entry = profile.allowlist[i];
        // Spelled only when it is needed, for an error: lists run to 100,000 entries.
        const auto name = [&] { return describeAllowlistEntry(i, entry); };
        if (entry.id.empty())
            return failure(name() + ": \"id\" is required");
        if (!ids.insert(entry.id).second)
            return failure(name() + ": id is used by an earlier entry");
        if (entry.reason.empty())
            return failure(name() + ": \"reason\" is required (say why this traffic is benign)");
        if (entry.domain.empty() && entry.process.empty() && entry.host.empty() && entry.cidr.empty()
            && entry.actor.empty())
            return failure(name() + ": needs at least one of \"domain\", \"process\", \"host\", \"cidr\", \"actor\"");
        if (!entry.actor.empty() && !entry.process.empty())
            return failure(name() + ": an entry with \"actor\" applies to cloud changes, which have no \"process\"");
        if (!entry.created.empty() && !parseDateOrTimestamp(entry.created, false))
            return failure(
                name() + ".created: \"" + entry.created + "\" is not an RFC 3339 timestamp or YYYY-MM-DD date");
        if (!entry.expires.empty() && !parseDateOrTimestamp(entry.expires, true))
            return failure(
                name() + ".expires: \"" + entry.expires + "\" is not an RFC 3339 timestamp or YYYY-MM-DD date");
    }
    return Allowlist::validate(profile.allowlist);
}

static Expected<Profile> parsePaddedProfile(const simdjson::padded_string& padded)
{
    Profile profile;
    try {
        dom::parser parser;
        dom::element root;
        if (const auto code = parser.parse(padded).get(root); code != simdjson::SUCCESS)
            fail(std::string("not valid JSON: ") + simdjson::error_message(code));
        for (auto [key, member] : objectAt(root, "profile")) {
            if (key == "rule")
                readRule(member, profile.rule);
            else if (key == "score")
                readScore(member, profile.score);
            else if (key == "catalog")
                profile.catalog = readCatalog(member);
            else if (key == "allowlist")
                profile.allowlist = readAllowlist(member);
            else if (key == "cloud")
                readCloud(member, profile.cloud);
            else if (key == "description")
                profile.description = stringAt(member, "description");
            else
                fail(std::string(key) + ": unknown key (known: description, rule, score, catalog, allowlist, cloud)");
        }
    } catch (const ProfileError& problem) {
        return failure(problem.message);
    }
    for (AllowlistEntry& entry : profile.allowlist)
        if (!entry.expires.empty())
            entry.expiresAt = parseDateOrTimestamp(entry.expires, true);
    if (const auto valid = validateProfile(profile); !valid)
        return failure(valid.error());
    return profile;
}

Expected<Profile> parseProfile(std::string_view json)
{
    return parsePaddedProfile(simdjson::padded_string(json));
}

Expected<Profile> loadProfile(const std::string& path)
{
    // Read straight into simdjson's padded buffer: a stream and two copies were a tenth of reading a large profile.
    simdjson::padded_string content;
    if (const auto code = simdjson::padded_string::load(path).get(content); code != simdjson::SUCCESS)
        return failure(path + ": cannot open profile (" + simdjson::error_message(code) + ")");
    auto profile = parsePaddedProfile(content);
    if (!profile)
        return failure(path + ": " + profile.error());
    return profile;
}

std::string profileToJson(const Profile& profile)
{
    std::string out;
    JsonWriter json(out);
    json.beginObject();
    if (!profile.description.empty())
        json.field("description", profile.description);
    json.key("rule").beginObject();
    json.field("window_hours", profile.rule.windowHours);
    json.field("windows", windowModelName(profile.rule.windows));
    json.field("min_events", profile.rule.minEvents);
    json.field("min_hour_buckets", profile.rule.minHourBuckets);
    json.field("max_avg_bytes_sent", profile.rule.maxAvgBytesSent);
    json.field("max_avg_bytes_received", profile.rule.maxAvgBytesReceived);
    json.field("domain_regex", profile.rule.domainRegex);
    json.endObject();
    const ScoreSettings& score = profile.score;
    json.key("score").beginObject();
    json.key("weights").beginObject();
    json.field("regularity", score.weights.regularity);
    json.field("period_floor", score.weights.periodFloor);
    json.field("harmonics", score.weights.harmonics);
    json.field("persistence", score.weights.persistence);
    json.field("payload", score.weights.payload);
    json.field("process", score.weights.process);
    json.field("fleet", score.weights.fleet);
    json.endObject();
    json.key("thresholds").beginObject();
    json.field("beacon", score.beaconAt).field("likely", score.likelyAt).field("possible", score.possibleAt);
    json.endObject();
    json.field("alert_verdict", verdictName(score.alertVerdict));
    json.field("fleet_hosts", score.fleetHosts);
    json.key("local_only_networks").beginArray();
    for (const std::string& network : score.localOnlyNetworks)
        json.value(network);
    json.endArray();
    json.endObject();
    const CloudSettings& cloud = profile.cloud;
    json.key("cloud").beginObject();
    json.key("weights").beginObject();
    json.field("public_exposure", cloud.weights.publicExposure);
    json.field("new_actor", cloud.weights.newActor);
    json.field("cli_from_workstation", cloud.weights.cliFromWorkstation);
    json.field("off_hours", cloud.weights.offHours);
    json.field("first_use_after_change", cloud.weights.firstUseAfterChange);
    json.field("failures_before_success", cloud.weights.failuresBeforeSuccess);
    json.field("linked_beacon", cloud.weights.linkedBeacon);
    json.endObject();
    json.key("thresholds").beginObject().field("high", cloud.highAt).field("medium", cloud.mediumAt).endObject();
    json.field("cluster_gap_minutes", cloud.clusterGapMinutes);
    json.key("work_hours").beginObject();
    json.field("start", cloud.workdayStartHour).field("end", cloud.workdayEndHour).endObject();
    json.endObject();
    json.key("catalog").beginArray();
    for (const CatalogEntry& entry : profile.catalog)
        json.beginObject().field("platform", entry.platform).field("pattern", entry.pattern).endObject();
    json.endArray();
    json.key("allowlist").beginArray();
    for (const AllowlistEntry& entry : profile.allowlist) {
        json.beginObject().field("id", entry.id);
        for (const auto& [key, text] : { std::pair { "domain", &entry.domain }, std::pair { "process", &entry.process },
                 std::pair { "host", &entry.host }, std::pair { "cidr", &entry.cidr },
                 std::pair { "actor", &entry.actor } })
            if (!text->empty())
                json.field(key, *text);
        json.field("match", matchModeName(entry.match));
        json.field("reason", entry.reason);
        if (!entry.author.empty())
            json.field("author", entry.author);
        if (!entry.created.empty())
            json.field("created", entry.created);
        if (!entry.expires.empty())
            json.field("expires", entry.expires);
        json.endObject();
    }
    json.endArray();
    json.endObject();
    out.push_back('\n');
    return out;
}

} // namespace cepheid
