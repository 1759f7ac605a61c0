#include "formattwin.h"

#include <QFileInfo>
#include <cmath>
#include <map>

namespace cepheid::test {

namespace {

struct FlowFacts
{
    std::uint32_t events = 0;
    bool fires = false;
    std::int64_t eventCount = -1, hourBuckets = -1, avgSent = -1, avgReceived = -1;
    long long scoreMilli = 0;
    int verdict = 0;
    friend bool operator==(const FlowFacts&, const FlowFacts&) = default;
};

QString describe(const FlowFacts& facts)
{
    return QStringLiteral("events %1, rule %2 (count %3, hours %4, avg bytes %5/%6), score %7, verdict %8")
        .arg(facts.events)
        .arg(facts.fires ? u"fires" : u"silent")
        .arg(facts.eventCount)
        .arg(facts.hourBuckets)
        .arg(facts.avgSent)
        .arg(facts.avgReceived)
        .arg(static_cast<double>(facts.scoreMilli) / 1000.0)
        .arg(facts.verdict);
}

std::map<QString, FlowFacts> flowFacts(const CaseAnalysis& analysis)
{
    std::map<QString, FlowFacts> facts;
    const EventTable& table = analysis.data->events;
    for (const Finding& finding : analysis.analysis.findings) {
        const FlowKey& key = analysis.data->flows.flow(finding.flowIndex).key;
        const QString name = QString::fromUtf8(table.text(key.sourceIp)) + u" → "
            + QString::fromUtf8(table.text(key.destination)) + u" [" + QString::fromUtf8(table.text(key.processPath))
            + u']';
        FlowFacts& flow = facts[name];
        flow.events = finding.events;
        flow.fires = finding.rule.fires;
        if (finding.rule.window) {
            flow.eventCount = finding.rule.window->eventCount;
            flow.hourBuckets = finding.rule.window->hourBuckets;
            flow.avgSent = finding.rule.window->avgBytesSent;
            flow.avgReceived = finding.rule.window->avgBytesReceived;
        }
        flow.scoreMilli = std::llround(finding.beacon.score * 1000.0);
        flow.verdict = static_cast<int>(finding.beacon.verdict);
    }
    return facts;
}

} // namespace

FileAnalysis analyseFiles(const QStringList& paths, TimestampUs now, const Profile& profile)
{
    FileAnalysis result;
    result.path = paths.join(u", ");
    EventTable table;
    for (qsizetype i = 0; i < paths.size(); ++i) {
        auto summary = importFile(paths[i].toStdString(), static_cast<std::uint16_t>(i), table);
        if (!summary) {
            result.error = QString::fromStdString(summary.error());
            return result;
        }
        if (i == 0)
            result.summary = *summary;
        else {
            result.summary.eventsRead += summary->eventsRead;
            result.summary.eventsRejected += summary->eventsRejected;
            result.summary.rejects.insert(
                result.summary.rejects.end(), summary->rejects.begin(), summary->rejects.end());
            for (const auto& [kind, count] : summary->recordsSkipped)
                result.summary.recordsSkipped[kind] += count;
        }
    }
    auto analysis = analyseEvents(std::move(table), profile, now);
    if (!analysis) {
        result.error = QString::fromStdString(analysis.error());
        return result;
    }
    result.analysis = std::move(*analysis);
    return result;
}

FileAnalysis analyseFile(const QString& path, TimestampUs now, const Profile& profile)
{
    return analyseFiles({ path }, now, profile);
}

QStringList twinDifferences(const FileAnalysis& format, const FileAnalysis& udm)
{
    QStringList differences;
    for (const FileAnalysis* side : { &format, &udm })
        if (!side->analysis)
            differences << side->path + u": " + side->error;
    if (!differences.isEmpty())
        return differences;
    const auto mine = flowFacts(*format.analysis);
    const auto twin = flowFacts(*udm.analysis);
    const QString formatName = QFileInfo(format.path).fileName();
    for (const auto& [flow, facts] : twin) {
        const auto it = mine.find(flow);
        if (it == mine.end())
            differences << u"missing from " + formatName + u": " + flow + u" (" + describe(facts) + u')';
        else if (!(it->second == facts))
            differences << flow + u": " + formatName + u" has " + describe(it->second) + u"; the UDM twin has "
                    + describe(facts);
    }
    for (const auto& [flow, facts] : mine)
        if (!twin.contains(flow))
            differences << u"only in " + formatName + u": " + flow + u" (" + describe(facts) + u')';
    return differences;
}

} // namespace cepheid::test
