#include "changedetail.h"

#include "model/pathname.h"
#include "models/changetext.h"
#include "models/qtext.h"
#include "models/recordtext.h"
#include "models/tablecopy.h"
#include "models/timetext.h"
#include "tablesetup.h"
#include "triage/triagetext.h"

#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace cepheid::ui {

namespace {

QString escaped(std::string_view text)
{
    return toDisplayText(text).toHtmlEscaped();
}

QString joined(const std::vector<std::string>& values)
{
    QStringList texts;
    for (const std::string& value : values)
        texts << escaped(value);
    return texts.join(QStringLiteral(", "));
}

// A read-only table of rows the analyst picks from (calls, linked flows): whole rows, Tab leaves it, Ctrl+C copies.
QTableWidget* pickTable(const QStringList& headers, QWidget* parent)
{
    auto* table = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    setUpRowTable(table, {});
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    installRowCopy(table);
    return table;
}

QTableWidgetItem* cell(const QString& text, const QString& toolTip = {})
{
    auto* item = new QTableWidgetItem(text);
    item->setToolTip(toolTip);
    return item;
}

} // namespace

ChangeDetail::ChangeDetail(RawRecordLookup rawRecord, QWidget* parent)
    : QWidget(parent)
    , m_rawRecord(std::move(rawRecord))
    , m_tabs(new QTabWidget(this))
    , m_summary(new QTextBrowser(this))
    , m_linksHeader(new QLabel(this))
    , m_links(pickTable(
          { tr("Host"), tr("Process"), tr("The change came"), tr("Score"), tr("Destination"), tr("First seen") }, this))
    , m_showFlow(new QPushButton(tr("Sho&w Flow"), this))
    , m_triage(new QPushButton(tr("Set Triag&e…"), this))
    , m_calls(
          pickTable({ tr("Time"), tr("Method"), tr("Action"), tr("Source IP"), tr("Result"), tr("User agent") }, this))
    , m_raw(new QPlainTextEdit(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
    m_tabs->addTab(summaryPage(), tr("S&ummary"));
    m_tabs->addTab(callsPage(), tr("Ca&lls"));
    setChange(nullptr, -1);
}

QWidget* ChangeDetail::summaryPage()
{
    // The summary reads top to bottom; the linked flows stay in view below it, one key or click from the findings.
    auto* split = new QSplitter(Qt::Vertical, this);
    m_summary->setOpenLinks(false);
    m_summary->setTabChangesFocus(true);
    split->addWidget(m_summary);
    auto* linksPane = new QWidget(split);
    auto* linksLayout = new QVBoxLayout(linksPane);
    linksLayout->setContentsMargins(4, 4, 4, 4);
    m_linksHeader->setWordWrap(true);
    linksLayout->addWidget(m_linksHeader);
    linksLayout->addWidget(m_links, 1);
    m_links->setToolTip(tr("Enter or a double-click shows the flow in the findings"));
    auto* buttons = new QHBoxLayout();
    m_showFlow->setToolTip(tr("Select this flow in the findings table and show it (Enter)"));
    m_triage->setToolTip(tr("Set the change's triage status and notes (Ctrl+T)"));
    buttons->addWidget(m_showFlow);
    buttons->addWidget(m_triage);
    buttons->addStretch();
    linksLayout->addLayout(buttons);
    split->addWidget(linksPane);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    connect(m_links, &QTableWidget::activated, this, &ChangeDetail::activateChosenFlow);
    connect(m_showFlow, &QPushButton::clicked, this, &ChangeDetail::activateChosenFlow);
    connect(m_triage, &QPushButton::clicked, this, &ChangeDetail::triageRequested);
    return split;
}

QWidget* ChangeDetail::callsPage()
{
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_calls);
    m_raw->setReadOnly(true);
    m_raw->setTabChangesFocus(true);
    m_raw->setPlaceholderText(tr("Select a call to see its original audit record."));
    m_raw->setFont(QFont(QStringLiteral("monospace")));
    split->addWidget(m_raw);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2); // the record is what the analyst reads
    split->setChildrenCollapsible(false);
    connect(m_calls, &QTableWidget::currentCellChanged, this, &ChangeDetail::showRawRecord);
    return split;
}

