#include "changetext.h"

#include "charts/chartcolors.h"
#include "model/pathname.h"
#include "qtext.h"
#include "util/durationtext.h"

#include <QCoreApplication>
#include <QStringList>
#include <algorithm>

namespace cepheid::ui {

namespace {

// Core's snake_case names ("update_code") as words.
QString words(std::string_view name)
{
    return toQString(name).replace(u'_', u' ');
}

QString tr(const char* text)
{
    return QCoreApplication::translate("ChangeText", text);
}

} // namespace

QString severityText(ChangeSeverity severity)
{
    return words(changeSeverityName(severity));
}

QString signalText(ChangeSignal signal)
{
    return words(changeSignalName(signal));
}

QString actionText(CloudAction action)
{
    return words(cloudActionName(action));
}

QString providerText(CloudProvider provider)
{
    switch (provider) {
    case CloudProvider::Aws:
        return QStringLiteral("AWS");
    case CloudProvider::Gcp:
        return QStringLiteral("Google Cloud");
    case CloudProvider::Azure:
        return QStringLiteral("Azure");
    case CloudProvider::Cloudflare:
        return QStringLiteral("Cloudflare");
    case CloudProvider::Unknown:
        break;
    }
    return tr("unknown provider");
}

QString actionsText(const ChangeFinding& change)
{
    QStringList actions;
    for (const CloudAction action : change.actions)
        actions << actionText(action);
    return actions.join(QStringLiteral(", "));
}

QString resourceText(const ChangeFinding& change)
{
    const QString resource = change.resource.empty() ? tr("(unnamed)") : toDisplayText(change.resource);
    return QStringLiteral("%1 (%2 %3)").arg(resource, providerText(change.provider), toDisplayText(change.service));
}

QString flowText(const EventTable& events, const FlowIndex& flows, std::uint32_t flowIndex)
{
    const FlowKey& key = flows.flow(flowIndex).key;
    QString text = QStringLiteral("%1 → %2").arg(
        toDisplayText(events.text(key.sourceIp)), toDisplayText(events.text(key.destination)));
    if (key.processPath != kEmptyString)
        text += QStringLiteral(" · ") + toDisplayText(fileNameOf(events.text(key.processPath)));
    return text;
}

const Finding* findingOfFlow(const Analysis& analysis, std::uint32_t flowIndex)
{
    const auto found = std::find_if(analysis.findings.begin(), analysis.findings.end(),
        [flowIndex](const Finding& finding) { return finding.flowIndex == flowIndex; });
    return found == analysis.findings.end() ? nullptr : &*found;
}

const AllowlistEntry* changeAllowlistEntry(const ChangeFinding& change, const Profile& profile)
{
    if (change.allowlistEntry < 0 || static_cast<std::size_t>(change.allowlistEntry) >= profile.allowlist.size())
        return nullptr;
    return &profile.allowlist[static_cast<std::size_t>(change.allowlistEntry)];
}

QString relationText(const ChangeFinding& change, const ChangeLink& link)
{
    const double seconds = static_cast<double>(link.firstSeen - change.first) / kMicrosPerSecond;
    if (seconds == 0)
        return tr("at the flow's first event");
    const QString gap = QString::fromStdString(durationText(std::abs(seconds)));
    return (
        link.changeBeforeFirstEvent ? tr("%1 before the flow's first event") : tr("%1 after the flow's first event"))
        .arg(gap);
}

QColor severityTint(const QPalette& palette, ChangeSeverity severity)
{
    switch (severity) {
    case ChangeSeverity::High:
        return tintFor(palette, QColor(192, 57, 43));
    case ChangeSeverity::Medium:
        return tintFor(palette, QColor(243, 156, 18));
    case ChangeSeverity::Low:
        break;
    }
    return palette.color(QPalette::Base);
}

QString changeHref(std::size_t changeIndex)
{
    return QStringLiteral("change:%1").arg(changeIndex);
}

int changeIndexOfHref(const QString& href)
{
    if (!href.startsWith(QStringLiteral("change:")))
        return -1;
    bool ok = false;
    const int index = href.mid(7).toInt(&ok);
    return ok && index >= 0 ? index : -1;
}

} // namespace cepheid::ui
