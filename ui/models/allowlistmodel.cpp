#include "allowlistmodel.h"

#include "plaintooltip.h"
#include "qtext.h"
#include "tuning/allowlistentrydialog.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QGuiApplication>

namespace cepheid::ui {

AllowlistModel::AllowlistModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void AllowlistModel::setSnapshot(SnapshotPtr snapshot)
{
    beginResetModel();
    m_snapshot = std::move(snapshot);
    endResetModel();
}

const AllowlistEntry* AllowlistModel::entry(int row) const
{
    if (!m_snapshot || row < 0 || row >= rowCount())
        return nullptr;
    return &m_snapshot->profile.allowlist[static_cast<std::size_t>(row)];
}

int AllowlistModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_snapshot ? 0 : static_cast<int>(m_snapshot->profile.allowlist.size());
}

int AllowlistModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AllowlistModel::describeMatchers(const AllowlistEntry& entry)
{
    QStringList parts;
    const std::pair<const std::string*, QString> fields[] = { { &entry.host, tr("host") },
        { &entry.cidr, tr("network") }, { &entry.process, tr("process") }, { &entry.domain, tr("destination") } };
    for (const auto& [value, name] : fields)
        if (!value->empty())
            parts << name + QStringLiteral(" = ") + toDisplayText(*value);
    return parts.join(QStringLiteral(" · "));
}

QVariant AllowlistModel::data(const QModelIndex& index, int role) const
{
    if (role == Qt::ToolTipRole)
        return plainToolTip(unescapedData(index, role).toString());
    return unescapedData(index, role);
}

QVariant AllowlistModel::unescapedData(const QModelIndex& index, int role) const
{
    const AllowlistEntry* e = entry(index.row());
    if (!e || !index.isValid())
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const auto& hitsPerEntry = m_snapshot->analysis.allowlistHits;
    const std::uint32_t hits = row < hitsPerEntry.size() ? hitsPerEntry[row] : 0;
    const bool expired = !e->isActive(m_snapshot->evaluatedAt);
    switch (role) {
    case HitsRole:
        return hits;
    case ExpiredRole:
        return expired;
    case IdRole:
        return toDisplayText(e->id);
    case Qt::ForegroundRole:
        return expired ? QVariant(QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text)) : QVariant();
    case Qt::FontRole:
        if (expired && index.column() == Expires) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole:
        return tr("%1\nid: %2%3")
            .arg(toDisplayText(e->reason), toDisplayText(e->id),
                expired ? tr("\nExpired: it no longer matches anything.") : QString());
    case Qt::TextAlignmentRole:
        return index.column() == Hides ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Kind:
        return AllowlistEntryDialog::kindName(AllowlistEntryDialog::kindOf(*e));
    case Matches:
        return describeMatchers(*e);
    case Mode:
        return e->cidr.empty() || !e->domain.empty() || !e->process.empty() || !e->host.empty()
            ? toQString(matchModeName(e->match))
            : QStringLiteral("—");
    case Reason:
        return toDisplayText(e->reason);
    case Author:
        return toDisplayText(e->author);
    case Created:
        return QString::fromStdString(e->created).left(10);
    case Expires:
        if (e->expires.empty())
            return tr("never");
        return expired ? tr("expired %1").arg(QString::fromStdString(e->expires)) : QString::fromStdString(e->expires);
    case Hides:
        return hits;
    }
    return {};
}

QVariant AllowlistModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[ColumnCount] = { QT_TR_NOOP("Kind"), QT_TR_NOOP("Matches"), QT_TR_NOOP("Hides"),
        QT_TR_NOOP("Expires"), QT_TR_NOOP("Reason"), QT_TR_NOOP("Match"), QT_TR_NOOP("Author"), QT_TR_NOOP("Created") };
    return tr(names[section]);
}

} // namespace cepheid::ui
