#pragma once

#include <initializer_list>
#include <utility>

class QAbstractItemView;
class QTableView;

namespace cepheid::ui {

// How the workbench's tables of rows behave (findings, cloud changes, a change's calls and linked flows): whole
// rows selected, several at once for the row actions; one line per row sized to the font; long text elided in the
// middle (a host's or a path's two ends tell rows apart); Tab leaving the table for the next pane while the arrows
// move within it; columns the analyst resizes, starting at `widths` (column, characters).
void setUpRowTable(QTableView* table, std::initializer_list<std::pair<int, int>> widths);

// Makes `row` the current and only highlighted row, whatever keys are held: selectRow() follows the keyboard's
// modifiers, so under Ctrl (Ctrl+J, a shortcut's key still down) it would toggle the row off instead.
void chooseRow(QAbstractItemView* view, int row);

} // namespace cepheid::ui
