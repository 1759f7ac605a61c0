#pragma once

#include "cases/casefile.h"
#include "cloud/changefindings.h"
#include "findings/analysis.h"
#include "ingest/importer.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace cepheid {

// Which findings a report lists (`--select`): alerting (the default listing), all considered, a verdict or more,
// or one triage status (an untriaged flow is "new").
struct FindingSelection
{
    enum class Kind { Alerting, All, Verdict, Status };
    Kind kind = Kind::Alerting;
    Verdict verdict = Verdict::None;
    std::string status;
};
// "alerting", "all", "verdict:beacon|likely|possible|none", "status:new|investigating|…", or what is wrong with it.
Expected<FindingSelection> parseFindingSelection(std::string_view text);

struct ScoreReportOptions
{
    bool listAll = false; // every considered flow, not just those that fire and are not allowlisted
    // Without listAll, flows are listed when they fire or their score reaches the profile's alert verdict; with
    // minScore set, when they fire or score at least minScore instead.
    std::optional<double> minScore;
    std::string profileSource; // a path, or "default"
    TimestampUs evaluatedAt = 0; // the "now" used for allowlist expiry
    bool pretty = true;
    // Triage state by flow (src_ip, destination, process path), when scoring a case.
    TriageMap triage;
    // Overrides listAll and minScore when set.
    std::optional<FindingSelection> selection;
    // Change findings from cloud audit records (docs/cloud-audit.md), listed in "cloud_changes" and linked from the
    // flows; null writes an empty list.
    const CloudAnalysis* cloud = nullptr;
};

// The findings a report lists, in its order: highest score first, then firing flows, then the busiest, ties broken
// by the flow key so output is stable. The JSON and CSV exports list the same findings in the same order.
std::vector<const Finding*> listedFindings(const EventTable& events, const FlowIndex& flows, const Analysis& analysis,
    const Analyzer& analyzer, const ScoreReportOptions& options);
// The triage state of a finding's flow, or null.
const TriageState* triageOf(
    const Finding& finding, const EventTable& events, const FlowIndex& flows, const ScoreReportOptions& options);

// The JSON document `cepheid-cli score` prints (format documented in README.md).
std::string writeScoreReport(const std::vector<InputSummary>& inputs, const EventTable& events, const FlowIndex& flows,
    const Analysis& analysis, const Analyzer& analyzer, const ScoreReportOptions& options);

class JsonWriter;
// A flow's triage state as a JSON object with its history (oldest first); includeFlow adds src_ip, dest_host and
// proc_path first.
void writeTriageState(JsonWriter& json, const TriageState& state, bool includeFlow);

// Whether a finding belongs in the listing (the selection, or the default one).
bool isListed(const Finding& finding, const Analyzer& analyzer, const ScoreReportOptions& options,
    const TriageState* triage = nullptr);

// One sentence on why a flow with no eligible event can never fire, or empty when some events were eligible.
std::string droppedReason(const RuleOutcome& outcome);

// A flow's "rule" object as `score` writes it (README, "`cepheid-cli score`"): the shown window, why events were
// dropped, the detections.
void writeRuleOutcome(
    JsonWriter& json, const RuleOutcome& rule, std::string_view processPath, const RuleSettings& settings);

// The rule conditions the shown window fails, e.g. "event_count 11 < 12".
std::vector<std::string> unmetConditions(const WindowOutcome& window, const RuleSettings& settings);

} // namespace cepheid
