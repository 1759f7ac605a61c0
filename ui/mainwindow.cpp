#include "mainwindow.h"

#include "exports/reportdialog.h"
#include "imports/clickhousedialog.h"
#include "imports/databasesourcebar.h"
#include "models/changesmodel.h"
#include "models/changetext.h"
#include "models/findingsfilter.h"
#include "models/findingsmodel.h"
#include "models/qtext.h"
#include "models/tablecopy.h"
#include "session/analystname.h"
#include "session/caseexport.h"
#include "session/lastfolder.h"
#include "theme.h"
#include "triage/triagedialog.h"
#include "tuning/tuningdock.h"
#include "views/changesview.h"
#include "views/flowdetail.h"
#include "views/hostview.h"
#include "views/sparklinedelegate.h"
#include "views/tablesetup.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <functional>
#include <map>

namespace cepheid::ui {

namespace {
constexpr int kMaxRecent = 8;

// A server as a case records it (user, host, port, database), however the URL was typed: the key of the passwords
// given in this run.
QString serverKey(const QString& url)
{
    const auto endpoint = ClickHouseEndpoint::parse(url.trimmed().toStdString());
    return endpoint ? QString::fromStdString(endpoint->display()) : url.trimmed();
}

const QString kCaseSuffix = QStringLiteral("cepheid");
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_session(new CaseSession(this))
    , m_model(new FindingsModel(this))
    , m_filter(new FindingsFilter(this))
    , m_pages(new QStackedWidget(this))
    , m_progress(new QProgressBar(this))
    , m_progressText(new QLabel(this))
    , m_rejects(new QPushButton(this))
    , m_progressDelay(new QTimer(this))
{
    setWindowTitle(tr("Cepheid"));
    setAcceptDrops(true);
    m_filter->setSourceModel(m_model);
    m_pages->addWidget(createEmptyState());
    m_pages->addWidget(createViews());
    // The database source bar sits above whatever page shows, so that its offer is seen before the findings.
    m_sourceBar = new DatabaseSourceBar(this);
    connect(m_sourceBar, &DatabaseSourceBar::refreshRequested, this, &MainWindow::refreshDatabaseSource);
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_sourceBar);
    centralLayout->addWidget(m_pages, 1);
    setCentralWidget(central);
    m_tuning = new TuningDock(m_session, this);
    addDockWidget(Qt::RightDockWidgetArea, m_tuning);
    connect(m_tuning, &TuningDock::changedOnlyToggled, m_filter, &FindingsFilter::setChangedOnly);
    createActions();

    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_progressText->hide();
    m_rejects->setFlat(true);
    m_rejects->hide();
    statusBar()->addPermanentWidget(m_progressText);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_rejects);
    connect(m_rejects, &QPushButton::clicked, this, &MainWindow::showRejects);
    // Progress appears only for work that takes a while: quick jobs never flash a bar.
    m_progressDelay->setSingleShot(true);
    m_progressDelay->setInterval(500);
    connect(m_progressDelay, &QTimer::timeout, this, [this] {
        m_progress->show();
        m_progressText->show();
    });

    connect(m_session, &CaseSession::busyChanged, this, &MainWindow::setBusy);
    connect(m_session, &CaseSession::progress, this, &MainWindow::showProgress);
    connect(m_session, &CaseSession::fetchProgress, this, &MainWindow::showFetchProgress);
    connect(m_session, &CaseSession::serverProgress, this, &MainWindow::showServerProgress);
    connect(m_session, &CaseSession::snapshotReady, this, &MainWindow::showSnapshot);
    connect(m_session, &CaseSession::failed, this, [this](const QString& message) {
        // Imports wait only while their new case is being created: a failure then is that case's, and the imports
        // are dropped (the ClickHouse one with its password) rather than run in whichever case is opened next.
        m_pendingImports.clear();
        m_pendingClickHouse.reset();
        m_caseOpening = false;
        if (!m_lastClickHouseUrl.isEmpty()) // a refused login must not be tried again unasked
            m_clickHousePasswords.remove(std::exchange(m_lastClickHouseUrl, QString()));
        statusBar()->showMessage(message, 15000);
        if (isVisible())
            QMessageBox::warning(this, tr("Cepheid"), message);
    });
    connect(
        m_session, &CaseSession::message, this, [this](const QString& text) { statusBar()->showMessage(text, 10000); });

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        fitScreen();
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray()))
        resizeDocks({ m_tuning }, { std::clamp(width() * 2 / 9, 280, 420) }, Qt::Horizontal);
    m_splitterRestored = m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_changes->splitter()->restoreState(settings.value(QStringLiteral("window/changesSplitter")).toByteArray());
    updateRecentMenu();
}

MainWindow::~MainWindow() = default;

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (!m_splitterRestored) {
        // First start: the table and the detail share the central width equally (the charts need the room).
        m_splitterRestored = true;
        const int half = std::max(1, m_splitter->width() / 2);
        m_splitter->setSizes({ half, half });
        m_changes->splitter()->setSizes({ half, half });
    }
}

void MainWindow::fitScreen()
{
    // A first start: most of the available screen (never more than it), centred.
    const QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    if (!screen)
        return;
    const QRect available = screen->availableGeometry();
    const QSize size(std::min(available.width() - 40, std::max(960, available.width() * 9 / 10)),
        std::min(available.height() - 40, std::max(640, available.height() * 9 / 10)));
    resize(size.boundedTo(available.size()));
    move(available.center() - rect().center());
}

QString MainWindow::samplePath()
{
    // The system's data folders (/usr/share, /usr/local/share, ~/.local/share), then beside the executable's
    // prefix (an installation under /opt, or the build tree, which lays the sample out the same way).
    const QString relative = QStringLiteral("cepheid/samples/chronicle-udm-sample.ndjson.gz");
    const QStringList candidates { QStandardPaths::locate(QStandardPaths::GenericDataLocation, relative),
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/") + relative };
    for (const QString& candidate : candidates)
        if (QFileInfo::exists(candidate)) // locate() gives "" when it finds nothing, and "" does not exist
            return QFileInfo(candidate).canonicalFilePath();
    return {};
}

QWidget* MainWindow::createEmptyState()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* text = new QLabel(
        tr("<h2>Cepheid</h2><p>Hunt command-and-control beacons over serverless infrastructure.</p>"
           "<p>Open a case (<b>Ctrl+O</b>), or import Chronicle UDM JSON exports (<b>Ctrl+I</b>) — or drop files "
           "here.</p><p>New here? Open the bundled sample: two days of traffic with implants the seed rule misses "
           "and fleet agents it over-reports.</p>"),
        page);
    text->setAlignment(Qt::AlignCenter);
    text->setWordWrap(true);
    auto* sample = new QPushButton(tr("Open the bundled sample"), page);
    sample->setEnabled(!samplePath().isEmpty());
    connect(sample, &QPushButton::clicked, this, [this] { importFiles({ samplePath() }); });
    layout->addStretch();
    layout->addWidget(text);
    layout->addWidget(sample, 0, Qt::AlignCenter);
    layout->addStretch();
    return page;
}

