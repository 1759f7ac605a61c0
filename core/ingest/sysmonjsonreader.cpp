// Sysmon as JSON: Winlogbeat and Elastic Agent (ECS, before and after Elastic's ingest pipeline) and flat NXLog /
// OTRF lines, NDJSON or arrays (docs/formats/sysmon.md).

#include "formatreader.h"
#include "jsonerror.h"
#include "jsonrecordsplitter.h"
#include "sysmonevent.h"
#include "util/jsontypename.h"

#include <memory>
#include <optional>
#include <simdjson.h>

namespace cepheid {

namespace {

namespace dom = simdjson::dom;

// Calls visit(key, value) for each member of the records in `head`: the objects of NDJSON lines or of a top-level
// array, not the objects nested in them (a UDM event's additional fields may hold a "Channel" too). `value` is the
// text after the key's ':'. A line cut short (a damaged record, a string broken by a line end) does not hide the
// lines after it.
template<class Visit> void forEachRecordMember(std::string_view head, Visit visit)
{
    constexpr std::string_view kSpace = " \t\r\n";
    std::string containers; // the open '{' and '[', outermost first
    bool inString = false, escaped = false;
    std::size_t stringStart = 0;
    char lastToken = '\0';
    for (std::size_t i = 0; i < head.size(); ++i) {
        const char c = head[i];
        if (c == '\n') {
            const std::size_t next = head.find_first_not_of(kSpace, i);
            // JSON strings hold no line end; a line that closed a value and did not balance was damaged.
            if (inString || (next != std::string_view::npos && head[next] == '{' && lastToken == '}')) {
                containers.clear();
                inString = false;
            }
        }
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"') {
                inString = false;
                lastToken = c;
                const std::size_t colon = head.find_first_not_of(kSpace, i + 1);
                if ((containers == "{" || containers == "[{") && colon != std::string_view::npos
                    && head[colon] == ':') {
                    const std::size_t value = std::min(head.find_first_not_of(kSpace, colon + 1), head.size());
                    visit(head.substr(stringStart, i - stringStart), head.substr(value));
                }
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            stringStart = i + 1;
        } else if (c == '{' || c == '[') {
            containers.push_back(c);
        } else if ((c == '}' || c == ']') && !containers.empty()) {
            containers.pop_back();
        }
        if (kSpace.find(c) == std::string_view::npos)
            lastToken = c;
    }
}

// The top-level keys of a flat record (NXLog, OTRF) that are not EventData names.
std::optional<SysmonField> flatEnvelopeField(std::string_view key)
{
    if (key == "EventID")
        return SysmonField::EventId;
    if (key == "Channel")
        return SysmonField::Channel;
    if (key == "SourceName" || key == "ProviderName")
        return SysmonField::Provider;
    if (key == "Hostname" || key == "Computer")
        return SysmonField::Computer;
    if (key == "RecordNumber" || key == "EventRecordID")
        return SysmonField::RecordId;
    if (key == "TimeCreated")
        return SysmonField::SystemTime;
    if (key == "Message")
        return SysmonField::Message;
    return std::nullopt;
}

// A member of an object, if both are there (simdjson's default element is not a value to ask about).
using Value = std::optional<dom::element>;

Value member(const Value& object, std::string_view key)
{
    dom::element value;
    if (!object || !object->is_object() || dom::object(*object)[key].get(value) != simdjson::SUCCESS)
        return std::nullopt;
    return value;
}

bool isObject(const Value& value)
{
    return value && value->is_object();
}

bool isArray(const Value& value)
{
    return value && value->is_array();
}

std::string_view stringOf(const Value& value)
{
    return value && value->is_string() ? std::string_view(*value) : std::string_view {};
}

class SysmonJsonRecords final : public DomRecordParser
{
public:
    explicit SysmonJsonRecords(std::uint16_t fileIndex)
        : m_mapper(fileIndex)
    { }

private:
    void read(dom::element root, const JsonRecordSplitter::Record& record, RecordSink& sink) override
    {
        if (!root.is_object())
            return sink.reject(record.line,
                "record is " + std::string(jsonTypeName(root.type())) + ", not a JSON object",
                record.text.substr(0, kExcerptBytes));
        m_event.clear();
        if (const Value winlog = member(root, "winlog"); isObject(winlog))
            readEcs(root, winlog);
        else
            readFlat(dom::object(root));
        m_mapper.map(m_event, record.text, record.line, record.offset, sink);
    }

private:
    // A value as text: a string as it is, an integer written out (EventID, RecordNumber and process.pid are numbers
    // in some shippers); anything else is no value.
    std::string_view text(const Value& value, SysmonField field)
    {
        if (!value)
            return {};
        std::string& number = m_numbers[static_cast<std::size_t>(field)];
        switch (value->type()) {
        case dom::element_type::STRING:
            return std::string_view(*value);
        case dom::element_type::INT64:
            number = std::to_string(std::int64_t(*value));
            return number;
        case dom::element_type::UINT64:
            number = std::to_string(std::uint64_t(*value));
            return number;
        default:
            return {};
        }
    }
    void set(SysmonField field, const Value& value) { m_event[field] = text(value, field); }
    // ECS fields fill only what the raw event data did not say.
    void fallback(SysmonField field, const Value& value)
    {
        if (m_event[field].empty())
            set(field, value);
    }

    // NXLog and OTRF: the envelope and the EventData fields are top-level keys ("EventID", "Channel",
    // "DestinationIp"…). NXLog's "ProcessID" (the Sysmon service) is not Sysmon's "ProcessId": keys match exactly.
    void readFlat(dom::object object)
    {
        Value timestamp;
        for (auto [key, value] : object) {
            if (const auto field = sysmonEventDataField(key))
                set(*field, value);
            else if (const auto envelope = flatEnvelopeField(key))
                set(*envelope, value);
            else if (key == "@timestamp")
                timestamp = value;
        }
        fallback(SysmonField::SystemTime, timestamp);
    }