QString ChangeDetail::buildSummaryHtml(const Snapshot& snapshot, const ChangeFinding& change, const TriageState* triage)
{
    const Profile& profile = snapshot.profile;
    const AllowlistEntry* entry = changeAllowlistEntry(change, profile);
    QString html = QStringLiteral("<h3>%1</h3>").arg(resourceText(change).toHtmlEscaped());
    const QColor tint = severityTint(QGuiApplication::palette(), change.severity);
    html += tr("<p><span style='background-color:%1'>&nbsp;<b>%2</b>&nbsp;</span> %3 points · %4 · triage: %5</p>")
                .arg(tint.name(), severityText(change.severity).toHtmlEscaped())
                .arg(change.points, 0, 'f', 0)
                .arg(entry                ? tr("allowlisted, does not alert")
                        : change.alerting ? tr("<b>alerts</b>")
                                          : tr("does not alert (low)"),
                    triage ? escaped(triage->status) : QStringLiteral("new"));

    // Who, from where, what and when: a label column and the facts beside it, the labels never wrapping.
    const auto row = [&html](const QString& label, const QString& value) {
        html += QStringLiteral("<tr><td style='white-space:nowrap; padding-right:8px'><b>%1</b></td><td>%2</td></tr>")
                    .arg(label, value);
    };
    html += QStringLiteral("<table cellspacing='2'>");
    QString who = change.actor.empty() ? tr("(the record names no caller)") : escaped(change.actor);
    if (!change.actorType.empty())
        who += QStringLiteral(" (%1)").arg(escaped(change.actorType));
    row(tr("Who"), who);
    QStringList ips;
    for (const std::string& ip : change.sourceIps) {
        const bool host
            = std::find(change.caseHostIps.begin(), change.caseHostIps.end(), ip) != change.caseHostIps.end();
        ips << (host ? tr("%1 — <b>seen in the case's network events</b> (a host this case has telemetry for)")
                           .arg(escaped(ip))
                     : tr("%1 — not a host of the case's network events").arg(escaped(ip)));
    }
    row(tr("From"), ips.isEmpty() ? tr("(the records give no source address)") : ips.join(QStringLiteral("<br>")));
    if (!change.userAgents.empty())
        row(tr("Client"), joined(change.userAgents));
    row(tr("What"), tr("%1 on %2").arg(actionsText(change).toHtmlEscaped(), escaped(change.resource)));
    if (!change.exposure.empty())
        row(tr("Public"), escaped(change.exposure));
    row(tr("Endpoints"), change.endpoints.empty() ? tr("none known from the records") : joined(change.endpoints));
    row(tr("Account"),
        tr("%1 · region %2")
            .arg(change.account.empty() ? tr("—") : escaped(change.account),
                change.region.empty() ? tr("—") : escaped(change.region)));
    if (change.failedCalls > 0)
        row(tr("Refused"),
            tr("%n call(s) by this caller shortly before or during the change", nullptr,
                static_cast<int>(change.failedCalls)));
    row(tr("When"),
        change.last == change.first ? fullTime(change.first)
                                    : tr("%1 to %2").arg(fullTime(change.first), fullTime(change.last)));
    row(tr("Calls"),
        tr("%n audit record(s): the Calls tab shows each with its original record", nullptr,
            static_cast<int>(change.events.size())));
    html += QStringLiteral("</table>");

    html += tr("<h4>Severity: %1, %2 points</h4>")
                .arg(severityText(change.severity).toHtmlEscaped())
                .arg(change.points, 0, 'f', 0);
    if (change.hits.empty())
        html += tr("<p>No signal raised.</p>");
    for (const ChangeSignalHit& hit : change.hits)
        html += QStringLiteral("<p style='margin-bottom:0'><b>%1</b> +%2</p>"
                               "<p style='margin-top:0; margin-left:16px'>%3</p>")
                    .arg(signalText(hit.signal).toHtmlEscaped())
                    .arg(hit.points, 0, 'f', 0)
                    .arg(escaped(hit.explanation));
    html += tr("<p><i>Medium from %1 points, high from %2, capped at 100: the profile's cloud weights and "
               "thresholds.</i></p>")
                .arg(profile.cloud.mediumAt, 0, 'f', 0)
                .arg(profile.cloud.highAt, 0, 'f', 0);
    if (entry) {
        html += tr("<h4>Allowlisted</h4><p>Cleared by the entry <b>%1</b>: %2")
                    .arg(escaped(entry->id), escaped(entry->reason));
        if (!entry->author.empty())
            html += tr(" (by %1)").arg(escaped(entry->author));
        if (!entry->expires.empty())
            html += tr("; it expires %1").arg(escaped(entry->expires));
        html += QStringLiteral("</p>");
    }
    if (triage)
        html += triageHistoryHtml(*triage);
    return html;
}

