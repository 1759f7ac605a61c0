#pragma once

#include "cloud/changefindings.h"

#include <QColor>
#include <QPalette>
#include <QString>

namespace cepheid::ui {

// How every view writes a cloud change finding (the changes table, its detail, the Why tab, the timeline), so the
// words and colours for one change are the same wherever the analyst meets it. Names come from core's closed sets
// (changeSeverityName, changeSignalName, cloudActionName) with the underscores read as spaces: one source each.

QString severityText(ChangeSeverity severity); // "high"
QString signalText(ChangeSignal signal); // "new actor"
QString actionText(CloudAction action); // "update code"
QString providerText(CloudProvider provider); // "Cloudflare", "AWS"
// The actions of a change, in first-seen order: "create, update code".
QString actionsText(const ChangeFinding& change);
// The function and where it lives: "relay (Cloudflare workers)".
QString resourceText(const ChangeFinding& change);
// A linked flow in one line: "10.1.2.3 → relay.acme.workers.dev · rundll32.exe".
QString flowText(const EventTable& events, const FlowIndex& flows, std::uint32_t flowIndex);
// The finding of a flow (null when the flow is not considered: its destination matches no catalog pattern).
const Finding* findingOfFlow(const Analysis& analysis, std::uint32_t flowIndex);
// The profile's allowlist entry that clears a change (null when none does).
const AllowlistEntry* changeAllowlistEntry(const ChangeFinding& change, const Profile& profile);

// The change's time against a linked flow's first event: "30 min before the flow's first event".
QString relationText(const ChangeFinding& change, const ChangeLink& link);

// The background of a severity cell or label: red for high, amber for medium, none for low, blended into the base
// so the palette's text keeps 4.5:1 (tintFor).
QColor severityTint(const QPalette& palette, ChangeSeverity severity);

// A change as a link target in rich text ("change:3" for changes[3]) and back (-1 when the URL is not one).
QString changeHref(std::size_t changeIndex);
int changeIndexOfHref(const QString& href);

} // namespace cepheid::ui
