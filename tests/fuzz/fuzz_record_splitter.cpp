// libFuzzer target: the record splitter (core/ingest/jsonrecordsplitter) on a whole file, read the way the importer
// reads it: InputStream (plain or gzip), the format probe on the peeked head, then the splitter in whichever mode it
// chooses (line or structural), each record parsed by UdmJsonParser as the importer's reader thread does. An input
// of even size is split with the default record cap, one of odd size with a cap of about half its size.
// It checks nothing but that this ends without a crash, a sanitizer report or a hang.

#include "fuzzsupport.h"
#include "ingest/inputstream.h"
#include "ingest/jsonrecordsplitter.h"
#include "ingest/udmjsonparser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

using namespace cepheid;

namespace {

void splitFile(const std::string& path, std::size_t maxRecordBytes)
{
    InputStream input;
    if (!fuzz::openProbed(input, path))
        return;
    UdmJsonParser parser;
    JsonRecordSplitter splitter(input, maxRecordBytes);
    volatile char sink = 0;
    splitter.run(
        [&](const JsonRecordSplitter::Record& record) {
            // simdjson reads up to kPadding bytes past the record: the splitter promises they are readable.
            if (record.capacity > 0)
                sink = sink + record.text.data()[record.capacity - 1];
            parser.parse(
                record, 0, [&](const EventRecord& event) { sink = sink + static_cast<char>(event.id.size()); },
                [&](std::uint32_t, const std::string& reason) { sink = sink + static_cast<char>(reason.size()); });
            return true;
        },
        [&](std::uint32_t, const std::string& reason) { sink = sink + static_cast<char>(reason.size()); });
    (void)splitter.mode();
    (void)input.compressedOffset();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::scratchFolder() + "/export.json";
    fuzz::writeWholeFile(path, data, size);
    // An input of odd size is split with a record cap smaller than itself, so that oversized records are cut too
    // (one split per input: each splitter allocates its 8 MiB buffer, the bulk of an execution's time under ASan).
    splitFile(path, size % 2 ? size / 2 + 1 : JsonRecordSplitter::kDefaultMaxRecordBytes);
    std::remove(path.c_str());
    return 0;
}
