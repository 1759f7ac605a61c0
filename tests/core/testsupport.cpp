#include "testsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <cmath>
#include <zlib.h>

namespace cepheid::test {

namespace {
int g_nextId = 0;
}

TimestampUs at(const std::string& rfc3339)
{
    const auto parsed = parseRfc3339(rfc3339);
    if (!parsed)
        qFatal("bad timestamp in test fixture: %s", rfc3339.c_str());
    return *parsed;
}

void append(EventTable& table, const EventSpec& spec)
{
    EventRecord record;
    record.timestamp = at(spec.time);
    const std::string id = spec.id.empty() ? "event-" + std::to_string(++g_nextId) : spec.id;
    record.id = id;
    record.eventType = spec.eventType;
    record.direction = spec.direction;
    record.principalHostname = spec.hostname;
    for (const auto& ip : spec.principalIps)
        record.principalIps.push_back(ip);
    record.processPath = spec.process;
    record.targetHostname = spec.destination;
    for (const auto& ip : spec.targetIps)
        record.targetIps.push_back(ip);
    record.bytesSent = spec.sent;
    record.bytesReceived = spec.received;
    record.bytesSentKnown = record.bytesReceivedKnown = true;
    table.append(record);
}

std::vector<EventSpec> series(const std::string& start, int count, double spacingSeconds, EventSpec base)
{
    std::vector<EventSpec> specs;
    const TimestampUs first = at(start);
    for (int i = 0; i < count; ++i) {
        EventSpec spec = base;
        spec.time = formatRfc3339(first + static_cast<TimestampUs>(std::llround(i * spacingSeconds * 1e6)));
        specs.push_back(spec);
    }
    return specs;
}

ImportedText importText(const std::string& text, const std::string& fileName, const ImportOptions& options)
{
    ImportedText result;
    QTemporaryDir directory;
    const std::string path = directory.filePath(QString::fromStdString(fileName)).toStdString();
    if (fileName.ends_with(".gz")) {
        gzFile file = gzopen(path.c_str(), "wb");
        gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
        gzclose(file);
    } else {
        writeTestFile(directory, QString::fromStdString(fileName), text);
    }
    auto summary = importFile(path, 0, result.table, options);
    result.ok = summary.has_value();
    if (summary)
        result.summary = std::move(*summary);
    else
        result.error = summary.error();
    return result;
}

const Finding* Evaluated::find(const EventTable& table, const std::string& sourceIp, const std::string& destination,
    const std::string& process) const
{
    for (const Finding& finding : analysis.findings) {
        const FlowKey& key = flows.flow(finding.flowIndex).key;
        if (table.text(key.sourceIp) == sourceIp && table.text(key.destination) == destination
            && table.text(key.processPath) == process)
            return &finding;
    }
    return nullptr;
}

Evaluated evaluate(const EventTable& table, const Profile& profile, TimestampUs now)
{
    Evaluated result;
    result.flows = FlowIndex::build(table);
    const auto analyzer = Analyzer::create(profile);
    if (!analyzer)
        qFatal("profile refused in test: %s", analyzer.error().c_str());
    result.analysis = analyzer->run(table, result.flows, now);
    return result;
}

QString sourcePath(const QString& relative)
{
    return QStringLiteral(CEPHEID_SOURCE_DIR) + u'/' + relative;
}

QString writeTestFile(const QTemporaryDir& directory, const QString& name, std::string_view text)
{
    const QString path = directory.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) != qint64(text.size()))
        qFatal("cannot write the test file %s", qPrintable(path));
    return path;
}

std::string udmEventCamel(const std::string& id, const std::string& time, const std::string& principalIpJson)
{
    return R"({"metadata":{"id":")" + id + R"(","eventTimestamp":")" + time
        + R"(","eventType":"NETWORK_CONNECTION"},"principal":{"hostname":"wks-0142","ip":)" + principalIpJson
        + R"(,"process":{"pid":"7312","file":{"fullPath":"C:\\Temp\\updater.exe"}}},"target":{"hostname":"api.lab.workers.dev","ip":["104.21.33.150"],"port":443},"network":{"direction":"OUTBOUND","sentBytes":"1834","receivedBytes":"5120"}})";
}

std::string udmEventSnake(const std::string& id)
{
    return R"({"metadata":{"id":")" + id
        + R"(","event_timestamp":"2025-03-04T13:07:42Z","event_type":"NETWORK_CONNECTION"},"principal":{"ip":["10.20.4.17"],"process":{"file":{"full_path":"C:\\Temp\\updater.exe"}}},"target":{"hostname":"api.lab.workers.dev"},"network":{"direction":"OUTBOUND","sent_bytes":1834,"received_bytes":5120}})";
}

std::string udmEventWithProcess(
    int index, const std::string& time, const std::string& process, const std::string& destination)
{
    return R"({"metadata":{"id":"e)" + std::to_string(index) + R"(","eventTimestamp":")" + time
        + R"(","eventType":"NETWORK_CONNECTION"},"principal":{"hostname":"wks-1","ip":["10.0.0.5"],"process":{"file":{"fullPath":")"
        + process + R"("}}},"target":{"hostname":")" + destination
        + R"("},"network":{"direction":"OUTBOUND","sentBytes":"400","receivedBytes":"800"}})";
}

std::string udmHttpEvent(int index, const std::string& time, const std::string& url, const std::string& userAgent,
    const std::string& responseCodeJson)
{
    return R"({"metadata":{"id":"h)" + std::to_string(index) + R"(","eventTimestamp":")" + time
        + R"(","eventType":"NETWORK_HTTP"},"principal":{"hostname":"wks-1","ip":["10.0.0.5"],"process":{"file":{"fullPath":"C:\\Temp\\beacon.exe"}}},"target":{"hostname":"api.lab.workers.dev","url":")"
        + url
        + R"("},"network":{"direction":"OUTBOUND","sentBytes":"400","receivedBytes":"800","http":{"method":"POST","userAgent":")"
        + userAgent + R"(","responseCode":)" + responseCodeJson + "}}}";
}

QJsonObject CliRun::json() const
{
    return QJsonDocument::fromJson(out).object();
}

CliRun runCepheidCli(const QStringList& arguments, const CliRunOptions& options)
{
    QProcess process;
    if (!options.workingDirectory.isEmpty())
        process.setWorkingDirectory(options.workingDirectory);
    if (options.environment)
        process.setProcessEnvironment(*options.environment);
    process.start(QStringLiteral(CEPHEID_CLI_PATH), arguments);
    process.closeWriteChannel();
    if (!process.waitForFinished(options.timeoutMs)) {
        process.kill();
        qFatal("cepheid-cli did not finish: %s", qPrintable(arguments.join(u' ')));
    }
    CliRun run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace cepheid::test
