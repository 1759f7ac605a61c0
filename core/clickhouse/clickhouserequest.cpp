#include "clickhouserequest.h"

#include "model/timestamp.h"
#include "util/jsonwriter.h"

#include <simdjson.h>

namespace cepheid {

namespace {

void writeChooser(JsonWriter& json, const Profile& profile)
{
    json.beginObject().field("regex", profile.rule.domainRegex).key("catalog").beginArray();
    for (const CatalogEntry& entry : profile.catalog)
        json.value(entry.pattern);
    json.endArray().endObject();
}

// The key of a stored chooser, written as clickHouseChooserKey writes a profile's.
Expected<std::string> chooserKey(simdjson::dom::element element)
{
    Profile chooser;
    chooser.catalog.clear();
    std::string_view regex;
    simdjson::dom::array catalog;
    if (element["regex"].get(regex) || element["catalog"].get(catalog))
        return failure("\"chosen_by\" must hold \"regex\" and \"catalog\"");
    chooser.rule.domainRegex = std::string(regex);
    for (const auto pattern : catalog) {
        std::string_view text;
        if (pattern.get(text))
            return failure("\"chosen_by\".catalog must hold strings");
        chooser.catalog.push_back({ {}, std::string(text) });
    }
    return clickHouseChooserKey(chooser);
}

} // namespace

bool isRefreshableClickHouseSource(const CaseSource& source)
{
    return source.format == "clickhouse" && !source.request.empty();
}

const CaseSource* newestRefreshableClickHouseSource(const std::vector<CaseSource>& sources)
{
    const CaseSource* newest = nullptr;
    for (const CaseSource& source : sources)
        if (isRefreshableClickHouseSource(source) && (!newest || source.id > newest->id))
            newest = &source;
    return newest;
}

std::string clickHouseChooserKey(const Profile& profile)
{
    std::string key;
    JsonWriter json(key, false);
    writeChooser(json, profile);
    return key;
}

std::string clickHouseRequestJson(
    const ClickHouseEndpoint& endpoint, const ClickHouseSelection& selection, const Profile& profile)
{
    std::string out;
    JsonWriter json(out, false);
    json.beginObject().field("server", endpoint.display()).field("ca", endpoint.caFile).key("mapping");
    selection.mapping.writeJson(json);
    if (selection.from)
        json.field("from", formatRfc3339(*selection.from));
    if (selection.to)
        json.field("to", formatRfc3339(*selection.to));
    json.field("where", selection.where).key("chosen_by");
    writeChooser(json, profile);
    json.endObject();
    return out;
}

Expected<ClickHouseStoredRequest> parseClickHouseRequest(std::string_view json)
{
    const auto refused = [](const std::string& why) { return failure("the source's stored request: " + why); };
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (const auto error = parser.parse(simdjson::padded_string(json)).get(root))
        return refused(simdjson::error_message(error));
    ClickHouseStoredRequest request;
    std::string_view server, ca, where;
    simdjson::dom::element mapping, chosenBy;
    if (root["server"].get(server) || root["ca"].get(ca) || root["where"].get(where) || root["mapping"].get(mapping)
        || root["chosen_by"].get(chosenBy))
        return refused("it lacks \"server\", \"ca\", \"where\", \"mapping\" or \"chosen_by\"");
    request.url = std::string(server);
    request.caFile = std::string(ca);
    request.selection.where = std::string(where);
    auto parsedMapping = ClickHouseMapping::fromJson(mapping, "mapping");
    if (!parsedMapping)
        return refused(parsedMapping.error());
    request.selection.mapping = std::move(*parsedMapping);
    for (const auto& [name, bound] :
        { std::pair { "from", &request.selection.from }, std::pair { "to", &request.selection.to } }) {
        const auto field = root[name];
        if (field.error() == simdjson::NO_SUCH_FIELD)
            continue; // absent: unbounded
        std::string_view text;
        if (field.get(text))
            return refused(std::string("\"") + name + "\" must be an RFC 3339 time");
        const auto time = parseRfc3339(text);
        if (!time)
            return refused(std::string("\"") + name + "\" is not an RFC 3339 time");
        *bound = *time;
    }
    auto key = chooserKey(chosenBy);
    if (!key)
        return refused(key.error());
    request.chosenBy = std::move(*key);
    return request;
}

} // namespace cepheid
