#include "allowlistpanel.h"

#include "model/pathname.h"
#include "models/allowlistmodel.h"
#include "models/findingsmodel.h"
#include "models/plaintooltip.h"
#include "models/qtext.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cepheid::ui {

AllowlistPanel::AllowlistPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new AllowlistModel(this))
    , m_view(new QTableView(this))
    , m_edit(new QPushButton(tr("&Edit…"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_suggestionView(new QTableWidget(this))
    , m_suggestionHeader(new QLabel(this))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    // What an entry matches and how much it hides first; the narrow dock scrolls for the rest.
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(AllowlistModel::Matches, QHeaderView::Interactive);
    header->setSectionResizeMode(AllowlistModel::Reason, QHeaderView::Interactive);
    header->setStretchLastSection(true);
    auto* add = new QPushButton(tr("&Add…"), this);
    m_edit->setEnabled(false);
    m_remove->setEnabled(false);
    auto* buttons = new QHBoxLayout();
    buttons->addWidget(add);
    buttons->addWidget(m_edit);
    buttons->addWidget(m_remove);
    buttons->addStretch();

    m_suggestionHeader->setWordWrap(true);
    m_suggestionView->setColumnCount(5);
    m_suggestionView->setHorizontalHeaderLabels(
        { tr("Process → destination"), tr("Hosts"), tr("Period"), tr("Hides"), tr("Alerting") });
    m_suggestionView->setWordWrap(false);
    m_suggestionView->setTextElideMode(Qt::ElideMiddle);
    m_suggestionView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_suggestionView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_suggestionView->verticalHeader()->hide();
    m_suggestionView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    auto* addSuggestion = new QPushButton(tr("Allowlist the &suggestion…"), this);
    addSuggestion->setEnabled(false);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 3);
    layout->addLayout(buttons);
    layout->addWidget(m_suggestionHeader);
    layout->addWidget(m_suggestionView, 2);
    layout->addWidget(addSuggestion, 0, Qt::AlignLeft);

    connect(add, &QPushButton::clicked, this, &AllowlistPanel::addRequested);
    connect(m_edit, &QPushButton::clicked, this, [this] { emit editRequested(selectedId()); });
    connect(m_remove, &QPushButton::clicked, this, [this] { emit removeRequested(selectedId()); });
    connect(m_view, &QTableView::doubleClicked, this, [this] { emit editRequested(selectedId()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_edit->setEnabled(!selectedId().isEmpty());
        m_remove->setEnabled(!selectedId().isEmpty());
    });
    connect(m_suggestionView, &QTableWidget::itemSelectionChanged, this,
        [this, addSuggestion] { addSuggestion->setEnabled(m_suggestionView->currentRow() >= 0); });
    auto choose = [this] {
        const int row = m_suggestionView->currentRow();
        if (row >= 0 && static_cast<std::size_t>(row) < m_suggestions.size())
            emit suggestionChosen(m_suggestions[static_cast<std::size_t>(row)].entry);
    };
    connect(addSuggestion, &QPushButton::clicked, this, choose);
    connect(m_suggestionView, &QTableWidget::cellDoubleClicked, this, choose);
}

QString AllowlistPanel::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.front().data(AllowlistModel::IdRole).toString();
}

void AllowlistPanel::setSnapshot(SnapshotPtr snapshot)
{
    const QString selected = selectedId();
    m_model->setSnapshot(snapshot);
    m_view->setColumnWidth(AllowlistModel::Matches, std::max(m_view->columnWidth(AllowlistModel::Matches), 220));
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->index(row, 0).data(AllowlistModel::IdRole).toString() == selected)
            m_view->selectRow(row);

    m_suggestions = snapshot
        ? suggestAllowlistEntries(snapshot->analysis, snapshot->events, snapshot->flows, snapshot->profile.score)
        : std::vector<AllowlistSuggestion> {};
    m_suggestionHeader->setText(m_suggestions.empty()
            ? tr("<b>Suggestions</b>: no fleet software found (one installed program, one destination, "
                 "%1 or more hosts, a steady period).")
                  .arg(snapshot ? snapshot->profile.score.fleetHosts : 0)
            : tr("<b>Suggestions</b>: fleet software — one installed program reaching one destination from many "
                 "hosts on a steady period. Allowlisting it hides:"));
    m_suggestionView->setRowCount(static_cast<int>(m_suggestions.size()));
    for (std::size_t i = 0; i < m_suggestions.size(); ++i) {
        const AllowlistSuggestion& suggestion = m_suggestions[i];
        const int row = static_cast<int>(i);
        auto* what = new QTableWidgetItem(toQString(fileNameOf(suggestion.entry.process)) + QStringLiteral(" → ")
            + QString::fromStdString(suggestion.entry.domain));
        what->setToolTip(plainToolTip(QString::fromStdString(suggestion.entry.reason)));
        m_suggestionView->setItem(row, 0, what);
        m_suggestionView->setItem(row, 1, new QTableWidgetItem(QString::number(suggestion.hosts)));
        m_suggestionView->setItem(
            row, 2, new QTableWidgetItem(FindingsModel::formatDuration(suggestion.periodSeconds)));
        auto* hides = new QTableWidgetItem(tr("%n flow(s)", nullptr, int(suggestion.flows)));
        hides->setToolTip(tr("%1 flows, %2 of them alerting today, %3 firing the rule")
                              .arg(suggestion.flows)
                              .arg(suggestion.alerting)
                              .arg(suggestion.firing));
        m_suggestionView->setItem(row, 3, hides);
        m_suggestionView->setItem(row, 4, new QTableWidgetItem(QString::number(suggestion.alerting)));
    }
    m_suggestionView->resizeColumnsToContents();
    m_suggestionView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int column = 1; column < m_suggestionView->columnCount(); ++column)
        m_suggestionView->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
}

} // namespace cepheid::ui
