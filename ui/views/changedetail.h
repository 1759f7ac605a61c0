#pragma once

#include "session/snapshot.h"

#include <QWidget>
#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTextBrowser;

namespace cepheid::ui {

// Everything about one cloud change finding. Summary: who, from where, what, when, the severity signal by signal,
// the allowlist entry that clears it, its triage, and the flows that reach the function (Enter, a double-click or
// Show Flow opens one in the findings). Calls: each audit record of the change with its original record, as the
// Events tab shows a flow's.
class ChangeDetail : public QWidget
{
    Q_OBJECT

public:
    enum Tab { SummaryTab, CallsTab };
    using RawRecordLookup = std::function<QString(EventIndex)>;

    explicit ChangeDetail(RawRecordLookup rawRecord, QWidget* parent = nullptr);
    // changeIndex into snapshot->cloud.changes; -1 shows none. The triage state, when given, is shown with its history.
    void setChange(SnapshotPtr snapshot, int changeIndex, const TriageState* triage = nullptr);
    int changeIndex() const { return m_changeIndex; }

    static QString buildSummaryHtml(const Snapshot& snapshot, const ChangeFinding& change, const TriageState* triage);

    // For tests and for the main window's actions.
    QTabWidget* tabs() const { return m_tabs; }
    QString summaryHtml() const;
    QTableWidget* linksView() const { return m_links; }
    QTableWidget* callsView() const { return m_calls; }
    QPushButton* showFlowButton() const { return m_showFlow; }
    QPushButton* triageButton() const { return m_triage; }
    QString rawRecordText() const;
    // The flow of the linked-flows row that is current, or of the first one (-1: no link).
    std::int64_t chosenFlow() const;

signals:
    void flowActivated(std::uint32_t flowIndex);
    void triageRequested();

private:
    QWidget* summaryPage();
    QWidget* callsPage();
    void fillLinks(const ChangeFinding& change);
    void fillCalls(const ChangeFinding& change);
    void showRawRecord();
    void activateChosenFlow();

    RawRecordLookup m_rawRecord;
    SnapshotPtr m_snapshot;
    int m_changeIndex = -1;
    QTabWidget* m_tabs;
    QTextBrowser* m_summary;
    QLabel* m_linksHeader;
    QTableWidget* m_links;
    QPushButton* m_showFlow;
    QPushButton* m_triage;
    QTableWidget* m_calls;
    QPlainTextEdit* m_raw;
};

} // namespace cepheid::ui
