#include "changesmodel.h"

#include "changetext.h"
#include "plaintooltip.h"
#include "qtext.h"
#include "timetext.h"
#include "triage/triagetext.h"

#include <QBrush>
#include <QFont>
#include <QGuiApplication>
#include <algorithm>

namespace cepheid::ui {

ChangesModel::ChangesModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void ChangesModel::setSnapshot(SnapshotPtr snapshot)
{
    std::vector<TriageKey> keys;
    if (snapshot)
        for (const ChangeFinding& change : snapshot->cloud.changes)
            keys.push_back(changeTriageKey(change));
    // The triage keys name the changes: the same keys in the same order are the same rows.
    if (m_snapshot && snapshot && keys == m_keys) {
        m_snapshot = std::move(snapshot);
        m_triage = m_snapshot->triage;
        if (rowCount() > 0)
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_snapshot = std::move(snapshot);
    m_triage = m_snapshot ? m_snapshot->triage : TriageMap {};
    m_keys = std::move(keys);
    endResetModel();
}

void ChangesModel::setTriage(TriageMap triage)
{
    m_triage = std::move(triage);
    if (rowCount() > 0)
        emit dataChanged(index(0, Triage), index(rowCount() - 1, Triage));
}

const ChangeFinding* ChangesModel::change(int row) const
{
    if (!m_snapshot || row < 0 || row >= rowCount())
        return nullptr;
    return &m_snapshot->cloud.changes[static_cast<std::size_t>(row)];
}

const TriageState* ChangesModel::triageState(int row) const
{
    if (row < 0 || row >= rowCount())
        return nullptr;
    const auto it = m_triage.find(triageKey(row));
    return it == m_triage.end() ? nullptr : &it->second;
}

QString ChangesModel::triageStatus(int row) const
{
    const TriageState* state = triageState(row);
    return state ? QString::fromStdString(state->status) : QStringLiteral("new");
}

int ChangesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_snapshot ? 0 : static_cast<int>(m_snapshot->cloud.changes.size());
}

int ChangesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ChangesModel::sourceIpsText(const ChangeFinding& change) const
{
    QStringList ips;
    for (const std::string& ip : change.sourceIps) {
        const bool host
            = std::find(change.caseHostIps.begin(), change.caseHostIps.end(), ip) != change.caseHostIps.end();
        ips << (host ? tr("%1 (host)").arg(toDisplayText(ip)) : toDisplayText(ip));
    }
    return ips.join(QStringLiteral(", "));
}

QVariant ChangesModel::data(const QModelIndex& index, int role) const
{
    if (role == Qt::ToolTipRole)
        return plainToolTip(unescapedData(index, role).toString());
    return unescapedData(index, role);
}

QVariant ChangesModel::unescapedData(const QModelIndex& index, int role) const
{
    const ChangeFinding* c = change(index.row());
    if (!c)
        return {};
    const int row = index.row();
    const int column = index.column();
    const bool allowlisted = c->allowlistEntry >= 0;
    QStringList signalNames;
    for (const ChangeSignalHit& hit : c->hits)
        signalNames << signalText(hit.signal);
    switch (role) {
    case ChangeIndexRole:
        return row;
    case SearchTextRole: {
        QStringList words { toQString(c->actor), toQString(c->resource), toQString(c->service),
            providerText(c->provider), toQString(c->account), toQString(c->region), actionsText(*c),
            severityText(c->severity), triageStatus(row), signalNames.join(u' ') };
        for (const std::string& ip : c->sourceIps)
            words << toQString(ip);
        for (const std::string& endpoint : c->endpoints)
            words << toQString(endpoint);
        return words.join(u' ');
    }
    case SortRole:
        switch (column) {
        case Severity:
            // Within a severity, the points order the rows.
            return static_cast<int>(c->severity) * 1000.0 + c->points;
        case FirstCall:
            return qint64(c->first);
        case Points:
            return c->points;
        case Links:
            return static_cast<int>(c->links.size());
        default:
            return unescapedData(index, Qt::DisplayRole).toString().toLower();
        }
    case Qt::ForegroundRole:
        // Cleared by the allowlist: greyed and italic, as allowlisted findings are.
        return allowlisted ? QVariant(QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text))
                           : QVariant();
    case Qt::FontRole:
        if (allowlisted) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::BackgroundRole:
        return column == Severity && !allowlisted
            ? QVariant(QBrush(severityTint(QGuiApplication::palette(), c->severity)))
            : QVariant();
    case Qt::TextAlignmentRole:
        return column == Points || column == Links ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter)
                                                   : QVariant();
    case Qt::DisplayRole:
        switch (column) {
        case Severity:
            return allowlisted ? tr("%1 (allowlisted)").arg(severityText(c->severity)) : severityText(c->severity);
        case FirstCall:
            return compactTime(c->first);
        case Provider:
            return providerText(c->provider);
        case Service:
            return toDisplayText(c->service);
        case Resource:
            return toDisplayText(c->resource);
        case Actor:
            return toDisplayText(c->actor);
        case SourceIps:
            return sourceIpsText(*c);
        case Actions:
            return actionsText(*c);
        case Signals:
            return signalNames.join(QStringLiteral(", "));
        case Points:
            return QString::number(c->points, 'f', 0);
        case Links:
            return static_cast<int>(c->links.size());
        case Triage:
            return triageStatus(row);
        }
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case Severity: {
            QString text = tr("%1 points; medium from %2, high from %3 (the profile's cloud thresholds)")
                               .arg(c->points, 0, 'f', 0)
                               .arg(m_snapshot->profile.cloud.mediumAt, 0, 'f', 0)
                               .arg(m_snapshot->profile.cloud.highAt, 0, 'f', 0);
            if (const AllowlistEntry* entry = changeAllowlistEntry(*c, m_snapshot->profile))
                text += tr("\nAllowlisted by \"%1\": %2")
                            .arg(QString::fromStdString(entry->id), QString::fromStdString(entry->reason));
            return text;
        }
        case FirstCall:
            return tr("%1 to %2, %n call(s)", nullptr, static_cast<int>(c->events.size()))
                .arg(fullTime(c->first), fullTime(c->last));
        case Provider:
            return tr("Account %1, region %2")
                .arg(c->account.empty() ? tr("—") : toDisplayText(c->account),
                    c->region.empty() ? tr("—") : toDisplayText(c->region));
        case Resource: {
            QStringList endpoints;
            for (const std::string& endpoint : c->endpoints)
                endpoints << toDisplayText(endpoint);
            return endpoints.isEmpty() ? tr("No endpoint known for this function")
                                       : tr("Endpoints: %1").arg(endpoints.join(QStringLiteral(", ")));
        }
        case Actor:
            return c->actorType.empty() ? QString() : tr("Actor type: %1").arg(toDisplayText(c->actorType));
        case SourceIps:
            return c->caseHostIps.empty()
                ? tr("No source address of these calls is a host in the case's network events")
                : tr("(host): the address is a source of the case's network events — the change was made from a "
                     "machine this case has telemetry for");
        case Actions:
            return c->exposure.empty() ? QString() : tr("Made public: %1").arg(toDisplayText(c->exposure));
        case Signals: {
            QStringList lines;
            for (const ChangeSignalHit& hit : c->hits)
                lines << QStringLiteral("%1 +%2: %3")
                             .arg(signalText(hit.signal))
                             .arg(hit.points, 0, 'f', 0)
                             .arg(QString::fromStdString(hit.explanation));
            return lines.isEmpty() ? tr("No signal raised") : lines.join(u'\n');
        }
        case Links: {
            QStringList lines;
            for (const ChangeLink& link : c->links)
                lines << flowText(m_snapshot->events, m_snapshot->flows, link.flowIndex)
                        + (link.alerting ? tr(" (alerts)") : QString());
            return lines.isEmpty() ? tr("No flow of the case reaches this function") : lines.join(u'\n');
        }
        case Triage: {
            const TriageState* state = triageState(row);
            return state ? triageStateText(*state) : tr("Not triaged yet");
        }
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant ChangesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    static const char* const names[ColumnCount]
        = { QT_TR_NOOP("Severity"), QT_TR_NOOP("First call"), QT_TR_NOOP("Actor"), QT_TR_NOOP("Resource"),
              QT_TR_NOOP("Flows"), QT_TR_NOOP("Source IPs"), QT_TR_NOOP("Actions"), QT_TR_NOOP("Signals"),
              QT_TR_NOOP("Points"), QT_TR_NOOP("Provider"), QT_TR_NOOP("Service"), QT_TR_NOOP("Triage") };
    if (role == Qt::ToolTipRole)
        return section == Links ? tr("How many flows of the case reach the function's endpoints") : QVariant();
    return tr(names[section]);
}

} // namespace cepheid::ui
