#pragma once

#include "axisticks.h"
#include "chartcolors.h"
#include "findings/analysis.h"
#include "timescale.h"

#include <QCoreApplication>
#include <QFont>
#include <QPainter>

namespace cepheid::ui {

// Every connection of one flow over the case's time range, UTC nights shaded and the rule's firing windows marked,
// without a widget (the workbench's timeline and the case reports' timeline strip both paint through it). Where the
// scale leaves room, a bar per pixel column whose height is the largest payload in it; where the connections are
// denser than the pixels can separate, the rate instead (connections per bucket), so a beacon's regularity shows as
// an even level rather than a solid wall.
class TimelinePlot
{
    Q_DECLARE_TR_FUNCTIONS(TimelinePlot)

public:
    enum class Mode { Payload, Rate };

    // The timeline's whole range: from the earliest to the end of the latest event of a case, unless a few lie far
    // outside the rest (robustTimeRange); those are shown as a marker at the edge, never squash the axis.
    static std::pair<TimestampUs, TimestampUs> caseRange(const EventTable& events);
    // The flow's events before and after the case range (drawn as the edge markers).
    std::pair<std::size_t, std::size_t> outsideCaseRange() const;

    void setCaseRange(TimestampUs first, TimestampUs last);
    TimestampUs caseFirst() const { return m_caseFirst; }
    TimestampUs caseLast() const { return m_caseLast; }
    // The flow's distinct connections and the rule's firing windows.
    void setFlow(const EventTable& events, const FlowIndex& flows, const Finding& finding);
    void clearFlow();
    // The rule's firing windows only (a re-analysis of the same flow under another profile keeps the zoom).
    void setFiring(const Finding& finding);
    // Moments to mark on the time axis (the cloud changes linked to the flow): a labelled flag in a band of its own
    // above the plot and a dashed line across it. The band takes room only when there are markers; lay out again
    // after setting them.
    struct Marker
    {
        TimestampUs time = 0;
        QString label;
    };
    void setMarkers(std::vector<Marker> markers);
    const std::vector<Marker>& markers() const { return m_markers; }
    const QRectF& markerBand() const { return m_markerBand; } // empty without markers
    // The marker drawn at this x (-1: none near).
    int markerAt(double x) const;
    // Lays the plot out inside `area` for text in `font`; the scale's width follows.
    void layout(const QRectF& area, const QFont& font);
    void resetZoom(); // the whole case

    TimeScale& scale() { return m_scale; }
    const TimeScale& scale() const { return m_scale; }
    const QRectF& plotRect() const { return m_plot; }
    const std::vector<TimestampUs>& times() const { return m_times; } // sorted
    const std::vector<EventIndex>& events() const { return m_events; } // parallel to times()

    Mode mode() const; // at the current zoom and width
    TimestampUs bucketWidth() const; // in Rate mode
    std::vector<AxisTick> timeAxisTicks() const;
    // The event at this x (-1: none near).
    std::int64_t eventAt(double x) const;
    double xOf(TimestampUs time) const { return m_plot.left() + m_scale.toPixel(time); }

    void paint(QPainter& painter, const ChartColors& colors) const;

private:
    void paintMarkerBand(QPainter& painter, const ChartColors& colors) const;
    void paintMarkerLines(QPainter& painter, const ChartColors& colors) const; // over the bars, inside the plot

    std::vector<TimestampUs> m_times;
    std::vector<EventIndex> m_events;
    std::vector<double> m_bytes; // sent + received, -1 when unknown
    std::vector<std::pair<TimestampUs, TimestampUs>> m_firing; // the rule's detections
    std::vector<Marker> m_markers;
    double m_tallestBytes = 1;
    TimestampUs m_caseFirst = 0, m_caseLast = 1;
    TimeScale m_scale;
    QFont m_font;
    QRectF m_area, m_plot, m_nightBand, m_firingBand, m_markerBand;
};

} // namespace cepheid::ui
