// Sysmon in a binary Windows event log (.evtx), read by libevtx (docs/formats/sysmon.md).

#include "formatreader.h"
#include "inputstream.h"
#include "sysmonxmlparser.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <libevtx.h>
#include <memory>
#include <optional>
#include <unistd.h>
#include <unordered_set>
#include <vector>

namespace cepheid {

namespace {

constexpr std::string_view kMagic { "ElfFile\0", 8 };

// libevtx's reason, the last line of its error chain (the outermost call's message).
std::string describe(libevtx_error_t*& error)
{
    if (!error)
        return "unknown error";
    char text[1024] = {};
    libevtx_error_sprint(error, text, sizeof text);
    libevtx_error_free(&error);
    std::string_view message(text);
    while (message.ends_with('\n'))
        message.remove_suffix(1);
    if (const std::size_t lastLine = message.rfind('\n'); lastLine != std::string_view::npos)
        message.remove_prefix(lastLine + 1);
    return std::string(message);
}

struct FileCloser
{
    void operator()(libevtx_file_t* file) const
    {
        libevtx_file_close(file, nullptr);
        libevtx_file_free(&file, nullptr);
    }
};
struct RecordFreer
{
    void operator()(libevtx_record_t* record) const { libevtx_record_free(&record, nullptr); }
};
using EvtxFile = std::unique_ptr<libevtx_file_t, FileCloser>;
using EvtxRecord = std::unique_ptr<libevtx_record_t, RecordFreer>;

// A file in the temporary folder, removed when this goes.
class TemporaryFile
{
public:
    TemporaryFile() = default;
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile()
    {
        if (m_descriptor >= 0)
            ::close(m_descriptor);
        if (!m_path.empty())
            ::unlink(m_path.c_str());
    }
    bool create()
    {
        std::error_code error;
        std::string pattern = (std::filesystem::temp_directory_path(error) / "cepheid-evtx-XXXXXX").string();
        if (error)
            pattern = "/tmp/cepheid-evtx-XXXXXX";
        m_descriptor = ::mkstemp(pattern.data());
        if (m_descriptor >= 0)
            m_path = pattern;
        return m_descriptor >= 0;
    }
    bool write(const char* data, std::size_t size)
    {
        while (size > 0) {
            const ssize_t written = ::write(m_descriptor, data, size);
            if (written < 0 && errno == EINTR)
                continue;
            if (written <= 0)
                return false;
            data += written;
            size -= static_cast<std::size_t>(written);
        }
        return true;
    }
    const std::string& path() const { return m_path; }

private:
    int m_descriptor = -1;
    std::string m_path;
};

// Where each record of the file's chunks starts, by the record identifier its header holds (what
// libevtx_record_get_identifier gives), sorted by identifier; and the file's size. libevtx 20181227 gives no record
// offsets, and a case keys each record's original text by its offset. The layout (a 4 KiB file header, 64 KiB
// chunks "ElfChnk\0" with a 512-byte header, then records "**\0\0", size, identifier…) is the EVTX format's; a
// chunk cut short is left out, as libevtx leaves it out.
struct RecordPlaces
{
    std::vector<std::pair<std::uint64_t, std::uint64_t>> offsets;
    std::uint64_t fileSize = 0;
};

RecordPlaces recordPlaces(const std::string& path)
{
    constexpr std::size_t kFileHeaderBytes = 4096, kChunkBytes = 65536, kChunkHeaderBytes = 512,
                          kRecordHeaderBytes = 24;
    RecordPlaces places;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file)
        return places;
    std::string chunk(kChunkBytes, '\0');
    const auto number = [&](std::size_t at, std::size_t bytes) {
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < bytes; ++i)
            value |= std::uint64_t(static_cast<unsigned char>(chunk[at + i])) << (8 * i);
        return value;
    };
    std::uint64_t position = kFileHeaderBytes;
    if (std::fseek(file.get(), static_cast<long>(position), SEEK_SET) != 0)
        return places;
    while (std::fread(chunk.data(), 1, kChunkBytes, file.get()) == kChunkBytes) {
        if (chunk.starts_with(std::string_view("ElfChnk\0", 8))) {
            for (std::size_t at = kChunkHeaderBytes; at + kRecordHeaderBytes <= kChunkBytes;) {
                const std::uint64_t size = number(at + 4, 4);
                if (number(at, 4) != 0x2a2a || size < kRecordHeaderBytes || at + size > kChunkBytes)
                    break;
                places.offsets.emplace_back(number(at + 8, 8), position + at);
                at += size;
            }
        }
        position += kChunkBytes;
    }
    if (std::fseek(file.get(), 0, SEEK_END) == 0)
        places.fileSize = static_cast<std::uint64_t>(std::max(0L, std::ftell(file.get())));
    std::sort(places.offsets.begin(), places.offsets.end());
    return places;
}

