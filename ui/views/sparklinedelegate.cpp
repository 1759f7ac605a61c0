#include "sparklinedelegate.h"

#include "charts/chartcolors.h"
#include "models/findingsmodel.h"

#include <QPainter>
#include <QSortFilterProxyModel>

namespace cepheid::ui {

SparklineDelegate::SparklineDelegate(const FindingsModel* model, const QSortFilterProxyModel* proxy, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_model(model)
    , m_proxy(proxy)
{ }

void SparklineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyledItemDelegate::paint(painter, option, index); // background and selection
    const auto activity = m_model->activity(m_proxy->mapToSource(index).row());
    if (activity.empty())
        return;
    const std::uint16_t tallest = *std::max_element(activity.begin(), activity.end());
    if (tallest == 0)
        return;
    const QRectF area = QRectF(option.rect).adjusted(2, 3, -2, -3);
    const double width = area.width() / static_cast<double>(activity.size());
    painter->save();
    painter->setPen(Qt::NoPen);
    painter->setBrush(option.state & QStyle::State_Selected ? option.palette.highlightedText()
                                                            : QBrush(chartColors(option.palette).series));
    for (std::size_t i = 0; i < activity.size(); ++i) {
        if (activity[i] == 0)
            continue;
        const double height = std::max(1.0, area.height() * activity[i] / tallest);
        painter->drawRect(QRectF(area.left() + i * width, area.bottom() - height, std::max(1.0, width - 1), height));
    }
    painter->restore();
}

} // namespace cepheid::ui
