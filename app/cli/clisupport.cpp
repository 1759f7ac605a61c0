#include "clisupport.h"

#include "cases/casefile.h"
#include "clioptions.h"
#include "ingest/readers.h"
#include "tuning/profilejson.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <unistd.h>

namespace cepheid::cli {

// Writes next to the target and renames, so a failed run never leaves half a report behind.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string& error)
{
    const std::string temporary = path + ".part";
    // POSIX calls, so a full disk says so ("No space left on device") and the partial file is removed.
    const int file = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file < 0) {
        error = "cannot write " + temporary + ": " + std::strerror(errno);
        return false;
    }
    const auto fail = [&](const char* what) {
        error = std::string("cannot ") + what + " " + temporary + ": " + std::strerror(errno);
        ::close(file);
        ::unlink(temporary.c_str());
        return false;
    };
    for (std::size_t written = 0; written < content.size();) {
        const ::ssize_t done = ::write(file, content.data() + written, content.size() - written);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return fail("write");
        written += static_cast<std::size_t>(done);
    }
    if (::fsync(file) != 0 && errno != EINVAL) // EINVAL: a file system without fsync (a pipe-like target)
        return fail("write");
    if (::close(file) != 0) {
        error = "cannot write " + temporary + ": " + std::strerror(errno);
        ::unlink(temporary.c_str());
        return false;
    }
    std::error_code code;
    std::filesystem::rename(temporary, path, code);
    if (code) {
        error = "cannot replace " + path + ": " + code.message();
        std::filesystem::remove(temporary, code);
        return false;
    }
    return true;
}

ImportOptions importOptions(const std::string& path, const InputOptions& input)
{
    ImportOptions options;
    options.limits = input.limits;
    if (!isatty(STDERR_FILENO))
        return options;
    options.progress = [path, last = -1](std::uint64_t done, std::uint64_t total) mutable {
        const int percent = total > 0 ? static_cast<int>(done * 100 / total) : 0;
        if (percent == last)
            return;
        last = percent;
        std::cerr << "\rcepheid-cli: reading " << path << ": " << percent << " %" << (percent >= 100 ? "\n" : "")
                  << std::flush;
    };
    return options;
}

void endProgressLine()
{
    if (isatty(STDERR_FILENO))
        std::cerr << "\r\x1b[K" << std::flush;
}

bool warnAboutInput(const InputSummary& input, const InputOptions& options)
{
    const char* const kind = options.strict ? "error" : "warning";
    bool strictProblem = false;
    if (!input.readError.empty()) {
        std::cerr << "cepheid-cli: " << kind << ": " << input.path << ": reading stopped part-way (" << input.readError
                  << "); the " << input.eventsRead << " events before it "
                  << (options.strict ? "were read" : "are used") << "\n";
        strictProblem = true;
    }
    // Bytes but no event: the wrong file, an export of another kind, or every record refused. Said, never silent.
    if (input.eventsRead == 0 && input.bytesRead > 0 && input.format != kEmptyFormat) {
        std::uint64_t skipped = 0;
        for (const auto& [skippedKind, count] : input.recordsSkipped)
            skipped += count;
        std::cerr << "cepheid-cli: " << kind << ": " << input.path << ": no event from " << input.bytesRead << " bytes"
                  << (input.eventsRejected > 0 ? " (every record was rejected)"
                             : skipped > 0     ? " (its " + std::to_string(skipped)
                                 + " record(s) are of kinds Cepheid does not analyse, e.g. "
                                 + input.recordsSkipped.begin()->first + ")"
                                           : "")
                  << "\n";
        strictProblem = true;
    }
    if (input.eventsRejected > 0) {
        std::cerr << "cepheid-cli: " << input.path << ": " << input.eventsRejected << " record(s) rejected";
        if (!input.rejects.empty())
            std::cerr << " (first: line " << input.rejects.front().line << ": " << input.rejects.front().reason << ")";
        std::cerr << "; all are listed in the report's \"inputs\"\n";
    }
    return !(options.strict && strictProblem);
}

