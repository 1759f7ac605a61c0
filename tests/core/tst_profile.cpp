#include "testsupport.h"
#include "tuning/allowlist.h"
#include "tuning/localonlynetworks.h"
#include "tuning/profilejson.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

std::string errorOf(const std::string& json)
{
    const auto profile = parseProfile(json);
    return profile ? std::string("(accepted)") : profile.error();
}

} // namespace

class ProfileTest : public QObject
{
    Q_OBJECT

private slots:
    // One table of ranges (profileranges.h): the JSON reader refuses a value outside one, and validation refuses the
    // same value in a profile built in code, with the same words.
    void readerAndValidationShareTheRanges_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("hour buckets") << QStringLiteral(R"({"rule": {"min_hour_buckets": 25}})")
                                      << QStringLiteral("rule.min_hour_buckets: 25 is outside 1..24");
        QTest::newRow("weight") << QStringLiteral(R"({"score": {"weights": {"payload": 1001}}})")
                                << QStringLiteral("score.weights.payload: 1001 is outside 0..1000");
        QTest::newRow("fleet") << QStringLiteral(R"({"score": {"fleet_hosts": 1}})")
                               << QStringLiteral("score.fleet_hosts: 1 is outside 2..1000000");
    }
    void readerAndValidationShareTheRanges()
    {
        QFETCH(QString, json);
        QFETCH(QString, message);
        const std::string error = errorOf(json.toStdString());
        QVERIFY2(QString::fromStdString(error).contains(message), error.c_str());

        cepheid::Profile profile;
        if (json.contains(QStringLiteral("min_hour_buckets")))
            profile.rule.minHourBuckets = 25;
        else if (json.contains(QStringLiteral("payload")))
            profile.score.weights.payload = 1001;
        else
            profile.score.fleetHosts = 1;
        const auto valid = cepheid::validateProfile(profile);
        QVERIFY(!valid);
        QCOMPARE(QString::fromStdString(valid.error()), message);
        VERIFY_OK(cepheid::validateProfile(cepheid::Profile {}));
    }

    void defaultsReproduceTheSeedRule()
    {
        const Profile profile;
        QCOMPARE(profile.rule.windowHours, 24.0);
        QCOMPARE(profile.rule.windows, WindowModel::Hop);
        QCOMPARE(profile.rule.minEvents, std::int64_t(12));
        QCOMPARE(profile.rule.minHourBuckets, std::int64_t(3));
        QCOMPARE(profile.rule.maxAvgBytesSent, std::int64_t(4096));
        QCOMPARE(profile.rule.maxAvgBytesReceived, std::int64_t(16384));
        QVERIFY(profile.rule.domainRegex.starts_with("(?i)(.*\\.workers\\.dev|.*\\.cloudflareworkers\\.com|"));
        QVERIFY(profile.rule.domainRegex.ends_with(".*\\.supabase\\.co|.*\\.deno\\.dev)"));
        QVERIFY(profile.allowlist.empty());
    }

    void defaultCatalogCoversSeedPlatformsAndRealLambdaUrls()
    {
        const auto catalog = Catalog::compile(Profile::defaultCatalog());
        QVERIFY2(catalog, whyNot(catalog));
        for (const char* host : { "a.workers.dev", "a.cloudflareworkers.com", "a.execute-api.eu-west-1.amazonaws.com",
                 "a.lambda-url.us-east-1.amazonaws.com", "a.lambda-url.us-east-1.on.aws", "script.google.com",
                 "script.googleusercontent.com", "a.cloudfunctions.net", "a.run.app", "a.azurewebsites.net",
                 "a.pages.dev", "a.netlify.app", "a.vercel.app", "a.supabase.co", "a.deno.dev", "A.WORKERS.DEV" })
            QVERIFY2(!catalog->platformOf(host).empty(), host);
        // Catalog patterns are anchored, unlike the seed regex.
        for (const char* host : { "script.google.com.evil.example", "workers.dev", "www.google.com" })
            QVERIFY2(catalog->platformOf(host).empty(), host);
    }

    void partialProfileKeepsOtherDefaults()
    {
        const auto profile = parseProfile("{\"rule\": {\"min_events\": 20, \"windows\": \"sliding\"}}");
        QVERIFY2(profile, whyNot(profile));
        QCOMPARE(profile->rule.minEvents, std::int64_t(20));
        QCOMPARE(profile->rule.windows, WindowModel::Sliding);
        QCOMPARE(profile->rule.minHourBuckets, std::int64_t(3));
        QCOMPARE(profile->catalog, Profile::defaultCatalog());
        QCOMPARE(profile->score.localOnlyNetworks, ScoreSettings::defaultLocalOnlyNetworks());
    }

    void localOnlyNetworksCanBeReplaced()
    {
        // The list replaces the defaults (an empty list scores every destination), and round-trips.
        const auto profile = parseProfile("{\"score\": {\"local_only_networks\": [\"10.99.0.0/16\", \"ff02::/16\"]}}");
        QVERIFY2(profile, whyNot(profile));
        QCOMPARE(profile->score.localOnlyNetworks, (std::vector<std::string> { "10.99.0.0/16", "ff02::/16" }));
        const auto none = parseProfile("{\"score\": {\"local_only_networks\": []}}");
        QVERIFY2(none, whyNot(none));
        QVERIFY(none->score.localOnlyNetworks.empty());
        const auto again = parseProfile(profileToJson(*profile));
        QVERIFY2(again, whyNot(again));
        QVERIFY(*again == *profile);
        QVERIFY(ScoreSettings::defaultLocalOnlyNetworks().size() >= 9);
        QCOMPARE(localOnlyNetworkKind("ff00::/8"), std::string_view("IPv6 multicast"));
        QVERIFY(localOnlyNetworkKind("10.99.0.0/16").empty());
    }

    void refusesBadProfilesNamingTheProblem_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not JSON") << QStringLiteral("{rule:") << QStringLiteral("not valid JSON");
        QTest::newRow("not an object") << QStringLiteral("[]") << QStringLiteral("profile: expected an object");
        QTest::newRow("unknown top-level key")
            << QStringLiteral("{\"rules\": {}}") << QStringLiteral("rules: unknown key");
        QTest::newRow("typo in a threshold")
            << QStringLiteral("{\"rule\": {\"min_event\": 3}}") << QStringLiteral("rule.min_event: unknown key");
        QTest::newRow("wrong type") << QStringLiteral("{\"rule\": {\"min_events\": \"12\"}}")
                                    << QStringLiteral("rule.min_events: expected an integer, got a string");
        QTest::newRow("fractional count") << QStringLiteral("{\"rule\": {\"min_events\": 2.5}}")
                                          << QStringLiteral("rule.min_events: expected an integer");
        QTest::newRow("out of range") << QStringLiteral("{\"rule\": {\"min_hour_buckets\": 25}}")
                                      << QStringLiteral("rule.min_hour_buckets: 25 is outside 1..24");
        QTest::newRow("window too long") << QStringLiteral("{\"rule\": {\"window_hours\": 72}}")
                                         << QStringLiteral("rule.window_hours: 72 is outside");
        QTest::newRow("bad window model") << QStringLiteral("{\"rule\": {\"windows\": \"tumbling\"}}")
                                          << QStringLiteral("rule.windows: \"tumbling\"");
        QTest::newRow("invalid rule regex") << QStringLiteral("{\"rule\": {\"domain_regex\": \"(unclosed\"}}")
                                            << QStringLiteral("rule.domain_regex: invalid RE2 regex: missing )");
        QTest::newRow("lookahead is not RE2") << QStringLiteral("{\"rule\": {\"domain_regex\": \"(?=x)\"}}")
                                              << QStringLiteral("rule.domain_regex: invalid RE2 regex");
        QTest::newRow("unknown score weight") << QStringLiteral("{\"score\": {\"weights\": {\"regularty\": 10}}}")
                                              << QStringLiteral("score.weights.regularty: unknown key");
        QTest::newRow("negative weight") << QStringLiteral("{\"score\": {\"weights\": {\"fleet\": -1}}}")
                                         << QStringLiteral("score.weights.fleet: -1 is outside 0..1000");
        QTest::newRow("thresholds out of order")
            << QStringLiteral("{\"score\": {\"thresholds\": {\"likely\": 80}}}")
            << QStringLiteral("score.thresholds: beacon > likely > possible is required");
        QTest::newRow("unknown verdict") << QStringLiteral("{\"score\": {\"alert_verdict\": \"maybe\"}}")
                                         << QStringLiteral("score.alert_verdict: \"maybe\"");
        QTest::newRow("fleet of one") << QStringLiteral("{\"score\": {\"fleet_hosts\": 1}}")
                                      << QStringLiteral("score.fleet_hosts: 1 is outside 2..1000000");
        QTest::newRow("local-only network not a network")
            << QStringLiteral("{\"score\": {\"local_only_networks\": [\"127.0.0.0/8\", \"multicast\"]}}")
            << QStringLiteral("score.local_only_networks[1]: 'multicast' is not an IP address");
        QTest::newRow("local-only networks not a list")
            << QStringLiteral("{\"score\": {\"local_only_networks\": \"ff00::/8\"}}")
            << QStringLiteral("score.local_only_networks: expected an array, got a string");
        QTest::newRow("all timing weights zero")
            << QStringLiteral("{\"score\": {\"weights\": {\"regularity\": 0, \"period_floor\": 0, \"harmonics\": 0, "
                              "\"persistence\": 0, \"process\": 0}}}")
            << QStringLiteral("score.weights: at least one of");
        QTest::newRow("invalid catalog regex")
            << QStringLiteral("{\"catalog\": [{\"platform\": \"X\", \"pattern\": \"[a-\"}]}")
            << QStringLiteral("catalog[0] (platform \"X\"): invalid regex");
        QTest::newRow("catalog entry without pattern")
            << QStringLiteral("{\"catalog\": [{\"platform\": \"X\"}]}") << QStringLiteral("catalog[0]: needs both");
        QTest::newRow("allowlist without reason")
            << QStringLiteral("{\"allowlist\": [{\"id\": \"dev\", \"domain\": \"a.workers.dev\"}]}")
            << QStringLiteral("allowlist[0] (id \"dev\"): \"reason\" is required");
        QTest::newRow("allowlist without id")
            << QStringLiteral("{\"allowlist\": [{\"domain\": \"a.workers.dev\", \"reason\": \"r\"}]}")
            << QStringLiteral("allowlist[0]: \"id\" is required");
        QTest::newRow("allowlist duplicate id") << QStringLiteral(
            "{\"allowlist\": [{\"id\": \"a\", \"domain\": \"x\", \"reason\": \"r\"}, {\"id\": \"a\", \"domain\": "
            "\"y\", \"reason\": \"r\"}]}") << QStringLiteral("allowlist[1] (id \"a\"): id is used by an earlier entry");
        QTest::newRow("allowlist without matcher")
            << QStringLiteral("{\"allowlist\": [{\"id\": \"a\", \"reason\": \"r\"}]}")
            << QStringLiteral("needs at least one of");
        QTest::newRow("allowlist bad regex")
            << QStringLiteral(
                   "{\"allowlist\": [{\"id\": \"dev\", \"domain\": \"(x\", \"match\": \"regex\", \"reason\": \"r\"}]}")
            << QStringLiteral("allowlist[0] (id \"dev\"): invalid regex in \"domain\": missing )");
        QTest::newRow("allowlist bad cidr")
            << QStringLiteral("{\"allowlist\": [{\"id\": \"lab\", \"cidr\": \"10.0.0.0/33\", \"reason\": \"r\"}]}")
            << QStringLiteral("allowlist[0] (id \"lab\"): invalid \"cidr\"");
        QTest::newRow("allowlist bad cidr address")
            << QStringLiteral("{\"allowlist\": [{\"id\": \"lab\", \"cidr\": \"10.0.0/8\", \"reason\": \"r\"}]}")
            << QStringLiteral("'10.0.0' is not an IP address");
        QTest::newRow("allowlist bad match mode") << QStringLiteral(
            "{\"allowlist\": [{\"id\": \"a\", \"domain\": \"x\", \"match\": \"fuzzy\", \"reason\": \"r\"}]}")
                                                  << QStringLiteral("allowlist[0] (id \"a\").match: \"fuzzy\"");
        QTest::newRow("allowlist unknown key")
            << QStringLiteral("{\"allowlist\": [{\"id\": \"a\", \"domian\": \"x\", \"reason\": \"r\"}]}")
            << QStringLiteral("allowlist[0] (id \"a\").domian: unknown key");
        QTest::newRow("allowlist bad expiry") << QStringLiteral(
            "{\"allowlist\": [{\"id\": \"a\", \"domain\": \"x\", \"reason\": \"r\", \"expires\": \"soon\"}]}")
                                              << QStringLiteral("allowlist[0] (id \"a\").expires: \"soon\"");
    }
    void refusesBadProfilesNamingTheProblem()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const QString error = QString::fromStdString(errorOf(json.toStdString()));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void expiryDateMeansThroughTheEndOfThatDay()
    {
        const auto profile = parseProfile(
            "{\"allowlist\": [{\"id\": \"a\", \"domain\": \"x\", \"reason\": \"r\", \"expires\": \"2026-12-31\"}]}");
        QVERIFY2(profile, whyNot(profile));
        const AllowlistEntry& entry = profile->allowlist[0];
        QVERIFY(entry.isActive(*parseRfc3339("2026-12-31T23:59:59Z")));
        QVERIFY(!entry.isActive(*parseRfc3339("2027-01-01T00:00:00Z")));
    }

    void effectiveProfileRoundTrips()
    {
        const auto profile = parseProfile(
            "{\"description\": \"team tuning\", \"rule\": {\"min_events\": 15, \"window_hours\": 12.5},\n"
            "\"score\": {\"weights\": {\"fleet\": 25.5}, \"thresholds\": {\"beacon\": 80}, \"alert_verdict\": "
            "\"beacon\", "
            "\"fleet_hosts\": 10},\n"
            "            \"allowlist\": [{\"id\": \"dev\", \"domain\": \"*.dev0.workers.dev\", \"match\": \"glob\", "
            "\"reason\": \"dev0 tests her Worker\",\n"
            "                           \"author\": \"ana\", \"created\": \"2026-11-01\", \"expires\": "
            "\"2026-12-31T00:00:00Z\"}]}");
        QVERIFY2(profile, whyNot(profile));
        const std::string json = profileToJson(*profile);
        const auto again = parseProfile(json);
        QVERIFY2(again, whyNot(again));
        QVERIFY(*again == *profile);
        QCOMPARE(again->score.weights.fleet, 25.5);
        QCOMPARE(again->score.alertVerdict, Verdict::Beacon);
        QCOMPARE(profileToJson(*again), json);
    }

    void loadProfileNamesTheFile()
    {
        const auto profile = loadProfile("/nonexistent/profile.json");
        QVERIFY(!profile);
        QVERIFY(profile.error().find("/nonexistent/profile.json") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(ProfileTest)
#include "tst_profile.moc"
