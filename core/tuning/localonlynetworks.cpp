#include "localonlynetworks.h"

namespace cepheid {

std::optional<LocalOnlyNetworks> LocalOnlyNetworks::compile(
    const std::vector<std::string>& networks, std::string& error)
{
    LocalOnlyNetworks compiled;
    for (std::size_t i = 0; i < networks.size(); ++i) {
        std::string reason;
        auto cidr = Cidr::parse(networks[i], reason);
        if (!cidr) {
            error = "score.local_only_networks[" + std::to_string(i) + "]: " + reason;
            return std::nullopt;
        }
        compiled.m_networks.emplace_back(*cidr, networks[i]);
    }
    return compiled;
}

const std::string* LocalOnlyNetworks::find(std::string_view address) const
{
    for (const auto& [cidr, text] : m_networks)
        if (cidr.contains(address))
            return &text;
    return nullptr;
}

} // namespace cepheid
