#include "zeekrecord.h"

#include "fieldtext.h"
#include "util/bytesize.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cmath>

namespace cepheid {

namespace {

// Shape bits: names that tell a log's kind when nothing else does.
enum : std::uint16_t {
    kConnState = 1 << 0,
    kOrigBytes = 1 << 1,
    kServerName = 1 << 2,
    kVersion = 1 << 3,
    kCipher = 1 << 4,
    kMethod = 1 << 5,
    kHost = 1 << 6,
    kUri = 1 << 7,
    kQuery = 1 << 8,
    kQtypeName = 1 << 9,
};

constexpr std::array<std::string_view, kZeekFieldCount> kFieldNames
    = { "ts", "uid", "id.orig_h", "id.resp_h", "id.resp_p", "orig_bytes", "resp_bytes", "local_orig", "local_resp",
          "server_name", "host", "uri", "user_agent", "status_code", "query", "answers" };

// A field's value is not what the field holds; the reason names the field.
struct FieldError
{
    std::string reason;
};

[[noreturn]] void fail(ZeekField field, std::string_view what)
{
    throw FieldError { std::string(zeekFieldName(field)) + ": " + std::string(what) };
}

std::string realText(double value)
{
    std::array<char, 32> buffer {};
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return error == std::errc {}
        ? quotedValue(std::string_view(buffer.data(), static_cast<std::size_t>(end - buffer.data())))
        : std::string("a number");
}

// How a message names a value that is not of the expected kind.
std::string typeName(const ZeekValue& value)
{
    switch (value.kind) {
    case ZeekValue::Kind::Unsigned:
    case ZeekValue::Kind::Real:
        return "a number";
    case ZeekValue::Kind::Bool:
        return "a boolean";
    case ZeekValue::Kind::Other:
        return std::string(value.text);
    case ZeekValue::Kind::Text:
        return "a string";
    case ZeekValue::Kind::Absent:
        break;
    }
    return "nothing";
}

std::string_view optionalText(const ZeekRecord& record, ZeekField field)
{
    const ZeekValue& value = record[field];
    if (value.kind == ZeekValue::Kind::Absent)
        return {};
    if (value.kind != ZeekValue::Kind::Text)
        fail(field, "expected a string, got " + typeName(value));
    return value.text;
}

std::string_view requiredText(const ZeekRecord& record, ZeekField field)
{
    const std::string_view text = optionalText(record, field);
    if (text.empty())
        fail(field, "missing");
    return text;
}

std::optional<std::uint64_t> optionalCount(const ZeekRecord& record, ZeekField field)
{
    const ZeekValue& value = record[field];
    switch (value.kind) {
    case ZeekValue::Kind::Absent:
        return std::nullopt;
    case ZeekValue::Kind::Unsigned:
        return value.number;
    case ZeekValue::Kind::Text:
        if (const auto number = parseUnsigned(value.text))
            return number;
        fail(field, quotedValue(value.text) + " is not a count");
    case ZeekValue::Kind::Real:
        fail(field, realText(value.real) + " is not a count");
    default:
        fail(field, "expected a count, got " + typeName(value));
    }
}

std::optional<std::uint16_t> optionalBounded(
    const ZeekRecord& record, ZeekField field, std::uint64_t maximum, std::string_view what)
{
    const auto number = optionalCount(record, field);
    if (!number)
        return std::nullopt;
    if (*number > maximum)
        fail(field, quotedValue(std::to_string(*number)) + " is not " + std::string(what));
    return static_cast<std::uint16_t>(*number);
}

std::optional<bool> optionalBool(const ZeekRecord& record, ZeekField field)
{
    const ZeekValue& value = record[field];
    switch (value.kind) {
    case ZeekValue::Kind::Absent:
        return std::nullopt;
    case ZeekValue::Kind::Bool:
        return value.flag;
    case ZeekValue::Kind::Text:
        if (value.text == "T" || value.text == "true")
            return true;
        if (value.text == "F" || value.text == "false")
            return false;
        fail(field, quotedValue(value.text) + " is not T or F");
    default:
        fail(field, "expected T or F, got " + typeName(value));
    }
}

// Epoch seconds (Zeek's default, a number in JSON, text in TSV) or ISO 8601 (LogAscii::json_timestamps).
TimestampUs requiredTime(const ZeekRecord& record)
{
    const ZeekValue& value = record[ZeekField::Ts];
    switch (value.kind) {
    case ZeekValue::Kind::Absent:
        fail(ZeekField::Ts, "missing");
    case ZeekValue::Kind::Text:
        if (const auto time = parseEpochSeconds(value.text))
            return *time;
        if (const auto time = parseUtcDateTime(value.text))
            return *time;
        fail(ZeekField::Ts, quotedValue(value.text) + " is not a time (epoch seconds or ISO 8601)");
    case ZeekValue::Kind::Unsigned:
        if (value.number > static_cast<std::uint64_t>(kLastSecond))
            fail(ZeekField::Ts, quotedValue(std::to_string(value.number)) + " is after the year 9999");
        return static_cast<TimestampUs>(value.number) * kMicrosPerSecond;
    case ZeekValue::Kind::Real:
        // A double holds today's epoch seconds to a quarter of a microsecond: rounding gives the written value.
        if (!std::isfinite(value.real) || value.real < static_cast<double>(kFirstSecond)
            || value.real > static_cast<double>(kLastSecond))
            fail(ZeekField::Ts, realText(value.real) + " is not a time in the years 0001-9999");
        return std::llround(value.real * static_cast<double>(kMicrosPerSecond));
    default:
        fail(ZeekField::Ts, "expected a time, got " + typeName(value));
    }
}

// What Zeek says about the two ends (Site::local_nets), else what their addresses say.
Direction connectionDirection(const ZeekRecord& record, std::string_view originator, std::string_view responder)
{
    const auto localOrig = optionalBool(record, ZeekField::LocalOrig);
    const auto localResp = optionalBool(record, ZeekField::LocalResp);
    if (localOrig && *localOrig)
        return Direction::Outbound;
    if (localOrig && localResp)
        return *localResp ? Direction::Inbound : Direction::Unknown;
    return directionFromAddresses(originator, responder);
}

// dns answers hold addresses, CNAME names and TXT strings alike; only addresses name a connection's target.
bool isAddress(std::string_view text)
{
    if (text.size() < 2 || text.size() > 45)
        return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
            return false;
    boost::system::error_code error;
    boost::asio::ip::make_address(std::string(text), error);
    return !error;
}

bool isKindName(std::string_view kind)
{
    if (kind.empty() || kind.size() > 40)
        return false;
    for (const char c : kind)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                || c == '.'))
            return false;
    return true;
}

} // namespace

