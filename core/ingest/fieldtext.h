#pragma once

#include "model/event.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cepheid {

// Field values as the text formats write them (Zeek, Sysmon, Defender, CSV). Each returns nullopt for text that is
// not a value of its kind, so a reader can reject the record naming the field.

// Decimal digits only, no sign, no spaces; fits in 64 bits.
std::optional<std::uint64_t> parseUnsigned(std::string_view text);
// 0-65535.
std::optional<std::uint16_t> parsePort(std::string_view text);
// Seconds since the epoch with up to 9 decimals, as Zeek writes `ts` ("1655962193.984851"); digits beyond
// microseconds are truncated. Exact: no floating point on the way.
std::optional<TimestampUs> parseEpochSeconds(std::string_view text);
// A UTC date and time without a zone, as Sysmon writes UtcTime ("2020-11-02 09:12:57.391"); RFC 3339 with a zone
// is accepted too.
std::optional<TimestampUs> parseUtcDateTime(std::string_view text);
// "::ffff:104.21.48.12" (how Sysmon and Windows write an IPv4 answer) -> "104.21.48.12"; brackets around an IPv6
// address are dropped; anything else is returned as it is.
std::string_view plainAddress(std::string_view address);
// The host of a URL or of a "host[:port]" (Defender RemoteUrl, an HTTP Host header): scheme, user, port, path,
// query and a trailing dot dropped; "https://a.workers.dev:8443/x?y" -> "a.workers.dev". Empty if there is none.
std::string_view urlHost(std::string_view url);
// Private, loopback, link-local, unique-local or CGNAT (RFC 1918, 4193, 6598…): an address inside a site.
bool isInternalAddress(std::string_view address);
// The direction of a connection from its two ends' address classes, for sensors that do not say: inside to outside
// is outbound, outside to inside inbound, anything else unknown.
Direction directionFromAddresses(std::string_view originator, std::string_view responder);
// True for "", "-" and "(empty)": how the text formats write a value that is not there.
bool isUnsetField(std::string_view text);
// A value as a reject's reason quotes it: 'value', cut after 60 bytes with "…".
std::string quotedValue(std::string_view text);

} // namespace cepheid
