#pragma once

#include "session/casesession.h"

#include <QDockWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QTabWidget;

namespace cepheid::ui {

class AllowlistPanel;
class CatalogPanel;
class HistoryPanel;
class ThresholdsPanel;

// The tuning dock: thresholds, allowlist, the serverless catalog and the case's tuning history, over a header that
// states the what-if delta against the saved profile (+N new alerts, -M no longer alerting) and offers Save Version and
// Revert. Every edit goes to CaseSession::tune(), which re-analyses in the background; the dock never blocks.
class TuningDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit TuningDock(CaseSession* session, QWidget* parent = nullptr);

    // Opens the entry dialog pre-filled with `prefill` (the reason is what is left to say) and adds the entry.
    bool addAllowlistEntry(const AllowlistEntry& prefill);
    bool editAllowlistEntry(const QString& id);
    void removeAllowlistEntry(const QString& id);
    // Asks for a note and saves the working profile as the case's newest version.
    // The catalog: validated (RE2 must accept every pattern) before it is used; false, with the reason, when refused.
    bool tuneCatalog(const std::vector<CatalogEntry>& catalog, QString& error);
    bool considerAllDestinations(); // adds a pattern matching every hostname (false when already there)
    void showCatalog(); // shows the dock on its Catalog tab
    bool saveVersion();
    bool saveVersion(const QString& note, const QString& author);
    void revertToSaved();
    bool loadVersion(std::int64_t version);
    // The changes from one version to another; other == 0 is the working profile.
    QString compareVersions(std::int64_t version, std::int64_t other) const;
    // Profiles as files: the same JSON `cepheid-cli --profile` reads. Errors are returned, nothing is half-used.
    bool importProfile(const QString& path, QString& error);
    bool exportProfile(const QString& path, QString& error) const;

    ThresholdsPanel* thresholds() const { return m_thresholds; }
    AllowlistPanel* allowlist() const { return m_allowlist; }
    CatalogPanel* catalog() const { return m_catalog; }
    QLabel* whatIfLabel() const { return m_whatIf; }
    QTabWidget* tabs() const { return m_tabs; }

signals:
    void changedOnlyToggled(bool only);

private:
    void showSnapshot(const SnapshotPtr& snapshot);
    void updateHeader();
    void tuneAllowlist(const std::function<void(std::vector<AllowlistEntry>&)>& edit);

    CaseSession* m_session;
    SnapshotPtr m_snapshot;
    QLabel* m_whatIf;
    QPushButton* m_save;
    QPushButton* m_revert;
    QCheckBox* m_changedOnly;
    QTabWidget* m_tabs;
    ThresholdsPanel* m_thresholds;
    AllowlistPanel* m_allowlist;
    CatalogPanel* m_catalog;
    HistoryPanel* m_history;
    std::int64_t m_historyShownFor = -1;
};

} // namespace cepheid::ui
