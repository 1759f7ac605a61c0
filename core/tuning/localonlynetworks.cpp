#include "localonlynetworks.h"

#include "profile.h"

namespace cepheid {

namespace {

struct LocalOnlyNetwork
{
    std::string_view cidr;
    std::string_view kind;
};

constexpr LocalOnlyNetwork kLocalOnlyNetworks[] = {
    { "0.0.0.0/8", "IPv4 \"this network\" (unspecified)" },
    { "127.0.0.0/8", "IPv4 loopback" },
    { "169.254.0.0/16", "IPv4 link-local" },
    { "224.0.0.0/4", "IPv4 multicast" },
    { "255.255.255.255/32", "IPv4 broadcast" },
    { "::/128", "IPv6 unspecified" },
    { "::1/128", "IPv6 loopback" },
    { "fe80::/10", "IPv6 link-local" },
    { "ff00::/8", "IPv6 multicast" },
};

} // namespace

std::vector<std::string> ScoreSettings::defaultLocalOnlyNetworks()
{
    std::vector<std::string> networks;
    for (const LocalOnlyNetwork& network : kLocalOnlyNetworks)
        networks.emplace_back(network.cidr);
    return networks;
}

std::string_view localOnlyNetworkKind(std::string_view cidr)
{
    for (const LocalOnlyNetwork& network : kLocalOnlyNetworks)
        if (network.cidr == cidr)
            return network.kind;
    return {};
}

Expected<LocalOnlyNetworks> LocalOnlyNetworks::compile(const std::vector<std::string>& networks)
{
    LocalOnlyNetworks compiled;
    for (std::size_t i = 0; i < networks.size(); ++i) {
        auto cidr = Cidr::parse(networks[i]);
        if (!cidr)
            return failure("score.local_only_networks[" + std::to_string(i) + "]: " + cidr.error());
        compiled.m_networks.emplace_back(*cidr, networks[i]);
    }
    return compiled;
}

const std::string* LocalOnlyNetworks::find(std::string_view address) const
{
    const auto parsed = Cidr::parseAddress(address);
    if (!parsed)
        return nullptr;
    for (const auto& [cidr, text] : m_networks)
        if (cidr.contains(*parsed))
            return &text;
    return nullptr;
}

} // namespace cepheid
