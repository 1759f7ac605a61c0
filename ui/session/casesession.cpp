#include "casesession.h"

#include "clickhouse/clickhouseevents.h"
#include "ingest/importlimits.h"
#include "ingest/readers.h"
#include "tuning/profilejson.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <chrono>
#include <iterator>
#include <new>

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

TimestampUs systemNow()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

double millisecondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The what-if delta of a snapshot against its saved baseline.
void computeDelta(Snapshot& snapshot)
{
    const auto alerting = alertingFlows(snapshot.analysis, snapshot.profile.score);
    snapshot.added.clear();
    snapshot.removed.clear();
    std::set_difference(alerting.begin(), alerting.end(), snapshot.savedAlerting.begin(), snapshot.savedAlerting.end(),
        std::back_inserter(snapshot.added));
    std::set_difference(snapshot.savedAlerting.begin(), snapshot.savedAlerting.end(), alerting.begin(), alerting.end(),
        std::back_inserter(snapshot.removed));
}

// The snapshot of a case, through the pipeline cepheid-cli runs too (core/findings/caseanalysis.h): its events
// and flows, the analysis under its newest saved profile (the what-if baseline), then under the working profile
// when that differs, and its triage state. A saved profile that cannot be read refuses the case, as in the CLI.
Expected<SnapshotPtr> analyse(
    CaseFile& caseFile, EventTable&& events, const std::optional<Profile>& working, TimestampUs now)
{
    auto result = analyseCase(caseFile, std::move(events), working, now);
    if (!result)
        return failure(result.error());
    auto snapshot = std::make_shared<Snapshot>(std::move(result->data));
    snapshot->savedProfile = std::move(result->saved.profile);
    snapshot->savedVersion = result->saved.version;
    snapshot->profile = result->profile();
    snapshot->analysis = std::move(result->analysis);
    snapshot->cloud = std::move(result->cloud);
    snapshot->triage = std::move(result->triage);
    snapshot->engineMilliseconds = result->engineMilliseconds;
    snapshot->evaluatedAt = now;
    snapshot->savedAlerting = std::move(result->savedAlerting);
    computeDelta(*snapshot);
    return SnapshotPtr(std::move(snapshot));
}

} // namespace

CaseSession::CaseSession(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<SnapshotPtr>();
    m_clock = systemNow;
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &CaseSession::finished);
    connect(&m_tuneWatcher, &QFutureWatcher<void>::finished, this, &CaseSession::tuningFinished);
}

CaseSession::~CaseSession()
{
    m_cancel = true;
    m_watcher.waitForFinished();
    m_tuneWatcher.waitForFinished();
}

void CaseSession::setClock(std::function<TimestampUs()> clock)
{
    m_clock = clock ? std::move(clock) : systemNow;
}

void CaseSession::start(std::function<Result()> job)
{
    m_running = true;
    m_cancel = false;
    emit busyChanged(true);
    auto result = std::make_shared<Result>();
    m_result = result;
    // Whatever a job throws becomes its error: an exception lost inside QtConcurrent would leave the window waiting
    // with nothing said.
    m_watcher.setFuture(QtConcurrent::run([job = std::move(job), result] {
        try {
            *result = job();
        } catch (const std::bad_alloc&) {
            *result = Result {};
            result->error = tr("Out of memory: the case is unchanged. A lower events limit (the setting "
                               "limits/events, docs/security.md) keeps an import within this machine's memory.");
        } catch (const std::exception& problem) {
            *result = Result {};
            result->error = QString::fromUtf8(problem.what());
        }
    }));
}

