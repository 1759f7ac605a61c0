#include "reportdialog.h"

#include "report/reportpdf.h"
#include "session/lastfolder.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QPrintPreviewDialog>
#include <QPrinter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace cepheid::ui {

namespace {

struct Choice
{
    QString text;
    std::optional<FindingSelection> selection; // nullopt: the table's selection
};

std::vector<Choice> choices()
{
    const auto tr = [](const char* text) { return QCoreApplication::translate("ReportDialog", text); };
    using Kind = FindingSelection::Kind;
    return {
        { tr("Alerting findings"), FindingSelection { Kind::Alerting, Verdict::None, {} } },
        { tr("All considered flows"), FindingSelection { Kind::All, Verdict::None, {} } },
        { tr("Verdict beacon"), FindingSelection { Kind::Verdict, Verdict::Beacon, {} } },
        { tr("Verdict likely or above"), FindingSelection { Kind::Verdict, Verdict::Likely, {} } },
        { tr("Verdict possible or above"), FindingSelection { Kind::Verdict, Verdict::Possible, {} } },
        { tr("Triaged malicious"), FindingSelection { Kind::Status, Verdict::None, "malicious" } },
        { tr("Triaged investigating"), FindingSelection { Kind::Status, Verdict::None, "investigating" } },
        { tr("Not triaged yet (new)"), FindingSelection { Kind::Status, Verdict::None, "new" } },
        { tr("Selected in the table"), std::nullopt },
    };
}

bool matches(const Snapshot& snapshot, const Finding& finding, const FindingSelection& selection)
{
    switch (selection.kind) {
    case FindingSelection::Kind::All:
        return true;
    case FindingSelection::Kind::Alerting:
        return isAlerting(finding, snapshot.profile.score);
    case FindingSelection::Kind::Verdict:
        return finding.beacon.verdict >= selection.verdict;
    case FindingSelection::Kind::Status: {
        const FlowKey& key = snapshot.flows.flow(finding.flowIndex).key;
        const auto found = snapshot.triage.find({ std::string(snapshot.events.text(key.sourceIp)),
            std::string(snapshot.events.text(key.destination)), std::string(snapshot.events.text(key.processPath)) });
        return (found == snapshot.triage.end() ? std::string("new") : found->second.status) == selection.status;
    }
    }
    return false;
}

} // namespace

ReportDialog::ReportDialog(
    SnapshotPtr snapshot, QString casePath, std::vector<std::uint32_t> selectedFlows, QWidget* parent)
    : QDialog(parent)
    , m_snapshot(std::move(snapshot))
    , m_casePath(std::move(casePath))
    , m_selectedFlows(std::move(selectedFlows))
    , m_format(new QComboBox(this))
    , m_findings(new QComboBox(this))
    , m_raw(new QSpinBox(this))
    , m_count(new QLabel(this))
    , m_status(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    setWindowTitle(tr("Export Case Report"));
    m_format->addItem(tr("HTML: one self-contained file for the ticket"), static_cast<int>(ReportFormat::Html));
    m_format->addItem(tr("PDF: paginated, for print"), static_cast<int>(ReportFormat::Pdf));
    const std::vector<Choice> all = choices();
    for (std::size_t i = 0; i < all.size(); ++i)
        m_findings->addItem(all[i].text, static_cast<int>(i));
    m_raw->setRange(0, static_cast<int>(kMaxReportRawRecords));
    m_raw->setValue(5);
    m_raw->setSuffix(tr(" per finding"));
    m_raw->setToolTip(tr("The first raw records of each finding, as the export holds them (0: none)."));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText); // it shows paths, which may hold anything
    m_count->setTextFormat(Qt::PlainText);
    m_progress->setVisible(false);
    m_progress->setTextVisible(true);

    auto* form = new QFormLayout;
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("F&indings:"), m_findings);
    form->addRow(QString(), m_count);
    form->addRow(tr("&Raw records:"), m_raw);

    auto* buttons = new QDialogButtonBox(this);
    m_previewButton = buttons->addButton(tr("&Preview…"), QDialogButtonBox::ActionRole);
    m_exportButton = buttons->addButton(tr("&Export…"), QDialogButtonBox::AcceptRole);
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    m_exportButton->setDefault(true);
    connect(m_previewButton, &QPushButton::clicked, this, &ReportDialog::preview);
    connect(m_exportButton, &QPushButton::clicked, this, &ReportDialog::chooseAndExport);
    connect(m_closeButton, &QPushButton::clicked, this, &ReportDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_findings, &QComboBox::currentIndexChanged, this, &ReportDialog::updateCounts);
    // With several rows selected in the table, the report is of them; otherwise of the alerting findings (one
    // selected row is just the finding being looked at).
    if (m_selectedFlows.size() > 1)
        m_findings->setCurrentIndex(m_findings->count() - 1);
    updateCounts();

    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, [this] {
        // What the job did decides, not whether Cancel was pressed: a cancel that came too late wrote the file.
        const Outcome outcome = m_watcher.result();
        setRunning(false);
        m_status->setText(outcome.written ? tr("Written to %1.").arg(m_path)
                : outcome.error.isEmpty() ? tr("Cancelled: nothing was written.")
                                          : tr("Nothing was written: %1").arg(outcome.error));
        emit finished(outcome.written, m_path, outcome.error);
    });
}

