#include "catalogpanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <map>

namespace cepheid::ui {

namespace {
enum Column { Platform, Pattern, Flows, ColumnCount };
}

CatalogEntry CatalogPanel::anyDestination()
{
    return { "any destination", ".*" };
}

CatalogPanel::CatalogPanel(QWidget* parent)
    : QWidget(parent)
    , m_view(new QTableWidget(this))
    , m_header(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_remove(new QPushButton(tr("&Remove"), this))
{
    m_header->setWordWrap(true);
    m_header->setText(tr("Destinations a platform's pattern (RE2, whole hostname, any case) matches are considered, "
                         "as are those the rule's regex matches. Double-click a cell to edit it."));
    m_view->setColumnCount(ColumnCount);
    m_view->setHorizontalHeaderLabels({ tr("Platform"), tr("Pattern"), tr("Flows") });
    m_view->verticalHeader()->hide();
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setTabKeyNavigation(false);
    m_view->horizontalHeader()->setSectionResizeMode(Pattern, QHeaderView::Stretch);
    auto* add = new QPushButton(tr("&Add"), this);
    auto* defaults = new QPushButton(tr("&Defaults"), this);
    auto* everything = new QPushButton(tr("Consider &All Destinations"), this);
    add->setToolTip(tr("A new platform: name it and give its hostname pattern"));
    defaults->setToolTip(tr("The catalog Cepheid ships with"));
    everything->setToolTip(tr("Adds a pattern matching every hostname: every destination is scored"));
    auto* buttons = new QHBoxLayout();
    buttons->addWidget(add);
    buttons->addWidget(m_remove);
    buttons->addWidget(defaults);
    buttons->addStretch();
    buttons->addWidget(everything);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    m_problem->setWordWrap(true);
    m_problem->setForegroundRole(QPalette::BrightText);
    m_problem->hide();
    layout->addWidget(m_problem);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);

    // Queued: the edit may refill the table (a refused pattern reverts it), which must not happen while the
    // item that changed is still emitting.
    connect(m_view, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (!m_filling && item->column() != Flows)
            QTimer::singleShot(0, this, [this] { emit catalogEdited(entries()); });
    });
    connect(m_view, &QTableWidget::itemSelectionChanged, this,
        [this] { m_remove->setEnabled(!m_view->selectedItems().isEmpty()); });
    connect(add, &QPushButton::clicked, this, [this] {
        std::vector<CatalogEntry> catalog = entries();
        catalog.push_back({ tr("new platform").toStdString(), "(.*\\.)?example\\.invalid" });
        emit catalogEdited(catalog);
        // Editing starts on the new row once the re-analysis has filled the table again.
        m_editLastRow = true;
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        std::vector<CatalogEntry> catalog = entries();
        std::vector<int> rows;
        for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
            rows.push_back(index.row());
        std::sort(rows.rbegin(), rows.rend());
        for (const int row : rows)
            catalog.erase(catalog.begin() + row);
        emit catalogEdited(catalog);
    });
    connect(defaults, &QPushButton::clicked, this, [this] { emit catalogEdited(Profile::defaultCatalog()); });
    connect(everything, &QPushButton::clicked, this, [this] {
        std::vector<CatalogEntry> catalog = entries();
        if (std::find(catalog.begin(), catalog.end(), anyDestination()) == catalog.end())
            catalog.push_back(anyDestination());
        emit catalogEdited(catalog);
    });
    m_remove->setEnabled(false);
}

void CatalogPanel::showProblem(const QString& problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
}

QString CatalogPanel::problem() const
{
    return m_problem->text();
}

std::vector<CatalogEntry> CatalogPanel::entries() const
{
    std::vector<CatalogEntry> catalog;
    for (int row = 0; row < m_view->rowCount(); ++row)
        catalog.push_back({ m_view->item(row, Platform)->text().trimmed().toStdString(),
            m_view->item(row, Pattern)->text().trimmed().toStdString() });
    return catalog;
}

void CatalogPanel::setSnapshot(SnapshotPtr snapshot)
{
    m_snapshot = std::move(snapshot);
    fill(m_snapshot ? m_snapshot->profile.catalog : std::vector<CatalogEntry> {});
}

void CatalogPanel::fill(const std::vector<CatalogEntry>& catalog)
{
    // Flows per platform: what each entry brings into the analysis now.
    std::map<std::string, int> flows;
    if (m_snapshot)
        for (const Finding& finding : m_snapshot->analysis.findings)
            ++flows[finding.platform];
    m_filling = true;
    m_view->setRowCount(static_cast<int>(catalog.size()));
    for (int row = 0; row < static_cast<int>(catalog.size()); ++row) {
        const CatalogEntry& entry = catalog[static_cast<std::size_t>(row)];
        m_view->setItem(row, Platform, new QTableWidgetItem(QString::fromStdString(entry.platform)));
        m_view->setItem(row, Pattern, new QTableWidgetItem(QString::fromStdString(entry.pattern)));
        auto* count = new QTableWidgetItem(QString::number(flows[entry.platform]));
        count->setFlags(count->flags() & ~Qt::ItemIsEditable);
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        count->setToolTip(tr("Considered flows this platform matches"));
        m_view->setItem(row, Flows, count);
    }
    m_view->resizeColumnToContents(Platform);
    m_view->resizeColumnToContents(Flows);
    m_filling = false;
    if (m_editLastRow && m_view->rowCount() > 0) {
        m_editLastRow = false;
        m_view->setCurrentCell(m_view->rowCount() - 1, Platform);
        m_view->editItem(m_view->item(m_view->rowCount() - 1, Platform));
    }
}

} // namespace cepheid::ui
