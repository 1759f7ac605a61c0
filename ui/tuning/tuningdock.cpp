#include "tuningdock.h"

#include "allowlistentrydialog.h"
#include "allowlistpanel.h"
#include "catalogpanel.h"
#include "historypanel.h"
#include "models/plaintooltip.h"
#include "session/analystname.h"
#include "thresholdspanel.h"
#include "tuning/profilediff.h"
#include "tuning/profilejson.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <set>

namespace cepheid::ui {

TuningDock::TuningDock(CaseSession* session, QWidget* parent)
    : QDockWidget(tr("Tuning"), parent)
    , m_session(session)
    , m_whatIf(new QLabel(this))
    , m_save(new QPushButton(tr("&Save Version…"), this))
    , m_revert(new QPushButton(tr("Re&vert"), this))
    , m_changedOnly(new QCheckBox(tr("Show only changed findings"), this))
    , m_tabs(new QTabWidget(this))
    , m_thresholds(new ThresholdsPanel(this))
    , m_allowlist(new AllowlistPanel(this))
    , m_catalog(new CatalogPanel(this))
    , m_history(new HistoryPanel(this))
{
    setObjectName(QStringLiteral("tuningDock"));
    m_whatIf->setWordWrap(true);
    m_whatIf->setTextFormat(Qt::RichText);
    m_save->setToolTip(tr("Save the working profile as the case's newest version (Ctrl+S)"));
    m_revert->setToolTip(tr("Go back to the saved profile"));
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_thresholds);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_tabs->addTab(scroll, tr("&Thresholds"));
    m_tabs->addTab(m_allowlist, tr("&Allowlist"));
    m_tabs->addTab(m_catalog, tr("&Catalog"));
    m_tabs->addTab(m_history, tr("&History"));

    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    // The buttons and the changed-only toggle on two rows: on one they set a minimum width that squeezes the
    // detail pane on a 1366 px screen.
    auto* buttons = new QHBoxLayout();
    buttons->addWidget(m_save);
    buttons->addWidget(m_revert);
    buttons->addStretch();
    layout->addWidget(m_whatIf);
    layout->addLayout(buttons);
    layout->addWidget(m_changedOnly);
    layout->addWidget(m_tabs, 1);
    setWidget(content);

