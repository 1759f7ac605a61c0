#include "flowdetail.h"

#include "charts/chartcolors.h"
#include "charts/gapchart.h"
#include "charts/intervalchart.h"
#include "hostview.h"
#include "models/changetext.h"
#include "models/findingsmodel.h"
#include "models/floweventsmodel.h"
#include "models/qtext.h"
#include "models/recordtext.h"
#include "models/tablecopy.h"
#include "models/timetext.h"
#include "reports/scorereport.h"
#include "timelineview.h"
#include "triage/triagetext.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace cepheid::ui {

namespace {

QString escaped(std::string_view text)
{
    return toDisplayText(text).toHtmlEscaped();
}

QString mark(bool ok)
{
    return ok ? QStringLiteral("✓") : QStringLiteral("✗");
}

// The cloud changes linked to the flow (Snapshot::cloud), each a link to itself: who changed the function the
// flow reaches, how severe that is, and whether it came before the flow's first event.
QString linkedChangesHtml(const Snapshot& snapshot, const Finding& finding)
{
    const std::vector<std::uint32_t>* linked = snapshot.cloud.changesOf(finding.flowIndex);
    if (!linked || linked->empty())
        return {};
    QString html = FlowDetail::tr("<h4>Cloud changes (%1)</h4>").arg(linked->size());
    for (const std::uint32_t index : *linked) {
        const ChangeFinding& change = snapshot.cloud.changes[index];
        QString relation;
        for (const ChangeLink& link : change.links)
            if (link.flowIndex == finding.flowIndex)
                relation = relationText(change, link);
        html += FlowDetail::tr(
            "<p style='margin-bottom:0'><span style='background-color:%1'>&nbsp;<b>%2</b>&nbsp;</span>"
            " <b>%3</b> · %4 on %5 · %6</p><p style='margin-top:0; margin-left:16px'>%7 · "
            "<a href='%8'>Show the change</a></p>")
                    .arg(severityTint(QGuiApplication::palette(), change.severity).name(),
                        severityText(change.severity).toHtmlEscaped(), escaped(change.actor),
                        actionsText(change).toHtmlEscaped(), resourceText(change).toHtmlEscaped(),
                        compactTime(change.first).toHtmlEscaped(), relation.toHtmlEscaped(), changeHref(index));
    }
    return html;
}

} // namespace

