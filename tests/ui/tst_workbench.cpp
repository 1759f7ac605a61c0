#include "charts/gapchart.h"
#include "charts/intervalchart.h"
#include "clickhouse/clickhouserequest.h"
#include "exports/reportdialog.h"
#include "imports/clickhousedialog.h"
#include "imports/databasesourcebar.h"
#include "mainwindow.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"
#include "models/tablecopy.h"
#include "session/lastfolder.h"
#include "testsupport.h"
#include "triage/triagedialog.h"
#include "tuning/catalogpanel.h"
#include "tuning/tuningdock.h"
#include "views/flowdetail.h"
#include "views/hostview.h"
#include "views/timelineview.h"
#include "workbenchsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPrinter>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <numeric>

using namespace cepheid;
using namespace cepheid::ui;
using cepheid::test::openSample;
using cepheid::test::rowOfDestination;
using cepheid::test::udmEventWithProcess;
using cepheid::test::writeTestFile;

namespace {

constexpr int kTimeoutMs = 120000;

} // namespace

class WorkbenchTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void theClickHouseDialogSaysWhatIsMissingAndNeverKeepsThePassword()
    {
        QSettings().remove(QStringLiteral("clickhouse"));
        ClickHouseDialog dialog;
        ClickHouseRequest request;
        dialog.setRequest(request);
        QVERIFY(dialog.problem().contains(QStringLiteral("URL")));
        request.url = QStringLiteral("http://soc:hunter2@ch:8123");
        dialog.setRequest(request);
        QVERIFY(dialog.problem().contains(QStringLiteral("password does not belong")));
        QVERIFY(!dialog.problem().contains(QStringLiteral("hunter2")));
        request.url = QStringLiteral("http://soc@ch:8123/telemetry");
        dialog.setRequest(request);
        QVERIFY(dialog.problem().contains(QStringLiteral("table")));
        request.table = QStringLiteral("udm`network");
        dialog.setRequest(request);
        QVERIFY(dialog.problem().contains(QStringLiteral("not a usable ClickHouse name")));
        request.table = QStringLiteral("udm_network");
        request.caFile = QStringLiteral("/etc/ssl/soc-ca.pem");
        dialog.setRequest(request);
        QVERIFY(dialog.problem().contains(QStringLiteral("https")));
        request.caFile.clear();
        request.from = QDateTime(QDate(2025, 3, 8), QTime(0, 0), Qt::UTC);
        request.to = QDateTime(QDate(2025, 3, 1), QTime(0, 0), Qt::UTC);
        dialog.setRequest(request);
        QVERIFY(dialog.problem().contains(QStringLiteral("ends before it starts")));
        std::swap(request.from, request.to);
        request.password = QStringLiteral("s3cret");
        dialog.setRequest(request);
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        const ClickHouseRequest asked = dialog.request();
        QCOMPARE(asked.url, request.url);
        QCOMPARE(asked.password, QStringLiteral("s3cret"));
        QCOMPARE(asked.from, request.from);
        QCOMPARE(asked.to, request.to);
        dialog.accept();
        // Remembered for the next time, all but the password.
        QSettings settings;
        QCOMPARE(settings.value(QStringLiteral("clickhouse/url")).toString(), request.url);
        QCOMPARE(settings.value(QStringLiteral("clickhouse/table")).toString(), request.table);
        for (const QString& key : settings.allKeys())
            QVERIFY2(!settings.value(key).toString().contains(QStringLiteral("s3cret")), qPrintable(key));
        ClickHouseDialog next;
        QCOMPARE(next.request().url, request.url);
    }

    void aCaseFromClickHouseOffersARefreshAndSaysWhenTuningNeedsARequery()
    {
        QSettings().remove(QStringLiteral("clickhouse"));
        QTemporaryDir directory;
        const QString casePath = directory.filePath(QStringLiteral("fleet.cepheid"));
        {
            // A case as an import from a server leaves it; the events come from a stand-in, not a server.
            auto caseFile = CaseFile::open(casePath.toStdString(), CaseFile::Mode::Create);
            QVERIFY(caseFile);
            ClickHouseSelection selection;
            selection.mapping.table = "udm_network";
            selection.mapping.expressions["user"] = "principal_user";
            selection.from = cepheid::test::at("2025-03-01T00:00:00Z");
            CaseFile::RemoteSource source;
            source.description = "http://soc@ch.example:8123/telemetry table udm_network";
            source.format = "clickhouse";
            source.request = clickHouseRequestJson(
                *ClickHouseEndpoint::parse("http://soc@ch.example:8123/telemetry"), selection, {});
            source.fetch = [](EventTable& into, std::uint16_t sourceIndex,
                               const std::function<void(std::uint64_t, std::string_view)>& onRecord) {
                for (std::uint64_t row = 0; row < 12; ++row) {
                    EventRecord record;
                    record.timestamp = cepheid::test::at("2025-03-04T10:00:00Z") + std::int64_t(row) * 900'000'000;
                    const std::string id = "e" + std::to_string(row);
                    record.id = id;
                    record.eventType = "NETWORK_CONNECTION";
                    record.targetHostname = "relay.workers.dev";
                    record.source = { sourceIndex, row + 1, row };
                    onRecord(row, "{}");
                    into.append(record);
                }
                return Expected<std::string>(std::string("SELECT …"));
            };
            EventTable events;
            const auto imported = (*caseFile)->importRemote(source, events);
            QVERIFY2(imported, cepheid::test::whyNot(imported));
        }

        MainWindow window;
        window.openCase(casePath);
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->snapshot() && !window.session()->isBusy(), kTimeoutMs);
        const auto tuneTo = [&window](const Profile& profile) {
            window.session()->tune(profile);
            return QTest::qWaitFor([&window] { return !window.session()->isTuning(); }, kTimeoutMs);
        };
        auto* bar = window.findChild<DatabaseSourceBar*>();
        QVERIFY(bar);
        // Opened: the bar offers to ask the server again.
        QVERIFY2(bar->text().contains(QStringLiteral("12 events fetched from http://soc@ch.example:8123/telemetry")),
            qPrintable(bar->text()));
        // Thresholds are applied to what was fetched: no re-query is asked for.
        Profile tuned = window.session()->workingProfile();
        tuned.rule.minEvents = 20;
        QVERIFY(tuneTo(tuned));
        QVERIFY2(!bar->text().contains(QStringLiteral("changed since")), qPrintable(bar->text()));
        // A regex that chooses otherwise: the case may lack what the profile now considers.
        tuned.rule.domainRegex = "workers\\.dev$";
        QVERIFY(tuneTo(tuned));
        QVERIFY2(bar->text().contains(QStringLiteral("regex or the catalog changed since")), qPrintable(bar->text()));
        // Dismissed, the notice stays away while the regex and catalog stay as they are, and returns when they change.
        QPushButton* dismiss = nullptr;
        for (QPushButton* button : bar->findChildren<QPushButton*>())
            if (button->text() == QStringLiteral("Dismiss"))
                dismiss = button;
        QVERIFY(dismiss);
        dismiss->click();
        QVERIFY(bar->text().isEmpty());
        tuned.rule.minEvents = 21;
        QVERIFY(tuneTo(tuned));
        QVERIFY2(bar->text().isEmpty(), qPrintable(bar->text()));
        tuned.rule.domainRegex = "workers\\.dev";
        QVERIFY(tuneTo(tuned));
        QVERIFY2(bar->text().contains(QStringLiteral("regex or the catalog changed since")), qPrintable(bar->text()));
        // Tuned back to what the source was fetched for: nothing to say.
        tuned.rule.domainRegex = Profile {}.rule.domainRegex;
        QVERIFY(tuneTo(tuned));
        QVERIFY2(bar->text().isEmpty(), qPrintable(bar->text()));
        tuned.rule.domainRegex = "workers\\.dev";
        QVERIFY(tuneTo(tuned));

        // The refresh form asks what the case recorded, with the case's own mapping, and remembers nothing.
        const CaseSource& source = window.session()->snapshot()->sources.front();
        const auto request = refreshRequestFor(source);
        QVERIFY2(request, cepheid::test::whyNot(request));
        ClickHouseDialog dialog;
        dialog.setRefresh(*request, QString::fromStdString(source.path));
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        const ClickHouseRequest asked = dialog.request();
        QCOMPARE(asked.url, QStringLiteral("http://soc@ch.example:8123/telemetry"));
        QCOMPARE(asked.table, QStringLiteral("udm_network"));
        QCOMPARE(asked.from, QDateTime(QDate(2025, 3, 1), QTime(0, 0), Qt::UTC));
        QVERIFY(!asked.to.isValid());
        QCOMPARE(asked.replaces, std::optional<std::int64_t>(source.id));
        QVERIFY(asked.caseMapping && asked.caseMapping->expressions.at("user") == "principal_user");
        dialog.accept();
        QVERIFY(!QSettings().contains(QStringLiteral("clickhouse/url")));

        // A range recorded with only its end, long ago: the form can send it as recorded.
        ClickHouseRequest endOnly = *request;
        endOnly.from = QDateTime();
        endOnly.to = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC);
        ClickHouseDialog old;
        old.setRefresh(endOnly, QString::fromStdString(source.path));
        QVERIFY2(old.problem().isEmpty(), qPrintable(old.problem()));
        QVERIFY(!old.request().from.isValid());
        QCOMPARE(old.request().to, endOnly.to);
    }

    void importsTheSampleAndExplainsAFinding()
    {
        MainWindow window;
        QAbstractItemModelTester modelTester(
            window.findingsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester filterTester(
            window.findingsFilter(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window.show();
        QVERIFY(!MainWindow::samplePath().isEmpty());
        window.importFiles({ MainWindow::samplePath() }); // what File > Open the Bundled Sample does
        QTRY_COMPARE_WITH_TIMEOUT(window.findingsModel()->rowCount(), 26, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), kTimeoutMs);

        // Sorted by score: the first row is a beacon.
        QCOMPARE(window.findingsFilter()->index(0, FindingsModel::Verdict).data().toString(), QStringLiteral("beacon"));

        // The atomic-test burst: a beacon the rule misses.
        const int row = rowOfDestination(window, QStringLiteral("c2-0.atomic-test.workers.dev"));
        QVERIFY(row >= 0);
        window.findingsView()->selectRow(row);
        FlowDetail* detail = window.flowDetail();
        const QString why = detail->whyHtml();
        QVERIFY2(why.contains(QStringLiteral("Beacon score")) && why.contains(QStringLiteral("does not fire")),
            qPrintable(why.left(300)));
        QVERIFY(why.contains(QStringLiteral("hour_buckets")));

        // Interval histogram: every gap between the burst's check-ins is in a bin.
        std::uint32_t binned = 0;
        for (const IntervalChart::Bin& bin : detail->intervalChart()->bins())
            binned += bin.count;
        QCOMPARE(binned + detail->intervalChart()->beyondRange(), std::uint32_t(14));

        // The sparkline counts every event of the flow.
        const int sourceRow = window.findingsFilter()->mapToSource(window.findingsView()->currentIndex()).row();
        const auto activity = window.findingsModel()->activity(sourceRow);
        QCOMPARE(int(std::accumulate(activity.begin(), activity.end(), 0)), 15);

        // Timeline: the burst's 15 connections; zooming with the keyboard narrows the visible range.
        QCOMPARE(detail->timeline()->eventCount(), std::size_t(15));
        detail->tabs()->setCurrentIndex(FlowDetail::TimelineTab);
        const TimestampUs span = detail->timeline()->scale().end - detail->timeline()->scale().start;
        QTest::keyClick(detail->timeline(), Qt::Key_Plus);
        QVERIFY(detail->timeline()->scale().end - detail->timeline()->scale().start < span);
        QTest::keyClick(detail->timeline(), Qt::Key_Home);
        QCOMPARE(detail->timeline()->scale().end - detail->timeline()->scale().start, span);

        // Host view: every destination of 10.20.0.11 is a lane; clicking the selected flow's lane keeps it selected.
        HostView* host = detail->hostView();
        QVERIFY(host->laneCount() >= 1);
        QCOMPARE(host->laneFlow(0),
            window.findingsModel()
                ->finding(window.findingsFilter()->mapToSource(window.findingsView()->currentIndex()))
                ->flowIndex);

        // Events and the original record.
        QCOMPARE(detail->eventsView()->model()->rowCount(), 15);
        detail->tabs()->setCurrentIndex(FlowDetail::EventsTab);
        detail->eventsView()->selectRow(0);
        QTRY_VERIFY(detail->rawRecordText().contains(QStringLiteral("c2-0.atomic-test.workers.dev")));
        QVERIFY(detail->rawRecordText().contains(QStringLiteral("\"metadata\"")));
    }

    void quickFiltersNarrowTheTable()
    {
        MainWindow window;
        window.show();
        window.importFiles({ MainWindow::samplePath() });
        QTRY_COMPARE_WITH_TIMEOUT(window.findingsModel()->rowCount(), 26, kTimeoutMs);
        FindingsFilter* filter = window.findingsFilter();
        const auto summary = window.session()->snapshot()->analysis.summary;
        filter->setRuleFiredOnly(true);
        QCOMPARE(filter->rowCount(), int(summary.flowsFiring));
        filter->setRuleFiredOnly(false);
        filter->setMinimumVerdict(static_cast<int>(Verdict::Beacon));
        QCOMPARE(filter->rowCount(), int(summary.verdicts[static_cast<int>(Verdict::Beacon)]));
        filter->setMinimumVerdict(0);
        filter->setDisagreementOnly(true);
        QVERIFY(filter->rowCount() > 0);
        for (int row = 0; row < filter->rowCount(); ++row)
            QVERIFY(filter->index(row, 0).data(FindingsModel::DisagreeRole).toBool());
        filter->setDisagreementOnly(false);
        filter->setText(QStringLiteral("contoso"));
        QCOMPARE(filter->rowCount(), 12);
        filter->setText(QString());
        filter->setPlatform(QStringLiteral("AWS Lambda function URL")); // the implant and a developer's function
        QCOMPARE(filter->rowCount(), 2);
    }

    // A case mixing formats: the source filter offers each file with the format it was read as, and narrows the
    // table to the flows with events from the chosen one.
    void sourceFilterNarrowsToOneFile()
    {
        QTemporaryDir directory;
        std::string udm;
        for (int i = 0; i < 14; ++i)
            udm += udmEventWithProcess(i,
                       "2025-03-04T1" + std::to_string(i % 4) + ":0" + std::to_string(i % 6) + ":00Z",
                       R"(C:\\Temp\\a.exe)", "from-udm.workers.dev")
                + "\n";
        std::string csv = "Timestamp,DeviceName,ActionType,RemoteIP,RemotePort,RemoteUrl,LocalIP,"
                          "InitiatingProcessFolderPath,InitiatingProcessId,ReportId\n";
        for (int i = 0; i < 14; ++i)
            csv += "2025-03-04T1" + std::to_string(i % 4) + ":1" + std::to_string(i % 6)
                + ":00.0000000Z,ws01,ConnectionSuccess,104.21.1.1,443,https://from-defender.workers.dev/x,10.0.0.9,"
                  "C:\\Temp\\b.exe,1,"
                + std::to_string(i) + "\n";
        const QString udmPath = writeTestFile(directory, QStringLiteral("chronicle.ndjson"), udm);
        const QString csvPath = writeTestFile(directory, QStringLiteral("defender.csv"), csv);
        MainWindow window;
        window.show();
        window.importFiles({ udmPath, csvPath });
        QTRY_COMPARE_WITH_TIMEOUT(window.findingsModel()->rowCount(), 2, kTimeoutMs);
        QComboBox* sources = nullptr;
        for (QComboBox* box : window.findChildren<QComboBox*>())
            if (box->itemText(0) == QStringLiteral("Any source"))
                sources = box;
        QVERIFY(sources);
        QTRY_COMPARE_WITH_TIMEOUT(sources->count(), 3, kTimeoutMs);
        QVERIFY(sources->isEnabled());
        QCOMPARE(sources->itemText(1), QStringLiteral("chronicle.ndjson (chronicle-udm-json)"));
        QCOMPARE(sources->itemText(2), QStringLiteral("defender.csv (defender-csv)"));
        FindingsFilter* filter = window.findingsFilter();
        sources->setCurrentIndex(2);
        QCOMPARE(filter->rowCount(), 1);
        QCOMPARE(filter->index(0, FindingsModel::Destination).data().toString(),
            QStringLiteral("from-defender.workers.dev"));
        sources->setCurrentIndex(1);
        QCOMPARE(filter->rowCount(), 1);
        QCOMPARE(
            filter->index(0, FindingsModel::Destination).data().toString(), QStringLiteral("from-udm.workers.dev"));
        sources->setCurrentIndex(0);
        QCOMPARE(filter->rowCount(), 2);
    }

    void triageIsSavedInTheCaseAndSurvivesReopening()
    {
        QString casePath;
        {
            MainWindow window;
            window.show();
            window.importFiles({ MainWindow::samplePath() });
            QTRY_COMPARE_WITH_TIMEOUT(window.findingsModel()->rowCount(), 26, kTimeoutMs);
            QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), kTimeoutMs);
            casePath = window.session()->casePath();
            // Mark the two first findings (the table's extended selection) malicious.
            window.findingsView()->selectRow(0);
            window.findingsView()->selectionModel()->select(
                window.findingsFilter()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
            QVERIFY(window.setTriageForSelection(
                QStringLiteral("malicious"), QStringLiteral("confirmed C2"), QStringLiteral("ana")));
            QCOMPARE(window.findingsFilter()->index(0, FindingsModel::Triage).data().toString(),
                QStringLiteral("malicious"));
            window.findingsFilter()->setTriageStatus(QStringLiteral("malicious"));
            QCOMPARE(window.findingsFilter()->rowCount(), 2);
        }
        MainWindow reopened;
        reopened.show();
        reopened.openCase(casePath);
        QTRY_COMPARE_WITH_TIMEOUT(reopened.findingsModel()->rowCount(), 26, kTimeoutMs);
        reopened.findingsFilter()->setTriageStatus(QStringLiteral("malicious"));
        QCOMPARE(reopened.findingsFilter()->rowCount(), 2);
        QVERIFY(reopened.findingsFilter()
                    ->index(0, FindingsModel::Triage)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("confirmed C2")));
    }

    void retriageKeepsNotesAndMixedSelectionsAppend()
    {
        MainWindow window;
        openSample(window);
        QTableView* table = window.findingsView();
        FindingsFilter* filter = window.findingsFilter();
        const auto stateOf = [&](int row) {
            return window.findingsModel()->triageState(filter->mapToSource(filter->index(row, 0)).row());
        };
        table->selectRow(0);
        QVERIFY(window.setTriageForSelection(
            QStringLiteral("investigating"), QStringLiteral("asked the owner"), QStringLiteral("ana")));

        // Re-triage: the dialog opens on the current status and notes; changing the status keeps the notes.
        {
            TriageDialog dialog({ { stateOf(0)->status, stateOf(0)->notes } }, QStringLiteral("bo"));
            QCOMPARE(dialog.statusBox()->currentText(), QStringLiteral("investigating"));
            QCOMPARE(dialog.notesEdit()->toPlainText(), QStringLiteral("asked the owner"));
            QVERIFY(dialog.notesHint()->isHidden());
            dialog.statusBox()->setCurrentText(QStringLiteral("malicious"));
            // Ctrl+Return in the notes accepts the dialog rather than adding a line.
            dialog.show();
            QTest::keyClick(dialog.notesEdit(), Qt::Key_Return, Qt::ControlModifier);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
            QCOMPARE(dialog.notesEdit()->toPlainText(), QStringLiteral("asked the owner"));
            QVERIFY(window.setTriageForSelection(dialog.edit()));
        }
        QCOMPARE(stateOf(0)->status, std::string("malicious"));
        QCOMPARE(stateOf(0)->notes, std::string("asked the owner"));
        QCOMPARE(stateOf(0)->history.size(), std::size_t(2));
        QCOMPARE(stateOf(0)->history[1].fromStatus, std::string("investigating"));
        QVERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("investigating → malicious")));

        // Two findings with different notes: the dialog says so, keeps each status, and appends.
        table->selectionModel()->select(filter->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(table->selectionModel()->selectedRows().size(), 2);
        TriageDialog dialog({ { "malicious", "asked the owner" }, { "new", "" } }, QStringLiteral("cy"));
        QVERIFY(!dialog.notesHint()->isHidden());
        QVERIFY(dialog.notesHint()->text().contains(QStringLiteral("different notes")));
        QVERIFY(dialog.notesEdit()->toPlainText().isEmpty());
        QVERIFY(!dialog.edit().status); // statuses differ: each is kept unless one is chosen
        dialog.notesEdit()->setPlainText(QStringLiteral("same C2 family"));
        QVERIFY(window.setTriageForSelection(dialog.edit()));
        QCOMPARE(stateOf(0)->notes, std::string("asked the owner\n\nsame C2 family"));
        QCOMPARE(stateOf(0)->status, std::string("malicious"));
        QCOMPARE(stateOf(1)->notes, std::string("same C2 family"));
        QCOMPARE(stateOf(1)->status, std::string("new"));
    }

    // A direction override in a name is shown, not obeyed: "\u202Egnp.exe" must not read as "exe.png" in the table.
    void directionOverridesAreShownInTheTable()
    {
        QTemporaryDir directory;
        std::string text;
        for (int i = 0; i < 12; ++i)
            text += udmEventWithProcess(i,
                        "2025-03-04T1" + std::to_string(i / 4) + ":" + std::to_string(10 + i) + ":00Z",
                        "C:\\\\Temp\\\\\\u202egnp.exe", "x\\u202eved.srekrow.workers.dev")
                + "\n";
        MainWindow window;
        window.show();
        window.importFiles({ writeTestFile(directory, QStringLiteral("rlo.ndjson"), text) });
        QTRY_VERIFY_WITH_TIMEOUT(window.findingsModel()->rowCount() == 1 && !window.session()->isBusy(), kTimeoutMs);
        const auto shown = [&](int column) { return window.findingsFilter()->index(0, column).data().toString(); };
        QCOMPARE(shown(FindingsModel::Destination), QStringLiteral("x[U+202E]ved.srekrow.workers.dev"));
        QCOMPARE(shown(FindingsModel::Process), QStringLiteral("[U+202E]gnp.exe"));
        for (const int column : { FindingsModel::Destination, FindingsModel::Process })
            QVERIFY(!shown(column).contains(QChar(0x202E)));
        // Every other view of the same text: the table's tooltip, the Why tab, the events of the flow.
        QVERIFY(!window.findingsFilter()
                     ->index(0, FindingsModel::Process)
                     .data(Qt::ToolTipRole)
                     .toString()
                     .contains(QChar(0x202E)));
        window.findingsView()->setCurrentIndex(window.findingsFilter()->index(0, 0));
        window.findingsView()->selectRow(0);
        QTRY_VERIFY2_WITH_TIMEOUT(window.flowDetail()->whyHtml().contains(QStringLiteral("gnp.exe")),
            qPrintable(window.flowDetail()->whyHtml().left(600)), kTimeoutMs);
        QVERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("[U+202E]gnp.exe")));
        QVERIFY(!window.flowDetail()->whyHtml().contains(QChar(0x202E)));
        QAbstractItemModel* events = window.flowDetail()->eventsView()->model();
        QVERIFY(events->rowCount() == 12);
        for (int column = 0; column < events->columnCount(); ++column)
            QVERIFY2(!events->index(0, column).data().toString().contains(QChar(0x202E)),
                qPrintable(QString::number(column)));
    }

    void emptyResultExplainsItselfAndOffersTheWayOut()
    {
        QTemporaryDir directory;
        std::string text;
        for (int i = 0; i < 20; ++i)
            text += udmEventWithProcess(i, "2025-03-04T10:" + std::to_string(10 + i) + ":00Z",
                        R"(C:\\Program Files\\Browser\\browser.exe)", i % 2 ? "www.example.com" : "cdn.example.net")
                + "\n";
        MainWindow window;
        window.show();
        window.importFiles({ writeTestFile(directory, QStringLiteral("plain.ndjson"), text) });
        // The new case is opened empty first, then the import fills it: wait for the events.
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->snapshot() && window.session()->snapshot()->events.size() == 20
                && !window.session()->isBusy(),
            kTimeoutMs);
        QCOMPARE(window.findingsModel()->rowCount(), 0);
        QVERIFY(window.showsNoFindings());
        QVERIFY2(window.noFindingsText().contains(QStringLiteral("0 of 2 destinations match the catalog")),
            qPrintable(window.noFindingsText()));
        QVERIFY(window.noFindingsText().contains(QStringLiteral("www.example.com")));
        QVERIFY(window.considerAllButton()->isVisible() && window.editCatalogButton()->isVisible());
        window.editCatalogButton()->click();
        QCOMPARE(window.tuningDock()->tabs()->currentWidget(), static_cast<QWidget*>(window.tuningDock()->catalog()));
        // A pattern RE2 refuses is never used.
        QString error;
        QVERIFY(!window.tuningDock()->tuneCatalog({ { "broken", "(" } }, error));
        QVERIFY2(error.contains(QStringLiteral("broken")) || error.contains(QStringLiteral("(")), qPrintable(error));
        // Editing a pattern in place: RE2 refuses "(", the panel says why and shows the catalog in use again.
        QTableWidget* catalog = window.tuningDock()->catalog()->view();
        const QString pattern = catalog->item(0, 1)->text();
        catalog->item(0, 1)->setText(QStringLiteral("("));
        QTRY_VERIFY(!window.tuningDock()->catalog()->problem().isEmpty());
        QCOMPARE(catalog->item(0, 1)->text(), pattern);
        QCOMPARE(window.session()->workingProfile().catalog, Profile::defaultCatalog());
        window.considerAllButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(window.findingsModel()->rowCount(), 2, kTimeoutMs);
        QVERIFY(!window.showsNoFindings());
    }

    void detailFollowsTheTableAndEscClearsFilters()
    {
        MainWindow window;
        openSample(window);
        const int row = rowOfDestination(window, QStringLiteral("c2-0.atomic-test.workers.dev"));
        window.findingsView()->selectRow(row);
        QVERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("Beacon score")));
        // Filtering the shown finding away: the pane says it is hidden and by what, not a stale flow.
        window.searchField()->setText(QStringLiteral("contoso"));
        QTRY_VERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("is hidden")));
        QVERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("contoso")));
        QVERIFY(!window.flowDetail()->whyHtml().contains(QStringLiteral("Beacon score")));
        // The reason follows the filter as it is typed.
        window.searchField()->setText(QStringLiteral("contoso-config"));
        QTRY_VERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("contoso-config")));
        // The table taking the focus makes its first row current without highlighting it: the pane keeps saying
        // the finding is hidden, and row actions have no finding to act on.
        window.findingsView()->setFocus();
        QTest::keyClick(window.findingsView(), Qt::Key_Control); // focus and a key event, no selection
        QVERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("is hidden")));
        QVERIFY(!window.allowlistCurrentFinding(AllowlistEntryDialog::Flow));
        // Esc clears the filters when nothing runs; the pane follows the table again.
        window.findingsView()->setFocus();
        QTest::keyClick(window.findingsView(), Qt::Key_Escape);
        QVERIFY(window.searchField()->text().isEmpty());
        QCOMPARE(window.findingsFilter()->rowCount(), 26);
        QTRY_VERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("Beacon score")));
        // Triage under a triage filter hides the finding triaged: the pane says so and names the triage filter,
        // and no action lands on the neighbour Qt made current.
        window.findingsFilter()->setTriageStatus(QStringLiteral("new"));
        window.findingsView()->selectRow(0);
        QVERIFY(window.setTriageForSelection(QStringLiteral("benign"), QStringLiteral("lab"), QStringLiteral("ana")));
        QTRY_VERIFY(window.flowDetail()->whyHtml().contains(QStringLiteral("its triage is benign")));
        QVERIFY(!window.allowlistCurrentFinding(AllowlistEntryDialog::Flow));
        window.findingsFilter()->setTriageStatus(QString());
        // Filters that hide everything say so.
        window.searchField()->setText(QStringLiteral("no such host anywhere"));
        QTRY_VERIFY(window.showsNoFindings());
        QVERIFY(window.noFindingsText().contains(QStringLiteral("hidden by the filters")));
    }

    void keyboardWalksBetweenPanesAndListsEveryShortcut()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.importFiles({ MainWindow::samplePath() });
        QTRY_COMPARE_WITH_TIMEOUT(window.findingsModel()->rowCount(), 26, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), kTimeoutMs);
        window.findingsView()->selectRow(0);
        // Tab from the filter reaches the table, and one Tab more leaves it for the detail pane.
        window.searchField()->setFocus();
        bool reachedTable = false, leftTable = false, reachedDock = false;
        for (int step = 0; step < 40 && !reachedDock; ++step) {
            QWidget* focused = QApplication::focusWidget();
            QVERIFY(focused);
            const bool inTable = focused == window.findingsView();
            QTest::keyClick(focused, Qt::Key_Tab);
            QWidget* next = QApplication::focusWidget();
            reachedTable = reachedTable || next == window.findingsView();
            if (inTable) {
                QVERIFY(next != window.findingsView());
                leftTable = window.flowDetail()->isAncestorOf(next);
            }
            reachedDock = window.tuningDock()->isAncestorOf(next);
        }
        QVERIFY(reachedTable);
        QVERIFY(leftTable);
        QVERIFY(reachedDock);

        // Help ▸ Keyboard Shortcuts is generated from the menus.
        const auto shortcuts = window.shortcutList();
        const auto has = [&](const QString& name, const QString& keys) {
            return std::any_of(shortcuts.begin(), shortcuts.end(),
                [&](const auto& row) { return row.first.contains(name) && row.second == keys; });
        };
        QVERIFY(has(QStringLiteral("Set Triage"), QStringLiteral("Ctrl+T")));
        QVERIFY(has(QStringLiteral("Clear Filters"), QStringLiteral("Esc")));
        QVERIFY(has(QStringLiteral("Gaps over time"), QStringLiteral("Alt+3")));
    }

    void copiedRowsAreSpreadsheetSafeTsv()
    {
        // Cells from exports are attacker-controlled: a formula must arrive in a spreadsheet as text.
        QStandardItemModel model(2, 2);
        model.setHorizontalHeaderLabels({ QStringLiteral("Destination"), QStringLiteral("Process") });
        model.setItem(0, 0, new QStandardItem(QStringLiteral("=HYPERLINK(\"http://x\")")));
        model.setItem(0, 1, new QStandardItem(QStringLiteral("a\tb")));
        model.setItem(1, 0, new QStandardItem(QStringLiteral("api.lab.workers.dev")));
        model.setItem(1, 1, new QStandardItem(QStringLiteral("\"=HYPERLINK(\"\"http://x\"\")\"")));
        QTableView view;
        view.setModel(&model);
        view.setSelectionBehavior(QAbstractItemView::SelectRows);
        view.selectAll();
        QCOMPARE(selectedRowsAsTsv(view),
            QStringLiteral("Destination\tProcess\n'=HYPERLINK(\"http://x\")\ta "
                           "b\napi.lab.workers.dev\t'\"=HYPERLINK(\"\"http://x\"\")\"\n"));
        view.setColumnHidden(1, true);
        QCOMPARE(
            selectedRowsAsTsv(view), QStringLiteral("Destination\n'=HYPERLINK(\"http://x\")\napi.lab.workers.dev\n"));
    }

    void helpAndVersionNeedNoDisplay()
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char* name : { "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM" })
            environment.remove(QString::fromLatin1(name));
        process.setProcessEnvironment(environment);
        for (const QString& option : { QStringLiteral("--help"), QStringLiteral("--version") }) {
            process.start(QStringLiteral(CEPHEID_GUI_PATH), { option });
            QVERIFY(process.waitForFinished(30000));
            QCOMPARE(process.exitCode(), 0);
            const QString out = QString::fromUtf8(process.readAllStandardOutput());
            QVERIFY2(out.contains(
                         option == QStringLiteral("--help") ? QStringLiteral("--theme") : QStringLiteral("cepheid")),
                qPrintable(out + QString::fromUtf8(process.readAllStandardError())));
        }
    }

    void fileDialogsRememberTheFolderPerKind()
    {
        QTemporaryDir directory;
        rememberFolder(QStringLiteral("exports"), directory.filePath(QStringLiteral("a.ndjson")));
        QCOMPARE(lastFolder(QStringLiteral("exports")), QFileInfo(directory.path()).absoluteFilePath());
        QCOMPARE(lastFolder(QStringLiteral("never-used")), QDir::homePath());
    }

    void exportsFindingsAndTheTunedRule()
    {
        QTemporaryDir directory;
        MainWindow window;
        openSample(window);
        window.findingsView()->selectRow(0);
        QVERIFY(window.setTriageForSelection(QStringLiteral("malicious"), QStringLiteral("C2"), QStringLiteral("ana")));
        const QString csv = directory.filePath(QStringLiteral("f.csv"));
        QVERIFY(window.exportFindingsTo(FindingsFormat::Csv, csv));
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QByteArray table = csvFile.readAll();
        QVERIFY(table.startsWith("\xEF\xBB\xBFsrc_ip,"));
        // One row per alerting finding, as `cepheid-cli report` lists them.
        const auto snapshot = window.session()->snapshot();
        const auto alerting = std::count_if(snapshot->analysis.findings.begin(), snapshot->analysis.findings.end(),
            [&](const Finding& finding) { return isAlerting(finding, snapshot->profile.score); });
        QVERIFY(alerting > 0);
        QCOMPARE(table.count("\r\n"), 1 + int(alerting));
        const QString stix = directory.filePath(QStringLiteral("s.json"));
        QVERIFY(window.exportFindingsTo(FindingsFormat::Stix, stix));
        QFile stixFile(stix);
        QVERIFY(stixFile.open(QIODevice::ReadOnly));
        QVERIFY(stixFile.readAll().contains("\"type\": \"indicator\""));
        const QString rule = directory.filePath(QStringLiteral("rule"));
        QVERIFY(window.exportTunedRuleTo(rule));
        QFile ruleFile(rule + QStringLiteral("/t1584_007_serverless_c2_beaconing_tuned.yaral"));
        QVERIFY(ruleFile.open(QIODevice::ReadOnly));
        QVERIFY(ruleFile.readAll().contains("$event_count >= 12"));
    }

    void exportsTheCaseReportWithProgressAndCancel()
    {
        QTemporaryDir directory;
        MainWindow window;
        openSample(window);
        // Two findings selected in the table: the dialog offers them first.
        window.findingsView()->selectRow(0);
        window.findingsView()->selectionModel()->select(
            window.findingsFilter()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        ReportDialog* dialog = window.showReportDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->findingsCount(), 2);
        QVERIFY(dialog->request().flows.has_value());
        QSignalSpy finished(dialog, &ReportDialog::finished);
        const QString html = directory.filePath(QStringLiteral("r.html"));
        QVERIFY(dialog->exportTo(html));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, cepheid::test::kWorkbenchTimeoutMs);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QCOMPARE(text.count("<svg"), 6); // three charts for each of the two findings
        QVERIFY(
            text.contains(window.findingsFilter()->index(0, FindingsModel::Destination).data().toString().toUtf8()));

        // Every considered flow as PDF, cancelled at once: nothing is written and the dialog can go again.
        QVERIFY(dialog->chooseFindings(QStringLiteral("All considered")));
        QCOMPARE(dialog->findingsCount(), 26);
        dialog->setFormat(ReportFormat::Pdf);
        const QString cancelled = directory.filePath(QStringLiteral("cancelled.pdf"));
        QVERIFY(dialog->exportTo(cancelled));
        QVERIFY(dialog->isRunning());
        QTest::keyClick(dialog, Qt::Key_Escape); // Esc while running cancels, and keeps the dialog open
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, cepheid::test::kWorkbenchTimeoutMs);
        QVERIFY(!finished.at(1).at(0).toBool());
        QVERIFY(finished.at(1).at(2).toString().isEmpty());
        QVERIFY(!QFile::exists(cancelled));
        QVERIFY(dialog->isVisible());

        const QString pdf = directory.filePath(QStringLiteral("all.pdf"));
        dialog->setRawRecords(0);
        QVERIFY(dialog->exportTo(pdf));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, cepheid::test::kWorkbenchTimeoutMs);
        QVERIFY2(finished.at(2).at(0).toBool(), qPrintable(finished.at(2).at(2).toString()));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.read(5) == "%PDF-");

        // The print preview paints the first findings of the choice onto a printer.
        QPrinter printer(QPrinter::ScreenResolution);
        printer.setOutputFormat(QPrinter::PdfFormat);
        const QString preview = directory.filePath(QStringLiteral("preview.pdf"));
        printer.setOutputFileName(preview);
        dialog->paintPreview(&printer);
        QVERIFY(QFileInfo(preview).size() > 1000);
        dialog->close();
    }

    void verifyCaseReadsTheWholeCaseBack()
    {
        MainWindow window;
        openSample(window);
        QSignalSpy verified(&window, &MainWindow::caseVerified);
        QVERIFY(window.verifyCase());
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, cepheid::test::kWorkbenchTimeoutMs);
        QVERIFY2(
            verified.at(0).at(0).toStringList().isEmpty(), qPrintable(verified.at(0).at(0).toStringList().join(u'\n')));
        QCOMPARE(verified.at(0).at(1).toULongLong(), qulonglong(19179));
    }

    void geometryIsRestored()
    {
        {
            MainWindow window;
            window.show();
            window.resize(1301, 761);
            QTRY_COMPARE(window.size(), QSize(1301, 761));
            window.close();
        }
        MainWindow reopened;
        QCOMPARE(reopened.size(), QSize(1301, 761));
    }

    void cancelledImportLeavesNoPartialState()
    {
        QTemporaryDir directory;
        MainWindow window;
        openSample(window);
        const std::size_t before = window.session()->snapshot()->events.size();

        // A large export, cancelled as soon as its import starts.
        const QString big = directory.filePath(QStringLiteral("big.ndjson"));
        {
            QFile file(big);
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (int i = 0; i < 150000; ++i)
                file.write(QByteArrayLiteral("{\"metadata\":{\"id\":\"big") + QByteArray::number(i)
                    + QByteArrayLiteral("\",\"eventTimestamp\":\"2025-03-04T10:00:00Z\",\"eventType\":"
                                        "\"NETWORK_CONNECTION\"},\"target\":{\"hostname\":\"x.workers.dev\"}}\n"));
        }
        QSignalSpy busy(window.session(), &CaseSession::busyChanged);
        window.importFiles({ big });
        QVERIFY(window.session()->isBusy());
        window.session()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), kTimeoutMs);
        QCOMPARE(window.session()->snapshot()->events.size(), before);
        QCOMPARE(window.session()->snapshot()->sources.size(), std::size_t(1));
    }
};

QTEST_MAIN(WorkbenchTest)
#include "tst_workbench.moc"
