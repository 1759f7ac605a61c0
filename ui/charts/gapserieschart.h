#pragma once

#include "gapseriesplot.h"

#include <QWidget>

namespace cepheid::ui {

// What the interval histogram and the gap-over-time widgets share: a plot (which draws), hover and click
// (eventActivated opens an event), and a layout redone whenever the data, scale, size or font changes.
class GapSeriesChart : public QWidget
{
    Q_OBJECT

public:
    explicit GapSeriesChart(GapSeriesPlot& plot, QWidget* parent = nullptr);
    void setSeries(GapSeries series);
    void setLogScale(bool log);
    bool logScale() const { return m_plot.logScale(); }
    const GapSeries& series() const { return m_plot.series(); }
    QSize sizeHint() const override { return { 600, 300 }; }
    QSize minimumSizeHint() const override { return { 240, 160 }; }

signals:
    void eventActivated(EventIndex event);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void relayout();

    int m_hovered = -1;

private:
    GapSeriesPlot& m_plot; // a member of the derived widget, constructed before this base uses it
};

} // namespace cepheid::ui