FlowDetail::FlowDetail(RawRecordLookup rawRecord, QWidget* parent)
    : QWidget(parent)
    , m_rawRecord(std::move(rawRecord))
    , m_tabs(new QTabWidget(this))
    , m_why(new QTextBrowser(this))
    , m_intervals(new IntervalChart(this))
    , m_gaps(new GapChart(this))
    , m_intervalHeader(new QLabel(this))
    , m_gapHeader(new QLabel(this))
    , m_intervalLog(new QCheckBox(tr("&Log scale"), this))
    , m_gapLog(new QCheckBox(tr("&Log scale"), this))
    , m_rangeBanner(new QLabel(this))
    , m_events(new QTableView(this))
    , m_raw(new QPlainTextEdit(this))
    , m_timeline(new TimelineView(this))
    , m_host(new HostView(this))
    , m_eventsModel(new FlowEventsModel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
    m_why->setOpenLinks(false);
    connect(m_why, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (const int change = changeIndexOfHref(url.toString()); change >= 0)
            emit changeActivated(change);
    });
    m_why->setTabChangesFocus(true);
    m_tabs->addTab(m_why, tr("&Why"));
    m_tabs->addTab(chartPage(m_intervals, m_intervalHeader, m_intervalLog), tr("&Intervals"));
    m_tabs->addTab(chartPage(m_gaps, m_gapHeader, m_gapLog), tr("&Gaps over time"));
    connect(m_intervalLog, &QCheckBox::toggled, m_intervals, &IntervalChart::setLogScale);
    connect(m_gapLog, &QCheckBox::toggled, m_gaps, &GapChart::setLogScale);
    connect(m_intervals, &IntervalChart::eventActivated, this, &FlowDetail::selectEvent);
    connect(m_gaps, &GapChart::eventActivated, this, &FlowDetail::selectEvent);
    auto* split = new QSplitter(Qt::Vertical, this);
    m_events->setModel(m_eventsModel);
    m_events->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_events->setSelectionMode(QAbstractItemView::ExtendedSelection); // several rows can be copied (Ctrl+C)
    m_events->verticalHeader()->hide();
    m_events->setWordWrap(false);
    m_events->verticalHeader()->setDefaultSectionSize(m_events->fontMetrics().height() + 8);
    m_events->horizontalHeader()->setStretchLastSection(true);
    m_raw->setReadOnly(true);
    m_raw->setTabChangesFocus(true);
    m_events->setTabKeyNavigation(false);
    installRowCopy(m_events);
    m_events->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_raw->setPlaceholderText(tr("Select an event to see its original record."));
    m_raw->setFont(QFont(QStringLiteral("monospace")));
    // A range dragged on the timeline filters the events; the banner says so and offers them all back.
    auto* eventsPane = new QWidget(this);
    auto* eventsLayout = new QVBoxLayout(eventsPane);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    m_rangeBanner->setWordWrap(true);
    m_rangeBanner->setTextFormat(Qt::RichText);
    m_rangeBanner->hide();
    connect(m_rangeBanner, &QLabel::linkActivated, this, [this] {
        m_timeline->clearSelection();
        showRange(0, 0);
    });
    eventsLayout->addWidget(m_rangeBanner);
    eventsLayout->addWidget(m_events, 1);
    split->addWidget(eventsPane);
    split->addWidget(m_raw);
    m_tabs->addTab(split, tr("&Events"));
    m_tabs->addTab(m_timeline, tr("&Timeline"));
    m_tabs->addTab(hostPage(), tr("&Host"));
    connect(m_events->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &FlowDetail::showRawRecord);
    connect(m_timeline, &TimelineView::eventActivated, this, &FlowDetail::selectEvent);
    connect(m_timeline, &TimelineView::changeActivated, this, &FlowDetail::changeActivated);
    connect(m_timeline, &TimelineView::rangeSelected, this,
        [this](TimestampUs start, TimestampUs end) { showRange(start, end); });
    setFinding(nullptr, nullptr);
}

