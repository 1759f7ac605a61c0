#include "findingsfilter.h"

#include "findingsmodel.h"

namespace cepheid::ui {

FindingsFilter::FindingsFilter(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(FindingsModel::SortRole);
    setDynamicSortFilter(true);
}

void FindingsFilter::setText(const QString& text)
{
    m_text = text.trimmed();
    invalidateRowsFilter();
}

void FindingsFilter::setMinimumVerdict(int verdict)
{
    m_minimumVerdict = verdict;
    invalidateRowsFilter();
}

void FindingsFilter::setRuleFiredOnly(bool only)
{
    m_ruleFiredOnly = only;
    invalidateRowsFilter();
}

void FindingsFilter::setDisagreementOnly(bool only)
{
    m_disagreementOnly = only;
    invalidateRowsFilter();
}

void FindingsFilter::setTriageStatus(const QString& status)
{
    m_triageStatus = status;
    invalidateRowsFilter();
}

void FindingsFilter::setPlatform(const QString& platform)
{
    m_platform = platform;
    invalidateRowsFilter();
}

void FindingsFilter::setSource(int source)
{
    m_source = source;
    invalidateRowsFilter();
}

void FindingsFilter::setShowAllowlisted(bool show)
{
    m_showAllowlisted = show;
    invalidateRowsFilter();
}

void FindingsFilter::setChangedOnly(bool only)
{
    m_changedOnly = only;
    invalidateRowsFilter();
}

bool FindingsFilter::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    return hiddenReason(sourceRow).isEmpty();
}

QString FindingsFilter::hiddenReason(int sourceRow) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0);
    if (!index.isValid())
        return tr("it is no longer in the analysis");
    // Only changed findings: the what-if delta in full, including the findings an allowlist entry just took away.
    if (m_changedOnly && index.data(FindingsModel::ChangeRole).toInt() == 0)
        return tr("the tuning does not change it (Show only changed findings is on)");
    if (!m_changedOnly && !m_showAllowlisted && index.data(FindingsModel::AllowlistedRole).toBool())
        return tr("it is allowlisted (Show allowlisted, Ctrl+Shift+A, shows it)");
    if (index.data(FindingsModel::VerdictRole).toInt() < m_minimumVerdict)
        return tr("its verdict is below the verdict filter");
    if (m_ruleFiredOnly && !index.data(FindingsModel::FiresRole).toBool())
        return tr("the rule does not fire on it (Rule fires is on)");
    if (m_disagreementOnly && !index.data(FindingsModel::DisagreeRole).toBool())
        return tr("rule and score agree on it (Rule and score disagree is on)");
    if (!m_triageStatus.isEmpty() && index.data(FindingsModel::TriageRole).toString() != m_triageStatus)
        return tr("its triage is %1, not %2").arg(index.data(FindingsModel::TriageRole).toString(), m_triageStatus);
    if (!m_platform.isEmpty()) {
        const QString platform = index.data(FindingsModel::PlatformRole).toString();
        if (m_platform == QStringLiteral("-") ? !platform.isEmpty() : platform != m_platform)
            return tr("its platform is not the platform filter's");
    }
    if (m_source >= 0 && !index.data(FindingsModel::SourcesRole).value<QList<int>>().contains(m_source))
        return tr("none of its events comes from the source filter's file");
    if (!m_text.isEmpty()
        && !index.data(FindingsModel::SearchTextRole).toString().contains(m_text, Qt::CaseInsensitive))
        return tr("it does not contain \"%1\"").arg(m_text);
    return {};
}

} // namespace cepheid::ui
