#pragma once

#include "gapseries.h"

#include <QWidget>

namespace cepheid::ui {

// What the interval histogram and the gap-over-time chart share: one flow's gap series, a linear or log scale,
// hover and click (eventActivated opens an event), and a layout redone whenever the data, scale, size or font
// changes.
class GapSeriesChart : public QWidget
{
    Q_OBJECT

public:
    explicit GapSeriesChart(QWidget* parent = nullptr);
    void setSeries(GapSeries series);
    void setLogScale(bool log);
    bool logScale() const { return m_log; }
    const GapSeries& series() const { return m_series; }
    QSize sizeHint() const override { return { 600, 300 }; }
    QSize minimumSizeHint() const override { return { 240, 160 }; }

signals:
    void eventActivated(EventIndex event);

protected:
    // Recomputes what the chart draws from the series, the scale and the widget's size.
    virtual void relayout() = 0;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

    GapSeries m_series;
    bool m_log = false;
};

} // namespace cepheid::ui
