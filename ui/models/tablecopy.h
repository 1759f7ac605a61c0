#pragma once

#include <QString>

class QAbstractItemView;

namespace cepheid::ui {

// The selected rows of a view as tab-separated text with a header line, the columns as shown (hidden ones left
// out) and every cell made safe for a spreadsheet (spreadsheetCell). What Ctrl+C puts on the clipboard.
QString selectedRowsAsTsv(const QAbstractItemView& view);

// Installs Ctrl+C (copy the selected rows) on a table view.
void installRowCopy(QAbstractItemView* view);

} // namespace cepheid::ui
