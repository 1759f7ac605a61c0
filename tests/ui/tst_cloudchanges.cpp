// The workbench's cloud change findings: the Cloud changes page (table, summary, calls and raw audit records, linked
// flows), the way between a change and the flows that reach its function (both ways), the timeline's markers, the
// findings table's Cloud column, triage of a change in the case's triage table, and tuning re-rating the changes.

#include "mainwindow.h"
#include "models/changesmodel.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"
#include "testsupport.h"
#include "triage/triagedialog.h"
#include "views/changedetail.h"
#include "views/changesview.h"
#include "views/flowdetail.h"
#include "views/tablesetup.h"
#include "views/timelineview.h"
#include "workbenchsupport.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace cepheid;
using namespace cepheid::ui;
using cepheid::test::answerModal;
using cepheid::test::kWorkbenchTimeoutMs;
using cepheid::test::sourcePath;
using cepheid::test::writeTestFile;

namespace {

const QString kRelay = QStringLiteral("relay.acme.workers.dev");

// The issue's scenario (tests/core/tst_cloudaudit.cpp): 10.1.2.3's rundll32.exe checks in to the Worker every 5
// minutes for 6 hours, from 30 minutes after mallory@contractor.example deployed it from 10.1.2.3.
std::string beaconNdjson()
{
    std::string text;
    for (int i = 0; i < 72; ++i) {
        const TimestampUs time = test::at("2025-03-04T09:30:00Z") + TimestampUs(i) * 300 * kMicrosPerSecond;
        text += R"({"metadata":{"id":"b)" + std::to_string(i) + R"(","eventTimestamp":")" + formatRfc3339(time)
            + R"(","eventType":"NETWORK_CONNECTION"},"principal":{"hostname":"wks-0142","ip":["10.1.2.3"],)"
              R"("process":{"file":{"fullPath":"C:\\Windows\\System32\\rundll32.exe"}}},"target":{"hostname":")"
            + kRelay.toStdString() + R"("},"network":{"direction":"OUTBOUND","sentBytes":"420","receivedBytes":"980"}})"
            + "\n";
    }
    return text;
}

QString fixture(const char* name)
{
    return sourcePath(QStringLiteral("tests/data/cloud/") + QLatin1String(name));
}

// Shows the window and imports `paths`, waiting until the case is analysed and nothing runs.
void importAndWait(MainWindow& window, const QStringList& paths, std::size_t events)
{
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.importFiles(paths);
    QTRY_VERIFY_WITH_TIMEOUT(window.session()->snapshot() && window.session()->snapshot()->events.size() == events
            && !window.session()->isBusy() && !window.session()->isTuning(),
        kWorkbenchTimeoutMs);
}

// The Cloudflare deploy and the beacon, in a new case: 1 audit record and 72 connections.
void openScenario(MainWindow& window, const QTemporaryDir& directory)
{
    const QString beacon = writeTestFile(directory, QStringLiteral("beacon.ndjson"), beaconNdjson());
    importAndWait(window, { fixture("cloudflare-deploy-unknown.json"), beacon }, 73);
}

QString cell(const QAbstractItemModel* model, int row, int column, int role = Qt::DisplayRole)
{
    return model->index(row, column).data(role).toString();
}

} // namespace

class CloudChangesTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void changesPageListsTheDeployLinkedToTheBeacon()
    {
        QTemporaryDir directory;
        MainWindow window;
        QAbstractItemModelTester tester(
            window.changesView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        openScenario(window, directory);
        ChangesView* changes = window.changesView();
        const QAbstractItemModel* table = changes->filter();
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(cell(table, 0, ChangesModel::Severity), QStringLiteral("high"));
        QCOMPARE(cell(table, 0, ChangesModel::Actor), QStringLiteral("mallory@contractor.example"));
        QCOMPARE(cell(table, 0, ChangesModel::Resource), QStringLiteral("relay"));
        QCOMPARE(cell(table, 0, ChangesModel::Provider), QStringLiteral("Cloudflare"));
        QCOMPARE(cell(table, 0, ChangesModel::SourceIps), QStringLiteral("10.1.2.3 (host)"));
        QCOMPARE(cell(table, 0, ChangesModel::Links), QStringLiteral("1"));
        QCOMPARE(cell(table, 0, ChangesModel::Triage), QStringLiteral("new"));
        QCOMPARE(cell(table, 0, ChangesModel::FirstCall), QStringLiteral("03-04 09:00:00"));
        QVERIFY(cell(table, 0, ChangesModel::Signals).contains(QStringLiteral("linked beacon")));
        QVERIFY(cell(table, 0, ChangesModel::Links, Qt::ToolTipRole).contains(QStringLiteral("rundll32.exe")));
        // The severity is coloured; the tint is the palette's base blended toward red, never the base itself.
        QVERIFY(table->index(0, ChangesModel::Severity).data(Qt::BackgroundRole).isValid());

        // The page is one tab away, and its tab says what waits there.
        QVERIFY(!window.views()->tabBar()->isHidden());
        QCOMPARE(window.views()->tabText(MainWindow::ChangesPage), QStringLiteral("Cloud changes (1, 1 alerting)"));
        QVERIFY(!changes->showsEmptyState());
        QVERIFY2(changes->summaryText().contains(QStringLiteral("1 high")), qPrintable(changes->summaryText()));

        // The detail: who, from where, what, when, each signal with its points, the linked flow and the raw record.
        ChangeDetail* detail = changes->detail();
        QCOMPARE(detail->changeIndex(), 0);
        const QString summary = detail->summaryHtml();
        for (const char* expected : { "mallory@contractor.example", "seen in the case's network events",
                 "relay.acme.workers.dev", "update code", "2025-03-04T09:00:00Z", "new actor", "+30", "triage: new" })
            QVERIFY2(summary.contains(QLatin1String(expected)), expected);
        QCOMPARE(detail->linksView()->rowCount(), 1);
        QCOMPARE(detail->linksView()->item(0, 0)->text(), QStringLiteral("10.1.2.3"));
        QCOMPARE(detail->linksView()->item(0, 1)->text(), QStringLiteral("rundll32.exe"));
        QVERIFY(detail->linksView()->item(0, 2)->text().contains(QStringLiteral("before the flow's first event")));
        QCOMPARE(detail->callsView()->rowCount(), 1);
        QCOMPARE(detail->callsView()->item(0, 1)->text(), QStringLiteral("deploy"));
        QTRY_VERIFY(detail->rawRecordText().contains(QStringLiteral("\"script_name\": \"relay\"")));
        QVERIFY(detail->rawRecordText().contains(QStringLiteral("mallory@contractor.example")));

        // The filter narrows on what the analyst knows: an address, an actor.
        changes->searchField()->setText(QStringLiteral("10.1.2.3"));
        QCOMPARE(table->rowCount(), 1);
        changes->searchField()->setText(QStringLiteral("ci-deploy"));
        QCOMPARE(table->rowCount(), 0);
        QCOMPARE(detail->changeIndex(), -1); // nothing highlighted, nothing shown
        changes->searchField()->clear();

        // File ▸ Export ▸ Findings as JSON lists the change, as cepheid-cli score does.
        const QString json = directory.filePath(QStringLiteral("report.json"));
        QVERIFY(window.exportFindingsTo(FindingsFormat::Json, json));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray exported
            = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("cloud_changes")).toArray();
        QCOMPARE(exported.size(), 1);
        QCOMPARE(exported.first().toObject().value(QStringLiteral("severity")).toString(), QStringLiteral("high"));
    }

    void activatingALinkedFlowSelectsItInTheFindings()
    {
        QTemporaryDir directory;
        MainWindow window;
        openScenario(window, directory);
        // The flow is hidden by a filter: opening it from the change clears the filter rather than doing nothing.
        window.searchField()->setText(QStringLiteral("nothing matches this"));
        QCOMPARE(window.findingsFilter()->rowCount(), 0);
        window.findingsView()->clearSelection();
        window.views()->setCurrentIndex(MainWindow::ChangesPage);
        QTableWidget* links = window.changesView()->detail()->linksView();
        links->setFocus();
        links->setCurrentCell(0, 0);
        QTest::keyClick(links, Qt::Key_Return);
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::FindingsPage));
        QVERIFY(window.searchField()->text().isEmpty());
        const QModelIndex current = window.findingsView()->currentIndex();
        QVERIFY(current.isValid());
        QVERIFY(window.findingsView()->selectionModel()->isRowSelected(current.row()));
        const QAbstractItemModel* findings = window.findingsFilter();
        QCOMPARE(cell(findings, current.row(), FindingsModel::Destination), kRelay);
        QCOMPARE(cell(findings, current.row(), FindingsModel::Process), QStringLiteral("rundll32.exe"));
        // The findings table marks the flow with its change, coloured by severity.
        QCOMPARE(cell(findings, current.row(), FindingsModel::Cloud), QStringLiteral("high"));
        QVERIFY(!window.findingsView()->isColumnHidden(FindingsModel::Cloud));
        QVERIFY(cell(findings, current.row(), FindingsModel::Cloud, Qt::ToolTipRole)
                    .contains(QStringLiteral("mallory@contractor.example")));

        // The button does the same, from another selection.
        window.findingsView()->clearSelection();
        window.views()->setCurrentIndex(MainWindow::ChangesPage);
        window.changesView()->detail()->showFlowButton()->click();
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::FindingsPage));
        QVERIFY(window.findingsView()->selectionModel()->hasSelection());
    }

    void whyTabNamesTheChangeAndLeadsBackToIt()
    {
        QTemporaryDir directory;
        MainWindow window;
        openScenario(window, directory);
        QCOMPARE(window.findingsModel()->rowCount(), 1);
        chooseRow(window.findingsView(), 0); // not selectRow(): QTest may leave Ctrl down
        const QString why = window.flowDetail()->whyHtml();
        QVERIFY2(why.contains(QStringLiteral("Cloud changes (1)")), qPrintable(why.left(800)));
        QVERIFY(why.contains(QStringLiteral("mallory@contractor.example")));
        QVERIFY(why.contains(QStringLiteral("update code")));
        QVERIFY(why.contains(QStringLiteral("30.0 min before the flow's first event")));

        // The Why tab's link opens the change.
        auto* browser = qobject_cast<QTextBrowser*>(window.flowDetail()->tabs()->widget(FlowDetail::WhyTab));
        QVERIFY(browser);
        emit browser->anchorClicked(QUrl(QStringLiteral("change:0")));
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::ChangesPage));
        QCOMPARE(window.changesView()->selectedChanges(), std::vector<int> { 0 });

        // Ctrl+J goes both ways: from the change to its flow, and from the flow back to the change.
        window.changesView()->table()->setFocus();
        QTest::keyClick(window.changesView()->table(), Qt::Key_J, Qt::ControlModifier);
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::FindingsPage));
        QVERIFY(window.findingsView()->selectionModel()->isRowSelected(0));
        window.changesView()->table()->clearSelection();
        QTest::keyClick(window.findingsView(), Qt::Key_J, Qt::ControlModifier);
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::ChangesPage));
        QCOMPARE(window.changesView()->selectedChanges(), std::vector<int> { 0 });
    }

    void timelineMarksTheChangeAndOpensIt()
    {
        QTemporaryDir directory;
        MainWindow window;
        openScenario(window, directory);
        chooseRow(window.findingsView(), 0); // not selectRow(): QTest may leave Ctrl down
        window.flowDetail()->tabs()->setCurrentIndex(FlowDetail::TimelineTab);
        TimelineView* timeline = window.flowDetail()->timeline();
        QCOMPARE(timeline->markedChanges(), std::vector<int> { 0 });
        const TimestampUs changed = window.session()->snapshot()->cloud.changes.front().first;
        const double x = timeline->xOf(changed);
        QCOMPARE(timeline->markedChangeAt(x), 0);
        QCOMPARE(timeline->markedChangeAt(x + 40), -1);
        // The change is the case's first record: the view leaves it a margin instead of drawing it on the axis.
        QVERIFY(timeline->scale().start < changed);
        const QRectF band = timeline->markerBand();
        QVERIFY(!band.isEmpty());
        QTest::mouseClick(timeline, Qt::LeftButton, {}, QPointF(x, band.center().y()).toPoint());
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::ChangesPage));
        QCOMPARE(window.changesView()->selectedChanges(), std::vector<int> { 0 });
    }

    void triageOfAChangeRoundTripsThroughTheCase()
    {
        QTemporaryDir directory;
        QString casePath;
        {
            MainWindow window;
            openScenario(window, directory);
            casePath = window.session()->casePath();
            window.views()->setCurrentIndex(MainWindow::ChangesPage);
            // Set Triage on the changes page opens the dialog on the change's state and saves under its key.
            answerModal<TriageDialog>([](TriageDialog* dialog) {
                if (dialog->statusBox()->currentText() != QStringLiteral("new"))
                    return QStringLiteral("the dialog opened on %1").arg(dialog->statusBox()->currentText());
                dialog->statusBox()->setCurrentText(QStringLiteral("malicious"));
                dialog->notesEdit()->setPlainText(QStringLiteral("contractor account abused"));
                dialog->accept();
                return QString();
            });
            window.changesView()->detail()->triageButton()->click();
            const QAbstractItemModel* table = window.changesView()->filter();
            QCOMPARE(cell(table, 0, ChangesModel::Triage), QStringLiteral("malicious"));
            QVERIFY(window.changesView()->detail()->summaryHtml().contains(QStringLiteral("new → malicious")));
            // The flow's own triage is untouched: the change has its own key in the same table.
            QCOMPARE(cell(window.findingsFilter(), 0, FindingsModel::Triage), QStringLiteral("new"));
            const auto& triage = window.session()->snapshot()->triage;
            QVERIFY(triage.count(changeTriageKey(window.session()->snapshot()->cloud.changes.front())) == 1);
            // And the API the menus use: a second edit appends to the history.
            QVERIFY(window.setTriageForChanges({ 0 },
                TriageEdit { QStringLiteral("investigating"), QStringLiteral("asked the contractor"),
                    TriageEdit::NotesMode::Replace, QStringLiteral("bo") }));
            QCOMPARE(cell(table, 0, ChangesModel::Triage), QStringLiteral("investigating"));
        }
        MainWindow reopened;
        reopened.show();
        reopened.openCase(casePath);
        QTRY_COMPARE_WITH_TIMEOUT(reopened.changesView()->filter()->rowCount(), 1, kWorkbenchTimeoutMs);
        const QAbstractItemModel* table = reopened.changesView()->filter();
        QCOMPARE(cell(table, 0, ChangesModel::Triage), QStringLiteral("investigating"));
        QVERIFY(cell(table, 0, ChangesModel::Triage, Qt::ToolTipRole).contains(QStringLiteral("asked the contractor")));
        const QString summary = reopened.changesView()->detail()->summaryHtml();
        QVERIFY2(summary.contains(QStringLiteral("new → malicious"))
                && summary.contains(QStringLiteral("malicious → investigating")),
            qPrintable(summary.right(800)));
        QCOMPARE(cell(reopened.findingsFilter(), 0, FindingsModel::Triage), QStringLiteral("new"));
    }

    void tuningReratesTheChanges()
    {
        QTemporaryDir directory;
        MainWindow window;
        openScenario(window, directory);
        const QAbstractItemModel* table = window.changesView()->filter();
        window.views()->setCurrentIndex(MainWindow::ChangesPage);
        // Weights from the profile: without the beacon's and the workstation's points the deploy is medium.
        Profile profile = window.session()->workingProfile();
        profile.cloud.weights.linkedBeacon = 0;
        profile.cloud.weights.cliFromWorkstation = 0;
        profile.cloud.highAt = 90;
        window.session()->tune(profile);
        QTRY_COMPARE_WITH_TIMEOUT(
            cell(table, 0, ChangesModel::Severity), QStringLiteral("medium"), kWorkbenchTimeoutMs);
        QVERIFY(window.changesView()->detail()->summaryHtml().contains(QStringLiteral("high from 90")));
        QCOMPARE(window.changesView()->selectedChanges(), std::vector<int> { 0 }); // the choice survives the re-run
        // An allowlist entry for the actor clears it.
        AllowlistEntry entry;
        entry.id = "contractor";
        entry.actor = "mallory@contractor.example";
        entry.reason = "the contractor deploys the relay Worker";
        profile.allowlist.push_back(entry);
        window.session()->tune(profile);
        QTRY_COMPARE_WITH_TIMEOUT(
            cell(table, 0, ChangesModel::Severity), QStringLiteral("low (allowlisted)"), kWorkbenchTimeoutMs);
        QVERIFY(window.changesView()->detail()->summaryHtml().contains(QStringLiteral("Cleared by the entry")));
        QCOMPARE(window.views()->tabText(MainWindow::ChangesPage), QStringLiteral("Cloud changes (1)"));
    }

    void aCaseWithoutAuditRecordsKeepsThePageOutOfTheWay()
    {
        QTemporaryDir directory;
        MainWindow window;
        importAndWait(window, { writeTestFile(directory, QStringLiteral("beacon.ndjson"), beaconNdjson()) }, 72);
        QVERIFY(window.views()->tabBar()->isHidden());
        QVERIFY(window.findingsView()->isColumnHidden(FindingsModel::Cloud));
        QCOMPARE(window.changesView()->filter()->rowCount(), 0);
        // View ▸ Cloud Changes still opens it, and it says what to import.
        QTest::keyClick(window.findingsView(), Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::ChangesPage));
        QVERIFY(!window.views()->tabBar()->isHidden());
        QVERIFY(window.changesView()->showsEmptyState());
        QVERIFY2(window.changesView()->emptyText().contains(QStringLiteral("CloudTrail")),
            qPrintable(window.changesView()->emptyText()));
        QTest::keyClick(window.changesView(), Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::FindingsPage));
        QVERIFY(window.views()->tabBar()->isHidden());
        // Ctrl+J on a flow with no change says so instead of doing nothing.
        chooseRow(window.findingsView(), 0); // not selectRow(): QTest may leave Ctrl down
        QTest::keyClick(window.findingsView(), Qt::Key_J, Qt::ControlModifier);
        QCOMPARE(window.views()->currentIndex(), int(MainWindow::FindingsPage));
    }
};

QTEST_MAIN(CloudChangesTest)
#include "tst_cloudchanges.moc"
