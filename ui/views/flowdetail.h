#pragma once

#include "session/snapshot.h"

#include <QWidget>
#include <functional>

class QChart;
class QChartView;
class QPlainTextEdit;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace cepheid::ui {

class FlowEventsModel;
class TimelineView;
class HostView;

// Everything about the selected flow: why it scores and fires (or not), its interval histogram, its events and
// their original records.
class FlowDetail : public QWidget
{
    Q_OBJECT

public:
    enum Tab { WhyTab, IntervalsTab, EventsTab, TimelineTab, HostTab };
    using RawRecordLookup = std::function<QString(EventIndex)>;

    explicit FlowDetail(RawRecordLookup rawRecord, QWidget* parent = nullptr);
    // The triage state, when given, is shown with its history in the Why tab.
    void setFinding(SnapshotPtr snapshot, const Finding* finding, const TriageState* triage = nullptr);

    // For tests and for the histogram's click-through.
    QTabWidget* tabs() const { return m_tabs; }
    QString whyHtml() const;
    QTableView* eventsView() const { return m_events; }
    QString rawRecordText() const;
    QChartView* chartView() const { return m_chart; }
    TimelineView* timeline() const { return m_timeline; }
    HostView* hostView() const { return m_host; }
    void selectEvent(EventIndex event);

    static QString buildWhyHtml(const Snapshot& snapshot, const Finding& finding, const TriageState* triage = nullptr);

private:
    void showHistogram();
    void showRawRecord();
    void replaceChart(QChart* chart);

    RawRecordLookup m_rawRecord;
    SnapshotPtr m_snapshot;
    const Finding* m_finding = nullptr;
    QTabWidget* m_tabs;
    QTextBrowser* m_why;
    QChartView* m_chart;
    QTableView* m_events;
    QPlainTextEdit* m_raw;
    TimelineView* m_timeline;
    HostView* m_host;
    FlowEventsModel* m_eventsModel;
};

} // namespace cepheid::ui
