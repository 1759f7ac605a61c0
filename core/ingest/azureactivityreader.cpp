// Azure Activity Log (docs/cloud-audit.md, "Azure"): the diagnostic-settings export ({"records": [{"time",
// "operationName": "MICROSOFT.WEB/SITES/WRITE", "resultType", "callerIpAddress", "identity": {…}}]}) and the REST
// API's shape (`az monitor activity-log list`: {"value": [{"eventTimestamp", "operationName": {"value"}, "status":
// {"value"}, "caller", "httpRequest": {"clientIpAddress"}}]}, or a bare array). Microsoft.Web operations on sites
// (function apps and web apps) become audit events; other providers are skipped.

#include "auditjson.h"
#include "fieldtext.h"
#include "tuning/textmatcher.h"

#include <memory>

namespace cepheid {

namespace {

namespace dom = simdjson::dom;

// A string, or the "value" of a {value, localizedValue} object (the REST shape).
std::string_view valueText(dom::element element, std::string_view pointer)
{
    const std::string_view text = jsonText(element, pointer);
    if (!text.empty())
        return text;
    return jsonText(element, std::string(pointer) + "/value");
}

struct AzureOperation
{
    std::string_view suffix; // of the operation name after "microsoft.web/sites", lower case
    CloudAction action;
};

// Microsoft.Web resource provider operations on sites; see docs/cloud-audit.md for what each means.
constexpr AzureOperation kOperations[] = {
    { "/functions/write", CloudAction::UpdateCode },
    { "/deployments/write", CloudAction::UpdateCode },
    { "/extensions/write", CloudAction::UpdateCode }, // zip and MSDeploy
    { "/publishxml/action", CloudAction::Credential }, // downloads the publish profile: credentials to deploy
    { "/config/list/action", CloudAction::Credential }, // reads the app settings and their secrets
    { "/host/listkeys/action", CloudAction::Credential },
    { "/functions/listkeys/action", CloudAction::Credential },
    { "/basicpublishingcredentialspolicies/write", CloudAction::Expose },
    { "/config/write", CloudAction::UpdateConfig },
    { "/hostnamebindings/write", CloudAction::Route },
    { "/functions/delete", CloudAction::Delete },
    { "/delete", CloudAction::Delete },
    { "/write", CloudAction::UpdateConfig }, // creates or updates the site itself
    { "/restart/action", CloudAction::UpdateConfig },
    { "/read", CloudAction::Read },
};

// "/subscriptions/S/resourceGroups/G/providers/Microsoft.Web/sites/NAME/…": the part after `key` (any case).
std::string_view resourceSegment(std::string_view resourceId, std::string_view key)
{
    const std::string lower = asciiLower(resourceId);
    const std::size_t at = lower.find(key);
    if (at == std::string::npos)
        return {};
    resourceId.remove_prefix(at + key.size());
    return resourceId.substr(0, resourceId.find('/'));
}

AuditOutcome mapAzure(dom::element record, AuditEvent& out)
{
    const std::string_view operation = valueText(record, "/operationName");
    if (operation.empty())
        return AuditOutcome::reject("no operationName: not an Activity Log record");
    const std::string lower = asciiLower(operation);
    if (!lower.starts_with("microsoft.web/sites"))
        return AuditOutcome::skip("Activity Log " + lower.substr(0, lower.find('/')));
    const std::string_view rest = std::string_view(lower).substr(std::string_view("microsoft.web/sites").size());
    std::optional<CloudAction> action;
    for (const AzureOperation& candidate : kOperations)
        if (rest.ends_with(candidate.suffix)) {
            action = candidate.action;
            break;
        }
    if (!action)
        return AuditOutcome::skip("Activity Log microsoft.web/sites" + std::string(rest));
    // Each operation is logged when it starts and when it ends: the end says whether it was done.
    std::string_view status = valueText(record, "/resultType");
    if (status.empty())
        status = valueText(record, "/status");
    if (equalsIgnoringCase(status, "Start") || equalsIgnoringCase(status, "Started")
        || equalsIgnoringCase(status, "Accepted"))
        return AuditOutcome::skip("Activity Log operation start");
    auto time = jsonTime(record, "/time");
    if (!time)
        time = jsonTime(record, "/eventTimestamp");
    if (!time)
        return AuditOutcome::reject("no time or eventTimestamp (or not an RFC 3339 time)");
    out.event.timestamp = *time;
    out.cloud.provider = CloudProvider::Azure;
    out.cloud.action = *action;
    out.cloud.service = "web";
    const std::string_view resourceId = jsonText(record, "/resourceId");
    const std::string_view site = resourceSegment(resourceId, "/providers/microsoft.web/sites/");
    out.cloud.resource = site;
    out.cloud.account = resourceSegment(resourceId, "/subscriptions/");
    out.cloud.region = jsonText(record, "/location");
    if (!site.empty())
        out.event.targetHostname = out.keep(asciiLower(site) + ".azurewebsites.net");
    std::string_view id = jsonText(record, "/eventDataId");
    if (id.empty())
        id = jsonText(record, "/correlationId");
    out.event.id = id;
    out.event.eventType = operation;
    std::string_view caller = jsonText(record, "/caller");
    for (const char* claim : { "/identity/claims/http:~1~1schemas.xmlsoap.org~1ws~12005~105~1identity~1claims~1upn",
             "/identity/claims/http:~1~1schemas.xmlsoap.org~1ws~12005~105~1identity~1claims~1name",
             "/claims/http:~1~1schemas.xmlsoap.org~1ws~12005~105~1identity~1claims~1upn", "/identity/claims/appid",
             "/claims/appid" })
        if (caller.empty())
            caller = jsonText(record, claim);
    out.event.user = caller;
    out.cloud.actorType = caller.find('@') != std::string_view::npos ? "user"
        : caller.empty()                                             ? std::string_view()
                                                                     : "servicePrincipal";
    std::string_view address = jsonText(record, "/callerIpAddress");
    if (address.empty())
        address = jsonText(record, "/httpRequest/clientIpAddress");
    if (!address.empty())
        out.event.principalIps.push_back(plainAddress(address));
    if (equalsIgnoringCase(status, "Failure") || equalsIgnoringCase(status, "Failed")) {
        out.cloud.failed = true;
        std::string_view reason = valueText(record, "/resultSignature");
        if (reason.empty())
            reason = valueText(record, "/subStatus");
        out.cloud.errorCode = reason.empty() ? std::string_view("Failed") : reason;
    }
    return {};
}

class AzureActivityReader final : public AuditJsonReader
{
public:
    AzureActivityReader()
        : AuditJsonReader({ "records", "value" }, mapAzure)
    { }

    std::string_view name() const override { return "azure-activity"; }

    int sniff(std::string_view head) const override
    {
        if (head.front() != '{' && head.front() != '[')
            return 0;
        return head.find("\"operationName\"") != std::string_view::npos
                && head.find("\"resourceId\"") != std::string_view::npos
                && containsIgnoringCase(head.substr(0, 64 * 1024), "/subscriptions/")
                // Defender's streaming API writes {"records": [{"operationName", "category":
                // "AdvancedHunting-…"}]} too: those are Defender's.
                && head.find("\"AdvancedHunting-") == std::string_view::npos
            ? kSniffSpecific
            : 0;
    }
};

} // namespace

std::unique_ptr<FormatReader> makeAzureActivityReader()
{
    return std::make_unique<AzureActivityReader>();
}

} // namespace cepheid
