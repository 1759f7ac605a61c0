#include "sysmonevent.h"

#include "fieldtext.h"
#include "formatreader.h"
#include "model/hash.h"
#include "model/namejoin.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>

namespace cepheid {

namespace {

constexpr std::string_view kSysmonChannel = "Microsoft-Windows-Sysmon/Operational";
constexpr std::string_view kSysmonProvider = "Microsoft-Windows-Sysmon";

struct NamedField
{
    std::string_view name;
    SysmonField field;
};

// Sorted by name, for a binary search: flat JSON looks up every key of every line.
constexpr std::array kEventDataFields {
    NamedField { "DestinationHostname", SysmonField::DestinationHostname },
    NamedField { "DestinationIp", SysmonField::DestinationIp },
    NamedField { "DestinationPort", SysmonField::DestinationPort },
    NamedField { "Image", SysmonField::Image },
    NamedField { "Initiated", SysmonField::Initiated },
    NamedField { "ProcessGuid", SysmonField::ProcessGuid },
    NamedField { "ProcessId", SysmonField::ProcessId },
    NamedField { "QueryName", SysmonField::QueryName },
    NamedField { "QueryResults", SysmonField::QueryResults },
    NamedField { "SourceIp", SysmonField::SourceIp },
    NamedField { "User", SysmonField::User },
    NamedField { "UtcTime", SysmonField::UtcTime },
};
static_assert(std::is_sorted(kEventDataFields.begin(), kEventDataFields.end(),
    [](const NamedField& a, const NamedField& b) { return a.name < b.name; }));

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
        return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == (y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y);
    });
}

std::string_view trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool isSysmon(const SysmonEvent& event)
{
    return equalsIgnoringCase(event[SysmonField::Channel], kSysmonChannel)
        || event[SysmonField::Provider] == kSysmonProvider;
}

// A ProcessGuid of zeros is how Sysmon says it has none (Winlogbeat drops it too).
bool isUnsetGuid(std::string_view guid)
{
    return isUnsetField(guid)
        || std::all_of(guid.begin(), guid.end(), [](char c) { return c == '0' || c == '-' || c == '{' || c == '}'; });
}

// Sysmon's own ProcessId inside the rendered message ("…\r\nProcessId: 716\r\n…"), for NXLog records whose
// ProcessId key was overwritten by NXLog's ProcessID.
std::string_view processIdInMessage(std::string_view message)
{
    constexpr std::string_view kLabel = "\nProcessId: ";
    const std::size_t at = message.find(kLabel);
    if (at == std::string_view::npos)
        return {};
    const std::string_view rest = message.substr(at + kLabel.size());
    return rest.substr(0, std::min(rest.find_first_not_of("0123456789"), rest.size()));
}

} // namespace

std::optional<SysmonField> sysmonEventDataField(std::string_view name)
{
    const auto it = std::lower_bound(kEventDataFields.begin(), kEventDataFields.end(), name,
        [](const NamedField& field, std::string_view key) { return field.name < key; });
    if (it == kEventDataFields.end() || it->name != name)
        return std::nullopt;
    return it->field;
}

std::vector<std::string_view> queryResultAddresses(std::string_view queryResults)
{
    std::vector<std::string_view> addresses;
    while (!queryResults.empty()) {
        const std::size_t end = std::min(queryResults.find(';'), queryResults.size());
        const std::string_view entry = trimmed(queryResults.substr(0, end));
        queryResults.remove_prefix(std::min(end + 1, queryResults.size()));
        if (!isUnsetField(entry) && !entry.starts_with("type:"))
            addresses.push_back(entry);
    }
    return addresses;
}

