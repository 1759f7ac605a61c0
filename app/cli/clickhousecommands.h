#pragma once

#include "cases/casefile.h"
#include "clioptions.h"
#include "ingest/importer.h"
#include "model/eventtable.h"
#include "tuning/profile.h"

#include <optional>
#include <vector>

namespace cepheid::cli {

// score --clickhouse: reads the flows `profile` may consider from the server into `events` and adds the source to
// `inputs`. Says why on stderr and returns false when the server, the table or its answer cannot be used; `events`
// is then left empty.
bool loadFromClickHouse(const ClickHouseOptions& options, const Profile& profile, const InputOptions& input,
    EventTable& events, std::vector<InputSummary>& inputs);

// import --clickhouse: the source a case imports, the events `profile` considers (the case's newest saved profile).
// Says why on stderr and returns nothing when the options cannot be used.
std::optional<CaseFile::RemoteSource> caseSourceFor(
    const ClickHouseOptions& options, const Profile& profile, const InputOptions& input);

// import --refresh: the source that asks a case's ClickHouse source again as the case recorded it, replacing its
// events, on the server `server` names (its URL and --ca: the analyst's, never the case's alone). An empty optional
// inside when the source is on another server; says why on stderr and returns nothing when it cannot be used.
std::optional<std::optional<CaseFile::RemoteSource>> refreshSourceFor(
    const CaseSource& source, const Profile& profile, const ClickHouseOptions& server, const InputOptions& input);

// rule run: the seed rule evaluated inside ClickHouse; prints its outcome per flow as JSON.
int runRuleRun(const RuleRunOptions& options);

// push: reads exports and appends their events to a ClickHouse table in Cepheid's layout.
int runPush(const PushOptions& options);

} // namespace cepheid::cli
