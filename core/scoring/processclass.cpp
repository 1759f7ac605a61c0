#include "processclass.h"

#include "model/pathname.h"
#include "tuning/textmatcher.h"

#include <algorithm>
#include <array>
#include <string>

namespace cepheid {

namespace {

bool contains(std::string_view text, std::string_view part)
{
    return text.find(part) != std::string_view::npos;
}

template<std::size_t N> bool isOneOf(std::string_view name, const std::array<std::string_view, N>& names)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

constexpr std::array<std::string_view, 20> kScriptingAndLolbins
    = { "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe", "mshta.exe", "rundll32.exe", "regsvr32.exe",
          "certutil.exe", "bitsadmin.exe", "msbuild.exe", "installutil.exe", "regasm.exe", "regsvcs.exe", "cmd.exe",
          "wmic.exe", "msiexec.exe", "forfiles.exe", "hh.exe", "odbcconf.exe", "cmstp.exe" };
constexpr std::array<std::string_view, 11> kBrowsers = { "chrome.exe", "msedge.exe", "firefox.exe", "brave.exe",
    "opera.exe", "iexplore.exe", "vivaldi.exe", "safari", "google chrome", "firefox", "chromium" };
constexpr std::array<std::string_view, 22> kDeveloperTools = { "code.exe", "code", "node.exe", "node", "aws.exe", "aws",
    "wrangler.exe", "wrangler", "vercel.exe", "vercel", "netlify.exe", "gcloud.exe", "az.exe", "terraform.exe",
    "deno.exe", "deno", "supabase.exe", "git.exe", "devenv.exe", "idea64.exe", "rider64.exe", "postman.exe" };

} // namespace

ProcessClass classifyProcess(std::string_view path)
{
    if (path.empty())
        return ProcessClass::Unknown;
    const std::string lowered = asciiLower(path);
    const std::string_view name = fileNameOf(lowered);
    if (isOneOf(name, kScriptingAndLolbins))
        return ProcessClass::ScriptingOrLolbin;
    if (isOneOf(name, kBrowsers))
        return ProcessClass::Browser;
    // Checked before the folder: VS Code and npm tools install under AppData on purpose.
    if (isOneOf(name, kDeveloperTools))
        return ProcessClass::DeveloperTool;
    for (std::string_view folder : { "\\appdata\\", "\\temp\\", "\\programdata\\", "\\users\\public\\", "\\downloads\\",
             "/tmp/", "/dev/shm/", "/var/tmp/" })
        if (contains(lowered, folder))
            return ProcessClass::UserWritable;
    return ProcessClass::Unknown;
}

std::string_view processClassName(ProcessClass processClass)
{
    switch (processClass) {
    case ProcessClass::ScriptingOrLolbin:
        return "scripting host / LOLBin";
    case ProcessClass::UserWritable:
        return "binary in a user-writable folder";
    case ProcessClass::Browser:
        return "browser";
    case ProcessClass::DeveloperTool:
        return "developer tool";
    case ProcessClass::Unknown:
        break;
    }
    return "other";
}

} // namespace cepheid
