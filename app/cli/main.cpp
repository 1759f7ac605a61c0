// cepheid-cli: the engine on the command line, for servers, scripts and CI. No display needed.

#include "casereportcommand.h"
#include "clickhousecommands.h"
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

using namespace cepheid::cli;

namespace {

int run(int argc, char** argv)
{
    const CommandLine line = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
    using Command = CommandLine::Command;
    switch (line.command) {
    case Command::None:
        return line.exitCode; // help, --version, or a usage error, already said
    case Command::Score:
        return runScore(line.score);
    case Command::Report:
        // cepheid-cli hands HTML and PDF to cepheid-cli-reports before reading anything (casereportcommand.h).
        return line.score.format == "html" || line.score.format == "pdf" ? runCaseReport(line.score, argv)
                                                                         : runScore(line.score);
    case Command::Import:
        return runImport(line.importing);
    case Command::Push:
        return runPush(line.push);
    case Command::CaseInfo:
        return runCaseInfo(line.caseInfo);
    case Command::CaseVerify:
        return runCaseVerify(line.caseInfo);
    case Command::CaseTriage:
        return runCaseTriage(line.caseTriage);
    case Command::RuleExport:
        return runRuleExport(line.ruleExport);
    case Command::RuleRun:
        return runRuleRun(line.ruleRun);
    case Command::ProfileShow:
        return runProfileShow(line.profileShow);
    case Command::ProfileDiff:
        return runProfileDiff(line.profileDiff);
    }
    return UsageError;
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
