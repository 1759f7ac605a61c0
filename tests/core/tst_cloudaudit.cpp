// Cloud audit records (docs/cloud-audit.md): the four readers, change findings with their severity signals, and the
// links between a changed function and the hosts that beacon to it.

#include "cases/casefile.h"
#include "cloud/endpointmatch.h"
#include "findings/caseanalysis.h"
#include "ingest/importer.h"
#include "reports/casereport.h"
#include "reports/reporthtml.h"
#include "reports/scorereport.h"
#include "testsupport.h"
#include "tuning/profilejson.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

const std::string kStart = "2025-03-04T09:00:00Z"; // the fixtures' START (tests/generator/generate_cloud_audit.py)
const std::string kRundll = R"(C:\Windows\System32\rundll32.exe)";

std::string fixture(const char* name)
{
    return sourcePath(QStringLiteral("tests/data/cloud/") + QLatin1String(name)).toStdString();
}

// A host checking in every 5 minutes for 6 hours from 30 minutes after the fixtures' change.
void beacon(EventTable& table, const std::string& destination, const std::string& ip = "10.1.2.3",
    const std::string& process = kRundll)
{
    EventSpec base;
    base.principalIps = { ip };
    base.destination = destination;
    base.process = process;
    base.sent = 420;
    base.received = 980;
    for (const EventSpec& spec : series(formatRfc3339(at(kStart) + 30 * 60'000'000LL), 72, 300, base))
        append(table, spec);
}

struct Scenario
{
    CaseAnalysis result;
    const ChangeFinding* change(std::string_view resource) const
    {
        const ChangeFinding* last = nullptr; // the latest change of the resource
        for (const ChangeFinding& change : result.cloud.changes)
            if (change.resource == resource)
                last = &change;
        return last;
    }
    bool has(const ChangeFinding& change, ChangeSignal signal) const
    {
        return std::any_of(
            change.hits.begin(), change.hits.end(), [&](const ChangeSignalHit& hit) { return hit.signal == signal; });
    }
    const ChangeSignalHit* hit(const ChangeFinding& change, ChangeSignal signal) const
    {
        for (const ChangeSignalHit& candidate : change.hits)
            if (candidate.signal == signal)
                return &candidate;
        return nullptr;
    }
};

Scenario run(const std::vector<std::string>& audits, const std::string& destination, const Profile& profile = {},
    const std::string& process = kRundll)
{
    EventTable table;
    std::uint16_t index = 0;
    for (const std::string& path : audits) {
        const auto summary = importFile(path, index++, table);
        if (!summary || summary->eventsRejected != 0)
            qFatal("fixture %s: %s", path.c_str(), summary ? "rejects" : summary.error().c_str());
    }
    if (!destination.empty())
        beacon(table, destination, "10.1.2.3", process);
    auto result = analyseEvents(std::move(table), profile, at("2025-04-01T00:00:00Z"));
    if (!result)
        qFatal("%s", result.error().c_str());
    return { std::move(*result) };
}

} // namespace

class CloudAuditTest : public QObject
{
    Q_OBJECT

private slots:
    void endpointPatternsStandForOneLabelPart()
    {
        QVERIFY(endpointMatches("relay.acme.workers.dev", "RELAY.acme.Workers.dev"));
        QVERIFY(endpointMatches("relay-*.a.run.app", "relay-3kq7x2mpfa-uc.a.run.app"));
        QVERIFY(endpointMatches("relay.*.workers.dev", "relay.acme.workers.dev"));
        QVERIFY(!endpointMatches("relay.*.workers.dev", "relay.a.b.workers.dev")); // one label, not two
        QVERIFY(!endpointMatches("relay.*.workers.dev", "relay..workers.dev")); // at least one character
        QVERIFY(!endpointMatches("relay-*.a.run.app", "other-3kq7x2mpfa-uc.a.run.app"));
        QVERIFY(!endpointMatches("relay.acme.workers.dev", "relay.acme.workers.dev.evil.example"));
    }

