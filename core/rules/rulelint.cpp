#include "rulelint.h"

#include <cmath>

namespace cepheid {

namespace {

std::string hoursText(double hours)
{
    const double rounded = std::round(hours * 100) / 100;
    std::string text = std::to_string(rounded);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.')
        text.pop_back();
    return text + " h";
}

} // namespace

std::vector<LintFinding> lintRule(const RuleEvaluator& rule)
{
    std::vector<LintFinding> findings;
    const RuleSettings& settings = rule.settings();

    // re.regex is a partial match: an unanchored pattern also matches look-alike hosts an attacker can register.
    std::vector<std::string> overMatched;
    for (const char* probe : { "script.google.com.attacker.example", "xscript.google.com",
             "c2.workers.dev.attacker.example", "relay.vercel.app.attacker.example" })
        if (rule.domainMatches(probe))
            overMatched.emplace_back(probe);
    if (!overMatched.empty()) {
        std::string examples;
        for (const auto& host : overMatched)
            examples += (examples.empty() ? "" : ", ") + host;
        findings.push_back({ "unanchored-regex", "warning",
            "re.regex() is a partial match and rule.domain_regex is not anchored, so it also matches "
            "hosts that merely contain a serverless name: "
                + examples + ". Anchor the alternatives (^(…)$) to match whole hostnames." });
    }

    // The seed's Lambda pattern targets amazonaws.com, but function URLs are <id>.lambda-url.<region>.on.aws.
    if (rule.settings().domainRegex.find("lambda-url") != std::string::npos
        && !rule.domainMatches("abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws"))
        findings.push_back({ "lambda-url-never-matches", "warning",
            "the lambda-url pattern expects …lambda-url.<region>.amazonaws.com, but real AWS Lambda "
            "function URLs are <url-id>.lambda-url.<region>.on.aws: the rule never sees Lambda "
            "function URL traffic. Cepheid's catalog includes .on.aws so those flows are still scored." });

    // hour_buckets counts distinct clock hours: activity inside a short burst cannot reach the threshold.
    if (settings.minHourBuckets >= 2) {
        const std::int64_t minimum = settings.minHourBuckets;
        const std::string neverFires = minimum == 2
            ? "that stays within one clock hour"
            : "lasting " + std::to_string(minimum - 2) + " hour" + (minimum - 2 == 1 ? "" : "s") + " or less";
        findings.push_back({ "short-bursts-never-fire", "warning",
            "hour_buckets counts distinct UTC hours of the day, so a burst " + neverFires + " can never reach "
                + std::to_string(minimum)
                + " buckets, however many connections it makes (the seed's atomic test, 15 "
                  "connections 30 s apart, cannot fire). Bursts up to "
                + std::to_string(minimum - 1)
                + " h fire only if they straddle enough hour boundaries. The beacon score covers "
                  "this blind spot." });
    }

    findings.push_back({ "get-hour-argument", "info",
        "the seed calls timestamp.get_hour($e.metadata.event_timestamp), but the function is "
        "documented on seconds (metadata.event_timestamp.seconds); Chronicle may refuse the rule as "
        "written. Cepheid evaluates the intended meaning: the UTC hour of the event time." });

    if (settings.windows == WindowModel::Hop)
        findings.push_back({ "hop-size-undocumented", "info",
            "Google does not publish how `over " + hoursText(settings.windowHours)
                + "` hop windows are placed. Cepheid models hop = window/10 (" + hoursText(settings.windowHours / 10)
                + ") aligned to the Unix epoch; run with --windows sliding to see every window that "
                  "could fire." });

    if (settings.windowHours > 24)
        findings.push_back({ "hour-of-day-repeats", "info",
            "with a window longer than 24 h, the same hour of day recurs inside one window and counts "
            "once: hour_buckets measures spread over the clock, not elapsed hours." });
    return findings;
}

} // namespace cepheid
