// cepheid-cli: HTML and PDF case reports are drawn by cepheid-cli-reports, run with the same arguments, so that
// cepheid-cli itself links no Qt library (see casereportcommand.h).

#include "casereportcommand.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <unistd.h>

// Where cepheid-cli-reports is, relative to cepheid-cli's folder: in an installation (bin/ and libexec/cepheid/)
// and in the build tree, which places both the same way.
#ifndef CEPHEID_CLI_REPORTS
#define CEPHEID_CLI_REPORTS "../libexec/cepheid/cepheid-cli-reports"
#endif

namespace cepheid::cli {

namespace {

int needsWorkbench(const std::string& lookedAt)
{
    std::cerr << "cepheid-cli: HTML and PDF reports need the workbench package (cepheid): install it, or use "
                 "--format json|csv|stix"
              << (lookedAt.empty() ? std::string() : " (no " + lookedAt + ")") << '\n';
    return UsageError;
}

} // namespace

int runCaseReport(const ScoreOptions& /*options*/, char** argv)
{
    std::error_code failed;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", failed);
    if (failed) {
        std::cerr << "cepheid-cli: cannot find this program's own folder (/proc/self/exe: " << failed.message()
                  << ")\n";
        return needsWorkbench({});
    }
    const std::string renderer = (self.parent_path() / CEPHEID_CLI_REPORTS).lexically_normal().string();
    std::cout.flush();
    std::cerr.flush();
    ::execv(renderer.c_str(), argv); // returns only when it failed
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR)
        return needsWorkbench(renderer);
    std::cerr << "cepheid-cli: cannot run " << renderer << ": " << std::strerror(error) << '\n';
    return InputError;
}

int writeCaseReport(const ScoreOptions&, CaseFile&, const EventTable&, const FlowIndex&, const Analysis&,
    const Analyzer&, const ScoreReportOptions&, TimestampUs)
{
    return needsWorkbench({}); // not reached: main hands html and pdf to runCaseReport first
}

} // namespace cepheid::cli
