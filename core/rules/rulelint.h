#pragma once

#include "ruleevaluator.h"

#include <string>
#include <vector>

namespace cepheid {

struct LintFinding
{
    std::string id; // stable identifier, e.g. "unanchored-regex"
    std::string severity; // "warning" (the rule misses or over-matches), "info" (a modelling caveat)
    std::string message;
};

// Findings about the rule as configured, independent of data. They are decided by running the rule's own
// regex on probe hostnames, so a tuned regex that fixes a problem no longer reports it.
std::vector<LintFinding> lintRule(const RuleEvaluator& rule);

} // namespace cepheid
