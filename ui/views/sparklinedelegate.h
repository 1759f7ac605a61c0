#pragma once

#include <QStyledItemDelegate>

class QSortFilterProxyModel;

namespace cepheid::ui {

class FindingsModel;

// Paints a finding's activity over the case's time range as a row of tiny bars (FindingsModel::activity):
// a beacon is an even comb, a burst a single spike, office hours a pattern of days.
class SparklineDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    SparklineDelegate(const FindingsModel* model, const QSortFilterProxyModel* proxy, QObject* parent = nullptr);
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    const FindingsModel* m_model;
    const QSortFilterProxyModel* m_proxy;
};

} // namespace cepheid::ui
