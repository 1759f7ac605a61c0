#pragma once

// Sysmon records built from the few fields a test cares about (kept out of the suite: Qt 6.4's moc mis-reads raw
// strings holding an odd number of quotes).

#include <string>

namespace cepheid::test {

// A field set to kOmitted is left out of the record.
inline const std::string kOmitted = "\x01omitted";

struct SysmonSpec
{
    int eventId = 3;
    std::string channel = "Microsoft-Windows-Sysmon/Operational";
    std::string computer = "WKS-0142.corp.example";
    std::string recordId = "1000";
    std::string utcTime = "2025-03-04 13:07:42.118";
    std::string processGuid = "{b34bc01c-2271-5f69-4900-000000000900}";
    std::string processId = "6140";
    std::string image = R"(C:\Users\bob\AppData\Local\Temp\updater.exe)";
    std::string user = R"(CORP\bob)";
    // EID 3
    std::string initiated = "true";
    std::string sourceIp = "10.20.4.17";
    std::string destinationIp = "104.21.48.12";
    std::string destinationHostname = "-";
    std::string destinationPort = "443";
    // EID 22
    std::string queryName = "api-sync.acme-9f2.workers.dev";
    std::string queryResults = "type:  5 api-sync.acme-9f2.workers.dev.cdn.cloudflare.net;::ffff:104.21.48.12;";
};

// One <Event> on one line, as `wevtutil qe /f:xml` writes it (single-quoted attributes).
std::string sysmonXml(const SysmonSpec& spec);
// One flat JSON line, as OTRF's NXLog datasets hold it (EventID a number, Sysmon's fields at the top).
std::string sysmonFlatJson(const SysmonSpec& spec);

} // namespace cepheid::test
