#include "allowlistentrydialog.h"

#include "cases/casefile.h"
#include "model/pathname.h"
#include "models/qtext.h"
#include "tuning/cidr.h"
#include "tuning/profilejson.h"
#include "tuning/textmatcher.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace cepheid::ui {

namespace {

struct KindFields
{
    bool destination, process, host, cidr;
};

KindFields fieldsOf(AllowlistEntryDialog::Kind kind)
{
    switch (kind) {
    case AllowlistEntryDialog::Destination:
        return { true, false, false, false };
    case AllowlistEntryDialog::Process:
        return { false, true, false, false };
    case AllowlistEntryDialog::Host:
        return { false, false, true, false };
    case AllowlistEntryDialog::Network:
        return { false, false, false, true };
    case AllowlistEntryDialog::ProcessOnHost:
        return { false, true, true, false };
    case AllowlistEntryDialog::ProcessToDestination:
        return { true, true, false, false };
    case AllowlistEntryDialog::Flow:
        return { true, true, true, false };
    case AllowlistEntryDialog::Custom:
        break;
    }
    return { true, true, true, true };
}

QString slug(const QString& text)
{
    QString result;
    for (QChar c : text.toLower()) {
        if (c.isLetterOrNumber() || c == u'.' || c == u'-')
            result += c;
        else if (!result.endsWith(u'-'))
            result += u'-';
    }
    return result.left(60);
}

} // namespace

QString AllowlistEntryDialog::kindName(Kind kind)
{
    switch (kind) {
    case Destination:
        return tr("Destination");
    case Process:
        return tr("Process");
    case Host:
        return tr("Host");
    case Network:
        return tr("Network (CIDR)");
    case ProcessOnHost:
        return tr("Process on host");
    case ProcessToDestination:
        return tr("Process to destination");
    case Flow:
        return tr("Flow (host + destination + process)");
    case Custom:
        break;
    }
    return tr("Custom");
}

AllowlistEntryDialog::Kind AllowlistEntryDialog::kindOf(const AllowlistEntry& entry)
{
    const KindFields set { !entry.domain.empty(), !entry.process.empty(), !entry.host.empty(), !entry.cidr.empty() };
    for (int kind = Destination; kind < Custom; ++kind) {
        const KindFields fields = fieldsOf(static_cast<Kind>(kind));
        if (fields.destination == set.destination && fields.process == set.process && fields.host == set.host
            && fields.cidr == set.cidr)
            return static_cast<Kind>(kind);
    }
    return Custom;
}