QWidget* MainWindow::createNoFindings()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    m_noFindingsText = new QLabel(page);
    m_noFindingsText->setWordWrap(true);
    m_noFindingsText->setTextFormat(Qt::RichText);
    m_noFindingsText->setAlignment(Qt::AlignCenter);
    m_considerAll = new QPushButton(tr("Consider &All Destinations"), page);
    m_considerAll->setToolTip(tr("Adds a catalog pattern matching every hostname to the working profile"));
    m_editCatalog = new QPushButton(tr("&Edit Catalog…"), page);
    m_clearFiltersButton = new QPushButton(tr("&Clear Filters"), page);
    connect(m_considerAll, &QPushButton::clicked, this, [this] { m_tuning->considerAllDestinations(); });
    connect(m_editCatalog, &QPushButton::clicked, this, [this] { m_tuning->showCatalog(); });
    connect(m_clearFiltersButton, &QPushButton::clicked, this, &MainWindow::clearFilters);
    auto* buttons = new QHBoxLayout();
    buttons->addStretch();
    buttons->addWidget(m_considerAll);
    buttons->addWidget(m_editCatalog);
    buttons->addWidget(m_clearFiltersButton);
    buttons->addStretch();
    layout->addStretch();
    layout->addWidget(m_noFindingsText);
    layout->addLayout(buttons);
    layout->addStretch(2);
    return page;
}

bool MainWindow::showsNoFindings() const
{
    return m_tableStack->currentIndex() == 1;
}

QString MainWindow::noFindingsText() const
{
    return m_noFindingsText->text();
}

void MainWindow::updateEmptyState()
{
    const SnapshotPtr snapshot = m_model->snapshot();
    const bool noEvents = snapshot && snapshot->events.size() == 0;
    const bool noFindings = snapshot && !noEvents && m_model->rowCount() == 0;
    const bool allFiltered = m_model->rowCount() > 0 && m_filter->rowCount() == 0;
    m_tableStack->setCurrentIndex(noEvents || noFindings || allFiltered ? 1 : 0);
    m_considerAll->setVisible(noFindings);
    m_editCatalog->setVisible(noFindings);
    m_clearFiltersButton->setVisible(allFiltered);
    if (noEvents) {
        // A new case, or one whose import is still to come: nothing to match against the catalog yet.
        m_noFindingsText->setText(tr("<h3>No events in this case yet</h3><p>Import exports (<b>Ctrl+I</b>) or drop "
                                     "files here.</p>"));
    } else if (allFiltered) {
        m_noFindingsText->setText(tr("<h3>No finding matches the filters</h3><p>%n finding(s) are hidden by the "
                                     "filters above. Esc clears them.</p>",
            nullptr, m_model->rowCount()));
    } else if (noFindings) {
        // The destinations of the capture, busiest first, so the analyst sees what the catalog left out.
        std::map<StringId, std::uint64_t> byDestination;
        for (const Flow& flow : snapshot->flows.flows())
            byDestination[flow.key.destination] += flow.entryCount;
        std::vector<std::pair<std::uint64_t, StringId>> busiest;
        for (const auto& [destination, events] : byDestination)
            busiest.emplace_back(events, destination);
        std::sort(busiest.rbegin(), busiest.rend());
        QStringList names;
        for (std::size_t i = 0; i < std::min<std::size_t>(3, busiest.size()); ++i)
            names << toDisplayText(snapshot->events.text(busiest[i].second)).toHtmlEscaped();
        m_noFindingsText->setText(
            tr("<h3>0 of %1 destinations match the catalog</h3><p>Cepheid scores the destinations a serverless "
               "platform of the catalog, or the rule's regex, matches. None of this case's %1 destinations does%2.</p>"
               "<p>Consider every destination to score them all, or add the platform they run on to the "
               "catalog.</p>")
                .arg(byDestination.size())
                .arg(names.isEmpty() ? QString() : tr(" (the busiest: %1)").arg(names.join(QStringLiteral(", ")))));
    }
}

QWidget* MainWindow::createViews()
{
    // Two pages over one case: the flows' findings and the cloud changes. The tab bar shows only when the case has
    // audit records (or the analyst opened the changes page), so a network-only case looks as it always did.
    m_views = new QTabWidget(this);
    m_views->setDocumentMode(true);
    m_views->addTab(createWorkbench(), tr("Findings"));
    m_changes = new ChangesView([this](EventIndex event) { return m_session->rawRecord(event); }, m_views);
    m_views->addTab(m_changes, tr("Cloud changes"));
    m_views->setTabToolTip(FindingsPage, tr("The flows' beacon findings (Ctrl+1)"));
    m_views->setTabToolTip(ChangesPage, tr("Who deployed, changed or exposed the functions the flows reach (Ctrl+2)"));
    connect(m_views, &QTabWidget::currentChanged, this, &MainWindow::updateViewTabs);
    connect(m_changes, &ChangesView::flowActivated, this, [this](std::uint32_t flowIndex) {
        if (selectFlow(flowIndex))
            m_table->setFocus();
        else
            statusBar()->showMessage(
                tr("That flow is not a finding: its destination matches no catalog pattern."), 8000);
    });
    connect(m_changes, &ChangesView::triageRequested, this, &MainWindow::editTriage);
    connect(m_detail, &FlowDetail::changeActivated, this, &MainWindow::showChange);
    updateViewTabs();
    return m_views;
}

void MainWindow::updateViewTabs()
{
    const SnapshotPtr snapshot = m_model->snapshot();
    const std::size_t changes = snapshot ? snapshot->cloud.changes.size() : 0;
    const std::uint64_t alerting = snapshot ? snapshot->cloud.alerting : 0;
    m_views->setTabText(ChangesPage,
        changes == 0       ? tr("Cloud changes")
            : alerting > 0 ? tr("Cloud changes (%1, %2 alerting)").arg(changes).arg(alerting)
                           : tr("Cloud changes (%1)").arg(changes));
    const bool audit = snapshot && snapshot->events.cloudEventCount() > 0;
    m_views->tabBar()->setVisible(audit || m_views->currentIndex() != FindingsPage);
}

