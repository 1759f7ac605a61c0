#include "defenderrow.h"

#include "fieldtext.h"
#include "model/hash.h"

#include <array>

namespace cepheid {

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

bool endsWithIgnoringCase(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && equalsIgnoringCase(text.substr(text.size() - suffix.size()), suffix);
}

struct Column
{
    std::string_view name;
    std::string_view DefenderRow::*field;
};

// Both spellings of the time: Advanced Hunting's Timestamp and Log Analytics' TimeGenerated.
constexpr std::array kColumns {
    Column { "Timestamp", &DefenderRow::timestamp },
    Column { "TimeGenerated", &DefenderRow::timestamp },
    Column { "DeviceId", &DefenderRow::deviceId },
    Column { "DeviceName", &DefenderRow::deviceName },
    Column { "ActionType", &DefenderRow::actionType },
    Column { "RemoteIP", &DefenderRow::remoteIp },
    Column { "RemotePort", &DefenderRow::remotePort },
    Column { "RemoteUrl", &DefenderRow::remoteUrl },
    Column { "LocalIP", &DefenderRow::localIp },
    Column { "InitiatingProcessFolderPath", &DefenderRow::processFolder },
    Column { "InitiatingProcessFileName", &DefenderRow::processFile },
    Column { "InitiatingProcessId", &DefenderRow::processId },
    Column { "InitiatingProcessAccountDomain", &DefenderRow::accountDomain },
    Column { "InitiatingProcessAccountName", &DefenderRow::accountName },
    Column { "ReportId", &DefenderRow::reportId },
};

// The full path of the initiating process. InitiatingProcessFolderPath holds the image's full path in the exports
// seen, and only its folder in some: the file name is added when the folder does not end with it.
std::string_view processPath(const DefenderRow& row, std::string& scratch)
{
    if (row.processFolder.empty() || row.processFile.empty()
        || endsWithIgnoringCase(row.processFolder, row.processFile))
        return row.processFolder.empty() ? row.processFile : row.processFolder;
    const std::size_t begin = scratch.size();
    scratch.append(row.processFolder);
    if (!row.processFolder.ends_with('\\') && !row.processFolder.ends_with('/'))
        scratch.push_back('\\');
    scratch.append(row.processFile);
    return std::string_view(scratch).substr(begin);
}

} // namespace

int DefenderRow::fieldIndex(std::string_view column)
{
    for (std::size_t i = 0; i < kColumns.size(); ++i)
        if (equalsIgnoringCase(column, kColumns[i].name))
            return static_cast<int>(i);
    return -1;
}

void DefenderRow::setField(int index, std::string_view value)
{
    if (index >= 0 && static_cast<std::size_t>(index) < kColumns.size())
        this->*(kColumns[static_cast<std::size_t>(index)].field) = value;
}

bool DefenderRow::set(std::string_view column, std::string_view value)
{
    const int index = fieldIndex(column);
    setField(index, value);
    return index >= 0;
}

bool looksLikeDeviceNetworkEvents(std::string_view text)
{
    return text.find("ActionType") != std::string_view::npos
        && (text.find("RemoteIP") != std::string_view::npos || text.find("RemoteUrl") != std::string_view::npos)
        && text.find("InitiatingProcess") != std::string_view::npos;
}

DefenderRowResult defenderRowEvent(
    const DefenderRow& row, std::string_view recordText, EventRecord& event, std::string& scratch)
{
    event.clear();
    scratch.clear();
    // Room for the id, the process path and the user: the views into scratch must not move.
    scratch.reserve(row.deviceId.size() + row.deviceName.size() + row.reportId.size() + row.timestamp.size()
        + row.processFolder.size() + row.processFile.size() + row.accountDomain.size() + row.accountName.size() + 8);
    const std::string_view action = row.actionType;
    if (action.empty())
        return { DefenderRowResult::Kind::Reject, "ActionType: missing" };
    // Connection* rows are connections the device made (ConnectionSuccess, …Attempt, …Failed, …Request,
    // …Acknowledged, …Found and their aggregated reports); InboundConnectionAccepted is one it accepted. The
    // *Inspected rows describe the same connections again (their protocol details), and listening sockets are none.
    const bool outbound = action.starts_with("Connection");
    const bool inbound = action == "InboundConnectionAccepted";
    if (!outbound && !inbound)
        return { DefenderRowResult::Kind::Skip, "Defender " + std::string(action) };
    const auto time = parseUtcDateTime(row.timestamp);
    if (!time)
        return { DefenderRowResult::Kind::Reject,
            "Timestamp: '" + std::string(row.timestamp.substr(0, 60)) + "' is not a date and time" };
    event.timestamp = *time;
    if (!row.remotePort.empty()) {
        const auto port = parsePort(row.remotePort);
        if (!port)
            return { DefenderRowResult::Kind::Reject,
                "RemotePort: '" + std::string(row.remotePort.substr(0, 60)) + "' is not a port number" };
        event.targetPort = *port;
    }
    event.eventType = "NETWORK_CONNECTION";
    event.direction = outbound ? Direction::Outbound : Direction::Inbound;
    event.principalHostname = row.deviceName;
    if (!row.localIp.empty())
        event.principalIps.push_back(plainAddress(row.localIp));
    if (!row.remoteIp.empty())
        event.targetIps.push_back(plainAddress(row.remoteIp));
    // RemoteUrl is "the URL or FQDN that was being connected to": its host is the destination's name.
    event.targetHostname = urlHost(row.remoteUrl);
    event.hostnameSource = event.targetHostname.empty() ? HostnameSource::None : HostnameSource::Record;
    event.processId = row.processId;
    // ReportId repeats across devices and time: with the device and the time it identifies the row.
    if (!row.reportId.empty()) {
        const std::size_t begin = scratch.size();
        scratch.append(row.deviceId.empty() ? row.deviceName : row.deviceId).append("/").append(row.reportId);
        scratch.append("/").append(row.timestamp);
        event.id = std::string_view(scratch).substr(begin);
    } else {
        event.idHash = hashBytes(recordText);
    }
    event.processPath = processPath(row, scratch);
    if (!row.accountDomain.empty() && !row.accountName.empty()) {
        const std::size_t begin = scratch.size();
        scratch.append(row.accountDomain).append("\\").append(row.accountName);
        event.user = std::string_view(scratch).substr(begin);
    } else {
        event.user = row.accountName;
    }
    return {};
}

void readDefenderRow(const DefenderRow& row, std::string_view recordText, const SourceReference& source,
    RecordSink& sink, EventRecord& event, std::string& scratch)
{
    const DefenderRowResult result = defenderRowEvent(row, recordText, event, scratch);
    event.source = source;
    if (result.kind == DefenderRowResult::Kind::Event)
        sink.event(event);
    else if (result.kind == DefenderRowResult::Kind::Skip)
        sink.skip(result.text);
    else
        sink.reject(source.line, result.text, recordText.substr(0, kExcerptBytes));
}

} // namespace cepheid
