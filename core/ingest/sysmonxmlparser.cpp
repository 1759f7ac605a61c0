#include "sysmonxmlparser.h"

#include "formatreader.h"

#include <climits>
#include <expat.h>
#include <optional>
#include <random>

namespace cepheid {

namespace {

std::string_view localName(const XML_Char* name)
{
    const std::string_view qualified(name);
    const std::size_t colon = qualified.rfind(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

const XML_Char* attribute(const XML_Char** attributes, std::string_view wanted)
{
    for (std::size_t i = 0; attributes[i]; i += 2)
        if (localName(attributes[i]) == wanted)
            return attributes[i + 1];
    return nullptr;
}

} // namespace

struct SysmonXmlParser::Impl
{
    enum class Section : std::uint8_t { Other, System, EventData };
    struct Span
    {
        std::size_t begin = 0, size = 0;
    };

    XML_Parser parser = nullptr;
    unsigned long hashSalt = 0;
    std::string values; // every value read, end to end; views are taken once the element is parsed
    std::array<std::optional<Span>, kSysmonFieldCount> spans;
    int depth = 0;
    Section section = Section::Other;
    std::optional<SysmonField> capturing;
    int captureDepth = 0;
    std::size_t captureBegin = 0;
    std::string rootError;

    ~Impl()
    {
        if (parser)
            XML_ParserFree(parser);
    }

    void setValue(SysmonField field, const XML_Char* value)
    {
        if (!value)
            return;
        const std::size_t begin = values.size();
        values.append(value);
        spans[static_cast<std::size_t>(field)] = Span { begin, values.size() - begin };
    }

    void capture(SysmonField field)
    {
        capturing = field;
        captureDepth = depth;
        captureBegin = values.size();
    }

    void startElement(const XML_Char* qualifiedName, const XML_Char** attributes)
    {
        ++depth;
        const std::string_view name = localName(qualifiedName);
        if (depth == 1) {
            if (name != "Event") {
                rootError = "the element is <" + std::string(name.substr(0, 40)) + ">, not <Event>";
                XML_StopParser(parser, XML_FALSE);
            }
        } else if (depth == 2) {
            section = name == "System" ? Section::System : name == "EventData" ? Section::EventData : Section::Other;
        } else if (depth == 3 && section == Section::System) {
            if (name == "Provider")
                setValue(SysmonField::Provider, attribute(attributes, "Name"));
            else if (name == "TimeCreated")
                setValue(SysmonField::SystemTime, attribute(attributes, "SystemTime"));
            else if (name == "EventID")
                capture(SysmonField::EventId);
            else if (name == "EventRecordID")
                capture(SysmonField::RecordId);
            else if (name == "Channel")
                capture(SysmonField::Channel);
            else if (name == "Computer")
                capture(SysmonField::Computer);
        } else if (depth == 3 && section == Section::EventData && name == "Data") {
            if (const XML_Char* dataName = attribute(attributes, "Name"))
                if (const auto field = sysmonEventDataField(dataName))
                    capture(*field);
        }
    }

    void endElement()
    {
        if (capturing && depth == captureDepth) {
            spans[static_cast<std::size_t>(*capturing)] = Span { captureBegin, values.size() - captureBegin };
            capturing.reset();
        }
        if (--depth == 1)
            section = Section::Other;
    }

    static void XMLCALL onStart(void* data, const XML_Char* name, const XML_Char** attributes)
    {
        static_cast<Impl*>(data)->startElement(name, attributes);
    }
    static void XMLCALL onEnd(void* data, const XML_Char*) { static_cast<Impl*>(data)->endElement(); }
    static void XMLCALL onText(void* data, const XML_Char* text, int length)
    {
        auto* impl = static_cast<Impl*>(data);
        if (impl->capturing)
            impl->values.append(text, static_cast<std::size_t>(length));
    }
};

SysmonXmlParser::SysmonXmlParser()
    : m_impl(std::make_unique<Impl>())
{ }

SysmonXmlParser::~SysmonXmlParser() = default;

std::string SysmonXmlParser::parse(std::string_view xml, SysmonEvent& event)
{
    Impl& impl = *m_impl;
    impl.values.clear();
    impl.spans = {};
    impl.depth = 0;
    impl.section = Impl::Section::Other;
    impl.capturing.reset();
    impl.rootError.clear();
    // The stream is UTF-8 whatever the file's declaration said (InputStream converted UTF-16, libevtx writes UTF-8),
    // and each element is parsed without it.
    if (!impl.parser) {
        impl.parser = XML_ParserCreate("UTF-8");
        if (!impl.parser)
            throw std::bad_alloc();
        // One random salt for the parser's hash tables, kept across resets: expat would otherwise gather entropy
        // for every record (a tenth of the XML reader's time).
        std::random_device entropy;
        impl.hashSalt = (static_cast<unsigned long>(entropy()) << 1) | 1;
    } else {
        XML_ParserReset(impl.parser, "UTF-8");
    }
    XML_SetHashSalt(impl.parser, impl.hashSalt);
    XML_SetUserData(impl.parser, &impl);
    XML_SetElementHandler(impl.parser, &Impl::onStart, &Impl::onEnd);
    XML_SetCharacterDataHandler(impl.parser, &Impl::onText);
    if (xml.size() > static_cast<std::size_t>(INT_MAX))
        return "the element is longer than 2 GiB";
    const XML_Status status = XML_Parse(impl.parser, xml.data(), static_cast<int>(xml.size()), XML_TRUE);
    if (!impl.rootError.empty())
        return impl.rootError;
    if (status != XML_STATUS_OK)
        return "invalid XML (line " + std::to_string(XML_GetCurrentLineNumber(impl.parser)) + ", column "
            + std::to_string(XML_GetCurrentColumnNumber(impl.parser))
            + " of the record): " + XML_ErrorString(XML_GetErrorCode(impl.parser));
    event.clear();
    for (std::size_t i = 0; i < kSysmonFieldCount; ++i)
        if (impl.spans[i])
            event.fields[i] = std::string_view(impl.values).substr(impl.spans[i]->begin, impl.spans[i]->size);
    return {};
}

void SysmonXmlRecordMapper::map(std::string_view xml, std::uint64_t line, std::uint64_t offset, RecordSink& sink)
{
    if (std::string reason = m_parser.parse(xml, m_event); !reason.empty())
        sink.reject(line, std::move(reason), xml.substr(0, kExcerptBytes));
    else
        m_mapper.map(m_event, xml, line, offset, sink);
}

} // namespace cepheid