bool inputCountAccepted(const std::vector<std::string>& paths)
{
    if (paths.size() <= std::numeric_limits<std::uint16_t>::max())
        return true;
    std::cerr << "cepheid-cli: too many input files (at most 65535)\n";
    return false;
}

bool importInputs(const std::vector<std::string>& paths, const InputOptions& options, EventTable& events,
    std::vector<InputSummary>& inputs, std::string_view strictOutcome)
{
    if (!inputCountAccepted(paths))
        return false;
    bool strictFailed = false;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        auto summary = importFile(paths[i], static_cast<std::uint16_t>(i), events, importOptions(paths[i], options));
        if (!summary) {
            std::cerr << "cepheid-cli: " << summary.error() << '\n';
            return false;
        }
        strictFailed = !warnAboutInput(*summary, options) || strictFailed;
        inputs.push_back(std::move(*summary));
    }
    if (strictFailed)
        std::cerr << "cepheid-cli: --strict: " << strictOutcome << '\n';
    return !strictFailed;
}

std::optional<Profile> profileFrom(const std::string& spec)
{
    if (spec.empty())
        return Profile {};
    // An existing file is a file, even if its path happens to contain ".cepheid@".
    const auto at = spec.rfind(".cepheid@");
    const bool caseVersion = at != std::string::npos && !std::filesystem::is_regular_file(spec);
    if (!caseVersion && !spec.ends_with(".cepheid")) {
        auto profile = loadProfile(spec);
        if (!profile) {
            std::cerr << "cepheid-cli: profile refused: " << profile.error() << '\n';
            return std::nullopt;
        }
        return std::move(*profile);
    }
    const std::string casePath = caseVersion ? spec.substr(0, at + 8) : spec;
    std::int64_t wanted = 0; // 0: the newest
    if (caseVersion) {
        const std::string number = spec.substr(at + 9);
        if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 12) {
            std::cerr << "cepheid-cli: profile refused: \"" << number << "\" after @ is not a version number\n";
            return std::nullopt;
        }
        wanted = std::stoll(number);
    }
    const auto caseFile = CaseFile::open(casePath, CaseFile::Mode::ReadOnly);
    if (!caseFile) {
        std::cerr << "cepheid-cli: case refused: " << caseFile.error() << '\n';
        return std::nullopt;
    }
    const auto read = (*caseFile)->profiles();
    if (!read) {
        std::cerr << "cepheid-cli: case refused: " << read.error() << '\n';
        return std::nullopt;
    }
    const std::vector<ProfileVersion>& versions = *read;
    if (versions.empty()) {
        std::cerr << "cepheid-cli: profile refused: " << casePath << " has no saved profile version\n";
        return std::nullopt;
    }
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
        if (wanted != 0 && it->id != wanted)
            continue;
        auto profile = parseProfile(it->json);
        if (!profile) {
            std::cerr << "cepheid-cli: profile refused: " << casePath << " version " << it->id << ": "
                      << profile.error() << '\n';
            return std::nullopt;
        }
        return std::move(*profile);
    }
    std::cerr << "cepheid-cli: profile refused: " << casePath << " has no version " << wanted << " (versions "
              << versions.front().id << ".." << versions.back().id << ")\n";
    return std::nullopt;
}

int writeOutput(const std::string& report, const std::string& outputPath)
{
    if (outputPath.empty() || outputPath == "-") {
        std::fwrite(report.data(), 1, report.size(), stdout);
        if (std::fflush(stdout) != 0) {
            std::cerr << "cepheid-cli: cannot write to standard output\n";
            return InputError;
        }
        return Success;
    }
    std::string error;
    if (!writeFileAtomically(outputPath, report, error)) {
        std::cerr << "cepheid-cli: " << error << '\n';
        return InputError;
    }
    return Success;
}

} // namespace cepheid::cli
