// libFuzzer target: the record splitter (core/ingest/jsonrecordsplitter) on a whole file, read the way the importer
// reads it: InputStream (plain or gzip), the format probe on the peeked head, then the splitter in whichever mode it
// chooses (line or structural), each record parsed by UdmJsonParser as the importer's reader thread does. An input
// of even size is split with the default record cap, one of odd size with a cap of about half its size.
// Besides ending without a crash, a sanitizer report or a hang, the splitter must cut the file exactly as the
// byte-by-byte scan it replaced does (tests/core/referencejsonsplitter, the oracle of tst_jsonrecordsplitter): the
// same records, lines, offsets, problems and mode. A difference aborts, printing where they part.

#include "fuzzsupport.h"
#include "ingest/inputstream.h"
#include "ingest/jsonrecordsplitter.h"
#include "ingest/udmjsonparser.h"
#include "referencejsonsplitter.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace cepheid;

namespace {

template<class Splitter> test::SplitTrace splitFile(const std::string& path, std::size_t maxRecordBytes)
{
    InputStream input;
    if (!fuzz::openProbed(input, path))
        return {};
    UdmJsonParser parser;
    Splitter splitter(input, maxRecordBytes);
    volatile char sink = 0;
    // The oracle's records are not parsed: its cuts are compared, not what they hold.
    auto parse = [&](const JsonRecordSplitter::Record& record) {
        if constexpr (std::is_same_v<Splitter, JsonRecordSplitter>) {
            // simdjson reads up to kPadding bytes past the record: the splitter promises they are readable.
            if (record.capacity > 0)
                sink = sink + record.text.data()[record.capacity - 1];
            parser.parse(
                record, 0, [&](const EventRecord& event) { sink = sink + static_cast<char>(event.id.size()); },
                [&](std::uint32_t, const std::string& reason) { sink = sink + static_cast<char>(reason.size()); });
        }
    };
    test::SplitTrace trace = test::traceSplit(splitter, std::size_t(-1), parse);
    (void)input.compressedOffset();
    return trace;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::scratchFolder() + "/export.json";
    fuzz::writeWholeFile(path, data, size);
    // An input of odd size is split with a record cap smaller than itself, so that oversized records are cut too
    // (one cap per input: each splitter allocates its 8 MiB buffer, the bulk of an execution's time under ASan).
    const std::size_t cap = size % 2 ? size / 2 + 1 : JsonRecordSplitter::kDefaultMaxRecordBytes;
    const test::SplitTrace actual = splitFile<JsonRecordSplitter>(path, cap);
    const test::SplitTrace expected = splitFile<test::ReferenceJsonRecordSplitter>(path, cap);
    std::remove(path.c_str());
    if (!(actual == expected)) {
        std::fprintf(stderr, "the splitter cuts this input otherwise than the byte-by-byte scan (%zu and %zu told)\n",
            actual.told.size(), expected.told.size());
        for (std::size_t i = 0; i < std::max(actual.told.size(), expected.told.size()); ++i) {
            const std::string got = i < actual.told.size() ? actual.told[i] : "(nothing)";
            const std::string want = i < expected.told.size() ? expected.told[i] : "(nothing)";
            if (got != want) {
                std::fprintf(stderr, "#%zu splitter: %s\n#%zu reference: %s\n", i, got.c_str(), i, want.c_str());
                break;
            }
        }
        std::abort();
    }
    return 0;
}
