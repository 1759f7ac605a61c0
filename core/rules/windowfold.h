#pragma once

#include "ruleoutcome.h"
#include "tuning/profile.h"

#include <optional>

namespace cepheid {

// Folds a flow's match windows, given in time order, into its rule outcome (README, "The seed rule, reproduced
// exactly"): the first firing window, firing windows that overlap or touch merged into one detection as Chronicle's
// live engine deduplicates them, and, when none fires, the window that came closest. One fold serves the evaluator that
// computes the windows here and the one whose windows the server computed (core/clickhouse/clickhouserule.h), so both
// name the same window and the same detections.
class WindowFold
{
public:
    explicit WindowFold(const RuleSettings& settings)
        : m_settings(settings)
    { }

    // The next window, in time order.
    void add(const WindowOutcome& outcome);
    bool fires() const { return m_outcome.fires; }
    // Sets fires, window, detections and windowsEvaluated; the other fields of `into` are left as they are.
    void finish(RuleOutcome& into);

private:
    const RuleSettings& m_settings;
    RuleOutcome m_outcome;
    std::optional<WindowOutcome> m_closest;
};

} // namespace cepheid
