#include "flowdetail.h"

#include "hostview.h"
#include "models/findingsmodel.h"
#include "models/floweventsmodel.h"
#include "models/qtext.h"
#include "reports/scorereport.h"
#include "timelineview.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QValueAxis>

namespace cepheid::ui {

namespace {

QString escaped(std::string_view text)
{
    return toQString(text).toHtmlEscaped();
}

QString mark(bool ok)
{
    return ok ? QStringLiteral("✓") : QStringLiteral("✗");
}

// Indents a JSON record without reparsing it: keys keep their order and values their exact text, so the analyst
// sees the record as it was exported. Anything that is not JSON comes back unchanged.
QString indentJson(const QString& text)
{
    if (!text.startsWith(u'{') && !text.startsWith(u'['))
        return text;
    QString out;
    out.reserve(text.size() * 2);
    int depth = 0;
    bool inString = false, escaped = false;
    auto newline = [&] { out += u'\n' + QString(depth * 2, u' '); };
    for (const QChar c : text) {
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == u'\\')
                escaped = true;
            else if (c == u'"')
                inString = false;
            continue;
        }
        if (c == u'"') {
            inString = true;
            out += c;
        } else if (c == u'{' || c == u'[') {
            out += c;
            ++depth;
            newline();
        } else if (c == u'}' || c == u']') {
            depth = std::max(0, depth - 1);
            newline();
            out += c;
        } else if (c == u',') {
            out += c;
            newline();
        } else if (c == u':') {
            out += QStringLiteral(": ");
        } else if (!c.isSpace()) {
            out += c;
        }
    }
    return out;
}

} // namespace

FlowDetail::FlowDetail(RawRecordLookup rawRecord, QWidget* parent)
    : QWidget(parent)
    , m_rawRecord(std::move(rawRecord))
    , m_tabs(new QTabWidget(this))
    , m_why(new QTextBrowser(this))
    , m_chart(new QChartView(this))
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
    m_tabs->addTab(m_why, tr("&Why"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_tabs->addTab(m_chart, tr("&Intervals"));
    auto* split = new QSplitter(Qt::Vertical, this);
    m_events->setModel(m_eventsModel);
    m_events->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_events->setSelectionMode(QAbstractItemView::SingleSelection);
    m_events->verticalHeader()->hide();
    m_events->setWordWrap(false);
    m_events->verticalHeader()->setDefaultSectionSize(m_events->fontMetrics().height() + 8);
    m_events->horizontalHeader()->setStretchLastSection(true);
    m_raw->setReadOnly(true);
    m_raw->setPlaceholderText(tr("Select an event to see its original record."));
    m_raw->setFont(QFont(QStringLiteral("monospace")));
    split->addWidget(m_events);
    split->addWidget(m_raw);
    m_tabs->addTab(split, tr("&Events"));
    m_tabs->addTab(m_timeline, tr("&Timeline"));
    auto* hostScroll = new QScrollArea(this);
    hostScroll->setWidget(m_host);
    hostScroll->setWidgetResizable(true);
    m_tabs->addTab(hostScroll, tr("&Host"));
    connect(m_events->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &FlowDetail::showRawRecord);
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
                    key.processPath == kEmptyString ? tr("(no process path)") : escaped(events.text(key.processPath)),
                    finding.platform.empty() ? tr("matched by the rule's regex only") : escaped(finding.platform));
    html += QStringLiteral("<h4>Beacon score %1 — %2</h4>")
                .arg(QString::number(beacon.score, 'f', 1), escaped(verdictName(beacon.verdict)));
    html += QStringLiteral("<table cellspacing='4'>");
    for (const ScoreComponent& component : beacon.components) {
        const int width = static_cast<int>(std::abs(component.contribution) * 2);
        const QString colour = component.contribution < 0 ? QStringLiteral("#c0392b") : QStringLiteral("#2e86c1");
        html += QStringLiteral("<tr><td><b>%1</b></td><td align='right'>%2</td><td><table cellspacing='0' "
                               "cellpadding='0'><tr><td width='%3' bgcolor='%4'>&nbsp;</td></tr></table></td>"
                               "<td align='right'>%5</td><td>%6</td></tr>")
                    .arg(escaped(component.name),
                        component.value ? QString::number(*component.value, 'f', 2) : tr("absent"))
                    .arg(std::max(width, 1))
                    .arg(colour, QString::number(component.contribution, 'f', 1), escaped(component.explanation));
    }
    html += QStringLiteral("</table>");
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
    if (beacon.period.found)
        html += tr("<p>Period %1 (confidence %2), jitter coefficient %3, %4 gaps.</p>")
                    .arg(FindingsModel::formatDuration(beacon.period.periodSeconds))
                    .arg(beacon.period.confidence, 0, 'f', 2)
                    .arg(beacon.intervals.jitterCv, 0, 'f', 3)
                    .arg(beacon.intervals.intervals);
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
    if (triage) {
        html += tr("<h4>Triage: %1</h4>").arg(escaped(triage->status));
        html += QStringLiteral("<table cellspacing='4'>");
        for (const TriageChange& change : triage->history)
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                        .arg(escaped(change.at),
                            change.fromStatus == change.status
                                ? escaped(change.status)
                                : QStringLiteral("%1 → %2").arg(escaped(change.fromStatus), escaped(change.status)),
                            escaped(change.analyst), escaped(change.notes).replace(u'\n', QStringLiteral("<br>")));
        html += QStringLiteral("</table>");
    }
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
    m_timeline->setFlow(m_snapshot, finding);
    m_host->setHost(m_snapshot, finding);
    m_raw->clear();
    if (!m_snapshot || !finding) {
        m_why->setHtml(tr("<p>Select a finding to see why it scores and fires.</p>"));
        replaceChart(new QChart());
        return;
    }
    m_why->setHtml(buildWhyHtml(*m_snapshot, *finding, triage));
    showHistogram();
}