bool appendCanonicalAddress(std::string_view text, std::string& out)
{
    text = plainAddress(trimmed(text));
    text = text.substr(0, text.find('%')); // fe80::1%12: the zone is the host's interface, not part of the address
    char buffer[INET6_ADDRSTRLEN + 1];
    if (text.empty() || text.size() >= sizeof buffer)
        return false;
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    if (text.find(':') == std::string_view::npos) {
        in_addr v4 {};
        if (inet_pton(AF_INET, buffer, &v4) != 1)
            return false;
        out.append(text);
        return true;
    }
    in6_addr v6 {};
    if (inet_pton(AF_INET6, buffer, &v6) != 1)
        return false;
    char written[INET6_ADDRSTRLEN];
    const bool mapped = IN6_IS_ADDR_V4MAPPED(&v6);
    if (!inet_ntop(mapped ? AF_INET : AF_INET6, mapped ? static_cast<const void*>(&v6.s6_addr[12]) : &v6, written,
            sizeof written))
        return false;
    out.append(written);
    return true;
}

void SysmonEventMapper::map(
    const SysmonEvent& event, std::string_view text, std::uint64_t line, std::uint64_t offset, RecordSink& sink)
{
    m_record.clear();
    m_addresses.clear();
    m_addressSpans.clear();
    m_record.source = { m_fileIndex, line, offset };
    const std::string_view eventId = event[SysmonField::EventId];
    std::string reason;
    if (isSysmon(event)) {
        const auto number = parseUnsigned(eventId);
        if (isUnsetField(eventId))
            reason = "EventID is missing";
        else if (!number)
            reason = "EventID: " + quotedValue(eventId) + " is not a number";
        else if (*number == 3 || *number == 22) {
            reason = *number == 3 ? connection(event, text) : dnsAnswer(event, text);
            if (reason.empty())
                sink.event(m_record);
        } else {
            m_kind = "Sysmon event " + std::to_string(*number);
            sink.skip(m_kind);
        }
    } else {
        const std::string_view channel = event[SysmonField::Channel];
        const std::string_view log = isUnsetField(channel) ? event[SysmonField::Provider] : channel;
        if (isUnsetField(log))
            reason = "Channel is missing: the record names no Windows event log";
        else {
            // Windows event IDs are 16-bit; the log's name is cut short so that a hostile file cannot make a kind of
            // every record.
            m_kind = equalsIgnoringCase(log, "Security") ? std::string("Windows Security")
                                                         : std::string(log.substr(0, 60));
            m_kind += " event ";
            m_kind += eventId.substr(0, 5);
            sink.skip(m_kind);
        }
    }
    if (!reason.empty())
        sink.reject(line, std::move(reason), text.substr(0, kExcerptBytes));
}

std::string SysmonEventMapper::common(const SysmonEvent& event, std::string_view text)
{
    // UtcTime is when Sysmon saw the connection or query; the record may be logged later. Without it, the time the
    // event was logged is the best there is.
    const std::string_view utcTime = event[SysmonField::UtcTime];
    const std::string_view systemTime = event[SysmonField::SystemTime];
    if (!isUnsetField(utcTime)) {
        const auto time = parseUtcDateTime(utcTime);
        if (!time)
            return "UtcTime: " + quotedValue(utcTime) + " is not a UTC date and time";
        m_record.timestamp = *time;
    } else if (!isUnsetField(systemTime)) {
        const auto time = parseUtcDateTime(systemTime);
        if (!time)
            return "UtcTime is missing, and the time the event was logged, " + quotedValue(systemTime)
                + ", is not a date and time";
        m_record.timestamp = *time;
    } else {
        return "UtcTime is missing";
    }

    const std::string_view computer = event[SysmonField::Computer];
    const std::string_view recordId = event[SysmonField::RecordId];
    if (!isUnsetField(recordId)) {
        m_id.assign(computer);
        m_id.push_back('/');
        m_id.append(recordId);
        m_record.id = m_id;
    } else {
        m_record.idHash = hashBytes(text);
    }
    if (!isUnsetField(computer))
        m_record.principalHostname = computer;
    if (const std::string_view image = event[SysmonField::Image]; !isUnsetField(image))
        m_record.processPath = image;
    std::string_view processId = event[SysmonField::ProcessId];
    if (isUnsetField(processId))
        processId = processIdInMessage(event[SysmonField::Message]);
    if (parseUnsigned(processId)) {
        m_processId.assign(processId);
        m_record.processId = m_processId;
    }
    if (const std::string_view user = event[SysmonField::User]; !isUnsetField(user))
        m_record.user = user;
    if (const std::string_view guid = event[SysmonField::ProcessGuid]; !isUnsetGuid(guid))
        m_record.joinKey = guid;
    return {};
}

