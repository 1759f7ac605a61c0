#pragma once

#include "cidr.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// What a default local-only network is ("IPv6 multicast"), or empty for one a profile added. The defaults are
// ScoreSettings::defaultLocalOnlyNetworks() (tuning/profile.h), defined with their kinds in localonlynetworks.cpp.
std::string_view localOnlyNetworkKind(std::string_view cidr);

// The profile's local-only networks (ScoreSettings::localOnlyNetworks), compiled: which one an IP destination is in.
class LocalOnlyNetworks
{
public:
    // Fails, naming the entry ("score.local_only_networks[2]: ..."), when one is not a network.
    static Expected<LocalOnlyNetworks> compile(const std::vector<std::string>& networks);
    // The network (as the profile wrote it) that contains address, or nullptr.
    const std::string* find(std::string_view address) const;

private:
    std::vector<std::pair<Cidr, std::string>> m_networks;
};

} // namespace cepheid
