// cepheid: the investigation workbench. `cepheid [FILE…]` opens cases (*.cepheid) and imports exports.

#include "mainwindow.h"
#include "views/flowdetail.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Cepheid"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("cepheid.github.io"));
    QCoreApplication::setApplicationName(QStringLiteral("cepheid"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CEPHEID_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral(CEPHEID_APP_ID));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Workbench for C2 beaconing over serverless infrastructure (MITRE ATT&CK T1584.007)."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("files"),
        QCoreApplication::translate("main", "Case files to open (*.cepheid) or exports to import."),
        QStringLiteral("[FILE…]"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QCoreApplication::translate("main",
            "Save a PNG of the window once the findings are "
            "shown, then quit (for documentation)."),
        QStringLiteral("png"));
    QCommandLineOption tab(QStringLiteral("tab"),
        QCoreApplication::translate("main", "Detail tab for --screenshot: why, intervals or events."),
        QStringLiteral("name"), QStringLiteral("why"));
    parser.addOption(screenshot);
    parser.addOption(tab);
    parser.process(application);

    cepheid::ui::MainWindow window;
    window.resize(1500, 900);
    window.show();
    if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        const QString tabName = parser.value(tab);
        QObject::connect(window.session(), &cepheid::ui::CaseSession::snapshotReady, &window, [&window, path, tabName] {
            const int index = tabName == QStringLiteral("host") ? cepheid::ui::FlowDetail::HostTab
                : tabName == QStringLiteral("timeline")         ? cepheid::ui::FlowDetail::TimelineTab
                : tabName == QStringLiteral("intervals")        ? cepheid::ui::FlowDetail::IntervalsTab
                : tabName == QStringLiteral("events")           ? cepheid::ui::FlowDetail::EventsTab
                                                                : cepheid::ui::FlowDetail::WhyTab;
            window.flowDetail()->tabs()->setCurrentIndex(index);
            if (index == cepheid::ui::FlowDetail::EventsTab)
                window.flowDetail()->eventsView()->selectRow(0);
            QTimer::singleShot(800, &window, [&window, path] {
                window.grab().save(path);
                QCoreApplication::quit();
            });
        });
    }
    if (!parser.positionalArguments().isEmpty())
        window.openPaths(parser.positionalArguments());
    return QApplication::exec();
}
