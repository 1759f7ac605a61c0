#pragma once

// Shared by the fuzz targets: a private scratch folder for the files the code under test reads by path.

#include "ingest/inputstream.h"
#include "ingest/readers.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace cepheid::fuzz {

// A folder made on first use (mkdtemp under $TMPDIR or /tmp) and removed at a normal exit; the targets remove
// the files they write in it after each input.
struct ScratchFolder
{
    std::string path;
    ScratchFolder()
    {
        const char* base = std::getenv("TMPDIR");
        path = std::string(base && *base ? base : "/tmp") + "/cepheid-fuzz-XXXXXX";
        if (!::mkdtemp(path.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
    }
    ~ScratchFolder() { ::rmdir(path.c_str()); }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
};

inline const std::string& scratchFolder()
{
    static const ScratchFolder folder;
    return folder.path;
}

// Replaces the file at path with exactly these bytes; aborts when it cannot (a broken harness, not a finding).
inline void writeWholeFile(const std::string& path, const std::uint8_t* data, std::size_t size)
{
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file || (size > 0 && std::fwrite(data, 1, size, file) != size) || std::fclose(file) != 0) {
        std::perror(path.c_str());
        std::abort();
    }
}

// Opens `path` as the importer does and runs the format probe on its peeked head, which read() then returns again;
// false when the file cannot be read.
inline bool openProbed(InputStream& input, const std::string& path)
{
    if (!input.open(path))
        return false;
    const auto head = input.peek(64 * 1024);
    if (!head)
        return false;
    (void)detectFormat(*head);
    return true;
}

} // namespace cepheid::fuzz
