// The tuning dock end to end: thresholds re-run the analysis in the background and the table and what-if delta
// follow; allowlist entries made from a finding's context menu hide it and count it; invalid patterns are
// refused; expiry follows the (injected) clock; versions are saved, compared, reverted and kept in the case.

#include "mainwindow.h"
#include "models/allowlistmodel.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"
#include "testsupport.h"
#include "tuning/allowlistentrydialog.h"
#include "tuning/allowlistpanel.h"
#include "tuning/historypanel.h"
#include "tuning/profilejson.h"
#include "tuning/thresholdspanel.h"
#include "tuning/tuningdock.h"
#include "views/flowdetail.h"
#include "views/hostview.h"
#include "workbenchsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace cepheid;
using namespace cepheid::ui;
using cepheid::test::openSample;
using cepheid::test::rowOfDestination;

namespace {

constexpr int kTimeoutMs = 120000;
const QString kAgentDestination = QStringLiteral("contoso-config-0.cloudfunctions.net");

void waitForTuning(MainWindow& window)
{
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isTuning(), kTimeoutMs);
}

int countRows(const QAbstractItemModel* model, int role)
{
    int count = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        count += model->index(row, 0).data(role).toBool();
    return count;
}

// Answers the allowlist dialog the next time one opens modally: types a reason and presses OK.
void answerAllowlistDialog(const QString& reason, QString* prefilled = nullptr)
{
    test::answerModal<AllowlistEntryDialog>([reason, prefilled](AllowlistEntryDialog* dialog) -> QString {
        if (prefilled)
            *prefilled = AllowlistModel::describeMatchers(dialog->entry());
        dialog->setReason(reason);
        if (!dialog->problem().isEmpty())
            return QStringLiteral("the allowlist dialog refuses its entry: ") + dialog->problem();
        dialog->accept();
        return QString();
    });
}

QAction* tableAction(const MainWindow& window, AllowlistEntryDialog::Kind kind)
{
    for (QAction* action : window.findingsView()->actions())
        if (action->objectName() == QStringLiteral("allowlist-%1").arg(int(kind)))
            return action;
    return nullptr;
}

} // namespace

class TuningPanelTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void thresholdChangeUpdatesTableAndDelta()
    {
        MainWindow window;
        openSample(window);
        const SnapshotPtr before = window.session()->snapshot();
        QVERIFY(before->added.empty() && before->removed.empty());
        const int firingBefore = countRows(window.findingsModel(), FindingsModel::FiresRole);
        QCOMPARE(firingBefore, 19);

        // Triage set before re-scoring must survive it.
        const int agentRow = rowOfDestination(window, kAgentDestination);
        window.findingsView()->selectRow(agentRow);
        QVERIFY(window.setTriageForSelection(QStringLiteral("benign"), QStringLiteral("agent"), QStringLiteral("ana")));
        const QModelIndex selected = window.findingsFilter()->mapToSource(window.findingsView()->currentIndex());

        // What an analyst does: raise "Events >=" in the panel. The fleet agents (about 290 check-ins a day)
        // stop firing and, scored "possible", stop alerting.
        QSpinBox* minEvents = window.tuningDock()->thresholds()->minEventsEditor();
        minEvents->setValue(1000);
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->profile.rule.minEvents, std::int64_t(1000), kTimeoutMs);
        waitForTuning(window);
        const SnapshotPtr after = window.session()->snapshot();
        QCOMPARE(after->data, before->data); // the events were not copied or re-read
        const int firingAfter = countRows(window.findingsModel(), FindingsModel::FiresRole);
        QVERIFY2(firingAfter < firingBefore, qPrintable(QString::number(firingAfter)));
        QVERIFY(after->removed.size() >= 12);
        QVERIFY(after->added.empty());
        const QString whatIf = window.tuningDock()->whatIfLabel()->text();
        QVERIFY2(whatIf.contains(QStringLiteral("−%1").arg(after->removed.size())), qPrintable(whatIf));

        // The table updated in place: same rows, same selection; the changed rows say so and are tinted.
        QCOMPARE(window.findingsModel()->rowCount(), 26);
        QCOMPARE(window.findingsFilter()->mapToSource(window.findingsView()->currentIndex()), selected);
        const QModelIndex change = window.findingsModel()->index(selected.row(), FindingsModel::Change);
        QCOMPARE(change.data().toString(), QStringLiteral("no longer alerts"));
        QVERIFY(change.data(Qt::BackgroundRole).isValid());
        QCOMPARE(window.findingsModel()->index(selected.row(), FindingsModel::Triage).data().toString(),
            QStringLiteral("benign"));

        // "Show only changed findings" narrows the table to the delta.
        window.findingsFilter()->setChangedOnly(true);
        QCOMPARE(window.findingsFilter()->rowCount(), int(after->removed.size()));
    }

    void requestsCoalesceAndTheLatestWins()
    {
        MainWindow window;
        openSample(window);
        QSignalSpy snapshots(window.session(), &CaseSession::snapshotReady);
        Profile profile = window.session()->workingProfile();
        for (int events = 13; events <= 60; ++events) {
            profile.rule.minEvents = events;
            window.session()->tune(profile);
        }
        waitForTuning(window);
        QCOMPARE(window.session()->snapshot()->profile.rule.minEvents, std::int64_t(60));
        QVERIFY2(snapshots.count() < 10, qPrintable(QString::number(snapshots.count())));
    }

    void allowlistFromTheContextMenuHidesTheFinding()
    {
        MainWindow window;
        openSample(window);
        const int visibleBefore = window.findingsFilter()->rowCount();

        // One agent flow: "Allowlist This Flow…" on its row, pre-filled, asking only for the reason.
        window.findingsView()->selectRow(rowOfDestination(window, kAgentDestination));
        QString prefilled;
        answerAllowlistDialog(QStringLiteral("Contoso agent, CHG-1234"), &prefilled);
        tableAction(window, AllowlistEntryDialog::Flow)->trigger();
        QVERIFY2(prefilled.contains(QStringLiteral("host = 10.20.0.")) && prefilled.contains(kAgentDestination)
                && prefilled.contains(QStringLiteral("contoso-agent.exe")),
            qPrintable(prefilled));
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->profile.allowlist.size(), std::size_t(1), kTimeoutMs);
        waitForTuning(window);
        QCOMPARE(window.findingsFilter()->rowCount(), visibleBefore - 1);
        AllowlistModel* entries = window.tuningDock()->allowlist()->model();
        QCOMPARE(entries->rowCount(), 1);
        QCOMPARE(entries->index(0, AllowlistModel::Hides).data().toInt(), 1);
        QCOMPARE(
            entries->index(0, AllowlistModel::Reason).data().toString(), QStringLiteral("Contoso agent, CHG-1234"));

        // The whole destination from another agent row: the eleven other agents disappear and the count rises.
        window.findingsView()->selectRow(rowOfDestination(window, kAgentDestination));
        answerAllowlistDialog(QStringLiteral("Contoso <b>config</b> service"));
        tableAction(window, AllowlistEntryDialog::Destination)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->profile.allowlist.size(), std::size_t(2), kTimeoutMs);
        waitForTuning(window);
        QCOMPARE(window.findingsFilter()->rowCount(), visibleBefore - 12);
        QCOMPARE(rowOfDestination(window, kAgentDestination), -1);
        QCOMPARE(entries->index(1, AllowlistModel::Hides).data().toInt(), 11);
        QVERIFY(window.tuningDock()->allowlist()->suggestions().empty()); // the fleet suggestion is taken care of
        // The what-if delta names the twelve agent flows; "only changed" shows them although they are allowlisted.
        QCOMPARE(window.session()->snapshot()->removed.size(), std::size_t(12));
        window.findingsFilter()->setChangedOnly(true);
        QCOMPARE(window.findingsFilter()->rowCount(), 12);
        window.findingsFilter()->setChangedOnly(false);

        // Shown on request, marked.
        window.showAllowlistedToggle()->setChecked(true);
        QCOMPARE(window.findingsFilter()->rowCount(), visibleBefore);
        const int row = rowOfDestination(window, kAgentDestination);
        QVERIFY(window.findingsFilter()->index(row, 0).data(FindingsModel::AllowlistedRole).toBool());
        QVERIFY(window.findingsFilter()->index(row, 0).data(Qt::FontRole).value<QFont>().italic());
        // The reason is quoted literally in the tooltip, never rendered as HTML.
        int escaped = 0;
        for (int r = 0; r < window.findingsFilter()->rowCount(); ++r) {
            const QString tip
                = window.findingsFilter()->index(r, FindingsModel::Destination).data(Qt::ToolTipRole).toString();
            QVERIFY2(!tip.contains(QStringLiteral("<b>")), qPrintable(tip));
            escaped += tip.contains(QStringLiteral("Contoso &lt;b&gt;config&lt;/b&gt; service"));
        }
        QCOMPARE(escaped, 11);
    }

    // A right click on a host lane offers to allowlist that lane's flow (the menu calls allowlistFlow).
    void hostLaneContextMenuAllowlistsItsFlow()
    {
        MainWindow window;
        openSample(window);
        window.findingsView()->selectRow(rowOfDestination(window, kAgentDestination));
        HostView* lanes = window.flowDetail()->hostView();
        QVERIFY(lanes->laneCount() > 0);
        QSignalSpy requested(lanes, &HostView::flowContextMenuRequested);
        // Qt's menu runs its own loop: close it as soon as it shows.
        QTimer::singleShot(0, [] {
            if (QWidget* popup = QApplication::activePopupWidget())
                popup->close();
        });
        QContextMenuEvent click(QContextMenuEvent::Mouse, QPoint(10, 5), lanes->mapToGlobal(QPoint(10, 5)));
        QApplication::sendEvent(lanes, &click);
        QCOMPARE(requested.count(), 1);
        const auto flowIndex = requested.front().front().value<std::uint32_t>();
        QCOMPARE(flowIndex, lanes->laneFlow(0));

        answerAllowlistDialog(QStringLiteral("lane test"));
        QVERIFY(window.allowlistFlow(flowIndex, AllowlistEntryDialog::Flow));
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->profile.allowlist.size(), std::size_t(1), kTimeoutMs);
        const AllowlistEntry& entry = window.session()->snapshot()->profile.allowlist.front();
        const FlowKey& key = window.session()->snapshot()->flows.flow(flowIndex).key;
        QCOMPARE(entry.domain, std::string(window.session()->snapshot()->events.text(key.destination)));
        QCOMPARE(entry.host, std::string(window.session()->snapshot()->events.text(key.sourceIp)));
    }

    void fleetSuggestionIsOfferedWithItsEffect()
    {
        MainWindow window;
        openSample(window);
        AllowlistPanel* panel = window.tuningDock()->allowlist();
        QCOMPARE(panel->suggestions().size(), std::size_t(1));
        QCOMPARE(panel->suggestions().front().flows, 12u);
        answerAllowlistDialog(QString::fromStdString(panel->suggestions().front().entry.reason));
        QVERIFY(window.tuningDock()->addAllowlistEntry(panel->suggestions().front().entry));
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->analysis.summary.flowsAllowlisted, 12u, kTimeoutMs);
    }

    void invalidPatternsAreRefusedInline()
    {
        AllowlistEntryDialog dialog({ "taken" });
        dialog.setKind(AllowlistEntryDialog::Destination);
        dialog.setMatchMode(MatchMode::Regex);
        dialog.setPattern(AllowlistEntryDialog::Destination, QStringLiteral("api-([a-z"));
        dialog.setReason(QStringLiteral("lab"));
        QVERIFY2(dialog.problem().contains(QStringLiteral("missing ]")), qPrintable(dialog.problem()));
        auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        QCOMPARE(dialog.findChild<QLabel*>(QStringLiteral("allowlistEntryError"))->text(), dialog.problem());
        dialog.setPattern(AllowlistEntryDialog::Destination, QStringLiteral("api-[a-z]+\\.lab\\.workers\\.dev"));
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        QVERIFY(ok->isEnabled());
        dialog.setReason({});
        QVERIFY(dialog.problem().contains(QStringLiteral("reason")));
        dialog.setReason(QStringLiteral("lab"));
        dialog.setKind(AllowlistEntryDialog::Network);
        dialog.setPattern(AllowlistEntryDialog::Network, QStringLiteral("10.0.0.0/33"));
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Network:")), qPrintable(dialog.problem()));

        // The rule's regex in the thresholds panel: refused inline, and the working profile is not touched.
        MainWindow window;
        openSample(window);
        const Profile working = window.session()->workingProfile();
        QLineEdit* regex = window.tuningDock()->thresholds()->domainRegexEditor();
        regex->setText(QStringLiteral("(.*\\.workers\\.dev"));
        emit regex->editingFinished();
        QVERIFY2(window.tuningDock()->thresholds()->problem().contains(QStringLiteral("missing )")),
            qPrintable(window.tuningDock()->thresholds()->problem()));
        QCOMPARE(window.session()->workingProfile(), working);
        QVERIFY(!window.session()->isTuning());
    }

    void expiryFollowsTheInjectedClock()
    {
        QTemporaryDir directory;
        const QString profilePath = cepheid::test::writeTestFile(directory, QStringLiteral("team.json"),
            R"({"allowlist": [{"id": "agent", "domain": "contoso-config-0.cloudfunctions.net",
                "reason": "change CHG-1", "expires": "2026-01-31"}]})");
        MainWindow window;
        TimestampUs now = *parseDateOrTimestamp("2026-01-31T23:59:00Z", false);
        window.session()->setClock([&now] { return now; });
        openSample(window);
        QString error;
        QVERIFY2(window.tuningDock()->importProfile(profilePath, error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->profile.allowlist.size(), std::size_t(1), kTimeoutMs);
        waitForTuning(window);
        AllowlistModel* entries = window.tuningDock()->allowlist()->model();
        QCOMPARE(entries->index(0, AllowlistModel::Hides).data().toInt(), 12);
        QVERIFY(!entries->index(0, 0).data(AllowlistModel::ExpiredRole).toBool());

        // A minute past the end of the expiry day: the entry stops matching and says it expired.
        now = *parseDateOrTimestamp("2026-02-01T00:01:00Z", false);
        window.session()->tune(window.session()->workingProfile());
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->evaluatedAt, now, kTimeoutMs);
        waitForTuning(window);
        QCOMPARE(entries->index(0, AllowlistModel::Hides).data().toInt(), 0);
        QVERIFY(entries->index(0, 0).data(AllowlistModel::ExpiredRole).toBool());
        QCOMPARE(entries->index(0, AllowlistModel::Expires).data().toString(), QStringLiteral("expired 2026-01-31"));
        QCOMPARE(rowOfDestination(window, kAgentDestination) >= 0, true);
    }

    // Saving and triage are refused with the reason, never thrown: without a case, and while a re-analysis runs.
    void writesAreRefusedWithTheReason()
    {
        CaseSession idle;
        const auto unsaved = idle.saveProfile(QStringLiteral("ana"), QString());
        QVERIFY(!unsaved);
        QCOMPARE(unsaved.error(), std::string("the case is busy"));
        const auto untriaged = idle.updateTriage({});
        QVERIFY(!untriaged);
        QCOMPARE(untriaged.error(), std::string("the case is busy"));

        MainWindow window;
        openSample(window);
        Profile profile = window.session()->workingProfile();
        profile.rule.minEvents = 40;
        window.session()->tune(profile); // evaluated on a worker: not saved until it is done
        const auto early = window.session()->saveProfile(QStringLiteral("ana"), QString());
        QVERIFY(!early);
        QCOMPARE(early.error(), std::string("the profile is still being evaluated"));
        waitForTuning(window);
        VERIFY_OK(window.session()->saveProfile(QStringLiteral("ana"), QString()));
    }

    void versionsAreSavedComparedRevertedAndKept()
    {
        QString casePath;
        {
            MainWindow window;
            openSample(window);
            casePath = window.session()->casePath();
            TuningDock* dock = window.tuningDock();
            dock->thresholds()->minEventsEditor()->setValue(30);
            QTRY_COMPARE_WITH_TIMEOUT(
                window.session()->snapshot()->profile.rule.minEvents, std::int64_t(30), kTimeoutMs);
            waitForTuning(window);
            QVERIFY(window.session()->snapshot()->isModified());
            QVERIFY(window.isWindowModified());
            QVERIFY(dock->saveVersion(QStringLiteral("fewer small bursts"), QStringLiteral("ana")));
            QVERIFY(!window.isWindowModified());
            const SnapshotPtr saved = window.session()->snapshot();
            QCOMPARE(saved->savedVersion, std::int64_t(1));
            QVERIFY(!saved->isModified() && saved->added.empty() && saved->removed.empty());
            QVERIFY2(dock->whatIfLabel()->text().contains(QStringLiteral("saved version 1")),
                qPrintable(dock->whatIfLabel()->text()));
            QCOMPARE(dock->findChild<HistoryPanel*>()->table()->rowCount(), 1);

            // Another change, compared with the saved version, then reverted.
            dock->thresholds()->minEventsEditor()->setValue(50);
            QTRY_COMPARE_WITH_TIMEOUT(
                window.session()->snapshot()->profile.rule.minEvents, std::int64_t(50), kTimeoutMs);
            waitForTuning(window);
            QVERIFY2(dock->compareVersions(1, 0).contains(QStringLiteral("rule.min_events: 30 -> 50")),
                qPrintable(dock->compareVersions(1, 0)));
            dock->revertToSaved();
            QCOMPARE(dock->thresholds()->minEventsEditor()->value(), 30); // the editors reload
            QTRY_COMPARE_WITH_TIMEOUT(
                window.session()->snapshot()->profile.rule.minEvents, std::int64_t(30), kTimeoutMs);
            waitForTuning(window);
            QVERIFY(!window.session()->snapshot()->isModified());
        }
        // The case keeps the history and opens with the newest version.
        MainWindow reopened;
        reopened.show();
        reopened.openCase(casePath);
        QTRY_COMPARE_WITH_TIMEOUT(reopened.findingsModel()->rowCount(), 26, kTimeoutMs);
        QCOMPARE(reopened.session()->snapshot()->profile.rule.minEvents, std::int64_t(30));
        QCOMPARE(reopened.tuningDock()->thresholds()->minEventsEditor()->value(), 30);
        const auto versions = reopened.session()->profileVersions();
        QCOMPARE(versions.size(), std::size_t(1));
        QCOMPARE(versions.front().note, std::string("fewer small bursts"));
        QCOMPARE(versions.front().author, std::string("ana"));
    }

    void unsavedTuningIsOfferedBeforeClosing()
    {
        MainWindow window;
        openSample(window);
        QVERIFY(window.close()); // nothing to save: closes without asking
        window.show();
        window.tuningDock()->thresholds()->minEventsEditor()->setValue(30);
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->profile.rule.minEvents, std::int64_t(30), kTimeoutMs);
        auto answer = [](QMessageBox::StandardButton button) {
            test::answerModal<QMessageBox>([button](QMessageBox* box) {
                box->button(button)->click();
                return QString();
            });
        };
        answer(QMessageBox::Cancel);
        QVERIFY(!window.close());
        QVERIFY(window.isVisible());
        answer(QMessageBox::Discard);
        QVERIFY(window.close());
    }

    void profilesTravelAsFiles()
    {
        MainWindow window;
        openSample(window);
        TuningDock* dock = window.tuningDock();
        dock->thresholds()->minEventsEditor()->setValue(25);
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshot()->profile.rule.minEvents, std::int64_t(25), kTimeoutMs);
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("shared.json"));
        QString error;
        QVERIFY2(dock->exportProfile(path, error), qPrintable(error));
        const auto exported = loadProfile(path.toStdString()); // what cepheid-cli --profile reads
        QVERIFY2(exported, cepheid::test::whyNot(exported));
        QCOMPARE(*exported, window.session()->workingProfile());

        // A profile that cannot be read is refused with the reason and changes nothing.
        const QString broken = cepheid::test::writeTestFile(
            directory, QStringLiteral("broken.json"), R"({"rule": {"min_events": "twelve"}})");
        const Profile before = window.session()->workingProfile();
        QVERIFY(!dock->importProfile(broken, error));
        QVERIFY2(error.contains(QStringLiteral("rule.min_events")), qPrintable(error));
        QCOMPARE(window.session()->workingProfile(), before);
    }
};

QTEST_MAIN(TuningPanelTest)
#include "tst_tuningpanel.moc"