void CaseSession::finished()
{
    const std::shared_ptr<Result> result = std::move(m_result);
    m_running = false;
    const bool opened = result->caseFile != nullptr;
    if (opened) {
        m_case = std::move(result->caseFile);
        m_casePath = result->casePath;
    }
    for (const QString& text : result->messages)
        emit message(text);
    if (result->snapshot) {
        m_snapshot = result->snapshot;
        if (opened) {
            m_working = m_snapshot->profile;
            m_tunePending = false; // tuning of the previous case does not carry over
        }
        emit snapshotReady(m_snapshot);
        if (opened)
            emit profileReplaced();
    }
    if (!result->error.isEmpty())
        emit failed(result->error);
    emit busyChanged(false);
    if (m_tunePending && !m_tuning)
        startTuning();
}

void CaseSession::tune(const Profile& profile)
{
    if (!m_snapshot) {
        emit failed(tr("Open a case before tuning."));
        return;
    }
    m_working = profile;
    m_tunePending = true;
    if (!m_tuning && !m_running)
        startTuning();
    emit tuningChanged(true);
}

void CaseSession::replaceProfile(const Profile& profile)
{
    tune(profile);
    emit profileReplaced();
}

void CaseSession::startTuning()
{
    m_tunePending = false;
    m_tuning = true;
    auto result = std::make_shared<Result>();
    m_tuneResult = result;
    m_tuneWatcher.setFuture(QtConcurrent::run([base = m_snapshot, profile = m_working, now = m_clock(), result] {
        try {
            const auto analyzer = Analyzer::create(profile);
            if (!analyzer) {
                result->error = tr("The profile cannot be used: %1").arg(QString::fromStdString(analyzer.error()));
                return;
            }
            auto snapshot = std::make_shared<Snapshot>(*base);
            const auto started = std::chrono::steady_clock::now();
            snapshot->analysis = analyzer->rerun(base->analysis, base->profile, base->events, base->flows, now);
            // The changes' severities follow the profile's cloud weights and allowlist and which flows alert now.
            snapshot->cloud = analyseCloudChanges(
                base->events, base->flows, snapshot->analysis, profile, analyzer->allowlist(), now);
            snapshot->engineMilliseconds = millisecondsSince(started);
            snapshot->profile = profile;
            snapshot->evaluatedAt = now;
            computeDelta(*snapshot);
            result->snapshot = std::move(snapshot);
        } catch (const std::exception& problem) {
            result->snapshot.reset();
            result->error = QString::fromUtf8(problem.what());
        }
    }));
}

void CaseSession::tuningFinished()
{
    const std::shared_ptr<Result> result = std::move(m_tuneResult);
    m_tuning = false;
    // Stale when an import or another case replaced the data meanwhile: the pending request re-runs on the new one.
    const bool current = result->snapshot && m_snapshot && result->snapshot->data == m_snapshot->data;
    if (current) {
        // Keep the triage the case holds now (set while this ran), not the one this run started from.
        if (m_snapshot->triage != result->snapshot->triage) {
            auto snapshot = std::const_pointer_cast<Snapshot>(result->snapshot);
            snapshot->triage = m_snapshot->triage;
        }
        m_snapshot = result->snapshot;
        emit snapshotReady(m_snapshot);
    }
    if (!result->error.isEmpty())
        emit failed(result->error);
    if (m_tunePending && !m_running)
        startTuning();
    else
        emit tuningChanged(isTuning());
}

Expected<std::int64_t> CaseSession::saveProfile(const QString& author, const QString& note)
{
    if (m_running || !m_case || !m_snapshot)
        return failure("the case is busy");
    if (isTuning() || m_snapshot->profile != m_working)
        return failure("the profile is still being evaluated");
    const auto version = m_case->saveProfile(profileToJson(m_working), author.toStdString(), note.toStdString());
    if (!version)
        return failure(version.error());
    auto snapshot = std::make_shared<Snapshot>(*m_snapshot);
    snapshot->savedProfile = m_working;
    snapshot->savedVersion = *version;
    snapshot->savedAlerting = alertingFlows(snapshot->analysis, m_working.score);
    computeDelta(*snapshot);
    m_snapshot = std::move(snapshot);
    emit snapshotReady(m_snapshot);
    return *version;
}