QString FlowDetail::buildWhyHtml(const Snapshot& snapshot, const Finding& finding, const TriageState* triage)
{
    const EventTable& events = snapshot.events;
    const FlowKey& key = snapshot.flows.flow(finding.flowIndex).key;
    const BeaconScore& beacon = finding.beacon;
    const RuleSettings& rule = snapshot.profile.rule;
    QString html;
    html += QStringLiteral("<h3>%1 → %2</h3><p>%3<br>%4</p>")
                .arg(escaped(events.text(key.sourceIp)), escaped(events.text(key.destination)),
                    key.processPath == kEmptyString
                        ? tr("(no process: the telemetry names none, so the seed rule cannot fire on this flow; "
                             "the beacon score still rates it)")
                        : escaped(events.text(key.processPath)),
                    finding.platform.empty() ? tr("matched by the rule's regex only") : escaped(finding.platform));
    html += linkedChangesHtml(snapshot, finding);
    html += QStringLiteral("<h4>Beacon score %1 — %2</h4>")
                .arg(QString::number(beacon.score, 'f', 1), escaped(verdictName(beacon.verdict)));
    // Each component on its own line (name, value, a bar as long as its contribution), its explanation below: no
    // narrow table cells, so a narrow pane wraps whole words instead of breaking them.
    const ChartColors colors = chartColors(QGuiApplication::palette());
    for (const ScoreComponent& component : beacon.components) {
        const int cells = std::max(1, static_cast<int>(std::lround(std::abs(component.contribution) / 2)));
        const QColor colour = component.contribution < 0 ? colors.firing : colors.series;
        html += QStringLiteral("<p style='white-space:nowrap; margin-bottom:0'><b>%1</b> %2 "
                               "<span style='background-color:%3'>%4</span> %5</p>"
                               "<p style='margin-top:0; margin-left:16px'>%6</p>")
                    .arg(escaped(component.name),
                        component.value ? QString::number(*component.value, 'f', 2) : tr("absent"),
                        QColor(colour.red(), colour.green(), colour.blue()).name(),
                        QString(cells, QChar(0x00a0)).replace(QChar(0x00a0), QStringLiteral("&nbsp;")),
                        QString::asprintf("%+.1f", component.contribution), escaped(component.explanation));
    }
    if (!beacon.localOnlyNetwork.empty())
        html += tr("<p><b>Local-only destination</b> (%1): traffic to it never leaves the host or its link, so this "
                   "flow never alerts. The profile's score.local_only_networks lists these networks.</p>")
                    .arg(escaped(beacon.localOnlyNetwork));
    if (beacon.checkIns.largest > 1)
        html += tr("<p>Check-ins: %1 from %2 connections, %3 per check-in on average and up to %4; %5. Gaps, "
                   "period and jitter are measured between check-ins.</p>")
                    .arg(beacon.checkIns.checkIns)
                    .arg(beacon.checkIns.connections)
                    .arg(beacon.checkIns.meanConnections, 0, 'f', 1)
                    .arg(beacon.checkIns.largest)
                    .arg(FindingsModel::checkInRule(beacon.checkIns));
    if (FindingsModel::hasPeriod(beacon))
        html += tr("<p>Period %1 (confidence %2), beat jitter %3 (single-beat gaps), all-gaps CV %4 (every gap, "
                   "nights and missed beats included; the seed's JitterCoefficient), %5 gaps.</p>")
                    .arg(FindingsModel::formatDuration(beacon.period.periodSeconds))
                    .arg(beacon.period.confidence, 0, 'f', 2)
                    .arg(beacon.period.singleBeatCv, 0, 'f', 3)
                    .arg(beacon.intervals.jitterCv, 0, 'f', 3)
                    .arg(beacon.intervals.intervals);
    else
        html += QStringLiteral("<p>%1.</p>").arg(FindingsModel::noPeriodReason(beacon).toHtmlEscaped());
    html += tr("<p>RITA v5 score (its last 24 hours, %1 connections): %2.</p>")
                .arg(beacon.rita.connections)
                .arg(beacon.rita.computed ? QString::number(beacon.rita.score, 'f', 3)
                        : beacon.rita.strobe
                        ? tr("a strobe — 86,400 connections a day or more, which RITA reports apart and does not score")
                        : tr("not computed (fewer than 4 distinct seconds)"));

    html += tr("<h4>Seed rule: %1</h4>").arg(finding.rule.fires ? tr("fires") : tr("does not fire"));
    if (const std::string reason = droppedReason(finding.rule); !reason.empty())
        html += QStringLiteral("<p>%1</p>").arg(escaped(reason));
    if (const auto& window = finding.rule.window) {
        html += tr("<p>%1 window %2 – %3:</p><table cellspacing='4'>")
                    .arg(finding.rule.fires ? tr("First firing") : tr("Closest"))
                    .arg(QString::fromStdString(formatRfc3339(window->windowStart)),
                        QString::fromStdString(formatRfc3339(window->windowEnd)));
        const auto row = [&](const QString& name, qint64 value, const QString& condition, bool ok) {
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td align='right'>%3</td><td>%4</td></tr>")
                        .arg(mark(ok), name)
                        .arg(value)
                        .arg(condition);
        };
        row(tr("event_count"), window->eventCount, QStringLiteral("≥ %1").arg(rule.minEvents),
            window->eventCount >= rule.minEvents);
        row(tr("hour_buckets"), window->hourBuckets, QStringLiteral("≥ %1").arg(rule.minHourBuckets),
            window->hourBuckets >= rule.minHourBuckets);
        row(tr("avg_bytes_sent"), window->avgBytesSent, QStringLiteral("&lt; %1").arg(rule.maxAvgBytesSent),
            window->avgBytesSent < rule.maxAvgBytesSent);
        row(tr("avg_bytes_received"), window->avgBytesReceived, QStringLiteral("&lt; %1").arg(rule.maxAvgBytesReceived),
            window->avgBytesReceived < rule.maxAvgBytesReceived);
        html += QStringLiteral("</table>");
    }
    const DroppedEvents& dropped = finding.rule.dropped;
    if (dropped.total() > 0)
        html += tr("<p>Dropped before the match section: %1 not NETWORK_CONNECTION, %2 not OUTBOUND, %3 without "
                   "hostname, %4 not matching the regex, %5 without principal IP, %6 without process path.</p>")
                    .arg(dropped.eventType)
                    .arg(dropped.direction)
                    .arg(dropped.noHostname)
                    .arg(dropped.domainMismatch)
                    .arg(dropped.emptySourceIp)
                    .arg(dropped.emptyProcessPath);
    if (triage)
        html += triageHistoryHtml(*triage);
    if (!snapshot.analysis.lint.empty()) {
        html += tr("<h4>Rule lint</h4><ul>");
        for (const LintFinding& lint : snapshot.analysis.lint)
            html += QStringLiteral("<li><i>%1</i>: %2</li>").arg(escaped(lint.severity), escaped(lint.message));
        html += QStringLiteral("</ul>");
    }
    return html;
}

