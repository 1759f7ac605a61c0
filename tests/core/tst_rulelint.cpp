#include "rules/rulelint.h"
#include "testsupport.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

std::vector<std::string> lintIds(const RuleSettings& settings)
{
    const auto rule = RuleEvaluator::create(settings);
    if (!rule)
        qFatal("%s", rule.error().c_str());
    std::vector<std::string> ids;
    for (const LintFinding& finding : lintRule(*rule))
        ids.push_back(finding.id);
    return ids;
}

bool has(const std::vector<std::string>& ids, const char* id)
{
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

} // namespace

class RuleLintTest : public QObject
{
    Q_OBJECT

private slots:
    void seedRuleHasTheKnownSharpEdges()
    {
        const auto ids = lintIds(RuleSettings {});
        QVERIFY(has(ids, "unanchored-regex"));
        QVERIFY(has(ids, "lambda-url-never-matches"));
        QVERIFY(has(ids, "short-bursts-never-fire"));
        QVERIFY(has(ids, "get-hour-argument"));
        QVERIFY(has(ids, "hop-size-undocumented"));
        QVERIFY(!has(ids, "hour-of-day-repeats"));
    }

    void anchoredRegexWithRealLambdaDomainClearsBothWarnings()
    {
        RuleSettings settings;
        settings.domainRegex = R"((?i)^(.*\.workers\.dev|script\.google\.com|.*\.lambda-url\.[a-z0-9-]+\.on\.aws)$)";
        const auto ids = lintIds(settings);
        QVERIFY(!has(ids, "unanchored-regex"));
        QVERIFY(!has(ids, "lambda-url-never-matches"));
    }

    void shortBurstMessageFollowsTheThreshold()
    {
        RuleSettings settings;
        settings.minHourBuckets = 1;
        QVERIFY(!has(lintIds(settings), "short-bursts-never-fire"));
        settings.minHourBuckets = 5;
        const auto rule = RuleEvaluator::create(settings);
        QVERIFY2(rule, whyNot(rule));
        const auto findings = lintRule(*rule);
        const auto it = std::find_if(
            findings.begin(), findings.end(), [](const LintFinding& f) { return f.id == "short-bursts-never-fire"; });
        QVERIFY(it != findings.end());
        QVERIFY2(it->message.find("lasting 3 hours or less") != std::string::npos, it->message.c_str());
    }

    void slidingWindowsAndLongWindowsChangeTheCaveats()
    {
        RuleSettings settings;
        settings.windows = WindowModel::Sliding;
        settings.windowHours = 36;
        const auto ids = lintIds(settings);
        QVERIFY(!has(ids, "hop-size-undocumented"));
        QVERIFY(has(ids, "hour-of-day-repeats"));
    }
};

QTEST_APPLESS_MAIN(RuleLintTest)
#include "tst_rulelint.moc"
