#include "changesview.h"

#include "models/changesmodel.h"
#include "models/tablecopy.h"
#include "tablesetup.h"

#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <array>

namespace cepheid::ui {

ChangesView::ChangesView(ChangeDetail::RawRecordLookup rawRecord, QWidget* parent)
    : QWidget(parent)
    , m_model(new ChangesModel(this))
    , m_filter(new QSortFilterProxyModel(this))
    , m_search(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_table(new QTableView(this))
    , m_detail(new ChangeDetail(std::move(rawRecord), this))
    , m_empty(new QLabel(this))
{
    m_filter->setSourceModel(m_model);
    m_filter->setSortRole(ChangesModel::SortRole);
    m_filter->setFilterRole(ChangesModel::SearchTextRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(ChangesModel::Severity);

    auto* left = new QWidget(m_splitter);
    auto* layout = new QVBoxLayout(left);
    layout->setContentsMargins(4, 4, 4, 4);
    m_search->setPlaceholderText(tr("Filter actor, resource, source IP, action, signal…"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ChangesModel::Severity, Qt::DescendingOrder);
    m_table->setMinimumWidth(280);
    setUpRowTable(m_table,
        { { ChangesModel::Severity, 10 }, { ChangesModel::FirstCall, 16 }, { ChangesModel::Actor, 30 },
            { ChangesModel::Resource, 14 }, { ChangesModel::Links, 5 }, { ChangesModel::SourceIps, 18 },
            { ChangesModel::Actions, 16 }, { ChangesModel::Signals, 30 }, { ChangesModel::Points, 6 },
            { ChangesModel::Provider, 10 }, { ChangesModel::Service, 9 } });
    installRowCopy(m_table);
    layout->addWidget(m_table, 1);
    m_summary->setWordWrap(true); // a long summary would set the pane's minimum width
    layout->addWidget(m_summary);
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_detail);
    m_splitter->setChildrenCollapsible(false);
    m_detail->setMinimumWidth(320);

    m_empty->setWordWrap(true);
    m_empty->setTextFormat(Qt::RichText);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setMargin(24);
    m_stack->addWidget(m_splitter);
    m_stack->addWidget(m_empty);
    auto* page = new QVBoxLayout(this);
    page->setContentsMargins(0, 0, 0, 0);
    page->addWidget(m_stack);

    connect(m_search, &QLineEdit::textChanged, m_filter, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ChangesView::showSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ChangesView::showSelected);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &ChangesView::showSelected);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &ChangesView::showSelected);
    connect(m_detail, &ChangeDetail::flowActivated, this, &ChangesView::flowActivated);
    connect(m_detail, &ChangeDetail::triageRequested, this, &ChangesView::triageRequested);
    // Enter on a change opens its first linked flow, as Enter on a linked flow does.
    connect(m_table, &QTableView::activated, this, [this] {
        if (const std::int64_t flow = m_detail->chosenFlow(); flow >= 0)
            emit flowActivated(static_cast<std::uint32_t>(flow));
    });
    setSnapshot(nullptr);
}

void ChangesView::setSnapshot(SnapshotPtr snapshot)
{
    const bool reset = !snapshot || !m_model->snapshot() || snapshot->data != m_model->snapshot()->data;
    m_model->setSnapshot(snapshot);
    const std::size_t audit = snapshot ? snapshot->events.cloudEventCount() : 0;
    const bool empty = m_model->rowCount() == 0;
    m_stack->setCurrentIndex(empty ? 1 : 0);
    if (audit == 0)
        m_empty->setText(tr("<h3>No cloud audit records in this case</h3><p>Cepheid links who deployed, changed or "
                            "exposed a serverless function to the hosts that beacon to it.</p><p>Import the audit "
                            "logs of the functions' accounts (<b>Ctrl+I</b>): AWS CloudTrail, Google Cloud audit "
                            "logs, Azure Activity Log or Cloudflare audit logs, as JSON.</p>"));
    else if (empty)
        m_empty->setText(tr("<h3>No change to a serverless function</h3><p>The case holds %n cloud audit "
                            "record(s), and none of them deploys, changes or exposes a function Cepheid "
                            "follows.</p>",
            nullptr, static_cast<int>(audit)));
    updateSummary();
    // Another case or import: start from the most severe change. A re-analysis keeps the analyst's choice.
    if (!empty && (reset || !m_table->selectionModel()->hasSelection()))
        chooseRow(m_table, 0);
    showSelected();
}

void ChangesView::updateSummary()
{
    const SnapshotPtr snapshot = m_model->snapshot();
    if (!snapshot || snapshot->cloud.changes.empty()) {
        m_summary->clear();
        return;
    }
    std::array<int, 3> severities {};
    int linked = 0;
    for (const ChangeFinding& change : snapshot->cloud.changes) {
        ++severities[static_cast<std::size_t>(change.severity)];
        linked += change.links.empty() ? 0 : 1;
    }
    m_summary->setText(tr("%n change(s) from %1 audit records · %2 high, %3 medium, %4 low · %5 alerting · %6 "
                          "linked to flows",
        nullptr, static_cast<int>(snapshot->cloud.changes.size()))
                           .arg(snapshot->cloud.auditRecords)
                           .arg(severities[static_cast<std::size_t>(ChangeSeverity::High)])
                           .arg(severities[static_cast<std::size_t>(ChangeSeverity::Medium)])
                           .arg(severities[static_cast<std::size_t>(ChangeSeverity::Low)])
                           .arg(snapshot->cloud.alerting)
                           .arg(linked));
}

void ChangesView::setTriage(TriageMap triage)
{
    m_model->setTriage(std::move(triage));
    showSelected(); // the detail shows the new history
}

void ChangesView::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    const bool chosen = current.isValid() && m_table->selectionModel()->isRowSelected(current.row());
    const int row = chosen ? m_filter->mapToSource(current).row() : -1;
    m_detail->setChange(m_model->snapshot(), row, row >= 0 ? m_model->triageState(row) : nullptr);
}

bool ChangesView::selectChange(int changeIndex)
{
    if (changeIndex < 0 || changeIndex >= m_model->rowCount())
        return false;
    QModelIndex index = m_filter->mapFromSource(m_model->index(changeIndex, 0));
    if (!index.isValid()) {
        m_search->clear(); // the only filter: clearing it shows every change
        index = m_filter->mapFromSource(m_model->index(changeIndex, 0));
    }
    chooseRow(m_table, index.row()); // Ctrl+J's Ctrl is still down: selectRow() would toggle the row
    return true;
}

std::vector<int> ChangesView::selectedChanges() const
{
    std::vector<int> changes;
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid() && m_table->selectionModel()->isRowSelected(current.row()))
        changes.push_back(m_filter->mapToSource(current).row());
    for (const QModelIndex& row : m_table->selectionModel()->selectedRows()) {
        const int change = m_filter->mapToSource(row).row();
        if (std::find(changes.begin(), changes.end(), change) == changes.end())
            changes.push_back(change);
    }
    return changes;
}

bool ChangesView::showsEmptyState() const
{
    return m_stack->currentIndex() == 1;
}

QString ChangesView::emptyText() const
{
    return m_empty->text();
}

QString ChangesView::summaryText() const
{
    return m_summary->text();
}

} // namespace cepheid::ui
