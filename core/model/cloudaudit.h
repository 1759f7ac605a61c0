#pragma once

#include "stringpool.h"

#include <cstdint>
#include <string_view>

namespace cepheid {

// Cloud audit records (docs/cloud-audit.md): who changed, exposed or called a serverless function. They are events
// of the EventRole CloudAudit: timestamp, id, eventType (the provider's API method, "UpdateFunctionCode20150331v2"),
// principalIps (the caller's source IP), user (the caller: an ARN, an e-mail) and targetHostname (the function's
// public endpoint, when the record lets Cepheid derive it; one '*' stands for a part the record does not give), plus
// these details. They form no flow; core/cloud turns them into change findings and links them to flows.

enum class CloudProvider : std::uint8_t { Unknown = 0, Aws = 1, Gcp = 2, Azure = 3, Cloudflare = 4 };
inline constexpr int kCloudProviderCount = 5;

// What a call did to the function, in the few kinds the severity signals tell apart.
enum class CloudAction : std::uint8_t {
    Other = 0,
    Create = 1, // a new function, API, service, site or Worker
    UpdateCode = 2, // new code (an upload, an image, a deployment of new code)
    UpdateConfig = 3, // settings: environment, role, triggers
    Expose = 4, // who may call it: a function URL, a permission, an IAM policy
    Publish = 5, // a version, alias, stage or deployment made live
    Route = 6, // a hostname or route that reaches it (Cloudflare routes, workers.dev subdomain)
    Delete = 7,
    Invoke = 8, // a call of the function (Lambda data events)
    Read = 9, // listing or reading (ListFunctions, GetFunction): reconnaissance
    Credential = 10, // an API token used or made, a role passed to the function
};
inline constexpr int kCloudActionCount = 11;

// "aws", "gcp", "azure", "cloudflare" ("" for Unknown).
std::string_view cloudProviderName(CloudProvider provider);
// "create", "update_code", "update_config", "expose", "publish", "route", "delete", "invoke", "read", "credential",
// "other".
std::string_view cloudActionName(CloudAction action);
// A change to the function itself or to who can reach it (not a read, a call or a credential).
bool isCloudChange(CloudAction action);

// The details as a reader gives them: views valid until the reader moves on, like EventRecord's.
struct CloudAuditRecord
{
    CloudProvider provider = CloudProvider::Unknown;
    CloudAction action = CloudAction::Other;
    bool failed = false; // the provider refused the call (an error code, a failed status)
    bool makesPublic = false; // the call lets anyone call the function (see `exposure`)
    std::string_view service; // "lambda", "apigateway", "cloudfunctions", "run", "web", "workers"
    std::string_view resource; // the function, API, service, site or script name
    std::string_view account; // AWS account, GCP project, Azure subscription, Cloudflare account
    std::string_view region;
    std::string_view actorType; // "IAMUser", "AssumedRole", "user", "serviceAccount"…
    std::string_view userAgent; // the caller's client: aws-cli/2.13…, wrangler, google-cloud-sdk…
    std::string_view credential; // the key the caller used: an AWS access key id, a GCP service-account key
    std::string_view errorCode; // empty when the call succeeded
    std::string_view exposure; // why it is public: "function URL AuthType NONE", "invoker allUsers"…
};

// The same, interned (EventTable::cloud).
struct CloudDetails
{
    CloudProvider provider = CloudProvider::Unknown;
    CloudAction action = CloudAction::Other;
    bool failed = false;
    bool makesPublic = false;
    StringId service = kEmptyString;
    StringId resource = kEmptyString;
    StringId account = kEmptyString;
    StringId region = kEmptyString;
    StringId actorType = kEmptyString;
    StringId userAgent = kEmptyString;
    StringId credential = kEmptyString;
    StringId errorCode = kEmptyString;
    StringId exposure = kEmptyString;
    friend bool operator==(const CloudDetails&, const CloudDetails&) = default;
};

} // namespace cepheid
