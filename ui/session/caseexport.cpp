#include "caseexport.h"

#include "reports/findingscsv.h"
#include "reports/ruleexport.h"
#include "reports/stixbundle.h"

#include <QDir>
#include <QSaveFile>
#include <chrono>

namespace cepheid::ui {

namespace {

TimestampUs nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

bool writeAtomically(const QString& path, const std::string& content, QString& error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(content.data(), static_cast<qint64>(content.size())) != static_cast<qint64>(content.size())
        || !file.commit()) {
        error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

bool exportFindings(const Snapshot& snapshot, FindingsFormat format, const FindingSelection& selection,
    const QString& path, QString& error)
{
    const auto analyzer = Analyzer::create(snapshot.profile);
    if (!analyzer) {
        error = QString::fromStdString(analyzer.error());
        return false;
    }
    ScoreReportOptions options;
    options.selection = selection;
    options.triage = snapshot.triage;
    options.evaluatedAt = snapshot.evaluatedAt;
    options.profileSource = "workbench";
    options.cloud = &snapshot.cloud; // the JSON report lists the change findings, as cepheid-cli score does
    std::string content;
    switch (format) {
    case FindingsFormat::Csv:
        content = writeFindingsCsv(snapshot.events, snapshot.flows, snapshot.analysis, *analyzer, options, true);
        break;
    case FindingsFormat::Json: {
        std::vector<InputSummary> inputs;
        for (const CaseSource& source : snapshot.sources)
            inputs.push_back(summaryOf(source));
        content = writeScoreReport(inputs, snapshot.events, snapshot.flows, snapshot.analysis, *analyzer, options);
        break;
    }
    case FindingsFormat::Stix:
        content = writeStixBundle(snapshot.events, snapshot.flows, snapshot.analysis, options, StixOptions { nowUs() });
        break;
    }
    return writeAtomically(path, content, error);
}

bool exportTunedRule(const Profile& profile, const QString& source, const QString& author, const QString& folder,
    QString& error, QStringList* leftOut)
{
    RuleExportContext context { source.toStdString(), author.toStdString(), nowUs() };
    const auto exported = exportRule(profile, context);
    if (!exported) {
        error = QString::fromStdString(exported.error());
        return false;
    }
    if (!QDir().mkpath(folder)) {
        error = QStringLiteral("%1: cannot create the folder").arg(folder);
        return false;
    }
    const QDir directory(folder);
    if (!writeAtomically(directory.filePath(QString::fromStdString(exported->ruleName) + QStringLiteral(".yaral")),
            exported->text, error))
        return false;
    for (const ReferenceList& list : exported->lists) {
        if (!writeAtomically(directory.filePath(QString::fromStdString(list.name) + QStringLiteral(".txt")),
                referenceListText(list), error))
            return false;
    }
    if (leftOut)
        for (const std::string& line : exported->leftOut)
            *leftOut << QString::fromStdString(line);
    return true;
}

} // namespace cepheid::ui
