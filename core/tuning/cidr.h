#pragma once

#include "util/expected.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cepheid {

// An IPv4 or IPv6 network. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as Sysmon writes them) match IPv4 networks.
class Cidr
{
public:
    // An address parsed once, to test against many networks.
    struct Address
    {
        std::array<std::uint8_t, 16> bytes {}; // IPv4 in the first 4 bytes
        bool v6 = false;
    };
    static std::optional<Address> parseAddress(std::string_view text);

    // "10.0.0.0/8", "2001:db8::/32", or a bare address (a single host); what is wrong with it when invalid.
    static Expected<Cidr> parse(std::string_view text);
    bool contains(std::string_view address) const;
    bool contains(const Address& address) const;

private:
    std::array<std::uint8_t, 16> m_network {}; // IPv4 stored in the first 4 bytes
    unsigned m_prefix = 0;
    bool m_v6 = false;
};

} // namespace cepheid
