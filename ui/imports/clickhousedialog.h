#pragma once

#include "session/casesession.h"

#include <QDialog>

class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;

namespace cepheid::ui {

// File ▸ Import from ClickHouse… (docs/clickhouse.md, "Cases"): the server, the table or a mapping file, an optional
// time range and condition, and the password, which is taken from CEPHEID_CLICKHOUSE_PASSWORD when set and never
// remembered. The rest is remembered for the next time (settings clickhouse/…). Import stays disabled, with the
// reason under the form, until the URL, table and range can be used.
class ClickHouseDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ClickHouseDialog(QWidget* parent = nullptr);

    ClickHouseRequest request() const;
    // Why the request cannot be sent yet; empty when it can.
    QString problem() const;
    // For tests and screenshots: fills the form as an analyst would.
    void setRequest(const ClickHouseRequest& request);
    // File ▸ Refresh from ClickHouse…: the form filled from a case source's request (refreshRequestFor), its mapping
    // the case's own, and the answer replacing the source's events. Nothing is remembered in the settings.
    void setRefresh(const ClickHouseRequest& request, const QString& sourceDescription);

    void accept() override; // remembers the form (not the password)

private:
    void updateState();
    void browse(QLineEdit* into, const QString& title, const QString& filter);

    QLineEdit* m_url;
    QLineEdit* m_password;
    QLineEdit* m_table;
    QLineEdit* m_mapping;
    QLineEdit* m_caFile;
    QCheckBox* m_limitTime;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QLineEdit* m_where;
    QLabel* m_explanation;
    QLabel* m_problem;
    QPushButton* m_import;
    QList<QPushButton*> m_browseButtons;
    std::optional<ClickHouseMapping> m_caseMapping; // a refresh's
    std::optional<std::int64_t> m_replaces;
    // A refreshed source whose range was open at one end: the form shows a bound there (a date field cannot be empty),
    // but unless the analyst changes it the range stays open, so that each refresh brings in what arrived since.
    std::optional<QDateTime> m_shownStart, m_shownEnd;
};

} // namespace cepheid::ui
