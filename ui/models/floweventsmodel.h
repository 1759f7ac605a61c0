#pragma once

#include "session/snapshot.h"

#include <QAbstractTableModel>

namespace cepheid::ui {

// The events of one flow, in time order (fan-out copies shown once), optionally only those in a time range (what a
// drag across the timeline selects).
class FlowEventsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Time,
        SincePrevious,
        SourceIp,
        Destination,
        NameFrom, // where the destination's name came from (the record, TLS SNI, a DNS answer…)
        Port,
        Sent,
        Received,
        Type,
        Direction,
        Url,
        UserAgent,
        ResponseCode,
        Origin,
        ColumnCount
    };
    enum Role { EventRole = Qt::UserRole + 1 };

    explicit FlowEventsModel(QObject* parent = nullptr);
    void setFlow(SnapshotPtr snapshot, const Finding* finding);
    // Shows only the events in [start, end); an empty range shows them all.
    void setRange(TimestampUs start, TimestampUs end);
    void clearRange() { setRange(0, 0); }
    bool hasRange() const { return m_rangeEnd > m_rangeStart; }
    // Whether any event of the flow carries HTTP details: the URL, user agent and status columns are shown only then.
    bool hasHttp() const { return m_hasHttp; }
    // Whether any event's destination name came from elsewhere than its own record (or there is none): the "Name
    // from" column is shown only then, so UDM flows are not cluttered with "record" on every row.
    bool hasJoinedNames() const { return m_hasJoinedNames; }
    int rowOf(EventIndex event) const; // -1 when not shown

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();

    SnapshotPtr m_snapshot;
    const Finding* m_finding = nullptr;
    std::vector<EventIndex> m_events;
    std::vector<TimestampUs> m_previous; // the time of the flow's previous event, per row (kNoPrevious: none)
    TimestampUs m_rangeStart = 0, m_rangeEnd = 0;
    bool m_hasHttp = false;
    bool m_hasJoinedNames = false;
};

} // namespace cepheid::ui
