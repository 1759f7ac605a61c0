// cepheid: the investigation workbench. `cepheid [FILE…]` opens cases (*.cepheid) and imports exports.

#include "exports/reportdialog.h"
#include "mainwindow.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"
#include "theme.h"
#include "tuning/tuningdock.h"
#include "views/changedetail.h"
#include "views/changesview.h"
#include "views/flowdetail.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <cstdio>
#include <cstring>

namespace {

void identify()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Cepheid"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("cepheid.github.io"));
    QCoreApplication::setApplicationName(QStringLiteral("cepheid"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CEPHEID_VERSION));
}

// --help and --version print and exit: they must work on a machine without a display, before any GUI exists.
bool asksForTextOnly(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        for (const char* option : { "-h", "--help", "--help-all", "-?", "-v", "--version" })
            if (std::strcmp(argv[i], option) == 0)
                return true;
    return false;
}

struct Options
{
    QCommandLineParser parser;
    QCommandLineOption screenshot { QStringLiteral("screenshot"),
        QCoreApplication::translate(
            "main", "Save a PNG of the window once the findings are shown, then quit (for documentation)."),
        QStringLiteral("png") };
    QCommandLineOption tab { QStringLiteral("tab"),
        QCoreApplication::translate("main",
            "Tab for --screenshot: why, intervals, gaps, events, timeline or host (flow detail); changes or calls "
            "(the Cloud changes page: a change's summary, or its calls and raw audit record); report (the case "
            "report dialog); thresholds, allowlist, catalog or history (tuning panel)."),
        QStringLiteral("name"), QStringLiteral("why") };
    QCommandLineOption profile { QStringLiteral("profile"),
        QCoreApplication::translate("main",
            "Once the case is open, use this profile JSON (the format cepheid-cli --profile reads) as the working "
            "profile."),
        QStringLiteral("json") };
    QCommandLineOption theme { QStringLiteral("theme"),
        QCoreApplication::translate(
            "main", "Colours for this run: system, light or dark (View > Theme sets them for good)."),
        QStringLiteral("name") };
    QCommandLineOption size { QStringLiteral("size"),
        QCoreApplication::translate("main", "Window size for this run, WIDTHxHEIGHT (for --screenshot)."),
        QStringLiteral("WxH") };
    QCommandLineOption select { QStringLiteral("select"),
        QCoreApplication::translate("main",
            "For --screenshot: select the finding whose destination contains this (with --tab changes or calls: the "
            "change whose actor, resource, address or endpoint does)."),
        QStringLiteral("text") };
    QCommandLineOption sample { QStringLiteral("sample"),
        QCoreApplication::translate("main",
            "Open the bundled sample (share/cepheid/samples, as the first start offers it); exit 1 when it is not "
            "installed.") };

    Options()
    {
        parser.setApplicationDescription(QCoreApplication::translate(
            "main", "Workbench for C2 beaconing over serverless infrastructure (MITRE ATT&CK T1584.007)."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("files"),
            QCoreApplication::translate("main", "Case files to open (*.cepheid) or exports to import."),
            QStringLiteral("[FILE…]"));
        for (const QCommandLineOption* option : { &screenshot, &tab, &profile, &theme, &size, &select, &sample })
            parser.addOption(*option);
    }
};

} // namespace

