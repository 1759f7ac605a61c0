// cepheid-cli and the workbench analyse a case through one pipeline (core/findings/caseanalysis.h): the same case
// and profile give the same findings in both, and a saved profile that cannot be read refuses the case in both.

#include "cases/casefile.h"
#include "session/casesession.h"
#include "testsupport.h"
#include "tuning/profilejson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <cmath>

using namespace cepheid;
using namespace cepheid::test;

namespace {

constexpr TimestampUs kNow = 1'741'132'800'000'000; // 2025-03-05T00:00:00Z
constexpr int kTimeoutMs = 120000;

CliRun cli(const QStringList& arguments)
{
    CliRunOptions options;
    options.timeoutMs = kTimeoutMs;
    return runCepheidCli(arguments, options);
}

// One line per finding: the flow, the rule's outcome, the score (as the JSON report rounds it) and its verdict.
QString findingLine(const QString& source, const QString& destination, const QString& process, bool fires, double score,
    const QString& verdict)
{
    return QStringLiteral("%1 -> %2 [%3] fires=%4 score=%5 %6")
        .arg(source, destination, process)
        .arg(fires)
        .arg(std::round(score * 1000) / 1000, 0, 'f', 3)
        .arg(verdict);
}

QStringList cliFindings(const QByteArray& report)
{
    QStringList lines;
    for (const QJsonValue flow : QJsonDocument::fromJson(report).object().value(QStringLiteral("flows")).toArray()) {
        const QJsonObject object = flow.toObject();
        const QJsonObject beacon = object.value(QStringLiteral("beacon")).toObject();
        lines << findingLine(object.value(QStringLiteral("src_ip")).toString(),
            object.value(QStringLiteral("dest_host")).toString(), object.value(QStringLiteral("proc_path")).toString(),
            object.value(QStringLiteral("rule")).toObject().value(QStringLiteral("fires")).toBool(),
            beacon.value(QStringLiteral("score")).toDouble(), beacon.value(QStringLiteral("verdict")).toString());
    }
    lines.sort();
    return lines;
}

QStringList workbenchFindings(const ui::Snapshot& snapshot)
{
    QStringList lines;
    for (const Finding& finding : snapshot.analysis.findings) {
        const FlowKey& key = snapshot.flows.flow(finding.flowIndex).key;
        const auto text = [&](StringId id) { return QString::fromStdString(std::string(snapshot.events.text(id))); };
        lines << findingLine(text(key.sourceIp), text(key.destination), text(key.processPath), finding.rule.fires,
            finding.beacon.score, QString::fromUtf8(verdictName(finding.beacon.verdict).data()));
    }
    lines.sort();
    return lines;
}

// A case holding the bundled sample, and `profile` saved in it when given.
QString sampleCase(QTemporaryDir& directory, const std::optional<std::string>& profileJson)
{
    const QString path = directory.filePath(QStringLiteral("pipeline.cepheid"));
    auto caseFile = CaseFile::open(path.toStdString(), CaseFile::Mode::Create);
    if (!caseFile)
        qFatal("%s", caseFile.error().c_str());
    EventTable events;
    const auto imported = (*caseFile)->importFile(
        sourcePath(QStringLiteral("resources/samples/chronicle-udm-sample.ndjson.gz")).toStdString(), events);
    if (!imported)
        qFatal("%s", imported.error().c_str());
    if (profileJson)
        if (const auto saved = (*caseFile)->saveProfile(*profileJson, "tester", "tuned"); !saved)
            qFatal("%s", saved.error().c_str());
    return path;
}

// Opens the case in a CaseSession as the workbench does; returns its snapshot, or null with the failure said.
ui::SnapshotPtr openInWorkbench(const QString& path, QString& failure)
{
    ui::CaseSession session;
    session.setClock([] { return kNow; });
    QSignalSpy failed(&session, &ui::CaseSession::failed);
    session.openCase(path);
    if (!QTest::qWaitFor([&] { return !session.isBusy(); }, kTimeoutMs))
        qFatal("the workbench did not finish opening the case");
    failure = failed.isEmpty() ? QString() : failed.first().first().toString();
    return session.casePath().isEmpty() ? nullptr : session.snapshot();
}

} // namespace

class TestCasePipeline : public QObject
{
    Q_OBJECT

private slots:
    void cliAndWorkbenchGiveTheSameFindings_data()
    {
        QTest::addColumn<bool>("tuned");
        QTest::newRow("no saved profile: the defaults") << false;
        QTest::newRow("a tuned profile saved in the case") << true;
    }

    void cliAndWorkbenchGiveTheSameFindings()
    {
        QFETCH(bool, tuned);
        QTemporaryDir directory;
        Profile profile;
        // Lower thresholds and the sliding windows: findings the defaults do not give, so a pipeline that ignored
        // the saved profile would differ.
        profile.score.likelyAt = 40;
        profile.score.possibleAt = 20;
        profile.rule.windows = WindowModel::Sliding;
        const QString path = sampleCase(directory, tuned ? std::optional(profileToJson(profile)) : std::nullopt);

        const CliRun run = cli({ QStringLiteral("score"), QStringLiteral("--case"), path, QStringLiteral("--all"),
            QStringLiteral("--now"), QStringLiteral("2025-03-05T00:00:00Z") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QStringList fromCli = cliFindings(run.out);

        QString failure;
        const ui::SnapshotPtr snapshot = openInWorkbench(path, failure);
        QVERIFY2(snapshot, qPrintable(failure));
        QCOMPARE(snapshot->savedVersion, tuned ? 1 : 0);
        QCOMPARE(snapshot->profile == profile, tuned);
        const QStringList fromWorkbench = workbenchFindings(*snapshot);

        QCOMPARE(fromCli.size(), 26);
        QCOMPARE(fromWorkbench, fromCli);
    }

    void unreadableSavedProfileRefusesTheCaseInBoth()
    {
        QTemporaryDir directory;
        const QString path = sampleCase(directory, std::string(R"({"score": {"likely_at": "high"}})"));

        const CliRun run = cli({ QStringLiteral("score"), QStringLiteral("--case"), path });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("saved profile 1 cannot be read")), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());

        QString failure;
        QVERIFY(!openInWorkbench(path, failure));
        QVERIFY2(failure.contains(QStringLiteral("saved profile 1 cannot be read")), qPrintable(failure));

        // A readable profile saved over it is what both use next.
        const QString profilePath = writeTestFile(directory, QStringLiteral("p.json"), profileToJson(Profile {}));
        QCOMPARE(
            cli({ QStringLiteral("score"), QStringLiteral("--case"), path, QStringLiteral("--profile"), profilePath })
                .exitCode,
            0);
        QVERIFY(openInWorkbench(path, failure));
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }
};

QTEST_MAIN(TestCasePipeline)
#include "tst_casepipeline.moc"