std::vector<ProfileVersion> CaseSession::profileVersions() const
{
    if (m_running || !m_case)
        return {};
    return m_case->profiles().value_or(std::vector<ProfileVersion> {});
}

void CaseSession::openCase(const QString& path, bool create)
{
    if (m_running) {
        emit failed(tr("Cepheid is still working on the previous request."));
        return;
    }
    start([path, create, now = m_clock()] {
        Result result;
        auto caseFile = CaseFile::open(path.toStdString(), create ? CaseFile::Mode::Create : CaseFile::Mode::ReadWrite);
        if (!caseFile) {
            result.error = QString::fromStdString(caseFile.error());
            return result;
        }
        EventTable events;
        if (const auto loaded = (*caseFile)->loadEvents(events); !loaded) {
            result.error = QString::fromStdString(loaded.error());
            return result;
        }
        auto snapshot = analyse(**caseFile, std::move(events), std::nullopt, now);
        if (!snapshot) {
            result.error = QString::fromStdString(snapshot.error());
            return result;
        }
        result.snapshot = std::move(*snapshot);
        result.caseFile = std::move(*caseFile);
        result.casePath = path;
        return result;
    });
}

ImportLimits importLimitsFromSettings(QStringList& problems)
{
    ImportLimits limits;
    QSettings settings;
    settings.beginGroup(QStringLiteral("limits"));
    for (const ImportLimits::Description& limit : ImportLimits::descriptions()) {
        const QString name = QString::fromUtf8(limit.name.data(), static_cast<qsizetype>(limit.name.size()));
        if (!settings.contains(name))
            continue;
        const auto set = limits.set(QString(name + QLatin1Char('=') + settings.value(name).toString()).toStdString());
        if (!set)
            problems << QCoreApplication::translate("CaseSession", "Setting limits/%1 ignored: %2")
                            .arg(name, QString::fromStdString(set.error()));
    }
    return limits;
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
    QStringList settingProblems;
    const ImportLimits limits = importLimitsFromSettings(settingProblems);
    start([this, caseFile, paths, limits, settingProblems, working = m_working, now = m_clock()] {
        Result result;
        result.messages << settingProblems;
        EventTable events;
        if (const auto loaded = caseFile->loadEvents(events); !loaded) {
            result.error = QString::fromStdString(loaded.error());
            return result;
        }
        for (int i = 0; i < paths.size(); ++i) {
            ImportOptions options;
            options.limits = limits;
            options.cancel = &m_cancel;
            const qint64 before = static_cast<qint64>(events.size());
            options.progress
                = [this, i, files = paths.size(), before, &events](std::uint64_t done, std::uint64_t total) {
                      if (!progressDue(done >= total))
                          return;
                      const qint64 count = static_cast<qint64>(events.size()) - before;
                      QMetaObject::invokeMethod(
                          this,
                          [this, done, total, count, i, files] {
                              emit progress(qint64(done), qint64(total), count, i, files);
                          },
                          Qt::QueuedConnection);
                  };
            const auto imported = caseFile->importFile(paths[i].toStdString(), events, options);
            if (!imported) {
                if (!recoverFromFailedImport(*caseFile, imported.error(), paths[i], events, result))
                    return result;
                break;
            }
            const InputSummary& summary = imported->summary;
            if (imported->alreadyImported)
                result.messages << tr("%1 is already in the case: nothing imported.").arg(paths[i]);
            else if (!summary.readError.empty())
                result.messages << tr("%1: reading stopped part-way (%2); the %3 events before it are in the case.")
                                       .arg(paths[i], QString::fromStdString(summary.readError))
                                       .arg(summary.eventsRead);
            else if (summary.eventsRead == 0 && summary.bytesRead > 0 && summary.format != kEmptyFormat)
                result.messages << tr("%1: no event from %2 bytes (%3 records rejected).")
                                       .arg(paths[i])
                                       .arg(summary.bytesRead)
                                       .arg(summary.eventsRejected);
            else if (imported->summary.eventsRejected > 0)
                result.messages << tr("%1: %2 events imported, %3 records rejected.")
                                       .arg(paths[i])
                                       .arg(imported->summary.eventsRead)
                                       .arg(imported->summary.eventsRejected);
        }
        auto snapshot = analyse(*caseFile, std::move(events), working, now);
        if (snapshot)
            result.snapshot = std::move(*snapshot);
        else
            result.error = QString::fromStdString(snapshot.error());
        return result;
    });
}