    // The issue's scenario: a Worker deployed by an unknown actor from workstation 10.1.2.3, then 10.1.2.3's
    // rundll32.exe beacons to it every 5 minutes.
    void cloudflareDeployByUnknownActorIsHighAndLinkedBothWays()
    {
        const Scenario scenario = run({ fixture("cloudflare-deploy-unknown.json") }, "relay.acme.workers.dev");
        const auto& cloud = scenario.result.cloud;
        QCOMPARE(cloud.changes.size(), std::size_t(1));
        const ChangeFinding& change = cloud.changes.front();
        QCOMPARE(change.provider, CloudProvider::Cloudflare);
        QCOMPARE(change.actor, std::string("mallory@contractor.example"));
        QCOMPARE(change.resource, std::string("relay"));
        QCOMPARE(change.endpoints, std::vector<std::string> { "relay.acme.workers.dev" });
        QCOMPARE(change.caseHostIps, std::vector<std::string> { "10.1.2.3" });
        QCOMPARE(change.severity, ChangeSeverity::High);
        QVERIFY(change.alerting);
        for (ChangeSignal signal : { ChangeSignal::NewActor, ChangeSignal::CliFromWorkstation,
                 ChangeSignal::FirstUseAfterChange, ChangeSignal::LinkedBeacon })
            QVERIFY2(scenario.has(change, signal), changeSignalName(signal).data());
        QVERIFY(!scenario.has(change, ChangeSignal::PublicExposure));
        // Linked to the beacon, which came after the change, and back.
        QCOMPARE(change.links.size(), std::size_t(1));
        const ChangeLink& link = change.links.front();
        QVERIFY(link.exact);
        QVERIFY(link.changeBeforeFirstEvent);
        QVERIFY(link.alerting);
        const auto& data = *scenario.result.data;
        const Flow& flow = data.flows.flow(link.flowIndex);
        QCOMPARE(data.events.text(flow.key.sourceIp), std::string_view("10.1.2.3"));
        QCOMPARE(data.events.text(flow.key.processPath), std::string_view(kRundll));
        const auto* back = cloud.changesOf(link.flowIndex);
        QVERIFY(back);
        QCOMPARE(*back, std::vector<std::uint32_t> { 0 });
        QVERIFY(
            scenario.hit(change, ChangeSignal::LinkedBeacon)->explanation.find("rundll32.exe") != std::string::npos);
    }

    void sameDeployByAllowlistedCiRoleIsLowAndDoesNotAlert()
    {
        Profile profile;
        AllowlistEntry entry;
        entry.id = "ci-deploys";
        entry.actor = "ci-deploy@acme.example";
        entry.cidr = "10.9.0.0/24";
        entry.reason = "the CI pipeline deploys Workers from the build subnet";
        profile.allowlist.push_back(entry);
        const Scenario scenario = run({ fixture("cloudflare-deploy-ci.json") }, "relay.acme.workers.dev", profile);
        const ChangeFinding* change = scenario.change("relay");
        QVERIFY(change);
        QCOMPARE(change->first, at(kStart));
        QCOMPARE(change->allowlistEntry, 0);
        QCOMPARE(change->severity, ChangeSeverity::Low);
        QVERIFY(!change->alerting);
        QCOMPARE(scenario.result.cloud.alerting, std::uint64_t(0));
        // A known actor, from an address that is no workstation of the case.
        QVERIFY(!scenario.has(*change, ChangeSignal::NewActor));
        QVERIFY(!scenario.has(*change, ChangeSignal::CliFromWorkstation));
        // The same deploy from another subnet is not cleared by the entry.
        profile.allowlist.front().cidr = "10.200.0.0/24";
        const Scenario elsewhere = run({ fixture("cloudflare-deploy-ci.json") }, "relay.acme.workers.dev", profile);
        QCOMPARE(elsewhere.change("relay")->allowlistEntry, -1);
    }

