#include "findingsmodel.h"

#include "changetext.h"
#include "charts/chartcolors.h"
#include "model/pathname.h"
#include "plaintooltip.h"
#include "qtext.h"
#include "timetext.h"
#include "triage/triagetext.h"
#include "util/durationtext.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>

namespace cepheid::ui {

namespace {

// Network sensors (Zeek) see no process; neither do UDM events that leave it out.
QString noProcessExplanation()
{
    return FindingsModel::tr(
        "No process: the telemetry names none (network sensors such as Zeek see no process). The seed rule reads "
        "the empty $proc_path as a zero value and drops these events, as Chronicle does, so it never fires on this "
        "flow; the beacon score still rates it.");
}

} // namespace

FindingsModel::FindingsModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void FindingsModel::setSnapshot(SnapshotPtr snapshot)
{
    const auto sameRows = [](const SnapshotPtr& a, const SnapshotPtr& b) {
        if (!a || !b || a->data != b->data || a->analysis.findings.size() != b->analysis.findings.size())
            return false;
        return std::equal(a->analysis.findings.begin(), a->analysis.findings.end(), b->analysis.findings.begin(),
            [](const Finding& x, const Finding& y) { return x.flowIndex == y.flowIndex; });
    };
    if (sameRows(m_snapshot, snapshot)) {
        m_snapshot = std::move(snapshot);
        m_triage = m_snapshot->triage;
        computeChanges();
        computeRowKeys();
        if (rowCount() > 0)
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_snapshot = std::move(snapshot);
    m_triage = m_snapshot ? m_snapshot->triage : TriageMap {};
    computeActivity();
    computeChanges();
    computeRowKeys();
    endResetModel();
}

void FindingsModel::computeChanges()
{
    m_change.assign(m_snapshot ? m_snapshot->analysis.findings.size() : 0, 0);
    if (!m_snapshot)
        return;
    const auto contains = [](const std::vector<std::uint32_t>& sorted, std::uint32_t flow) {
        return std::binary_search(sorted.begin(), sorted.end(), flow);
    };
    for (std::size_t row = 0; row < m_change.size(); ++row) {
        const std::uint32_t flow = m_snapshot->analysis.findings[row].flowIndex;
        if (contains(m_snapshot->added, flow))
            m_change[row] = 1;
        else if (contains(m_snapshot->removed, flow))
            m_change[row] = -1;
    }
}

void FindingsModel::computeRowKeys()
{
    m_rowKeys.clear();
    if (!m_snapshot)
        return;
    const EventTable& events = m_snapshot->events;
    m_rowKeys.reserve(m_snapshot->analysis.findings.size());
    for (const Finding& finding : m_snapshot->analysis.findings) {
        const FlowKey& key = m_snapshot->flows.flow(finding.flowIndex).key;
        RowKeys row;
        row.host = toQString(events.text(key.sourceIp));
        row.destination = toQString(events.text(key.destination));
        row.process = toQString(fileNameOf(events.text(key.processPath))).toLower();
        const auto it = m_triage.find({ std::string(events.text(key.sourceIp)),
            std::string(events.text(key.destination)), std::string(events.text(key.processPath)) });
        row.triage = it == m_triage.end() ? nullptr : &it->second;
        row.triageStatus = row.triage ? QString::fromStdString(row.triage->status) : QStringLiteral("new");
        // Flows rarely mix more than a few files: a sorted list is enough for the source filter.
        for (EventIndex event : m_snapshot->flows.events(m_snapshot->flows.flow(finding.flowIndex))) {
            const int source = events.source(event).fileIndex;
            const auto at = std::lower_bound(row.sources.begin(), row.sources.end(), source);
            if (at == row.sources.end() || *at != source)
                row.sources.insert(at, source);
        }
        m_rowKeys.push_back(std::move(row));
    }
}

void FindingsModel::computeActivity()
{
    m_activity.clear();
    if (m_snapshot && !m_snapshot->analysis.findings.empty()) {
        const auto& findings = m_snapshot->analysis.findings;
        TimestampUs first = findings.front().firstSeen, last = first + 1;
        for (const Finding& f : findings) {
            first = std::min(first, f.firstSeen);
            last = std::max(last, f.lastSeen + 1);
        }
        m_activity.assign(findings.size() * kActivityBuckets, 0);
        const double bucketWidth = static_cast<double>(last - first) / kActivityBuckets;
        for (std::size_t row = 0; row < findings.size(); ++row)
            for (EventIndex event : m_snapshot->flows.events(m_snapshot->flows.flow(findings[row].flowIndex))) {
                const auto offset = static_cast<double>(m_snapshot->events.timestamp(event) - first) / bucketWidth;
                const auto bucket = std::min<std::size_t>(kActivityBuckets - 1, static_cast<std::size_t>(offset));
                std::uint16_t& count = m_activity[row * kActivityBuckets + bucket];
                count = static_cast<std::uint16_t>(std::min<int>(count + 1, 65535));
            }
    }
}

std::span<const std::uint16_t> FindingsModel::activity(int row) const
{
    if (row < 0 || static_cast<std::size_t>(row + 1) * kActivityBuckets > m_activity.size())
        return {};
    return { m_activity.data() + static_cast<std::size_t>(row) * kActivityBuckets, kActivityBuckets };
}

const Finding* FindingsModel::finding(const QModelIndex& index) const
{
    if (!m_snapshot || !index.isValid() || index.row() >= rowCount())
        return nullptr;
    return &m_snapshot->analysis.findings[static_cast<std::size_t>(index.row())];
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_snapshot ? 0 : static_cast<int>(m_snapshot->analysis.findings.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString FindingsModel::formatDuration(double seconds)
{
    return QString::fromStdString(durationText(seconds));
}

QColor FindingsModel::changeTint(const QPalette& palette, int change)
{
    // Amber: alerts only under the working profile; green: no longer alerts. Blended into the palette's base so the
    // palette's text keeps its contrast in light and dark themes.
    return tintFor(palette, change > 0 ? QColor(243, 156, 18) : QColor(39, 174, 96));
}

bool FindingsModel::hasPeriod(const BeaconScore& beacon)
{
    return hasConfidentPeriod(beacon);
}

QString FindingsModel::noPeriodReason(const BeaconScore& beacon)
{
    if (beacon.intervals.intervals < 3)
        return tr("No period: %n gap(s) between check-ins, too few to measure", nullptr,
            static_cast<int>(beacon.intervals.intervals));
    if (!beacon.period.found)
        return tr("No period: no gap length recurs among the %1 gaps").arg(beacon.intervals.intervals);
    return tr("No period: the most common gap, %1, recurs without regularity (beat jitter %2, floor ratio %3, "
              "%4 % of gaps explained), so its confidence is 0")
        .arg(formatDuration(beacon.period.periodSeconds))
        .arg(beacon.period.singleBeatCvBound, 0, 'f', 2)
        .arg(beacon.period.floorRatio, 0, 'f', 2)
        .arg(beacon.period.harmonicFraction * 100, 0, 'f', 0);
}

QString FindingsModel::checkInRule(const CheckInSummary& checkIns)
{
    return checkIns.twoScale ? tr("connections up to %1 apart are one check-in (the flow's gaps fall into two "
                                  "clusters: bursts, and the time between them)")
                                   .arg(formatDuration(checkIns.longestInnerGapSeconds))
                             : tr("connections less than a second apart are one check-in");
}

std::tuple<std::string, std::string, std::string> FindingsModel::flowKey(int row) const
{
    const FlowKey& key
        = m_snapshot->flows.flow(m_snapshot->analysis.findings[static_cast<std::size_t>(row)].flowIndex).key;
    return { std::string(m_snapshot->events.text(key.sourceIp)), std::string(m_snapshot->events.text(key.destination)),
        std::string(m_snapshot->events.text(key.processPath)) };
}

void FindingsModel::setTriage(TriageMap triage)
{
    m_triage = std::move(triage);
    computeRowKeys();
    if (rowCount() > 0)
        emit dataChanged(index(0, Triage), index(rowCount() - 1, Triage));
}

const TriageState* FindingsModel::triageState(int row) const
{
    if (!m_snapshot || row < 0 || row >= rowCount())
        return nullptr;
    return m_rowKeys[static_cast<std::size_t>(row)].triage;
}

const TriageState* FindingsModel::triageState(const TriageKey& key) const
{
    const auto it = m_triage.find(key);
    return it == m_triage.end() ? nullptr : &it->second;
}

QString FindingsModel::triageStatus(const Finding& finding) const
{
    return m_rowKeys[static_cast<std::size_t>(&finding - m_snapshot->analysis.findings.data())].triageStatus;
}

int FindingsModel::mostSevereChange(const Finding& finding) const
{
    const std::vector<std::uint32_t>* linked = m_snapshot->cloud.changesOf(finding.flowIndex);
    if (!linked || linked->empty())
        return -1;
    const auto& changes = m_snapshot->cloud.changes;
    return static_cast<int>(*std::max_element(linked->begin(), linked->end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::pair(changes[a].severity, changes[a].points) < std::pair(changes[b].severity, changes[b].points);
    }));
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    if (role == Qt::ToolTipRole)
        return plainToolTip(unescapedData(index, role).toString());
    return unescapedData(index, role);
}

QVariant FindingsModel::unescapedData(const QModelIndex& index, int role) const
{
    const Finding* f = finding(index);
    if (!f)
        return {};
    const EventTable& events = m_snapshot->events;
    const FlowKey& key = m_snapshot->flows.flow(f->flowIndex).key;
    const BeaconScore& beacon = f->beacon;
    const cepheid::Verdict alert = m_snapshot->profile.score.alertVerdict;
    switch (role) {
    case FindingRole:
        return index.row();
    case VerdictRole:
        return static_cast<int>(beacon.verdict);
    case FiresRole:
        return f->rule.fires;
    case DisagreeRole:
        return f->ruleAndScoreDisagree(alert);
    case PlatformRole:
        return QString::fromStdString(f->platform);
    case SourcesRole:
        return QVariant::fromValue(m_rowKeys[static_cast<std::size_t>(index.row())].sources);
    case TriageRole:
        return triageStatus(*f);
    case AllowlistedRole:
        return f->allowlistEntry >= 0;
    case ChangeRole:
        return int(m_change[static_cast<std::size_t>(index.row())]);
    case SearchTextRole: {
        QString hosts;
        for (std::string_view host : f->hostnames)
            hosts += toQString(host) + u' ';
        return QString(hosts + toQString(events.text(key.sourceIp)) + u' ' + toQString(events.text(key.destination))
            + u' ' + toQString(events.text(key.processPath)) + u' ' + QString::fromStdString(f->platform));
    }
    default:
        break;
    }

    const int column = index.column();
    if (role == SortRole) {
        switch (column) {
        case Verdict:
        case Score:
            return beacon.score;
        case Rule:
            return f->rule.fires ? 1 : 0;
        case Cloud: {
            const int change = mostSevereChange(*f);
            return change < 0
                ? -1.0
                : static_cast<int>(m_snapshot->cloud.changes[static_cast<std::size_t>(change)].severity) * 1000.0
                    + m_snapshot->cloud.changes[static_cast<std::size_t>(change)].points;
        }
        case Host:
            return m_rowKeys[static_cast<std::size_t>(index.row())].host;
        case Destination:
            return m_rowKeys[static_cast<std::size_t>(index.row())].destination;
        case Process:
            return m_rowKeys[static_cast<std::size_t>(index.row())].process;
        case Events:
            return f->events;
        case Period:
            return hasPeriod(beacon) ? beacon.period.periodSeconds : -1.0;
        case Jitter:
            return hasPeriod(beacon) ? beacon.period.singleBeatCv : -1.0;
        case FirstSeen:
            return qint64(f->firstSeen);
        case LastSeen:
            return qint64(f->lastSeen);
        case Triage:
            return triageStatus(*f);
        case Change:
            return int(m_change[static_cast<std::size_t>(index.row())]);
        }
        return {};
    }
    const int change = m_change[static_cast<std::size_t>(index.row())];
    const bool allowlisted = f->allowlistEntry >= 0;
    // Allowlisted rows (shown only on request) are greyed and italic; rows the tuning changed are tinted, and the
    // Change column says the same in words.
    if (role == Qt::ForegroundRole && allowlisted)
        return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    if (role == Qt::ForegroundRole && column == Process && key.processPath == kEmptyString)
        return QGuiApplication::palette().brush(QPalette::PlaceholderText);
    if (role == Qt::FontRole && allowlisted) {
        QFont font;
        font.setItalic(true);
        return font;
    }
    if (role == Qt::BackgroundRole && column == Cloud && !allowlisted) {
        const int linked = mostSevereChange(*f);
        if (linked >= 0)
            return QBrush(severityTint(
                QGuiApplication::palette(), m_snapshot->cloud.changes[static_cast<std::size_t>(linked)].severity));
    }
    if (role == Qt::BackgroundRole && change != 0)
        return QBrush(changeTint(QGuiApplication::palette(), change));
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Verdict:
            return beacon.localOnlyNetwork.empty() ? toQString(verdictName(beacon.verdict)) : tr("local");
        case Score:
            return QString::number(beacon.score, 'f', 1);
        case Rule:
            return f->rule.fires ? tr("fires") : (f->rule.eligibleEvents == 0 ? tr("cannot fire") : tr("—"));
        case Cloud: {
            const int linked = mostSevereChange(*f);
            return linked < 0 ? QString()
                              : severityText(m_snapshot->cloud.changes[static_cast<std::size_t>(linked)].severity);
        }
        case Host:
            return f->hostnames.empty() ? toDisplayText(events.text(key.sourceIp))
                                        : toDisplayText(f->hostnames.front()) + QStringLiteral(" (")
                    + toDisplayText(events.text(key.sourceIp)) + u')';
        case Destination:
            return toDisplayText(events.text(key.destination));
        case Process:
            return key.processPath == kEmptyString ? tr("(no process)")
                                                   : toDisplayText(fileNameOf(events.text(key.processPath)));
        case Events:
            return f->events;
        case Period:
            if (!hasPeriod(beacon))
                return QStringLiteral("—");
            // Check-ins of several connections show how many: "2.0 min ×2".
            return beacon.checkIns.meanConnections >= 1.5
                ? formatDuration(beacon.period.periodSeconds) + QStringLiteral(" ×")
                    + QString::number(
                        beacon.checkIns.meanConnections, 'f', beacon.checkIns.meanConnections < 10 ? 1 : 0)
                : formatDuration(beacon.period.periodSeconds);
        case Jitter:
            return hasPeriod(beacon) ? QString::number(beacon.period.singleBeatCv, 'f', 3) : QStringLiteral("—");
        case FirstSeen:
            return compactTime(f->firstSeen);
        case LastSeen:
            return compactTime(f->lastSeen);
        case Triage:
            return triageStatus(*f);
        case Change:
            return change > 0 ? tr("new alert") : change < 0 ? tr("no longer alerts") : QString();
        }
    }
    if (role == Qt::ToolTipRole && column != Triage && column != Cloud)
        if (const AllowlistEntry* entry = allowlistEntryOf(*f, m_snapshot->profile))
            return tr("Allowlisted by \"%1\": %2")
                .arg(QString::fromStdString(entry->id), QString::fromStdString(entry->reason));
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case Cloud: {
            const std::vector<std::uint32_t>* linked = m_snapshot->cloud.changesOf(f->flowIndex);
            if (!linked)
                return tr("No cloud change is linked to this flow's destination");
            QStringList lines;
            for (const std::uint32_t changeIndex : *linked) {
                const ChangeFinding& c = m_snapshot->cloud.changes[changeIndex];
                lines << tr("%1: %2, %3 on %4 at %5")
                             .arg(severityText(c.severity), toDisplayText(c.actor), actionsText(c), resourceText(c),
                                 compactTime(c.first));
            }
            return tr("Cloud changes to the function this flow reaches:\n%1\nCtrl+J or the Why tab opens them.")
                .arg(lines.join(u'\n'));
        }
        case Change:
            return change > 0 ? tr("Alerts under the working profile but not under the saved one")
                : change < 0  ? tr("Alerts under the saved profile but no longer under the working one")
                              : QString();
        case Process:
            return key.processPath == kEmptyString ? noProcessExplanation()
                                                   : toDisplayText(events.text(key.processPath));
        case Destination:
            return f->platform.empty() ? tr("matched by the rule's regex only") : QString::fromStdString(f->platform);
        case Triage: {
            const TriageState* state = triageState(index.row());
            if (!state)
                return tr("Not triaged yet");
            QString text = triageStateText(*state);
            if (state->history.size() > 1)
                text += tr("\n(%n change(s) in the history: see the Why tab)", nullptr,
                    static_cast<int>(state->history.size()));
            return text;
        }
        case FirstSeen:
            return fullTime(f->firstSeen);
        case LastSeen:
            return fullTime(f->lastSeen);
        case Jitter:
            return hasPeriod(beacon) ? tr("Beat jitter: stddev / mean of the single-beat gaps (single_beat_cv). The "
                                          "all-gaps CV, nights and missed beats included (jitter_cv, the seed's "
                                          "JitterCoefficient): %1")
                                           .arg(beacon.intervals.jitterCv, 0, 'f', 3)
                                     : noPeriodReason(beacon);
        case Verdict:
            return beacon.localOnlyNetwork.empty()
                ? QString()
                : tr("The destination is in %1: its traffic never leaves the host or its link, so it never alerts")
                      .arg(QString::fromStdString(beacon.localOnlyNetwork));
        case Period:
            if (!hasPeriod(beacon))
                return noPeriodReason(beacon);
            return beacon.checkIns.largest > 1
                ? tr("Period between check-ins. %1 check-ins from %2 connections (%3 per check-in on average, up to "
                     "%4; %5)")
                        .arg(beacon.checkIns.checkIns)
                        .arg(beacon.checkIns.connections)
                        .arg(beacon.checkIns.meanConnections, 0, 'f', 1)
                        .arg(beacon.checkIns.largest)
                        .arg(checkInRule(beacon.checkIns))
                    + tr(", confidence %1").arg(beacon.period.confidence, 0, 'f', 2)
                : tr("Period between check-ins (each one connection), confidence %1")
                      .arg(beacon.period.confidence, 0, 'f', 2);
        case Host:
            return toDisplayText(events.text(key.sourceIp));
        case Rule:
            return f->rule.fires ? tr("%1 detection(s)").arg(f->rule.detections.size())
                                 : tr("%1 of %2 events eligible").arg(f->rule.eligibleEvents).arg(f->events);
        default:
            break;
        }
    }
    if (role == Qt::TextAlignmentRole && (column == Score || column == Events || column == Period || column == Jitter))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[ColumnCount] = { QT_TR_NOOP("Verdict"), QT_TR_NOOP("Score"), QT_TR_NOOP("Rule"),
        QT_TR_NOOP("Cloud"), QT_TR_NOOP("Host"), QT_TR_NOOP("Destination"), QT_TR_NOOP("Process"), QT_TR_NOOP("Events"),
        QT_TR_NOOP("Period"), QT_TR_NOOP("Beat jitter"), QT_TR_NOOP("First seen"), QT_TR_NOOP("Last seen"),
        QT_TR_NOOP("Activity"), QT_TR_NOOP("Triage"), QT_TR_NOOP("Change") };
    return tr(names[section]);
}

} // namespace cepheid::ui
