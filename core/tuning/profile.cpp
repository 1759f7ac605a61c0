#include "profile.h"

namespace cepheid {

std::vector<CatalogEntry> Profile::defaultCatalog()
{
    // Every platform in the seed rule, plus the real Lambda function URL domain (<id>.lambda-url.<region>.on.aws)
    // and the host Apps Script web apps redirect to. Patterns match the whole hostname.
    return {
        { "Cloudflare Workers", R"(.+\.workers\.dev)" },
        { "Cloudflare Workers", R"(.+\.cloudflareworkers\.com)" },
        { "Cloudflare Pages", R"(.+\.pages\.dev)" },
        { "AWS API Gateway", R"(.+\.execute-api\.[a-z0-9-]+\.amazonaws\.com)" },
        { "AWS Lambda function URL", R"(.+\.lambda-url\.[a-z0-9-]+\.on\.aws)" },
        { "AWS Lambda function URL", R"(.+\.lambda-url\.[a-z0-9-]+\.amazonaws\.com)" },
        { "Google Apps Script", R"(script\.google\.com)" },
        { "Google Apps Script", R"(script\.googleusercontent\.com)" },
        { "Google Cloud Functions", R"(.+\.cloudfunctions\.net)" },
        { "Google Cloud Run", R"(.+\.run\.app)" },
        { "Azure Functions / App Service", R"(.+\.azurewebsites\.net)" },
        { "Netlify", R"(.+\.netlify\.app)" },
        { "Vercel", R"(.+\.vercel\.app)" },
        { "Supabase", R"(.+\.supabase\.co)" },
        { "Deno Deploy", R"(.+\.deno\.dev)" },
    };
}

namespace {

struct LocalOnlyNetwork
{
    std::string_view cidr;
    std::string_view kind;
};

constexpr LocalOnlyNetwork kLocalOnlyNetworks[] = {
    { "0.0.0.0/8", "IPv4 \"this network\" (unspecified)" },
    { "127.0.0.0/8", "IPv4 loopback" },
    { "169.254.0.0/16", "IPv4 link-local" },
    { "224.0.0.0/4", "IPv4 multicast" },
    { "255.255.255.255/32", "IPv4 broadcast" },
    { "::/128", "IPv6 unspecified" },
    { "::1/128", "IPv6 loopback" },
    { "fe80::/10", "IPv6 link-local" },
    { "ff00::/8", "IPv6 multicast" },
};

} // namespace

std::vector<std::string> ScoreSettings::defaultLocalOnlyNetworks()
{
    std::vector<std::string> networks;
    for (const LocalOnlyNetwork& network : kLocalOnlyNetworks)
        networks.emplace_back(network.cidr);
    return networks;
}

std::string_view localOnlyNetworkKind(std::string_view cidr)
{
    for (const LocalOnlyNetwork& network : kLocalOnlyNetworks)
        if (network.cidr == cidr)
            return network.kind;
    return {};
}

std::string_view verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Beacon:
        return "beacon";
    case Verdict::Likely:
        return "likely";
    case Verdict::Possible:
        return "possible";
    case Verdict::None:
        break;
    }
    return "none";
}

std::string_view windowModelName(WindowModel model)
{
    return model == WindowModel::Hop ? "hop" : "sliding";
}

std::string_view matchModeName(MatchMode mode)
{
    switch (mode) {
    case MatchMode::Exact:
        return "exact";
    case MatchMode::Glob:
        return "glob";
    case MatchMode::Regex:
        return "regex";
    }
    return "exact";
}

} // namespace cepheid