    void lambdaFunctionUrlMadePublicIsHigh()
    {
        const std::string host = "k3x7p2qv9m4tz8wd5rjn6ybc1fhs0lae.lambda-url.us-east-1.on.aws";
        const Scenario scenario = run({ fixture("lambda-url-public.cloudtrail.json") }, host);
        const ChangeFinding* change = scenario.change("relay-fn");
        QVERIFY(change);
        QCOMPARE(change->provider, CloudProvider::Aws);
        QCOMPARE(change->actor, std::string("arn:aws:iam::111122223333:user/dev-temp"));
        QCOMPARE(change->severity, ChangeSeverity::High);
        QCOMPARE(change->exposure, std::string("function URL with AuthType NONE"));
        QCOMPARE(change->endpoints, std::vector<std::string> { host });
        QVERIFY(scenario.has(*change, ChangeSignal::PublicExposure));
        QVERIFY(scenario.has(*change, ChangeSignal::CliFromWorkstation));
        // The seed's test 3: ListFunctions refused three times before the function was made.
        const ChangeSignalHit* failures = scenario.hit(*change, ChangeSignal::FailuresBeforeSuccess);
        QVERIFY(failures);
        QCOMPARE(change->failedCalls, std::uint32_t(3));
        QVERIFY(failures->explanation.find("ListFunctions20150331 (AccessDenied)") != std::string::npos);
        QCOMPARE(change->links.size(), std::size_t(1));
    }

    void cloudRunOpenedToAllUsersIsHigh()
    {
        const Scenario scenario = run({ fixture("cloud-run-allusers.gcp.json") }, "relay-3kq7x2mpfa-uc.a.run.app");
        const ChangeFinding* change = scenario.change("relay");
        QVERIFY(change);
        QCOMPARE(change->provider, CloudProvider::Gcp);
        QCOMPARE(change->exposure, std::string("invoker role for allUsers"));
        QCOMPARE(change->severity, ChangeSeverity::High);
        QCOMPARE(change->links.size(), std::size_t(1));
        QVERIFY(scenario.has(*change, ChangeSignal::CliFromWorkstation)); // gcloud from 10.1.2.3
    }

    void azureFunctionPublishIsHigh()
    {
        const Scenario scenario
            = run({ fixture("azure-function-publish.activity.json") }, "acme-relay.azurewebsites.net");
        QCOMPARE(scenario.result.cloud.changes.size(), std::size_t(1));
        const ChangeFinding& change = scenario.result.cloud.changes.front();
        QCOMPARE(change.provider, CloudProvider::Azure);
        QCOMPARE(change.actor, std::string("oscar@acme.example"));
        QCOMPARE(change.actions, std::vector<CloudAction> { CloudAction::UpdateCode });
        QCOMPARE(change.severity, ChangeSeverity::High);
        QVERIFY(scenario.has(change, ChangeSignal::LinkedBeacon));
        QCOMPARE(change.links.size(), std::size_t(1));
    }

    // Without a beacon the same Worker deploy is a change finding, linked to nothing, and not high.
    void changeWithoutBeaconIsNotHigh()
    {
        const Scenario scenario = run({ fixture("cloudflare-deploy-unknown.json") }, "");
        const ChangeFinding& change = scenario.result.cloud.changes.front();
        QVERIFY(change.links.empty());
        QVERIFY(change.severity != ChangeSeverity::High);
        QVERIFY(!scenario.has(change, ChangeSignal::CliFromWorkstation)); // 10.1.2.3 is no host of this case
    }

    void weightsAndThresholdsComeFromTheProfile()
    {
        Profile profile;
        profile.cloud.weights.linkedBeacon = 0;
        profile.cloud.weights.cliFromWorkstation = 0;
        profile.cloud.highAt = 90;
        const Scenario scenario = run({ fixture("cloudflare-deploy-unknown.json") }, "relay.acme.workers.dev", profile);
        const ChangeFinding& change = scenario.result.cloud.changes.front();
        QVERIFY(!scenario.has(change, ChangeSignal::LinkedBeacon)); // a weight of 0 raises nothing
        QCOMPARE(change.severity, ChangeSeverity::Medium);
        // And the profile's JSON reads and writes them.
        const auto parsed = parseProfile(profileToJson(profile));
        QVERIFY2(parsed, whyNot(parsed));
        QCOMPARE(parsed->cloud, profile.cloud);
        QVERIFY(!parseProfile(R"({"cloud": {"weights": {"bogus": 1}}})"));
        QVERIFY(!parseProfile(R"({"cloud": {"thresholds": {"high": 20, "medium": 40}}})"));
    }