void ChangeDetail::setChange(SnapshotPtr snapshot, int changeIndex, const TriageState* triage)
{
    // The same change again (a re-analysis, a triage edit) keeps the call and the linked flow the analyst chose.
    const ChangeFinding* previous = m_snapshot && m_changeIndex >= 0
        ? &m_snapshot->cloud.changes[static_cast<std::size_t>(m_changeIndex)]
        : nullptr;
    m_snapshot = std::move(snapshot);
    m_changeIndex = m_snapshot && changeIndex >= 0 && changeIndex < static_cast<int>(m_snapshot->cloud.changes.size())
        ? changeIndex
        : -1;
    const ChangeFinding* change
        = m_changeIndex >= 0 ? &m_snapshot->cloud.changes[static_cast<std::size_t>(m_changeIndex)] : nullptr;
    const bool same = previous && change && changeTriageKey(*previous) == changeTriageKey(*change);
    const int callRow = same ? m_calls->currentRow() : 0;
    const int linkRow = same ? m_links->currentRow() : 0;
    m_showFlow->setEnabled(change && !change->links.empty());
    m_triage->setEnabled(change != nullptr);
    if (!change) {
        m_summary->setHtml(tr("<p>Select a change to see who made it, from where, what it did and the flows that "
                              "reach the function.</p>"));
        m_linksHeader->clear();
        m_links->setRowCount(0);
        m_calls->setRowCount(0);
        m_raw->clear();
        return;
    }
    m_summary->setHtml(buildSummaryHtml(*m_snapshot, *change, triage));
    fillLinks(*change);
    fillCalls(*change);
    if (m_links->rowCount() > 0)
        chooseRow(m_links, std::clamp(linkRow, 0, m_links->rowCount() - 1));
    if (m_calls->rowCount() > 0)
        chooseRow(m_calls, std::clamp(callRow, 0, m_calls->rowCount() - 1));
    showRawRecord();
}

