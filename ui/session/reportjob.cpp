#include "reportjob.h"

#include "report/reportpdf.h"
#include "reports/casereport.h"
#include "reports/reporthtml.h"
#include "tuning/profilejson.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSaveFile>

namespace cepheid::ui {

namespace {

std::string profileLabel(const Snapshot& snapshot, const std::vector<ProfileVersion>& versions)
{
    if (snapshot.savedVersion == 0)
        return snapshot.isModified() ? "the working profile (not saved in the case yet)"
                                     : "the default profile (none saved in the case)";
    std::string label = "version " + std::to_string(snapshot.savedVersion);
    for (const ProfileVersion& version : versions)
        if (version.id == snapshot.savedVersion)
            label = profileVersionLabel(version);
    return snapshot.isModified() ? "the working profile: " + label + " with unsaved changes" : label;
}

} // namespace

std::optional<CaseReport> buildReport(const Snapshot& snapshot, const ReportRequest& request, CaseFile& caseFile,
    const Analyzer& analyzer, QString& error, const std::atomic<bool>* cancel, std::size_t previewLimit)
{
    CaseReportInput input(snapshot.events, snapshot.flows, snapshot.analysis, analyzer);
    const auto read = readCaseProvenance(input, caseFile, cancel);
    const auto versions = caseFile.profiles();
    if (!read || !versions) {
        error = QCoreApplication::translate("ReportJob", "the case cannot be read: %1")
                    .arg(QString::fromStdString(read ? versions.error() : read.error()));
        return std::nullopt;
    }
    input.profileLabel = profileLabel(snapshot, *versions);
    if (snapshot.isModified()) {
        ReportDelta delta;
        delta.against = snapshot.savedVersion > 0 ? "saved profile version " + std::to_string(snapshot.savedVersion)
                                                  : "the default profile";
        delta.added = snapshot.added;
        delta.removed = snapshot.removed;
        input.delta = std::move(delta);
    } else if (versions->size() >= 2) {
        const ProfileVersion& previous = (*versions)[versions->size() - 2];
        // A previous version that cannot be used gives a report without the what-if.
        if (const auto earlier = parseProfile(previous.json)) {
            auto delta = compareAlerting(snapshot.analysis, snapshot.profile, *earlier,
                "profile version " + std::to_string(previous.id), snapshot.events, snapshot.flows,
                snapshot.evaluatedAt);
            if (delta)
                input.delta = std::move(*delta);
        }
    }
    input.casePath = request.casePath.toStdString();
    input.options.triage = snapshot.triage;
    input.options.evaluatedAt = snapshot.evaluatedAt;
    input.options.cloud = &snapshot.cloud;
    input.options.selection = request.selection;
    input.flowSelection = request.flows;
    input.rawRecords = request.rawRecords;
    input.previewLimit = previewLimit;
    input.generatedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
    input.version = QCoreApplication::applicationVersion().toStdString();
    return buildCaseReport(input);
}

bool writeReport(const Snapshot& snapshot, const ReportRequest& request, const std::atomic<bool>& cancel,
    const std::function<void(std::size_t done, std::size_t total)>& progress, QString& error)
{
    const auto caseFile = CaseFile::open(request.casePath.toStdString(), CaseFile::Mode::ReadOnly);
    if (!caseFile) {
        error = QCoreApplication::translate("ReportJob", "the case cannot be opened: %1")
                    .arg(QString::fromStdString(caseFile.error()));
        return false;
    }
    const auto analyzer = Analyzer::create(snapshot.profile);
    if (!analyzer) {
        error = QString::fromStdString(analyzer.error());
        return false;
    }
    const auto report = buildReport(snapshot, request, **caseFile, *analyzer, error, &cancel);
    if (!report)
        return false;
    if (cancel.load()) {
        error.clear();
        return false;
    }
    const ReportProgress told = [&](std::size_t done, std::size_t total) {
        if (progress)
            progress(done, total);
        return !cancel.load();
    };
    const ReportCharts charts(snapshot.events, snapshot.flows);
    QByteArray bytes;
    if (request.format == ReportFormat::Pdf) {
        std::string problem;
        const auto pdf = writeReportPdf(*report, charts, told, problem);
        if (!pdf) {
            error = QString::fromStdString(problem); // empty: cancelled
            return false;
        }
        bytes = *pdf;
    } else {
        const auto html = writeReportHtml(
            *report, [&](const Finding& finding, ReportChart chart) { return charts.svg(finding, chart); }, told);
        if (!html) {
            error.clear();
            return false;
        }
        bytes = QByteArray::fromStdString(*html);
    }
    if (cancel.load()) {
        error.clear();
        return false;
    }
    QSaveFile file(request.path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        error = file.errorString();
        return false;
    }
    return true;
}

} // namespace cepheid::ui