class SysmonEvtxReader final : public FormatReader
{
public:
    std::string_view name() const override { return "sysmon-evtx"; }

    int sniff(std::string_view head) const override { return head.starts_with(kMagic) ? kSniffSpecific : 0; }

    // libevtx reads a file by its path and seeks in it, so the stream itself is not read: a compressed file, a pipe
    // or a process substitution is first copied, decompressed, to a temporary file (within the stream's limits).
    ReadResult read(InputStream& input, RecordSink& sink, const ReadSettings& settings) const override
    {
        ReadResult result;
        result.layout = "evtx";
        std::error_code notRegular;
        TemporaryFile copy;
        std::string path = input.path();
        if (input.isCompressed() || !std::filesystem::is_regular_file(path, notRegular)) {
            if (!copy.create()) {
                sink.reject(
                    1, "cannot make a temporary copy of the .evtx file to read: " + std::string(std::strerror(errno)));
                return result;
            }
            // A stop part-way (a limit, a truncated gzip) still reads the records of the chunks copied, and the
            // importer reports where and why it stopped.
            result.complete = copyStream(input, copy, sink);
            path = copy.path();
        }
        readFile(path, sink, settings);
        return result;
    }

private:
    static bool copyStream(InputStream& input, TemporaryFile& copy, RecordSink& sink)
    {
        std::string buffer(1u << 20, '\0');
        for (;;) {
            const std::ptrdiff_t count = input.read(buffer.data(), buffer.size());
            if (count < 0)
                return false;
            if (count == 0)
                return true;
            if (!copy.write(buffer.data(), static_cast<std::size_t>(count))) {
                sink.reject(
                    1, "cannot write the temporary copy of the .evtx file: " + std::string(std::strerror(errno)));
                return true;
            }
        }
    }

    static void readFile(const std::string& path, RecordSink& sink, const ReadSettings& settings)
    {
        libevtx_error_t* error = nullptr;
        libevtx_file_t* opened = nullptr;
        if (libevtx_file_initialize(&opened, &error) != 1)
            throw std::bad_alloc();
        EvtxFile file(opened);
        if (libevtx_file_open(file.get(), path.c_str(), LIBEVTX_OPEN_READ, &error) != 1) {
            sink.reject(1, "libevtx cannot open the file: '" + describe(error) + "'");
            return;
        }
        Records records { SysmonXmlRecordMapper(settings.fileIndex), {}, {}, settings, recordPlaces(path) };
        int count = 0;
        if (libevtx_file_get_number_of_records(file.get(), &count, &error) != 1) {
            sink.reject(1, "libevtx cannot count the records: '" + describe(error) + "'");
            count = 0;
        }
        // A record's "line" is its 1-based index; recovered records (left in the file's free space) follow.
        for (int i = 0; i < count; ++i)
            if (!readRecord(file.get(), i, false, static_cast<std::uint64_t>(i) + 1, records, sink))
                return;
        int recovered = 0;
        if (libevtx_file_get_number_of_recovered_records(file.get(), &recovered, &error) != 1) {
            describe(error);
            recovered = 0;
        }
        for (int i = 0; i < recovered; ++i)
            if (!readRecord(file.get(), i, true, static_cast<std::uint64_t>(count) + static_cast<std::uint64_t>(i) + 1,
                    records, sink))
                return;
        // libevtx leaves out a chunk it cannot read (one cut short, a bad checksum) and only says the file is
        // corrupted: the records before it were read, the chunk's are lost.
        if (libevtx_file_is_corrupted(file.get(), &error) == 1)
            sink.reject(static_cast<std::uint64_t>(count) + static_cast<std::uint64_t>(recovered) + 1,
                "the file is truncated or corrupted: libevtx skipped a chunk it could not read (its records are lost; "
                "the records of the other chunks are read)");
        else if (error)
            describe(error);
    }

