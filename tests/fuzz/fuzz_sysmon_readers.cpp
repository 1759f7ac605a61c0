// libFuzzer target: the Sysmon readers (core/ingest/sysmon*, xmleventsplitter) on a whole file, read the way the
// importer reads it: InputStream (plain or gzip), then each reader over the whole stream: sysmon-xml (the element
// splitter, expat, the mapping) and sysmon-json (the record splitter, simdjson, the mapping) whatever the bytes, and
// sysmon-evtx (libevtx through a path) when they start with its magic. An input of even size is read with the
// default record cap, one of odd size with a cap of about half its size. It checks nothing but that this ends
// without a crash, a sanitizer report or a hang.

#include "fuzzsupport.h"
#include "ingest/formatreader.h"
#include "ingest/inputstream.h"
#include "ingest/readers.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

using namespace cepheid;

namespace {

class CountingSink final : public RecordSink
{
public:
    void event(const EventRecord& event) override
    {
        m_sink = m_sink + static_cast<char>(event.targetHostname.size() + event.targetIps.size() + event.id.size());
    }
    void reject(std::uint64_t line, std::string reason, std::string_view excerpt) override
    {
        m_sink = m_sink + static_cast<char>(line + reason.size() + excerpt.size());
    }
    void skip(std::string_view kind) override { m_sink = m_sink + static_cast<char>(kind.size()); }
    bool recordDone(std::uint64_t line, std::uint64_t offset, std::string_view text) override
    {
        m_sink = m_sink + static_cast<char>(line + offset + text.size());
        return true;
    }

private:
    volatile char m_sink = 0;
};

void readWith(std::string_view format, const std::string& path, std::uint64_t maxRecordBytes)
{
    InputStream input;
    if (!input.open(path))
        return;
    const auto head = input.peek(64 * 1024);
    if (!head)
        return;
    (void)detectFormat(*head);
    CountingSink sink;
    (void)findFormatReader(format)->read(input, sink, ReadSettings { 0, maxRecordBytes });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::scratchFolder() + "/export.log";
    fuzz::writeWholeFile(path, data, size);
    const std::uint64_t cap = size % 2 ? size / 2 + 1 : ReadSettings {}.maxRecordBytes;
    readWith("sysmon-xml", path, cap);
    readWith("sysmon-json", path, cap);
    if (size >= 8 && std::string_view(reinterpret_cast<const char*>(data), 8) == std::string_view("ElfFile\0", 8))
        readWith("sysmon-evtx", path, cap);
    std::remove(path.c_str());
    return 0;
}