    void scoreReportListsChangesAndLinks()
    {
        const Scenario scenario = run({ fixture("cloudflare-deploy-unknown.json") }, "relay.acme.workers.dev");
        const auto& data = *scenario.result.data;
        ScoreReportOptions options;
        options.cloud = &scenario.result.cloud;
        const std::string text = writeScoreReport(
            {}, data.events, data.flows, scenario.result.analysis, *scenario.result.analyzer, options);
        const QJsonObject report = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
        const QJsonArray changes = report.value(u"cloud_changes"_qs).toArray();
        QCOMPARE(changes.size(), 1);
        const QJsonObject change = changes.first().toObject();
        QCOMPARE(change.value(u"severity"_qs).toString(), u"high"_qs);
        QCOMPARE(change.value(u"provider"_qs).toString(), u"cloudflare"_qs);
        QCOMPARE(change.value(u"links"_qs).toArray().first().toObject().value(u"src_ip"_qs).toString(), u"10.1.2.3"_qs);
        QCOMPARE(change.value(u"calls"_qs).toArray().size(), 1);
        bool linkedFlow = false;
        for (const QJsonValue flow : report.value(u"flows"_qs).toArray())
            linkedFlow = linkedFlow || flow.toObject().value(u"cloud_changes"_qs).toArray() == QJsonArray { 1 };
        QVERIFY(linkedFlow);
        const QJsonObject summary = report.value(u"summary"_qs).toObject();
        QCOMPARE(summary.value(u"cloud_audit_events"_qs).toInt(), 1);
        QCOMPARE(summary.value(u"cloud_changes_alerting"_qs).toInt(), 1);
    }

    void caseReportHasACloudChangesSection()
    {
        const Scenario scenario = run({ fixture("cloudflare-deploy-unknown.json") }, "relay.acme.workers.dev");
        const auto& data = *scenario.result.data;
        CaseReportInput input(data.events, data.flows, scenario.result.analysis, *scenario.result.analyzer);
        input.options.cloud = &scenario.result.cloud;
        const CaseReport report = buildCaseReport(input);
        const auto block = [&](std::string_view start) {
            return std::find_if(report.blocks.begin(), report.blocks.end(),
                [&](const ReportBlock& candidate) { return candidate.text.starts_with(start); });
        };
        QVERIFY(block("Cloud changes") != report.blocks.end());
        const auto change = block("Change 1: high");
        QVERIFY(change != report.blocks.end());
        QCOMPARE(change->anchor, std::string("change-1"));
        // The finding of the beacon names the change, and when it came.
        const auto linked = block("Cloud change 1 (high): mallory@contractor.example changed cloudflare workers relay");
        QVERIFY(linked != report.blocks.end());
        QVERIFY(linked->text.ends_with("before this flow's first event."));
        const std::string html = *writeReportHtml(report, [](const Finding&, ReportChart) { return std::string(); });
        QVERIFY(html.find("id=\"change-1\"") != std::string::npos);
        QVERIFY(html.find("mallory@contractor.example") != std::string::npos);
    }

    // The analyst's path on the command line: import the audit log and the beacons into a case, score it, triage
    // the change with the key the report gives, and see the triage in the next report.
    void cliImportsScoresAndTriagesAChange()
    {
        QTemporaryDir directory;
        std::string beacons;
        for (int i = 0; i < 72; ++i)
            beacons += udmEventWithProcess(i, formatRfc3339(at(kStart) + (30 + 5 * i) * 60'000'000LL),
                           "C:\\\\Windows\\\\System32\\\\rundll32.exe", "relay.acme.workers.dev")
                + "\n";
        const QString network = writeTestFile(directory, u"beacons.ndjson"_qs, beacons);
        const QString casePath = directory.filePath(u"audit.cepheid"_qs);
        const auto cli = [](const QStringList& arguments) {
            QProcess process;
            process.start(QStringLiteral(CEPHEID_CLI_PATH), arguments);
            process.closeWriteChannel();
            if (!process.waitForFinished(120000))
                qFatal("cepheid-cli did not finish");
            if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
                qWarning("%s", process.readAllStandardError().constData());
            return process.exitCode() == 0 ? process.readAllStandardOutput() : QByteArray();
        };
        QVERIFY(!cli({ u"import"_qs, u"--case"_qs, casePath,
                         QString::fromStdString(fixture("cloudflare-deploy-unknown.json")), network })
                     .isNull());
        QJsonObject report = QJsonDocument::fromJson(cli({ u"score"_qs, u"--case"_qs, casePath })).object();
        QJsonObject change = report.value(u"cloud_changes"_qs).toArray().first().toObject();
        QCOMPARE(change.value(u"links"_qs).toArray().size(), 1);
        QVERIFY(change.value(u"triage"_qs).isUndefined() || change.value(u"triage"_qs).isNull()); // not triaged yet
        const QString key = change.value(u"triage_flow"_qs).toString();
        QVERIFY(key.startsWith(u"mallory@contractor.example,cloud:cloudflare/acct-7f3c//relay,change@"_qs));
        QVERIFY(!cli({ u"case"_qs, u"triage"_qs, casePath, u"--flow"_qs, key, u"--status"_qs, u"malicious"_qs,
                         u"--note"_qs, u"deployed by a contractor account from a workstation"_qs })
                     .isNull());
        report = QJsonDocument::fromJson(cli({ u"score"_qs, u"--case"_qs, casePath })).object();
        change = report.value(u"cloud_changes"_qs).toArray().first().toObject();
        QCOMPARE(change.value(u"triage"_qs).toObject().value(u"status"_qs).toString(), u"malicious"_qs);
    }