std::string SysmonEventMapper::connection(const SysmonEvent& event, std::string_view text)
{
    if (std::string reason = common(event, text); !reason.empty())
        return reason;
    const std::string_view destination = event[SysmonField::DestinationIp];
    if (isUnsetField(destination))
        return "DestinationIp is missing";
    if (!appendCanonicalAddress(destination, m_addresses))
        return "DestinationIp: " + quotedValue(destination) + " is not an IP address";
    m_addressSpans.emplace_back(0, m_addresses.size());
    if (const std::string_view source = event[SysmonField::SourceIp]; !isUnsetField(source)) {
        const std::size_t begin = m_addresses.size();
        if (!appendCanonicalAddress(source, m_addresses))
            return "SourceIp: " + quotedValue(source) + " is not an IP address";
        m_addressSpans.emplace_back(begin, m_addresses.size() - begin);
    }
    if (const std::string_view port = event[SysmonField::DestinationPort]; !isUnsetField(port)) {
        const auto number = parsePort(port);
        if (!number)
            return "DestinationPort: " + quotedValue(port) + " is not a port number";
        m_record.targetPort = *number;
    }
    const std::string_view initiated = event[SysmonField::Initiated];
    m_record.direction = equalsIgnoringCase(initiated, "true") ? Direction::Outbound
        : equalsIgnoringCase(initiated, "false")               ? Direction::Inbound
                                                               : Direction::Unknown;
    const std::string_view target = std::string_view(m_addresses).substr(0, m_addressSpans[0].second);
    m_record.targetIps.push_back(target);
    if (m_addressSpans.size() > 1)
        m_record.principalIps.push_back(
            std::string_view(m_addresses).substr(m_addressSpans[1].first, m_addressSpans[1].second));
    // Sysmon's DestinationHostname is its own reverse lookup of the address, not the name the process asked for:
    // the name join replaces it with the process's DNS answer (EID 22) when there is one.
    const std::string_view hostname = event[SysmonField::DestinationHostname];
    if (!isUnsetField(hostname) && hostname != destination && hostname != target) {
        m_record.targetHostname = hostname;
        m_record.hostnameSource = spellsAddress(hostname, target) ? HostnameSource::Reverse : HostnameSource::SysmonPtr;
    }
    m_record.eventType = "NETWORK_CONNECTION";
    m_record.role = EventRole::Connection;
    return {};
}

std::string SysmonEventMapper::dnsAnswer(const SysmonEvent& event, std::string_view text)
{
    if (std::string reason = common(event, text); !reason.empty())
        return reason;
    const std::string_view name = event[SysmonField::QueryName];
    if (isUnsetField(name))
        return "QueryName is missing";
    // Entries that are not addresses (a CNAME, an odd record type) answer nothing Cepheid can join on.
    const std::string_view results = event[SysmonField::QueryResults];
    const auto addAll = [&](const auto& addresses) {
        for (const std::string_view address : addresses) {
            const std::size_t begin = m_addresses.size();
            if (appendCanonicalAddress(address, m_addresses))
                m_addressSpans.emplace_back(begin, m_addresses.size() - begin);
        }
    };
    if (!isUnsetField(results))
        addAll(queryResultAddresses(results));
    else
        addAll(event.answerAddresses);
    for (const auto& [begin, size] : m_addressSpans) {
        const std::string_view address = std::string_view(m_addresses).substr(begin, size);
        if (std::find(m_record.targetIps.begin(), m_record.targetIps.end(), address) == m_record.targetIps.end())
            m_record.targetIps.push_back(address);
    }
    m_record.targetHostname = name;
    m_record.hostnameSource = HostnameSource::Record;
    m_record.eventType = "NETWORK_DNS";
    m_record.role = EventRole::DnsAnswer;
    return {};
}

} // namespace cepheid
