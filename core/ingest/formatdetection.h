#pragma once

#include <string>
#include <string_view>

namespace cepheid {

enum class InputFormat { ChronicleUdmJson, Empty, Unrecognised };

std::string_view formatName(InputFormat format);

struct DetectedFormat
{
    InputFormat format = InputFormat::Unrecognised;
    std::string explanation; // for Unrecognised: what the file looks like instead
};

// Decides from the first bytes of the (decompressed) file. Only formats Cepheid reads are accepted; anything
// else is named as well as we can, so the analyst knows which export to make instead.
DetectedFormat detectFormat(std::string_view head);

} // namespace cepheid
