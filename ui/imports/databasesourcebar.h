#pragma once

#include "session/snapshot.h"

#include <QFrame>
#include <cstdint>
#include <string>

class QLabel;
class QPushButton;

namespace cepheid::ui {

// The bar above the views for a case that holds events fetched from a database server (docs/workbench.md,
// "Refreshing a ClickHouse source"). When the working profile would choose other destinations than a source was
// fetched for (its rule regex or catalog changed), it says so and offers to re-query; when a case has just been
// opened, it offers to refresh. Hidden for cases of files only.
class DatabaseSourceBar : public QFrame
{
    Q_OBJECT

public:
    explicit DatabaseSourceBar(QWidget* parent = nullptr);

    // Shows what the snapshot calls for. `opened`: the snapshot is that of a case just opened (the refresh offer).
    void update(const SnapshotPtr& snapshot, bool opened);
    QString text() const; // for tests

signals:
    // Ask the source again: directly when the password is known this session (requery), else through the form.
    void refreshRequested(std::int64_t sourceId, bool requery);

private:
    QLabel* m_text;
    QPushButton* m_action;
    QPushButton* m_dismiss;
    std::int64_t m_sourceId = 0;
    bool m_requery = false;
    enum class Notice { None, Offer, Stale } m_notice = Notice::None;
    bool m_offerDismissed = false;
    std::string m_shownChooser; // the working profile's regex and catalog the shown notice is about
    std::string m_dismissedChooser; // a notice dismissed stays away until the regex or catalog change again
};

} // namespace cepheid::ui
