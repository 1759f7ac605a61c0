#pragma once

#include "findings/allowlistsuggestions.h"
#include "session/snapshot.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTableWidget;

namespace cepheid::ui {

class AllowlistModel;

// The allowlist tab: the entries with their hit counts and expiry, and the fleet software Cepheid suggests
// allowlisting with what each suggestion would hide. Edits are requested through signals (TuningDock does them).
class AllowlistPanel : public QWidget
{
    Q_OBJECT

public:
    explicit AllowlistPanel(QWidget* parent = nullptr);
    void setSnapshot(SnapshotPtr snapshot);

    AllowlistModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    const std::vector<AllowlistSuggestion>& suggestions() const { return m_suggestions; }

signals:
    void addRequested();
    void editRequested(const QString& id);
    void removeRequested(const QString& id);
    void suggestionChosen(const cepheid::AllowlistEntry& entry);

private:
    QString selectedId() const;

    AllowlistModel* m_model;
    QTableView* m_view;
    QPushButton* m_edit;
    QPushButton* m_remove;
    QTableWidget* m_suggestionView;
    QLabel* m_suggestionHeader;
    std::vector<AllowlistSuggestion> m_suggestions;
};

} // namespace cepheid::ui
