#pragma once

// What the workbench suites share: opening the sample, finding a row by destination in the filtered findings
// table, answering modal dialogs.

#include "mainwindow.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"

#include <QApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QTest>
#include <QTimer>
#include <memory>

namespace cepheid::test {

inline constexpr int kWorkbenchTimeoutMs = 120000;

// Shows the window and imports the bundled sample, waiting until its 26 findings are shown and nothing runs.
inline void openSample(ui::MainWindow& window)
{
    window.show();
    window.importFiles({ ui::MainWindow::samplePath() });
    QTRY_COMPARE_WITH_TIMEOUT(window.findingsModel()->rowCount(), 26, kWorkbenchTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy() && !window.session()->isTuning(), kWorkbenchTimeoutMs);
}

// The filtered table's row showing `destination`, or -1.
inline int rowOfDestination(const ui::MainWindow& window, const QString& destination)
{
    ui::FindingsFilter* filter = window.findingsFilter();
    for (int row = 0; row < filter->rowCount(); ++row)
        if (filter->index(row, ui::FindingsModel::Destination).data().toString() == destination)
            return row;
    return -1;
}

// Answers the next modal dialog of type Dialog once it shows (its exec() blocks the test until it closes).
// `answer` closes it and returns an empty string, or returns what is wrong. On a problem, or when no such dialog
// shows within `timeoutMs`, the test fails at once and every open modal dialog is rejected: a failure never holds a
// dialog open until ctest's timeout.
template<class Dialog, class Answer> void answerModal(Answer answer, int timeoutMs = 10000)
{
    auto* poll = new QTimer;
    auto waited = std::make_shared<QElapsedTimer>();
    waited->start();
    QObject::connect(poll, &QTimer::timeout, [poll, waited, answer, timeoutMs] {
        auto* dialog = qobject_cast<Dialog*>(QApplication::activeModalWidget());
        if (!dialog && waited->elapsed() < timeoutMs)
            return;
        poll->stop();
        poll->deleteLater();
        const QString problem = dialog ? answer(dialog)
                                       : QStringLiteral("no %1 opened within %2 ms")
                                             .arg(QLatin1String(Dialog::staticMetaObject.className()))
                                             .arg(timeoutMs);
        if (problem.isEmpty())
            return;
        QTest::qFail(qPrintable(problem), __FILE__, __LINE__);
        for (int open = 0; open < 8; ++open) {
            auto* modal = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!modal)
                break;
            modal->reject();
        }
    });
    poll->start(10);
}

} // namespace cepheid::test