QWidget* MainWindow::createWorkbench()
{
    auto* splitter = m_splitter = new QSplitter(Qt::Horizontal, this);
    auto* left = new QWidget(splitter);
    auto* layout = new QVBoxLayout(left);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* filters = new QHBoxLayout();
    m_search = new QLineEdit(left);
    m_search->setPlaceholderText(tr("Filter host, destination, process… (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_verdict = new QComboBox(left);
    m_verdict->addItem(tr("All verdicts"), 0);
    m_verdict->addItem(tr("Possible or more"), static_cast<int>(Verdict::Possible));
    m_verdict->addItem(tr("Likely or more"), static_cast<int>(Verdict::Likely));
    m_verdict->addItem(tr("Beacon"), static_cast<int>(Verdict::Beacon));
    m_triage = new QComboBox(left);
    m_triage->addItem(tr("Any triage"), QString());
    for (const QString& status : triageStatuses())
        m_triage->addItem(status, status);
    m_platform = new QComboBox(left);
    m_platform->addItem(tr("Any platform"), QString());
    m_source = new QComboBox(left);
    m_source->addItem(tr("Any source"), -1);
    m_source->setToolTip(tr("Only flows with events from this file (a case may mix formats)"));
    m_fired = new QCheckBox(tr("Rule fires"), left);
    m_disagree = new QCheckBox(tr("Rule and score disagree"), left);
    m_showAllowlisted = new QCheckBox(tr("Show allowlisted"), left);
    m_showAllowlisted->setToolTip(
        tr("Allowlisted findings are hidden; shown, they are grey and italic (Ctrl+Shift+A)"));
    // The text filter gets its own row and the quick filters two more: side by side they would set a minimum width
    // that pushes the detail pane and the dock off a 1366 px screen (or any screen at scale 2).
    for (QComboBox* box : { m_verdict, m_triage, m_platform, m_source }) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(8);
    }
    auto* toggles = new QHBoxLayout();
    layout->addWidget(m_search);
    filters->addWidget(m_verdict, 1);
    filters->addWidget(m_triage, 1);
    filters->addWidget(m_platform, 2);
    filters->addWidget(m_source, 2);
    toggles->addWidget(m_fired);
    toggles->addWidget(m_disagree);
    toggles->addWidget(m_showAllowlisted);
    toggles->addStretch();
    layout->addLayout(filters);
    layout->addLayout(toggles);
    m_table = new QTableView(left);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FindingsModel::Score, Qt::DescendingOrder);
    m_table->setMinimumWidth(280);
    setUpRowTable(m_table,
        { { FindingsModel::Verdict, 8 }, { FindingsModel::Score, 6 }, { FindingsModel::Rule, 10 },
            { FindingsModel::Cloud, 6 }, { FindingsModel::Host, 30 }, { FindingsModel::Destination, 36 },
            { FindingsModel::Process, 16 }, { FindingsModel::Events, 7 }, { FindingsModel::Period, 8 },
            { FindingsModel::Jitter, 11 }, { FindingsModel::FirstSeen, 19 }, { FindingsModel::LastSeen, 19 } });
    m_table->setItemDelegateForColumn(FindingsModel::Activity, new SparklineDelegate(m_model, m_filter, m_table));
    m_table->setColumnWidth(FindingsModel::Activity, 110);
    // An empty table explains itself: no destination matched the catalog, or the filters hide every finding.
    m_tableStack = new QStackedWidget(left);
    m_tableStack->addWidget(m_table);
    m_tableStack->addWidget(createNoFindings());
    layout->addWidget(m_tableStack, 1);
    m_summary = new QLabel(left);
    m_summary->setWordWrap(true); // a long one-line summary would set the pane's minimum width
    layout->addWidget(m_summary);
    m_detail = new FlowDetail([this](EventIndex event) { return m_session->rawRecord(event); }, splitter);
    splitter->addWidget(left);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    m_detail->setMinimumWidth(320);

    connect(m_search, &QLineEdit::textChanged, m_filter, &FindingsFilter::setText);
    connect(m_verdict, &QComboBox::currentIndexChanged, this,
        [this] { m_filter->setMinimumVerdict(m_verdict->currentData().toInt()); });
    connect(m_triage, &QComboBox::currentIndexChanged, this,
        [this] { m_filter->setTriageStatus(m_triage->currentData().toString()); });
    connect(m_platform, &QComboBox::currentIndexChanged, this,
        [this] { m_filter->setPlatform(m_platform->currentData().toString()); });
    connect(m_source, &QComboBox::currentIndexChanged, this,
        [this] { m_filter->setSource(m_source->currentData().toInt()); });
    connect(m_fired, &QCheckBox::toggled, m_filter, &FindingsFilter::setRuleFiredOnly);
    connect(m_disagree, &QCheckBox::toggled, m_filter, &FindingsFilter::setDisagreementOnly);
    connect(m_showAllowlisted, &QCheckBox::toggled, m_filter, &FindingsFilter::setShowAllowlisted);
    connect(m_detail->hostView(), &HostView::flowContextMenuRequested, this, &MainWindow::showFlowMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::showSelectedFinding);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::showSelectedFinding);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_shownRow = -1; // another case or analysis: rows mean other findings
        m_hiddenShown = false;
    });
    // Filtering and re-sorting can take the current row away without a currentRowChanged: check once the proxy
    // has settled.
    const auto follow = [this] {
        QTimer::singleShot(0, this, &MainWindow::followTable);
        updateEmptyState();
    };
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, follow); // a filter cleared: highlight it again
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, follow);
    connect(m_filter, &QAbstractItemModel::modelReset, this, follow);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, follow);
    // A click on a host lane opens that flow, when it is a finding.
    connect(m_detail->hostView(), &HostView::flowActivated, this, [this](std::uint32_t flowIndex) {
        if (!selectFlow(flowIndex))
            statusBar()->showMessage(
                tr("That destination is not a serverless platform: it is shown for context only."), 5000);
    });
    return splitter;
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* create = file->addAction(tr("&New Case…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("New case"), lastFolder(QStringLiteral("cases")), tr("Cepheid cases (*.cepheid)"));
        rememberFolder(QStringLiteral("cases"), path);
        if (!path.isEmpty())
            openCase(path.endsWith(u'.' + kCaseSuffix) ? path : path + u'.' + kCaseSuffix, true);
    });
    create->setShortcut(QKeySequence::New);
    QAction* open = file->addAction(tr("&Open Case…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open case"), lastFolder(QStringLiteral("cases")), tr("Cepheid cases (*.cepheid);;All files (*)"));
        rememberFolder(QStringLiteral("cases"), path);
        if (!path.isEmpty())
            openCase(path);
    });
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_importAction = file->addAction(tr("&Import Exports…"), this, [this] {
        const QStringList paths
            = QFileDialog::getOpenFileNames(this, tr("Import exports"), lastFolder(QStringLiteral("exports")),
                tr("Telemetry exports (*.json *.ndjson *.jsonl *.csv *.xml *.evtx *.log *.txt *.gz);;All files (*)"));
        if (!paths.isEmpty()) {
            rememberFolder(QStringLiteral("exports"), paths.front());
            importFiles(paths);
        }
    });
    m_importAction->setShortcut(QKeySequence(tr("Ctrl+I")));
    m_clickHouseAction = file->addAction(tr("Import from &ClickHouse…"), this, [this] {
        ClickHouseDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted)
            importFromClickHouse(dialog.request());
    });
    m_clickHouseAction->setShortcut(QKeySequence(tr("Ctrl+Shift+I")));
    m_refreshClickHouseAction = file->addAction(tr("&Refresh from ClickHouse…"), this, [this] {
        // The newest database source: a case made from the server usually has one.
        const SnapshotPtr snapshot = m_session->snapshot();
        const CaseSource* newest = snapshot ? newestRefreshableClickHouseSource(snapshot->sources) : nullptr;
        if (!newest)
            statusBar()->showMessage(tr("This case holds no events fetched from ClickHouse."), 5000);
        else
            refreshDatabaseSource(newest->id, false);
    });
    m_refreshClickHouseAction->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    m_refreshClickHouseAction->setEnabled(false);
    file->addAction(tr("Open the Bundled &Sample"), this, [this] { importFiles({ samplePath() }); });
    file->addAction(tr("&Verify Case"), this, [this] { verifyCase(); });
    // Exports: the case report for the ticket, the findings as the CLI's `report` writes them, and the tuned rule for
    // Chronicle.
    QMenu* exports = file->addMenu(tr("E&xport"));
    QAction* report = exports->addAction(tr("Case &Report (HTML or PDF)…"), this, [this] { showReportDialog(); });
    report->setShortcut(QKeySequence::Print);
    const auto exportTo
        = [this](FindingsFormat format, const QString& title, const QString& suffix, const QString& filter) {
              const QString path = QFileDialog::getSaveFileName(this, title,
                  lastFolder(QStringLiteral("reports")) + QStringLiteral("/cepheid-findings.") + suffix, filter);
              rememberFolder(QStringLiteral("reports"), path);
              if (!path.isEmpty())
                  exportFindingsTo(format, path);
          };
    exports->addAction(tr("Findings as &CSV…"), this, [exportTo] {
        exportTo(FindingsFormat::Csv, tr("Export findings (CSV)"), QStringLiteral("csv"), tr("CSV (*.csv)"));
    });
    exports->addAction(tr("Findings as &JSON…"), this, [exportTo] {
        exportTo(FindingsFormat::Json, tr("Export findings (JSON)"), QStringLiteral("json"), tr("JSON (*.json)"));
    });
    exports->addAction(tr("&STIX Bundle of Malicious Findings…"), this, [exportTo] {
        exportTo(FindingsFormat::Stix, tr("Export STIX 2.1 bundle"), QStringLiteral("stix.json"), tr("STIX (*.json)"));
    });
    exports->addAction(tr("Tuned &Rule for Chronicle…"), this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Folder for the tuned rule and its lists"), lastFolder(QStringLiteral("rules")));
        if (!folder.isEmpty()) {
            QSettings().setValue(QStringLiteral("lastFolder/rules"), folder);
            exportTunedRuleTo(folder);
        }
    });
    file->addSeparator();
    m_cancelAction = file->addAction(tr("&Cancel Import"), m_session, &CaseSession::cancel);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setEnabled(false);
    // Esc cancels a running import; when nothing runs, it clears the filters (the two are never enabled together).
    m_clearFiltersAction = new QAction(tr("&Clear Filters"), this);
    m_clearFiltersAction->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(m_clearFiltersAction, &QAction::triggered, this, &MainWindow::clearFilters);
    addAction(m_clearFiltersAction);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("F&indings"), this, [this] { m_views->setCurrentIndex(FindingsPage); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    view->addAction(tr("&Cloud Changes"), this,
            [this] {
                m_views->setCurrentIndex(ChangesPage);
                m_changes->table()->setFocus();
            })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    view->addSeparator();
    QAction* find = view->addAction(tr("&Filter Findings"), this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    view->addAction(m_clearFiltersAction);
    for (int tab = FlowDetail::WhyTab; tab <= FlowDetail::HostTab; ++tab) {
        QAction* action = view->addAction(
            m_detail->tabs()->tabText(tab).remove(u'&'), this, [this, tab] { m_detail->tabs()->setCurrentIndex(tab); });
        action->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + tab)));
    }

    view->addSeparator();
    QMenu* themes = view->addMenu(tr("T&heme"));
    auto* themeGroup = new QActionGroup(this);
    for (const auto& [label, theme] : { std::pair { tr("&System"), Theme::System },
             std::pair { tr("&Light"), Theme::Light }, std::pair { tr("&Dark"), Theme::Dark } }) {
        QAction* action = themes->addAction(label, this, [this, theme = theme] {
            applyTheme(theme);
            saveTheme(theme);
            if (!m_hiddenShown)
                showRow(m_shownRow); // the Why tab's colours are chosen when it is written
        });
        action->setCheckable(true);
        action->setChecked(theme == savedTheme());
        themeGroup->addAction(action);
    }

    QMenu* findingMenu = menuBar()->addMenu(tr("F&inding"));
    QAction* triage = findingMenu->addAction(tr("Set &Triage…"), this, &MainWindow::editTriage);
    triage->setShortcut(QKeySequence(tr("Ctrl+T")));
    QAction* linked = findingMenu->addAction(tr("&Go to Linked Change or Flow"), this, &MainWindow::goToLinked);
    linked->setShortcut(QKeySequence(tr("Ctrl+J")));
    linked->setToolTip(tr("From a finding to the most severe cloud change linked to it; from a cloud change to the "
                          "flow chosen in its linked flows"));
    installRowCopy(m_table);
    m_table->addAction(triage);
    m_table->addAction(linked);
    // The changes table's menu: copy, triage and the way to the linked flow, as the findings'.
    m_changes->table()->addAction(triage);
    m_changes->table()->addAction(linked);
    m_changes->table()->setContextMenuPolicy(Qt::ActionsContextMenu);
    // The table's menu: the clicked cell's value (copy it, filter on it), then the actions on the selected rows.
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint& position) {
        const QModelIndex index = m_table->indexAt(position);
        QMenu menu(this);
        const QString value = index.data().toString();
        if (index.isValid() && !value.isEmpty()) {
            menu.addAction(tr("Copy Value"), this, [value] { QGuiApplication::clipboard()->setText(value); });
            menu.addAction(tr("Filter on This Value"), this, [this, value] { m_search->setText(value); });
            menu.addSeparator();
        }
        menu.addActions(m_table->actions());
        menu.exec(m_table->viewport()->mapToGlobal(position));
    });

    findingMenu->addSeparator();
    const std::pair<QString, AllowlistEntryDialog::Kind> allowlistActions[]
        = { { tr("Allowlist This &Destination…"), AllowlistEntryDialog::Destination },
              { tr("Allowlist This &Process on This Host…"), AllowlistEntryDialog::ProcessOnHost },
              { tr("Allowlist This &Flow…"), AllowlistEntryDialog::Flow } };
    for (const auto& [label, kind] : allowlistActions) {
        QAction* action = findingMenu->addAction(label, this, [this, kind = kind] { allowlistCurrentFinding(kind); });
        action->setObjectName(QStringLiteral("allowlist-%1").arg(int(kind)));
        if (kind == AllowlistEntryDialog::Flow)
            action->setShortcut(QKeySequence(tr("Ctrl+L")));
        m_table->addAction(action);
    }

    createTuningActions();
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts)
        ->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Cepheid"), this, [this] {
        QMessageBox::about(this, tr("About Cepheid"),
            tr("<p><b>Cepheid %1</b></p><p>Reproduces the Chronicle rule "
               "t1584_007_serverless_c2_beaconing on exported events and scores beacons over "
               "serverless infrastructure.</p>")
                .arg(QCoreApplication::applicationVersion()));
    });

    QToolBar* tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->addAction(open);
    tools->addAction(m_importAction);
    tools->addAction(m_cancelAction);
}