    void caseKeepsTheAuditDetails()
    {
        QTemporaryDir directory;
        const std::string path = directory.filePath(u"audit.cepheid"_qs).toStdString();
        auto created = CaseFile::open(path, CaseFile::Mode::Create);
        QVERIFY2(created, whyNot(created));
        EventTable table;
        for (const char* name : { "lambda-url-public.cloudtrail.json", "cloud-run-allusers.gcp.json" })
            VERIFY_OK((*created)->importFile(fixture(name), table));
        created->reset();
        auto reopened = CaseFile::open(path, CaseFile::Mode::ReadOnly);
        QVERIFY2(reopened, whyNot(reopened));
        EventTable loaded;
        VERIFY_OK((*reopened)->loadEvents(loaded));
        QCOMPARE(loaded.cloudEventCount(), table.cloudEventCount());
        QCOMPARE(loaded.cloudEventCount(), std::size_t(8));
        for (const EventIndex i : table.cloudEvents()) {
            QCOMPARE(loaded.role(i), EventRole::CloudAudit);
            const CloudDetails& a = *table.cloud(i);
            const CloudDetails& b = *loaded.cloud(i);
            QCOMPARE(b, a); // the same string ids: the pool is stored in order
            QCOMPARE(loaded.text(loaded.recordHostname(i)), table.text(table.recordHostname(i)));
        }
    }

