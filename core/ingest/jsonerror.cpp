#include "jsonerror.h"

namespace cepheid {

std::string describeJsonError(simdjson::error_code code)
{
    switch (code) {
    case simdjson::UTF8_ERROR:
        return "text is not valid UTF-8";
    case simdjson::NUMBER_ERROR:
        return "a number is malformed or does not fit in 64 bits";
    case simdjson::UNCLOSED_STRING:
        return "a string is not closed (truncated record?)";
    case simdjson::TAPE_ERROR:
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
        return "brackets or commas do not balance (truncated record?)";
    case simdjson::STRING_ERROR:
        return "a string has an invalid escape";
    case simdjson::UNESCAPED_CHARS:
        return "a string contains an unescaped control character";
    case simdjson::DEPTH_ERROR:
        return "nested too deeply";
    default:
        return simdjson::error_message(code);
    }
}

void DomRecordParser::parse(const JsonRecordSplitter::Record& record, RecordSink& sink)
{
    simdjson::dom::element root;
    if (const auto code = m_parser.parse(record.text.data(), record.text.size(), false).get(root)) {
        sink.reject(record.line, "invalid JSON: " + describeJsonError(code), record.text.substr(0, kExcerptBytes));
        return;
    }
    read(root, record, sink);
}

} // namespace cepheid
