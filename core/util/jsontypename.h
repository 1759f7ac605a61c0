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

} // namespace cepheid
