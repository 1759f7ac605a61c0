#include "historypanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace cepheid::ui {

HistoryPanel::HistoryPanel(QWidget* parent)
    : QWidget(parent)
    , m_table(new QTableWidget(this))
    , m_load(new QPushButton(tr("&Load as working profile"), this))
    , m_compare(new QPushButton(tr("&Compare…"), this))
{
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({ tr("Version"), tr("Saved"), tr("Author"), tr("Note") });
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_load->setToolTip(tr("Revert: the selected version becomes the working profile; save it to make it the newest "
                          "version"));
    m_compare->setToolTip(tr("Select two versions to compare them, or one to compare it with the working profile"));
    auto* help = new QLabel(tr("Every saved version is kept in the case. Select one to load or compare it with the "
                               "working profile; select two to compare them."),
        this);
    help->setWordWrap(true);
    auto* buttons = new QHBoxLayout();
    buttons->addWidget(m_load);
    buttons->addWidget(m_compare);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(help);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    auto update = [this] {
        const auto selected = selectedVersions();
        m_load->setEnabled(selected.size() == 1);
        m_compare->setEnabled(selected.size() == 1 || selected.size() == 2);
    };
    connect(m_table, &QTableWidget::itemSelectionChanged, this, update);
    connect(m_load, &QPushButton::clicked, this, [this] {
        if (const auto selected = selectedVersions(); selected.size() == 1)
            emit loadRequested(selected.front());
    });
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const auto selected = selectedVersions();
        if (selected.size() == 1)
            emit compareRequested(selected.front(), 0);
        else if (selected.size() == 2)
            emit compareRequested(selected[0], selected[1]);
    });
    update();
}

std::vector<std::int64_t> HistoryPanel::selectedVersions() const
{
    std::vector<std::int64_t> versions;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        versions.push_back(index.data(Qt::UserRole).toLongLong());
    std::sort(versions.begin(), versions.end());
    return versions;
}

void HistoryPanel::setVersions(const std::vector<ProfileVersion>& versions, std::int64_t savedVersion)
{
    m_table->setRowCount(static_cast<int>(versions.size()));
    // Newest first: that is the one the what-if delta compares against.
    for (std::size_t i = 0; i < versions.size(); ++i) {
        const ProfileVersion& version = versions[versions.size() - 1 - i];
        const int row = static_cast<int>(i);
        auto* id = new QTableWidgetItem(
            version.id == savedVersion ? tr("%1 (baseline)").arg(version.id) : QString::number(version.id));
        id->setData(Qt::UserRole, qint64(version.id));
        m_table->setItem(row, 0, id);
        m_table->setItem(
            row, 1, new QTableWidgetItem(QString::fromStdString(version.createdAt).left(19).replace(u'T', u' ')));
        m_table->setItem(row, 2, new QTableWidgetItem(QString::fromStdString(version.author)));
        m_table->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(version.note)));
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setStretchLastSection(true);
}

} // namespace cepheid::ui