void CaseSession::importFromClickHouse(const ClickHouseRequest& request)
{
    if (m_running) {
        emit failed(tr("Cepheid is still working on the previous request."));
        return;
    }
    if (!m_case) {
        emit failed(tr("Open or create a case before importing."));
        return;
    }
    auto endpoint = ClickHouseEndpoint::parse(request.url.trimmed().toStdString());
    if (!endpoint) {
        emit failed(QString::fromStdString(endpoint.error()));
        return;
    }
    endpoint->password = request.password.toStdString();
    endpoint->caFile = request.caFile.toStdString();
    ClickHouseSelection selection;
    if (request.caseMapping) {
        selection.mapping = *request.caseMapping;
    } else if (!request.mappingPath.isEmpty()) {
        auto mapping = ClickHouseMapping::fromFile(request.mappingPath.toStdString());
        if (!mapping) {
            emit failed(QString::fromStdString(mapping.error()));
            return;
        }
        selection.mapping = std::move(*mapping);
    }
    if (!request.table.trimmed().isEmpty())
        selection.mapping.table = request.table.trimmed().toStdString();
    if (const auto name = clickHouseTableName(selection.mapping.table); !name) {
        emit failed(tr("Table: %1").arg(QString::fromStdString(name.error())));
        return;
    }
    const auto microseconds = [](const QDateTime& time) { return time.toMSecsSinceEpoch() * 1000; };
    if (request.from.isValid())
        selection.from = microseconds(request.from);
    if (request.to.isValid())
        selection.to = microseconds(request.to);
    selection.where = request.where.trimmed().toStdString();

    CaseFile* caseFile = m_case.get();
    QStringList settingProblems;
    const ImportLimits limits = importLimitsFromSettings(settingProblems);
    ClickHouseFetchOptions options;
    options.memoryLimit = limits.memory;
    options.cancel = &m_cancel;
    options.progress = [this](std::uint64_t bytes) {
        if (progressDue())
            QMetaObject::invokeMethod(
                this, [this, bytes] { emit fetchProgress(qint64(bytes)); }, Qt::QueuedConnection);
    };
    options.serverProgress = [this](const ClickHouseServerProgress& server) {
        if (progressDue())
            QMetaObject::invokeMethod(
                this, [this, server] { emit serverProgress(qint64(server.readRows), qint64(server.totalRowsToRead)); },
                Qt::QueuedConnection);
    };
    // The working profile decides what is considered: what the analyst is looking at.
    CaseFile::RemoteSource source = clickHouseCaseSource(
        ClickHouseClient(std::move(*endpoint)), std::move(selection), m_working, std::move(options));
    source.replaces = request.replaces;
    start([this, caseFile, source = std::move(source), settingProblems, working = m_working, now = m_clock()] {
        Result result;
        result.messages << settingProblems;
        EventTable events;
        if (const auto loaded = caseFile->loadEvents(events); !loaded) {
            result.error = QString::fromStdString(loaded.error());
            return result;
        }
        const auto imported = caseFile->importRemote(source, events);
        const QString description = QString::fromStdString(source.description);
        if (!imported) {
            if (!recoverFromFailedImport(*caseFile, imported.error(), description, events, result))
                return result;
        } else if (imported->alreadyImported) {
            result.messages << (source.replaces
                    ? tr("%1 answers as before: the source's events are unchanged.").arg(description)
                    : tr("The same answer from %1 is already in the case: nothing imported.").arg(description));
        } else {
            result.messages << (source.replaces ? tr("%1 events fetched again from %2; they replace the source's.")
                                                : tr("%1 events imported from %2."))
                                   .arg(imported->summary.eventsRead)
                                   .arg(description);
        }
        auto snapshot = analyse(*caseFile, std::move(events), working, now);
        if (snapshot)
            result.snapshot = std::move(*snapshot);
        else
            result.error = QString::fromStdString(snapshot.error());
        return result;
    });
}

