#include "udmjsonparser.h"

#include "fieldtext.h"
#include "jsonerror.h"
#include "model/hash.h"
#include "util/jsontypename.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <simdjson.h>

namespace cepheid {

namespace dom = simdjson::dom;

namespace {

// A field failed validation; the message names the UDM path.
struct FieldError
{
    std::string reason;
};

// A key against a literal of known length: the compiler compares it in a word or two, where string_view's == called
// memcmp for each of the dozen keys of a record whose length matched (docs/benchmarks.md, sixth part).
template<std::size_t N> bool is(std::string_view key, const char (&literal)[N])
{
    return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

// proto3 JSON names fields in lowerCamelCase; exports written from the protobuf text or BigQuery use snake_case.
template<std::size_t A, std::size_t B> bool isKey(std::string_view key, const char (&camel)[A], const char (&snake)[B])
{
    return is(key, camel) || is(key, snake);
}

[[noreturn]] void fail(std::string reason)
{
    throw FieldError { std::move(reason) };
}

[[noreturn]] void failType(std::string_view path, std::string_view expected, dom::element value)
{
    fail(
        std::string(path) + ": expected " + std::string(expected) + ", got " + std::string(jsonTypeName(value.type())));
}

dom::object expectObject(dom::element value, std::string_view path)
{
    if (!value.is_object())
        failType(path, "an object", value);
    return dom::object(value);
}

// A string field; null reads as absent (""), which is how Chronicle sees a missing value.
std::string_view expectString(dom::element value, std::string_view path)
{
    if (value.is_null())
        return {};
    if (!value.is_string())
        failType(path, "a string", value);
    return std::string_view(value);
}

// uint64 fields come as JSON strings in proto3 JSON ("1834") and as numbers from other tools.
std::uint64_t expectUnsigned(dom::element value, std::string_view path)
{
    switch (value.type()) {
    case dom::element_type::STRING: {
        const std::string_view text(value);
        std::uint64_t result = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), result);
        if (error == std::errc::result_out_of_range)
            fail(std::string(path) + ": " + quotedValue(text) + " is larger than an unsigned 64-bit integer");
        if (error != std::errc() || end != text.data() + text.size() || text.empty())
            fail(std::string(path) + ": " + quotedValue(text) + " is not an unsigned integer");
        return result;
    }
    case dom::element_type::UINT64:
        return std::uint64_t(value);
    case dom::element_type::INT64: {
        const auto signedValue = std::int64_t(value);
        if (signedValue < 0)
            fail(std::string(path) + ": " + quotedValue(std::to_string(signedValue)) + " is negative");
        return static_cast<std::uint64_t>(signedValue);
    }
    case dom::element_type::DOUBLE:
        // simdjson reads integers beyond uint64 as doubles: that is what "huge" looks like here.
        fail(std::string(path) + ": " + quotedValue(simdjson::minify(value)) + " is not an unsigned 64-bit integer");
    default:
        failType(path, "an unsigned integer", value);
    }
}

std::int64_t expectSigned(dom::element value, std::string_view path)
{
    switch (value.type()) {
    case dom::element_type::STRING: {
        const std::string_view text(value);
        std::int64_t result = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), result);
        if (error != std::errc() || end != text.data() + text.size() || text.empty())
            fail(std::string(path) + ": " + quotedValue(text) + " is not a 64-bit integer");
        return result;
    }
    case dom::element_type::INT64:
        return std::int64_t(value);
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
        fail(std::string(path) + ": " + quotedValue(simdjson::minify(value)) + " is not a 64-bit integer");
    default:
        failType(path, "an integer", value);
    }
}

TimestampUs expectTimestamp(dom::element value, std::string_view path)
{
    if (value.is_string()) {
        const std::string_view text(value);
        if (const auto parsed = parseRfc3339(text))
            return *parsed;
        fail(std::string(path) + ": " + quotedValue(text) + " is not an RFC 3339 timestamp");
    }
    if (!value.is_object())
        failType(path, "an RFC 3339 string or {seconds, nanos}", value);
    // google.protobuf.Timestamp as a message: {"seconds": …, "nanos": …} (BigQuery / data-lake exports).
    std::int64_t seconds = 0, nanos = 0;
    bool sawSeconds = false;
    for (auto [key, member] : dom::object(value)) {
        if (is(key, "seconds")) {
            seconds = expectSigned(member, std::string(path) + ".seconds");
            sawSeconds = true;
        } else if (is(key, "nanos")) {
            nanos = expectSigned(member, std::string(path) + ".nanos");
        }
    }
    if (!sawSeconds)
        fail(std::string(path) + ": timestamp object has no 'seconds'");
    if (nanos < 0 || nanos > 999'999'999)
        fail(std::string(path) + ".nanos: " + quotedValue(std::to_string(nanos)) + " is outside 0..999999999");
    // The same range as an RFC 3339 string (kFirstSecond..kLastSecond, model/timestamp.h).
    if (seconds < kFirstSecond || seconds > kLastSecond)
        fail(std::string(path) + ".seconds: " + quotedValue(std::to_string(seconds)) + " is outside years 0001-9999");
    return seconds * kMicrosPerSecond + nanos / 1000;
}