    void malformedRecordsAreRejectedWithReasons()
    {
        const ImportedText trail = importText(
            "{\"eventVersion\":\"1.08\",\"eventSource\":\"lambda.amazonaws.com\",\"eventName\":\"Invoke\","
            "\"awsRegion\":\"us-east-1\",\"eventTime\":\"yesterday\"}\n"
            "{\"eventVersion\":\"1.08\",\"eventSource\":\"lambda.amazonaws.com\",\"awsRegion\":\"us-east-1\","
            "\"eventTime\":\"2025-03-04T09:00:00Z\"}\n"
            "{\"eventVersion\":\"1.08\",\"eventSource\":\"lambda.amazonaws.com\",\"eventName\":\"Invoke\","
            "\"awsRegion\":\"us-east-1\",\"eventTime\":\"2025-03-04T09:00:00Z\",\"requestParameters\":"
            "{\"functionName\":\"f\"}}\n"
            "{\"eventVersion\":\"1.08\",\"eventSource\":\"lambda.amazon\n",
            "trail.json");
        QVERIFY2(trail.ok, trail.error.c_str());
        QCOMPARE(trail.summary.format, std::string("aws-cloudtrail"));
        QCOMPARE(trail.summary.eventsRead, std::uint64_t(1));
        QCOMPARE(trail.summary.rejects.size(), std::size_t(3));
        QCOMPARE(trail.summary.rejects[0].line, std::uint64_t(1));
        QVERIFY(trail.summary.rejects[0].reason.find("\"yesterday\" is not an RFC 3339 time") != std::string::npos);
        QCOMPARE(trail.summary.rejects[1].reason, std::string("no eventName in a CloudTrail record"));
        QVERIFY(trail.summary.rejects[2].reason.starts_with("invalid JSON"));

        const ImportedText gcp = importText(
            "[{\"protoPayload\":{\"serviceName\":\"run.googleapis.com\"},\"timestamp\":\"2025-03-04T09:00:00Z\"},"
            "{\"protoPayload\":{\"serviceName\":\"run.googleapis.com\",\"methodName\":"
            "\"google.cloud.run.v1.Services.CreateService\"}}, 7]",
            "gcp.json");
        QCOMPARE(gcp.summary.format, std::string("gcp-audit"));
        QCOMPARE(gcp.summary.rejects.size(), std::size_t(3));
        QCOMPARE(gcp.summary.rejects[0].reason, std::string("no protoPayload.methodName"));
        QCOMPARE(gcp.summary.rejects[1].reason, std::string("no timestamp"));

        const ImportedText azure = importText("{\"records\":[{\"resourceId\":\"/subscriptions/s/resourceGroups/g/"
                                              "providers/Microsoft.Web/sites/a\",\"operationName\":"
                                              "\"MICROSOFT.WEB/SITES/WRITE\",\"resultType\":\"Success\"}]}",
            "azure.json");
        QCOMPARE(azure.summary.format, std::string("azure-activity"));
        QCOMPARE(azure.summary.rejects.size(), std::size_t(1));
        QVERIFY(azure.summary.rejects[0].reason.starts_with("no time or eventTimestamp"));

        const ImportedText cloudflare = importText("{\"result\":[{\"action\":{\"type\":\"deploy\"},\"actor\":"
                                                   "{\"ip\":\"10.1.2.3\"},\"resource\":{\"type\":\"script\"},"
                                                   "\"when\":\"soon\"}]}",
            "cloudflare.json");
        QCOMPARE(cloudflare.summary.format, std::string("cloudflare-audit"));
        QCOMPARE(cloudflare.summary.rejects.size(), std::size_t(1));
        QVERIFY(cloudflare.summary.rejects[0].reason.starts_with("no when, When or ActionTimestamp"));
    }

