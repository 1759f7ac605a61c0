#pragma once

#include <QSortFilterProxyModel>

namespace cepheid::ui {

// Text filter and the quick filters of the findings table. Sorting uses FindingsModel::SortRole.
class FindingsFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit FindingsFilter(QObject* parent = nullptr);

    void setText(const QString& text);
    void setMinimumVerdict(int verdict); // 0 = all
    void setRuleFiredOnly(bool only);
    void setDisagreementOnly(bool only);
    void setTriageStatus(const QString& status); // empty = all
    void setPlatform(const QString& platform); // empty = all; "-" = matched by the rule's regex only
    void setShowAllowlisted(bool show); // allowlisted findings are hidden unless asked for
    void setChangedOnly(bool only); // only findings the tuning changes (what-if delta), allowlisted ones included
    void setSource(int source); // CaseSource::id: only flows with an event from that file; -1 = all

    // Why a source row is not shown ("it is allowlisted…"), or an empty string when it is.
    QString hiddenReason(int sourceRow) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    int m_minimumVerdict = 0;
    bool m_ruleFiredOnly = false;
    bool m_disagreementOnly = false;
    QString m_triageStatus;
    QString m_platform;
    bool m_showAllowlisted = false;
    bool m_changedOnly = false;
    int m_source = -1;
};

} // namespace cepheid::ui