void ChangeDetail::fillLinks(const ChangeFinding& change)
{
    const EventTable& events = m_snapshot->events;
    m_linksHeader->setText(change.links.empty()
            ? tr("<b>Linked flows</b>: none — no flow of the case reaches %1.")
                  .arg(change.endpoints.empty() ? tr("the function") : joined(change.endpoints))
            : tr("<b>Linked flows (%1)</b> — the hosts that reach the function. Enter, a double-click or Show Flow "
                 "opens one in the findings.")
                  .arg(change.links.size()));
    m_linksHeader->setTextFormat(Qt::RichText);
    m_links->setRowCount(static_cast<int>(change.links.size()));
    for (int row = 0; row < static_cast<int>(change.links.size()); ++row) {
        const ChangeLink& link = change.links[static_cast<std::size_t>(row)];
        const FlowKey& key = m_snapshot->flows.flow(link.flowIndex).key;
        const Finding* finding = findingOfFlow(m_snapshot->analysis, link.flowIndex);
        auto* host = cell(toDisplayText(events.text(key.sourceIp)));
        host->setData(Qt::UserRole, static_cast<qulonglong>(link.flowIndex));
        m_links->setItem(row, 0, host);
        m_links->setItem(row, 1,
            cell(key.processPath == kEmptyString ? tr("(no process)")
                                                 : toDisplayText(fileNameOf(events.text(key.processPath))),
                toDisplayText(events.text(key.processPath))));
        m_links->setItem(row, 2, cell(relationText(change, link)));
        m_links->setItem(row, 3,
            cell(finding ? tr("%1 %2%3").arg(QString::number(finding->beacon.score, 'f', 1),
                     toQString(verdictName(finding->beacon.verdict)), link.alerting ? tr(", alerts") : QString())
                         : tr("not scored"),
                finding ? QString() : tr("The destination matches no catalog pattern, so it is not a finding")));
        m_links->setItem(row, 4,
            cell(toDisplayText(events.text(key.destination)),
                link.exact ? tr("Matches the endpoint %1").arg(toDisplayText(link.endpoint))
                           : tr("Matches the pattern %1 (the records do not give the full name)")
                                 .arg(toDisplayText(link.endpoint))));
        m_links->setItem(row, 5, cell(compactTime(link.firstSeen), fullTime(link.firstSeen)));
    }
    m_links->resizeColumnsToContents();
}

void ChangeDetail::fillCalls(const ChangeFinding& change)
{
    const EventTable& events = m_snapshot->events;
    m_calls->setRowCount(static_cast<int>(change.events.size()));
    for (int row = 0; row < static_cast<int>(change.events.size()); ++row) {
        const EventIndex event = change.events[static_cast<std::size_t>(row)];
        const CloudDetails* details = events.cloud(event);
        auto* time = cell(compactTime(events.timestamp(event)), fullTime(events.timestamp(event)));
        time->setData(Qt::UserRole, static_cast<qulonglong>(event));
        m_calls->setItem(row, 0, time);
        m_calls->setItem(row, 1, cell(toDisplayText(events.text(events.eventType(event)))));
        m_calls->setItem(row, 2, cell(details ? actionText(details->action) : QString()));
        const auto ips = events.principalIps(event);
        m_calls->setItem(row, 3, cell(ips.empty() ? tr("—") : toDisplayText(events.text(ips.front()))));
        const bool failed = details && details->failed;
        m_calls->setItem(row, 4,
            cell(failed ? tr("refused: %1")
                              .arg(details->errorCode == kEmptyString ? tr("(no code)")
                                                                      : toDisplayText(events.text(details->errorCode)))
                        : tr("ok")));
        m_calls->setItem(row, 5, cell(details ? toDisplayText(events.text(details->userAgent)) : QString()));
    }
    m_calls->resizeColumnsToContents();
}

void ChangeDetail::showRawRecord()
{
    const QTableWidgetItem* time = m_calls->currentRow() >= 0 ? m_calls->item(m_calls->currentRow(), 0) : nullptr;
    if (!time) {
        m_raw->clear();
        return;
    }
    const auto event = static_cast<EventIndex>(time->data(Qt::UserRole).toULongLong());
    m_raw->setPlainText(indentJson(m_rawRecord ? m_rawRecord(event) : QString()));
}

std::int64_t ChangeDetail::chosenFlow() const
{
    const int row = m_links->currentRow() >= 0 ? m_links->currentRow() : 0;
    const QTableWidgetItem* host = row < m_links->rowCount() ? m_links->item(row, 0) : nullptr;
    return host ? static_cast<std::int64_t>(host->data(Qt::UserRole).toULongLong()) : -1;
}

void ChangeDetail::activateChosenFlow()
{
    if (const std::int64_t flow = chosenFlow(); flow >= 0)
        emit flowActivated(static_cast<std::uint32_t>(flow));
}

QString ChangeDetail::summaryHtml() const
{
    return m_summary->toHtml();
}

QString ChangeDetail::rawRecordText() const
{
    return m_raw->toPlainText();
}

} // namespace cepheid::ui