    void everyShapeOfEachProviderIsRead()
    {
        struct Shape
        {
            const char* name;
            std::string text;
            const char* format;
            const char* actor;
            const char* endpoint;
        };
        const std::string trail
            = "{\\\"eventVersion\\\":\\\"1.08\\\",\\\"eventSource\\\":\\\"lambda.amazonaws.com\\\","
              "\\\"eventName\\\":\\\"UpdateFunctionCode20150331v2\\\",\\\"awsRegion\\\":\\\"us-east-1\\\","
              "\\\"eventTime\\\":\\\"2025-03-04T09:00:00Z\\\",\\\"userIdentity\\\":{\\\"arn\\\":\\\"arn:x\\\"},"
              "\\\"requestParameters\\\":{\\\"functionName\\\":\\\"f\\\"}}";
        const Shape shapes[] = {
            { "eventbridge.json",
                "{\"detail-type\":\"AWS API Call via "
                "CloudTrail\",\"detail\":{\"eventVersion\":\"1.08\",\"eventSource\":"
                "\"lambda.amazonaws.com\",\"eventName\":\"UpdateFunctionCode20150331v2\",\"awsRegion\":\"us-east-1\","
                "\"eventTime\":\"2025-03-04T09:00:00Z\",\"userIdentity\":{\"arn\":\"arn:x\"},\"requestParameters\":"
                "{\"functionName\":\"arn:aws:lambda:us-east-1:1:function:f:3\"}}}\n",
                "aws-cloudtrail", "arn:x", "" },
            { "splunk.json", "{\"preview\":false,\"result\":{\"_raw\":\"" + trail + "\"}}\n", "aws-cloudtrail", "arn:x",
                "" },
            { "logpush.ndjson",
                "{\"ActionResult\":true,\"ActionType\":\"create\",\"ActorEmail\":\"a@example.com\",\"ActorIP\":"
                "\"10.1.2.3\",\"ActorType\":\"user\",\"ID\":\"id1\",\"Interface\":\"API\",\"Metadata\":"
                "{\"script_name\":\"relay\",\"subdomain\":\"acme\"},\"OwnerID\":\"acct\",\"ResourceID\":\"relay\","
                "\"ResourceType\":\"workers.script\",\"When\":1741078800000000000}\n",
                "cloudflare-audit", "a@example.com", "relay.acme.workers.dev" },
            { "azure-rest.json",
                "{\"value\":[{\"eventTimestamp\":\"2025-03-04T09:00:00Z\",\"operationName\":{\"value\":"
                "\"Microsoft.Web/sites/functions/write\",\"localizedValue\":\"Create function\"},\"status\":"
                "{\"value\":\"Succeeded\"},\"caller\":\"a@example.com\",\"httpRequest\":{\"clientIpAddress\":"
                "\"10.1.2.3\"},\"resourceId\":\"/subscriptions/S/resourceGroups/G/providers/Microsoft.Web/sites/"
                "App1/functions/f\",\"eventDataId\":\"e1\"}]}",
                "azure-activity", "a@example.com", "app1.azurewebsites.net" },
            { "gcp.ndjson",
                "{\"insertId\":\"a\",\"timestamp\":\"2025-03-04T09:00:00Z\",\"resource\":{\"type\":"
                "\"cloud_function\",\"labels\":{\"function_name\":\"fn\",\"region\":\"us-central1\",\"project_id\":"
                "\"p\"}},\"protoPayload\":{\"serviceName\":\"cloudfunctions.googleapis.com\",\"methodName\":"
                "\"google.cloud.functions.v1.CloudFunctionsService.UpdateFunction\",\"authenticationInfo\":"
                "{\"principalEmail\":\"ci@p.iam.gserviceaccount.com\"},\"requestMetadata\":{\"callerIp\":"
                "\"34.1.2.3\"}}}\n",
                "gcp-audit", "ci@p.iam.gserviceaccount.com", "us-central1-p.cloudfunctions.net" },
        };
        for (const Shape& shape : shapes) {
            const ImportedText imported = importText(shape.text, shape.name);
            QVERIFY2(imported.ok, (std::string(shape.name) + ": " + imported.error).c_str());
            QCOMPARE(imported.summary.format, std::string(shape.format));
            QVERIFY2(imported.summary.rejects.empty(),
                (std::string(shape.name) + ": "
                    + (imported.summary.rejects.empty() ? "" : imported.summary.rejects[0].reason))
                    .c_str());
            QCOMPARE(imported.table.cloudEventCount(), std::size_t(1));
            QCOMPARE(imported.table.text(imported.table.user(0)), std::string_view(shape.actor));
            QCOMPARE(imported.table.text(imported.table.recordHostname(0)), std::string_view(shape.endpoint));
            QCOMPARE(imported.table.timestamp(0), at(kStart));
        }
    }

    // The real CloudTrail files (../shared/data/cloudtrail): every record becomes an audit event or a counted skip.
    void realCloudTrailImportsWithoutRejects()
    {
        const QDir folder(sourcePath(QStringLiteral("../shared/data/cloudtrail")));
        if (!folder.exists())
            QSKIP("the real captures are not here (../shared/data): skipped");
        std::uint64_t events = 0, files = 0;
        for (const QString& name : folder.entryList({ u"*.json"_qs, u"*.json.gz"_qs }, QDir::Files)) {
            EventTable table;
            const auto summary = importFile(folder.filePath(name).toStdString(), 0, table);
            QVERIFY2(summary, whyNot(summary));
            QCOMPARE(summary->format, std::string("aws-cloudtrail"));
            QVERIFY2(summary->eventsRejected == 0, qPrintable(name));
            events += summary->eventsRead;
            ++files;
            if (name == u"aws.persistence.lambda-overwrite-code.json"_qs) {
                QCOMPARE(table.cloudEventCount(), std::size_t(1));
                const CloudDetails& details = *table.cloud(0);
                QCOMPARE(details.action, CloudAction::UpdateCode);
                QCOMPARE(table.text(details.resource), std::string_view("stratus-red-team-olc-func-vayhjqkdav"));
            }
        }
        QVERIFY(files >= 10);
        QVERIFY(events >= 30);
    }
};

QTEST_GUILESS_MAIN(CloudAuditTest)
#include "tst_cloudaudit.moc"