ReportDialog::~ReportDialog()
{
    m_cancel->store(true);
    m_watcher.waitForFinished();
}

void ReportDialog::updateCounts()
{
    const std::vector<Choice> all = choices();
    // Each entry says how many findings it holds, so an empty choice is seen before exporting.
    for (int i = 0; i < m_findings->count(); ++i) {
        const Choice& choice = all[static_cast<std::size_t>(i)];
        int count = 0;
        if (!choice.selection)
            count = static_cast<int>(m_selectedFlows.size());
        else if (m_snapshot)
            for (const Finding& finding : m_snapshot->analysis.findings)
                count += matches(*m_snapshot, finding, *choice.selection);
        m_findings->setItemText(i, tr("%1 (%2)").arg(choice.text).arg(count));
        if (!choice.selection)
            qobject_cast<QStandardItemModel*>(m_findings->model())->item(i)->setEnabled(count > 0);
    }
    const int count = findingsCount();
    m_count->setText(count == 0 ? tr("No finding: the report says so, with the summary and the appendix.")
            : count == 1        ? tr("1 finding, on its own page with its charts.")
                                : tr("%1 findings, each on its own page with its charts.").arg(count));
}

int ReportDialog::findingsCount() const
{
    const ReportRequest chosen = request();
    if (chosen.flows)
        return static_cast<int>(chosen.flows->size());
    int count = 0;
    if (m_snapshot)
        for (const Finding& finding : m_snapshot->analysis.findings)
            count += matches(*m_snapshot, finding, chosen.selection);
    return count;
}

ReportRequest ReportDialog::request() const
{
    ReportRequest request;
    request.format = static_cast<ReportFormat>(m_format->currentData().toInt());
    const Choice choice = choices()[static_cast<std::size_t>(m_findings->currentData().toInt())];
    if (choice.selection)
        request.selection = *choice.selection;
    else
        request.flows = m_selectedFlows;
    request.rawRecords = static_cast<std::size_t>(m_raw->value());
    request.casePath = m_casePath;
    return request;
}

void ReportDialog::setFormat(ReportFormat format)
{
    m_format->setCurrentIndex(m_format->findData(static_cast<int>(format)));
}

bool ReportDialog::chooseFindings(const QString& prefix)
{
    for (int i = 0; i < m_findings->count(); ++i)
        if (m_findings->itemText(i).startsWith(prefix)) {
            m_findings->setCurrentIndex(i);
            return true;
        }
    return false;
}

void ReportDialog::setRawRecords(int count)
{
    m_raw->setValue(count);
}

void ReportDialog::setRunning(bool running)
{
    m_progress->setVisible(running);
    m_format->setEnabled(!running);
    m_findings->setEnabled(!running);
    m_raw->setEnabled(!running);
    m_previewButton->setEnabled(!running);
    m_exportButton->setEnabled(!running);
    m_closeButton->setText(running ? tr("Cancel") : tr("Close"));
}

