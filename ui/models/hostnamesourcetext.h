#pragma once

#include "model/event.h"

#include <QCoreApplication>
#include <QString>

namespace cepheid::ui {

// Where a destination's name came from, in the analyst's words (docs/formats.md, "Names from other records").
inline QString hostnameSourceText(HostnameSource source)
{
    switch (source) {
    case HostnameSource::None:
        return QCoreApplication::translate("HostnameSource", "— (IP only)");
    case HostnameSource::Record:
        return QCoreApplication::translate("HostnameSource", "record");
    case HostnameSource::TlsSni:
        return QCoreApplication::translate("HostnameSource", "TLS server name");
    case HostnameSource::HttpHost:
        return QCoreApplication::translate("HostnameSource", "HTTP Host");
    case HostnameSource::DnsJoin:
        return QCoreApplication::translate("HostnameSource", "DNS answer");
    case HostnameSource::SysmonPtr:
        return QCoreApplication::translate("HostnameSource", "Sysmon (reverse lookup)");
    case HostnameSource::Reverse:
        return QCoreApplication::translate("HostnameSource", "reverse DNS");
    }
    return {};
}

inline QString hostnameSourceExplanation(HostnameSource source)
{
    switch (source) {
    case HostnameSource::None:
        return QCoreApplication::translate("HostnameSource",
            "No record names this address: the flow's destination is the IP, which the seed rule cannot match");
    case HostnameSource::Record:
        return QCoreApplication::translate("HostnameSource", "The event's own record names the host");
    case HostnameSource::TlsSni:
        return QCoreApplication::translate(
            "HostnameSource", "The TLS server name (SNI) of the same session (Zeek ssl.log, same uid)");
    case HostnameSource::HttpHost:
        return QCoreApplication::translate(
            "HostnameSource", "The HTTP Host header of the same session (Zeek http.log, same uid)");
    case HostnameSource::DnsJoin:
        return QCoreApplication::translate("HostnameSource",
            "The name this process (or, for network sensors, this client) resolved to the address shortly before "
            "(Sysmon event 22, Zeek dns.log)");
    case HostnameSource::SysmonPtr:
        return QCoreApplication::translate("HostnameSource",
            "Sysmon's DestinationHostname: a reverse (PTR) lookup of the address, not the name the process asked "
            "for; no DNS answer of the same process was found");
    case HostnameSource::Reverse:
        return QCoreApplication::translate("HostnameSource",
            "A reverse-DNS name that spells the address: it names the server, not the service the process used");
    }
    return {};
}

} // namespace cepheid::ui