AllowlistEntryDialog::AllowlistEntryDialog(std::set<std::string> takenIds, QWidget* parent)
    : QDialog(parent)
    , m_takenIds(std::move(takenIds))
    , m_kind(new QComboBox(this))
    , m_destination(new QLineEdit(this))
    , m_process(new QLineEdit(this))
    , m_host(new QLineEdit(this))
    , m_cidr(new QLineEdit(this))
    , m_match(new QComboBox(this))
    , m_id(new QLineEdit(this))
    , m_reason(new QLineEdit(this))
    , m_author(new QLineEdit(this))
    , m_expires(new QCheckBox(tr("Expires after"), this))
    , m_expiryDate(new QDateEdit(QDate::currentDate().addDays(90), this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Allowlist entry"));
    for (int kind = Destination; kind <= Custom; ++kind)
        m_kind->addItem(kindName(static_cast<Kind>(kind)), kind);
    m_match->addItem(tr("Exact"), static_cast<int>(MatchMode::Exact));
    m_match->addItem(tr("Glob"), static_cast<int>(MatchMode::Glob));
    m_match->addItem(tr("RE2 regex"), static_cast<int>(MatchMode::Regex));
    m_destination->setPlaceholderText(tr("api.example.workers.dev"));
    m_process->setPlaceholderText(tr("C:\\Program Files\\Vendor\\agent.exe"));
    m_host->setPlaceholderText(tr("source IP or host name"));
    m_cidr->setPlaceholderText(tr("10.20.0.0/16"));
    m_reason->setPlaceholderText(tr("Why this traffic is benign (required)"));
    m_expiryDate->setCalendarPopup(true);
    m_expiryDate->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_expiryDate->setEnabled(false);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // the message quotes the pattern
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->setObjectName(QStringLiteral("allowlistEntryError"));
    auto* help = new QLabel(tr("Matching ignores case. <b>Glob</b>: <code>*</code> is any run of characters, "
                               "<code>?</code> one; <code>*.corp.workers.dev</code> also matches the bare "
                               "<code>corp.workers.dev</code>. <b>RE2 regex</b> must match the whole name. "
                               "<b>Host</b> matches the source IP or any host name of the flow. An entry matches a "
                               "flow when all its fields match."),
        this);
    help->setWordWrap(true);

    auto* form = new QFormLayout();
    form->addRow(tr("&Kind"), m_kind);
    form->addRow(tr("&Destination"), m_destination);
    form->addRow(tr("&Process"), m_process);
    form->addRow(tr("&Host"), m_host);
    form->addRow(tr("&Network"), m_cidr);
    form->addRow(tr("&Match"), m_match);
    form->addRow(tr("&Reason"), m_reason);
    form->addRow(tr("&Author"), m_author);
    form->addRow(tr("&Id"), m_id);
    auto* expiry = new QHBoxLayout();
    expiry->addWidget(m_expires);
    expiry->addWidget(m_expiryDate, 1);
    form->addRow(tr("Expiry"), expiry);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(help);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    resize(560, sizeHint().height());

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &AllowlistEntryDialog::validate);
    connect(m_match, &QComboBox::currentIndexChanged, this, &AllowlistEntryDialog::validate);
    for (QLineEdit* edit : { m_destination, m_process, m_host, m_cidr, m_reason, m_author })
        connect(edit, &QLineEdit::textChanged, this, &AllowlistEntryDialog::validate);
    connect(m_id, &QLineEdit::textEdited, this, [this] {
        m_idEdited = !m_id->text().isEmpty();
        validate();
    });
    connect(m_expires, &QCheckBox::toggled, m_expiryDate, &QWidget::setEnabled);
    validate();
}

void AllowlistEntryDialog::setEntry(const AllowlistEntry& entry)
{
    m_original = entry;
    m_destination->setText(QString::fromStdString(entry.domain));
    m_process->setText(QString::fromStdString(entry.process));
    m_host->setText(QString::fromStdString(entry.host));
    m_cidr->setText(QString::fromStdString(entry.cidr));
    setMatchMode(entry.match);
    m_reason->setText(QString::fromStdString(entry.reason));
    m_author->setText(QString::fromStdString(entry.author));
    m_id->setText(QString::fromStdString(entry.id));
    m_idEdited = !entry.id.empty();
    const QDate expiry = QDate::fromString(QString::fromStdString(entry.expires).left(10), Qt::ISODate);
    setExpiry(expiry);
    setKind(kindOf(entry));
}

void AllowlistEntryDialog::setKind(Kind kind)
{
    m_kind->setCurrentIndex(m_kind->findData(static_cast<int>(kind)));
    validate();
}

void AllowlistEntryDialog::setPattern(Kind field, const QString& text)
{
    QLineEdit* edit = field == Destination ? m_destination
        : field == Process                 ? m_process
        : field == Host                    ? m_host
                                           : m_cidr;
    edit->setText(text);
}

void AllowlistEntryDialog::setMatchMode(MatchMode mode)
{
    m_match->setCurrentIndex(m_match->findData(static_cast<int>(mode)));
}

void AllowlistEntryDialog::setReason(const QString& reason)
{
    m_reason->setText(reason);
    m_reason->setFocus();
}

void AllowlistEntryDialog::setAuthor(const QString& author)
{
    m_author->setText(author);
}

void AllowlistEntryDialog::setExpiry(const QDate& date)
{
    m_expires->setChecked(date.isValid());
    if (date.isValid())
        m_expiryDate->setDate(date);
}

