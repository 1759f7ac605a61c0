#pragma once

#include "session/snapshot.h"

#include <QAbstractTableModel>

namespace cepheid::ui {

// The events of one flow, in time order (fan-out copies shown once).
class FlowEventsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, SourceIp, Destination, Port, Sent, Received, Type, Direction, Origin, ColumnCount };
    enum Role { EventRole = Qt::UserRole + 1 };

    explicit FlowEventsModel(QObject* parent = nullptr);
    void setFlow(SnapshotPtr snapshot, const Finding* finding);
    int rowOf(EventIndex event) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    SnapshotPtr m_snapshot;
    std::vector<EventIndex> m_events;
};

} // namespace cepheid::ui