void FlowDetail::setFinding(SnapshotPtr snapshot, const Finding* finding, const TriageState* triage)
{
    m_snapshot = std::move(snapshot);
    m_finding = finding;
    m_eventsModel->setFlow(m_snapshot, finding);
    for (const int column : { FlowEventsModel::Url, FlowEventsModel::UserAgent, FlowEventsModel::ResponseCode })
        m_events->setColumnHidden(column, !m_eventsModel->hasHttp());
    m_events->setColumnHidden(FlowEventsModel::NameFrom, !m_eventsModel->hasJoinedNames());
    m_timeline->setFlow(m_snapshot, finding); // keeps its zoom and selection for the same flow (a tuning re-run)
    showRange(m_timeline->selectionStart(), m_timeline->selectionEnd(), false);
    m_host->setHost(m_snapshot, finding);
    m_raw->clear();
    if (!m_snapshot || !finding) {
        m_why->setHtml(tr("<p>Select a finding to see why it scores and fires.</p>"));
        m_intervals->setSeries({});
        m_gaps->setSeries({});
        m_intervalHeader->clear();
        m_gapHeader->clear();
        return;
    }
    m_why->setHtml(buildWhyHtml(*m_snapshot, *finding, triage));
    GapSeries series = GapSeries::of(m_snapshot->events, m_snapshot->flows, *finding);
    const std::size_t gaps = series.gaps.size();
    m_gaps->setSeries(series);
    m_intervals->setSeries(std::move(series));
    m_intervalHeader->setText(gapSummary(finding->beacon, gaps, m_intervals->beyondRange()));
    m_gapHeader->setText(gapSummary(finding->beacon, gaps, m_gaps->aboveRange()));
}

void FlowDetail::showHidden(const QString& html)
{
    setFinding(m_snapshot, nullptr);
    m_why->setHtml(html);
}

QString FlowDetail::gapSummary(const BeaconScore& beacon, std::size_t gaps, std::uint32_t beyond)
{
    QStringList parts;
    if (FindingsModel::hasPeriod(beacon))
        parts << tr("<b>Period %1</b>").arg(FindingsModel::formatDuration(beacon.period.periodSeconds))
              << tr("confidence %1").arg(beacon.period.confidence, 0, 'f', 2)
              << tr("beat jitter %1").arg(beacon.period.singleBeatCv, 0, 'f', 3);
    else
        parts << tr("<b>No period</b>");
    parts << tr("all-gaps CV %1").arg(beacon.intervals.jitterCv, 0, 'f', 3) << tr("%n gap(s)", nullptr, int(gaps));
    if (beyond > 0)
        parts << tr("%n beyond the axis (log scale shows them)", nullptr, static_cast<int>(beyond));
    return parts.join(QStringLiteral(" · "));
}

