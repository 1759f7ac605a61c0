#include "formatreader.h"

#include <algorithm>

namespace cepheid {

namespace {
// The splitter's buffer is about twice the record cap: a cap beyond 1 GiB would ask for more than any import needs,
// whatever a setting says.
constexpr std::uint64_t kMaxRecordBytesSupported = 1ull << 30;
} // namespace

std::unique_ptr<JsonRecordSplitter> JsonRecordReader::recordSplitter(
    InputStream& input, const ReadSettings& settings) const
{
    const auto maxRecordBytes = static_cast<std::size_t>(std::min(settings.maxRecordBytes, kMaxRecordBytesSupported));
    if (!m_envelopeKeys)
        return std::make_unique<JsonRecordSplitter>(input, maxRecordBytes);
    return std::make_unique<JsonRecordSplitter>(input, maxRecordBytes, *m_envelopeKeys);
}

ReadResult JsonRecordReader::read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const
{
    const auto splitter = recordSplitter(input, settings);
    const auto parser = recordParser(settings);
    ReadResult result;
    result.complete = splitter->run(
        [&](const JsonRecordSplitter::Record& record) {
            parser->parse(record, sink);
            return sink.recordDone(record.line, record.offset, record.text);
        },
        [&](std::uint64_t line, std::string reason) { sink.reject(line, std::move(reason)); });
    result.layout = splitter->mode() == JsonRecordSplitter::Mode::Lines ? "ndjson" : "json";
    return result;
}

} // namespace cepheid
