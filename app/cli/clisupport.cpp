#include "clisupport.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace cepheid::cli {

// Writes next to the target and renames, so a failed run never leaves half a report behind.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string& error)
{
    const std::string temporary = path + ".part";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) {
            error = "cannot write " + temporary;
            return false;
        }
        file.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!file.flush()) {
            error = "cannot write " + temporary;
            return false;
        }
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

ImportOptions progressOptions(const std::string& path)
{
    ImportOptions options;
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

void warnAboutRejects(const InputSummary& input)
{
    if (!input.readError.empty())
        std::cerr << "cepheid-cli: warning: " << input.path << ": reading stopped part-way (" << input.readError
                  << "); the " << input.eventsRead << " events before it are used\n";
    if (input.eventsRejected == 0)
        return;
    std::cerr << "cepheid-cli: " << input.path << ": " << input.eventsRejected << " record(s) rejected";
    if (!input.rejects.empty())
        std::cerr << " (first: line " << input.rejects.front().line << ": " << input.rejects.front().reason << ")";
    std::cerr << "; all are listed in the report's \"inputs\"\n";
}

} // namespace cepheid::cli
