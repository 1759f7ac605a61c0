#pragma once

#include "ingest/importer.h"

#include <string>

namespace cepheid::cli {

// Writes next to the target and renames, so a failed run never leaves half a file behind.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string& error);
// A one-line progress display on a terminal; silent when stderr is a pipe or a file (scripts, CI, tests).
ImportOptions progressOptions(const std::string& path);
// One line on stderr per input with rejects or a read error; the report lists them all.
void warnAboutRejects(const InputSummary& input);

} // namespace cepheid::cli
