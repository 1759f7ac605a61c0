#pragma once

#include <string_view>

namespace cepheid {

// Whether a flow's destination is a function's endpoint (docs/cloud-audit.md, "Endpoints"). The endpoint may hold
// '*' for a part the audit record does not give (the hash of a Cloud Run URL, a workers.dev subdomain): it stands
// for one or more characters other than '.', so "relay.*.workers.dev" is never "a.relay.x.workers.dev". Case is
// ignored, as DNS ignores it.
bool endpointMatches(std::string_view endpoint, std::string_view host);

// Whether the endpoint holds a '*'.
inline bool isEndpointPattern(std::string_view endpoint)
{
    return endpoint.find('*') != std::string_view::npos;
}

} // namespace cepheid
