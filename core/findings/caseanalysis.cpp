#include "caseanalysis.h"

#include "tuning/profilejson.h"

#include <chrono>

namespace cepheid {

namespace {

double millisecondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::shared_ptr<CaseData> groupFlows(EventTable&& events, std::vector<CaseSource> sources)
{
    auto data = std::make_shared<CaseData>();
    data->events = std::move(events);
    data->names = joinNames(data->events);
    data->flows = FlowIndex::build(data->events);
    data->sources = std::move(sources);
    return data;
}

// Analyses `data` under the baseline, then re-runs under `profile` when that differs: the re-run reuses what the
// profile's changes do not touch (Analyzer::rerun), so a what-if costs a fraction of a run.
Expected<CaseAnalysis> analyse(
    std::shared_ptr<const CaseData> data, CaseProfile baseline, const std::optional<Profile>& profile, TimestampUs now)
{
    CaseAnalysis result;
    result.data = std::move(data);
    const auto started = std::chrono::steady_clock::now();
    auto analyzer = Analyzer::create(baseline.profile);
    if (!analyzer) {
        return failure(baseline.version > 0
                ? "the case's saved profile " + std::to_string(baseline.version) + " cannot be run: " + analyzer.error()
                : "the profile cannot be run: " + analyzer.error());
    }
    result.analysis = analyzer->run(result.data->events, result.data->flows, now);
    result.savedAlerting = alertingFlows(result.analysis, baseline.profile.score);
    if (profile && *profile != baseline.profile) {
        auto working = Analyzer::create(*profile);
        if (!working)
            return failure("the profile cannot be run: " + working.error());
        result.analysis
            = working->rerun(result.analysis, baseline.profile, result.data->events, result.data->flows, now);
        analyzer = std::move(working);
    }
    result.analyzer = std::make_shared<const Analyzer>(std::move(*analyzer));
    result.cloud = analyseCloudChanges(result.data->events, result.data->flows, result.analysis,
        result.analyzer->profile(), result.analyzer->allowlist(), now);
    result.engineMilliseconds = millisecondsSince(started);
    result.saved = std::move(baseline);
    return result;
}

} // namespace

Expected<CaseProfile> newestSavedProfile(CaseFile& caseFile)
{
    const auto versions = caseFile.profiles();
    if (!versions)
        return failure(versions.error());
    if (versions->empty())
        return CaseProfile {};
    auto profile = parseProfile(versions->back().json);
    if (!profile) {
        return failure("the case's saved profile " + std::to_string(versions->back().id)
            + " cannot be read: " + profile.error()
            + " (a readable profile saved over it, e.g. with cepheid-cli score --profile, is used next)");
    }
    return CaseProfile { std::move(*profile), versions->back().id };
}

Expected<CaseAnalysis> analyseCase(
    CaseFile& caseFile, EventTable&& events, const std::optional<Profile>& profile, TimestampUs now)
{
    auto saved = newestSavedProfile(caseFile);
    if (!saved)
        return failure(saved.error());
    auto sources = caseFile.sources();
    if (!sources)
        return failure(sources.error());
    auto triage = caseFile.triage();
    if (!triage)
        return failure(triage.error());
    auto result = analyse(groupFlows(std::move(events), std::move(*sources)), std::move(*saved), profile, now);
    if (result)
        result->triage = triageByFlow(std::move(*triage));
    return result;
}

Expected<CaseAnalysis> analyseEvents(EventTable&& events, Profile profile, TimestampUs now)
{
    return analyse(groupFlows(std::move(events), {}), CaseProfile { std::move(profile), 0 }, std::nullopt, now);
}

} // namespace cepheid
