#include "cloudaudit.h"

namespace cepheid {

std::string_view cloudProviderName(CloudProvider provider)
{
    switch (provider) {
    case CloudProvider::Aws:
        return "aws";
    case CloudProvider::Gcp:
        return "gcp";
    case CloudProvider::Azure:
        return "azure";
    case CloudProvider::Cloudflare:
        return "cloudflare";
    case CloudProvider::Unknown:
        break;
    }
    return "";
}

std::string_view cloudActionName(CloudAction action)
{
    switch (action) {
    case CloudAction::Create:
        return "create";
    case CloudAction::UpdateCode:
        return "update_code";
    case CloudAction::UpdateConfig:
        return "update_config";
    case CloudAction::Expose:
        return "expose";
    case CloudAction::Publish:
        return "publish";
    case CloudAction::Route:
        return "route";
    case CloudAction::Delete:
        return "delete";
    case CloudAction::Invoke:
        return "invoke";
    case CloudAction::Read:
        return "read";
    case CloudAction::Credential:
        return "credential";
    case CloudAction::Other:
        break;
    }
    return "other";
}

bool isCloudChange(CloudAction action)
{
    switch (action) {
    case CloudAction::Create:
    case CloudAction::UpdateCode:
    case CloudAction::UpdateConfig:
    case CloudAction::Expose:
    case CloudAction::Publish:
    case CloudAction::Route:
    case CloudAction::Delete:
        return true;
    default:
        return false;
    }
}

} // namespace cepheid
