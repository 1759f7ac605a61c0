#pragma once

#include "changedetail.h"
#include "session/snapshot.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTableView;

namespace cepheid::ui {

class ChangesModel;

// The Cloud changes page of the main window: the case's change findings in a sortable, filterable table beside the
// detail of the highlighted one. A case without audit records shows what to import instead.
class ChangesView : public QWidget
{
    Q_OBJECT

public:
    explicit ChangesView(ChangeDetail::RawRecordLookup rawRecord, QWidget* parent = nullptr);

    void setSnapshot(SnapshotPtr snapshot);
    // The case's triage changed (it is edited, not computed): the Triage column and the detail's history follow.
    void setTriage(TriageMap triage);
    // Highlights changes[changeIndex], clearing the text filter when it hides it. False when there is no such change.
    bool selectChange(int changeIndex);
    // The highlighted changes (indexes into Snapshot::cloud.changes), the current one first.
    std::vector<int> selectedChanges() const;

    ChangesModel* model() const { return m_model; }
    QSortFilterProxyModel* filter() const { return m_filter; }
    QTableView* table() const { return m_table; }
    ChangeDetail* detail() const { return m_detail; }
    QSplitter* splitter() const { return m_splitter; }
    QLineEdit* searchField() const { return m_search; }
    bool showsEmptyState() const;
    QString emptyText() const;
    QString summaryText() const;

signals:
    void flowActivated(std::uint32_t flowIndex);
    void triageRequested();

private:
    void showSelected();
    void updateSummary();

    ChangesModel* m_model;
    QSortFilterProxyModel* m_filter;
    QLineEdit* m_search;
    QLabel* m_summary;
    QStackedWidget* m_stack;
    QSplitter* m_splitter;
    QTableView* m_table;
    ChangeDetail* m_detail;
    QLabel* m_empty;
};

} // namespace cepheid::ui
