// Cloudflare audit logs (docs/cloud-audit.md, "Cloudflare"): the API's pages ({"result": [{"id", "action": {"type",
// "result"}, "actor": {"email", "ip", "type"}, "resource": {"id", "type"}, "metadata", "newValue", "when"}]}), the
// same objects a line each, and Logpush's audit_logs and audit_logs_v2 datasets (ActionType, ActorEmail, ActorIP or
// ActorIPAddress, ResourceType, When or ActionTimestamp…). Workers scripts, their routes, the account's workers.dev
// subdomain and API tokens become audit events; changes to other resources (DNS, firewall…) are skipped.

#include "auditjson.h"
#include "fieldtext.h"

#include <memory>

namespace cepheid {

namespace {

namespace dom = simdjson::dom;

// The first non-empty string among the pointers.
std::string_view firstText(dom::element record, std::initializer_list<std::string_view> pointers)
{
    for (std::string_view pointer : pointers)
        if (const std::string_view text = jsonText(record, pointer); !text.empty())
            return text;
    return {};
}

enum class Kind { Script, Route, Subdomain, Token, Other };

Kind kindOf(std::string_view type, std::string_view product)
{
    if (containsIgnoringCase(type, "subdomain"))
        return Kind::Subdomain;
    if (containsIgnoringCase(type, "route"))
        return Kind::Route;
    if (containsIgnoringCase(type, "token"))
        return Kind::Token;
    if (containsIgnoringCase(type, "script") || containsIgnoringCase(type, "worker")
        || containsIgnoringCase(product, "worker"))
        return Kind::Script;
    return Kind::Other;
}

CloudAction scriptAction(std::string_view verb)
{
    if (containsIgnoringCase(verb, "delete"))
        return CloudAction::Delete;
    if (containsIgnoringCase(verb, "create"))
        return CloudAction::Create;
    if (containsIgnoringCase(verb, "deploy") || containsIgnoringCase(verb, "upload")
        || containsIgnoringCase(verb, "update") || containsIgnoringCase(verb, "put"))
        return CloudAction::UpdateCode;
    if (containsIgnoringCase(verb, "read") || containsIgnoringCase(verb, "get") || containsIgnoringCase(verb, "list"))
        return CloudAction::Read;
    return CloudAction::Other;
}

AuditOutcome mapCloudflare(dom::element record, AuditEvent& out)
{
    const std::string_view verb = firstText(record, { "/action/type", "/ActionType" });
    if (verb.empty())
        return AuditOutcome::reject("no action.type or ActionType: not a Cloudflare audit record");
    const std::string_view type = firstText(record, { "/resource/type", "/ResourceType" });
    const std::string_view product = firstText(record, { "/resource/product", "/ResourceProduct" });
    const Kind kind = kindOf(type, product);
    if (kind == Kind::Other)
        return AuditOutcome::skip("Cloudflare " + std::string(type.empty() ? product : type));
    auto time = jsonTime(record, "/when");
    for (const char* pointer : { "/When", "/action/time", "/ActionTimestamp" })
        if (!time)
            time = jsonTime(record, pointer);
    if (!time)
        return AuditOutcome::reject("no when, When or ActionTimestamp (or not a time)");
    out.event.timestamp = *time;
    out.cloud.provider = CloudProvider::Cloudflare;
    out.cloud.service = "workers";
    out.event.id = firstText(record, { "/id", "/ID", "/AuditLogID" });
    out.event.eventType = verb;
    out.event.user = firstText(record, { "/actor/email", "/ActorEmail", "/actor/id", "/ActorID" });
    out.cloud.actorType = firstText(record, { "/actor/type", "/ActorType" });
    out.cloud.credential = firstText(record, { "/actor/token_id", "/ActorTokenDetails/id" });
    const std::string_view address
        = firstText(record, { "/actor/ip", "/ActorIP", "/actor/ip_address", "/ActorIPAddress" });
    if (!address.empty())
        out.event.principalIps.push_back(plainAddress(address));
    // The interface ("API", "UI"): what the audit log has for a client.
    out.cloud.userAgent = firstText(record, { "/interface", "/Interface", "/actor/context", "/ActorContext" });
    out.cloud.account = firstText(record, { "/owner/id", "/OwnerID", "/account/id", "/AccountID" });
    std::string scratch;
    std::string_view result = jsonScalarText(record, "/action/result", scratch);
    if (result.empty())
        result = jsonScalarText(record, "/ActionResult", scratch);
    if (result == "false" || equalsIgnoringCase(result, "failure") || equalsIgnoringCase(result, "failed")) {
        out.cloud.failed = true;
        out.cloud.errorCode = "action failed";
    }
    const std::string_view subdomain = firstText(record,
        { "/metadata/subdomain", "/Metadata/subdomain", "/newValue/subdomain", "/NewValue/subdomain",
            "/resource/value/subdomain", "/ResourceValue/subdomain" });
    switch (kind) {
    case Kind::Script: {
        out.cloud.action = scriptAction(verb);
        const std::string_view script = firstText(record,
            { "/metadata/script_name", "/Metadata/script_name", "/metadata/script", "/metadata/name", "/Metadata/name",
                "/resource/id", "/ResourceID" });
        out.cloud.resource = script;
        if (!script.empty())
            out.event.targetHostname = out.keep(std::string(script) + "."
                + (subdomain.empty() ? std::string("*") : std::string(subdomain)) + ".workers.dev");
        break;
    }
    case Kind::Route: {
        out.cloud.action = containsIgnoringCase(verb, "delete") ? CloudAction::Delete : CloudAction::Route;
        out.cloud.resource = firstText(record,
            { "/metadata/script", "/metadata/script_name", "/newValue/script", "/NewValue/script", "/Metadata/script",
                "/resource/request/script", "/resource/id", "/ResourceID" });
        // "relay.example.com/*": the hostname the route gives the script.
        const std::string_view pattern = firstText(record,
            { "/metadata/pattern", "/newValue/pattern", "/NewValue/pattern", "/Metadata/pattern",
                "/resource/request/pattern" });
        std::string_view host = pattern.substr(0, pattern.find('/'));
        if (host.starts_with("*."))
            host.remove_prefix(2);
        if (!host.empty() && host.find('*') == std::string_view::npos)
            out.event.targetHostname = host;
        break;
    }
    case Kind::Subdomain:
        // Turning on the account's workers.dev subdomain puts every script on <script>.<subdomain>.workers.dev.
        out.cloud.action = CloudAction::Route;
        out.cloud.resource = subdomain;
        if (!subdomain.empty() && !containsIgnoringCase(verb, "delete")) {
            out.cloud.makesPublic = true;
            out.cloud.exposure = "workers.dev subdomain enabled";
            out.event.targetHostname = out.keep("*." + std::string(subdomain) + ".workers.dev");
        }
        break;
    case Kind::Token:
        out.cloud.action = CloudAction::Credential;
        out.cloud.service = "api-tokens";
        out.cloud.resource
            = firstText(record, { "/metadata/token_name", "/metadata/name", "/resource/id", "/ResourceID" });
        break;
    case Kind::Other:
        break;
    }
    return {};
}

class CloudflareAuditReader final : public AuditJsonReader
{
public:
    CloudflareAuditReader()
        : AuditJsonReader({ "result" }, mapCloudflare)
    { }

    std::string_view name() const override { return "cloudflare-audit"; }

    int sniff(std::string_view head) const override
    {
        if (head.front() != '{' && head.front() != '[')
            return 0;
        auto has = [&](std::string_view key) { return head.find(key) != std::string_view::npos; };
        const bool api
            = has("\"actor\"") && has("\"action\"") && has("\"resource\"") && (has("\"when\"") || has("\"time\""));
        const bool logpush
            = has("\"ActionType\"") && (has("\"ActorIP\"") || has("\"ActorIPAddress\"") || has("\"ActorEmail\""));
        return api || logpush ? kSniffSpecific : 0;
    }
};

} // namespace

std::unique_ptr<FormatReader> makeCloudflareAuditReader()
{
    return std::make_unique<CloudflareAuditReader>();
}

} // namespace cepheid
