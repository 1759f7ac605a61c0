#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cepheid {

// SHA-256 (FIPS 180-4), streaming. Identifies an imported file so importing it again is a no-op.
class Sha256
{
public:
    Sha256();
    void update(const void* data, std::size_t size);
    std::array<std::uint8_t, 32> finish();
    static std::string hex(const std::array<std::uint8_t, 32>& digest);

private:
    void block(const std::uint8_t* chunk);
    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer {};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0;
};

// The hex SHA-256 of a file's bytes on disk, or nullopt with error set.
std::optional<std::string> sha256OfFile(const std::string& path, std::string& error);

} // namespace cepheid