    struct Records
    {
        SysmonXmlRecordMapper mapper;
        std::string xml;
        std::unordered_set<std::uint64_t> identifiers; // of the records read
        const ReadSettings& settings;
        RecordPlaces places;
        std::uint64_t lastOffset = 0;

        // Where the record starts in the file: libevtx's offset when it gives one, else the place the chunk walk
        // found. Offsets must rise from record to record (a case keeps the original texts in chunks of rising
        // offsets), so a record with no known place, or one before the last (a recovered record in free space), gets
        // one past the end of the file.
        std::uint64_t offsetOf(libevtx_record_t* record, std::optional<std::uint64_t> identifier, bool recovered)
        {
            libevtx_error_t* error = nullptr;
            off64_t given = 0;
            if (libevtx_record_get_offset(record, &given, &error) != 1) {
                describe(error);
                given = 0;
            }
            auto offset = static_cast<std::uint64_t>(std::max<off64_t>(given, 0));
            if (offset == 0 && identifier && !recovered) {
                const auto it = std::lower_bound(
                    places.offsets.begin(), places.offsets.end(), std::pair { *identifier, std::uint64_t(0) });
                if (it != places.offsets.end() && it->first == *identifier)
                    offset = it->second;
            }
            if (offset <= lastOffset)
                offset = std::max(lastOffset, places.fileSize) + 1;
            lastOffset = offset;
            return offset;
        }
    };

    // Returns false when reading should stop (cancelled, a limit). Recovered records are what libevtx finds in a
    // chunk's free space: remnants, often copies of records still in the log (every one of the 44 in
    // Sysmon_UACME_64.evtx) or too damaged to read. Neither is an error of the log, so both are counted as skipped.
    static bool readRecord(
        libevtx_file_t* file, int index, bool recovered, std::uint64_t line, Records& records, RecordSink& sink)
    {
        libevtx_error_t* error = nullptr;
        libevtx_record_t* got = nullptr;
        const int status = recovered ? libevtx_file_get_recovered_record_by_index(file, index, &got, &error)
                                     : libevtx_file_get_record_by_index(file, index, &got, &error);
        if (status != 1) {
            if (recovered) {
                describe(error);
                sink.skip("EVTX recovered record libevtx cannot read");
            } else {
                sink.reject(line, "libevtx cannot read the record: '" + describe(error) + "'");
            }
            return sink.recordDone(line, 0, {});
        }
        EvtxRecord record(got);
        std::uint64_t identifier = 0;
        const bool identified = libevtx_record_get_identifier(record.get(), &identifier, &error) == 1;
        if (!identified)
            describe(error);
        else if (recovered && records.identifiers.contains(identifier)) {
            sink.skip("EVTX recovered copy of a record read");
            return sink.recordDone(line, 0, {});
        } else if (!recovered)
            records.identifiers.insert(identifier);
        const std::uint64_t fileOffset
            = records.offsetOf(record.get(), identified ? std::optional(identifier) : std::nullopt, recovered);
        std::size_t size = 0;
        std::string& xml = records.xml;
        if (libevtx_record_get_utf8_xml_string_size(record.get(), &size, &error) != 1 || size == 0) {
            sink.reject(line, "libevtx cannot give the record's XML: '" + describe(error) + "'");
            return sink.recordDone(line, fileOffset, {});
        }
        if (size > records.settings.maxRecordBytes) {
            sink.reject(line,
                "the record's XML is longer than " + std::to_string(records.settings.maxRecordBytes)
                    + " bytes (the record-bytes limit)");
            return sink.recordDone(line, fileOffset, {});
        }
        xml.resize(size);
        if (libevtx_record_get_utf8_xml_string(record.get(), reinterpret_cast<std::uint8_t*>(xml.data()), size, &error)
            != 1) {
            sink.reject(line, "libevtx cannot give the record's XML: '" + describe(error) + "'");
            return sink.recordDone(line, fileOffset, {});
        }
        std::string_view text(xml.data(), size - 1); // without the terminating NUL
        while (text.ends_with('\n'))
            text.remove_suffix(1);
        records.mapper.map(text, line, fileOffset, sink);
        return sink.recordDone(line, fileOffset, text);
    }
};

} // namespace

std::unique_ptr<FormatReader> makeSysmonEvtxReader()
{
    return std::make_unique<SysmonEvtxReader>();
}

} // namespace cepheid
