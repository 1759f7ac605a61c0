#include "sysmonfixtures.h"

#include <utility>
#include <vector>

namespace cepheid::test {

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields eventData(const SysmonSpec& spec)
{
    Fields fields { { "RuleName", "-" }, { "UtcTime", spec.utcTime }, { "ProcessGuid", spec.processGuid },
        { "ProcessId", spec.processId }, { "Image", spec.image }, { "User", spec.user } };
    if (spec.eventId == 3)
        fields.insert(fields.end(),
            { { "Protocol", "tcp" }, { "Initiated", spec.initiated }, { "SourceIp", spec.sourceIp },
                { "SourcePort", "49733" }, { "DestinationIp", spec.destinationIp },
                { "DestinationHostname", spec.destinationHostname }, { "DestinationPort", spec.destinationPort } });
    else if (spec.eventId == 22)
        fields.insert(fields.end(),
            { { "QueryName", spec.queryName }, { "QueryStatus", "0" }, { "QueryResults", spec.queryResults } });
    return fields;
}

std::string jsonString(const std::string& text)
{
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

} // namespace

std::string sysmonXml(const SysmonSpec& spec)
{
    std::string xml = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                      "<Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/>"
                      "<EventID>"
        + std::to_string(spec.eventId) + "</EventID><TimeCreated SystemTime='2025-03-04T13:07:43.2211234Z'/>";
    if (spec.recordId != kOmitted)
        xml += "<EventRecordID>" + spec.recordId + "</EventRecordID>";
    if (spec.channel != kOmitted)
        xml += "<Channel>" + spec.channel + "</Channel>";
    xml += "<Computer>" + spec.computer + "</Computer></System><EventData>";
    for (const auto& [name, value] : eventData(spec))
        if (value != kOmitted)
            xml += "<Data Name='" + name + "'>" + value + "</Data>";
    return xml + "</EventData></Event>";
}

std::string sysmonFlatJson(const SysmonSpec& spec)
{
    std::string json = "{\"EventID\":" + std::to_string(spec.eventId)
        + ",\"SourceName\":\"Microsoft-Windows-Sysmon\",\"Hostname\":" + jsonString(spec.computer);
    if (spec.channel != kOmitted)
        json += ",\"Channel\":" + jsonString(spec.channel);
    if (spec.recordId != kOmitted)
        json += ",\"RecordNumber\":" + spec.recordId;
    for (const auto& [name, value] : eventData(spec))
        if (value != kOmitted)
            json += "," + jsonString(name) + ":" + jsonString(value);
    return json + "}";
}

} // namespace cepheid::test
