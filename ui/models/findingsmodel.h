#pragma once

#include "session/snapshot.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QPalette>
#include <span>

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
        Cloud, // the most severe cloud change linked to the flow (empty when none)
        Host,
        Destination,
        Process,
        Events,
        Period,
        Jitter,
        FirstSeen,
        LastSeen,
        Activity,
        Triage,
        Change, // the what-if delta: alerts now but not under the saved profile, or the reverse
        ColumnCount
    };
    static constexpr std::size_t kActivityBuckets = 48;
    enum Role {
        SortRole = Qt::UserRole + 1,
        FindingRole,
        VerdictRole,
        FiresRole,
        DisagreeRole,
        PlatformRole,
        TriageRole,
        SearchTextRole,
        AllowlistedRole, // bool
        ChangeRole, // int: +1 alerts only under the working profile, -1 only under the saved one, 0 unchanged
        SourcesRole // QList<int>: the case sources (CaseSource::id) the flow's events come from
    };

    explicit FindingsModel(QObject* parent = nullptr);

    // A snapshot of the same data with the same findings (a tuning re-run) updates the rows in place, keeping
    // selection, sorting and scrolling; anything else resets the model.
    void setSnapshot(SnapshotPtr snapshot);
    // Triage changes between snapshots (it is edited, not computed): only the triage column updates.
    void setTriage(TriageMap triage);
    // The flow key of a row, as triage and the case know it.
    using TriageKey = cepheid::TriageKey; // src_ip, destination, process path
    TriageKey flowKey(int row) const;
    // A row's (or a flow's) triage state with its history; null when the flow was never triaged.
    const TriageState* triageState(int row) const;
    const TriageState* triageState(const TriageKey& key) const;
    SnapshotPtr snapshot() const { return m_snapshot; }
    const Finding* finding(const QModelIndex& index) const;
    // The most severe cloud change linked to the finding's flow (index into Snapshot::cloud.changes), -1 when none.
    int mostSevereChange(const Finding& finding) const;
    // Events per bucket of the case's time range, for the sparkline (empty for an invalid row).
    std::span<const std::uint16_t> activity(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatDuration(double seconds); // durationText: one formatter for every view
    // A period is shown only with a confidence above 0; otherwise the cell says "—" and noPeriodReason why.
    static bool hasPeriod(const BeaconScore& beacon);
    // The background of a row whose alerting the tuning changed (ChangeRole +1 or -1), for this palette.
    static QColor changeTint(const QPalette& palette, int change);
    static QString noPeriodReason(const BeaconScore& beacon);
    // How a flow's connections were grouped into check-ins, as a clause ("connections less than a second apart are
    // one check-in").
    static QString checkInRule(const CheckInSummary& checkIns);

private:
    // data() without the tooltip escaping: tooltips quote data and are made plain text once, in data().
    QVariant unescapedData(const QModelIndex& index, int role) const;
    QString triageStatus(const Finding& finding) const;
    void computeActivity();
    void computeChanges();
    void computeRowKeys(); // after the snapshot or the triage changes

    // What sorting and filtering ask of a row again and again, computed once per snapshot or triage change: a
    // sort of 100,000 rows would otherwise convert strings and search the triage map on every comparison.
    struct RowKeys
    {
        QString host, destination, process; // process: the file name, lower-cased
        QString triageStatus;
        const TriageState* triage = nullptr; // into m_triage
        QList<int> sources; // CaseSource::id of every file with an event in the flow, ascending
    };

    SnapshotPtr m_snapshot;
    std::vector<std::uint16_t> m_activity; // kActivityBuckets per row
    std::vector<std::int8_t> m_change; // ChangeRole per row
    TriageMap m_triage;
    std::vector<RowKeys> m_rowKeys;
};

} // namespace cepheid::ui
