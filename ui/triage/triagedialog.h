#pragma once

#include <QDialog>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace cepheid::ui {

// What an analyst asks of a triage change for one or more findings.
struct TriageEdit
{
    enum class NotesMode {
        Replace, // the notes shown were the findings' own: what is written replaces them
        Append // the findings had different notes: what is written is added after each one's
    };
    std::optional<QString> status; // empty: each finding keeps its own status
    QString notes;
    NotesMode notesMode = NotesMode::Replace;
    QString analyst;

    // The notes a finding gets from this edit, or nothing when its notes stay as they are.
    std::optional<std::string> notesFor(const std::string& current) const;
};

// The triage dialog: opens on the findings' current status and notes so that re-triaging never loses what an
// analyst wrote. A selection whose statuses differ can keep each one's; one whose notes differ appends.
// Ctrl+Return accepts, Tab leaves the notes field.
class TriageDialog : public QDialog
{
    Q_OBJECT

public:
    struct Current
    {
        std::string status, notes;
    };
    TriageDialog(const std::vector<Current>& selection, const QString& analyst, QWidget* parent = nullptr);

    TriageEdit edit() const;

    QComboBox* statusBox() const { return m_status; }
    QPlainTextEdit* notesEdit() const { return m_notes; }
    QLabel* notesHint() const { return m_hint; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QComboBox* m_status;
    QLineEdit* m_analyst;
    QPlainTextEdit* m_notes;
    QLabel* m_hint;
    TriageEdit::NotesMode m_mode = TriageEdit::NotesMode::Replace;
};

// The statuses an analyst can set, in the order the menus list them.
const std::vector<QString>& triageStatuses();

} // namespace cepheid::ui
