#pragma once

#include "clickhouse/clickhouserule.h"

#include <string>

namespace cepheid {

struct ServerRuleReportOptions
{
    std::string source; // "http://soc@ch:8123/telemetry table udm_network"
    std::string profileSource; // a path, or "default"
    bool listAll = false; // every flow of a matched hostname, not only those that fire
    bool pretty = true;
};

// The JSON document `cepheid-cli rule run` prints (README, "Events already in ClickHouse"): the source and the
// queries, a summary, and each listed flow with its "rule" object as `score` writes it. Firing flows come first,
// then by events, then by key.
std::string writeServerRuleReport(
    const ClickHouseRuleRun& run, const RuleEvaluator& rule, const ServerRuleReportOptions& options);

} // namespace cepheid