int main(int argc, char** argv)
{
    if (asksForTextOnly(argc, argv)) {
        QCoreApplication core(argc, argv);
        identify();
        Options options;
        options.parser.process(core); // prints and exits
        return 0;
    }
    QApplication application(argc, argv);
    identify();
    QGuiApplication::setDesktopFileName(QStringLiteral(CEPHEID_APP_ID));
    Options options;
    QCommandLineParser& parser = options.parser;
    parser.process(application);
    const QCommandLineOption& screenshot = options.screenshot;
    const QCommandLineOption& tab = options.tab;
    const QCommandLineOption& profile = options.profile;
    QStringList paths = parser.positionalArguments();
    if (parser.isSet(options.sample)) {
        const QString sample = cepheid::ui::MainWindow::samplePath();
        if (sample.isEmpty()) {
            std::fputs(
                "cepheid: the bundled sample is not installed (share/cepheid/samples, package cepheid-cli)\n", stderr);
            return 1;
        }
        paths.prepend(sample);
    }
    cepheid::ui::applyTheme(parser.isSet(options.theme) ? cepheid::ui::themeFromName(parser.value(options.theme))
                                                        : cepheid::ui::savedTheme());

    cepheid::ui::MainWindow window; // restores the saved geometry, or fits the screen on a first start
    if (parser.isSet(options.size)) {
        const QStringList parts = parser.value(options.size).split(u'x');
        if (parts.size() == 2 && parts[0].toInt() > 0 && parts[1].toInt() > 0)
            window.resize(parts[0].toInt(), parts[1].toInt());
    }
    window.show();
    using cepheid::ui::CaseSession;
    CaseSession* session = window.session();
    if (parser.isSet(profile)) {
        // Applied to the first snapshot with events: the case that was opened or the import that filled it.
        auto* connection = new QMetaObject::Connection;
        *connection = QObject::connect(session, &CaseSession::snapshotReady, &window,
            [&window, connection, path = parser.value(profile)](const cepheid::ui::SnapshotPtr& snapshot) {
                if (snapshot->events.size() == 0 || window.session()->isBusy())
                    return;
                QObject::disconnect(*connection);
                delete connection;
                QString error;
                if (!window.tuningDock()->importProfile(path, error))
                    window.statusBar()->showMessage(error);
            });
    }
    if (parser.isSet(screenshot)) {
        // Once the case is shown and nothing is left to compute, select the tab and save a picture.
        auto* poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window,
            [&window, poll, session, path = parser.value(screenshot), tabName = parser.value(tab),
                selectText = parser.value(options.select)] {
                const auto snapshot = session->snapshot();
                if (!snapshot || snapshot->events.size() == 0 || session->isBusy() || session->isTuning())
                    return;
                poll->stop();
                if (!selectText.isEmpty()) {
                    auto* filter = window.findingsFilter();
                    for (int row = 0; row < filter->rowCount(); ++row)
                        if (filter->index(row, cepheid::ui::FindingsModel::Destination)
                                .data()
                                .toString()
                                .contains(selectText)) {
                            window.findingsView()->selectRow(row);
                            break;
                        }
                }
                using cepheid::ui::FlowDetail;
                const QStringList detailTabs { QStringLiteral("why"), QStringLiteral("intervals"),
                    QStringLiteral("gaps"), QStringLiteral("events"), QStringLiteral("timeline"),
                    QStringLiteral("host") };
                const QStringList tuningTabs { QStringLiteral("thresholds"), QStringLiteral("allowlist"),
                    QStringLiteral("catalog"), QStringLiteral("history") };
                const QStringList changeTabs { QStringLiteral("changes"), QStringLiteral("calls") };
                if (changeTabs.contains(tabName)) {
                    // The Cloud changes page, on the most severe change or the one --select names.
                    using cepheid::ui::ChangesView;
                    ChangesView* changes = window.changesView();
                    window.views()->setCurrentIndex(cepheid::ui::MainWindow::ChangesPage);
                    if (!selectText.isEmpty())
                        changes->searchField()->setText(selectText);
                    if (changes->filter()->rowCount() > 0)
                        changes->table()->selectRow(0);
                    changes->detail()->tabs()->setCurrentIndex(int(changeTabs.indexOf(tabName)));
                } else if (tuningTabs.contains(tabName))
                    window.tuningDock()->tabs()->setCurrentIndex(int(tuningTabs.indexOf(tabName)));
                else
                    window.flowDetail()->tabs()->setCurrentIndex(std::max(0, int(detailTabs.indexOf(tabName))));
                if (tabName == QStringLiteral("events"))
                    window.flowDetail()->eventsView()->selectRow(0);
                // "report": the case report dialog (File > Export > Case Report), pictured on its own.
                QWidget* pictured = tabName == QStringLiteral("report") ? window.showReportDialog() : nullptr;
                QTimer::singleShot(800, &window, [&window, path, pictured] {
                    (pictured ? pictured : static_cast<QWidget*>(&window))->grab().save(path);
                    QCoreApplication::exit(0); // not quit(): that closes windows, which may ask to save tuning
                });
            });
        poll->start(200);
    }
    if (!paths.isEmpty())
        window.openPaths(paths);
    return QApplication::exec();
}
