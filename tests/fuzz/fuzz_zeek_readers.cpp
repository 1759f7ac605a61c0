// libFuzzer target: the Zeek readers (core/ingest/zeektsvreader, zeekjsonreader and the mapping they share,
// zeekrecord) on a whole file, read the way the importer reads it: InputStream (plain or gzip, UTF-16 with a mark),
// the format probe on the peeked head, then each Zeek reader in turn over the file, whatever the probe said, so every
// input reaches both. An input of odd size is read with a record cap of about half its size, so that over-long lines
// are cut too. It checks nothing but that this ends without a crash, a sanitizer report or a hang.

#include "fuzzsupport.h"
#include "ingest/inputstream.h"
#include "ingest/readers.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

using namespace cepheid;

namespace {

// Touches everything a reader hands over, as the importer's batching sink would copy it.
class TouchingSink final : public RecordSink
{
public:
    void event(const EventRecord& event) override
    {
        for (const auto text : { event.id, event.eventType, event.targetHostname, event.joinKey, event.url,
                 event.userAgent, event.processPath })
            touch(text);
        for (const auto& ips : { event.principalIps, event.targetIps })
            for (const std::string_view ip : ips)
                touch(ip);
    }
    void reject(std::uint64_t, std::string reason, std::string_view excerpt) override
    {
        touch(reason);
        touch(excerpt);
    }
    void skip(std::string_view kind) override { touch(kind); }
    bool recordDone(std::uint64_t, std::uint64_t, std::string_view text) override
    {
        touch(text);
        return true;
    }

private:
    void touch(std::string_view text)
    {
        for (const char c : text)
            m_sum = m_sum + static_cast<unsigned char>(c);
    }
    volatile unsigned m_sum = 0;
};

void readFile(const std::string& path, std::uint64_t maxRecordBytes)
{
    for (const char* format : { "zeek-tsv", "zeek-json" }) {
        InputStream input;
        if (!fuzz::openProbed(input, path))
            return;
        TouchingSink sink;
        (void)findFormatReader(format)->read(input, sink, ReadSettings { 1, maxRecordBytes });
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::scratchFolder() + "/zeek.log";
    fuzz::writeWholeFile(path, data, size);
    readFile(path, size % 2 ? size / 2 + 1 : 64u << 20);
    std::remove(path.c_str());
    return 0;
}