std::string_view zeekFieldName(ZeekField field)
{
    return kFieldNames[static_cast<std::size_t>(field)];
}

ZeekName zeekName(std::string_view name)
{
    if (name.empty())
        return {};
    switch (name.front()) {
    case 't':
        if (name == "ts")
            return { ZeekField::Ts };
        break;
    case 'u':
        if (name == "uid")
            return { ZeekField::Uid };
        if (name == "uri")
            return { ZeekField::Uri, kUri };
        if (name == "user_agent")
            return { ZeekField::UserAgent };
        break;
    case 'i':
        // id.orig_h, or id_orig_h where a tool flattened the record with underscores.
        if (name.size() == 9 && name.starts_with("id") && (name[2] == '.' || name[2] == '_')) {
            const std::string_view tail = name.substr(3);
            if (tail == "orig_h")
                return { ZeekField::OrigHost };
            if (tail == "resp_h")
                return { ZeekField::RespHost };
            if (tail == "resp_p")
                return { ZeekField::RespPort };
        }
        break;
    case 'o':
        if (name == "orig_bytes")
            return { ZeekField::OrigBytes, kOrigBytes };
        break;
    case 'r':
        if (name == "resp_bytes")
            return { ZeekField::RespBytes };
        break;
    case 'l':
        if (name == "local_orig")
            return { ZeekField::LocalOrig };
        if (name == "local_resp")
            return { ZeekField::LocalResp };
        break;
    case 'c':
        if (name == "conn_state")
            return { std::nullopt, kConnState };
        if (name == "cipher")
            return { std::nullopt, kCipher };
        break;
    case 's':
        if (name == "server_name")
            return { ZeekField::ServerName, kServerName };
        if (name == "status_code")
            return { ZeekField::StatusCode };
        break;
    case 'v':
        if (name == "version")
            return { std::nullopt, kVersion };
        break;
    case 'm':
        if (name == "method")
            return { std::nullopt, kMethod };
        break;
    case 'h':
        if (name == "host")
            return { ZeekField::Host, kHost };
        break;
    case 'q':
        if (name == "query")
            return { ZeekField::Query, kQuery };
        if (name == "qtype_name")
            return { std::nullopt, kQtypeName };
        break;
    case 'a':
        if (name == "answers")
            return { ZeekField::Answers };
        break;
    default:
        break;
    }
    return {};
}

