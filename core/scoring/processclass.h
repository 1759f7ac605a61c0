#pragma once

#include <string_view>

namespace cepheid {

// What kind of program opened the connection, from its path alone.
enum class ProcessClass {
    ScriptingOrLolbin, // powershell, wscript, cscript, mshta, rundll32, regsvr32, certutil, …: implants' favourites
    UserWritable, // an executable under AppData, Temp, ProgramData, Users\Public, Downloads, /tmp
    Browser, // tabs poll serverless back ends all day
    DeveloperTool, // IDEs, node, cloud CLIs, wrangler: developers testing their own functions
    Unknown, // installed software, services, or no process path at all
};

ProcessClass classifyProcess(std::string_view path);
std::string_view processClassName(ProcessClass processClass);

} // namespace cepheid