void FlowDetail::showHistogram()
{
    auto* chart = new QChart();
    const BeaconScore& beacon = m_finding->beacon;
    std::vector<const IntervalBin*> bins;
    for (const IntervalBin& bin : beacon.intervals.histogram)
        if (bin.count > 0 || !bins.empty())
            bins.push_back(&bin);
    while (!bins.empty() && bins.back()->count == 0)
        bins.pop_back();
    auto* set = new QBarSet(tr("gaps"));
    QStringList categories;
    int tallest = 0;
    for (const IntervalBin* bin : bins) {
        *set << bin->count;
        tallest = std::max<int>(tallest, static_cast<int>(bin->count));
        categories << FindingsModel::formatDuration(bin->upperSeconds);
    }
    // The bins that hold the period and its multiples (missed beats) are highlighted.
    set->setSelectedColor(QColor(243, 156, 18));
    if (beacon.period.found)
        for (std::size_t index = 0; index < bins.size(); ++index)
            for (int multiple = 1; multiple <= 4; ++multiple) {
                const double gap = multiple * beacon.period.periodSeconds;
                if (gap >= bins[index]->lowerSeconds && gap < bins[index]->upperSeconds)
                    set->selectBar(static_cast<int>(index));
            }
    auto* series = new QBarSeries();
    series->append(set);
    chart->addSeries(series);
    auto* axisX = new QBarCategoryAxis();
    axisX->append(categories);
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    auto* axisY = new QValueAxis();
    axisY->setRange(0, std::max(1, tallest));
    axisY->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    chart->legend()->hide();
    chart->setTitle(beacon.period.found ? tr("Gaps between check-ins (upper bin edge) — period %1 and its multiples in "
                                             "orange, jitter %2 (all gaps: %3)")
                                              .arg(FindingsModel::formatDuration(beacon.period.periodSeconds))
                                              .arg(beacon.period.singleBeatCv, 0, 'f', 3)
                                              .arg(beacon.intervals.jitterCv, 0, 'f', 3)
                                        : tr("Gaps between check-ins — no period"));
    // A click on a bar opens the events and selects the one that ends the bar's first gap.
    connect(set, &QBarSet::clicked, this, [this, bins](int index) {
        if (index >= 0 && index < static_cast<int>(bins.size()) && bins[static_cast<std::size_t>(index)]->count > 0)
            selectEvent(bins[static_cast<std::size_t>(index)]->firstEvent);
    });
    replaceChart(chart);
}

void FlowDetail::replaceChart(QChart* chart)
{
    // QChartView::setChart releases the previous chart without deleting it.
    QChart* previous = m_chart->chart();
    m_chart->setChart(chart);
    delete previous;
}

void FlowDetail::selectEvent(EventIndex event)
{
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
