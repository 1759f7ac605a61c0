#include "stixbundle.h"

#include "tuning/cidr.h"
#include "util/jsonwriter.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

namespace cepheid {

namespace {

// STIX timestamps are RFC 3339 in UTC with a Z; millisecond precision is what the specification's examples use.
std::string stixTime(TimestampUs time)
{
    const TimestampUs micros = ((time % kMicrosPerSecond) + kMicrosPerSecond) % kMicrosPerSecond;
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03lld", static_cast<long long>(micros / 1000));
    return formatRfc3339(time - micros).substr(0, 19) + fraction + "Z";
}

// The cyber-observable type of a destination: a name, or an address of either family.
std::string addressType(std::string_view value)
{
    const auto address = Cidr::parseAddress(value);
    return address ? (address->v6 ? "ipv6-addr" : "ipv4-addr") : "domain-name";
}

} // namespace

std::string stixId(std::string_view type)
{
    static thread_local std::mt19937_64 random(std::random_device {}());
    const std::uint64_t high = random(), low = random();
    char text[40];
    std::snprintf(text, sizeof text, "%08llx-%04llx-4%03llx-%04llx-%012llx",
        static_cast<unsigned long long>(high >> 32), static_cast<unsigned long long>((high >> 16) & 0xFFFF),
        static_cast<unsigned long long>(high & 0x0FFF),
        static_cast<unsigned long long>(0x8000 | ((low >> 48) & 0x3FFF)),
        static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
    return std::string(type) + "--" + text;
}

std::string stixPatternString(std::string_view value)
{
    std::string quoted = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\')
            quoted.push_back('\\');
        quoted.push_back(c);
    }
    quoted.push_back('\'');
    return quoted;
}

std::string writeStixBundle(const EventTable& events, const FlowIndex& flows, const Analysis& analysis,
    const ScoreReportOptions& options, const StixOptions& stix)
{
    const std::string now = stixTime(stix.now);
    std::string out;
    JsonWriter json(out, true);
    json.beginObject().field("type", "bundle").field("id", stixId("bundle"));
    json.key("objects").beginArray();
    const std::string producer = stixId("identity");
    json.beginObject()
        .field("type", "identity")
        .field("spec_version", "2.1")
        .field("id", producer)
        .field("created", now)
        .field("modified", now)
        .field("name", stix.producer)
        .field("identity_class", "system")
        .endObject();
    const auto common = [&](std::string_view type, const std::string& id) -> JsonWriter& {
        return json.beginObject()
            .field("type", type)
            .field("spec_version", "2.1")
            .field("id", id)
            .field("created", now)
            .field("modified", now)
            .field("created_by_ref", producer);
    };
    std::map<std::string, std::string> indicators; // destination -> indicator id
    std::map<std::string, std::string> observables; // value -> SCO id
    const auto observable = [&](std::string_view value) {
        const auto [it, added] = observables.emplace(std::string(value), std::string());
        if (added) {
            const std::string type = addressType(value);
            it->second = stixId(type);
            json.beginObject()
                .field("type", type)
                .field("spec_version", "2.1")
                .field("id", it->second)
                .field("value", value)
                .endObject();
        }
        return it->second;
    };
    for (const Finding& finding : analysis.findings) {
        const TriageState* triage = triageOf(finding, events, flows, options);
        if (!triage || triage->status != "malicious")
            continue;
        const FlowKey& key = flows.flow(finding.flowIndex).key;
        const std::string destination(events.text(key.destination));
        const std::string source(events.text(key.sourceIp));
        auto indicator = indicators.find(destination);
        if (indicator == indicators.end()) {
            indicator = indicators.emplace(destination, stixId("indicator")).first;
            common("indicator", indicator->second)
                .field("name", "C2 over serverless infrastructure: " + destination)
                .field("description",
                    "Destination of a flow an analyst triaged malicious in Cepheid (MITRE ATT&CK T1584.007).")
                .key("indicator_types")
                .beginArray()
                .value("malicious-activity")
                .endArray()
                .field("pattern",
                    std::string(1, '[')
                        .append(addressType(destination))
                        .append(":value = ")
                        .append(stixPatternString(destination))
                        .append(1, ']'))
                .field("pattern_type", "stix")
                .field("valid_from", stixTime(finding.firstSeen))
                .endObject();
        }
        const std::string sourceRef = observable(source);
        const std::string destinationRef = observable(destination);
        const std::string observed = stixId("observed-data");
        common("observed-data", observed)
            .field("first_observed", stixTime(finding.firstSeen))
            .field("last_observed", stixTime(finding.lastSeen))
            .field(
                "number_observed", static_cast<std::uint64_t>(std::clamp<std::uint32_t>(finding.events, 1, 999999999)))
            .key("object_refs")
            .beginArray()
            .value(sourceRef)
            .value(destinationRef)
            .endArray()
            .endObject();
        common("relationship", stixId("relationship"))
            .field("relationship_type", "based-on")
            .field("source_ref", indicator->second)
            .field("target_ref", observed)
            .endObject();
        common("sighting", stixId("sighting"))
            .field("sighting_of_ref", indicator->second)
            .key("observed_data_refs")
            .beginArray()
            .value(observed)
            .endArray()
            .field("first_seen", stixTime(finding.firstSeen))
            .field("last_seen", stixTime(finding.lastSeen))
            .field("count", static_cast<std::uint64_t>(std::min<std::uint32_t>(finding.events, 999999999)))
            .field("description",
                "Host " + source + " (" + std::string(events.text(key.processPath)) + "), triaged by " + triage->analyst
                    + ": " + triage->notes)
            .endObject();
    }
    json.endArray().endObject();
    out.push_back('\n');
    return out;
}

} // namespace cepheid
