#pragma once

#include "util/expected.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// What one import may cost, so that a small hostile file (a gzip bomb, a flood of rejects, one giant record) stops
// with a message instead of exhausting the machine. The defaults let a 24 GB workstation finish any import within
// them; each is settable (`cepheid-cli --limit NAME=VALUE`, the workbench's `limits/NAME` setting) and documented in
// docs/security.md. Reaching one keeps everything read before it and says so, like a truncated file.
struct ImportLimits
{
    // One record (an NDJSON line, an array element or a top-level value, including envelope scalars).
    std::uint64_t recordBytes = 64ull << 20;
    // Decompressed bytes read from one file: about 100 million UDM events.
    std::uint64_t decompressedBytes = 64ull << 30;
    // Decompressed bytes per compressed byte of a gzip file, checked once kRatioCheckedFrom bytes have been read.
    // Real exports compress 10-30 times; a bomb of "{}" lines compresses 1,000 times.
    std::uint64_t compressionRatio = 100;
    // Events held in memory by one import (all its files, and a case's earlier events), or, for a batch import that
    // writes them as it goes (CaseFile::importFileStreaming), in the case it writes, which holds them all in memory
    // once opened: about 130 bytes each, so 13 GB at the default.
    std::uint64_t events = 100'000'000;
    // Rejects kept with line, reason and excerpt per file in a case; all are counted.
    std::uint64_t storedRejects = 10'000;
    // Bytes the events in memory may take (the table's columns, strings and address lists: about 110 bytes an event),
    // checked after every batch: an export larger than the machine can hold stops with a message, its events so far
    // kept, instead of the kernel killing the process. Default: 60 % of the memory this process may use (the
    // machine's, or its cgroup's limit when lower), leaving the rest for flows, findings and the workbench.
    std::uint64_t memory = defaultMemoryBudget();

    static std::uint64_t defaultMemoryBudget();
    // The memory this process may use: the machine's, or less under a cgroup (a container, a systemd slice); 0 when
    // unknown.
    static std::uint64_t usableMemory();

    static constexpr std::uint64_t kRatioCheckedFrom = 16ull << 20;

    // name=value, e.g. "decompressed-bytes=8G", "events=5M", "compression-ratio=500". Fails (naming the limits
    // there are) when the name or the value is not one, and then changes nothing.
    Expected<void> set(std::string_view assignment);
    // "64 GiB", "100,000,000": the limit's value as a message shows it.
    std::string valueText(std::string_view name) const;
    // What a message says when a limit stops an import: how to raise it.
    static std::string raiseHint(std::string_view name);

    struct Description
    {
        std::string_view name;
        std::string_view meaning;
    };
    static const std::vector<Description>& descriptions();
};

} // namespace cepheid
