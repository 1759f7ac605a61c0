#pragma once

// The command line the plain benchmarks share: [--repeat N] FILE.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace cepheid::bench {

struct BenchArgs
{
    int repeat;
    std::string path;
};

// Prints the usage line and returns nothing when FILE is missing.
inline std::optional<BenchArgs> parseBenchArgs(int argc, char** argv, const char* name, int defaultRepeat)
{
    BenchArgs args { defaultRepeat, {} };
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            args.repeat = std::max(1, std::atoi(argv[++i]));
        else
            args.path = argv[i];
    }
    if (args.path.empty()) {
        std::fprintf(stderr, "usage: %s [--repeat N] FILE.ndjson\n", name);
        return std::nullopt;
    }
    return args;
}

} // namespace cepheid::bench
