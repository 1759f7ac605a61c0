#pragma once

#include "session/snapshot.h"

#include <QWidget>
#include <functional>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace cepheid::ui {

class FlowEventsModel;
class GapChart;
class IntervalChart;
class TimelineView;
class HostView;

// Everything about the selected flow: why it scores and fires (or not) and the cloud changes linked to it, its
// interval histogram, its gaps over time, its events and their original records, its timeline (the changes marked)
// and its host's other destinations.
class FlowDetail : public QWidget
{
    Q_OBJECT

public:
    enum Tab { WhyTab, IntervalsTab, GapsTab, EventsTab, TimelineTab, HostTab, TabCount };
    using RawRecordLookup = std::function<QString(EventIndex)>;

    explicit FlowDetail(RawRecordLookup rawRecord, QWidget* parent = nullptr);
    // The triage state, when given, is shown with its history in the Why tab.
    void setFinding(SnapshotPtr snapshot, const Finding* finding, const TriageState* triage = nullptr);
    // No finding to show, and why (rich text): the one that was shown is hidden by a filter.
    void showHidden(const QString& html);

    // For tests and for the histogram's click-through.
    QTabWidget* tabs() const { return m_tabs; }
    QString whyHtml() const;
    QTableView* eventsView() const { return m_events; }
    QString rawRecordText() const;
    IntervalChart* intervalChart() const { return m_intervals; }
    GapChart* gapChart() const { return m_gaps; }
    QLabel* intervalHeader() const { return m_intervalHeader; }
    TimelineView* timeline() const { return m_timeline; }
    HostView* hostView() const { return m_host; }
    void selectEvent(EventIndex event);

    static QString buildWhyHtml(const Snapshot& snapshot, const Finding& finding, const TriageState* triage = nullptr);

    // The charts' header: period, confidence, beat jitter, all-gaps CV, gap count (wraps, never truncates).
    static QString gapSummary(const BeaconScore& beacon, std::size_t gaps, std::uint32_t beyond);

signals:
    // A linked cloud change was chosen (the Why tab's link, a timeline marker): index into Snapshot::cloud.changes.
    void changeActivated(int changeIndex);

private:
    void showRawRecord();
    void showRange(TimestampUs start, TimestampUs end, bool openEvents = true);
    QWidget* chartPage(QWidget* chart, QLabel* header, QCheckBox* logScale);
    QWidget* hostPage();

    RawRecordLookup m_rawRecord;
    SnapshotPtr m_snapshot;
    const Finding* m_finding = nullptr;
    QTabWidget* m_tabs;
    QTextBrowser* m_why;
    IntervalChart* m_intervals;
    GapChart* m_gaps;
    QLabel* m_intervalHeader;
    QLabel* m_gapHeader;
    QCheckBox* m_intervalLog;
    QCheckBox* m_gapLog;
    QLabel* m_rangeBanner;
    QTableView* m_events;
    QPlainTextEdit* m_raw;
    TimelineView* m_timeline;
    HostView* m_host;
    FlowEventsModel* m_eventsModel;
};

} // namespace cepheid::ui
