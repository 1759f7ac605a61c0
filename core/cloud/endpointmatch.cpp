#include "endpointmatch.h"

#include "tuning/textmatcher.h"

namespace cepheid {

bool endpointMatches(std::string_view endpoint, std::string_view host)
{
    const std::size_t star = endpoint.find('*');
    if (star == std::string_view::npos)
        return equalsIgnoringCase(endpoint, host);
    const std::string_view prefix = endpoint.substr(0, star);
    const std::string_view suffix = endpoint.substr(star + 1);
    if (isEndpointPattern(suffix) || host.size() <= prefix.size() + suffix.size())
        return false; // one '*' only; and it stands for at least one character
    if (!equalsIgnoringCase(host.substr(0, prefix.size()), prefix)
        || !equalsIgnoringCase(host.substr(host.size() - suffix.size()), suffix))
        return false;
    const std::string_view middle = host.substr(prefix.size(), host.size() - prefix.size() - suffix.size());
    return middle.find('.') == std::string_view::npos;
}

} // namespace cepheid