QString AllowlistEntryDialog::generatedId() const
{
    QStringList parts;
    const KindFields fields = fieldsOf(static_cast<Kind>(m_kind->currentData().toInt()));
    if (const std::string process = m_process->text().toStdString(); fields.process && !process.empty())
        parts << toQString(fileNameOf(process));
    if (fields.host && !m_host->text().isEmpty())
        parts << m_host->text();
    if (fields.destination && !m_destination->text().isEmpty())
        parts << m_destination->text();
    if (fields.cidr && !m_cidr->text().isEmpty())
        parts << m_cidr->text();
    QString base = slug(parts.join(u'-'));
    if (base.isEmpty())
        return {};
    QString id = base;
    for (int n = 2; m_takenIds.contains(id.toStdString()); ++n)
        id = base + u'-' + QString::number(n);
    return id;
}

AllowlistEntry AllowlistEntryDialog::entry() const
{
    AllowlistEntry entry = m_original;
    const KindFields fields = fieldsOf(static_cast<Kind>(m_kind->currentData().toInt()));
    entry.domain = fields.destination ? m_destination->text().trimmed().toStdString() : std::string();
    entry.process = fields.process ? m_process->text().trimmed().toStdString() : std::string();
    entry.host = fields.host ? m_host->text().trimmed().toStdString() : std::string();
    entry.cidr = fields.cidr ? m_cidr->text().trimmed().toStdString() : std::string();
    entry.match = static_cast<MatchMode>(m_match->currentData().toInt());
    entry.id = m_id->text().trimmed().toStdString();
    entry.reason = m_reason->text().trimmed().toStdString();
    entry.author = m_author->text().trimmed().toStdString();
    if (entry.created.empty())
        entry.created = nowRfc3339();
    if (m_expires->isChecked()) {
        entry.expires = m_expiryDate->date().toString(Qt::ISODate).toStdString();
        entry.expiresAt = parseDateOrTimestamp(entry.expires, true);
    } else {
        entry.expires.clear();
        entry.expiresAt.reset();
    }
    return entry;
}

void AllowlistEntryDialog::validate()
{
    const KindFields fields = fieldsOf(static_cast<Kind>(m_kind->currentData().toInt()));
    m_destination->setEnabled(fields.destination);
    m_process->setEnabled(fields.process);
    m_host->setEnabled(fields.host);
    m_cidr->setEnabled(fields.cidr);
    if (!m_idEdited)
        m_id->setText(generatedId());

    const bool custom = m_kind->currentData().toInt() == Custom;
    const auto mode = static_cast<MatchMode>(m_match->currentData().toInt());
    QString problem;
    bool any = false;
    const std::pair<QLineEdit*, QString> fieldEdits[] = { { m_destination, tr("Destination") },
        { m_process, tr("Process") }, { m_host, tr("Host") }, { m_cidr, tr("Network") } };
    for (const auto& [edit, name] : fieldEdits) {
        const QString text = edit->text().trimmed();
        if (!edit->isEnabled() || !problem.isEmpty())
            continue;
        if (text.isEmpty()) {
            if (!custom)
                problem = tr("%1 is required for this kind.").arg(name);
            continue;
        }
        any = true;
        if (edit == m_cidr) {
            if (const auto cidr = Cidr::parse(text.toStdString()); !cidr)
                problem = tr("Network: %1").arg(QString::fromStdString(cidr.error()));
        } else if (const auto matcher = TextMatcher::compile(text.toStdString(), mode); !matcher) {
            problem
                = tr("%1: invalid %2: %3").arg(name, m_match->currentText(), QString::fromStdString(matcher.error()));
        }
    }
    if (problem.isEmpty() && !any)
        problem = tr("Set at least one of destination, process, host or network.");
    const std::string id = m_id->text().trimmed().toStdString();
    if (problem.isEmpty() && id.empty())
        problem = tr("An id is required.");
    if (problem.isEmpty() && id != m_original.id && m_takenIds.contains(id))
        problem = tr("Another entry already has the id \"%1\".").arg(m_id->text().trimmed());
    if (problem.isEmpty() && m_reason->text().trimmed().isEmpty())
        problem = tr("Say why this traffic is benign: a reason is required.");
    m_problem = problem;
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace cepheid::ui
