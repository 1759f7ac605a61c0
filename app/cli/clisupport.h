#pragma once

#include "clioptions.h"
#include "ingest/importer.h"
#include "tuning/profile.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid::cli {

// Writes next to the target and renames, so a failed run never leaves half a file behind.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string& error);
// Writes a report to standard output (path empty or "-") or atomically to a file; the exit code, saying why on
// stderr when it fails.
int writeOutput(const std::string& report, const std::string& outputPath);
// How to read one input: the limits, and a one-line progress display on a terminal (silent when stderr is a pipe or
// a file: scripts, CI, tests).
ImportOptions importOptions(const std::string& path, const InputOptions& input);
// Clears a progress line that ends without a newline (a ClickHouse fetch's), on a terminal only.
void endProgressLine();
// One line on stderr per input with rejects, a read error or no event from its bytes; the report lists them all.
// Returns false when --strict makes that an error (said on stderr).
bool warnAboutInput(const InputSummary& input, const InputOptions& options);
// False, said on stderr, when there are more inputs than an event's 16-bit file index can name.
bool inputCountAccepted(const std::vector<std::string>& paths);
// Reads each input into `events` (its file index is its position), warns about each as warnAboutInput does and
// appends their summaries. Returns false, saying why on stderr, when one cannot be read or --strict refuses what was
// read; `strictOutcome` ends that message ("no report written").
bool importInputs(const std::vector<std::string>& paths, const InputOptions& options, EventTable& events,
    std::vector<InputSummary>& inputs, std::string_view strictOutcome);
// The profile a --profile value names: empty for the defaults, a JSON file, or a case's saved version as
// CASE.cepheid (the newest) or CASE.cepheid@N. Prints why on stderr and returns nothing when it cannot be used.
std::optional<Profile> profileFrom(const std::string& spec);

} // namespace cepheid::cli
