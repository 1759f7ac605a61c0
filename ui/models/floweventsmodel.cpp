#include "floweventsmodel.h"

#include "hostnamesourcetext.h"
#include "qtext.h"
#include "timetext.h"
#include "util/durationtext.h"

#include <QFileInfo>
#include <limits>

namespace cepheid::ui {

namespace {
// The first event has no previous one. Not -1: events before 1970 have negative timestamps.
constexpr TimestampUs kNoPrevious = std::numeric_limits<TimestampUs>::min();
} // namespace

FlowEventsModel::FlowEventsModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void FlowEventsModel::setFlow(SnapshotPtr snapshot, const Finding* finding)
{
    m_snapshot = std::move(snapshot);
    m_finding = finding;
    m_rangeStart = m_rangeEnd = 0;
    rebuild();
}

void FlowEventsModel::setRange(TimestampUs start, TimestampUs end)
{
    m_rangeStart = start;
    m_rangeEnd = end;
    rebuild();
}

void FlowEventsModel::rebuild()
{
    beginResetModel();
    m_events.clear();
    m_previous.clear();
    m_hasHttp = false;
    m_hasJoinedNames = false;
    if (m_snapshot && m_finding) {
        const EventTable& events = m_snapshot->events;
        TimestampUs previous = kNoPrevious;
        EventIndex last = static_cast<EventIndex>(-1);
        for (EventIndex event : m_snapshot->flows.events(m_snapshot->flows.flow(m_finding->flowIndex))) {
            if (event == last)
                continue; // a fan-out copy
            last = event;
            const TimestampUs time = events.timestamp(event);
            m_hasHttp = m_hasHttp || (events.httpEventCount() > 0 && events.http(event));
            m_hasJoinedNames = m_hasJoinedNames || events.hostnameSource(event) != HostnameSource::Record;
            if (!hasRange() || (time >= m_rangeStart && time < m_rangeEnd)) {
                m_events.push_back(event);
                m_previous.push_back(previous);
            }
            previous = time;
        }
    }
    endResetModel();
}

int FlowEventsModel::rowOf(EventIndex event) const
{
    const auto it = std::find(m_events.begin(), m_events.end(), event);
    return it == m_events.end() ? -1 : static_cast<int>(it - m_events.begin());
}

int FlowEventsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_events.size());
}

int FlowEventsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FlowEventsModel::data(const QModelIndex& index, int role) const
{
    if (!m_snapshot || !index.isValid() || index.row() >= rowCount())
        return {};
    const EventIndex event = m_events[static_cast<std::size_t>(index.row())];
    if (role == EventRole)
        return qulonglong(event);
    const EventTable& events = m_snapshot->events;
    const TimestampUs previous = m_previous[static_cast<std::size_t>(index.row())];
    if (role == Qt::ToolTipRole && index.column() == Time)
        return fullTime(events.timestamp(event));
    if (role == Qt::ToolTipRole && index.column() == SincePrevious)
        return tr("Time since the flow's previous event (connections, not check-ins)");
    if (role == Qt::ToolTipRole && index.column() == NameFrom)
        return hostnameSourceExplanation(events.hostnameSource(event));
    if (role == Qt::TextAlignmentRole && index.column() == SincePrevious)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    auto text = [&](StringId id) { return toDisplayText(events.text(id)); };
    switch (index.column()) {
    case Time:
        return compactTime(events.timestamp(event), true);
    case SincePrevious:
        if (previous == kNoPrevious)
            return QStringLiteral("—");
        if (events.timestamp(event) == previous)
            return QStringLiteral("0 s"); // simultaneous: the same check-in
        return QString::fromStdString(durationText(static_cast<double>(events.timestamp(event) - previous) / 1e6));
    case SourceIp: {
        QStringList ips;
        for (StringId ip : events.principalIps(event))
            ips << text(ip);
        return ips.join(QStringLiteral(", "));
    }
    case Destination:
        return text(events.destination(event));
    case NameFrom:
        return hostnameSourceText(events.hostnameSource(event));
    case Port:
        return events.targetPort(event);
    case Sent:
        return events.bytesSentKnown(event) ? QVariant(qulonglong(events.bytesSent(event))) : QVariant(tr("—"));
    case Received:
        return events.bytesReceivedKnown(event) ? QVariant(qulonglong(events.bytesReceived(event))) : QVariant(tr("—"));
    case Type:
        return text(events.eventType(event));
    case Direction:
        return toQString(directionName(events.direction(event)));
    case Url:
    case UserAgent:
    case ResponseCode: {
        const EventTable::HttpDetails* http = events.http(event);
        if (!http)
            return {};
        if (index.column() == ResponseCode)
            return http->responseCode ? QVariant(http->responseCode) : QVariant();
        return text(index.column() == Url ? http->url : http->userAgent);
    }
    case Origin: {
        const SourceReference source = events.source(event);
        for (const CaseSource& file : m_snapshot->sources)
            if (file.id == source.fileIndex)
                return tr("%1 (%2), line %3")
                    .arg(QFileInfo(QString::fromStdString(file.path)).fileName(), QString::fromStdString(file.format))
                    .arg(source.line);
        return tr("source %1, line %2").arg(source.fileIndex).arg(source.line);
    }
    }
    return {};
}

QVariant FlowEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[ColumnCount] = { QT_TR_NOOP("Time (UTC)"), QT_TR_NOOP("Since previous"),
        QT_TR_NOOP("Principal IP"), QT_TR_NOOP("Destination"), QT_TR_NOOP("Name from"), QT_TR_NOOP("Port"),
        QT_TR_NOOP("Sent"), QT_TR_NOOP("Received"), QT_TR_NOOP("Event type"), QT_TR_NOOP("Direction"),
        QT_TR_NOOP("URL"), QT_TR_NOOP("User agent"), QT_TR_NOOP("Status"), QT_TR_NOOP("Origin") };
    return tr(names[section]);
}

} // namespace cepheid::ui
