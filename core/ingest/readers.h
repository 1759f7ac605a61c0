#pragma once

#include "formatreader.h"

#include <span>
#include <string>
#include <string_view>

namespace cepheid {

// Every format Cepheid reads, in the order they were registered (readers.cpp).
std::span<const FormatReader* const> formatReaders();
// The reader of that name, or null.
const FormatReader* findFormatReader(std::string_view name);

inline constexpr std::string_view kEmptyFormat = "empty"; // the format recorded for a file with no content

struct DetectedFormat
{
    const FormatReader* reader = nullptr; // null: empty or unrecognised
    bool empty = false; // nothing but whitespace (and a byte-order mark)
    std::string explanation; // unrecognised: what the file looks like instead, and what Cepheid reads
};

// Decides from the first bytes of the (decompressed) file: the reader whose sniff() is surest. Anything no
// reader takes is named as well as we can (UTF-16, XML, EVTX, an SQLite file…), so the analyst knows which export
// to make instead.
DetectedFormat detectFormat(std::string_view head);
// The same among `readers` (tests).
DetectedFormat detectFormat(std::string_view head, std::span<const FormatReader* const> readers);

} // namespace cepheid