    connect(m_save, &QPushButton::clicked, this, [this] { saveVersion(); });
    connect(m_revert, &QPushButton::clicked, this, &TuningDock::revertToSaved);
    connect(m_changedOnly, &QCheckBox::toggled, this, &TuningDock::changedOnlyToggled);
    connect(m_thresholds, &ThresholdsPanel::edited, this,
        [this] { m_session->tune(m_thresholds->apply(m_session->workingProfile())); });
    connect(m_allowlist, &AllowlistPanel::addRequested, this, [this] { addAllowlistEntry({}); });
    connect(m_allowlist, &AllowlistPanel::editRequested, this, &TuningDock::editAllowlistEntry);
    connect(m_allowlist, &AllowlistPanel::removeRequested, this, &TuningDock::removeAllowlistEntry);
    connect(m_allowlist, &AllowlistPanel::suggestionChosen, this, &TuningDock::addAllowlistEntry);
    connect(m_catalog, &CatalogPanel::catalogEdited, this, [this](const std::vector<CatalogEntry>& catalog) {
        QString error;
        tuneCatalog(catalog, error);
        m_catalog->showProblem(error); // inline, as the thresholds do: empty clears it
    });
    connect(m_history, &HistoryPanel::loadRequested, this, &TuningDock::loadVersion);
    connect(m_history, &HistoryPanel::compareRequested, this, [this](std::int64_t version, std::int64_t other) {
        QDialog dialog(this);
        dialog.setWindowTitle(other == 0 ? tr("Version %1 → working profile").arg(version)
                                         : tr("Version %1 → version %2").arg(version).arg(other));
        auto* text = new QPlainTextEdit(compareVersions(version, other), &dialog);
        text->setReadOnly(true);
        text->setLineWrapMode(QPlainTextEdit::NoWrap);
        auto* box = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
        connect(box, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        auto* dialogLayout = new QVBoxLayout(&dialog);
        dialogLayout->addWidget(text);
        dialogLayout->addWidget(box);
        dialog.resize(700, 400);
        dialog.exec();
    });

    connect(m_session, &CaseSession::snapshotReady, this, &TuningDock::showSnapshot);
    connect(
        m_session, &CaseSession::profileReplaced, this, [this] { m_thresholds->load(m_session->workingProfile()); });
    connect(m_session, &CaseSession::tuningChanged, this, &TuningDock::updateHeader);
    connect(m_session, &CaseSession::busyChanged, this, &TuningDock::updateHeader);
    updateHeader();
}

void TuningDock::showSnapshot(const SnapshotPtr& snapshot)
{
    const bool newCase = !m_snapshot || m_snapshot->data != snapshot->data;
    m_snapshot = snapshot;
    m_allowlist->setSnapshot(snapshot);
    m_catalog->setSnapshot(snapshot);
    if (newCase || m_historyShownFor != snapshot->savedVersion) {
        m_history->setVersions(m_session->profileVersions(), snapshot->savedVersion);
        m_historyShownFor = snapshot->savedVersion;
    }
    updateHeader();
}

void TuningDock::updateHeader()
{
    const bool ready = m_snapshot != nullptr;
    const bool tuning = m_session->isTuning();
    const bool modified = ready && (m_session->workingProfile() != m_snapshot->savedProfile);
    // Nothing to tune before a case is open; nothing new to save when the working profile is the saved one.
    m_tabs->setEnabled(ready);
    m_save->setEnabled(ready && !tuning && !m_session->isBusy() && (modified || m_snapshot->savedVersion == 0));
    m_revert->setEnabled(ready && modified);
    if (!ready) {
        m_whatIf->setText(tr("Open a case to tune its rule and score."));
        return;
    }
    const QString baseline = m_snapshot->savedVersion > 0 ? tr("saved version %1").arg(m_snapshot->savedVersion)
                                                          : tr("the default profile (nothing saved yet)");
    QString text;
    if (tuning)
        text = tr("Re-evaluating…");
    else if (!modified)
        text = tr("Working profile = %1.").arg(baseline);
    else
        text = tr("What-if against %1: <b>+%2</b> new alert(s), <b>−%3</b> no longer alerting.")
                   .arg(baseline)
                   .arg(m_snapshot->added.size())
                   .arg(m_snapshot->removed.size());
    text += tr(" <span style='color:gray'>Engine %1 ms · %2 allowlisted hidden</span>")
                .arg(m_snapshot->engineMilliseconds, 0, 'f', 1)
                .arg(m_snapshot->analysis.summary.flowsAllowlisted);
    m_whatIf->setText(text);
}

void TuningDock::tuneAllowlist(const std::function<void(std::vector<AllowlistEntry>&)>& edit)
{
    Profile profile = m_session->workingProfile();
    edit(profile.allowlist);
    if (const auto valid = validateProfile(profile); !valid) {
        QMessageBox::warning(this, tr("Allowlist"), QString::fromStdString(valid.error()));
        return;
    }
    m_session->tune(profile);
}

bool TuningDock::tuneCatalog(const std::vector<CatalogEntry>& catalog, QString& error)
{
    Profile profile = m_session->workingProfile();
    profile.catalog = catalog;
    if (const auto valid = validateProfile(profile); !valid) {
        error = tr("The catalog was not changed: %1").arg(QString::fromStdString(valid.error()));
        m_catalog->setSnapshot(m_snapshot); // back to the catalog in use
        return false;
    }
    m_session->tune(profile);
    return true;
}

bool TuningDock::considerAllDestinations()
{
    std::vector<CatalogEntry> catalog = m_session->workingProfile().catalog;
    if (std::find(catalog.begin(), catalog.end(), CatalogPanel::anyDestination()) != catalog.end())
        return false;
    catalog.push_back(CatalogPanel::anyDestination());
    QString error;
    return tuneCatalog(catalog, error);
}

void TuningDock::showCatalog()
{
    show();
    raise();
    m_tabs->setCurrentWidget(m_catalog);
    m_catalog->view()->setFocus();
}

bool TuningDock::addAllowlistEntry(const AllowlistEntry& prefill)
{
    if (!m_snapshot)
        return false;
    std::set<std::string> taken;
    for (const AllowlistEntry& entry : m_session->workingProfile().allowlist)
        taken.insert(entry.id);
    AllowlistEntryDialog dialog(taken, this);
    dialog.setWindowTitle(tr("Add allowlist entry"));
    AllowlistEntry filled = prefill;
    if (filled.author.empty())
        filled.author = analystName().toStdString();
    dialog.setEntry(filled);
    dialog.setReason(QString::fromStdString(prefill.reason));
    if (dialog.exec() != QDialog::Accepted)
        return false;
    const AllowlistEntry entry = dialog.entry();
    rememberAnalystName(QString::fromStdString(entry.author));
    tuneAllowlist([&](std::vector<AllowlistEntry>& entries) { entries.push_back(entry); });
    return true;
}

bool TuningDock::editAllowlistEntry(const QString& id)
{
    const auto& entries = m_session->workingProfile().allowlist;
    const auto it = std::find_if(
        entries.begin(), entries.end(), [&](const AllowlistEntry& entry) { return entry.id == id.toStdString(); });
    if (it == entries.end())
        return false;
    std::set<std::string> taken;
    for (const AllowlistEntry& entry : entries)
        if (entry.id != it->id)
            taken.insert(entry.id);
    AllowlistEntryDialog dialog(taken, this);
    dialog.setWindowTitle(tr("Edit allowlist entry"));
    dialog.setEntry(*it);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    const AllowlistEntry edited = dialog.entry();
    const auto position = it - entries.begin();
    tuneAllowlist([&](std::vector<AllowlistEntry>& list) { list[static_cast<std::size_t>(position)] = edited; });
    return true;
}

void TuningDock::removeAllowlistEntry(const QString& id)
{
    tuneAllowlist([&](std::vector<AllowlistEntry>& entries) {
        std::erase_if(entries, [&](const AllowlistEntry& entry) { return entry.id == id.toStdString(); });
    });
}

bool TuningDock::saveVersion()
{
    if (!m_snapshot)
        return false;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Save profile version"));
    auto* form = new QFormLayout(&dialog);
    auto* note = new QLineEdit(&dialog);
    note->setPlaceholderText(tr("What changed and why (e.g. allowlisted the Contoso agent, CHG-1234)"));
    auto* author = new QLineEdit(analystName(), &dialog);
    const auto changes = diffProfiles(m_snapshot->savedProfile, m_session->workingProfile());
    auto* summary = new QLabel(changes.empty() ? tr("No change from the saved profile.")
                                               : tr("%n setting(s) changed.", nullptr, int(changes.size())),
        &dialog);
    summary->setToolTip(plainToolTip(QString::fromStdString(formatProfileDiff(changes))));
    form->addRow(tr("&Note"), note);
    form->addRow(tr("&Author"), author);
    form->addRow(summary);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    dialog.resize(520, dialog.sizeHint().height());
    if (dialog.exec() != QDialog::Accepted)
        return false;
    rememberAnalystName(author->text());
    return saveVersion(note->text(), author->text());
}

bool TuningDock::saveVersion(const QString& note, const QString& author)
{
    if (const auto saved = m_session->saveProfile(author, note); !saved) {
        QMessageBox::warning(this, tr("Save profile version"),
            tr("The profile was not saved: %1").arg(QString::fromStdString(saved.error())));
        return false;
    }
    return true;
}

void TuningDock::revertToSaved()
{
    if (m_snapshot)
        m_session->replaceProfile(m_snapshot->savedProfile);
}

bool TuningDock::loadVersion(std::int64_t version)
{
    for (const ProfileVersion& saved : m_session->profileVersions()) {
        if (saved.id != version)
            continue;
        const auto profile = parseProfile(saved.json);
        if (!profile) {
            QMessageBox::warning(this, tr("Load profile version"),
                tr("Version %1 cannot be used: %2").arg(version).arg(QString::fromStdString(profile.error())));
            return false;
        }
        m_session->replaceProfile(*profile);
        return true;
    }
    return false;
}

QString TuningDock::compareVersions(std::int64_t version, std::int64_t other) const
{
    std::optional<Profile> before, after;
    if (other == 0)
        after = m_session->workingProfile();
    std::string error;
    const auto read = [&error](const ProfileVersion& saved, std::optional<Profile>& into) {
        auto profile = parseProfile(saved.json);
        if (profile)
            into = std::move(*profile);
        else
            error = profile.error();
    };
    for (const ProfileVersion& saved : m_session->profileVersions()) {
        if (saved.id == version)
            read(saved, before);
        if (saved.id == other)
            read(saved, after);
    }
    if (!before || !after)
        return tr("A version cannot be read: %1").arg(QString::fromStdString(error));
    const auto changes = diffProfiles(*before, *after);
    return changes.empty() ? tr("No differences.") : QString::fromStdString(formatProfileDiff(changes));
}

bool TuningDock::importProfile(const QString& path, QString& error)
{
    const auto profile = loadProfile(path.toStdString());
    if (!profile) {
        error = QString::fromStdString(profile.error());
        return false;
    }
    m_session->replaceProfile(*profile);
    return true;
}

bool TuningDock::exportProfile(const QString& path, QString& error) const
{
    QSaveFile file(path);
    const std::string json = profileToJson(m_session->workingProfile());
    if (!file.open(QIODevice::WriteOnly) || file.write(json.data(), qint64(json.size())) != qint64(json.size())
        || !file.commit()) {
        error = file.errorString();
        return false;
    }
    return true;
}

} // namespace cepheid::ui
