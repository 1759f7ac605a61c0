// libFuzzer target: the profile loader (core/tuning/profilejson), which must refuse bad input with a reason and
// never crash. A profile it accepts then goes where an accepted profile goes: validateProfile, profileToJson (what
// `profile show` and Export Profile write) read back again, diffProfiles against the defaults (`profile diff`), and
// Analyzer::create and run over a few fixed events, so its regexes, globs, CIDRs and expiry dates are compiled and
// matched. It checks nothing but that this ends without a crash, a sanitizer report or a hang.

#include "findings/analysis.h"
#include "model/eventtable.h"
#include "model/flowindex.h"
#include "model/timestamp.h"
#include "tuning/profilediff.h"
#include "tuning/profilejson.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace cepheid;

namespace {

// A handful of flows for the allowlist, catalog and rule to look at: a beacon to a Worker, an IP destination, a
// loopback one, a flow without a process.
const EventTable& fixedEvents()
{
    static const EventTable table = [] {
        EventTable events;
        const struct
        {
            const char *host, *hostIp, *process, *destination, *destinationIp;
        } flows[] = {
            { "wks-0001.corp.example", "10.20.0.3", "C:\\Users\\jdoe\\AppData\\Local\\Temp\\updater.exe",
                "api-sync-0.jdoe-lab.workers.dev", "104.22.198.21" },
            { "wks-0002.corp.example", "10.20.0.4", "C:\\Program Files\\Microsoft VS Code\\Code.exe", "relay0.deno.dev",
                "104.26.206.65" },
            { "srv-01", "192.168.1.7", "/usr/bin/curl", "", "127.0.0.1" },
            { "", "fe80::1", "", "abc.lambda-url.eu-west-1.on.aws", "" },
        };
        std::uint64_t id = 0;
        for (const auto& flow : flows)
            for (int beat = 0; beat < 16; ++beat) {
                EventRecord event;
                event.timestamp = 1'741'046'400'000'000 + beat * 300'000'000LL + (beat % 3) * 1'000'000;
                const std::string eventId = "fuzz-" + std::to_string(++id);
                event.id = eventId;
                event.eventType = "NETWORK_CONNECTION";
                event.direction = Direction::Outbound;
                event.principalHostname = flow.host;
                event.principalIps = { flow.hostIp };
                event.processPath = flow.process;
                event.targetHostname = flow.destination;
                if (*flow.destinationIp)
                    event.targetIps = { flow.destinationIp };
                event.targetPort = 443;
                event.bytesSent = 600 + static_cast<std::uint64_t>(beat);
                event.bytesSentKnown = true;
                event.bytesReceived = 1500;
                event.bytesReceivedKnown = true;
                events.append(event);
            }
        return events;
    }();
    return table;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    const auto profile = parseProfile(json);
    if (!profile)
        return 0; // refused, with the reason
    (void)validateProfile(*profile);
    const std::string written = profileToJson(*profile);
    (void)parseProfile(written);
    (void)formatProfileDiff(diffProfiles(Profile {}, *profile));

    const auto analyzer = Analyzer::create(*profile);
    if (!analyzer)
        return 0;
    static const FlowIndex flows = FlowIndex::build(fixedEvents());
    const Analysis analysis = analyzer->run(fixedEvents(), flows, 1'741'132'800'000'000);
    (void)alertingFlows(analysis, profile->score);
    return 0;
}
