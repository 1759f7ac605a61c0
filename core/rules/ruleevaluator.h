#pragma once

#include "model/flowindex.h"
#include "ruleoutcome.h"
#include "tuning/profile.h"
#include "util/expected.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace cepheid {

// Evaluates t1584_007_serverless_c2_beaconing on flows, as Chronicle does (README, "The seed rule, reproduced
// exactly"):
//   events:    event_type = NETWORK_CONNECTION, direction = OUTBOUND, re.regex(target.hostname) as a partial match
//   match:     $src_ip, $dest_host, $proc_path over <window>; zero-valued placeholders drop the event
//   outcome:   count_distinct(metadata.id), distinct UTC hours, byte sums, floor averages
//   condition: event_count >= min, hour_buckets >= min, avg_sent < max, avg_received < max
// Windows: hop windows of `window` every window/10, aligned to the Unix epoch, or sliding windows that start
// at every event. Windows are half-open [start, start + window).
class RuleEvaluator
{
public:
    // Fails when rule.domain_regex is not an RE2 regex.
    static Expected<RuleEvaluator> create(const RuleSettings& settings);
    ~RuleEvaluator();
    RuleEvaluator(RuleEvaluator&&) noexcept;
    RuleEvaluator& operator=(RuleEvaluator&&) noexcept;

    // RE2 partial match of the rule's regex, like YARA-L's re.regex.
    bool domainMatches(std::string_view hostname) const;
    RuleOutcome evaluate(const EventTable& events, const FlowIndex& flows, const Flow& flow) const;
    // Only the events section and placeholder filter: why the flow's events would be dropped (no windows).
    DroppedEvents classify(const EventTable& events, const FlowIndex& flows, const Flow& flow) const;

    const RuleSettings& settings() const { return m_settings; }
    TimestampUs windowLength() const { return m_window; }
    TimestampUs hopLength() const { return m_hop; }
    const re2::RE2& domainRegex() const { return *m_regex; }
    // The outcome section and condition for the window [start, start + window) holding `distinct` event ids in
    // `hours` distinct hours of day, with those byte sums (saturated at the largest value).
    WindowOutcome windowOutcome(
        TimestampUs start, std::int64_t distinct, std::int64_t hours, std::uint64_t sent, std::uint64_t received) const;

private:
    RuleEvaluator() = default;
    // Applies the events section and the zero-value filter; eligible receives the events that pass (if given).
    DroppedEvents filter(const EventTable& events, const FlowIndex& flows, const Flow& flow, bool domainMatched,
        std::vector<EventIndex>* eligible) const;

    RuleSettings m_settings;
    std::unique_ptr<re2::RE2> m_regex;
    TimestampUs m_window = 0;
    TimestampUs m_hop = 0;
};

} // namespace cepheid
