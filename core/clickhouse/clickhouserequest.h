#pragma once

#include "clickhouseclient.h"
#include "clickhouseevents.h"
#include "tuning/profile.h"
#include "util/expected.h"

#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// How a case asks a ClickHouse source again (docs/clickhouse.md, "Refreshing a case source"), kept with the source:
// the server without credentials, the CA file, the selection, and what chose the destinations when it was fetched.
struct ClickHouseStoredRequest
{
    std::string url; // ClickHouseEndpoint::display(): never a password
    std::string caFile;
    ClickHouseSelection selection;
    std::string chosenBy; // clickHouseChooserKey of the profile the answer was fetched with
};

// A case source fetched from ClickHouse whose request the case kept: one a refresh can ask again.
bool isRefreshableClickHouseSource(const CaseSource& source);
// The newest of those (the highest id), or null.
const CaseSource* newestRefreshableClickHouseSource(const std::vector<CaseSource>& sources);

// The request as the case keeps it (CaseFile::RemoteSource::request): one JSON object.
std::string clickHouseRequestJson(
    const ClickHouseEndpoint& endpoint, const ClickHouseSelection& selection, const Profile& profile);
// Refused, with the reason, when the text is not one clickHouseRequestJson wrote.
Expected<ClickHouseStoredRequest> parseClickHouseRequest(std::string_view json);

// What of a profile decides which destinations a fetch brings back (consideredDestinations): the rule's regex and
// the catalog's patterns. Two profiles with the same key fetch the same events; thresholds, weights and allowlists
// are applied to what was fetched.
std::string clickHouseChooserKey(const Profile& profile);

} // namespace cepheid
