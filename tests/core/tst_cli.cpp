#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QXmlStreamReader>

using namespace cepheid::test;

namespace {

using Run = CliRun;

Run cli(const QStringList& arguments, const QString& workingDirectory = QString())
{
    CliRunOptions options;
    options.workingDirectory = workingDirectory;
    options.timeoutMs = 120000;
    return runCepheidCli(arguments, options);
}

// Twelve connections from 10:10 to 12:40 on 2025-03-04, three hours: a flow the seed rule fires on. Ids start at
// firstId; process and destination are written into the JSON as given (escaped for JSON).
std::string firingSeries(int firstId, const std::string& process, const std::string& destination)
{
    std::string text;
    for (int i = 0; i < 12; ++i) {
        const std::string hour = (i < 4 ? "10:" : i < 8 ? "11:" : "12:") + std::to_string(10 + (i % 4) * 10) + ":00";
        text += udmEventWithProcess(firstId + i, "2025-03-04T" + hour + "Z", process, destination) + "\n";
    }
    return text;
}

// A firing beacon, the same traffic without a process path, and one broken record.
QString writeFixture(QTemporaryDir& directory)
{
    const std::string text = firingSeries(0, "C:\\\\Temp\\\\beacon.exe", "api.lab.workers.dev")
        + firingSeries(100, "", "api.lab.workers.dev") + "{\"metadata\": truncated\n";
    return writeTestFile(directory, QStringLiteral("fixture.ndjson"), text);
}

} // namespace