QWidget* FlowDetail::hostPage()
{
    // Lanes scroll under a fixed header: the lane order and the shared time axis stay in view.
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* header = new QHBoxLayout();
    header->setContentsMargins(4, 4, 4, 0);
    auto* order = new QComboBox(page);
    order->addItem(tr("Busiest first"));
    order->addItem(tr("Highest score first"));
    order->setToolTip(tr("The order of the host's lanes"));
    auto* hint
        = new QLabel(tr("Wheel scrolls · Ctrl+wheel or +/− zooms · drag pans · ↑/↓ and Return open a lane"), page);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    header->addWidget(order);
    header->addWidget(hint, 1);
    layout->addLayout(header);
    auto* axis = new HostAxis(m_host, page);
    layout->addWidget(axis);
    auto* scroll = new QScrollArea(page);
    scroll->setWidget(m_host);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);
    connect(order, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_host->setLaneOrder(index == 1 ? HostView::LaneOrder::Score : HostView::LaneOrder::Events);
    });
    connect(m_host, &HostView::currentLaneChanged, scroll,
        [scroll](int top, int height) { scroll->ensureVisible(0, top + height / 2, 0, height); });
    return page;
}

QWidget* FlowDetail::chartPage(QWidget* chart, QLabel* header, QCheckBox* logScale)
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* top = new QHBoxLayout();
    header->setWordWrap(true);
    header->setTextFormat(Qt::RichText);
    header->setToolTip(tr("Beat jitter: the spread of single-beat gaps (single_beat_cv). All-gaps CV: every gap, "
                          "nights and missed beats included (jitter_cv, the seed's JitterCoefficient)."));
    logScale->setToolTip(tr("A logarithmic gap axis: long tails (nights, outages) in view"));
    top->addWidget(header, 1);
    top->addWidget(logScale, 0, Qt::AlignTop);
    layout->addLayout(top);
    layout->addWidget(chart, 1);
    return page;
}

void FlowDetail::showRange(TimestampUs start, TimestampUs end, bool openEvents)
{
    m_eventsModel->setRange(start, end);
    m_rangeBanner->setVisible(end > start);
    if (end > start) {
        m_rangeBanner->setText(tr("%n event(s) from %1 to %2 (the range dragged on the timeline) · "
                                  "<a href='all'>Show all events</a>",
            nullptr, m_eventsModel->rowCount())
                                   .arg(compactTime(start).toHtmlEscaped(), compactTime(end).toHtmlEscaped()));
        if (openEvents)
            m_tabs->setCurrentIndex(EventsTab);
    }
}

void FlowDetail::selectEvent(EventIndex event)
{
    if (m_eventsModel->rowOf(event) < 0 && m_eventsModel->hasRange()) {
        m_timeline->clearSelection();
        showRange(0, 0);
    }
    const int row = m_eventsModel->rowOf(event);
    if (row < 0)
        return;
    m_tabs->setCurrentIndex(EventsTab);
    m_events->selectRow(row);
    m_events->scrollTo(m_eventsModel->index(row, 0));
}

void FlowDetail::showRawRecord()
{
    const QModelIndex current = m_events->currentIndex();
    if (!current.isValid()) {
        m_raw->clear();
        return;
    }
    const auto event = static_cast<EventIndex>(current.data(FlowEventsModel::EventRole).toULongLong());
    const QString raw = m_rawRecord ? m_rawRecord(event) : QString();
    m_raw->setPlainText(indentJson(raw));
}

QString FlowDetail::whyHtml() const
{
    return m_why->toHtml();
}
QString FlowDetail::rawRecordText() const
{
    return m_raw->toPlainText();
}

} // namespace cepheid::ui
