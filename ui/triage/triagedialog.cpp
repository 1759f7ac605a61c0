#include "triagedialog.h"

#include "cases/triagestatus.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace cepheid::ui {

const std::vector<QString>& triageStatuses()
{
    static const std::vector<QString> statuses = [] {
        std::vector<QString> names;
        for (const std::string_view status : kTriageStatuses)
            names.push_back(QString::fromUtf8(status.data(), static_cast<qsizetype>(status.size())));
        return names;
    }();
    return statuses;
}

std::optional<std::string> TriageEdit::notesFor(const std::string& current) const
{
    const std::string text = notes.toStdString();
    if (notesMode == NotesMode::Replace)
        return text == current ? std::nullopt : std::optional(text);
    if (notes.trimmed().isEmpty())
        return std::nullopt;
    return current.empty() ? text : current + "\n\n" + text;
}

TriageDialog::TriageDialog(const std::vector<Current>& selection, const QString& analyst, QWidget* parent)
    : QDialog(parent)
    , m_status(new QComboBox(this))
    , m_analyst(new QLineEdit(analyst, this))
    , m_notes(new QPlainTextEdit(this))
    , m_hint(new QLabel(this))
{
    const int count = static_cast<int>(selection.size());
    setWindowTitle(tr("Triage %n finding(s)", nullptr, count));
    bool sameStatus = true, sameNotes = true;
    for (const Current& current : selection) {
        sameStatus = sameStatus && current.status == selection.front().status;
        sameNotes = sameNotes && current.notes == selection.front().notes;
    }
    if (!sameStatus)
        m_status->addItem(tr("(keep each finding's status)"));
    for (const QString& status : triageStatuses())
        m_status->addItem(status, status);
    if (sameStatus && !selection.empty())
        m_status->setCurrentIndex(std::max(0, m_status->findData(QString::fromStdString(selection.front().status))));

    m_notes->setTabChangesFocus(true);
    m_notes->installEventFilter(this);
    m_hint->setWordWrap(true);
    if (sameNotes) {
        m_notes->setPlainText(selection.empty() ? QString() : QString::fromStdString(selection.front().notes));
        m_hint->hide();
    } else {
        m_mode = TriageEdit::NotesMode::Append;
        m_hint->setText(tr("These %n findings have different notes: what you write here is added after each "
                           "one's notes, which are kept.",
            nullptr, count));
        m_notes->setPlaceholderText(tr("Added to every selected finding's notes"));
    }

    auto* layout = new QFormLayout(this);
    layout->addRow(tr("&Status"), m_status);
    layout->addRow(tr("&Analyst"), m_analyst);
    layout->addRow(tr("&Notes"), m_notes);
    layout->addRow(m_hint);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setToolTip(tr("Save (Ctrl+Return)"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addRow(buttons);
    m_notes->setFocus();
    m_notes->moveCursor(QTextCursor::End);
}

TriageEdit TriageDialog::edit() const
{
    TriageEdit edit;
    if (m_status->currentData().isValid())
        edit.status = m_status->currentData().toString();
    edit.notes = m_notes->toPlainText();
    edit.notesMode = m_mode;
    edit.analyst = m_analyst->text();
    return edit;
}

bool TriageDialog::eventFilter(QObject* watched, QEvent* event)
{
    // A multi-line field keeps Return for new lines; Ctrl+Return is how the dialog is accepted from it.
    if (watched == m_notes && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
            && key->modifiers().testFlag(Qt::ControlModifier)) {
            accept();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace cepheid::ui