bool CaseSession::progressDue(bool last)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (!last && nowMs - m_lastProgressMs.load() < 50)
        return false;
    m_lastProgressMs = nowMs;
    return true;
}

bool CaseSession::recoverFromFailedImport(
    CaseFile& caseFile, const std::string& error, const QString& what, EventTable& events, Result& result)
{
    // A cancel is what the analyst asked for, so it is reported, not raised as an error.
    if (m_cancel)
        result.messages << tr("Import of %1 cancelled; the case is unchanged.").arg(what);
    else
        result.error = QString::fromStdString(error);
    EventTable reloaded;
    if (const auto loaded = caseFile.loadEvents(reloaded); !loaded) {
        result.error = QString::fromStdString(loaded.error());
        return false;
    }
    events = std::move(reloaded);
    return true;
}

Expected<ClickHouseRequest> refreshRequestFor(const CaseSource& source)
{
    if (!isRefreshableClickHouseSource(source))
        return failure(source.path + " is not a database source the case can ask again");
    auto stored = parseClickHouseRequest(source.request);
    if (!stored)
        return failure(source.path + ": " + stored.error());
    ClickHouseRequest request;
    request.url = QString::fromStdString(stored->url);
    request.caFile = QString::fromStdString(stored->caFile);
    request.table = QString::fromStdString(stored->selection.mapping.table);
    request.where = QString::fromStdString(stored->selection.where);
    const auto time = [](TimestampUs at) { return QDateTime::fromMSecsSinceEpoch(at / 1000, Qt::UTC); };
    if (stored->selection.from)
        request.from = time(*stored->selection.from);
    if (stored->selection.to)
        request.to = time(*stored->selection.to);
    request.caseMapping = std::move(stored->selection.mapping);
    request.replaces = source.id;
    return request;
}

bool choosesOtherDestinations(const CaseSource& source, const Profile& profile)
{
    if (!isRefreshableClickHouseSource(source))
        return false;
    const auto stored = parseClickHouseRequest(source.request);
    return stored && stored->chosenBy != clickHouseChooserKey(profile);
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
    return text && *text ? QString::fromStdString(**text) : QString();
}

Expected<TriageMap> CaseSession::updateTriage(const std::vector<TriageUpdate>& updates)
{
    if (m_running || !m_case)
        return failure("the case is busy");
    // One transaction: a failure keeps none of them.
    if (const auto updated = m_case->updateTriage(updates); !updated)
        return failure(updated.error());
    auto states = m_case->triage();
    if (!states)
        return failure(states.error());
    TriageMap triage;
    for (TriageState& state : *states)
        triage[{ state.sourceIp, state.destination, state.processPath }] = std::move(state);
    if (m_snapshot) {
        // The next snapshots (tuning re-runs) start from this one: they must carry the new triage.
        auto snapshot = std::make_shared<Snapshot>(*m_snapshot);
        snapshot->triage = triage;
        m_snapshot = std::move(snapshot);
    }
    return triage;
}

std::vector<Reject> CaseSession::rejects(std::int64_t sourceId) const
{
    if (m_running || !m_case)
        return {};
    return m_case->rejects(sourceId).value_or(std::vector<Reject> {});
}

} // namespace cepheid::ui
