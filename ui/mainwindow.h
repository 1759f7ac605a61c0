#pragma once

#include "models/findingsmodel.h"
#include "session/caseexport.h"
#include "session/casesession.h"
#include "triage/triagedialog.h"
#include "tuning/allowlistentrydialog.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMainWindow>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTimer;

namespace cepheid::ui {

class ChangesView;
class DatabaseSourceBar;
class FindingsFilter;
class FindingsModel;
class FlowDetail;
class TuningDock;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // The paths the menu, drag and drop and the command line all take.
    void openCase(const QString& path, bool create = false);
    void importFiles(const QStringList& paths);
    // File ▸ Import from ClickHouse… once the dialog is accepted (into a new case when none is open).
    void importFromClickHouse(const ClickHouseRequest& request);
    void openPaths(const QStringList& paths); // cases open, anything else is imported
    // Applies a triage edit to every selected finding, in the case, keeping each change in its history; what
    // Finding > Set Triage does. The three-argument form sets status and replaces the notes.
    bool setTriageForSelection(const TriageEdit& edit);
    bool setTriageForSelection(const QString& status, const QString& notes, const QString& analyst);
    // The same for cloud changes (indexes into Snapshot::cloud.changes), kept in the case's triage table under
    // changeTriageKey; what Set Triage does on the Cloud changes page.
    bool setTriageForChanges(const std::vector<int>& changes, const TriageEdit& edit);
    // The findings page with the flow's finding highlighted (filters that hide it are cleared, and the status bar
    // says so). False when the flow is no finding.
    bool selectFlow(std::uint32_t flowIndex);
    // The Cloud changes page with changes[changeIndex] highlighted.
    bool showChange(int changeIndex);
    // "Allowlist this destination / process on this host / flow…": the entry dialog pre-filled from a flow,
    // asking only for the reason. What the finding and lane context menus do.
    bool allowlistFlow(std::uint32_t flowIndex, AllowlistEntryDialog::Kind kind);
    // The same for the current finding of the table.
    bool allowlistCurrentFinding(AllowlistEntryDialog::Kind kind);

    // File ▸ Export: the alerting findings (CSV, JSON) or the malicious ones (STIX) to a file, the tuned rule and
    // its reference lists to a folder. False, with a message, when nothing was written.
    bool exportFindingsTo(FindingsFormat format, const QString& path);
    bool exportTunedRuleTo(const QString& folder);
    // File ▸ Export ▸ Case Report (Ctrl+P): the report dialog over the current snapshot and the table's selection,
    // shown without blocking; null when there is nothing to report yet.
    class ReportDialog* showReportDialog();

    CaseSession* session() const { return m_session; }
    FindingsModel* findingsModel() const { return m_model; }
    FindingsFilter* findingsFilter() const { return m_filter; }
    QTableView* findingsView() const { return m_table; }
    FlowDetail* flowDetail() const { return m_detail; }
    // The two pages of an open case: the findings (table and flow detail) and the cloud changes.
    enum Page { FindingsPage, ChangesPage };
    QTabWidget* views() const { return m_views; }
    ChangesView* changesView() const { return m_changes; }
    TuningDock* tuningDock() const { return m_tuning; }
    QCheckBox* showAllowlistedToggle() const { return m_showAllowlisted; }
    // The page shown instead of an empty table, and its text and buttons (for tests).
    bool showsNoFindings() const;
    QString noFindingsText() const;
    QPushButton* considerAllButton() const { return m_considerAll; }
    QPushButton* editCatalogButton() const { return m_editCatalog; }
    static QString samplePath();
    // Help ▸ Keyboard Shortcuts: (action, keys) for every action with a shortcut and the keys views handle.
    QList<QPair<QString, QString>> shortcutList() const;
    QLineEdit* searchField() const { return m_search; }

