// AWS CloudTrail (docs/cloud-audit.md, "AWS CloudTrail"): the delivered {"Records": […]} files, CloudTrail Lake and
// Athena exports (a record per line, or an array), EventBridge's {"detail-type", "detail": {…}} and SIEM exports
// that wrap the record in "event", "_source" or a "_raw" string. Lambda, API Gateway (v1 and v2) and IAM roles that
// Lambda may assume become audit events; every other service is skipped by its eventSource.

#include "auditjson.h"
#include "fieldtext.h"

#include <memory>

namespace cepheid {

namespace {

namespace dom = simdjson::dom;

struct ActionRule
{
    std::string_view prefix; // of eventName: "UpdateFunctionCode" also matches "UpdateFunctionCode20150331v2"
    CloudAction action;
};

// Lambda's management and data events, by name prefix (the API version suffix varies).
constexpr ActionRule kLambdaActions[] = {
    { "CreateFunctionUrlConfig", CloudAction::Expose },
    { "UpdateFunctionUrlConfig", CloudAction::Expose },
    { "DeleteFunctionUrlConfig", CloudAction::Expose },
    { "AddPermission", CloudAction::Expose },
    { "RemovePermission", CloudAction::Expose },
    { "CreateFunction", CloudAction::Create },
    { "UpdateFunctionCode", CloudAction::UpdateCode },
    { "PublishLayerVersion", CloudAction::UpdateCode },
    { "UpdateFunctionConfiguration", CloudAction::UpdateConfig },
    { "UpdateFunctionEventInvokeConfig", CloudAction::UpdateConfig },
    { "PutFunctionConcurrency", CloudAction::UpdateConfig },
    { "CreateEventSourceMapping", CloudAction::UpdateConfig },
    { "PublishVersion", CloudAction::Publish },
    { "CreateAlias", CloudAction::Publish },
    { "UpdateAlias", CloudAction::Publish },
    { "DeleteFunction", CloudAction::Delete },
    { "Invoke", CloudAction::Invoke },
    { "List", CloudAction::Read },
    { "Get", CloudAction::Read },
};

constexpr ActionRule kApiGatewayActions[] = {
    { "CreateRestApi", CloudAction::Create },
    { "CreateApi", CloudAction::Create }, // v2 (HTTP and WebSocket APIs)
    { "ImportRestApi", CloudAction::Create },
    { "ImportApi", CloudAction::Create },
    { "CreateDeployment", CloudAction::Publish },
    { "CreateStage", CloudAction::Publish },
    { "UpdateStage", CloudAction::Publish },
    { "PutIntegration", CloudAction::UpdateConfig },
    { "CreateIntegration", CloudAction::UpdateConfig },
    { "UpdateIntegration", CloudAction::UpdateConfig },
    { "CreateRoute", CloudAction::Route },
    { "PutMethod", CloudAction::Route },
    { "CreateResource", CloudAction::Route },
    { "UpdateRestApi", CloudAction::UpdateConfig },
    { "UpdateApi", CloudAction::UpdateConfig },
    { "CreateDomainName", CloudAction::Route },
    { "DeleteRestApi", CloudAction::Delete },
    { "DeleteApi", CloudAction::Delete },
    { "Get", CloudAction::Read },
};

template<std::size_t N> std::optional<CloudAction> actionOf(const ActionRule (&rules)[N], std::string_view name)
{
    for (const ActionRule& rule : rules)
        if (name.starts_with(rule.prefix))
            return rule.action;
    return std::nullopt;
}

// "arn:aws:lambda:us-east-1:123:function:name:qualifier" or "name" → "name".
std::string_view functionName(std::string_view text)
{
    const std::size_t at = text.find(":function:");
    if (at == std::string_view::npos)
        return text;
    text.remove_prefix(at + 10);
    return text.substr(0, text.find(':'));
}

// Lambda: who may call the function after this call, when that is anyone.
std::string_view lambdaExposure(dom::element record, std::string_view name)
{
    if (name.starts_with("CreateFunctionUrlConfig") || name.starts_with("UpdateFunctionUrlConfig")) {
        if (jsonText(record, "/requestParameters/authType") == "NONE"
            || jsonText(record, "/responseElements/authType") == "NONE")
            return "function URL with AuthType NONE";
    } else if (name.starts_with("AddPermission")) {
        const std::string_view principal = jsonText(record, "/requestParameters/principal");
        if (principal == "*" && jsonText(record, "/requestParameters/functionUrlAuthType") == "NONE")
            return "permission for principal * on a function URL with AuthType NONE";
        if (principal == "*")
            return "permission for principal *";
    }
    return {};
}

AuditOutcome mapLambda(dom::element record, std::string_view name, AuditEvent& out)
{
    const auto action = actionOf(kLambdaActions, name);
    if (!action)
        return AuditOutcome::skip("CloudTrail lambda " + std::string(name));
    out.cloud.action = *action;
    out.cloud.service = "lambda";
    std::string_view function = jsonText(record, "/requestParameters/functionName");
    if (function.empty())
        function = jsonText(record, "/requestParameters/layerName");
    if (function.empty())
        function = jsonText(record, "/resources/0/ARN");
    out.cloud.resource = functionName(function);
    out.cloud.exposure = lambdaExposure(record, name);
    out.cloud.makesPublic = !out.cloud.exposure.empty();
    // The function URL is in the response of the calls that make or read it.
    const std::string_view url = jsonText(record, "/responseElements/functionUrl");
    if (!url.empty())
        out.event.targetHostname = urlHost(url);
    return {};
}

AuditOutcome mapApiGateway(dom::element record, std::string_view name, AuditEvent& out)
{
    const auto action = actionOf(kApiGatewayActions, name);
    if (!action)
        return AuditOutcome::skip("CloudTrail apigateway " + std::string(name));
    out.cloud.action = *action;
    out.cloud.service = "apigateway";
    // The API's id: in the request of every call on an API, in the response of the call that makes it.
    std::string_view id = jsonText(record, "/requestParameters/restApiId");
    if (id.empty())
        id = jsonText(record, "/requestParameters/apiId");
    if (id.empty())
        id = jsonText(record, "/responseElements/id");
    if (id.empty())
        id = jsonText(record, "/responseElements/apiId");
    out.cloud.resource = id;
    const std::string_view region = jsonText(record, "/awsRegion");
    if (!id.empty() && !region.empty())
        out.event.targetHostname = out.keep(std::string(id) + ".execute-api." + std::string(region) + ".amazonaws.com");
    return {};
}

// IAM: a role Lambda may assume (its trust policy names lambda.amazonaws.com) is the identity the function's code
// runs as; making one, or trusting Lambda from one, hands a function that identity.
AuditOutcome mapIam(dom::element record, std::string_view name, AuditEvent& out)
{
    if (name != "CreateRole" && name != "UpdateAssumeRolePolicy")
        return AuditOutcome::skip("CloudTrail iam");
    const std::string_view policy = jsonText(record, "/requestParameters/assumeRolePolicyDocument");
    const std::string_view document = policy.empty() ? jsonText(record, "/requestParameters/policyDocument") : policy;
    if (document.find("lambda.amazonaws.com") == std::string_view::npos)
        return AuditOutcome::skip("CloudTrail iam role not for Lambda");
    out.cloud.action = CloudAction::Credential;
    out.cloud.service = "iam";
    out.cloud.resource = jsonText(record, "/requestParameters/roleName");
    out.cloud.exposure = {};
    return {};
}

AuditOutcome mapCloudTrailRecord(dom::element record, AuditEvent& out)
{
    const std::string_view source = jsonText(record, "/eventSource");
    const std::string_view name = jsonText(record, "/eventName");
    if (source.empty() || name.empty())
        return AuditOutcome::reject(
            source.empty() ? "no eventSource: not a CloudTrail record" : "no eventName in a CloudTrail record");
    const auto time = jsonTime(record, "/eventTime");
    if (!time)
        return AuditOutcome::reject(jsonHas(record, "/eventTime")
                ? "eventTime \"" + std::string(jsonText(record, "/eventTime")) + "\" is not an RFC 3339 time"
                : "no eventTime");
    out.event.timestamp = *time;
    AuditOutcome outcome;
    if (source == "lambda.amazonaws.com")
        outcome = mapLambda(record, name, out);
    else if (source == "apigateway.amazonaws.com")
        outcome = mapApiGateway(record, name, out);
    else if (source == "iam.amazonaws.com")
        outcome = mapIam(record, name, out);
    else
        return AuditOutcome::skip("CloudTrail " + std::string(source.substr(0, source.find('.'))));
    if (outcome.kind != AuditOutcome::Kind::Event)
        return outcome;
    out.cloud.provider = CloudProvider::Aws;
    out.event.id = jsonText(record, "/eventID");
    out.event.eventType = name;
    std::string_view actor = jsonText(record, "/userIdentity/arn");
    if (actor.empty())
        actor = jsonText(record, "/userIdentity/principalId");
    if (actor.empty())
        actor = jsonText(record, "/userIdentity/invokedBy");
    out.event.user = actor;
    out.cloud.actorType = jsonText(record, "/userIdentity/type");
    out.cloud.credential = jsonText(record, "/userIdentity/accessKeyId");
    // sourceIPAddress is an address, or the AWS service that made the call ("lambda.amazonaws.com").
    const std::string_view address = jsonText(record, "/sourceIPAddress");
    if (!address.empty() && address.find(".amazonaws.com") == std::string_view::npos)
        out.event.principalIps.push_back(plainAddress(address));
    out.cloud.userAgent = jsonText(record, "/userAgent");
    out.cloud.errorCode = jsonText(record, "/errorCode");
    out.cloud.failed = !out.cloud.errorCode.empty();
    std::string_view account = jsonText(record, "/recipientAccountId");
    if (account.empty())
        account = jsonText(record, "/userIdentity/accountId");
    out.cloud.account = account;
    out.cloud.region = jsonText(record, "/awsRegion");
    return outcome;
}

AuditOutcome mapCloudTrail(dom::element record, AuditEvent& out)
{
    if (jsonHas(record, "/eventSource"))
        return mapCloudTrailRecord(record, out);
    // Wrappers: EventBridge ("detail"), SIEM exports ("event", "_source", "cloudtrail").
    for (const char* key : { "/detail", "/event", "/_source", "/cloudtrail" }) {
        dom::element inner;
        if (record.at_pointer(key).get(inner) == simdjson::SUCCESS && inner.is_object())
            return mapCloudTrailRecord(inner, out);
    }
    // Splunk's export keeps the record as text in "_raw" (or in "result._raw").
    std::string_view raw = jsonText(record, "/_raw");
    if (raw.empty())
        raw = jsonText(record, "/result/_raw");
    if (!raw.empty()) {
        // Its strings must outlive this call until the event is delivered, so the parser is per thread and
        // parses nothing else meanwhile.
        thread_local dom::parser rawParser;
        dom::element inner;
        if (rawParser.parse(raw.data(), raw.size()).get(inner) != simdjson::SUCCESS || !inner.is_object())
            return AuditOutcome::reject("_raw is not a JSON CloudTrail record");
        return mapCloudTrailRecord(inner, out);
    }
    return AuditOutcome::reject("no eventSource: not a CloudTrail record");
}

class CloudTrailReader final : public AuditJsonReader
{
public:
    CloudTrailReader()
        : AuditJsonReader({ "Records", "records", "events", "results" }, mapCloudTrail)
    { }

    std::string_view name() const override { return "aws-cloudtrail"; }

    int sniff(std::string_view head) const override
    {
        if (head.front() != '{' && head.front() != '[')
            return 0;
        // A SIEM export may hold the record as escaped text ("_raw": "{\"eventSource\": …").
        const bool source = (head.find("\"eventSource\"") != std::string_view::npos
                                || head.find("\\\"eventSource\\\"") != std::string_view::npos)
            && head.find(".amazonaws.com") != std::string_view::npos;
        const bool marker = head.find("eventVersion\\\"") != std::string_view::npos
            || head.find("\"eventVersion\"") != std::string_view::npos
            || head.find("\"awsRegion\"") != std::string_view::npos
            || head.find("\"recipientAccountId\"") != std::string_view::npos;
        return source && marker ? kSniffSpecific : 0;
    }
};

} // namespace

std::unique_ptr<FormatReader> makeCloudTrailReader()
{
    return std::make_unique<CloudTrailReader>();
}

} // namespace cepheid
