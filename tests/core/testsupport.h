#pragma once

// Small helpers that keep the test fixtures readable: events are written as the few fields a test cares about.

#include "findings/analysis.h"
#include "ingest/importer.h"
#include "model/eventtable.h"
#include "model/flowindex.h"
#include "util/expected.h"

#include <QJsonObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <optional>
#include <string>
#include <vector>

namespace cepheid::test {

// Why a result failed, as QVERIFY2's message: QVERIFY2(result, whyNot(result)). QVERIFY2 reads its message even
// when the check passes, and error() of a result that holds a value is undefined.
template<class T> const char* whyNot(const Expected<T>& result)
{
    return result ? "" : result.error().c_str();
}

// Checks that a step whose value the test does not need succeeded, and says why not:
// VERIFY_OK(caseFile->setInfo(info)).
#define VERIFY_OK(expression)                                                                                          \
    do {                                                                                                               \
        const auto verifiedResult = (expression);                                                                      \
        QVERIFY2(verifiedResult, ::cepheid::test::whyNot(verifiedResult));                                             \
    } while (false)

// One network event, described by what matters to a test; everything else has the rule-passing default.
struct EventSpec
{
    std::string time {}; // RFC 3339
    std::vector<std::string> principalIps = { "10.0.0.5" };
    std::string destination = "api.lab.workers.dev"; // target.hostname
    std::string process = R"(C:\Users\bob\AppData\Local\Temp\updater.exe)";
    std::uint64_t sent = 500;
    std::uint64_t received = 900;
    std::string id {}; // default: unique per event
    std::string eventType = "NETWORK_CONNECTION";
    Direction direction = Direction::Outbound;
    std::vector<std::string> targetIps = { "104.21.1.1" };
    std::string hostname = "wks-0142.corp.example";
};

void append(EventTable& table, const EventSpec& spec);
// count events every `spacingSeconds` from `start`.
std::vector<EventSpec> series(const std::string& start, int count, double spacingSeconds, EventSpec base = {});

// Imports JSON text through the real reader (written to a temporary file, gzip if the name ends in .gz).
struct ImportedText
{
    EventTable table;
    InputSummary summary;
    std::string error;
    bool ok = false;
};
ImportedText importText(
    const std::string& text, const std::string& fileName = "input.json", const ImportOptions& options = {});

TimestampUs at(const std::string& rfc3339);

// Runs the default profile (or the given one) over a table and returns the finding for a destination.
struct Evaluated
{
    FlowIndex flows;
    Analysis analysis;
    const Finding* find(const EventTable& table, const std::string& sourceIp, const std::string& destination,
        const std::string& process) const;
};
Evaluated evaluate(const EventTable& table, const Profile& profile = {}, TimestampUs now = 0);

QString sourcePath(const QString& relative);

// One run of cepheid-cli: exit code (-1 when it crashed), standard output and error.
struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QString err;
    QJsonObject json() const;
};
struct CliRunOptions
{
    QString workingDirectory; // empty: the test's
    std::optional<QProcessEnvironment> environment; // none: the test's
    int timeoutMs = 300'000; // past it the test run aborts: a hung CLI is a failure, never a wait
};
CliRun runCepheidCli(const QStringList& arguments, const CliRunOptions& options = {});
// Writes a fixture file into a test's temporary folder and returns its path (aborts the test run if it cannot).
QString writeTestFile(const QTemporaryDir& directory, const QString& name, std::string_view text);

// UDM JSON fixtures, one event per line. They live here rather than in the suites because Qt 6.4's moc
// mis-reads raw strings holding an odd number of quotes.
std::string udmEventCamel(const std::string& id, const std::string& time = "2025-03-04T13:07:42.118Z",
    const std::string& principalIpJson = "[\"10.20.4.17\"]");
std::string udmEventSnake(const std::string& id);
std::string udmEventWithProcess(
    int index, const std::string& time, const std::string& process, const std::string& destination);
// A proxy-style event with HTTP details; responseCodeJson is written as is (200, "200", or something invalid).
std::string udmHttpEvent(int index, const std::string& time, const std::string& url, const std::string& userAgent,
    const std::string& responseCodeJson);

} // namespace cepheid::test
