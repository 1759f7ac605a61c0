#pragma once

// What the workbench suites share: finding a row by destination in the filtered findings table.

#include "mainwindow.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"

#include <QTest>

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

} // namespace cepheid::test
