#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cepheid {

// "300 bytes", "64 MiB", "1.5 GiB": binary units, one decimal only when it says something.
std::string byteSizeText(std::uint64_t bytes);

// "1000", "64K", "64M", "64MiB", "2G", "1T" (binary multiples, case-insensitive); nullopt when it is not a size or
// does not fit in 64 bits.
std::optional<std::uint64_t> parseByteSize(std::string_view text);

} // namespace cepheid
