#include "auditjson.h"

#include "jsonerror.h"
#include "jsonrecordsplitter.h"

#include <algorithm>
#include <cmath>

namespace cepheid {

namespace dom = simdjson::dom;

std::string_view AuditEvent::keep(std::string text)
{
    // Six slots cover every mapper; past them the last slot is reused, which a mapper's tests would show.
    std::string& slot = built[std::min(nextBuilt++, built.size() - 1)];
    slot = std::move(text);
    return slot;
}

std::string_view jsonText(dom::element element, std::string_view pointer)
{
    std::string_view text;
    if (element.at_pointer(pointer).get(text) != simdjson::SUCCESS)
        return {};
    return text;
}

std::string_view jsonScalarText(dom::element element, std::string_view pointer, std::string& scratch)
{
    dom::element value;
    if (element.at_pointer(pointer).get(value) != simdjson::SUCCESS)
        return {};
    if (value.is_string())
        return std::string_view(value);
    if (value.is_int64())
        return scratch = std::to_string(std::int64_t(value));
    if (value.is_uint64())
        return scratch = std::to_string(std::uint64_t(value));
    if (value.is_bool())
        return bool(value) ? "true" : "false";
    return {};
}

bool jsonHas(dom::element element, std::string_view pointer)
{
    dom::element value;
    return element.at_pointer(pointer).get(value) == simdjson::SUCCESS && !value.is_null();
}

std::optional<TimestampUs> jsonTime(dom::element element, std::string_view pointer)
{
    dom::element value;
    if (element.at_pointer(pointer).get(value) != simdjson::SUCCESS)
        return std::nullopt;
    if (value.is_string())
        return parseRfc3339(std::string_view(value));
    double number = 0;
    if (value.is_int64())
        number = static_cast<double>(std::int64_t(value));
    else if (value.is_uint64())
        number = static_cast<double>(std::uint64_t(value));
    else if (value.is_double())
        number = double(value);
    else
        return std::nullopt;
    if (!(number > 0) || !std::isfinite(number))
        return std::nullopt;
    // Seconds until 5138, then milliseconds, microseconds, nanoseconds.
    const double micros = number < 1e11 ? number * 1e6
        : number < 1e14                 ? number * 1e3
        : number < 1e17                 ? number
                                        : number / 1e3;
    const auto time = static_cast<TimestampUs>(std::llround(micros));
    if (!isRepresentable(time))
        return std::nullopt;
    return time;
}

std::string_view lastPart(std::string_view text, char separator)
{
    const std::size_t at = text.rfind(separator);
    return at == std::string_view::npos ? text : text.substr(at + 1);
}

namespace {

class AuditRecordParser final : public DomRecordParser
{
public:
    AuditRecordParser(std::uint16_t fileIndex, const std::vector<std::string>& envelopeKeys, AuditMapper mapper)
        : m_fileIndex(fileIndex)
        , m_envelopeKeys(envelopeKeys)
        , m_mapper(mapper)
    { }

private:
    void read(dom::element root, const JsonRecordSplitter::Record& record, RecordSink& sink) override
    {
        // A record that is itself a page (one envelope per line) or an array holds the records.
        dom::array rows;
        bool isPage = root.get(rows) == simdjson::SUCCESS;
        for (std::size_t i = 0; !isPage && i < m_envelopeKeys.size(); ++i)
            isPage = root[m_envelopeKeys[i]].get(rows) == simdjson::SUCCESS;
        if (isPage) {
            for (dom::element row : rows)
                one(row, record, sink);
        } else {
            one(root, record, sink);
        }
    }

    void one(dom::element element, const JsonRecordSplitter::Record& record, RecordSink& sink)
    {
        const std::string_view excerpt = record.text.substr(0, kExcerptBytes);
        if (!element.is_object()) {
            sink.reject(record.line, "an audit record is not a JSON object", excerpt);
            return;
        }
        m_mapped.event.clear();
        m_mapped.cloud = {};
        m_mapped.nextBuilt = 0;
        const AuditOutcome outcome = m_mapper(element, m_mapped);
        switch (outcome.kind) {
        case AuditOutcome::Kind::Skip:
            sink.skip(outcome.text);
            return;
        case AuditOutcome::Kind::Reject:
            sink.reject(record.line, outcome.text, excerpt);
            return;
        case AuditOutcome::Kind::Event:
            break;
        }
        m_mapped.event.role = EventRole::CloudAudit;
        m_mapped.event.cloud = &m_mapped.cloud;
        if (!m_mapped.event.targetHostname.empty())
            m_mapped.event.hostnameSource = HostnameSource::Record;
        m_mapped.event.source = { m_fileIndex, record.line, record.offset };
        sink.event(m_mapped.event);
    }

    std::uint16_t m_fileIndex;
    const std::vector<std::string>& m_envelopeKeys;
    AuditMapper m_mapper;
    AuditEvent m_mapped;
};

} // namespace

std::unique_ptr<RecordParser> AuditJsonReader::recordParser(const ReadSettings& settings) const
{
    return std::make_unique<AuditRecordParser>(settings.fileIndex, m_envelopeKeys, m_mapper);
}

} // namespace cepheid
