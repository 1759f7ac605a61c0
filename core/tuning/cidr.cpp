#include "cidr.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace cepheid {

namespace {

// Parses an address; IPv4-mapped IPv6 becomes IPv4. Returns false if text is not an IP address.
bool parseAddressBytes(std::string_view text, std::array<std::uint8_t, 16>& bytes, bool& v6)
{
    boost::system::error_code error;
    auto address = boost::asio::ip::make_address(std::string(text), error);
    if (error)
        return false;
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    bytes.fill(0);
    v6 = address.is_v6();
    if (v6) {
        const auto raw = address.to_v6().to_bytes();
        std::copy(raw.begin(), raw.end(), bytes.begin());
    } else {
        const auto raw = address.to_v4().to_bytes();
        std::copy(raw.begin(), raw.end(), bytes.begin());
    }
    return true;
}

std::string ipv4Text(const std::array<std::uint8_t, 16>& bytes)
{
    return boost::asio::ip::address_v4({ bytes[0], bytes[1], bytes[2], bytes[3] }).to_string();
}

bool samePrefix(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b, unsigned prefix)
{
    unsigned i = 0;
    for (; prefix >= 8; prefix -= 8, ++i)
        if (a[i] != b[i])
            return false;
    if (prefix == 0)
        return true;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - prefix));
    return (a[i] & mask) == (b[i] & mask);
}

} // namespace

Expected<Cidr> Cidr::parse(std::string_view text)
{
    Cidr cidr;
    const auto slash = text.find('/');
    const std::string_view addressText = text.substr(0, slash);
    if (!parseAddressBytes(addressText, cidr.m_network, cidr.m_v6)) {
        // Appended, not "'" + text: GCC 12's -Wrestrict misreads the prepend at -O3 (GCC bug 105651).
        return failure(std::string(1, '\'').append(addressText).append("' is not an IP address"));
    }
    const unsigned maximum = cidr.m_v6 ? 128 : 32;
    cidr.m_prefix = maximum;
    if (slash == std::string_view::npos)
        return cidr;
    // Asio reads the prefix length ("/8"; no sign, no spaces, within the family's width). An IPv4-mapped IPv6
    // network is read as the IPv4 network it maps, with an IPv4 prefix.
    const std::string_view prefixText = text.substr(slash + 1);
    const std::string network
        = (cidr.m_v6 ? std::string(addressText) : ipv4Text(cidr.m_network)) + "/" + std::string(prefixText);
    boost::system::error_code invalid;
    if (cidr.m_v6) {
        cidr.m_prefix = boost::asio::ip::make_network_v6(network, invalid).prefix_length();
    } else {
        cidr.m_prefix = boost::asio::ip::make_network_v4(network, invalid).prefix_length();
    }
    if (invalid || prefixText.empty() || prefixText.front() < '0' || prefixText.front() > '9') {
        return failure(
            "'/" + std::string(prefixText) + "' is not a prefix length between 0 and " + std::to_string(maximum));
    }
    return cidr;
}

std::optional<Cidr::Address> Cidr::parseAddress(std::string_view text)
{
    Address address;
    if (!parseAddressBytes(text, address.bytes, address.v6))
        return std::nullopt;
    return address;
}

bool Cidr::contains(std::string_view address) const
{
    const auto parsed = parseAddress(address);
    return parsed && contains(*parsed);
}

bool Cidr::contains(const Address& address) const
{
    return address.v6 == m_v6 && samePrefix(address.bytes, m_network, m_prefix);
}

} // namespace cepheid
