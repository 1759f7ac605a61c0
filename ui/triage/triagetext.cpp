#include "triagetext.h"

#include "models/qtext.h"

#include <QCoreApplication>

namespace cepheid::ui {

namespace {

QString escaped(std::string_view text)
{
    return toDisplayText(text).toHtmlEscaped();
}

} // namespace

QString triageStateText(const TriageState& state)
{
    return QCoreApplication::translate("TriageText", "%1 by %2 at %3\n%4")
        .arg(QString::fromStdString(state.status), QString::fromStdString(state.analyst),
            QString::fromStdString(state.updatedAt), QString::fromStdString(state.notes));
}

QString triageHistoryHtml(const TriageState& state)
{
    QString html = QCoreApplication::translate("TriageText", "<h4>Triage: %1</h4>").arg(escaped(state.status));
    for (const TriageChange& change : state.history)
        html += QStringLiteral("<p style='margin-bottom:0'><b>%1</b> · %2 · %3</p><p style='margin-top:0; "
                               "margin-left:16px'>%4</p>")
                    .arg(change.fromStatus == change.status
                            ? escaped(change.status)
                            : QStringLiteral("%1 → %2").arg(escaped(change.fromStatus), escaped(change.status)),
                        escaped(change.analyst), escaped(change.at),
                        escaped(change.notes).replace(u'\n', QStringLiteral("<br>")));
    return html;
}

} // namespace cepheid::ui
