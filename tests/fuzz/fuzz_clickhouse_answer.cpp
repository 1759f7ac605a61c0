// libFuzzer target: a ClickHouse server's answer (core/clickhouse/clickhouseanswer), which Cepheid reads like any
// other input (docs/clickhouse.md, "Wire format"). The first byte chooses what the rest is read as (bit 0: the
// destinations of step 1 or the events of step 2; bit 1: events with a hashed id or an id string; bit 2: the events
// grouped by flow, each group's own fields as arrays; bit 3, before the others: the rule's answer, a flow a row with
// its windows, core/clickhouse/clickhouserule) and, with the second, where the answer is cut in two pieces. Besides
// ending without a crash, a sanitizer report or a hang, the answer must read the same whole as in two pieces (the
// network cuts it anywhere): the same rows, destinations and events, and a refusal exactly when the whole is refused. A
// difference aborts, printing both.

#include "clickhouse/clickhouseanswer.h"
#include "clickhouse/clickhouserule.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace cepheid;

namespace {

struct Outcome
{
    bool accepted = false;
    std::uint64_t rows = 0;
    std::string problem;
    std::uint64_t fingerprint = 0; // of what was read
};

Outcome readDestinations(std::string_view answer, std::size_t cut)
{
    ClickHouseDestinationRows rows;
    Outcome outcome;
    outcome.accepted = rows.feed(answer.substr(0, cut)) && rows.feed(answer.substr(cut)) && rows.finish();
    outcome.problem = rows.problem();
    outcome.rows = rows.destinations().size();
    for (const ClickHouseDestination& destination : rows.destinations())
        outcome.fingerprint = outcome.fingerprint * 31 + destination.name.size() * 2 + destination.isHostname;
    return outcome;
}

Outcome readEvents(std::string_view answer, std::size_t cut, ClickHouseEventRows::Layout layout, bool hashedIds)
{
    EventTable events;
    events.setIdKey(1);
    ClickHouseEventRows rows(events, layout, hashedIds);
    Outcome outcome;
    outcome.accepted = rows.feed(answer.substr(0, cut)) && rows.feed(answer.substr(cut)) && rows.finish();
    outcome.problem = rows.problem();
    outcome.rows = rows.events();
    if (events.size() != rows.events()) {
        std::fprintf(stderr, "%zu events appended for %llu rows\n", events.size(),
            static_cast<unsigned long long>(rows.events()));
        std::abort();
    }
    for (EventIndex i = 0; i < events.size(); ++i)
        outcome.fingerprint = outcome.fingerprint * 31 + events.idHash(i)
            + static_cast<std::uint64_t>(events.timestamp(i)) + events.text(events.targetHostname(i)).size()
            + events.targetIps(i).size();
    return outcome;
}

Outcome readRule(std::string_view answer, std::size_t cut)
{
    static const RuleEvaluator rule = *RuleEvaluator::create(RuleSettings {});
    ClickHouseRuleRows rows(rule);
    Outcome outcome;
    outcome.accepted = rows.feed(answer.substr(0, cut)) && rows.feed(answer.substr(cut)) && rows.finish();
    outcome.problem = rows.problem();
    outcome.rows = rows.flows().size();
    for (const ClickHouseRuleFlow& flow : rows.flows()) {
        const RuleOutcome& result = flow.outcome;
        // What the fold made of the windows must be a rule's outcome: a firing flow shows a firing window.
        if (result.fires != (result.window && result.window->fires) || result.fires != !result.detections.empty()) {
            std::fprintf(stderr, "a flow's outcome contradicts itself\n");
            std::abort();
        }
        outcome.fingerprint = outcome.fingerprint * 31 + flow.sourceIp.size() + flow.destination.size()
            + result.eligibleEvents + result.windowsEvaluated + result.detections.size()
            + (result.window ? static_cast<std::uint64_t>(result.window->windowStart) : 0);
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return 0;
    const std::uint8_t mode = data[0];
    const std::string_view answer(reinterpret_cast<const char*>(data) + 2, size - 2);
    const std::size_t cut = answer.empty() ? 0 : data[1] % (answer.size() + 1);
    const bool destinations = (mode & 1) != 0;
    const bool hashedIds = (mode & 2) != 0;
    const bool grouped = (mode & 4) != 0;
    const bool rule = (mode & 8) != 0;
    const auto read = [&](std::size_t at) {
        if (rule)
            return readRule(answer, at);
        if (destinations)
            return readDestinations(answer, at);
        return readEvents(answer, at,
            grouped ? ClickHouseEventRows::Layout::GroupedByFlow : ClickHouseEventRows::Layout::RowPerEvent,
            grouped || hashedIds);
    };
    const Outcome whole = read(answer.size());
    const Outcome pieces = read(cut);
    // A refusal found in the first piece stops there; rows read before it may then be fewer, the refusal the same.
    const bool same = whole.accepted == pieces.accepted
        && (!whole.accepted || (whole.rows == pieces.rows && whole.fingerprint == pieces.fingerprint));
    if (!same) {
        std::fprintf(stderr, "cut at %zu of %zu: whole %s, %llu rows (%s); pieces %s, %llu rows (%s)\n", cut,
            answer.size(), whole.accepted ? "accepted" : "refused", static_cast<unsigned long long>(whole.rows),
            whole.problem.c_str(), pieces.accepted ? "accepted" : "refused",
            static_cast<unsigned long long>(pieces.rows), pieces.problem.c_str());
        std::abort();
    }
    return 0;
}