std::string_view zeekKindFromShape(std::uint16_t shape)
{
    if (shape & (kConnState | kOrigBytes))
        return "conn";
    if (shape & (kQuery | kQtypeName))
        return "dns";
    if ((shape & kServerName) || (shape & (kVersion | kCipher)) == (kVersion | kCipher))
        return "ssl";
    if ((shape & kMethod) || (shape & (kHost | kUri)) == (kHost | kUri))
        return "http";
    return {};
}

std::string overlongLineReason(std::uint64_t maxBytes)
{
    return "record longer than " + byteSizeText(maxBytes) + " (the record-bytes limit): skipped";
}

std::string_view decodeZeekEscapes(std::string_view text, std::string& out)
{
    std::size_t at = text.find("\\x");
    if (at == std::string_view::npos)
        return text;
    auto hexDigit = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    out.clear();
    std::size_t from = 0;
    while (at != std::string_view::npos) {
        const int high = at + 3 < text.size() ? hexDigit(text[at + 2]) : -1;
        const int low = high >= 0 ? hexDigit(text[at + 3]) : -1;
        if (low >= 0) {
            out.append(text.substr(from, at - from));
            out.push_back(static_cast<char>(high * 16 + low));
            from = at + 4;
        } else {
            out.append(text.substr(from, at + 2 - from)); // a backslash that escapes nothing stays
            from = at + 2;
        }
        at = text.find("\\x", from);
    }
    out.append(text.substr(from));
    return out;
}

void ZeekMapper::mapConnection(const ZeekRecord& record)
{
    const std::string_view uid = requiredText(record, ZeekField::Uid);
    m_event.eventType = "NETWORK_CONNECTION";
    m_event.role = EventRole::Connection;
    m_event.id = uid;
    m_event.joinKey = uid;
    m_event.timestamp = requiredTime(record);
    const std::string_view originator = requiredText(record, ZeekField::OrigHost);
    const std::string_view responder = requiredText(record, ZeekField::RespHost);
    m_event.principalIps.push_back(originator);
    m_event.targetIps.push_back(responder);
    m_event.targetPort = optionalBounded(record, ZeekField::RespPort, 65535, "a port").value_or(0);
    // "-" is unknown, not zero: a connection Zeek saw no payload of is not a connection with none.
    if (const auto sent = optionalCount(record, ZeekField::OrigBytes)) {
        m_event.bytesSent = *sent;
        m_event.bytesSentKnown = true;
    }
    if (const auto received = optionalCount(record, ZeekField::RespBytes)) {
        m_event.bytesReceived = *received;
        m_event.bytesReceivedKnown = true;
    }
    m_event.direction = connectionDirection(record, originator, responder);
}

void ZeekMapper::mapSessionName(const ZeekRecord& record, HostnameSource source, std::string_view name)
{
    const std::string_view uid = requiredText(record, ZeekField::Uid);
    m_event.role = EventRole::SessionName;
    m_event.id = uid;
    m_event.joinKey = uid;
    m_event.timestamp = requiredTime(record);
    m_event.targetHostname = name;
    m_event.hostnameSource = source;
    if (const std::string_view originator = optionalText(record, ZeekField::OrigHost); !originator.empty())
        m_event.principalIps.push_back(originator);
    if (const std::string_view responder = optionalText(record, ZeekField::RespHost); !responder.empty())
        m_event.targetIps.push_back(responder);
    m_event.targetPort = optionalBounded(record, ZeekField::RespPort, 65535, "a port").value_or(0);
}

