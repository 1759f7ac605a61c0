#pragma once

#include "session/snapshot.h"

#include <QAbstractTableModel>

namespace cepheid::ui {

// One row per considered flow of a snapshot. The model receives a whole snapshot with setSnapshot(); sorting
// and filtering happen in FindingsFilter on SortRole (raw values), never on display text.
class FindingsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Verdict,
        Score,
        Rule,
        Host,
        Destination,
        Process,
        Events,
        Period,
        Jitter,
        FirstSeen,
        LastSeen,
        Triage,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1,
        FindingRole,
        VerdictRole,
        FiresRole,
        DisagreeRole,
        PlatformRole,
        TriageRole,
        SearchTextRole
    };

    explicit FindingsModel(QObject* parent = nullptr);

    void setSnapshot(SnapshotPtr snapshot);
    SnapshotPtr snapshot() const { return m_snapshot; }
    const Finding* finding(const QModelIndex& index) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatDuration(double seconds);

private:
    QString triageStatus(const Finding& finding) const;

    SnapshotPtr m_snapshot;
};

} // namespace cepheid::ui
