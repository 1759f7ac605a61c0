#pragma once

#include "session/snapshot.h"

#include <QAbstractTableModel>

namespace cepheid::ui {

// The allowlist of a snapshot's profile with what each entry does: how many findings it hides (the first
// matching entry takes a finding) and whether it has expired at the snapshot's evaluation time.
class AllowlistModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Kind, Matches, Hides, Expires, Reason, Mode, Author, Created, ColumnCount };
    enum Role { HitsRole = Qt::UserRole + 1, ExpiredRole, IdRole };

    explicit AllowlistModel(QObject* parent = nullptr);
    void setSnapshot(SnapshotPtr snapshot);
    const AllowlistEntry* entry(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "domain = x · process = y" for display.
    static QString describeMatchers(const AllowlistEntry& entry);

private:
    // data() without the tooltip escaping: tooltips quote data and are made plain text once, in data().
    QVariant unescapedData(const QModelIndex& index, int role) const;
    SnapshotPtr m_snapshot;
};

} // namespace cepheid::ui
