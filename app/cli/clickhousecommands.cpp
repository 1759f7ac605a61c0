#include "clickhousecommands.h"

#include "clickhouse/clickhouseevents.h"
#include "clickhouse/clickhouserequest.h"
#include "clickhouse/clickhouserule.h"
#include "clisupport.h"
#include "model/namejoin.h"
#include "model/timestamp.h"
#include "reports/serverrulereport.h"
#include "util/jsonwriter.h"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace cepheid::cli {

namespace {

std::optional<ClickHouseClient> clientFor(const ClickHouseOptions& options)
{
    auto endpoint = ClickHouseEndpoint::parse(options.url);
    if (!endpoint) {
        std::cerr << "cepheid-cli: --clickhouse: " << endpoint.error() << '\n';
        return std::nullopt;
    }
    if (const char* password = std::getenv(kClickHousePasswordVariable))
        endpoint->password = password;
    endpoint->caFile = options.caFile;
    if (!endpoint->caFile.empty() && !endpoint->tls) {
        std::cerr << "cepheid-cli: --ca applies to https:// URLs\n";
        return std::nullopt;
    }
    return ClickHouseClient(std::move(*endpoint));
}

std::optional<ClickHouseSelection> selectionFor(const ClickHouseOptions& options)
{
    ClickHouseSelection selection;
    if (!options.mappingPath.empty()) {
        auto mapping = ClickHouseMapping::fromFile(options.mappingPath);
        if (!mapping) {
            std::cerr << "cepheid-cli: --mapping: " << mapping.error() << '\n';
            return std::nullopt;
        }
        selection.mapping = std::move(*mapping);
    }
    if (!options.table.empty())
        selection.mapping.table = options.table; // --table wins over the mapping's
    if (const auto name = clickHouseTableName(selection.mapping.table); !name) {
        std::cerr << "cepheid-cli: --table: " << name.error() << '\n';
        return std::nullopt;
    }
    if (options.from)
        selection.from = parseRfc3339(*options.from);
    if (options.to)
        selection.to = parseRfc3339(*options.to);
    selection.where = options.where;
    return selection;
}

// How a fetch is bounded and shown: the memory limit, and on a terminal one line with the server's rows read while
// it works, then the bytes received (silent when stderr is a pipe or a file).
ClickHouseFetchOptions fetchOptionsFor(const InputOptions& input)
{
    ClickHouseFetchOptions options;
    options.memoryLimit = input.limits.memory;
    if (!isatty(STDERR_FILENO))
        return options;
    options.serverProgress = [](const ClickHouseServerProgress& server) {
        std::cerr << "\rcepheid-cli: ClickHouse has read " << server.readRows;
        if (server.totalRowsToRead > 0)
            std::cerr << " of " << server.totalRowsToRead;
        std::cerr << " rows\x1b[K" << std::flush;
    };
    options.progress = [](std::uint64_t bytes) {
        std::cerr << "\rcepheid-cli: received " << bytes / (1024 * 1024) << " MiB from ClickHouse\x1b[K" << std::flush;
    };
    return options;
}

} // namespace

bool loadFromClickHouse(const ClickHouseOptions& options, const Profile& profile, const InputOptions& input,
    EventTable& events, std::vector<InputSummary>& inputs)
{
    const auto client = clientFor(options);
    const auto selection = client ? selectionFor(options) : std::nullopt;
    if (!selection)
        return false;
    const auto fetched = fetchFromClickHouse(*client, *selection, profile, events, fetchOptionsFor(input));
    endProgressLine();
    if (!fetched) {
        events = EventTable {};
        std::cerr << "cepheid-cli: " << fetched.error() << '\n';
        return false;
    }
    InputSummary summary;
    summary.path = clickHouseSourceDescription(*client, *selection);
    summary.format = "clickhouse";
    summary.layout = "rowbinary";
    summary.bytesRead = fetched->bytesReceived;
    summary.eventsRead = fetched->events;
    summary.query = fetched->query;
    inputs.push_back(std::move(summary));
    return true;
}

