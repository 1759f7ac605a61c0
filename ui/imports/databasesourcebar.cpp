#include "databasesourcebar.h"

#include "session/casesession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <algorithm>

namespace cepheid::ui {

DatabaseSourceBar::DatabaseSourceBar(QWidget* parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_dismiss(new QPushButton(tr("Dismiss"), this))
{
    setObjectName(QStringLiteral("databaseSourceBar"));
    setFrameShape(QFrame::StyledPanel);
    setBackgroundRole(QPalette::AlternateBase);
    setAutoFillBackground(true);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action);
    layout->addWidget(m_dismiss);
    connect(m_action, &QPushButton::clicked, this, [this] { emit refreshRequested(m_sourceId, m_requery); });
    connect(m_dismiss, &QPushButton::clicked, this, [this] {
        if (m_requery)
            m_dismissedChooser = m_shownChooser;
        else
            m_offerDismissed = true;
        hide();
    });
    hide();
}

void DatabaseSourceBar::update(const SnapshotPtr& snapshot, bool opened)
{
    if (opened) {
        m_offerDismissed = false;
        m_dismissedChooser.clear();
    }
    if (!snapshot) {
        hide();
        return;
    }
    const CaseSource* newest = newestRefreshableClickHouseSource(snapshot->sources);
    const auto staleAt = std::find_if(snapshot->sources.begin(), snapshot->sources.end(),
        [&](const CaseSource& source) { return choosesOtherDestinations(source, snapshot->profile); });
    const CaseSource* stale = staleAt != snapshot->sources.end() ? &*staleAt : nullptr;
    const std::string chooser = clickHouseChooserKey(snapshot->profile);
    if (stale && chooser != m_dismissedChooser) {
        m_sourceId = stale->id;
        m_shownChooser = chooser;
        m_requery = true;
        m_text->setText(tr("The rule's regex or the catalog changed since the events were fetched from %1: "
                           "destinations the working profile now considers may have events on the server that the "
                           "case lacks, and those it no longer considers are still in the case.")
                            .arg(QString::fromStdString(stale->path)));
        m_notice = Notice::Stale;
        m_action->setText(tr("Re-query"));
        m_action->setToolTip(tr("Fetch this source again under the working profile (Ctrl+Shift+R)"));
        show();
        return;
    }
    // The offer is made when the case opens, and stays until dismissed; a stale notice that no longer holds goes.
    if (newest && !m_offerDismissed && (opened || (m_notice == Notice::Offer && !isHidden()))) {
        m_sourceId = newest->id;
        m_requery = false;
        m_text->setText(
            tr("This case holds %1 events fetched from %2 on %3. The server may hold newer ones.")
                .arg(QLocale().toString(qulonglong(newest->eventsRead)), QString::fromStdString(newest->path),
                    QString::fromStdString(newest->importedAt.substr(0, 10))));
        m_notice = Notice::Offer;
        m_action->setText(tr("Refresh…"));
        m_action->setToolTip(tr("Ask the server again for this source (Ctrl+Shift+R)"));
        show();
        return;
    }
    m_notice = Notice::None;
    hide();
}

QString DatabaseSourceBar::text() const
{
    return isHidden() ? QString() : m_text->text();
}

} // namespace cepheid::ui