class CliTest : public QObject
{
    Q_OBJECT

private slots:
    void helpExplainsCommandsAndExitsZero()
    {
        const Run run = cli({ QStringLiteral("--help") });
        QCOMPARE(run.exitCode, 0);
        for (const char* text :
            { "score", "--profile", "--windows", "--all", "--output", "profile show", "Exit status" })
            QVERIFY2(run.out.contains(text), text);
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no command") << QStringList {};
        QTest::newRow("unknown command") << QStringList { QStringLiteral("frobnicate") };
        QTest::newRow("score without input") << QStringList { QStringLiteral("score") };
        QTest::newRow("unknown option") << QStringList { QStringLiteral("score"), QStringLiteral("--fast"),
            QStringLiteral("x") };
        QTest::newRow("bad window model")
            << QStringList { QStringLiteral("score"), QStringLiteral("--windows=tumbling"), QStringLiteral("x") };
        QTest::newRow("option without value")
            << QStringList { QStringLiteral("score"), QStringLiteral("x"), QStringLiteral("--profile") };
        QTest::newRow("profile without subcommand") << QStringList { QStringLiteral("profile") };
        QTest::newRow("unknown limit") << QStringList { QStringLiteral("score"), QStringLiteral("--limit"),
            QStringLiteral("ram=1G"), QStringLiteral("x") };
        QTest::newRow("limit that is not a size") << QStringList { QStringLiteral("import"), QStringLiteral("--case"),
            QStringLiteral("c.cepheid"), QStringLiteral("--limit=decompressed-bytes=lots"), QStringLiteral("x") };
        // Every command refuses an option it does not know, wherever it stands.
        QTest::newRow("unknown global option") << QStringList { QStringLiteral("--fast"), QStringLiteral("score") };
        QTest::newRow("unknown import option") << QStringList { QStringLiteral("import"), QStringLiteral("--case"),
            QStringLiteral("c.cepheid"), QStringLiteral("--fast"), QStringLiteral("x") };
        QTest::newRow("unknown report option") << QStringList { QStringLiteral("report"), QStringLiteral("--case"),
            QStringLiteral("c.cepheid"), QStringLiteral("--all") };
        QTest::newRow("unknown case info option") << QStringList { QStringLiteral("case"), QStringLiteral("info"),
            QStringLiteral("--fast"), QStringLiteral("c.cepheid") };
        QTest::newRow("unknown case verify option") << QStringList { QStringLiteral("case"), QStringLiteral("verify"),
            QStringLiteral("c.cepheid"), QStringLiteral("-x") };
        QTest::newRow("unknown case triage option")
            << QStringList { QStringLiteral("case"), QStringLiteral("triage"), QStringLiteral("c.cepheid"),
                   QStringLiteral("--flow=a,b,c"), QStringLiteral("--status=benign"), QStringLiteral("--notes=x") };
        QTest::newRow("unknown rule export option") << QStringList { QStringLiteral("rule"), QStringLiteral("export"),
            QStringLiteral("--output"), QStringLiteral("d"), QStringLiteral("--format=x") };
        QTest::newRow("unknown profile show option")
            << QStringList { QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("--all") };
        QTest::newRow("unknown profile diff option") << QStringList { QStringLiteral("profile"), QStringLiteral("diff"),
            QStringLiteral("a.json"), QStringLiteral("b.json"), QStringLiteral("--all") };
        QTest::newRow("option of another command") << QStringList { QStringLiteral("import"), QStringLiteral("--case"),
            QStringLiteral("c.cepheid"), QStringLiteral("--windows=hop"), QStringLiteral("x") };
        QTest::newRow("case without subcommand") << QStringList { QStringLiteral("case") };
        QTest::newRow("unknown case subcommand") << QStringList { QStringLiteral("case"), QStringLiteral("open") };
        QTest::newRow("rule without subcommand") << QStringList { QStringLiteral("rule") };
        QTest::newRow("case info with two files") << QStringList { QStringLiteral("case"), QStringLiteral("info"),
            QStringLiteral("a.cepheid"), QStringLiteral("b.cepheid") };
        QTest::newRow("triage status unknown") << QStringList { QStringLiteral("case"), QStringLiteral("triage"),
            QStringLiteral("c.cepheid"), QStringLiteral("--flow=a,b,c"), QStringLiteral("--status=done") };
        QTest::newRow("option value missing at the end")
            << QStringList { QStringLiteral("case"), QStringLiteral("triage"), QStringLiteral("c.cepheid"),
                   QStringLiteral("--flow=a,b,c"), QStringLiteral("--note") };
        QTest::newRow("score --min-score out of range") << QStringList { QStringLiteral("score"),
            QStringLiteral("--min-score"), QStringLiteral("-1"), QStringLiteral("x") };
    }
    // A usage error is one line saying what is wrong and one pointing at the help of the command it was in: never
    // the whole usage text.
    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, arguments);
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        const QStringList lines = run.err.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() == 2, qPrintable(run.err));
        QVERIFY2(lines[0].startsWith(u"cepheid-cli: "), qPrintable(run.err));
        QVERIFY2(lines[1].startsWith(u"See 'cepheid-cli") && lines[1].endsWith(u" --help'."), qPrintable(run.err));
    }

    void usageErrorsSayWhatIsWrong()
    {
        const auto firstLine = [](const QStringList& arguments) { return cli(arguments).err.section(u'\n', 0, 0); };
        QCOMPARE(firstLine({ QStringLiteral("score"), QStringLiteral("--fast"), QStringLiteral("x") }),
            QStringLiteral("cepheid-cli: unknown option '--fast'"));
        QCOMPARE(
            firstLine({ QStringLiteral("frobnicate") }), QStringLiteral("cepheid-cli: unknown command 'frobnicate'"));
        QCOMPARE(firstLine({}), QStringLiteral("cepheid-cli: no command given"));
        QCOMPARE(firstLine({ QStringLiteral("score"), QStringLiteral("x"), QStringLiteral("--profile") }),
            QStringLiteral("cepheid-cli: --profile needs a value"));
        QCOMPARE(firstLine({ QStringLiteral("score"), QStringLiteral("--windows=tumbling"), QStringLiteral("x") }),
            QStringLiteral("cepheid-cli: --windows must be hop or sliding, not 'tumbling'"));
        QCOMPARE(firstLine({ QStringLiteral("score"), QStringLiteral("--all=maybe"), QStringLiteral("x") }),
            QStringLiteral("cepheid-cli: --all is a flag: it takes no value, not 'maybe'"));
        QCOMPARE(firstLine({ QStringLiteral("profile"), QStringLiteral("frobnicate") }),
            QStringLiteral("cepheid-cli: profile needs a subcommand: show or diff"));
        const Run inScore = cli({ QStringLiteral("score"), QStringLiteral("--fast"), QStringLiteral("x") });
        QVERIFY2(inScore.err.endsWith(u"See 'cepheid-cli score --help'.\n"), qPrintable(inScore.err));
        const Run inTriage = cli({ QStringLiteral("case"), QStringLiteral("triage"), QStringLiteral("c.cepheid") });
        QVERIFY2(inTriage.err.endsWith(u"See 'cepheid-cli case triage --help'.\n"), qPrintable(inTriage.err));
    }

    // --help at any level prints that level's usage on standard output and exits 0, even after other arguments.
    void helpAtEveryLevelExitsZero_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("usage"); // the start of the usage line
        QTest::addColumn<QString>("option"); // an option that level documents
        QTest::newRow("top") << QStringList { QStringLiteral("--help") } << QStringLiteral("cepheid-cli score [")
                             << QStringLiteral("--version");
        QTest::newRow("-h") << QStringList { QStringLiteral("-h") } << QStringLiteral("cepheid-cli score [")
                            << QStringLiteral("--version");
        QTest::newRow("help command") << QStringList { QStringLiteral("help") } << QStringLiteral("cepheid-cli score [")
                                      << QStringLiteral("--version");
        QTest::newRow("score") << QStringList { QStringLiteral("score"), QStringLiteral("--help") }
                               << QStringLiteral("cepheid-cli score [") << QStringLiteral("--min-score N");
        QTest::newRow("score, after arguments")
            << QStringList { QStringLiteral("score"), QStringLiteral("--windows=tumbling"), QStringLiteral("x"),
                   QStringLiteral("--help") }
            << QStringLiteral("cepheid-cli score [") << QStringLiteral("--limit NAME=VALUE");
        QTest::newRow("import") << QStringList { QStringLiteral("import"), QStringLiteral("-h") }
                                << QStringLiteral("cepheid-cli import --case") << QStringLiteral("--ticket REF");
        QTest::newRow("report") << QStringList { QStringLiteral("report"), QStringLiteral("--help") }
                                << QStringLiteral("cepheid-cli report --case") << QStringLiteral("--select SELECTION");
        QTest::newRow("case") << QStringList { QStringLiteral("case"), QStringLiteral("--help") }
                              << QStringLiteral("cepheid-cli case info") << QStringLiteral("triage");
        QTest::newRow("case triage") << QStringList { QStringLiteral("case"), QStringLiteral("triage"),
            QStringLiteral("--help") }
                                     << QStringLiteral("cepheid-cli case triage FILE") << QStringLiteral("--note TEXT");
        QTest::newRow("help case triage")
            << QStringList { QStringLiteral("help"), QStringLiteral("case"), QStringLiteral("triage") }
            << QStringLiteral("cepheid-cli case triage FILE") << QStringLiteral("--note TEXT");
        QTest::newRow("case info") << QStringList { QStringLiteral("case"), QStringLiteral("info"),
            QStringLiteral("--help") }
                                   << QStringLiteral("cepheid-cli case info FILE") << QStringLiteral("FILE");
        QTest::newRow("case verify") << QStringList { QStringLiteral("case"), QStringLiteral("verify"),
            QStringLiteral("--help") }
                                     << QStringLiteral("cepheid-cli case verify FILE") << QStringLiteral("FILE");
        QTest::newRow("rule export") << QStringList { QStringLiteral("rule"), QStringLiteral("export"),
            QStringLiteral("--help") }
                                     << QStringLiteral("cepheid-cli rule export") << QStringLiteral("--output DIR");
        QTest::newRow("profile") << QStringList { QStringLiteral("profile"), QStringLiteral("--help") }
                                 << QStringLiteral("cepheid-cli profile show") << QStringLiteral("diff");
        QTest::newRow("profile diff") << QStringList { QStringLiteral("profile"), QStringLiteral("diff"),
            QStringLiteral("-h") } << QStringLiteral("cepheid-cli profile diff BEFORE AFTER")
                                      << QStringLiteral("PROFILE");
    }
    void helpAtEveryLevelExitsZero()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, usage);
        QFETCH(QString, option);
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        const QString text = QString::fromUtf8(run.out);
        QVERIFY2(text.startsWith(u"Usage:\n  " + usage), qPrintable(text));
        QVERIFY2(text.contains(option), qPrintable(text));
    }

    void versionIsPrinted()
    {
        const Run run = cli({ QStringLiteral("--version") });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("^cepheid-cli \\d+\\.\\d+\\.\\d+\n$"))
                     .match(QString::fromUtf8(run.out))
                     .hasMatch(),
            run.out.constData());
    }

    // "--" ends the options for every command that takes files: a file whose name starts with '-' is a file after
    // it, and an unknown option before it. An option's value is taken as given even when it starts with '-'.
    void doubleDashEndsOptionsForEveryCommand()
    {
        QTemporaryDir directory;
        const QString dir = directory.path();
        QVERIFY(QFile::copy(writeFixture(directory), directory.filePath(QStringLiteral("-e.ndjson"))));
        writeTestFile(directory, QStringLiteral("-a.json"), R"({"rule": {"min_events": 12}})");
        writeTestFile(directory, QStringLiteral("-b.json"), R"({"rule": {"min_events": 20}})");
        const QString now = QStringLiteral("--now=2026-01-01T00:00:00Z");

        QCOMPARE(cli({ QStringLiteral("score"), now, QStringLiteral("-e.ndjson") }, dir).exitCode, 2);
        const Run scored
            = cli({ QStringLiteral("score"), now, QStringLiteral("--"), QStringLiteral("-e.ndjson") }, dir);
        QCOMPARE(scored.exitCode, 0);
        QCOMPARE(scored.json()[u"inputs"].toArray().at(0).toObject()[u"path"].toString(), QStringLiteral("-e.ndjson"));
        QCOMPARE(scored.json()[u"flows"].toArray().size(), 2);

        // import: the case's name is --case's value, the input comes after "--".
        QCOMPARE(cli({ QStringLiteral("import"), QStringLiteral("--case"), QStringLiteral("-c.cepheid"),
                         QStringLiteral("-e.ndjson") },
                     dir)
                     .exitCode,
            2);
        const Run imported = cli({ QStringLiteral("import"), QStringLiteral("--case"), QStringLiteral("-c.cepheid"),
                                     QStringLiteral("--"), QStringLiteral("-e.ndjson") },
            dir);
        QCOMPARE(imported.exitCode, 0);
        QCOMPARE(imported.json()[u"events_in_case"].toInt(), 24);

        for (const char* command : { "info", "verify" }) {
            QCOMPARE(
                cli({ QStringLiteral("case"), QLatin1String(command), QStringLiteral("-c.cepheid") }, dir).exitCode, 2);
            QCOMPARE(cli({ QStringLiteral("case"), QLatin1String(command), QStringLiteral("--"),
                             QStringLiteral("-c.cepheid") },
                         dir)
                         .exitCode,
                0);
        }
        const Run triaged
            = cli({ QStringLiteral("case"), QStringLiteral("triage"), QStringLiteral("--flow"),
                      QStringLiteral(R"(10.0.0.5,api.lab.workers.dev,C:\Temp\beacon.exe)"), QStringLiteral("--status"),
                      QStringLiteral("benign"), QStringLiteral("--note"), QStringLiteral("-- not a separator"),
                      QStringLiteral("--"), QStringLiteral("-c.cepheid") },
                dir);
        QCOMPARE(triaged.exitCode, 0);
        QCOMPARE(triaged.json()[u"notes"].toString(), QStringLiteral("-- not a separator"));

        QCOMPARE(cli({ QStringLiteral("profile"), QStringLiteral("diff"), QStringLiteral("-a.json"),
                         QStringLiteral("-b.json") },
                     dir)
                     .exitCode,
            2);
        const Run diff = cli({ QStringLiteral("profile"), QStringLiteral("diff"), QStringLiteral("--"),
                                 QStringLiteral("-a.json"), QStringLiteral("-b.json") },
            dir);
        QCOMPARE(diff.exitCode, 0);
        QCOMPARE(diff.out, QByteArray("rule.min_events: 12 -> 20\n"));

        // Files named by an option's value: --case, --profile, --output.
        const Run report = cli({ QStringLiteral("report"), QStringLiteral("--case"), QStringLiteral("-c.cepheid"),
                                   QStringLiteral("--format=json"), QStringLiteral("--select=all") },
            dir);
        QCOMPARE(report.exitCode, 0);
        QCOMPARE(report.json()[u"flows"].toArray().size(), 2);
        const Run shown = cli({ QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("--profile"),
                                  QStringLiteral("-b.json") },
            dir);
        QCOMPARE(shown.exitCode, 0);
        QCOMPARE(shown.json()[u"rule"].toObject()[u"min_events"].toInt(), 20);
        QCOMPARE(cli({ QStringLiteral("rule"), QStringLiteral("export"), QStringLiteral("--profile"),
                         QStringLiteral("-b.json"), QStringLiteral("--output"), QStringLiteral("-rule") },
                     dir)
                     .exitCode,
            0);
        QVERIFY(
            QFile::exists(directory.filePath(QStringLiteral("-rule/t1584_007_serverless_c2_beaconing_tuned.yaral"))));
    }

    // A value given to an option is a value, never a request for help: --note=--help and --note --help both set
    // the note to "--help"; --note= sets an empty one (and clears the note); --profile= is the defaults.
    void optionValuesAreNotHelpRequests()
    {
        QTemporaryDir directory;
        const QString casePath = directory.filePath(QStringLiteral("n.cepheid"));
        const QString fixture = writeFixture(directory);
        QCOMPARE(cli({ QStringLiteral("import"), QStringLiteral("--case"), casePath, fixture }).exitCode, 0);
        const auto triage = [&](const QStringList& arguments) {
            return cli(
                QStringList { QStringLiteral("case"), QStringLiteral("triage"), casePath, QStringLiteral("--flow"),
                    QStringLiteral(R"(10.0.0.5,api.lab.workers.dev,C:\Temp\beacon.exe)") }
                + arguments);
        };
        const Run joined = triage({ QStringLiteral("--note=--help") });
        QCOMPARE(joined.exitCode, 0);
        QCOMPARE(joined.json()[u"notes"].toString(), QStringLiteral("--help"));
        const Run separate = triage(
            { QStringLiteral("--note"), QStringLiteral("-h"), QStringLiteral("--analyst"), QStringLiteral("--help") });
        QCOMPARE(separate.exitCode, 0);
        QCOMPARE(separate.json()[u"notes"].toString(), QStringLiteral("-h"));
        QCOMPARE(separate.json()[u"analyst"].toString(), QStringLiteral("--help"));
        const Run cleared = triage({ QStringLiteral("--note=") });
        QCOMPARE(cleared.exitCode, 0);
        QCOMPARE(cleared.json()[u"notes"].toString(), QString());

        // "--profile=" is an empty value (the defaults), not a request for the next argument.
        const Run defaults = cli({ QStringLiteral("score"), QStringLiteral("--profile="), fixture });
        QCOMPARE(defaults.exitCode, 0);
        QCOMPARE(defaults.json()[u"summary"].toObject()[u"profile"].toString(), QStringLiteral("default"));
        // After "--", --help is a file.
        const Run file = cli({ QStringLiteral("score"), QStringLiteral("--"), QStringLiteral("--help") });
        QCOMPARE(file.exitCode, 1);
        QVERIFY2(file.err.contains(u"--help"), qPrintable(file.err));
    }

    void unreadableInputExitsOneNamingTheFile()
    {
        const Run run = cli({ QStringLiteral("score"), QStringLiteral("/nonexistent/export.json") });
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains(u"/nonexistent/export.json"));
        QVERIFY(run.out.isEmpty());
    }

    void refusedProfileExitsOneAndRunsNothing()
    {
        QTemporaryDir directory;
        const QString profile
            = writeTestFile(directory, QStringLiteral("profile.json"), R"({"rule": {"min_event": 3}})");
        const Run run = cli({ QStringLiteral("score"), QStringLiteral("--profile"), profile, writeFixture(directory) });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"rule.min_event: unknown key"), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    void scoreListsFiringFlowsAndReportsRejects()
    {
        QTemporaryDir directory;
        const Run run
            = cli({ QStringLiteral("score"), QStringLiteral("--now=2026-01-01T00:00:00Z"), writeFixture(directory) });
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = run.json();
        const QJsonObject input = report[u"inputs"].toArray().at(0).toObject();
        QCOMPARE(input[u"events_read"].toInt(), 24);
        QCOMPARE(input[u"events_rejected"].toInt(), 1);
        QCOMPARE(input[u"rejects"].toArray().at(0).toObject()[u"line"].toInt(), 25);
        QVERIFY(run.err.contains(u"1 record(s) rejected"));

        // Listed: flows that fire, and flows whose beacon score reaches the alert verdict (the process-less copy of
        // the beacon cannot fire but is just as regular).
        const QJsonArray flows = report[u"flows"].toArray();
        QCOMPARE(flows.size(), 2);
        QJsonObject flow;
        for (const QJsonValue& value : flows) {
            const QJsonObject candidate = value.toObject();
            const QJsonObject beacon = candidate[u"beacon"].toObject();
            QVERIFY(candidate[u"rule"].toObject()[u"fires"].toBool() || beacon[u"verdict"].toString() == u"beacon"
                || beacon[u"verdict"].toString() == u"likely");
            if (candidate[u"proc_path"].toString() == QStringLiteral(R"(C:\Temp\beacon.exe)"))
                flow = candidate;
        }
        QVERIFY(!flow.isEmpty());
        QCOMPARE(flow[u"src_ip"].toString(), QStringLiteral("10.0.0.5"));
        QCOMPARE(flow[u"platform"].toString(), QStringLiteral("Cloudflare Workers"));
        QVERIFY(flow[u"allowlisted_by"].isNull());
        const QJsonObject rule = flow[u"rule"].toObject();
        QVERIFY(rule[u"fires"].toBool());
        QCOMPARE(rule[u"event_count"].toInt(), 12);
        QCOMPARE(rule[u"hour_buckets"].toInt(), 3);
        QCOMPARE(rule[u"avg_bytes_sent"].toInt(), 400);
        QCOMPARE(rule[u"process_name"].toArray().at(0).toString(), QStringLiteral(R"(C:\Temp\beacon.exe)"));
        QVERIFY(rule[u"window_start"].toString().endsWith(u'Z'));
        QCOMPARE(report[u"summary"].toObject()[u"flows_firing"].toInt(), 1);
        QVERIFY(!report[u"lint"].toArray().isEmpty());
    }

    void allListsFlowsThatCannotFireWithTheReason()
    {
        QTemporaryDir directory;
        const Run run = cli({ QStringLiteral("score"), QStringLiteral("--all"), writeFixture(directory) });
        QCOMPARE(run.exitCode, 0);
        const QJsonArray flows = run.json()[u"flows"].toArray();
        QCOMPARE(flows.size(), 2);
        QJsonObject quiet;
        for (const QJsonValue& value : flows)
            if (value.toObject()[u"proc_path"].toString().isEmpty())
                quiet = value.toObject();
        QCOMPARE(quiet[u"proc_path"].toString(), QString());
        QVERIFY(!quiet[u"rule"].toObject()[u"fires"].toBool());
        QVERIFY(quiet[u"rule"].toObject()[u"dropped_reason"].toString().contains(u"full_path is empty"));
        QCOMPARE(quiet[u"rule"].toObject()[u"dropped_events"].toObject()[u"empty_proc_path"].toInt(), 12);
    }

    void allowlistedFlowsAreLeftOutUnlessAll()
    {
        QTemporaryDir directory;
        const QString profile = writeTestFile(directory, QStringLiteral("profile.json"),
            R"({"allowlist": [{"id": "lab", "domain": "*.lab.workers.dev", "match": "glob",
                       "reason": "our own test Worker", "expires": "2026-06-30"}]})");
        const QString fixture = writeFixture(directory);
        const Run before = cli({ QStringLiteral("score"), QStringLiteral("--profile"), profile,
            QStringLiteral("--now=2026-06-30T12:00:00Z"), fixture });
        QCOMPARE(before.exitCode, 0);
        QCOMPARE(before.json()[u"flows"].toArray().size(), 0);
        QCOMPARE(before.json()[u"summary"].toObject()[u"flows_firing_allowlisted"].toInt(), 1);
        const QJsonObject hits = before.json()[u"allowlist"].toArray().at(0).toObject();
        QCOMPARE(hits[u"id"].toString(), QStringLiteral("lab"));
        QCOMPARE(hits[u"hides"].toInt(), 2); // the firing flow and the one without a process path
        QCOMPARE(hits[u"expired"].toBool(), false);
        const Run all = cli({ QStringLiteral("score"), QStringLiteral("--all"), QStringLiteral("--profile"), profile,
            QStringLiteral("--now=2026-06-30T12:00:00Z"), fixture });
        QCOMPARE(all.json()[u"flows"].toArray().at(0).toObject()[u"allowlisted_by"].toString(), QStringLiteral("lab"));
        // After the expiry date the entry no longer hides the flows (the firing one and the score-listed one).
        const Run expired = cli({ QStringLiteral("score"), QStringLiteral("--profile"), profile,
            QStringLiteral("--now=2026-07-01T00:00:00Z"), fixture });
        QCOMPARE(expired.json()[u"flows"].toArray().size(), 2);
        QCOMPARE(expired.json()[u"allowlist"].toArray().at(0).toObject()[u"expired"].toBool(), true);
        QCOMPARE(expired.json()[u"allowlist"].toArray().at(0).toObject()[u"hides"].toInt(), 0);
    }

    void minScoreReplacesTheAlertVerdict()
    {
        QTemporaryDir directory;
        const QString fixture = writeFixture(directory);
        // At 100 only the firing flow qualifies; at 0 every considered flow does.
        const Run strict
            = cli({ QStringLiteral("score"), QStringLiteral("--min-score"), QStringLiteral("100"), fixture });
        QCOMPARE(strict.exitCode, 0);
        QCOMPARE(strict.json()[u"flows"].toArray().size(), 1);
        QVERIFY(strict.json()[u"flows"].toArray().at(0).toObject()[u"rule"].toObject()[u"fires"].toBool());
        const Run loose = cli({ QStringLiteral("score"), QStringLiteral("--min-score=0"), fixture });
        QCOMPARE(loose.json()[u"flows"].toArray().size(), 2);
        QCOMPARE(
            cli({ QStringLiteral("score"), QStringLiteral("--min-score"), QStringLiteral("high"), fixture }).exitCode,
            2);
    }

    void beaconObjectExplainsTheScore()
    {
        QTemporaryDir directory;
        const Run run = cli({ QStringLiteral("score"), writeFixture(directory) });
        const QJsonObject beacon = run.json()[u"flows"].toArray().at(0).toObject()[u"beacon"].toObject();
        for (const char* key : { "score", "verdict", "period_s", "mean_interval_s", "median_interval_s", "jitter_cv",
                 "mad_s", "interval_count", "components", "rita_score" })
            QVERIFY2(beacon.contains(QLatin1String(key)), key);
        double sum = 0;
        for (const QJsonValue& component : beacon[u"components"].toArray()) {
            const QJsonObject object = component.toObject();
            QVERIFY(object.contains(u"name") && object.contains(u"value") && object.contains(u"weight"));
            sum += object[u"contribution"].toDouble();
        }
        QVERIFY(qAbs(sum - beacon[u"score"].toDouble()) < 0.01); // the components add up to the score
        QCOMPARE(run.json()[u"summary"].toObject()[u"alert_verdict"].toString(), QStringLiteral("likely"));
    }

    void windowsOptionOverridesTheProfile()
    {
        QTemporaryDir directory;
        const Run run = cli({ QStringLiteral("score"), QStringLiteral("--windows"), QStringLiteral("sliding"),
            writeFixture(directory) });
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(
            run.json()[u"summary"].toObject()[u"rule"].toObject()[u"windows"].toString(), QStringLiteral("sliding"));
    }

    void outputOptionWritesTheReportToAFile()
    {
        QTemporaryDir directory;
        const QString output = directory.filePath(QStringLiteral("report.json"));
        const Run run = cli({ QStringLiteral("score"), QStringLiteral("--compact"), QStringLiteral("--output"), output,
            writeFixture(directory) });
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.isEmpty());
        QFile file(output);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QCOMPARE(content.count('\n'), 1);
        QVERIFY(QJsonDocument::fromJson(content).isObject());
        QVERIFY(!QFile::exists(output + QStringLiteral(".part")));
    }

    void invalidNowIsAUsageError()
    {
        QTemporaryDir directory;
        QCOMPARE(cli({ QStringLiteral("score"), QStringLiteral("--now"), QStringLiteral("tomorrow"),
                         writeFixture(directory) })
                     .exitCode,
            2);
    }

    void profileShowPrintsTheEffectiveProfile()
    {
        const Run defaults = cli({ QStringLiteral("profile"), QStringLiteral("show") });
        QCOMPARE(defaults.exitCode, 0);
        const QJsonObject rule = defaults.json()[u"rule"].toObject();
        QCOMPARE(rule[u"min_events"].toInt(), 12);
        QCOMPARE(rule[u"windows"].toString(), QStringLiteral("hop"));
        QVERIFY(rule[u"domain_regex"].toString().startsWith(u"(?i)(.*\\.workers\\.dev"));
        QVERIFY(defaults.json()[u"catalog"].toArray().size() >= 15);

        QTemporaryDir directory;
        const QString profile = writeTestFile(directory, QStringLiteral("p.json"), R"({"rule": {"min_events": 20}})");
        const Run merged
            = cli({ QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("--profile"), profile });
        QCOMPARE(merged.json()[u"rule"].toObject()[u"min_events"].toInt(), 20);
        QCOMPARE(merged.json()[u"rule"].toObject()[u"min_hour_buckets"].toInt(), 3);
    }

    // A team shares tuning as files: a case's saved versions are profiles the CLI reads, shows and compares.
    void caseVersionsAreProfilesAndDiff()
    {
        QTemporaryDir directory;
        const QString casePath = directory.filePath(QStringLiteral("t.cepheid"));
        QCOMPARE(
            cli({ QStringLiteral("import"), QStringLiteral("--case"), casePath, writeFixture(directory) }).exitCode, 0);
        const Run none
            = cli({ QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("--profile"), casePath });
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains(QStringLiteral("no saved profile version")), qPrintable(none.err));

        const QString strict
            = writeTestFile(directory, QStringLiteral("strict.json"), R"({"rule": {"min_events": 20}})");
        // score --case --profile saves the profile as version 1.
        QCOMPARE(
            cli({ QStringLiteral("score"), QStringLiteral("--case"), casePath, QStringLiteral("--profile"), strict })
                .exitCode,
            0);
        const Run shown = cli({ QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("--profile"),
            casePath + QStringLiteral("@1") });
        QCOMPARE(shown.exitCode, 0);
        QCOMPARE(shown.json()[u"rule"].toObject()[u"min_events"].toInt(), 20);

        const Run unreadable = cli({ QStringLiteral("profile"), QStringLiteral("diff"),
            directory.filePath(QStringLiteral("missing.json")), casePath });
        QCOMPARE(unreadable.exitCode, 1);
        QVERIFY2(unreadable.err.contains(QStringLiteral("missing.json")), qPrintable(unreadable.err));
        const QString defaults = writeTestFile(directory, QStringLiteral("defaults.json"), "{}");
        const Run changes = cli({ QStringLiteral("profile"), QStringLiteral("diff"), defaults, casePath });
        QCOMPARE(changes.exitCode, 0);
        QCOMPARE(changes.out, QByteArray("rule.min_events: 12 -> 20\n"));
        QCOMPARE(cli({ QStringLiteral("profile"), QStringLiteral("diff"), strict, casePath }).out,
            QByteArray("No differences.\n"));

        const Run missing = cli({ QStringLiteral("profile"), QStringLiteral("show"), QStringLiteral("--profile"),
            casePath + QStringLiteral("@9") });
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(QStringLiteral("no version 9 (versions 1..1)")), qPrintable(missing.err));
        QCOMPARE(cli({ QStringLiteral("profile"), QStringLiteral("diff"), strict }).exitCode, 2);
    }

    // Nothing lost with exit 0: a stream is read whole (the format probe is replayed, not re-read), and a report
    // that cannot be written is an error.
    void streamsAreReadWholeAndShortWritesFail()
    {
        QFile sample(sourcePath(QStringLiteral("resources/samples/chronicle-udm-sample.ndjson.gz")));
        QVERIFY(sample.open(QIODevice::ReadOnly));
        const QByteArray gzip = sample.readAll();
        QProcess piped;
        piped.start(QStringLiteral(CEPHEID_CLI_PATH), { QStringLiteral("score"), QStringLiteral("/dev/stdin") });
        QVERIFY(piped.waitForStarted());
        piped.write(gzip); // compressed, through a pipe
        piped.closeWriteChannel();
        QVERIFY(piped.waitForFinished(120000));
        QCOMPARE(piped.exitCode(), 0);
        const QJsonObject report = QJsonDocument::fromJson(piped.readAllStandardOutput()).object();
        QCOMPARE(report[u"inputs"].toArray().at(0).toObject()[u"events_read"].toInt(), 19179);

        // A case keeps each file's SHA-256: a stream is refused with the reason, not imported empty.
        QTemporaryDir directory;
        QProcess import;
        import.start(QStringLiteral(CEPHEID_CLI_PATH),
            { QStringLiteral("import"), QStringLiteral("--case"), directory.filePath(QStringLiteral("p.cepheid")),
                QStringLiteral("/dev/stdin") });
        QVERIFY(import.waitForStarted());
        import.write(gzip);
        import.closeWriteChannel();
        QVERIFY(import.waitForFinished(120000));
        QCOMPARE(import.exitCode(), 1);
        QVERIFY(import.readAllStandardError().contains("not a regular file"));

        // A full disk under standard output: exit 1 with the reason, for a report and for any other output.
        for (const QStringList& arguments : { QStringList { QStringLiteral("score"), sample.fileName() },
                 QStringList { QStringLiteral("profile"), QStringLiteral("show") } }) {
            QProcess full;
            full.setStandardOutputFile(QStringLiteral("/dev/full"));
            full.start(QStringLiteral(CEPHEID_CLI_PATH), arguments);
            QVERIFY(full.waitForFinished(120000));
            QCOMPARE(full.exitCode(), 1);
            QVERIFY2(full.readAllStandardError().contains("cannot write to standard output"),
                qPrintable(arguments.join(u' ')));
        }
    }

    // An input that gives no event from its bytes is never silent: a warning, and exit 1 under --strict (score
    // then writes no report). So is an input that stopped at a limit.
    void strictTurnsSilentInputsIntoErrors()
    {
        QTemporaryDir directory;
        const QString rejected = writeTestFile(directory, QStringLiteral("rejected.ndjson"), "{}\n{}\n");
        const Run lenient = cli({ QStringLiteral("score"), rejected });
        QCOMPARE(lenient.exitCode, 0);
        QVERIFY2(lenient.err.contains(u"warning: " + rejected + u": no event from 5 bytes (every record was rejected)"),
            qPrintable(lenient.err));
        QVERIFY(!lenient.out.isEmpty());

        const Run strict = cli({ QStringLiteral("score"), QStringLiteral("--strict"), rejected });
        QCOMPARE(strict.exitCode, 1);
        QVERIFY2(strict.err.contains(u"error: " + rejected + u": no event"), qPrintable(strict.err));
        QVERIFY(strict.out.isEmpty());

        const QString sample = sourcePath(QStringLiteral("resources/samples/chronicle-udm-sample.ndjson.gz"));
        const Run limited = cli({ QStringLiteral("score"), QStringLiteral("--limit"), QStringLiteral("events=100"),
            QStringLiteral("--strict"), sample });
        QCOMPARE(limited.exitCode, 1);
        QVERIFY2(limited.err.contains(u"stopped at the events limit: more than 100 events"), qPrintable(limited.err));

        // import --strict keeps what it read (the case is consistent) and says the input fell short.
        const QString casePath = directory.filePath(QStringLiteral("strict.cepheid"));
        const Run imported = cli({ QStringLiteral("import"), QStringLiteral("--case"), casePath,
            QStringLiteral("--strict"), QStringLiteral("--limit=events=100"), sample });
        QCOMPARE(imported.exitCode, 1);
        QCOMPARE(imported.json()[u"events_in_case"].toInt(), 100);
        QVERIFY2(imported.err.contains(u"--strict"), qPrintable(imported.err));

        // Without --strict the same limit is a warning and the report says where reading stopped.
        const Run warned
            = cli({ QStringLiteral("score"), QStringLiteral("--limit"), QStringLiteral("events=100"), sample });
        QCOMPARE(warned.exitCode, 0);
        const QJsonObject input = warned.json()[u"inputs"].toArray().at(0).toObject();
        QCOMPARE(input[u"events_read"].toInt(), 100);
        QVERIFY2(input[u"read_error"].toString().contains(u"events limit"), qPrintable(warned.err));
    }

    // Data quoted in a message (here a reject reason) is shown on the terminal, never obeyed.
    void stderrShowsControlSequencesAsText()
    {
        QTemporaryDir directory;
        const std::string record = "{\"metadata\": {\"id\": \"a\", \"eventTimestamp\": "
                                   "\"\\u001b[2J\\u001b]0;pwned\\u0007 \\u202egnp.exe\"}}\n";
        const Run run = cli({ QStringLiteral("score"), writeTestFile(directory, QStringLiteral("e.ndjson"), record) });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains(QStringLiteral("\\x1B[2J\\x1B]0;pwned\\x07 \\u202Egnp.exe")), qPrintable(run.err));
        for (const QChar c : run.err)
            QVERIFY2(c == u'\n' || (c.unicode() >= 0x20 && c.unicode() != 0x7F && c.unicode() != 0x202E),
                qPrintable(QString::number(c.unicode(), 16)));
    }

    void caseReportAsHtmlAndPdf()
    {
        QTemporaryDir directory;
        const QString casePath = directory.filePath(QStringLiteral("c.cepheid"));
        QCOMPARE(
            cli({ QStringLiteral("import"), QStringLiteral("--case"), casePath, writeFixture(directory) }).exitCode, 0);
        QCOMPARE(
            cli({ QStringLiteral("case"), QStringLiteral("triage"), casePath, QStringLiteral("--flow"),
                    QStringLiteral("10.0.0.5,api.lab.workers.dev,C:\\Temp\\beacon.exe"), QStringLiteral("--status"),
                    QStringLiteral("malicious"), QStringLiteral("--note"), QStringLiteral("seen at the proxy") })
                .exitCode,
            0);
        // HTML is the default format, on standard output; it parses as XML and holds the finding and its charts.
        const Run html = cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--raw"),
            QStringLiteral("2"), QStringLiteral("--select"), QStringLiteral("status:malicious") });
        QCOMPARE(html.exitCode, 0);
        QVERIFY2(!html.err.contains(QStringLiteral("XDG_RUNTIME_DIR")), qPrintable(html.err));
        QXmlStreamReader reader(html.out);
        int svgs = 0, records = 0;
        while (!reader.atEnd()) {
            reader.readNext();
            svgs += reader.isStartElement() && reader.name() == u"svg";
            records += reader.isStartElement() && reader.name() == u"pre";
        }
        QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
        QCOMPARE(svgs, 3);
        QCOMPARE(records, 2);
        for (const char* text : { "api.lab.workers.dev", "seen at the proxy", "Rejected records", "SHA-256" })
            QVERIFY2(html.out.contains(text), text);
        // The broken record of the fixture is in the appendix with its line.
        QVERIFY(html.out.contains("<td>25</td>"));

        const QString pdfPath = directory.filePath(QStringLiteral("c.pdf"));
        const Run pdf = cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--format"),
            QStringLiteral("pdf"), QStringLiteral("--output"), pdfPath });
        QCOMPARE(pdf.exitCode, 0);
        QFile file(pdfPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");

        // Usage: a PDF needs a file; --raw is a count for the case report only.
        for (const QStringList& arguments : { QStringList { QStringLiteral("--format"), QStringLiteral("pdf") },
                 QStringList { QStringLiteral("--raw"), QStringLiteral("-1") },
                 QStringList { QStringLiteral("--raw"), QStringLiteral("5x") },
                 QStringList { QStringLiteral("--raw"), QStringLiteral("1001") },
                 QStringList {
                     QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--raw"), QStringLiteral("5") },
                 QStringList { QStringLiteral("--format"), QStringLiteral("docx") } }) {
            const Run run
                = cli(QStringList { QStringLiteral("report"), QStringLiteral("--case"), casePath } + arguments);
            QVERIFY2(run.exitCode == 2, qPrintable(arguments.join(u' ') + u": " + run.err));
        }
    }

    void reportExportsSelectedFindingsAsSafeCsvAndJson()
    {
        QTemporaryDir directory;
        const QString casePath = directory.filePath(QStringLiteral("r.cepheid"));
        // A beacon whose process path a spreadsheet would run as a formula.
        const std::string text = firingSeries(0, "=cmd|' /C calc'!A0", "api.lab.workers.dev");
        QCOMPARE(cli({ QStringLiteral("import"), QStringLiteral("--case"), casePath,
                         writeTestFile(directory, QStringLiteral("hostile.ndjson"), text) })
                     .exitCode,
            0);
        QCOMPARE(cli({ QStringLiteral("case"), QStringLiteral("triage"), casePath, QStringLiteral("--flow"),
                         QStringLiteral("10.0.0.5,api.lab.workers.dev,=cmd|' /C calc'!A0"), QStringLiteral("--status"),
                         QStringLiteral("malicious"), QStringLiteral("--note"),
                         QStringLiteral("C2, confirmed\nblocked at the proxy") })
                     .exitCode,
            0);
        const Run csv = cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--format"),
            QStringLiteral("csv"), QStringLiteral("--select"), QStringLiteral("status:malicious"),
            QStringLiteral("--bom") });
        QCOMPARE(csv.exitCode, 0);
        QVERIFY(csv.out.startsWith("\xEF\xBB\xBF"));
        // Read it back as a CSV reader would (RFC 4180): the header, one row, the notes in one quoted cell.
        QList<QStringList> rows;
        QStringList row;
        QString cell;
        bool quoted = false;
        const QString body = QString::fromUtf8(csv.out.mid(3));
        for (qsizetype i = 0; i < body.size(); ++i) {
            const QChar c = body[i];
            if (quoted) {
                if (c == u'"' && i + 1 < body.size() && body[i + 1] == u'"')
                    cell += c, ++i;
                else if (c == u'"')
                    quoted = false;
                else
                    cell += c;
            } else if (c == u'"') {
                quoted = true;
            } else if (c == u',') {
                row << std::exchange(cell, {});
            } else if (c == u'\r') {
                continue;
            } else if (c == u'\n') {
                row << std::exchange(cell, {});
                rows << std::exchange(row, {});
            } else {
                cell += c;
            }
        }
        QCOMPARE(rows.size(), 2);
        const QStringList header = rows[0];
        const auto at = [&](const char* column) { return rows[1][header.indexOf(QString::fromLatin1(column))]; };
        QCOMPARE(at("proc_path"), QStringLiteral("'=cmd|' /C calc'!A0")); // neutralised: text, not a formula
        QCOMPARE(at("triage_status"), QStringLiteral("malicious"));
        QCOMPARE(at("triage_notes"), QStringLiteral("C2, confirmed\nblocked at the proxy"));
        QCOMPARE(at("dest_host"), QStringLiteral("api.lab.workers.dev"));
        QVERIFY(!at("score").isEmpty());
        // The same selection as JSON: the score report's schema, with the triage history.
        const Run json = cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--format"),
            QStringLiteral("json"), QStringLiteral("--select"), QStringLiteral("status:malicious") });
        QCOMPARE(json.exitCode, 0);
        const QJsonArray flows = json.json()[u"flows"].toArray();
        QCOMPARE(flows.size(), 1);
        QCOMPARE(flows[0].toObject()[u"triage"].toObject()[u"history"].toArray().size(), 1);
        // Nothing new is selected by status:new once the only flow is triaged; a bad selection is a usage error.
        const Run none = cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--format"),
            QStringLiteral("csv"), QStringLiteral("--select"), QStringLiteral("status:new") });
        QCOMPARE(none.out.count('\n'), 1); // the header alone
        QCOMPARE(cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--select"),
                         QStringLiteral("verdict:maybe") })
                     .exitCode,
            2);
        QCOMPARE(
            cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--bom") }).exitCode, 2);
    }

    void stixBundleSharesWhatAnalystsConfirmed()
    {
        QTemporaryDir directory;
        const QString casePath = directory.filePath(QStringLiteral("s.cepheid"));
        // A destination that tries to break out of a STIX pattern.
        const std::string hostile = "x'];[evil\\\\.workers.dev"; // JSON-escaped: the value has one backslash
        const std::string text = firingSeries(0, "C:\\\\Temp\\\\beacon.exe", hostile)
            + firingSeries(100, "C:\\\\Temp\\\\other.exe", "b.workers.dev");
        QCOMPARE(cli({ QStringLiteral("import"), QStringLiteral("--case"), casePath,
                         writeTestFile(directory, QStringLiteral("s.ndjson"), text) })
                     .exitCode,
            0);
        const QString destination = QStringLiteral("x'];[evil\\.workers.dev");
        QCOMPARE(cli({ QStringLiteral("case"), QStringLiteral("triage"), casePath, QStringLiteral("--flow"),
                         QStringLiteral("10.0.0.5,") + destination + QStringLiteral(",C:\\Temp\\beacon.exe"),
                         QStringLiteral("--status"), QStringLiteral("malicious") })
                     .exitCode,
            0);
        const Run run = cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--format"),
            QStringLiteral("stix") });
        QCOMPARE(run.exitCode, 0);
        const QJsonObject bundle = run.json();
        QCOMPARE(bundle[u"type"].toString(), QStringLiteral("bundle"));
        const QRegularExpression id(
            QStringLiteral("^([a-z0-9-]+)--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
        QVERIFY(id.match(bundle[u"id"].toString()).hasMatch());
        QSet<QString> ids;
        QMap<QString, int> types;
        const QJsonArray objects = bundle[u"objects"].toArray();
        for (const QJsonValue value : objects) {
            const QJsonObject object = value.toObject();
            const QString type = object[u"type"].toString();
            ++types[type];
            QCOMPARE(object[u"spec_version"].toString(), QStringLiteral("2.1"));
            const auto match = id.match(object[u"id"].toString());
            QVERIFY2(match.hasMatch() && match.captured(1) == type, qPrintable(object[u"id"].toString()));
            ids.insert(object[u"id"].toString());
            const bool observable = type == u"ipv4-addr" || type == u"domain-name";
            for (const char* property : { "created", "modified" })
                QVERIFY2(
                    observable || cepheid::parseRfc3339(object[QString::fromLatin1(property)].toString().toStdString()),
                    property);
        }
        // Only the triaged flow is shared: one indicator, one observed-data, sighting and relationship.
        QCOMPARE(types.value(QStringLiteral("indicator")), 1);
        QCOMPARE(types.value(QStringLiteral("sighting")), 1);
        QCOMPARE(types.value(QStringLiteral("observed-data")), 1);
        QCOMPARE(types.value(QStringLiteral("relationship")), 1);
        QCOMPARE(types.value(QStringLiteral("identity")), 1);
        for (const QJsonValue value : objects) {
            const QJsonObject object = value.toObject();
            for (const QString& key : object.keys()) // every reference resolves inside the bundle
                if (key.endsWith(QStringLiteral("_ref")))
                    QVERIFY2(ids.contains(object[key].toString()), qPrintable(key));
                else if (key.endsWith(QStringLiteral("_refs")))
                    for (const QJsonValue reference : object[key].toArray())
                        QVERIFY2(ids.contains(reference.toString()), qPrintable(key));
            if (object[u"type"].toString() == u"indicator")
                QCOMPARE(object[u"pattern"].toString(),
                    QStringLiteral("[domain-name:value = 'x\\'];[evil\\\\.workers.dev']"));
        }
        QCOMPARE(cli({ QStringLiteral("report"), QStringLiteral("--case"), casePath, QStringLiteral("--format"),
                         QStringLiteral("stix"), QStringLiteral("--select"), QStringLiteral("all") })
                     .exitCode,
            2);
    }

    void ruleExportWritesTheTunedRuleAndItsLists()
    {
        QTemporaryDir directory;
        // Thresholds, a 12 h window, and an allowlist of every kind with values that try to break out of a
        // YARA-L string, a regex literal or a comment.
        // (An escaped literal, not a raw string: Qt 6.4's moc misreads raw strings with odd quotes.)
        const QString profile = writeTestFile(directory, QStringLiteral("tuned.json"),
            "{\"rule\": {\"window_hours\": 12, \"min_events\": 20, \"min_hour_buckets\": 4, \"max_avg_bytes_sent\": "
            "2048, \"max_avg_bytes_received\": 8192}, \"allowlist\": [{\"id\": \"agent\", \"domain\": "
            "\"cfg\\\"x`y\\\\z.workers.dev\", \"reason\": \"fleet agent\"}, {\"id\": \"zone\", \"domain\": "
            "\"*.corp.workers.dev\", \"match\": \"glob\", \"reason\": \"our zone\"}, {\"id\": \"tick\", \"process\": "
            "\"C:\\\\\\\\a`b[.]exe\", \"match\": \"regex\", \"reason\": \"a backtick\"}, {\"id\": \"lab\", \"cidr\": "
            "\"10.99.0.0/16\", \"reason\": \"lab\"}, {\"id\": \"pair\\n}\", \"process\": \"C:\\\\Tools\\\\sync.exe\", "
            "\"host\": \"10.0.0.9\", \"reason\": \"process on host\"}, {\"id\": \"old\", \"domain\": "
            "\"old.workers.dev\", \"reason\": \"gone\", \"expires\": \"2020-01-01\"}]}");
        const QString output = directory.filePath(QStringLiteral("rule"));
        const Run run = cli({ QStringLiteral("rule"), QStringLiteral("export"), QStringLiteral("--profile"), profile,
            QStringLiteral("--output"), output });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains(QStringLiteral("old: expired")), qPrintable(run.err)); // said, and left out
        QFile file(output + QStringLiteral("/t1584_007_serverless_c2_beaconing_tuned.yaral"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString rule = QString::fromUtf8(file.readAll());
        // One rule, its sections once and in order, braces balanced outside strings and comments.
        QCOMPARE(
            rule.count(QRegularExpression(QStringLiteral("^rule \\w+ \\{$"), QRegularExpression::MultilineOption)), 1);
        qsizetype last = -1;
        for (const char* section : { "meta:", "events:", "match:", "outcome:", "condition:" }) {
            const QRegularExpression line(
                QStringLiteral("^%1$").arg(QString::fromLatin1(section)), QRegularExpression::MultilineOption);
            QCOMPARE(rule.count(line), 1);
            const qsizetype at = line.match(rule).capturedStart();
            QVERIFY2(at > last, section);
            last = at;
        }
        int depth = 0;
        bool inString = false, inRegex = false;
        for (qsizetype i = 0; i < rule.size(); ++i) {
            const QChar c = rule[i];
            if (!inString && !inRegex && c == u'/' && i + 1 < rule.size() && rule[i + 1] == u'/') {
                i = rule.indexOf(u'\n', i); // a comment runs to the end of its line
                if (i < 0)
                    break;
                continue;
            }
            if (inString) {
                if (c == u'\\')
                    ++i;
                else if (c == u'"')
                    inString = false;
            } else if (inRegex) {
                inRegex = c != u'`';
            } else if (c == u'"') {
                inString = true;
            } else if (c == u'`') {
                inRegex = true;
            } else if (c == u'{') {
                ++depth;
            } else if (c == u'}') {
                --depth;
                QVERIFY(depth >= 0);
            }
        }
        QCOMPARE(depth, 0);
        QVERIFY(!inString && !inRegex);
        // Chronicle's limits: at most 10 list statements, 5 regex, 5 cidr.
        QVERIFY(rule.count(QStringLiteral(" in %")) + rule.count(QStringLiteral(" in regex %"))
                + rule.count(QStringLiteral(" in cidr %"))
            <= 10);
        QVERIFY(rule.count(QStringLiteral(" in regex %")) <= 5 && rule.count(QStringLiteral(" in cidr %")) <= 5);
        // The thresholds and window read back as the profile's.
        const auto number
            = [&](const QString& pattern) { return QRegularExpression(pattern).match(rule).captured(1).toInt(); };
        QCOMPARE(number(QStringLiteral("\\$event_count >= (\\d+)")), 20);
        QCOMPARE(number(QStringLiteral("\\$hour_buckets >= (\\d+)")), 4);
        QCOMPARE(number(QStringLiteral("\\$avg_bytes_sent < (\\d+)")), 2048);
        QCOMPARE(number(QStringLiteral("\\$avg_bytes_received < (\\d+)")), 8192);
        QVERIFY(rule.contains(QStringLiteral("over 12h")));
        QVERIFY(rule.contains(QStringLiteral("get_hour($e.metadata.event_timestamp.seconds)")));
        // Hostile values stay data: in list files, or escaped in the one inline condition.
        QVERIFY(!rule.contains(QStringLiteral("cfg")));
        QVERIFY(rule.contains(QStringLiteral("= \"C:\\\\Tools\\\\sync.exe\" nocase")));
        QVERIFY(rule.contains(QStringLiteral("// pair }"))); // the id's line break does not end the comment early
        QFile domains(output + QStringLiteral("/cepheid_allow_domains.txt"));
        QVERIFY(domains.open(QIODevice::ReadOnly));
        const QString list = QString::fromUtf8(domains.readAll());
        QVERIFY(list.contains(QStringLiteral("syntax type: STRING")));
        QVERIFY(list.contains(QStringLiteral("cfg\"x`y\\z.workers.dev\n")));
        QVERIFY(!list.contains(QStringLiteral("old.workers.dev")));

        // A window YARA-L cannot express is refused with the reason.
        const QString wide
            = writeTestFile(directory, QStringLiteral("wide.json"), "{\"rule\": {\"window_hours\": 72}}");
        const Run refused = cli({ QStringLiteral("rule"), QStringLiteral("export"), QStringLiteral("--profile"), wide,
            QStringLiteral("--output"), output });
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(
            refused.err.contains(QStringLiteral("48 hours")), qPrintable(refused.err)); // the profile itself is refused
        QCOMPARE(cli({ QStringLiteral("rule"), QStringLiteral("export") }).exitCode, 2);
    }

    void caseTriageChangesOnlyWhatItIsGiven()
    {
        QTemporaryDir directory;
        const QString casePath = directory.filePath(QStringLiteral("t.cepheid"));
        QCOMPARE(
            cli({ QStringLiteral("import"), QStringLiteral("--case"), casePath, writeFixture(directory) }).exitCode, 0);
        const QString flow = QStringLiteral(R"(10.0.0.5,api.lab.workers.dev,C:\Temp\beacon.exe)");
        const auto triage = [&](const QStringList& arguments) {
            return cli(QStringList { QStringLiteral("case"), QStringLiteral("triage"), casePath,
                           QStringLiteral("--flow"), flow, QStringLiteral("--analyst"), QStringLiteral("ana") }
                + arguments);
        };
        QCOMPARE(triage({ QStringLiteral("--status"), QStringLiteral("investigating"), QStringLiteral("--note"),
                            QStringLiteral("asked the owner") })
                     .exitCode,
            0);
        const Run status = triage({ QStringLiteral("--status"), QStringLiteral("malicious") });
        QCOMPARE(status.exitCode, 0);
        QCOMPARE(status.json()[u"notes"].toString(), QStringLiteral("asked the owner"));
        QCOMPARE(status.json()[u"status"].toString(), QStringLiteral("malicious"));
        const QJsonArray history = status.json()[u"history"].toArray();
        QCOMPARE(history.size(), 2);
        QCOMPARE(history[0].toObject()[u"status"].toString(), QStringLiteral("investigating"));
        QCOMPARE(history[1].toObject()[u"from"].toString(), QStringLiteral("investigating"));
        QCOMPARE(history[1].toObject()[u"notes"].toString(), QStringLiteral("asked the owner"));
        QCOMPARE(triage({}).exitCode, 2); // neither --status nor --note: nothing to change

        // The score report carries the state with its history, oldest first.
        const Run report = cli({ QStringLiteral("score"), QStringLiteral("--case"), casePath });
        QCOMPARE(report.exitCode, 0);
        bool found = false;
        for (const QJsonValue flowValue : report.json()[u"flows"].toArray()) {
            const QJsonObject object = flowValue.toObject();
            if (object[u"proc_path"].toString() != QStringLiteral(R"(C:\Temp\beacon.exe)"))
                continue;
            found = true;
            const QJsonObject state = object[u"triage"].toObject();
            QCOMPARE(state[u"history"].toArray().size(), 2);
            QCOMPARE(
                state[u"history"].toArray()[0].toObject()[u"at"].toString() <= state[u"updated_at"].toString(), true);
        }
        QVERIFY(found);
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
