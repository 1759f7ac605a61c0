// Google Cloud Audit Logs (docs/cloud-audit.md, "Google Cloud"): LogEntry objects whose protoPayload is an
// AuditLog, as `gcloud logging read --format=json` writes them (an array), as a sink writes them (a line each) or in
// an API page ({"entries": […]}). Cloud Functions (v1 and v2) and Cloud Run calls become audit events; every other
// service is skipped by its serviceName.

#include "auditjson.h"
#include "fieldtext.h"

#include <memory>

namespace cepheid {

namespace {

namespace dom = simdjson::dom;

// The part of a resource name after `collection` ("projects/p/locations/r/functions/f", "functions/") → "f".
std::string_view segmentAfter(std::string_view name, std::string_view collection)
{
    const std::size_t at = name.find(collection);
    if (at == std::string_view::npos)
        return {};
    name.remove_prefix(at + collection.size());
    return name.substr(0, name.find('/'));
}

// The method's last name ("google.cloud.run.v1.Services.ReplaceService" → "ReplaceService").
std::optional<CloudAction> actionOf(std::string_view method)
{
    const std::string_view verb = lastPart(method, '.');
    if (verb.starts_with("Create"))
        return CloudAction::Create;
    if (verb == "UpdateFunction" || verb == "ReplaceService" || verb == "UpdateService" || verb == "GenerateUploadUrl")
        return CloudAction::UpdateCode;
    if (verb == "SetIamPolicy")
        return CloudAction::Expose;
    if (verb.starts_with("Delete"))
        return CloudAction::Delete;
    if (verb == "CallFunction")
        return CloudAction::Invoke;
    if (verb.starts_with("Get") || verb.starts_with("List"))
        return CloudAction::Read;
    return std::nullopt;
}

// A SetIamPolicy that lets anyone call: an invoker role bound to allUsers (or allAuthenticatedUsers, which is
// anyone with a Google account).
std::string_view iamExposure(dom::element payload)
{
    dom::array bindings;
    if (payload.at_pointer("/request/policy/bindings").get(bindings) != simdjson::SUCCESS)
        return {};
    for (dom::element binding : bindings) {
        const std::string_view role = jsonText(binding, "/role");
        dom::array members;
        if (binding["members"].get(members) != simdjson::SUCCESS)
            continue;
        for (dom::element member : members) {
            std::string_view text;
            if (member.get(text) != simdjson::SUCCESS)
                continue;
            if (text == "allUsers" && role.find("invoker") != std::string_view::npos)
                return "invoker role for allUsers";
            if (text == "allAuthenticatedUsers" && role.find("invoker") != std::string_view::npos)
                return "invoker role for allAuthenticatedUsers";
        }
    }
    return {};
}

AuditOutcome mapGcp(dom::element entry, AuditEvent& out)
{
    dom::element payload;
    if (entry.at_pointer("/protoPayload").get(payload) != simdjson::SUCCESS || !payload.is_object())
        return AuditOutcome::reject("no protoPayload: not a Cloud Audit Logs entry");
    const std::string_view service = jsonText(payload, "/serviceName");
    const std::string_view method = jsonText(payload, "/methodName");
    if (service.empty() || method.empty())
        return AuditOutcome::reject(service.empty() ? "no protoPayload.serviceName" : "no protoPayload.methodName");
    const bool functions = service == "cloudfunctions.googleapis.com";
    const bool run = service == "run.googleapis.com";
    if (!functions && !run)
        return AuditOutcome::skip("Cloud Audit Logs " + std::string(service.substr(0, service.find('.'))));
    const auto action = actionOf(method);
    if (!action)
        return AuditOutcome::skip("Cloud Audit Logs " + std::string(lastPart(method, '.')));
    auto time = jsonTime(entry, "/timestamp");
    if (!time)
        time = jsonTime(entry, "/receiveTimestamp");
    if (!time)
        return AuditOutcome::reject(jsonHas(entry, "/timestamp")
                ? "timestamp \"" + std::string(jsonText(entry, "/timestamp")) + "\" is not an RFC 3339 time"
                : "no timestamp");
    out.event.timestamp = *time;
    out.cloud.provider = CloudProvider::Gcp;
    out.cloud.action = *action;
    out.cloud.service = functions ? "cloudfunctions" : "run";
    out.event.id = jsonText(entry, "/insertId");
    out.event.eventType = method;
    out.event.user = jsonText(payload, "/authenticationInfo/principalEmail");
    out.cloud.credential = jsonText(payload, "/authenticationInfo/serviceAccountKeyName");
    out.cloud.actorType = out.event.user.ends_with(".gserviceaccount.com") ? "serviceAccount" : "user";
    if (out.event.user.empty())
        out.cloud.actorType = {};
    const std::string_view caller = jsonText(payload, "/requestMetadata/callerIp");
    if (!caller.empty() && caller != "private" && caller != "gce-internal-ip")
        out.event.principalIps.push_back(plainAddress(caller));
    out.cloud.userAgent = jsonText(payload, "/requestMetadata/callerSuppliedUserAgent");
    // status.code is a google.rpc.Code: absent or 0 is OK.
    std::string scratch;
    const std::string_view code = jsonScalarText(payload, "/status/code", scratch);
    if (!code.empty() && code != "0") {
        out.cloud.failed = true;
        const std::string_view message = jsonText(payload, "/status/message");
        out.cloud.errorCode = out.keep(message.empty() ? "code " + std::string(code) : std::string(message));
    }
    const std::string_view resourceName = jsonText(payload, "/resourceName");
    std::string_view project = jsonText(entry, "/resource/labels/project_id");
    if (project.empty())
        project = segmentAfter(resourceName, "projects/");
    if (project.empty())
        project = segmentAfter(resourceName, "namespaces/");
    out.cloud.account = project;
    std::string_view region = jsonText(entry, "/resource/labels/region");
    if (region.empty())
        region = jsonText(entry, "/resource/labels/location");
    if (region.empty())
        region = segmentAfter(resourceName, "locations/");
    out.cloud.region = region;
    if (functions) {
        std::string_view name = jsonText(entry, "/resource/labels/function_name");
        if (name.empty())
            name = segmentAfter(resourceName, "functions/");
        out.cloud.resource = name;
        // Every function of a project and region answers on one host (the function is the path).
        if (!region.empty() && !project.empty())
            out.event.targetHostname
                = out.keep(std::string(region) + "-" + std::string(project) + ".cloudfunctions.net");
    } else {
        std::string_view name = jsonText(entry, "/resource/labels/service_name");
        if (name.empty())
            name = segmentAfter(resourceName, "services/");
        out.cloud.resource = name;
        // The URL is in the response (v1 status.url, v2 uri); without it, the service's name and a hash Cepheid
        // cannot know ("name-<hash>-<region code>.a.run.app").
        std::string_view url = jsonText(payload, "/response/status/url");
        if (url.empty())
            url = jsonText(payload, "/response/uri");
        if (!url.empty())
            out.event.targetHostname = urlHost(url);
        else if (!name.empty())
            out.event.targetHostname = out.keep(std::string(name) + "-*.a.run.app");
    }
    if (out.cloud.action == CloudAction::Expose) {
        out.cloud.exposure = iamExposure(payload);
        out.cloud.makesPublic = !out.cloud.exposure.empty();
    }
    return {};
}

class GcpAuditReader final : public AuditJsonReader
{
public:
    GcpAuditReader()
        : AuditJsonReader({ "entries" }, mapGcp)
    { }

    std::string_view name() const override { return "gcp-audit"; }

    int sniff(std::string_view head) const override
    {
        if (head.front() != '{' && head.front() != '[')
            return 0;
        return head.find("\"protoPayload\"") != std::string_view::npos
                && head.find("\"methodName\"") != std::string_view::npos
            ? kSniffSpecific
            : 0;
    }
};

} // namespace

std::unique_ptr<FormatReader> makeGcpAuditReader()
{
    return std::make_unique<GcpAuditReader>();
}

} // namespace cepheid
