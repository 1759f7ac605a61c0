#include "tablesetup.h"

#include <QHeaderView>
#include <QTableView>

namespace cepheid::ui {

void setUpRowTable(QTableView* table, std::initializer_list<std::pair<int, int>> widths)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideMiddle);
    table->setTabKeyNavigation(false);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->horizontalHeader()->setStretchLastSection(true);
    const int character = table->fontMetrics().averageCharWidth();
    for (const auto& [column, characters] : widths)
        table->setColumnWidth(column, (characters + 2) * character);
}

void chooseRow(QAbstractItemView* view, int row)
{
    const QModelIndex index = view->model()->index(row, 0);
    if (!index.isValid())
        return;
    view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view->scrollTo(index);
}

} // namespace cepheid::ui