    // File ▸ Verify Case: reads the whole case back (CaseFile::verify) on a worker, through its own read-only
    // connection; caseVerified tells the result, which is also shown. False when no case is open.
    bool verifyCase();

signals:
    void caseVerified(const QStringList& problems, qulonglong events);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void fitScreen();
    void createActions();
    QWidget* createEmptyState();
    QWidget* createViews();
    QWidget* createWorkbench();
    void updateViewTabs();
    void goToLinked(); // Ctrl+J: from a finding to its most severe change, from a change to its chosen flow
    QWidget* createNoFindings();
    void updateEmptyState();
    void showSnapshot(SnapshotPtr snapshot);
    void showSelectedFinding();
    void followTable();
    void showHiddenFinding();
    void showRow(int sourceRow); // the detail pane shows this finding (-1: none)
    int chosenRow() const; // the highlighted finding row actions act on (source row, -1: none)
    std::vector<FindingsModel::TriageKey> selectedFlowKeys() const;
    std::vector<FindingsModel::TriageKey> changeKeys(const std::vector<int>& changes) const;
    bool setTriageFor(const std::vector<FindingsModel::TriageKey>& flows, const TriageEdit& edit);
    void clearFilters();
    void showShortcuts();
    void setBusy(bool busy);
    void showProgress(qint64 done, qint64 total, qint64 events, int file, int files);
    void showFetchProgress(qint64 bytes);
    void showServerProgress(qint64 rowsRead, qint64 rowsToRead);
    // File ▸ Refresh from ClickHouse… and the source bar: asks a database source of the case again. `requery` sends
    // the request at once when this run knows the server's password; otherwise, and for a refresh, the form opens.
    void refreshDatabaseSource(std::int64_t sourceId, bool requery);
    void showRejects();
    void editTriage();
    void createTuningActions();
    // Before the working profile is dropped (closing, opening another case): offers to save unsaved tuning.
    // False when the analyst cancels.
    bool maybeKeepTuning();
    void showFlowMenu(std::uint32_t flowIndex, const QPoint& globalPosition);
    void rememberRecent(const QString& path);
    void updateRecentMenu();
    QString temporaryCasePath() const;

    CaseSession* m_session;
    FindingsModel* m_model;
    FindingsFilter* m_filter;
    QStackedWidget* m_pages;
    QTabWidget* m_views = nullptr;
    ChangesView* m_changes = nullptr;
    QSplitter* m_splitter = nullptr;
    bool m_splitterRestored = false;
    QTableView* m_table = nullptr;
    QStackedWidget* m_tableStack = nullptr;
    QLabel* m_noFindingsText = nullptr;
    QPushButton* m_considerAll = nullptr;
    QPushButton* m_editCatalog = nullptr;
    QPushButton* m_clearFiltersButton = nullptr;
    FlowDetail* m_detail = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_verdict = nullptr;
    QComboBox* m_triage = nullptr;
    QComboBox* m_platform = nullptr;
    QComboBox* m_source = nullptr; // the findings filter by case file
    QCheckBox* m_fired = nullptr;
    QCheckBox* m_disagree = nullptr;
    QCheckBox* m_showAllowlisted = nullptr;
    TuningDock* m_tuning = nullptr;
    QLabel* m_summary = nullptr;
    QProgressBar* m_progress;
    QLabel* m_progressText;
    QPushButton* m_rejects;
    QTimer* m_progressDelay;
    QElapsedTimer m_jobClock;
    QMenu* m_recentMenu = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_clickHouseAction = nullptr;
    QAction* m_refreshClickHouseAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_clearFiltersAction = nullptr;
    int m_shownRow = -1; // the source row the detail pane shows (or says is hidden)
    bool m_hiddenShown = false; // the detail pane says m_shownRow is hidden by a filter
    QStringList m_pendingImports; // imports waiting for the case that is being created
    std::optional<ClickHouseRequest> m_pendingClickHouse; // the same for File ▸ Import from ClickHouse…
    DatabaseSourceBar* m_sourceBar = nullptr;
    bool m_caseOpening = false; // the next snapshot is that of a case being opened: the bar offers a refresh
    // The passwords given for ClickHouse servers in this run, by URL, so that a re-query after tuning need not ask
    // again. Only in memory; a failed request forgets its server's.
    QHash<QString, QString> m_clickHousePasswords;
    QString m_lastClickHouseUrl;
};

} // namespace cepheid::ui
