#include "event.h"

namespace cepheid {

std::string_view directionName(Direction direction)
{
    switch (direction) {
    case Direction::Inbound:
        return "INBOUND";
    case Direction::Outbound:
        return "OUTBOUND";
    case Direction::Broadcast:
        return "BROADCAST";
    case Direction::Unknown:
        break;
    }
    return "UNKNOWN_DIRECTION";
}

std::string_view eventRoleName(EventRole role)
{
    switch (role) {
    case EventRole::DnsAnswer:
        return "dns_answer";
    case EventRole::SessionName:
        return "session_name";
    case EventRole::CloudAudit:
        return "cloud_audit";
    case EventRole::Connection:
        break;
    }
    return "connection";
}

std::string_view hostnameSourceName(HostnameSource source)
{
    switch (source) {
    case HostnameSource::None:
        return "";
    case HostnameSource::Record:
        return "record";
    case HostnameSource::TlsSni:
        return "tls_sni";
    case HostnameSource::HttpHost:
        return "http_host";
    case HostnameSource::DnsJoin:
        return "dns_join";
    case HostnameSource::SysmonPtr:
        return "sysmon";
    case HostnameSource::Reverse:
        return "reverse";
    }
    return "";
}

} // namespace cepheid
