// cepheid-cli: the engine on the command line, for servers, scripts and CI. No display needed.

#include "clioptions.h"
#include "commands.h"
#include "safestderr.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#ifndef CEPHEID_VERSION
#define CEPHEID_VERSION "unknown"
#endif

using namespace cepheid::cli;

namespace {

int usageError(const std::string& message)
{
    std::cerr << "cepheid-cli: " << message << "\n\n" << kUsage;
    return UsageError;
}

int run(int argc, char** argv)
{
    std::vector<std::string> arguments(argv + 1, argv + argc);
    if (arguments.empty())
        return usageError("no command given");
    const std::string command = arguments.front();
    arguments.erase(arguments.begin());
    for (const std::string& argument : arguments)
        if (argument == "--help" || argument == "-h") {
            std::cout << kUsage;
            return Success;
        }

    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return Success;
    }
    if (command == "--version") {
        std::cout << "cepheid-cli " << CEPHEID_VERSION << '\n';
        return Success;
    }
    std::string error;
    if (command == "score") {
        const auto options = parseScoreOptions(arguments, error);
        return options ? runScore(*options) : usageError(error);
    }
    if (command == "report") {
        const auto options = parseReportOptions(arguments, error);
        return options ? runScore(*options) : usageError(error);
    }
    if (command == "rule") {
        if (arguments.empty() || arguments.front() != "export")
            return usageError("rule needs a subcommand: export");
        arguments.erase(arguments.begin());
        const auto options = parseRuleExportOptions(arguments, error);
        return options ? runRuleExport(*options) : usageError(error);
    }
    if (command == "import") {
        const auto options = parseImportOptions(arguments, error);
        return options ? runImport(*options) : usageError(error);
    }
    if (command == "case") {
        const std::string sub = arguments.empty() ? std::string() : arguments.front();
        if (sub != "info" && sub != "triage" && sub != "verify")
            return usageError("case needs a subcommand: info, verify or triage");
        arguments.erase(arguments.begin());
        if (sub == "verify") {
            const auto options = parseCaseVerifyOptions(arguments, error);
            return options ? runCaseVerify(*options) : usageError(error);
        }
        if (sub == "info") {
            const auto options = parseCaseInfoOptions(arguments, error);
            return options ? runCaseInfo(*options) : usageError(error);
        }
        const auto options = parseCaseTriageOptions(arguments, error);
        return options ? runCaseTriage(*options) : usageError(error);
    }
    if (command == "profile") {
        const std::string sub = arguments.empty() ? std::string() : arguments.front();
        if (sub != "show" && sub != "diff")
            return usageError("profile needs a subcommand: show or diff");
        arguments.erase(arguments.begin());
        if (sub == "diff") {
            const auto options = parseProfileDiffOptions(arguments, error);
            return options ? runProfileDiff(*options) : usageError(error);
        }
        const auto options = parseProfileShowOptions(arguments, error);
        return options ? runProfileShow(*options) : usageError(error);
    }
    return usageError("unknown command '" + command + "'");
}

} // namespace

int main(int argc, char** argv)
{
    // Commands report what they expect (unreadable input, refused cases) themselves; anything else that escapes is
    // said in one line with exit code 1, never an abort.
    const SafeStderr safeStderr(std::cerr);
    try {
        const int code = run(argc, argv);
        // Whatever a command printed must have reached standard output: a full disk or a closed pipe is an error,
        // never a truncated report with exit 0.
        std::cout.flush();
        if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout) {
            std::cerr << "cepheid-cli: cannot write to standard output: " << std::strerror(errno) << '\n';
            return InputError;
        }
        return code;
    } catch (const std::bad_alloc&) {
        std::cerr << "cepheid-cli: out of memory (the input is larger than this machine can hold; see the limits "
                     "in docs/security.md)\n";
        return InputError;
    } catch (const std::exception& problem) {
        std::cerr << "cepheid-cli: " << problem.what() << '\n';
        return InputError;
    }
}
