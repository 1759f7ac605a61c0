#include "clickhousedialog.h"

#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhouseevents.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>
#include <algorithm>

namespace cepheid::ui {

namespace {

QString setting(const char* name)
{
    return QSettings().value(QStringLiteral("clickhouse/") + QLatin1String(name)).toString();
}

} // namespace

ClickHouseDialog::ClickHouseDialog(QWidget* parent)
    : QDialog(parent)
    , m_url(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_table(new QLineEdit(this))
    , m_mapping(new QLineEdit(this))
    , m_caFile(new QLineEdit(this))
    , m_limitTime(new QCheckBox(tr("Only events from"), this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_where(new QLineEdit(this))
    , m_explanation(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_import(nullptr)
{
    setWindowTitle(tr("Import from ClickHouse"));
    m_url->setPlaceholderText(QStringLiteral("http://analyst@clickhouse.example:8123/telemetry"));
    m_url->setText(setting("url"));
    m_url->setToolTip(tr("The server's HTTP interface: http[s]://[user@]host[:port][/database]. No password here."));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setText(qEnvironmentVariable(kClickHousePasswordVariable));
    m_password->setToolTip(tr("Used for this import only: never saved in the settings or the case."));
    m_table->setPlaceholderText(tr("udm_network, or database.table"));
    m_table->setText(setting("table"));
    m_mapping->setPlaceholderText(tr("optional: a JSON file naming the table's columns"));
    m_mapping->setText(setting("mapping"));
    m_caFile->setPlaceholderText(tr("optional, https: certificates to trust (PEM)"));
    m_caFile->setText(setting("ca"));
    m_where->setPlaceholderText(tr("optional ClickHouse condition, e.g. principal_hostname LIKE 'fin-%'"));
    m_where->setText(setting("where"));
    for (QDateTimeEdit* edit : { m_from, m_to }) {
        edit->setTimeSpec(Qt::UTC);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setCalendarPopup(true);
        // Room for the whole date and time beside the popup's arrow, at any font size.
        edit->setMinimumWidth(edit->fontMetrics().horizontalAdvance(QStringLiteral("8888-88-88 88:88")) * 5 / 4
            + edit->fontMetrics().height() * 2);
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_to->setDateTime(QDateTime(now.date(), QTime(0, 0), Qt::UTC).addDays(1));
    m_from->setDateTime(m_to->dateTime().addDays(-7));

    const auto withBrowse = [this](QLineEdit* edit, const QString& title, const QString& filter) {
        auto* row = new QHBoxLayout;
        row->addWidget(edit, 1);
        auto* button = new QPushButton(tr("Browse…"), this);
        m_browseButtons << button;
        connect(button, &QPushButton::clicked, this, [this, edit, title, filter] { browse(edit, title, filter); });
        row->addWidget(button);
        return row;
    };
    auto* range = new QHBoxLayout;
    range->addWidget(m_limitTime);
    range->addWidget(m_from);
    range->addWidget(new QLabel(tr("to"), this));
    range->addWidget(m_to);
    range->addWidget(new QLabel(tr("UTC"), this));
    range->addStretch(1);

    // A row of several widgets gets its label by hand, so that its shortcut reaches the line edit.
    const auto labelFor = [this](const QString& text, QWidget* buddy) {
        auto* label = new QLabel(text, this);
        label->setBuddy(buddy);
        return label;
    };
    auto* form = new QFormLayout;
    form->addRow(tr("&Server:"), m_url);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(tr("&Table:"), m_table);
    form->addRow(labelFor(tr("&Mapping:"), m_mapping),
        withBrowse(m_mapping, tr("Column mapping"), tr("JSON (*.json);;All files (*)")));
    form->addRow(labelFor(tr("Ti&me:"), m_limitTime), range);
    form->addRow(tr("C&ondition:"), m_where);
    form->addRow(labelFor(tr("&Certificates:"), m_caFile),
        withBrowse(m_caFile, tr("Certificates to trust"), tr("PEM (*.pem *.crt);;All files (*)")));

    m_explanation->setText(tr("The server lists the destinations in this range; the working profile's regex "
                              "and catalog decide which are considered, and only their events are imported, "
                              "as one source of the case. The case keeps the server, table and query, never "
                              "the password."));
    m_explanation->setWordWrap(true);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ClickHouseDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ClickHouseDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_explanation);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    for (QLineEdit* edit : { m_url, m_table, m_mapping, m_caFile })
        connect(edit, &QLineEdit::textChanged, this, &ClickHouseDialog::updateState);
    connect(m_limitTime, &QCheckBox::toggled, this, &ClickHouseDialog::updateState);
    connect(m_from, &QDateTimeEdit::dateTimeChanged, this, &ClickHouseDialog::updateState);
    connect(m_to, &QDateTimeEdit::dateTimeChanged, this, &ClickHouseDialog::updateState);
    m_limitTime->setChecked(QSettings().value(QStringLiteral("clickhouse/limitTime"), true).toBool());
    updateState();
    // Room for a typical URL; the layout's own minimum (the time range's row) still applies.
    m_url->setMinimumWidth(fontMetrics().averageCharWidth() * 60);
}

ClickHouseRequest ClickHouseDialog::request() const
{
    ClickHouseRequest request;
    request.url = m_url->text().trimmed();
    request.password = m_password->text();
    request.table = m_table->text().trimmed();
    request.mappingPath = m_mapping->text().trimmed();
    request.caFile = m_caFile->text().trimmed();
    request.where = m_where->text().trimmed();
    if (m_limitTime->isChecked()) {
        if (m_from->dateTime() != m_shownStart)
            request.from = m_from->dateTime();
        if (m_to->dateTime() != m_shownEnd)
            request.to = m_to->dateTime();
    }
    request.caseMapping = m_caseMapping;
    request.replaces = m_replaces;
    return request;
}

void ClickHouseDialog::setRefresh(const ClickHouseRequest& request, const QString& sourceDescription)
{
    setRequest(request);
    // The bound not recorded is shown a week from the other, so that the form's own check of the range holds.
    if (request.from.isValid() && !request.to.isValid()) {
        m_to->setDateTime(std::max(m_to->dateTime(), request.from.addDays(7)));
        m_shownEnd = m_to->dateTime();
    }
    if (request.to.isValid() && !request.from.isValid()) {
        m_from->setDateTime(request.to.addDays(-7));
        m_shownStart = m_from->dateTime();
    }
    m_caseMapping = request.caseMapping;
    m_replaces = request.replaces;
    setWindowTitle(tr("Refresh from ClickHouse"));
    m_import->setText(tr("&Refresh"));
    QString explanation = tr("Asks the server again for %1, as the case recorded it: the working profile's regex and "
                             "catalog decide which destinations are considered, and the answer replaces the source's "
                             "events. Triage is kept.")
                              .arg(sourceDescription);
    if (m_shownEnd)
        explanation += QLatin1Char(' ')
            + tr("The range has no end: the date after \u201cto\u201d is not sent unless you change it.");
    else if (m_shownStart)
        explanation += QLatin1Char(' ')
            + tr("The range has no start: the date after \u201cfrom\u201d is not sent unless you change it.");
    else if (request.to.isValid())
        explanation += QLatin1Char(' ') + tr("Move the range's end to bring in newer events.");
    m_explanation->setText(explanation);
    // The case's mapping stands in for a file: the one it was read with may be gone or changed since.
    m_mapping->clear();
    m_mapping->setEnabled(false);
    m_browseButtons.first()->setEnabled(false);
    const std::size_t columns = m_caseMapping ? m_caseMapping->expressions.size() : 0;
    m_mapping->setPlaceholderText(columns == 0 ? tr("none: the default layout")
            : columns == 1                     ? tr("the case's own: 1 column mapped")
                                               : tr("the case's own: %1 columns mapped").arg(columns));
    updateState();
}

void ClickHouseDialog::setRequest(const ClickHouseRequest& request)
{
    m_url->setText(request.url);
    m_password->setText(request.password);
    m_table->setText(request.table);
    m_mapping->setText(request.mappingPath);
    m_caFile->setText(request.caFile);
    m_where->setText(request.where);
    m_limitTime->setChecked(request.from.isValid() || request.to.isValid());
    if (request.from.isValid())
        m_from->setDateTime(request.from);
    if (request.to.isValid())
        m_to->setDateTime(request.to);
    updateState();
}

QString ClickHouseDialog::problem() const
{
    const QString url = m_url->text().trimmed();
    if (url.isEmpty())
        return tr("Enter the server's URL.");
    const auto endpoint = ClickHouseEndpoint::parse(url.toStdString());
    if (!endpoint)
        return QString::fromStdString(endpoint.error());
    if (!m_caFile->text().trimmed().isEmpty() && !endpoint->tls)
        return tr("Certificates apply to https:// servers.");
    const QString mapping = m_mapping->text().trimmed();
    if (m_table->text().trimmed().isEmpty() && mapping.isEmpty() && !(m_caseMapping && !m_caseMapping->table.empty()))
        return tr("Enter the table, or a mapping file that names it.");
    if (!m_table->text().trimmed().isEmpty())
        if (const auto name = clickHouseTableName(m_table->text().trimmed().toStdString()); !name)
            return QString::fromStdString(name.error());
    if (!m_caseMapping && !mapping.isEmpty() && !QFileInfo(mapping).isReadable())
        return tr("The mapping file %1 cannot be read.").arg(mapping);
    if (m_limitTime->isChecked() && m_from->dateTime() >= m_to->dateTime())
        return tr("The range ends before it starts.");
    return {};
}

void ClickHouseDialog::updateState()
{
    m_from->setEnabled(m_limitTime->isChecked());
    m_to->setEnabled(m_limitTime->isChecked());
    const QString why = problem();
    m_problem->setText(why);
    m_problem->setVisible(!why.isEmpty());
    m_import->setEnabled(why.isEmpty());
}

void ClickHouseDialog::browse(QLineEdit* into, const QString& title, const QString& filter)
{
    const QString path = QFileDialog::getOpenFileName(this, title, QFileInfo(into->text()).path(), filter);
    if (!path.isEmpty())
        into->setText(path);
}

void ClickHouseDialog::accept()
{
    if (!problem().isEmpty())
        return;
    if (m_replaces) { // a refresh asks what the case recorded: the next import's form stays as the analyst left it
        QDialog::accept();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("clickhouse/url"), m_url->text().trimmed());
    settings.setValue(QStringLiteral("clickhouse/table"), m_table->text().trimmed());
    settings.setValue(QStringLiteral("clickhouse/mapping"), m_mapping->text().trimmed());
    settings.setValue(QStringLiteral("clickhouse/ca"), m_caFile->text().trimmed());
    settings.setValue(QStringLiteral("clickhouse/where"), m_where->text().trimmed());
    settings.setValue(QStringLiteral("clickhouse/limitTime"), m_limitTime->isChecked());
    QDialog::accept();
}

} // namespace cepheid::ui
