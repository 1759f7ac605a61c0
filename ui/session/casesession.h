#pragma once

#include "clickhouse/clickhouserequest.h"
#include "snapshot.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>

namespace cepheid {
struct ImportLimits;
}

namespace cepheid::ui {

// The import limits (docs/security.md): the defaults, overridden by the settings limits/NAME (e.g.
// limits/decompressed-bytes=128G). A value that is not one is ignored and said in problems.
ImportLimits importLimitsFromSettings(QStringList& problems);

// What File ▸ Import from ClickHouse… asks for (docs/clickhouse.md, "Cases"). The password lives only here, for
// the one import: it is never written to the settings, the case or a profile.
struct ClickHouseRequest
{
    QString url; // http[s]://[user@]host[:port][/database]
    QString password;
    QString caFile;
    QString table;
    QString mappingPath;
    QDateTime from, to; // invalid: unbounded
    QString where;
    // A refresh (refreshRequestFor): the mapping the case kept, used instead of mappingPath (the table above still
    // wins over its table), and the database source whose events the answer replaces.
    std::optional<ClickHouseMapping> caseMapping;
    std::optional<std::int64_t> replaces;
};

// The request that asks a case's database source again (docs/clickhouse.md, "Refreshing a case source"): its server,
// selection and time range as the case kept them, without a password. Refused when the source is a file or the
// case's record of it cannot be read.
Expected<ClickHouseRequest> refreshRequestFor(const CaseSource& source);
// Whether `profile` would choose other destinations than the ones a database source's answer was fetched for (its
// rule regex or catalog changed): the case may lack events the profile now considers, until the source is refreshed.
bool choosesOtherDestinations(const CaseSource& source, const Profile& profile);

// One open case and the jobs that read it. Engine work (open, import, analyse) runs on a worker thread; the
// GUI thread only receives progress and finished snapshots. One job at a time: a request made while a job runs
// is refused through failed(), and cancel() stops the running import, leaving the case as it was.
//
// Tuning: tune() sets the working profile and re-analyses on its own worker without touching the case file.
// Requests coalesce: while one re-analysis runs, only the newest waits, so dragging a slider never queues up
// stale work. The what-if baseline is the case's newest saved profile version; saveProfile() adds a version.
class CaseSession : public QObject
{
    Q_OBJECT

public:
    explicit CaseSession(QObject* parent = nullptr);
    ~CaseSession() override;

    bool isBusy() const { return m_running; }
    QString casePath() const { return m_casePath; }
    SnapshotPtr snapshot() const { return m_snapshot; }

    // Opens an existing case (or creates it when create is true) and analyses it.
    void openCase(const QString& path, bool create = false);
    // Imports exports into the open case, then analyses again.
    void importFiles(const QStringList& paths);
    // Imports what the working profile considers in a ClickHouse table as one source, then analyses again. A request
    // that cannot be used (a bad URL, an unreadable mapping) is refused through failed() before anything is asked.
    // With request.replaces, the answer replaces that source's events (a refresh); a failure or cancel leaves them.
    void importFromClickHouse(const ClickHouseRequest& request);
    void cancel();

    // The profile the next analysis uses: the case's newest saved version once opened, then every tune().
    const Profile& workingProfile() const { return m_working; }
    // Re-analyses the open case under `profile` (coalesced, latest wins). The profile must be valid
    // (validateProfile); an invalid one is refused through failed().
    void tune(const Profile& profile);
    // tune() for a profile that replaces the editors' content (a loaded version, an imported file).
    void replaceProfile(const Profile& profile);
    bool isTuning() const { return m_tuning || m_tunePending; }
    // Saves the working profile as the case's newest version, the new what-if baseline, and returns its id. Refused,
    // with the reason, during a job, while a re-analysis is pending, or when the case refuses it.
    Expected<std::int64_t> saveProfile(const QString& author, const QString& note);
    std::vector<ProfileVersion> profileVersions() const;
    // The clock that decides allowlist expiry (tests inject one).
    void setClock(std::function<TimestampUs()> clock);

    // The original text of an event's record (read from the case; only between jobs).
    QString rawRecord(EventIndex event) const;
    // Writes triage states to the case and returns the case's whole triage map. Refused, with the reason and nothing
    // written, during a job or when the case refuses them.
    Expected<TriageMap> updateTriage(const std::vector<TriageUpdate>& updates);

    // Every reject of an imported file (only between jobs).
    std::vector<Reject> rejects(std::int64_t sourceId) const;

signals:
    void busyChanged(bool busy);
    // bytes of the current file done/total, events so far, which file of how many
    void progress(qint64 done, qint64 total, qint64 events, int file, int files);
    // bytes of a ClickHouse answer received so far (its size is not known ahead)
    void fetchProgress(qint64 bytes);
    // rows the ClickHouse server has read for the running query, of how many (0: not known), while it works
    void serverProgress(qint64 rowsRead, qint64 rowsToRead);
    void snapshotReady(cepheid::ui::SnapshotPtr snapshot);
    // A job failed or was refused; the previous snapshot stays valid.
    void failed(const QString& message);
    // Informational messages (file already imported, records rejected, cancelled).
    void message(const QString& text);
    // The working profile was replaced as a whole (case opened, version loaded, file imported): editors reload.
    void profileReplaced();
    void tuningChanged(bool tuning);

private:
    struct Result;
    void start(std::function<Result()> job);
    void finished();
    void startTuning();
    void tuningFinished();
    // On the worker. Whether a progress update may go to the GUI thread now: about 20 a second, and the last one.
    bool progressDue(bool last = false);
    // On the worker, after an import that failed or was cancelled (the case is unchanged): says so in `result` and
    // reads the case back into `events`. False when even that fails (result.error says why).
    bool recoverFromFailedImport(
        CaseFile& caseFile, const std::string& error, const QString& what, EventTable& events, Result& result);

    QString m_casePath;
    std::unique_ptr<CaseFile> m_case; // touched by the worker during a job, by the GUI thread between jobs
    SnapshotPtr m_snapshot;
    QFutureWatcher<void> m_watcher;
    std::shared_ptr<Result> m_result;
    std::atomic<bool> m_cancel { false };
    std::atomic<qint64> m_lastProgressMs { 0 };
    bool m_running = false;

    Profile m_working;
    std::function<TimestampUs()> m_clock;
    QFutureWatcher<void> m_tuneWatcher;
    std::shared_ptr<Result> m_tuneResult;
    bool m_tuning = false;
    bool m_tunePending = false;
};

} // namespace cepheid::ui

Q_DECLARE_METATYPE(cepheid::ui::SnapshotPtr)