// A repeated string field, also accepted as a single string.
void expectStringList(dom::element value, std::string_view path, std::vector<std::string_view>& out)
{
    if (value.is_null())
        return;
    if (value.is_string()) {
        out.push_back(std::string_view(value));
        return;
    }
    if (!value.is_array())
        failType(path, "a string or an array of strings", value);
    const dom::array array(value);
    if (array.size() > std::numeric_limits<std::uint16_t>::max())
        fail(std::string(path) + ": more than 65535 values");
    for (dom::element item : array)
        out.push_back(expectString(item, path));
}

Direction expectDirection(dom::element value, std::string_view path)
{
    if (value.is_int64() || value.is_uint64()) {
        const std::int64_t number = expectSigned(value, path);
        if (number < 0 || number > 3)
            fail(std::string(path) + ": " + quotedValue(std::to_string(number)) + " is not a network.direction value");
        return static_cast<Direction>(number);
    }
    const std::string_view name = expectString(value, path);
    if (is(name, "OUTBOUND"))
        return Direction::Outbound;
    if (is(name, "INBOUND"))
        return Direction::Inbound;
    if (is(name, "BROADCAST"))
        return Direction::Broadcast;
    if (name.empty() || is(name, "UNKNOWN_DIRECTION"))
        return Direction::Unknown;
    fail(std::string(path) + ": " + quotedValue(name) + " is not a network.direction value");
}

void parseMetadata(dom::element value, EventRecord& event, bool& sawTimestamp)
{
    for (auto [key, member] : expectObject(value, "metadata")) {
        if (is(key, "id")) {
            event.id = expectString(member, "metadata.id");
        } else if (isKey(key, "eventTimestamp", "event_timestamp")) {
            event.timestamp = expectTimestamp(member, "metadata.eventTimestamp");
            sawTimestamp = true;
        } else if (isKey(key, "eventType", "event_type")) {
            event.eventType = expectString(member, "metadata.eventType");
        }
    }
}

void parseProcess(dom::element value, EventRecord& event, std::string& numberText)
{
    for (auto [key, member] : expectObject(value, "principal.process")) {
        if (is(key, "pid")) {
            // process.pid is a string in UDM; some tools write a number, kept here as its decimal text.
            if (member.is_int64() || member.is_uint64()) {
                numberText = std::to_string(expectUnsigned(member, "principal.process.pid"));
                event.processId = numberText;
            } else {
                event.processId = expectString(member, "principal.process.pid");
            }
        } else if (is(key, "file")) {
            for (auto [fileKey, fileMember] : expectObject(member, "principal.process.file"))
                if (isKey(fileKey, "fullPath", "full_path"))
                    event.processPath = expectString(fileMember, "principal.process.file.fullPath");
        }
    }
}

void parsePrincipal(dom::element value, EventRecord& event, std::string& numberText)
{
    for (auto [key, member] : expectObject(value, "principal")) {
        if (is(key, "hostname")) {
            event.principalHostname = expectString(member, "principal.hostname");
        } else if (is(key, "ip")) {
            expectStringList(member, "principal.ip", event.principalIps);
        } else if (is(key, "process")) {
            parseProcess(member, event, numberText);
        } else if (is(key, "user")) {
            for (auto [userKey, userMember] : expectObject(member, "principal.user"))
                if (is(userKey, "userid"))
                    event.user = expectString(userMember, "principal.user.userid");
        }
    }
}

void parseTarget(dom::element value, EventRecord& event)
{
    for (auto [key, member] : expectObject(value, "target")) {
        if (is(key, "hostname")) {
            event.targetHostname = expectString(member, "target.hostname");
        } else if (is(key, "ip")) {
            expectStringList(member, "target.ip", event.targetIps);
        } else if (is(key, "port")) {
            const std::int64_t port = expectSigned(member, "target.port");
            if (port < 0 || port > 65535)
                fail("target.port: " + quotedValue(std::to_string(port)) + " is not a port number");
            event.targetPort = static_cast<std::uint16_t>(port);
        } else if (is(key, "url")) {
            event.url = expectString(member, "target.url");
        }
    }
}

void parseHttp(dom::element value, EventRecord& event)
{
    for (auto [key, member] : expectObject(value, "network.http")) {
        if (isKey(key, "userAgent", "user_agent")) {
            event.userAgent = expectString(member, "network.http.user_agent");
        } else if (isKey(key, "responseCode", "response_code")) {
            const std::int64_t code = expectSigned(member, "network.http.response_code");
            if (code < 0 || code > 999)
                fail("network.http.response_code: " + quotedValue(std::to_string(code)) + " is not an HTTP status");
            event.responseCode = static_cast<std::uint16_t>(code);
        }
    }
}

