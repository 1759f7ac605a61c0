#include "tablecopy.h"

#include "util/spreadsheettext.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>
#include <QTableView>
#include <algorithm>

namespace cepheid::ui {

namespace {

QString cell(const QVariant& value)
{
    return QString::fromStdString(spreadsheetCell(value.toString().toStdString()));
}

} // namespace

QString selectedRowsAsTsv(const QAbstractItemView& view)
{
    const QAbstractItemModel* model = view.model();
    const auto* table = qobject_cast<const QTableView*>(&view);
    if (!model || !view.selectionModel())
        return {};
    QList<int> columns;
    for (int logical = 0; logical < model->columnCount(); ++logical)
        if (!table || !table->isColumnHidden(logical))
            columns << logical;
    if (table) // in the order the analyst sees them
        std::sort(columns.begin(), columns.end(), [table](int a, int b) {
            return table->horizontalHeader()->visualIndex(a) < table->horizontalHeader()->visualIndex(b);
        });
    QModelIndexList rows = view.selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList lines;
    QStringList header;
    for (const int column : columns)
        header << cell(model->headerData(column, Qt::Horizontal));
    lines << header.join(u'\t');
    for (const QModelIndex& row : rows) {
        QStringList cells;
        for (const int column : columns)
            cells << cell(row.siblingAtColumn(column).data());
        lines << cells.join(u'\t');
    }
    return lines.join(u'\n') + u'\n';
}

void installRowCopy(QAbstractItemView* view)
{
    auto* copy = new QAction(QObject::tr("&Copy Rows"), view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(copy, &QAction::triggered, view, [view] {
        if (view->selectionModel() && view->selectionModel()->hasSelection())
            QGuiApplication::clipboard()->setText(selectedRowsAsTsv(*view));
    });
    view->addAction(copy);
}

} // namespace cepheid::ui
