#pragma once

#include <simdjson.h>
#include <string>
#include <string_view>

namespace cepheid {

// "an array", "a string", …: how error messages name the JSON value a reader found instead of the one it expected.
inline std::string_view jsonTypeName(simdjson::dom::element_type type)
{
    switch (type) {
    case simdjson::dom::element_type::ARRAY:
        return "an array";
    case simdjson::dom::element_type::OBJECT:
        return "an object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
        return "a number";
    case simdjson::dom::element_type::STRING:
        return "a string";
    case simdjson::dom::element_type::BOOL:
        return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
        return "null";
    }
    return "an unknown value";
}

// simdjson's messages, said the way an analyst needs them.
inline std::string describeJsonError(simdjson::error_code code)
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

} // namespace cepheid
