#pragma once

#include "session/snapshot.h"

#include <QAbstractTableModel>

namespace cepheid::ui {

// One row per cloud change finding of a snapshot (Snapshot::cloud), in the order core gives them (time). Sorting
// and the text filter use SortRole and SearchTextRole (raw values), never display text. Triage is the case's one
// triage table, looked up under changeTriageKey.
class ChangesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        // The columns an analyst scans a long list by come first: a narrow pane still shows them.
        Severity,
        FirstCall,
        Actor,
        Resource,
        Links, // how many flows reach the function
        SourceIps, // "(host)" after an address the case's network events show as a host
        Actions,
        Signals,
        Points,
        Provider,
        Service,
        Triage,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1,
        ChangeIndexRole, // int: the row's index in Snapshot::cloud.changes
        SearchTextRole,
    };

    explicit ChangesModel(QObject* parent = nullptr);

    // The same changes again (a tuning re-run: severities and points may move) update in place, keeping selection
    // and sorting; other changes reset the model.
    void setSnapshot(SnapshotPtr snapshot);
    void setTriage(TriageMap triage);
    SnapshotPtr snapshot() const { return m_snapshot; }
    const ChangeFinding* change(int row) const;
    const TriageKey& triageKey(int row) const { return m_keys[static_cast<std::size_t>(row)]; }
    const TriageState* triageState(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant unescapedData(const QModelIndex& index, int role) const; // tooltips are made plain text in data()
    QString triageStatus(int row) const;
    QString sourceIpsText(const ChangeFinding& change) const;

    SnapshotPtr m_snapshot;
    TriageMap m_triage;
    std::vector<TriageKey> m_keys; // changeTriageKey per row: computed once, it builds strings
};

} // namespace cepheid::ui