void parseNetwork(dom::element value, EventRecord& event)
{
    for (auto [key, member] : expectObject(value, "network")) {
        if (is(key, "direction")) {
            event.direction = expectDirection(member, "network.direction");
        } else if (isKey(key, "sentBytes", "sent_bytes")) {
            event.bytesSent = expectUnsigned(member, "network.sentBytes");
            event.bytesSentKnown = true;
        } else if (isKey(key, "receivedBytes", "received_bytes")) {
            event.bytesReceived = expectUnsigned(member, "network.receivedBytes");
            event.bytesReceivedKnown = true;
        } else if (is(key, "http")) {
            parseHttp(member, event);
        }
    }
}

} // namespace

struct UdmJsonParser::Impl
{
    dom::parser parser;
    EventRecord event;
    std::string pidText; // backs event.processId when the pid was a JSON number

    // Reads the fields of a UDM event, or of an envelope item {"name", "udm"} around one, into event.
    // Returns false when the object holds no event fields at all.
    bool readEventFields(dom::object object, std::string_view& name, bool& sawTimestamp)
    {
        bool sawEvent = false;
        for (auto [key, member] : object) {
            if (is(key, "metadata")) {
                parseMetadata(member, event, sawTimestamp);
                sawEvent = true;
            } else if (is(key, "principal")) {
                parsePrincipal(member, event, pidText);
                sawEvent = true;
            } else if (is(key, "target")) {
                parseTarget(member, event);
                sawEvent = true;
            } else if (is(key, "network")) {
                parseNetwork(member, event);
                sawEvent = true;
            } else if (is(key, "udm")) {
                std::string_view ignoredName;
                sawEvent = readEventFields(expectObject(member, "udm"), ignoredName, sawTimestamp) || sawEvent;
            } else if (is(key, "name") && member.is_string()) {
                name = std::string_view(member);
            }
        }
        return sawEvent;
    }

    // Returns why the object is not an event, or nullptr once it went to onEvent. The commonest rejects are
    // returned, not thrown: a flood of "{}" lines spent two thirds of its time unwinding (docs/security.md); a
    // malformed field deeper down still throws FieldError.
    const char* readEvent(dom::object object, const JsonRecordSplitter::Record& record, std::uint64_t element,
        std::uint16_t fileIndex, const EventSink& onEvent)
    {
        event.clear();
        std::string_view name;
        bool sawTimestamp = false;
        if (!readEventFields(object, name, sawTimestamp))
            return "no UDM event fields (metadata, principal, target, network)";
        if (!sawTimestamp)
            return "metadata.eventTimestamp is missing";
        // Without metadata.id, the event resource name identifies it; failing that, the record's own bytes
        // (so the same record exported twice still counts once).
        if (event.id.empty())
            event.id = name;
        if (event.id.empty())
            event.idHash = hashBytes(record.text) ^ mix64(element + 1);
        event.source = { fileIndex, record.line, record.offset };
        onEvent(event);
        return nullptr;
    }
};

UdmJsonParser::UdmJsonParser()
    : m_impl(std::make_unique<Impl>())
{ }

UdmJsonParser::~UdmJsonParser() = default;

void UdmJsonParser::parse(const JsonRecordSplitter::Record& record, std::uint16_t fileIndex, const EventSink& onEvent,
    const RejectSink& onReject)
{
    Impl& impl = *m_impl;
    try {
        // The DOM parser validates the whole record (a syntax error anywhere rejects it) and picks the fastest
        // kernel for this CPU at run time; On-Demand would be bound to the compile-time target instead.
        dom::element root;
        const auto code = impl.parser.parse(record.text.data(), record.text.size(), false).get(root);
        if (code != simdjson::SUCCESS)
            return onReject(record.line, "invalid JSON: " + describeJsonError(code));
        if (!root.is_object())
            return onReject(record.line, "record is " + std::string(jsonTypeName(root.type())) + ", not a JSON object");
        const dom::object object(root);
        // A udmSearch page on one line: each element of "events" is its own event, accepted or rejected alone.
        dom::element events;
        if (object["events"].get(events) == simdjson::SUCCESS && events.is_array()) {
            std::uint64_t index = 0;
            for (dom::element item : dom::array(events)) {
                ++index;
                auto rejectElement = [&](std::string_view reason) {
                    onReject(record.line, "events[" + std::to_string(index - 1) + "]: " + std::string(reason));
                };
                try {
                    if (!item.is_object())
                        rejectElement("expected an event object, got " + std::string(jsonTypeName(item.type())));
                    else if (const char* reason = impl.readEvent(dom::object(item), record, index, fileIndex, onEvent))
                        rejectElement(reason);
                } catch (const FieldError& error) {
                    rejectElement(error.reason);
                }
            }
            return;
        }
        if (const char* reason = impl.readEvent(object, record, 0, fileIndex, onEvent))
            onReject(record.line, reason);
    } catch (const FieldError& error) {
        onReject(record.line, error.reason);
    }
}

} // namespace cepheid