void MainWindow::createTuningActions()
{
    QMenu* menu = menuBar()->addMenu(tr("&Tuning"));
    QAction* panel = m_tuning->toggleViewAction();
    panel->setText(tr("Tuning &Panel"));
    panel->setShortcut(QKeySequence(tr("Ctrl+Shift+T")));
    menu->addAction(panel);
    QAction* save = menu->addAction(tr("&Save Profile Version…"), m_tuning, qOverload<>(&TuningDock::saveVersion));
    save->setShortcut(QKeySequence::Save);
    menu->addAction(tr("&Revert to Saved Profile"), m_tuning, &TuningDock::revertToSaved);
    QAction* showAllowlisted = menu->addAction(tr("Show &Allowlisted Findings"));
    showAllowlisted->setCheckable(true);
    showAllowlisted->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
    connect(showAllowlisted, &QAction::toggled, m_showAllowlisted, &QCheckBox::setChecked);
    connect(m_showAllowlisted, &QCheckBox::toggled, showAllowlisted, &QAction::setChecked);
    menu->addSeparator();
    menu->addAction(tr("&Import Profile…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import profile"),
            lastFolder(QStringLiteral("profiles")), tr("Cepheid profiles (*.json);;All files (*)"));
        rememberFolder(QStringLiteral("profiles"), path);
        QString error;
        if (!path.isEmpty() && !m_tuning->importProfile(path, error))
            QMessageBox::warning(this, tr("Import profile"), tr("%1 was not imported:\n%2").arg(path, error));
        else if (!path.isEmpty())
            statusBar()->showMessage(tr("Profile %1 imported as the working profile: save it to keep it in the case.")
                                         .arg(QFileInfo(path).fileName()),
                10000);
    });
    menu->addAction(tr("&Export Profile…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export profile"),
            lastFolder(QStringLiteral("profiles")) + QStringLiteral("/cepheid-profile.json"),
            tr("Cepheid profiles (*.json)"));
        rememberFolder(QStringLiteral("profiles"), path);
        QString error;
        if (!path.isEmpty() && !m_tuning->exportProfile(path, error))
            QMessageBox::warning(this, tr("Export profile"), tr("%1 was not written: %2").arg(path, error));
        else if (!path.isEmpty())
            statusBar()->showMessage(
                tr("Profile written to %1 (cepheid-cli score --profile reads it).").arg(path), 10000);
    });
}

