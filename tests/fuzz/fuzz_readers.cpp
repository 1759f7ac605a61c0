// libFuzzer target: every format reader (core/ingest/readers.cpp) on a whole file, as the importer reads it: the
// file is probed, and read by the reader detection picks and by one more chosen from the input's size (so that each
// reader also sees input that is not in its format). Events go through the name join and the flow grouping.
// It checks nothing but that this ends without a crash, a sanitizer report or a hang.

#include "fuzzsupport.h"
#include "ingest/formatreader.h"
#include "ingest/inputstream.h"
#include "ingest/readers.h"
#include "model/flowindex.h"
#include "model/namejoin.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

using namespace cepheid;

namespace {

// Keeps the events in a table and touches everything else the reader hands over.
class TableSink final : public RecordSink
{
public:
    explicit TableSink(EventTable& table)
        : m_table(table)
    { }
    void event(const EventRecord& event) override
    {
        if (m_table.size() < 100000)
            m_table.append(event);
    }
    void reject(std::uint64_t line, std::string reason, std::string_view excerpt) override
    {
        m_touched = m_touched + line + reason.size() + excerpt.size();
    }
    void skip(std::string_view kind) override { m_touched = m_touched + kind.size(); }
    bool recordDone(std::uint64_t line, std::uint64_t offset, std::string_view text) override
    {
        m_touched = m_touched + line + offset + text.size();
        return true;
    }

private:
    EventTable& m_table;
    volatile std::uint64_t m_touched = 0;
};

void readWith(const FormatReader& reader, const std::string& path, std::size_t maxRecordBytes)
{
    InputStream input;
    if (!input.open(path))
        return;
    if (!input.peek(64 * 1024))
        return;
    EventTable table;
    TableSink sink(table);
    (void)reader.read(input, sink, ReadSettings { 0, maxRecordBytes });
    (void)joinNames(table);
    (void)FlowIndex::build(table);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::scratchFolder() + "/export";
    fuzz::writeWholeFile(path, data, size);
    const std::size_t maxRecordBytes = size % 2 ? size / 2 + 1 : 1u << 20;
    InputStream input;
    if (input.open(path)) {
        if (const auto head = input.peek(64 * 1024)) {
            const DetectedFormat detected = detectFormat(*head);
            if (detected.reader)
                readWith(*detected.reader, path, maxRecordBytes);
        }
    }
    const auto readers = formatReaders();
    readWith(*readers[size % readers.size()], path, maxRecordBytes);
    std::remove(path.c_str());
    return 0;
}
