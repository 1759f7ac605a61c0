#include "casesession.h"

#include "tuning/profilejson.h"

#include <QDateTime>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>

namespace cepheid::ui {

struct CaseSession::Result
{
    QString error;
    QStringList messages;
    std::unique_ptr<CaseFile> caseFile; // set when the job opened a case
    QString casePath;
    SnapshotPtr snapshot;
};

namespace {

TimestampUs now()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Builds the snapshot of a case: its events, flows, the analysis under its latest profile, its triage state.
std::shared_ptr<Snapshot> analyse(CaseFile& caseFile, EventTable&& events)
{
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->events = std::move(events);
    snapshot->flows = FlowIndex::build(snapshot->events);
    const auto versions = caseFile.profiles();
    std::string error;
    if (!versions.empty()) {
        if (auto saved = parseProfile(versions.back().json, error))
            snapshot->profile = std::move(*saved);
    }
    auto analyzer = Analyzer::create(snapshot->profile, error);
    if (!analyzer) {
        snapshot->profile = Profile {};
        analyzer = Analyzer::create(snapshot->profile, error);
    }
    snapshot->analysis = analyzer->run(snapshot->events, snapshot->flows, now());
    snapshot->sources = caseFile.sources();
    for (TriageState& state : caseFile.triage())
        snapshot->triage[{ state.sourceIp, state.destination, state.processPath }] = std::move(state);
    return snapshot;
}

} // namespace

CaseSession::CaseSession(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<SnapshotPtr>();
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &CaseSession::finished);
}

CaseSession::~CaseSession()
{
    m_cancel = true;
    m_watcher.waitForFinished();
}

void CaseSession::start(std::function<Result()> job)
{
    m_running = true;
    m_cancel = false;
    emit busyChanged(true);
    auto result = std::make_shared<Result>();
    m_result = result;
    m_watcher.setFuture(QtConcurrent::run([job = std::move(job), result] { *result = job(); }));
}

void CaseSession::finished()
{
    const std::shared_ptr<Result> result = std::move(m_result);
    m_running = false;
    if (result->caseFile) {
        m_case = std::move(result->caseFile);
        m_casePath = result->casePath;
    }
    for (const QString& text : result->messages)
        emit message(text);
    if (result->snapshot) {
        m_snapshot = result->snapshot;
        emit snapshotReady(m_snapshot);
    }
    if (!result->error.isEmpty())
        emit failed(result->error);
    emit busyChanged(false);
}

void CaseSession::openCase(const QString& path, bool create)
{
    if (m_running) {
        emit failed(tr("Cepheid is still working on the previous request."));
        return;
    }
    start([path, create] {
        Result result;
        std::string error;
        auto caseFile
            = CaseFile::open(path.toStdString(), create ? CaseFile::Mode::Create : CaseFile::Mode::ReadWrite, error);
        if (!caseFile) {
            result.error = QString::fromStdString(error);
            return result;
        }
        try {
            EventTable events;
            caseFile->loadEvents(events);
            result.snapshot = analyse(*caseFile, std::move(events));
            result.caseFile = std::move(caseFile);
            result.casePath = path;
        } catch (const sql::Error& problem) {
            result.error = path + QStringLiteral(": ") + QString::fromUtf8(problem.what());
        }
        return result;
    });
}

void CaseSession::importFiles(const QStringList& paths)
{
    if (m_running) {
        emit failed(tr("Cepheid is still working on the previous request."));
        return;
    }
    if (!m_case) {
        emit failed(tr("Open or create a case before importing."));
        return;
    }
    CaseFile* caseFile = m_case.get();
    start([this, caseFile, paths] {
        Result result;
        try {
            EventTable events;
            caseFile->loadEvents(events);
            for (int i = 0; i < paths.size(); ++i) {
                ImportOptions options;
                options.cancel = &m_cancel;
                const qint64 before = static_cast<qint64>(events.size());
                options.progress
                    = [this, i, files = paths.size(), before, &events](std::uint64_t done, std::uint64_t total) {
                          // At most about 20 updates a second reach the GUI thread.
                          const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
                          if (nowMs - m_lastProgressMs.load() < 50 && done < total)
                              return;
                          m_lastProgressMs = nowMs;
                          const qint64 count = static_cast<qint64>(events.size()) - before;
                          QMetaObject::invokeMethod(
                              this,
                              [this, done, total, count, i, files] {
                                  emit progress(qint64(done), qint64(total), count, i, files);
                              },
                              Qt::QueuedConnection);
                      };
                std::string error;
                const auto imported = caseFile->importFile(paths[i].toStdString(), events, error, options);
                if (!imported) {
                    // The case is unchanged for this file; show what it holds now. A cancel is what the analyst
                    // asked for, so it is reported, not raised as an error.
                    if (m_cancel)
                        result.messages << tr("Import of %1 cancelled; the case is unchanged.").arg(paths[i]);
                    else
                        result.error = QString::fromStdString(error);
                    EventTable reloaded;
                    caseFile->loadEvents(reloaded);
                    events = std::move(reloaded);
                    break;
                }
                if (imported->alreadyImported)
                    result.messages << tr("%1 is already in the case: nothing imported.").arg(paths[i]);
                else if (imported->summary.eventsRejected > 0)
                    result.messages << tr("%1: %2 events imported, %3 records rejected.")
                                           .arg(paths[i])
                                           .arg(imported->summary.eventsRead)
                                           .arg(imported->summary.eventsRejected);
            }
            result.snapshot = analyse(*caseFile, std::move(events));
        } catch (const sql::Error& problem) {
            result.error = QString::fromUtf8(problem.what());
        }
        return result;
    });
}

void CaseSession::cancel()
{
    m_cancel = true;
}

QString CaseSession::rawRecord(EventIndex event) const
{
    if (m_running || !m_case || !m_snapshot || event >= m_snapshot->events.size())
        return {};
    const SourceReference source = m_snapshot->events.source(event);
    const auto text = m_case->rawRecord(source.fileIndex, source.byteOffset);
    return text ? QString::fromStdString(*text) : QString();
}

TriageMap CaseSession::setTriage(const std::vector<TriageState>& states)
{
    if (m_running || !m_case)
        throw sql::Error("the case is busy");
    for (const TriageState& state : states)
        m_case->setTriage(state);
    TriageMap triage;
    for (TriageState& state : m_case->triage())
        triage[{ state.sourceIp, state.destination, state.processPath }] = std::move(state);
    return triage;
}

std::vector<Reject> CaseSession::rejects(std::int64_t sourceId) const
{
    if (m_running || !m_case)
        return {};
    return m_case->rejects(sourceId);
}

} // namespace cepheid::ui