bool MainWindow::exportFindingsTo(FindingsFormat format, const QString& path)
{
    const SnapshotPtr snapshot = m_session->snapshot();
    if (!snapshot || m_session->isBusy()) {
        statusBar()->showMessage(tr("Nothing to export yet."), 5000);
        return false;
    }
    // The alerting findings, as the CLI's default; STIX shares what analysts triaged malicious.
    FindingSelection selection;
    if (format == FindingsFormat::Stix) {
        selection.kind = FindingSelection::Kind::Status;
        selection.status = "malicious";
    }
    QString error;
    if (!exportFindings(*snapshot, format, selection, path, error)) {
        QMessageBox::warning(this, tr("Export"), tr("Nothing was written: %1").arg(error));
        return false;
    }
    statusBar()->showMessage(tr("Written to %1.").arg(path), 10000);
    return true;
}

bool MainWindow::verifyCase()
{
    const QString path = m_session->casePath();
    if (path.isEmpty()) {
        statusBar()->showMessage(tr("No case to verify."), 5000);
        return false;
    }
    statusBar()->showMessage(tr("Verifying %1…").arg(QFileInfo(path).fileName()));
    auto* watcher = new QFutureWatcher<std::pair<QStringList, qulonglong>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
        const auto [problems, events] = watcher->result();
        watcher->deleteLater();
        const QString name = QFileInfo(path).fileName();
        statusBar()->showMessage(problems.isEmpty()
                ? tr("%1 verified: %2 events and their raw records read back, no problem.").arg(name).arg(events)
                : tr("%1: %n problem(s) found.", nullptr, int(problems.size())).arg(name),
            15000);
        if (!problems.isEmpty()) {
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Verify case"),
                tr("%1 is not sound. Do not trust its results; ask for the exports it was made from.").arg(name),
                QMessageBox::Close, this);
            box->setDetailedText(problems.join(u'\n'));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open(); // not exec(): the window stays usable
        }
        emit caseVerified(problems, events);
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QStringList problems;
        const auto caseFile = CaseFile::open(path.toStdString(), CaseFile::Mode::ReadOnly);
        if (!caseFile)
            return std::pair { QStringList { QString::fromStdString(caseFile.error()) }, qulonglong(0) };
        const CaseFile::Verification verification = (*caseFile)->verify();
        for (const std::string& problem : verification.problems)
            problems << QString::fromStdString(problem);
        return std::pair { problems, qulonglong(verification.events) };
    }));
    return true;
}

ReportDialog* MainWindow::showReportDialog()
{
    const SnapshotPtr snapshot = m_session->snapshot();
    if (!snapshot || m_session->isBusy() || m_session->casePath().isEmpty()) {
        statusBar()->showMessage(tr("Nothing to report yet."), 5000);
        return nullptr;
    }
    std::vector<std::uint32_t> selected;
    for (const QModelIndex& row : m_table->selectionModel()->selectedRows())
        if (const Finding* finding = m_model->finding(m_filter->mapToSource(row)))
            selected.push_back(finding->flowIndex);
    auto* dialog = new ReportDialog(snapshot, m_session->casePath(), std::move(selected), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ReportDialog::finished, this, [this](bool ok, const QString& path, const QString&) {
        if (ok)
            statusBar()->showMessage(tr("Case report written to %1.").arg(path), 10000);
    });
    dialog->show();
    return dialog;
}

bool MainWindow::exportTunedRuleTo(const QString& folder)
{
    const SnapshotPtr snapshot = m_session->snapshot();
    if (!snapshot) {
        statusBar()->showMessage(tr("Nothing to export yet."), 5000);
        return false;
    }
    const QString source = tr("Cepheid %1, case %2, working profile (saved version %3%4)")
                               .arg(QCoreApplication::applicationVersion(), QFileInfo(m_session->casePath()).fileName())
                               .arg(snapshot->savedVersion)
                               .arg(snapshot->isModified() ? tr(" with unsaved changes") : QString());
    QString error;
    QStringList leftOut;
    if (!exportTunedRule(m_session->workingProfile(), source, analystName(), folder, error, &leftOut)) {
        QMessageBox::warning(this, tr("Export tuned rule"), tr("Nothing was written: %1").arg(error));
        return false;
    }
    statusBar()->showMessage(leftOut.isEmpty()
            ? tr("Tuned rule and reference lists written to %1.").arg(folder)
            : tr("Tuned rule written to %1; left out: %2").arg(folder, leftOut.join(QStringLiteral("; "))),
        15000);
    return true;
}

bool MainWindow::selectFlow(std::uint32_t flowIndex)
{
    const SnapshotPtr snapshot = m_model->snapshot();
    const Finding* finding = snapshot ? findingOfFlow(snapshot->analysis, flowIndex) : nullptr;
    if (!finding)
        return false;
    const int row = static_cast<int>(finding - snapshot->analysis.findings.data());
    m_views->setCurrentIndex(FindingsPage);
    QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) {
        // The analyst asked for this flow: the filters that hide it give way, and the status bar says which.
        const QString reason = m_filter->hiddenReason(row);
        clearFilters();
        if (finding->allowlistEntry >= 0)
            m_showAllowlisted->setChecked(true);
        index = m_filter->mapFromSource(m_model->index(row, 0));
        statusBar()->showMessage(tr("Filters cleared to show the flow: %1.").arg(reason), 10000);
    }
    if (!index.isValid())
        return false;
    chooseRow(m_table, index.row()); // Ctrl+J's Ctrl is still down: selectRow() would toggle the row
    return true;
}

bool MainWindow::showChange(int changeIndex)
{
    m_views->setCurrentIndex(ChangesPage);
    return m_changes->selectChange(changeIndex);
}

void MainWindow::goToLinked()
{
    const SnapshotPtr snapshot = m_model->snapshot();
    if (!snapshot)
        return;
    if (m_views->currentIndex() == ChangesPage) {
        const std::int64_t flow = m_changes->detail()->chosenFlow();
        if (flow < 0)
            statusBar()->showMessage(tr("No flow of the case reaches this change's function."), 5000);
        else if (selectFlow(static_cast<std::uint32_t>(flow)))
            m_table->setFocus();
        return;
    }
    const int row = chosenRow();
    const Finding* finding = row >= 0 ? m_model->finding(m_model->index(row, 0)) : nullptr;
    const int change = finding ? m_model->mostSevereChange(*finding) : -1;
    if (change < 0) {
        statusBar()->showMessage(tr("No cloud change is linked to this finding's destination."), 5000);
        return;
    }
    showChange(change);
    m_changes->table()->setFocus();
}

bool MainWindow::allowlistFlow(std::uint32_t flowIndex, AllowlistEntryDialog::Kind kind)
{
    const SnapshotPtr snapshot = m_model->snapshot();
    if (!snapshot || flowIndex >= snapshot->flows.size())
        return false;
    const FlowKey& key = snapshot->flows.flow(flowIndex).key;
    AllowlistEntry entry;
    if (kind == AllowlistEntryDialog::Destination || kind == AllowlistEntryDialog::Flow)
        entry.domain = std::string(snapshot->events.text(key.destination));
    if (kind == AllowlistEntryDialog::ProcessOnHost || kind == AllowlistEntryDialog::Flow) {
        entry.process = std::string(snapshot->events.text(key.processPath));
        // The source IP names the host as the flow does (host names may be missing or shared).
        entry.host = std::string(snapshot->events.text(key.sourceIp));
    }
    entry.match = MatchMode::Exact;
    return m_tuning->addAllowlistEntry(entry);
}