    // Winlogbeat: winlog.{event_id, channel, provider_name, computer_name, record_id, event_data.<Sysmon field>};
    // after Elastic's ingest pipeline, the ECS fields it fills.
    void readEcs(const Value& root, const Value& winlog)
    {
        set(SysmonField::EventId, member(winlog, "event_id"));
        set(SysmonField::Channel, member(winlog, "channel"));
        set(SysmonField::Provider, member(winlog, "provider_name"));
        set(SysmonField::Computer, member(winlog, "computer_name"));
        set(SysmonField::RecordId, member(winlog, "record_id"));
        if (const Value data = member(winlog, "event_data"); isObject(data))
            for (auto [key, value] : dom::object(*data))
                if (const auto field = sysmonEventDataField(key))
                    set(*field, value);

        fallback(SysmonField::SystemTime, member(root, "@timestamp"));
        fallback(SysmonField::EventId, member(member(root, "event"), "code"));
        const Value host = member(root, "host");
        fallback(SysmonField::Computer, member(host, "name"));
        fallback(SysmonField::Computer, member(host, "hostname"));
        const Value process = member(root, "process");
        fallback(SysmonField::Image, member(process, "executable"));
        fallback(SysmonField::ProcessId, member(process, "pid"));
        fallback(SysmonField::ProcessGuid, member(process, "entity_id"));
        fallback(SysmonField::SourceIp, member(member(root, "source"), "ip"));
        const Value destination = member(root, "destination");
        fallback(SysmonField::DestinationIp, member(destination, "ip"));
        fallback(SysmonField::DestinationPort, member(destination, "port"));
        fallback(SysmonField::DestinationHostname, member(destination, "domain"));
        if (m_event[SysmonField::Initiated].empty()) {
            const std::string_view said = stringOf(member(member(root, "network"), "direction"));
            if (said == "egress" || said == "outbound")
                m_event[SysmonField::Initiated] = "true";
            else if (said == "ingress" || said == "inbound")
                m_event[SysmonField::Initiated] = "false";
        }
        const Value dns = member(root, "dns");
        fallback(SysmonField::QueryName, member(member(dns, "question"), "name"));
        readAnswers(dns);
        if (m_event[SysmonField::User].empty()) {
            const Value user = member(root, "user");
            const std::string_view name = stringOf(member(user, "name")), domain = stringOf(member(user, "domain"));
            if (!name.empty()) {
                m_user = domain.empty() ? std::string() : std::string(domain) + "\\";
                m_user += name;
                m_event[SysmonField::User] = m_user;
            }
        }
        fallback(SysmonField::Message, member(root, "message"));
    }

    // dns.resolved_ip (the ingest pipeline), else dns.answers of type A or AAAA, else dns.grouped.ip (older
    // Winlogbeat processors).
    void readAnswers(const Value& dns)
    {
        const auto addStrings = [&](const Value& list) {
            if (isArray(list))
                for (dom::element item : dom::array(*list))
                    if (item.is_string())
                        m_event.answerAddresses.push_back(std::string_view(item));
        };
        addStrings(member(dns, "resolved_ip"));
        if (const Value answers = member(dns, "answers"); m_event.answerAddresses.empty() && isArray(answers))
            for (dom::element answer : dom::array(*answers)) {
                const std::string_view type = stringOf(member(answer, "type"));
                const std::string_view data = stringOf(member(answer, "data"));
                if (!data.empty() && (type == "A" || type == "AAAA"))
                    m_event.answerAddresses.push_back(data);
            }
        if (m_event.answerAddresses.empty())
            addStrings(member(member(dns, "grouped"), "ip"));
    }

    SysmonEvent m_event;
    SysmonEventMapper m_mapper;
    std::array<std::string, kSysmonFieldCount> m_numbers;
    std::string m_user;
};

class SysmonJsonReader final : public JsonRecordReader
{
public:
    std::string_view name() const override { return "sysmon-json"; }

    // Any line of the head naming the Sysmon log, a Winlogbeat "winlog" object, or a flat Windows event (EventID and
    // Channel keys, whatever the log: other logs' records are counted as skipped). Outranks the UDM reader, which
    // takes any JSON; a UDM event's productName "Microsoft-Windows-Sysmon" is none of these.
    int sniff(std::string_view head) const override
    {
        if (head.front() != '{' && head.front() != '[')
            return 0;
        bool sysmon = false, winlogbeat = false, eventId = false, channel = false;
        forEachRecordMember(head, [&](std::string_view key, std::string_view value) {
            const bool namesSysmon = value.starts_with("\"Microsoft-Windows-Sysmon");
            sysmon = sysmon || ((key == "Channel" || key == "SourceName") && namesSysmon);
            winlogbeat = winlogbeat || (key == "winlog" && value.starts_with('{'));
            eventId = eventId || key == "EventID";
            channel = channel || (key == "Channel" && value.starts_with('"'));
        });
        const bool flatWindowsEvent = eventId && channel;
        return sysmon || winlogbeat || flatWindowsEvent ? kSniffSpecific : 0;
    }

    std::unique_ptr<RecordParser> recordParser(const ReadSettings& settings) const override
    {
        return std::make_unique<SysmonJsonRecords>(settings.fileIndex);
    }
};

} // namespace

std::unique_ptr<FormatReader> makeSysmonJsonReader()
{
    return std::make_unique<SysmonJsonReader>();
}

} // namespace cepheid
