#include "eventbatch.h"

#include <algorithm>
#include <cstring>

namespace cepheid {

void EventBatch::add(const EventRecord& source)
{
    Event& event = m_events.emplace_back();
    EventRecord& record = event.record;
    record.timestamp = source.timestamp;
    record.id = copy(source.id);
    record.idHash = source.idHash;
    record.eventType = copy(source.eventType);
    record.direction = source.direction;
    record.principalHostname = copy(source.principalHostname);
    record.processPath = copy(source.processPath);
    record.processId = copy(source.processId);
    record.targetHostname = copy(source.targetHostname);
    record.targetPort = source.targetPort;
    record.bytesSent = source.bytesSent;
    record.bytesReceived = source.bytesReceived;
    record.bytesSentKnown = source.bytesSentKnown;
    record.bytesReceivedKnown = source.bytesReceivedKnown;
    record.user = copy(source.user);
    record.url = copy(source.url);
    record.userAgent = copy(source.userAgent);
    record.responseCode = source.responseCode;
    record.role = source.role;
    record.joinKey = copy(source.joinKey);
    record.hostnameSource = source.hostnameSource;
    record.source = source.source;
    if (source.cloud) {
        CloudAuditRecord cloud = *source.cloud;
        for (std::string_view* text : { &cloud.service, &cloud.resource, &cloud.account, &cloud.region,
                 &cloud.actorType, &cloud.userAgent, &cloud.credential, &cloud.errorCode, &cloud.exposure })
            *text = copy(*text);
        record.cloud = &m_cloud.emplace_back(cloud);
    }
    event.principalIpBegin = static_cast<std::uint32_t>(m_ips.size());
    for (std::string_view ip : source.principalIps)
        m_ips.push_back(copy(ip));
    event.principalIpCount = static_cast<std::uint32_t>(source.principalIps.size());
    event.targetIpBegin = static_cast<std::uint32_t>(m_ips.size());
    for (std::string_view ip : source.targetIps)
        m_ips.push_back(copy(ip));
    event.targetIpCount = static_cast<std::uint32_t>(source.targetIps.size());
}

void EventBatch::clear()
{
    m_events.clear();
    m_ips.clear();
    m_rejects.clear();
    m_raw.clear();
    m_skipped.clear();
    m_cloud.clear();
    m_text.clear();
    endOffset = records = lastLine = compressedOffset = 0;
}

void EventBatch::get(std::size_t i, EventRecord& record) const
{
    const Event& event = m_events[i];
    auto principal = std::move(record.principalIps);
    auto target = std::move(record.targetIps);
    record = event.record;
    principal.assign(
        m_ips.begin() + event.principalIpBegin, m_ips.begin() + event.principalIpBegin + event.principalIpCount);
    target.assign(m_ips.begin() + event.targetIpBegin, m_ips.begin() + event.targetIpBegin + event.targetIpCount);
    record.principalIps = std::move(principal);
    record.targetIps = std::move(target);
}

} // namespace cepheid