bool MainWindow::allowlistCurrentFinding(AllowlistEntryDialog::Kind kind)
{
    // The highlighted finding, never a current row Qt moved on its own.
    const int row = chosenRow();
    const Finding* finding = row >= 0 ? m_model->finding(m_model->index(row, 0)) : nullptr;
    return finding && allowlistFlow(finding->flowIndex, kind);
}

QList<QPair<QString, QString>> MainWindow::shortcutList() const
{
    // Generated from the menus, so it cannot drift from what the keys do: every action with a shortcut, by menu.
    QList<QPair<QString, QString>> rows;
    std::function<void(const QMenu*, const QString&)> walk = [&](const QMenu* menu, const QString& path) {
        for (const QAction* action : menu->actions()) {
            const QString name = path + action->text().remove(u'&');
            if (action->menu())
                walk(action->menu(), name + QStringLiteral(" ▸ "));
            else if (!action->shortcut().isEmpty())
                rows.append({ name, action->shortcut().toString(QKeySequence::NativeText) });
        }
    };
    for (const QAction* top : menuBar()->actions())
        if (top->menu())
            walk(top->menu(), top->text().remove(u'&') + QStringLiteral(" ▸ "));
    // The keys the views handle themselves.
    rows.append({ tr("Tables: copy the selected rows as tab-separated text"),
        QKeySequence(QKeySequence::Copy).toString(QKeySequence::NativeText) });
    rows.append({ tr("Triage dialog: save"), QStringLiteral("Ctrl+Return") });
    rows.append({ tr("Timeline and host lanes: zoom in / out, reset"), QStringLiteral("+ / −, Home") });
    rows.append({ tr("Timeline and host lanes: pan"), QStringLiteral("← / →") });
    rows.append({ tr("Timeline: zoom / pan with the wheel"), QStringLiteral("Wheel / Shift+Wheel") });
    rows.append({ tr("Host lanes: scroll / zoom with the wheel"), QStringLiteral("Wheel / Ctrl+Wheel") });
    rows.append({ tr("Host lanes: previous / next lane, open it"), QStringLiteral("↑ / ↓, Return") });
    rows.append({ tr("Move between filter, table, detail and dock"), QStringLiteral("Tab / Shift+Tab") });
    rows.append({ tr("Cloud changes: show the chosen linked flow in the findings"), QStringLiteral("Return") });
    rows.append({ tr("Timeline: open a cloud change"), tr("Click its flag") });
    return rows;
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard Shortcuts"));
    auto* layout = new QVBoxLayout(&dialog);
    auto* table = new QTableWidget(&dialog);
    table->setColumnCount(2);
    table->setHorizontalHeaderLabels({ tr("Action"), tr("Keys") });
    const auto rows = shortcutList();
    table->setRowCount(static_cast<int>(rows.size()));
    for (int row = 0; row < static_cast<int>(rows.size()); ++row) {
        table->setItem(row, 0, new QTableWidgetItem(rows[row].first));
        table->setItem(row, 1, new QTableWidgetItem(rows[row].second));
    }
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    layout->addWidget(table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(640, 520);
    dialog.exec();
}

void MainWindow::showFlowMenu(std::uint32_t flowIndex, const QPoint& globalPosition)
{
    QMenu menu(this);
    menu.addAction(tr("Allowlist This Destination…"), this,
        [this, flowIndex] { allowlistFlow(flowIndex, AllowlistEntryDialog::Destination); });
    menu.addAction(tr("Allowlist This Process on This Host…"), this,
        [this, flowIndex] { allowlistFlow(flowIndex, AllowlistEntryDialog::ProcessOnHost); });
    menu.addAction(
        tr("Allowlist This Flow…"), this, [this, flowIndex] { allowlistFlow(flowIndex, AllowlistEntryDialog::Flow); });
    menu.exec(globalPosition);
}

QString MainWindow::temporaryCasePath() const
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    QDir().mkpath(folder);
    return folder + QStringLiteral("/untitled-")
        + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")) + u'.' + kCaseSuffix;
}

void MainWindow::openCase(const QString& path, bool create)
{
    if (!maybeKeepTuning())
        return;
    m_caseOpening = !create;
    m_session->openCase(path, create);
    rememberRecent(path);
}

void MainWindow::importFiles(const QStringList& paths)
{
    if (paths.isEmpty() || (paths.size() == 1 && paths.front().isEmpty()))
        return;
    if (m_session->casePath().isEmpty()) {
        // No case yet: the exports go into a new case, saved where Cepheid keeps its data.
        m_pendingImports = paths;
        openCase(temporaryCasePath(), true);
        return;
    }
    m_session->importFiles(paths);
}

void MainWindow::importFromClickHouse(const ClickHouseRequest& request)
{
    if (m_session->casePath().isEmpty()) {
        m_pendingClickHouse = request; // into a new case, as exports go
        openCase(temporaryCasePath(), true);
        return;
    }
    m_lastClickHouseUrl = serverKey(request.url);
    m_clickHousePasswords.insert(m_lastClickHouseUrl, request.password);
    m_session->importFromClickHouse(request);
}

void MainWindow::refreshDatabaseSource(std::int64_t sourceId, bool requery)
{
    const SnapshotPtr snapshot = m_session->snapshot();
    if (!snapshot || m_session->isBusy())
        return;
    const auto source = std::find_if(snapshot->sources.begin(), snapshot->sources.end(),
        [sourceId](const CaseSource& candidate) { return candidate.id == sourceId; });
    if (source == snapshot->sources.end())
        return;
    auto request = refreshRequestFor(*source);
    if (!request) {
        QMessageBox::warning(this, tr("Cepheid"), QString::fromStdString(request.error()));
        return;
    }
    const auto known = m_clickHousePasswords.constFind(serverKey(request->url));
    if (known != m_clickHousePasswords.constEnd())
        request->password = *known;
    else
        request->password = qEnvironmentVariable(kClickHousePasswordVariable);
    if (requery && known != m_clickHousePasswords.constEnd()) {
        importFromClickHouse(*request);
        return;
    }
    ClickHouseDialog dialog(this);
    dialog.setRefresh(*request, QString::fromStdString(source->path));
    if (dialog.exec() == QDialog::Accepted)
        importFromClickHouse(dialog.request());
}

void MainWindow::openPaths(const QStringList& paths)
{
    QStringList exports;
    for (const QString& path : paths) {
        if (path.endsWith(u'.' + kCaseSuffix))
            openCase(path);
        else
            exports << path;
    }
    if (!exports.isEmpty()) {
        if (m_session->isBusy())
            m_pendingImports += exports;
        else
            importFiles(exports);
    }
}

