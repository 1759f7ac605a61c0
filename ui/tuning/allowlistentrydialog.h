#pragma once

#include "tuning/profile.h"

#include <QDialog>
#include <set>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace cepheid::ui {

// Adds or edits one allowlist entry. The kind decides which matchers the entry sets (an entry matches a flow
// when all of them match); patterns are checked as they are typed and an invalid one is refused inline with
// RE2's own message. A reason is required: an allowlist without reasons cannot be reviewed.
class AllowlistEntryDialog : public QDialog
{
    Q_OBJECT

public:
    enum Kind { Destination, Process, Host, Network, ProcessOnHost, ProcessToDestination, Flow, Custom };

    // takenIds: ids of the other entries, which the new id must not repeat.
    explicit AllowlistEntryDialog(std::set<std::string> takenIds, QWidget* parent = nullptr);

    // Fills the dialog from an entry (editing, or a suggestion); the kind is derived from the fields it sets.
    void setEntry(const AllowlistEntry& entry);
    void setKind(Kind kind);
    void setPattern(Kind field, const QString& text); // field: Destination, Process, Host or Network
    void setMatchMode(MatchMode mode);
    void setReason(const QString& reason);
    void setAuthor(const QString& author);
    void setExpiry(const QDate& date); // an invalid date: never expires

    // Why the entry cannot be accepted yet, or empty.
    QString problem() const { return m_problem; }
    AllowlistEntry entry() const;
    static Kind kindOf(const AllowlistEntry& entry);
    static QString kindName(Kind kind);

private:
    void validate();
    QString generatedId() const;

    std::set<std::string> m_takenIds;
    AllowlistEntry m_original;
    QComboBox* m_kind;
    QLineEdit* m_destination;
    QLineEdit* m_process;
    QLineEdit* m_host;
    QLineEdit* m_cidr;
    QComboBox* m_match;
    QLineEdit* m_id;
    QLineEdit* m_reason;
    QLineEdit* m_author;
    QCheckBox* m_expires;
    QDateEdit* m_expiryDate;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
    QString m_problem;
    bool m_idEdited = false;
};

} // namespace cepheid::ui
