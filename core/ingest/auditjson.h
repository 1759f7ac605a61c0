#pragma once

// What the four cloud audit readers share (docs/cloud-audit.md): an export cut into records with the reader's
// envelope keys, each record parsed with simdjson and mapped by the reader into one audit event, a skip of a kind
// Cepheid does not read (an S3 call in CloudTrail), or a reject naming what is wrong.

#include "formatreader.h"
#include "model/cloudaudit.h"
#include "tuning/textmatcher.h"

#include <array>
#include <optional>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// One audit record being mapped: the event and its cloud details, and room for the texts a mapper builds (a derived
// endpoint, a name cut from an ARN) so their views stay valid until the event is delivered.
struct AuditEvent
{
    EventRecord event;
    CloudAuditRecord cloud;
    std::array<std::string, 6> built;
    std::size_t nextBuilt = 0;

    // Keeps `text` for the event and returns a view of the kept copy.
    std::string_view keep(std::string text);
};

struct AuditOutcome
{
    enum class Kind { Event, Skip, Reject };
    Kind kind = Kind::Event;
    std::string text; // Skip: the kind counted; Reject: the reason

    static AuditOutcome skip(std::string kind) { return { Kind::Skip, std::move(kind) }; }
    static AuditOutcome reject(std::string reason) { return { Kind::Reject, std::move(reason) }; }
};

// Maps one record (a JSON object). Must set the event's timestamp, and may leave anything else empty.
using AuditMapper = AuditOutcome (*)(simdjson::dom::element record, AuditEvent& out);

// The four audit readers' base. Reads its input as JSON records (a file per line, an array, or an envelope holding
// the array under one of `envelopeKeys`; a record that is itself such an envelope or an array is opened too) and maps
// each object with `mapper`; records parse independently, so on several threads (FormatReader::recordParser).
class AuditJsonReader : public JsonRecordReader
{
public:
    AuditJsonReader(std::vector<std::string> envelopeKeys, AuditMapper mapper)
        : JsonRecordReader(envelopeKeys)
        , m_envelopeKeys(std::move(envelopeKeys))
        , m_mapper(mapper)
    { }

    std::unique_ptr<RecordParser> recordParser(const ReadSettings& settings) const final;

private:
    std::vector<std::string> m_envelopeKeys;
    AuditMapper m_mapper;
};

// Field access by JSON pointer ("/protoPayload/methodName"): the string there, or empty when it is absent or not a
// string.
std::string_view jsonText(simdjson::dom::element element, std::string_view pointer);
// The value there as text when it is a string or a number (written into `scratch`), else empty.
std::string_view jsonScalarText(simdjson::dom::element element, std::string_view pointer, std::string& scratch);
// A time as RFC 3339 text, or as a number of seconds, milliseconds, microseconds or nanoseconds since the epoch
// (told apart by magnitude: Cloudflare's Logpush writes any of them).
std::optional<TimestampUs> jsonTime(simdjson::dom::element element, std::string_view pointer);
// Whether a value is present at all (a null counts as absent).
bool jsonHas(simdjson::dom::element element, std::string_view pointer);

// The last part of `text` after `separator` ("arn:…:function:name" → "name"), the whole text when there is none.
std::string_view lastPart(std::string_view text, char separator);

} // namespace cepheid