void MainWindow::showSnapshot(SnapshotPtr snapshot)
{
    m_sourceBar->update(snapshot, std::exchange(m_caseOpening, false));
    const QModelIndex current = m_table->currentIndex();
    const int previousRow = current.isValid() ? m_filter->mapToSource(current).row() : -1;
    m_model->setSnapshot(snapshot);
    m_changes->setSnapshot(snapshot);
    m_table->setColumnHidden(FindingsModel::Cloud, snapshot->cloud.changes.empty());
    updateViewTabs();
    m_pages->setCurrentIndex(1);
    updateEmptyState();
    // The platform filter offers the platforms present in this case.
    const QString chosenPlatform = m_platform->currentData().toString();
    QStringList platforms;
    bool regexOnly = false;
    for (const Finding& finding : snapshot->analysis.findings) {
        if (finding.platform.empty())
            regexOnly = true;
        else if (!platforms.contains(QString::fromStdString(finding.platform)))
            platforms << QString::fromStdString(finding.platform);
    }
    platforms.sort();
    m_platform->blockSignals(true);
    while (m_platform->count() > 1)
        m_platform->removeItem(1);
    for (const QString& platform : platforms)
        m_platform->addItem(platform, platform);
    if (regexOnly)
        m_platform->addItem(tr("Rule regex only (no platform)"), QStringLiteral("-"));
    m_platform->setCurrentIndex(std::max(0, m_platform->findData(chosenPlatform)));
    m_platform->blockSignals(false);
    m_filter->setPlatform(m_platform->currentData().toString());
    // The source filter offers the case's files, with the format each was read as.
    const int chosenSource = m_source->currentData().toInt();
    m_source->blockSignals(true);
    while (m_source->count() > 1)
        m_source->removeItem(1);
    for (const CaseSource& source : snapshot->sources)
        m_source->addItem(tr("%1 (%2)").arg(QFileInfo(QString::fromStdString(source.path)).fileName(),
                              QString::fromStdString(source.format)),
            static_cast<int>(source.id));
    m_source->setCurrentIndex(std::max(0, m_source->findData(chosenSource)));
    m_source->setEnabled(snapshot->sources.size() > 1 || m_source->currentIndex() > 0);
    m_source->blockSignals(false);
    m_filter->setSource(m_source->currentData().toInt());
    // [*]: the title shows that the working profile has tuning the case has not saved.
    setWindowTitle(tr("%1[*] — Cepheid").arg(QFileInfo(m_session->casePath()).fileName()));
    setWindowModified(snapshot->isModified());
    const AnalysisSummary& summary = snapshot->analysis.summary;
    m_summary->setText(
        tr("%1 events · %2 flows considered · rule fires on %3 · score: %4 beacon, %5 likely, %6 possible · "
           "%7 allowlisted")
            .arg(snapshot->events.size())
            .arg(summary.flowsConsidered)
            .arg(summary.flowsFiring)
            .arg(summary.verdicts[static_cast<int>(Verdict::Beacon)])
            .arg(summary.verdicts[static_cast<int>(Verdict::Likely)])
            .arg(summary.verdicts[static_cast<int>(Verdict::Possible)])
            .arg(summary.flowsAllowlisted));
    std::uint64_t rejected = 0;
    for (const CaseSource& source : snapshot->sources)
        rejected += source.eventsRejected;
    m_rejects->setText(tr("%1 records rejected…").arg(rejected));
    m_rejects->setVisible(rejected > 0);
    if (previousRow >= 0 && previousRow < m_model->rowCount())
        m_table->selectRow(m_filter->mapFromSource(m_model->index(previousRow, 0)).row());
    else if (m_filter->rowCount() > 0)
        m_table->selectRow(0);
    showSelectedFinding();
}

void MainWindow::showSelectedFinding()
{
    // The pane shows the current row only when the table highlights it. Qt also moves the current index on its own
    // — to a neighbour when a filter removes the shown finding, to the first row when the table takes the focus —
    // without selecting it; then the pane keeps what it showed, or says that finding is now hidden and why.
    const QModelIndex proxyCurrent = m_table->currentIndex();
    if (proxyCurrent.isValid() && m_table->selectionModel()->isRowSelected(proxyCurrent.row())) {
        showRow(m_filter->mapToSource(proxyCurrent).row());
        return;
    }
    if (m_shownRow >= 0 && m_shownRow < m_model->rowCount() && !m_filter->hiddenReason(m_shownRow).isEmpty())
        showHiddenFinding();
    else if (!m_table->selectionModel()->hasSelection() && !m_hiddenShown)
        showRow(-1);
}

void MainWindow::showRow(int sourceRow)
{
    m_hiddenShown = false;
    m_shownRow = sourceRow >= 0 && sourceRow < m_model->rowCount() ? sourceRow : -1;
    const QModelIndex index = m_shownRow >= 0 ? m_model->index(m_shownRow, 0) : QModelIndex();
    m_detail->setFinding(m_model->snapshot(), index.isValid() ? m_model->finding(index) : nullptr,
        index.isValid() ? m_model->triageState(m_shownRow) : nullptr);
}

int MainWindow::chosenRow() const
{
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid() && m_table->selectionModel()->isRowSelected(current.row()))
        return m_filter->mapToSource(current).row();
    const QModelIndexList selected = m_table->selectionModel()->selectedRows();
    return selected.isEmpty() ? -1 : m_filter->mapToSource(selected.front()).row();
}

void MainWindow::showHiddenFinding()
{
    // Rewritten on every change, so the reason stays true while the analyst types.
    m_hiddenShown = true;
    const auto [sourceIp, destination, processPath] = m_model->flowKey(m_shownRow);
    m_detail->showHidden(tr("<p>The finding you were viewing, <b>%1 → %2</b>, is hidden: %3.</p><p>Change the "
                            "filter, or select another finding (Esc clears the filters).</p>")
                             .arg(toDisplayText(sourceIp).toHtmlEscaped(), toDisplayText(destination).toHtmlEscaped(),
                                 m_filter->hiddenReason(m_shownRow).toHtmlEscaped()));
}

void MainWindow::followTable()
{
    // After the proxy settles (filters, sorting, re-analysis): a shown finding that was filtered out is reported
    // hidden (with the current reason); one the filters show again is highlighted again.
    if (m_shownRow < 0 || m_shownRow >= m_model->rowCount())
        return;
    const bool hidden = !m_filter->hiddenReason(m_shownRow).isEmpty();
    if (hidden)
        showHiddenFinding();
    else if (m_hiddenShown && !m_table->selectionModel()->hasSelection())
        m_table->selectRow(m_filter->mapFromSource(m_model->index(m_shownRow, 0)).row());
}

void MainWindow::clearFilters()
{
    m_search->clear();
    m_changes->searchField()->clear();
    m_verdict->setCurrentIndex(0);
    m_triage->setCurrentIndex(0);
    m_platform->setCurrentIndex(0);
    m_source->setCurrentIndex(0);
    for (QCheckBox* box : { m_fired, m_disagree, m_showAllowlisted })
        box->setChecked(false);
    statusBar()->showMessage(tr("Filters cleared."), 3000);
}

void MainWindow::setBusy(bool busy)
{
    m_importAction->setEnabled(!busy);
    m_clickHouseAction->setEnabled(!busy);
    const SnapshotPtr snapshot = m_session->snapshot();
    m_refreshClickHouseAction->setEnabled(
        !busy && snapshot && newestRefreshableClickHouseSource(snapshot->sources) != nullptr);
    m_sourceBar->setEnabled(!busy); // its buttons start jobs
    if (!busy)
        m_lastClickHouseUrl.clear(); // answered: its failure, if any, was said before this
    m_cancelAction->setEnabled(busy);
    m_clearFiltersAction->setEnabled(!busy);
    if (busy) {
        m_jobClock.start();
        m_progress->setRange(0, 0);
        m_progressText->clear();
        m_progressDelay->start();
        return;
    }
    m_progressDelay->stop();
    m_progress->hide();
    m_progressText->hide();
    if (!m_pendingImports.isEmpty() && !m_session->casePath().isEmpty()) {
        const QStringList pending = std::exchange(m_pendingImports, {});
        QTimer::singleShot(0, this, [this, pending] { importFiles(pending); });
    } else if (m_pendingClickHouse && !m_session->casePath().isEmpty()) {
        const ClickHouseRequest pending = *std::exchange(m_pendingClickHouse, std::nullopt);
        QTimer::singleShot(0, this, [this, pending] { importFromClickHouse(pending); });
    }
}

