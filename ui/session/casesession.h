#pragma once

#include "snapshot.h"

#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>

namespace cepheid::ui {

// One open case and the jobs that read it. Engine work (open, import, analyse) runs on a worker thread; the
// GUI thread only receives progress and finished snapshots. One job at a time: a request made while a job runs
// is refused through failed(), and cancel() stops the running import, leaving the case as it was.
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
    void cancel();

    // The original text of an event's record (read from the case; only between jobs).
    QString rawRecord(EventIndex event) const;
    // Writes triage states to the case and returns the case's whole triage map (only between jobs; throws
    // sql::Error when the case refuses them).
    TriageMap setTriage(const std::vector<TriageState>& states);

    // Every reject of an imported file (only between jobs).
    std::vector<Reject> rejects(std::int64_t sourceId) const;

signals:
    void busyChanged(bool busy);
    // bytes of the current file done/total, events so far, which file of how many
    void progress(qint64 done, qint64 total, qint64 events, int file, int files);
    void snapshotReady(cepheid::ui::SnapshotPtr snapshot);
    // A job failed or was refused; the previous snapshot stays valid.
    void failed(const QString& message);
    // Informational messages (file already imported, records rejected, cancelled).
    void message(const QString& text);

private:
    struct Result;
    void start(std::function<Result()> job);
    void finished();

    QString m_casePath;
    std::unique_ptr<CaseFile> m_case; // touched by the worker during a job, by the GUI thread between jobs
    SnapshotPtr m_snapshot;
    QFutureWatcher<void> m_watcher;
    std::shared_ptr<Result> m_result;
    std::atomic<bool> m_cancel { false };
    std::atomic<qint64> m_lastProgressMs { 0 };
    bool m_running = false;
};

} // namespace cepheid::ui

Q_DECLARE_METATYPE(cepheid::ui::SnapshotPtr)
