#pragma once

// What the workbench suites share: finding a row by destination in the filtered findings table.

#include "mainwindow.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"

namespace cepheid::test {

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
