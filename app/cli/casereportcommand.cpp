// cepheid-cli-reports: the case report renderer, linked in (see casereportcommand.h).

#include "casereportcommand.h"

#include "clisupport.h"
#include "commands.h"
#include "report/reportpdf.h"
#include "reports/casereport.h"
#include "tuning/profilejson.h"

#include <QGuiApplication>
#include <iostream>

namespace cepheid::cli {

namespace {

// The alerting flows under the version before the one in use, against those now.
std::optional<ReportDelta> deltaAgainstPrevious(const std::vector<ProfileVersion>& versions, const Profile& profile,
    const Analysis& analysis, const EventTable& events, const FlowIndex& flows, TimestampUs now)
{
    if (versions.size() < 2)
        return std::nullopt;
    const ProfileVersion& previous = versions[versions.size() - 2];
    const auto before = parseProfile(previous.json);
    auto delta = before ? compareAlerting(
                     analysis, profile, *before, "profile version " + std::to_string(previous.id), events, flows, now)
                        : failure(before.error());
    if (!delta) {
        std::cerr << "cepheid-cli: no what-if in the report: profile version " << previous.id
                  << " cannot be used: " << delta.error() << '\n';
        return std::nullopt;
    }
    return std::move(*delta);
}

// The offscreen platform notes an unset XDG_RUNTIME_DIR, which says nothing to someone writing a report; every
// other message goes where Qt sends it.
QtMessageHandler g_qtHandler = nullptr;

void quietRuntimeDirNote(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set")))
        return;
    if (g_qtHandler)
        g_qtHandler(type, context, message);
    else
        std::cerr << message.toStdString() << '\n';
}

} // namespace

int runCaseReport(const ScoreOptions& options, char** /*argv*/)
{
    return runScore(options);
}

int writeCaseReport(const ScoreOptions& options, CaseFile& caseFile, const EventTable& events, const FlowIndex& flows,
    const Analysis& analysis, const Analyzer& analyzer, const ScoreReportOptions& reportOptions, TimestampUs now)
{
    CaseReportInput input(events, flows, analysis, analyzer);
    const auto read = readCaseProvenance(input, caseFile);
    const auto versions = caseFile.profiles();
    if (!read || !versions) {
        std::cerr << "cepheid-cli: " << (read ? versions.error() : read.error()) << '\n';
        return InputError;
    }
    input.casePath = options.casePath;
    input.profileLabel
        = versions->empty() ? "the default profile (none saved in the case)" : profileVersionLabel(versions->back());
    input.delta = deltaAgainstPrevious(*versions, analyzer.profile(), analysis, events, flows, now);
    input.options = reportOptions;
    input.rawRecords = options.rawRecords;
    input.generatedAt = formatRfc3339(now);
    input.version = CEPHEID_VERSION;
    const CaseReport report = buildCaseReport(input);

    // Fonts and painting need a QGuiApplication; the offscreen platform needs no display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    g_qtHandler = qInstallMessageHandler(quietRuntimeDirNote);
    int argc = 1;
    char name[] = "cepheid-cli";
    char* argv[] = { name, nullptr };
    const QGuiApplication application(argc, argv);
    const ui::ReportCharts charts(events, flows);
    std::string document, error;
    if (options.format == "pdf") {
        const auto pdf = ui::writeReportPdf(report, charts, {}, error);
        if (!pdf) {
            std::cerr << "cepheid-cli: the PDF cannot be written: " << error << '\n';
            return InputError;
        }
        document.assign(pdf->constData(), static_cast<std::size_t>(pdf->size()));
    } else {
        document = *writeReportHtml(
            report, [&](const Finding& finding, ReportChart chart) { return charts.svg(finding, chart); });
    }
    return writeOutput(document, options.outputPath);
}

} // namespace cepheid::cli
