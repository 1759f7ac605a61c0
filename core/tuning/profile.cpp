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