void ZeekMapper::mapDnsAnswer(const ZeekRecord& record)
{
    m_event.eventType = "NETWORK_DNS";
    m_event.role = EventRole::DnsAnswer;
    // A dns uid is the DNS session's, not the connection's that follows: it is the event's identity, not a join key.
    m_event.id = optionalText(record, ZeekField::Uid);
    m_event.timestamp = requiredTime(record);
    m_event.principalIps.push_back(requiredText(record, ZeekField::OrigHost));
    m_event.targetHostname = requiredText(record, ZeekField::Query);
    m_event.hostnameSource = HostnameSource::Record;
    const ZeekValue& answers = record[ZeekField::Answers];
    if (answers.kind == ZeekValue::Kind::Other)
        fail(ZeekField::Answers, "expected a list of strings, got " + typeName(answers));
    for (const std::string_view answer : record.answers)
        if (isAddress(answer))
            m_event.targetIps.push_back(answer);
    if (m_event.targetIps.size() > 65535)
        fail(ZeekField::Answers, "more than 65535 addresses");
}

std::string_view ZeekMapper::skipKind(std::string_view kind)
{
    if (!isKindName(kind))
        return "Zeek log of unknown kind";
    for (std::size_t i = 0; i < m_kinds.size(); ++i)
        if (m_kinds[i] == kind)
            return m_skipNames[i];
    return "Zeek log of another kind";
}

void ZeekMapper::noteKind(std::string_view kind)
{
    if (!isKindName(kind) || (!m_kinds.empty() && m_kinds.back() == kind)
        || std::find(m_kinds.begin(), m_kinds.end(), kind) != m_kinds.end())
        return;
    if (m_kinds.size() < kMaxNamedKinds) {
        m_kinds.emplace_back(kind);
        m_skipNames.push_back("Zeek " + std::string(kind) + " log");
    } else {
        m_moreKinds = true;
    }
}

void ZeekMapper::map(std::string_view kind, const ZeekRecord& record, const ZeekRecordPlace& place, RecordSink& sink)
{
    noteKind(kind);
    m_event.clear();
    try {
        if (kind == "conn") {
            mapConnection(record);
        } else if (kind == "ssl") {
            const std::string_view name = optionalText(record, ZeekField::ServerName);
            if (name.empty())
                return sink.skip("Zeek ssl without server name");
            m_event.eventType = "NETWORK_CONNECTION";
            mapSessionName(record, HostnameSource::TlsSni, name);
        } else if (kind == "http") {
            const std::string_view host = optionalText(record, ZeekField::Host);
            const std::string_view name = urlHost(host);
            if (name.empty())
                return sink.skip("Zeek http without host");
            m_event.eventType = "NETWORK_HTTP";
            mapSessionName(record, HostnameSource::HttpHost, name);
            // The URL as the client asked for it: a path is relative to the Host; a proxy's absolute URI or
            // CONNECT authority is whole already.
            const std::string_view uri = optionalText(record, ZeekField::Uri);
            if (uri.empty() || uri.starts_with('/'))
                m_url.assign(host).append(uri);
            else
                m_url.assign(uri);
            m_event.url = m_url;
            m_event.userAgent = optionalText(record, ZeekField::UserAgent);
            m_event.responseCode = optionalBounded(record, ZeekField::StatusCode, 999, "an HTTP status").value_or(0);
        } else if (kind == "dns") {
            if (optionalText(record, ZeekField::Query).empty())
                return sink.skip("Zeek dns without query");
            mapDnsAnswer(record);
        } else {
            return sink.skip(skipKind(kind));
        }
    } catch (const FieldError& error) {
        return sink.reject(place.line, error.reason, place.text.substr(0, kExcerptBytes));
    }
    m_event.source = { place.fileIndex, place.line, place.offset };
    sink.event(m_event);
}

std::string ZeekMapper::layout(std::string_view whenNone) const
{
    if (m_kinds.empty())
        return std::string(whenNone);
    std::string layout;
    for (const std::string& kind : m_kinds)
        layout += (layout.empty() ? "" : "+") + kind;
    if (m_moreKinds)
        layout += "+…";
    return layout;
}

} // namespace cepheid