void ReportDialog::chooseAndExport()
{
    const bool pdf = request().format == ReportFormat::Pdf;
    const QString suggested = lastFolder(QStringLiteral("reports")) + QStringLiteral("/cepheid-report.")
        + (pdf ? QStringLiteral("pdf") : QStringLiteral("html"));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export case report"), suggested, pdf ? tr("PDF (*.pdf)") : tr("HTML (*.html *.htm)"));
    if (path.isEmpty())
        return;
    rememberFolder(QStringLiteral("reports"), path);
    exportTo(path);
}

bool ReportDialog::exportTo(const QString& path)
{
    if (!m_snapshot || isRunning())
        return false;
    ReportRequest job = request();
    job.path = path;
    m_path = path;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    setRunning(true);
    m_progress->setRange(0, 0);
    m_status->setText(tr("Writing %1…").arg(path));
    QPointer<QProgressBar> bar = m_progress;
    const auto progress = [bar, pdf = job.format == ReportFormat::Pdf](std::size_t done, std::size_t total) {
        // Told from the worker; shown on the GUI thread.
        QMetaObject::invokeMethod(
            bar,
            [bar, done, total, pdf] {
                if (!bar)
                    return;
                bar->setRange(0, static_cast<int>(total));
                bar->setValue(static_cast<int>(done));
                bar->setFormat(pdf ? tr("page %v of %m") : tr("finding %v of %m"));
            },
            Qt::QueuedConnection);
    };
    m_watcher.setFuture(QtConcurrent::run([snapshot = m_snapshot, job, cancel = m_cancel, progress] {
        Outcome outcome;
        outcome.written = writeReport(*snapshot, job, *cancel, progress, outcome.error);
        return outcome;
    }));
    return true;
}

void ReportDialog::reject()
{
    if (isRunning()) {
        m_cancel->store(true);
        m_status->setText(tr("Cancelling…"));
        return;
    }
    QDialog::reject();
}

void ReportDialog::paintPreview(QPrinter* printer)
{
    if (!m_snapshot)
        return;
    const auto caseFile = CaseFile::open(m_casePath.toStdString(), CaseFile::Mode::ReadOnly);
    const auto analyzer = Analyzer::create(m_snapshot->profile);
    if (!caseFile || !analyzer) {
        m_status->setText(
            tr("No preview: %1").arg(QString::fromStdString(caseFile ? analyzer.error() : caseFile.error())));
        return;
    }
    // The first findings of the choice, in the report's order, with the summary of them all: a preview shows the
    // layout without waiting for hundreds of pages.
    QString error;
    const auto report = buildReport(*m_snapshot, request(), **caseFile, *analyzer, error, nullptr, kPreviewFindings);
    if (!report) {
        m_status->setText(tr("No preview: %1").arg(error));
        return;
    }
    const ReportCharts charts(m_snapshot->events, m_snapshot->flows);
    std::string problem;
    paintReport(*report, charts, *printer, {}, problem);
}

void ReportDialog::preview()
{
    QPrinter printer(QPrinter::ScreenResolution);
    printer.setPageMargins(QMarginsF(15, 14, 15, 12), QPageLayout::Millimeter); // the PDF's; the page size is the
                                                                                // printer's (A4 or Letter)
    QPrintPreviewDialog dialog(&printer, this);
    dialog.setWindowTitle(findingsCount() > kPreviewFindings
            ? tr("Case report preview: the first %1 of %2 findings (the export holds them all)")
                  .arg(kPreviewFindings)
                  .arg(findingsCount())
            : tr("Case report preview"));
    connect(&dialog, &QPrintPreviewDialog::paintRequested, this, &ReportDialog::paintPreview);
    QGuiApplication::setOverrideCursor(Qt::WaitCursor);
    dialog.open();
    QGuiApplication::restoreOverrideCursor();
    dialog.exec();
}

} // namespace cepheid::ui
