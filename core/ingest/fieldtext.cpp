#include "fieldtext.h"

#include <array>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <string>

namespace cepheid {

std::optional<std::uint64_t> parseUnsigned(std::string_view text)
{
    std::uint64_t value = 0;
    if (text.empty() || text.front() < '0' || text.front() > '9')
        return std::nullopt;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc {} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::uint16_t> parsePort(std::string_view text)
{
    const auto value = parseUnsigned(text);
    if (!value || *value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(*value);
}

std::optional<TimestampUs> parseEpochSeconds(std::string_view text)
{
    bool negative = false;
    if (text.starts_with('-')) {
        negative = true;
        text.remove_prefix(1);
    }
    const std::size_t dot = text.find('.');
    const auto seconds = parseUnsigned(text.substr(0, dot));
    if (!seconds || *seconds > static_cast<std::uint64_t>(kLastSecond))
        return std::nullopt;
    std::int64_t micros = 0;
    if (dot != std::string_view::npos) {
        const std::string_view fraction = text.substr(dot + 1);
        if (fraction.empty() || fraction.size() > 9)
            return std::nullopt;
        for (std::size_t i = 0; i < fraction.size(); ++i) {
            if (fraction[i] < '0' || fraction[i] > '9')
                return std::nullopt;
            if (i < 6)
                micros = micros * 10 + (fraction[i] - '0');
        }
        for (std::size_t i = fraction.size(); i < 6; ++i)
            micros *= 10;
    }
    const TimestampUs time = static_cast<TimestampUs>(*seconds) * kMicrosPerSecond + micros;
    return negative ? -time : time;
}

std::optional<TimestampUs> parseUtcDateTime(std::string_view text)
{
    if (const auto zoned = parseRfc3339(text))
        return zoned;
    if (text.size() < 19 || text.size() > 40)
        return std::nullopt;
    std::string utc(text);
    utc.push_back('Z');
    return parseRfc3339(utc);
}

std::string_view plainAddress(std::string_view address)
{
    if (address.size() > 2 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
    constexpr std::string_view kMapped = "::ffff:";
    if (address.size() > kMapped.size() && address.find('.') != std::string_view::npos) {
        std::string prefix(address.substr(0, kMapped.size()));
        for (char& c : prefix)
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (prefix == kMapped)
            return address.substr(kMapped.size());
    }
    return address;
}

std::string_view urlHost(std::string_view url)
{
    if (const std::size_t scheme = url.find("://"); scheme != std::string_view::npos)
        url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (const std::size_t at = url.rfind('@'); at != std::string_view::npos)
        url.remove_prefix(at + 1);
    if (url.starts_with('[')) // [v6]:port
        return url.substr(1, url.find(']') == std::string_view::npos ? url.size() - 1 : url.find(']') - 1);
    if (const std::size_t colon = url.find(':');
        colon != std::string_view::npos && url.find(':', colon + 1) == std::string_view::npos)
        url = url.substr(0, colon);
    while (url.ends_with('.'))
        url.remove_suffix(1);
    return url;
}

bool isInternalAddress(std::string_view text)
{
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(std::string(plainAddress(text)), error);
    if (error)
        return false;
    if (address.is_loopback() || address.is_multicast())
        return true;
    if (address.is_v4()) {
        const auto bytes = address.to_v4().to_bytes();
        return bytes[0] == 10 || (bytes[0] == 172 && (bytes[1] & 0xF0) == 16) || (bytes[0] == 192 && bytes[1] == 168)
            || (bytes[0] == 169 && bytes[1] == 254) || (bytes[0] == 100 && (bytes[1] & 0xC0) == 64) || bytes[0] == 0
            || bytes == std::array<unsigned char, 4> { 255, 255, 255, 255 };
    }
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped())
        return isInternalAddress(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string());
    const auto bytes = v6.to_bytes();
    return v6.is_link_local() || (bytes[0] & 0xFE) == 0xFC || v6.is_unspecified();
}

Direction directionFromAddresses(std::string_view originator, std::string_view responder)
{
    const bool inside = isInternalAddress(originator);
    const bool toInside = isInternalAddress(responder);
    if (inside && !toInside)
        return Direction::Outbound;
    if (!inside && toInside)
        return Direction::Inbound;
    return Direction::Unknown;
}

bool isUnsetField(std::string_view text)
{
    return text.empty() || text == "-" || text == "(empty)";
}

std::string quotedValue(std::string_view text)
{
    constexpr std::size_t kMax = 60;
    std::string out = "'";
    out.append(text.substr(0, kMax));
    if (text.size() > kMax)
        out.append("…");
    out.push_back('\'');
    return out;
}

} // namespace cepheid
