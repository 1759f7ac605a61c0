// libFuzzer target: the UDM parser (core/ingest/udmjsonparser) on one record, as the splitter hands it over: the
// bytes followed by JsonRecordSplitter::kPadding readable bytes (simdjson reads past the end), in an allocation of
// exactly that size so a read beyond the padding is an AddressSanitizer report. Events go through EventBatch into
// an EventTable as the importer sends them. It checks nothing but that this ends without a crash, a sanitizer
// report or a hang; a reject is an ordinary outcome.

#include "ingest/eventbatch.h"
#include "ingest/jsonrecordsplitter.h"
#include "ingest/udmjsonparser.h"
#include "model/eventtable.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

using namespace cepheid;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::size_t padded = size + JsonRecordSplitter::kPadding;
    const std::unique_ptr<char[]> buffer(new char[padded]);
    if (size > 0)
        std::memcpy(buffer.get(), data, size);
    std::memset(buffer.get() + size, 0, JsonRecordSplitter::kPadding);

    JsonRecordSplitter::Record record;
    record.text = std::string_view(buffer.get(), size);
    record.capacity = padded;
    record.line = 7;
    record.offset = 1234;

    static UdmJsonParser parser; // one parser for every record, as the importer's reader thread keeps one
    EventBatch batch;
    parser.parse(
        record, 3, [&](const EventRecord& event) { batch.add(event); },
        [&](std::uint32_t line, std::string reason) {
            batch.addReject(line, std::move(reason), std::string(record.text.substr(0, 200)));
        });
    if (batch.eventCount() > 0)
        batch.addRaw(record.line, record.offset, record.text);

    EventTable table;
    table.appendFrom(batch.events(), 0, static_cast<EventIndex>(batch.eventCount()));
    return 0;
}
