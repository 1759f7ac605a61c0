#pragma once

#include <simdjson.h>
#include <string>

namespace cepheid {

// simdjson's error codes, said the way an analyst needs them; every JSON reader rejects a record with
// "invalid JSON: " + this.
std::string describeJsonError(simdjson::error_code code);

} // namespace cepheid
