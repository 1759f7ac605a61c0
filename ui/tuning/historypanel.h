#pragma once

#include "cases/casefile.h"

#include <QWidget>

class QPushButton;
class QTableWidget;

namespace cepheid::ui {

// The case's tuning history: every saved profile version with its author and note. One version can be loaded
// as the working profile (revert to it); two can be compared, or one with the working profile.
class HistoryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit HistoryPanel(QWidget* parent = nullptr);
    void setVersions(const std::vector<ProfileVersion>& versions, std::int64_t savedVersion);
    QTableWidget* table() const { return m_table; }

signals:
    void loadRequested(std::int64_t version);
    // other == 0: compare with the working profile
    void compareRequested(std::int64_t version, std::int64_t other);

private:
    std::vector<std::int64_t> selectedVersions() const;

    QTableWidget* m_table;
    QPushButton* m_load;
    QPushButton* m_compare;
};

} // namespace cepheid::ui
