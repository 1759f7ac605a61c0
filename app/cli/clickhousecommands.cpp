#include "clickhousecommands.h"

#include "clickhouse/clickhouseevents.h"
#include "clisupport.h"
#include "model/namejoin.h"
#include "model/timestamp.h"
#include "util/jsonwriter.h"

#include <cstdlib>
#include <iostream>

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

} // namespace

bool loadFromClickHouse(const ClickHouseOptions& options, const Profile& profile, const InputOptions& input,
    EventTable& events, std::vector<InputSummary>& inputs)
{
    const auto client = clientFor(options);
    const auto selection = client ? selectionFor(options) : std::nullopt;
    if (!selection)
        return false;
    ClickHouseFetchOptions fetchOptions;
    fetchOptions.memoryLimit = input.limits.memory;
    const auto fetched = fetchFromClickHouse(*client, *selection, profile, events, fetchOptions);
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
    ClickHouseFetchOptions fetchOptions;
    fetchOptions.memoryLimit = input.limits.memory;
    return clickHouseCaseSource(std::move(*client), std::move(*selection), profile, std::move(fetchOptions));
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

} // namespace cepheid::cli
