#pragma once

#include "scorereport.h"

#include <string>

namespace cepheid {

// A STIX 2.1 bundle of what an analyst confirmed, for a threat-intelligence platform (MISP, OpenCTI…): for every
// destination of a flow triaged malicious, an indicator (pattern [domain-name:value = '…'], or ipv4-addr /
// ipv6-addr for an IP-only destination); for every such flow, observed-data (the host's address and the
// destination, first and last seen, connection count) with the indicator based on it and a sighting of the
// indicator; and the producer's identity. Every object has type, spec_version "2.1", an id of type--UUIDv4,
// created and modified. Values are escaped for STIX patterns (quotes and backslashes).
struct StixOptions
{
    TimestampUs now = 0; // created / modified
    std::string producer = "Cepheid";
};
std::string writeStixBundle(const EventTable& events, const FlowIndex& flows, const Analysis& analysis,
    const ScoreReportOptions& options, const StixOptions& stix);

// "type--" followed by a random (version 4) UUID.
std::string stixId(std::string_view type);
// A value quoted for a STIX pattern: 'a\'b'.
std::string stixPatternString(std::string_view value);

} // namespace cepheid