void MainWindow::showFetchProgress(qint64 bytes)
{
    m_progress->setRange(0, 0); // the answer's size is not known ahead
    m_progressText->setText(tr("Importing from ClickHouse: %1 received").arg(QLocale().formattedDataSize(bytes)));
}

void MainWindow::showServerProgress(qint64 rowsRead, qint64 rowsToRead)
{
    // The server's own count while it works, before the answer's first byte (servers that send it: 20.4+).
    if (rowsToRead > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(static_cast<int>(std::min<qint64>(1000, rowsRead * 1000 / rowsToRead)));
        m_progressText->setText(
            tr("ClickHouse: %1 of %2 rows read").arg(QLocale().toString(rowsRead), QLocale().toString(rowsToRead)));
    } else {
        m_progress->setRange(0, 0);
        m_progressText->setText(tr("ClickHouse: %1 rows read").arg(QLocale().toString(rowsRead)));
    }
}

void MainWindow::showProgress(qint64 done, qint64 total, qint64 events, int file, int files)
{
    m_progress->setRange(0, 1000);
    m_progress->setValue(total > 0 ? static_cast<int>(done * 1000 / total) : 0);
    const double seconds = std::max(0.001, m_jobClock.elapsed() / 1000.0);
    const double fraction = total > 0 ? double(done) / double(total) : 0;
    const QString eta
        = fraction > 0.02 ? tr(", about %1 s left").arg(qRound(seconds * (1 - fraction) / fraction)) : QString();
    m_progressText->setText(tr("Importing file %1 of %2: %3 events/s%4")
                                .arg(file + 1)
                                .arg(files)
                                .arg(qRound(double(events) / seconds))
                                .arg(eta));
}

void MainWindow::showRejects()
{
    const SnapshotPtr snapshot = m_model->snapshot();
    if (!snapshot)
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Rejected records"));
    auto* layout = new QVBoxLayout(&dialog);
    auto* table = new QTableWidget(&dialog);
    table->setColumnCount(4);
    table->setHorizontalHeaderLabels({ tr("File"), tr("Line"), tr("Reason"), tr("Record starts with") });
    for (const CaseSource& source : snapshot->sources) {
        for (const Reject& reject : m_session->rejects(source.id)) {
            const int row = table->rowCount();
            table->insertRow(row);
            table->setItem(row, 0, new QTableWidgetItem(toDisplayText(source.path)));
            table->setItem(row, 1, new QTableWidgetItem(QString::number(reject.line)));
            table->setItem(row, 2, new QTableWidgetItem(toDisplayText(reject.reason)));
            table->setItem(row, 3, new QTableWidgetItem(toDisplayText(reject.excerpt)));
        }
    }
    table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(900, 400);
    dialog.exec();
}

bool MainWindow::setTriageForSelection(const QString& status, const QString& notes, const QString& analyst)
{
    return setTriageForSelection(TriageEdit { status, notes, TriageEdit::NotesMode::Replace, analyst });
}

std::vector<FindingsModel::TriageKey> MainWindow::selectedFlowKeys() const
{
    std::vector<FindingsModel::TriageKey> keys;
    for (const QModelIndex& selected : m_table->selectionModel()->selectedRows())
        keys.push_back(m_model->flowKey(m_filter->mapToSource(selected).row()));
    return keys;
}

bool MainWindow::setTriageForSelection(const TriageEdit& edit)
{
    return setTriageFor(selectedFlowKeys(), edit);
}

std::vector<FindingsModel::TriageKey> MainWindow::changeKeys(const std::vector<int>& changes) const
{
    std::vector<FindingsModel::TriageKey> keys;
    for (const int change : changes)
        if (change >= 0 && change < m_changes->model()->rowCount())
            keys.push_back(m_changes->model()->triageKey(change));
    return keys;
}

bool MainWindow::setTriageForChanges(const std::vector<int>& changes, const TriageEdit& edit)
{
    return setTriageFor(changeKeys(changes), edit);
}

bool MainWindow::setTriageFor(const std::vector<FindingsModel::TriageKey>& flows, const TriageEdit& edit)
{
    std::vector<TriageUpdate> updates;
    for (const auto& key : flows) {
        const auto& [sourceIp, destination, processPath] = key;
        const TriageState* current = m_model->triageState(key);
        TriageUpdate update { sourceIp, destination, processPath, {}, {}, edit.analyst.toStdString(), {} };
        if (edit.status)
            update.status = edit.status->toStdString();
        update.notes = edit.notesFor(current ? current->notes : std::string());
        updates.push_back(std::move(update));
    }
    if (updates.empty())
        return false;
    auto triage = m_session->updateTriage(updates);
    if (!triage) {
        statusBar()->showMessage(
            tr("Triage not saved (nothing was changed): %1").arg(QString::fromStdString(triage.error())), 10000);
        return false;
    }
    m_changes->setTriage(*triage); // one triage table: a change's state lives beside the flows'
    m_model->setTriage(std::move(*triage));
    if (!m_hiddenShown)
        showRow(m_shownRow); // the Why tab shows the new history
    statusBar()->showMessage(edit.status
            ? tr("%n finding(s) marked %1.", nullptr, static_cast<int>(updates.size())).arg(*edit.status)
            : tr("Notes of %n finding(s) saved.", nullptr, static_cast<int>(updates.size())),
        5000);
    return true;
}

void MainWindow::editTriage()
{
    // The findings are fixed when the dialog opens: a re-analysis finishing meanwhile may change the selection. On
    // the Cloud changes page they are the highlighted changes, kept under their own keys in the same table.
    const std::vector<FindingsModel::TriageKey> flows
        = m_views->currentIndex() == ChangesPage ? changeKeys(m_changes->selectedChanges()) : selectedFlowKeys();
    if (flows.empty() || m_session->isBusy())
        return;
    std::vector<TriageDialog::Current> selection;
    for (const auto& key : flows) {
        const TriageState* state = m_model->triageState(key);
        selection.push_back(
            state ? TriageDialog::Current { state->status, state->notes } : TriageDialog::Current { "new", "" });
    }
    TriageDialog dialog(selection, analystName(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const TriageEdit edit = dialog.edit();
    rememberAnalystName(edit.analyst);
    setTriageFor(flows, edit);
}

void MainWindow::rememberRecent(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentCases")).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QStringLiteral("recentCases"), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentCases")).toStringList();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openCase(path); })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    openPaths(paths);
    event->acceptProposedAction();
}

bool MainWindow::maybeKeepTuning()
{
    const SnapshotPtr snapshot = m_session->snapshot();
    if (!snapshot || m_session->workingProfile() == snapshot->savedProfile)
        return true;
    const auto answer = QMessageBox::question(this, tr("Unsaved tuning"),
        tr("The working profile has changes that are not saved in the case. Save them as a new version?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    return answer == QMessageBox::Discard || m_tuning->saveVersion();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeKeepTuning()) {
        event->ignore();
        return;
    }
    m_session->cancel();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/changesSplitter"), m_changes->splitter()->saveState());
    event->accept();
}

} // namespace cepheid::ui
