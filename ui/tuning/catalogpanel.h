#pragma once

#include "session/snapshot.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace cepheid::ui {

// The catalog tab: the serverless platforms whose destinations Cepheid considers, each a name and an RE2 pattern
// matched against the whole hostname, with how many flows each one matches now. Cells edit in place; every change
// is requested through catalogEdited (TuningDock validates it and re-analyses), so a pattern RE2 refuses is never
// used.
class CatalogPanel : public QWidget
{
    Q_OBJECT

public:
    // The entry that makes every destination a candidate (what an empty result offers).
    static CatalogEntry anyDestination();

    explicit CatalogPanel(QWidget* parent = nullptr);
    void setSnapshot(SnapshotPtr snapshot);
    // Why the last edit was refused (shown above the table until the next edit), or empty.
    void showProblem(const QString& problem);
    QString problem() const;
    QTableWidget* view() const { return m_view; }

signals:
    void catalogEdited(const std::vector<cepheid::CatalogEntry>& catalog);

private:
    std::vector<CatalogEntry> entries() const;
    void fill(const std::vector<CatalogEntry>& catalog);

    SnapshotPtr m_snapshot;
    QTableWidget* m_view;
    QLabel* m_header;
    QLabel* m_problem;
    QPushButton* m_remove;
    bool m_filling = false;
    bool m_editLastRow = false; // Add was pressed: edit the new row once the re-analysis refills the table
};

} // namespace cepheid::ui