std::optional<CaseFile::RemoteSource> caseSourceFor(
    const ClickHouseOptions& options, const Profile& profile, const InputOptions& input)
{
    auto client = clientFor(options);
    auto selection = client ? selectionFor(options) : std::nullopt;
    if (!selection)
        return std::nullopt;
    return clickHouseCaseSource(std::move(*client), std::move(*selection), profile, fetchOptionsFor(input));
}

std::optional<std::optional<CaseFile::RemoteSource>> refreshSourceFor(
    const CaseSource& source, const Profile& profile, const ClickHouseOptions& server, const InputOptions& input)
{
    auto stored = parseClickHouseRequest(source.request);
    if (!stored) {
        std::cerr << "cepheid-cli: " << source.path << ": " << stored.error() << '\n';
        return std::nullopt;
    }
    auto client = clientFor(server);
    if (!client)
        return std::nullopt;
    // The same server, user and database as recorded: display() writes both URLs in one form.
    if (client->endpoint().display() != stored->url)
        return std::optional<CaseFile::RemoteSource> {};
    auto remote
        = clickHouseCaseSource(std::move(*client), std::move(stored->selection), profile, fetchOptionsFor(input));
    remote.replaces = source.id;
    return remote;
}

int runPush(const PushOptions& options)
{
    const auto client = clientFor(options.clickhouse);
    if (!client)
        return UsageError;
    if (!inputCountAccepted(options.inputs))
        return UsageError;
    // The table first: an unreachable server or a refused login is said before any file is read.
    const auto key = prepareClickHouseTable(*client, options.clickhouse.table);
    if (!key) {
        std::cerr << "cepheid-cli: " << key.error() << '\n';
        return InputError;
    }
    EventTable events;
    events.setIdKey(*key);
    std::vector<InputSummary> inputs;
    if (!importInputs(options.inputs, options.input, events, inputs, "nothing pushed"))
        return InputError;
    // Names are joined across all the inputs before the push: the server holds each connection with the name its
    // session or resolution gave, as a file's analysis would see it.
    joinNames(events);
    const auto pushed = pushToClickHouse(*client, options.clickhouse.table, events);
    if (!pushed) {
        std::cerr << "cepheid-cli: " << pushed.error() << " (batches sent before it stay in the table)\n";
        return InputError;
    }
    std::string out;
    JsonWriter json(out);
    json.beginObject().field("table", options.clickhouse.table).field("server", client->endpoint().display());
    json.key("inputs").beginArray();
    for (const InputSummary& input : inputs)
        json.beginObject()
            .field("path", input.path)
            .field("format", input.format)
            .field("events_read", input.eventsRead)
            .field("events_rejected", input.eventsRejected)
            .endObject();
    json.endArray();
    json.field("events_pushed", pushed->eventsPushed)
        .field("cloud_events_left_out", pushed->cloudEventsLeftOut)
        .field("bytes_sent", pushed->bytesSent)
        .endObject();
    std::cout << out << '\n';
    return Success;
}

int runRuleRun(const RuleRunOptions& options)
{
    auto profile = profileFrom(options.profilePath);
    if (!profile)
        return InputError;
    if (options.windows)
        profile->rule.windows = *options.windows == "sliding" ? WindowModel::Sliding : WindowModel::Hop;
    const auto rule = RuleEvaluator::create(profile->rule);
    if (!rule) {
        std::cerr << "cepheid-cli: " << rule.error() << '\n';
        return InputError;
    }
    const auto client = clientFor(options.clickhouse);
    const auto selection = client ? selectionFor(options.clickhouse) : std::nullopt;
    if (!selection)
        return InputError;
    const auto run = runRuleOnClickHouse(*client, *selection, profile->rule, fetchOptionsFor(options.input));
    endProgressLine();
    if (!run) {
        std::cerr << "cepheid-cli: " << run.error() << '\n';
        return InputError;
    }
    ServerRuleReportOptions report;
    report.source = clickHouseSourceDescription(*client, *selection);
    report.profileSource = options.profilePath.empty() ? "default" : options.profilePath;
    report.listAll = options.listAll;
    report.pretty = !options.compact;
    return writeOutput(writeServerRuleReport(*run, *rule, report), options.outputPath);
}

} // namespace cepheid::cli
