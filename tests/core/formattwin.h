#pragma once

#include "findings/caseanalysis.h"
#include "ingest/importer.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace cepheid::test {

// A file as the analyst gets it: imported by the reader detection picks, names joined, flows grouped, the rule
// and the score run with the default profile, or the one given (analyseEvents: the pipeline cepheid-cli score runs).
struct FileAnalysis
{
    QString path;
    InputSummary summary;
    std::optional<CaseAnalysis> analysis;
    QString error; // the import or the analysis failed
};
// A profile may be given: e.g. one whose catalog takes every destination (".*"), so that flows to addresses or
// to hosts outside the serverless catalog are scored and compared too.
FileAnalysis analyseFile(const QString& path, TimestampUs now = 0, const Profile& profile = {});
// The same over several files read into one table (a Zeek conn.log with its ssl.log, a mixed case).
FileAnalysis analyseFiles(const QStringList& paths, TimestampUs now = 0, const Profile& profile = {});

// Compares the analysis of a file in some format with that of its UDM twin (the same traffic written as Chronicle UDM
// JSON, carrying only what the format carries), flow by flow: the flows (source IP, destination, process), each
// one's events, the rule's outcome (fires, event count, hour buckets, average bytes) and the score (3 decimals)
// and verdict. Returns the differences, one line each; empty when the two agree.
QStringList twinDifferences(const FileAnalysis& format, const FileAnalysis& udm);

} // namespace cepheid::test
