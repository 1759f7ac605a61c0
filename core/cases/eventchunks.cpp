#include "eventchunks.h"

#include "byteplanes.h"
#include "chunkcompression.h"
#include "ingest/importlimits.h"
#include "util/bytesize.h"
#include "util/largepages.h"
#include "util/orderedworkers.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace cepheid {

namespace {

// A chunk claiming more IP values than a chunk can be given was altered.
constexpr std::size_t kMaxIpsPerChunk = kIpsPerChunk + 2 * std::numeric_limits<std::uint16_t>::max();

// Where each column lies in a chunk of `events` events and `ips` IP values: the 8-byte columns first, then the 4-,
// 2- and 1-byte ones, so every column is aligned in a buffer aligned for 8 bytes. Encoder and decoder share it.
struct ChunkLayout
{
    std::size_t timestamp, idHash, line, offset, bytesSent, bytesReceived, joinKey;
    std::size_t eventType, principalHostname, processPath, processId, targetHostname, user, ipValues;
    std::size_t principalIpCount, targetIpCount, targetPort;
    std::size_t direction, flags, hostnameSource;
    std::size_t total;
    struct Column
    {
        std::size_t offset, width, count;
    };
    static constexpr std::size_t kColumns = 20;
    std::array<Column, kColumns> columns {}; // every column above, in order

    ChunkLayout(std::size_t events, std::size_t ips)
    {
        std::size_t at = 0, index = 0;
        const auto next = [&](std::size_t width, std::size_t count) {
            columns[index++] = { at, width, count };
            const std::size_t here = at;
            at += width * count;
            return here;
        };
        for (std::size_t* column : { &timestamp, &idHash, &line, &offset, &bytesSent, &bytesReceived, &joinKey })
            *column = next(8, events);
        for (std::size_t* column : { &eventType, &principalHostname, &processPath, &processId, &targetHostname, &user })
            *column = next(4, events);
        ipValues = next(4, ips);
        for (std::size_t* column : { &principalIpCount, &targetIpCount, &targetPort })
            *column = next(2, events);
        for (std::size_t* column : { &direction, &flags, &hostnameSource })
            *column = next(1, events);
        total = at;
        if (index != columns.size())
            throw std::logic_error("ChunkLayout: columns and their list disagree");
    }
};

// Every column of a chunk, written as byte planes (byteplanes.h), in `to`.
void splitColumns(const ChunkLayout& layout, const std::uint8_t* from, std::uint8_t* to)
{
    for (const ChunkLayout::Column& column : layout.columns) {
        const std::uint8_t* in = from + column.offset;
        std::uint8_t* out = to + column.offset;
        switch (column.width) {
        case 8:
            splitPlanes<8>(in, out, column.count);
            break;
        case 4:
            splitPlanes<4>(in, out, column.count);
            break;
        case 2:
            splitPlanes<2>(in, out, column.count);
            break;
        default:
            std::memcpy(out, in, column.width * column.count);
        }
    }
}

// Each column of a chunk, from `from` (byte planes when `planes`, else the values as they are), written to its own
// place: a column's place in the table is where its values end up, so they are copied once.
void joinColumns(const ChunkLayout& layout, const std::uint8_t* from, bool planes,
    const std::array<std::uint8_t*, ChunkLayout::kColumns>& to)
{
    for (std::size_t c = 0; c < layout.columns.size(); ++c) {
        const ChunkLayout::Column& column = layout.columns[c];
        const std::uint8_t* in = from + column.offset;
        switch (planes ? column.width : 1) {
        case 8:
            joinPlanes<8>(in, to[c], column.count);
            break;
        case 4:
            joinPlanes<4>(in, to[c], column.count);
            break;
        case 2:
            joinPlanes<2>(in, to[c], column.count);
            break;
        default:
            if (column.count > 0)
                std::memcpy(to[c], in, column.width * column.count);
        }
    }
}

// Storage without a declared type (operator new, aligned_alloc): the decompressed bytes become the columns' values
// (C++20 implicit object creation), and the buffer is aligned for the 8-byte columns. A chunk's few MB sit on huge
// pages (LargePageAllocator): in 4 KiB pages the first use of each buffer took about 1,600 page faults, 11 µs each on
// the 2-core VM.
struct ChunkDeleter
{
    std::size_t bytes = 0;
    void operator()(std::uint8_t* p) const { LargePageAllocator<std::uint8_t>().deallocate(p, bytes); }
};
using ChunkBuffer = std::unique_ptr<std::uint8_t[], ChunkDeleter>;

ChunkBuffer allocateChunk(std::size_t bytes)
{
    bytes = std::max<std::size_t>(bytes, 8);
    return ChunkBuffer(LargePageAllocator<std::uint8_t>().allocate(bytes), ChunkDeleter { bytes });
}

template<class T> T* column(std::uint8_t* base, std::size_t offset)
{
    return reinterpret_cast<T*>(base + offset);
}

// Buffers the thread that owns the connection hands back, for the threads that fill chunks to fill again: a fresh
// one for every chunk would be faulted in, page by page, each time (slow on a virtual machine).
class SpareBuffers
{
public:
    ChunkBytes take()
    {
        const std::lock_guard lock(m_mutex);
        if (m_spare.empty())
            return {};
        ChunkBytes bytes = std::move(m_spare.back());
        m_spare.pop_back();
        return bytes;
    }
    void give(ChunkBytes&& bytes)
    {
        const std::lock_guard lock(m_mutex);
        m_spare.push_back(std::move(bytes));
    }

private:
    std::mutex m_mutex;
    std::vector<ChunkBytes> m_spare;
};

// One chunk's columns, encoded and compressed (or stored, when that does not pay): what the insert binds.
struct EncodedChunk
{
    std::size_t first = 0, events = 0, ips = 0;
    std::int64_t compression = 0;
    ChunkBytes bytes;
};

// What an encoding thread reuses from chunk to chunk: fresh buffers of a few MB would be faulted in, and zeroed, each
// time.
struct EncodingScratch
{
    ChunkBuffer content, planes;
    std::size_t capacity = 0;
};

// Gathers events [first, last) of the table, with their `ips` IP values, into the chunk's columns (scratch.content) and
// their byte planes (scratch.planes).
void gatherChunk(
    const EventTable& table, std::size_t first, std::size_t last, std::size_t ips, EncodingScratch& scratch)
{
    const std::size_t n = last - first;
    const ChunkLayout layout(n, ips);
    if (scratch.capacity < layout.total) {
        scratch.content = allocateChunk(layout.total);
        scratch.planes = allocateChunk(layout.total);
        scratch.capacity = layout.total;
    }
    std::uint8_t* base = scratch.content.get();
    StringId* ipOut = column<StringId>(base, layout.ipValues);
    for (std::size_t k = 0; k < n; ++k) {
        const auto i = static_cast<EventIndex>(first + k);
        const SourceReference source = table.source(i);
        column<TimestampUs>(base, layout.timestamp)[k] = table.timestamp(i);
        column<std::uint64_t>(base, layout.idHash)[k] = table.idHash(i);
        column<std::uint64_t>(base, layout.line)[k] = source.line;
        column<std::uint64_t>(base, layout.offset)[k] = source.byteOffset;
        // Absent is not zero, but an absent count is stored as 0 with its flag clear, as the table holds it.
        column<std::uint64_t>(base, layout.bytesSent)[k] = table.bytesSentKnown(i) ? table.bytesSent(i) : 0;
        column<std::uint64_t>(base, layout.bytesReceived)[k] = table.bytesReceivedKnown(i) ? table.bytesReceived(i) : 0;
        column<std::uint64_t>(base, layout.joinKey)[k] = table.joinKey(i);
        column<StringId>(base, layout.eventType)[k] = table.eventType(i);
        column<StringId>(base, layout.principalHostname)[k] = table.principalHostname(i);
        column<StringId>(base, layout.processPath)[k] = table.processPath(i);
        column<StringId>(base, layout.processId)[k] = table.processId(i);
        column<StringId>(base, layout.targetHostname)[k] = table.recordHostname(i);
        column<StringId>(base, layout.user)[k] = table.user(i);
        const auto principal = table.principalIps(i);
        const auto target = table.targetIps(i);
        ipOut = std::copy(principal.begin(), principal.end(), ipOut);
        ipOut = std::copy(target.begin(), target.end(), ipOut);
        column<std::uint16_t>(base, layout.principalIpCount)[k] = static_cast<std::uint16_t>(principal.size());
        column<std::uint16_t>(base, layout.targetIpCount)[k] = static_cast<std::uint16_t>(target.size());
        column<std::uint16_t>(base, layout.targetPort)[k] = table.targetPort(i);
        column<std::uint8_t>(base, layout.direction)[k] = static_cast<std::uint8_t>(table.direction(i));
        column<std::uint8_t>(base, layout.flags)[k] = static_cast<std::uint8_t>((table.bytesSentKnown(i) ? 1 : 0)
            | (table.bytesReceivedKnown(i) ? 2 : 0) | (static_cast<unsigned>(table.role(i)) << 2));
        column<std::uint8_t>(base, layout.hostnameSource)[k] = static_cast<std::uint8_t>(table.recordHostnameSource(i));
    }
    splitColumns(layout, base, scratch.planes.get());
}

// The chunk gatherChunk gathered: its byte planes compressed, or its columns as they are when that does not pay.
EncodedChunk compressGathered(
    const EncodingScratch& scratch, std::size_t first, std::size_t n, std::size_t ips, SpareBuffers& spare)
{
    const std::size_t total = ChunkLayout(n, ips).total;
    EncodedChunk chunk { first, n, ips, kZstdBytePlanes, spare.take() };
    if (!compressChunk(std::span(scratch.planes.get(), total), chunk.bytes)) {
        chunk.compression = static_cast<std::int64_t>(ChunkCompression::Stored);
        chunk.bytes.assign(scratch.content.get(), scratch.content.get() + total);
    }
    return chunk;
}

EncodedChunk encodeChunk(const EventTable& table, std::size_t first, std::size_t last, std::size_t ips,
    EncodingScratch& scratch, SpareBuffers& spare)
{
    gatherChunk(table, first, last, ips, scratch);
    return compressGathered(scratch, first, last - first, ips, spare);
}

void insertChunk(sql::Statement& insert, const EncodedChunk& chunk, std::int64_t sourceId)
{
    insert.bind(1, static_cast<std::int64_t>(chunk.first))
        .bind(2, sourceId)
        .bind(3, static_cast<std::int64_t>(chunk.events))
        .bind(4, static_cast<std::int64_t>(chunk.ips))
        .bind(5, chunk.compression)
        .bindBlob(6, chunk.bytes)
        .execute();
}

// What the columns growForStored sizes take for an event (EventTable: six of 8 bytes, eight of 4, four of 2, three of
// 1); its IP values, 4 bytes each, are counted apart, and the join keys, only in tables that have some, not at all.
constexpr std::uint64_t kColumnBytesPerEvent = 8 * 6 + 4 * 8 + 2 * 4 + 1 * 3;

} // namespace

std::uint64_t storedColumnBytes(std::uint64_t events, std::uint64_t ips)
{
    return events * kColumnBytesPerEvent + ips * sizeof(StringId);
}

std::uint64_t storedIpCount(sql::Database& database)
{
    auto count = database.prepare("SELECT coalesce(sum(ip_count), 0) FROM event_chunks");
    count.step();
    return static_cast<std::uint64_t>(count.integer(0));
}

namespace {

// What a chunk's row says of it before its columns are read: where its events and IP values go in the table.
struct ChunkHead
{
    std::int64_t first = 0;
    std::uint16_t sourceId = 0;
    std::size_t events = 0, ips = 0, firstIp = 0;
};

struct StoredChunk
{
    ChunkHead head;
    std::int64_t compression = 0;
    ChunkBytes bytes;
};

// The heads of every chunk, in order, each checked against the ones before it: the table is sized from them before
// any chunk is decompressed.
std::vector<ChunkHead> readChunkHeads(sql::Database& database)
{
    auto heads = database.prepare(
        "SELECT first_event, source_id, event_count, ip_count FROM event_chunks ORDER BY first_event");
    std::vector<ChunkHead> chunks;
    std::size_t events = 0, ips = 0;
    while (heads.step()) {
        const std::int64_t first = heads.integer(0);
        const auto refuse = [&](const std::string& what) {
            throw sql::Error("event chunk " + std::to_string(first) + " " + what + ": the case was altered or damaged");
        };
        if (first != static_cast<std::int64_t>(events))
            refuse("does not follow the previous chunk (expected event " + std::to_string(events) + ")");
        const std::int64_t sourceId = heads.integer(1), count = heads.integer(2), ipCount = heads.integer(3);
        if (sourceId < 0 || sourceId > 65535)
            refuse("names source " + std::to_string(sourceId));
        if (count < 1 || count > static_cast<std::int64_t>(kEventsPerChunk)
            || events + static_cast<std::size_t>(count) > std::numeric_limits<EventIndex>::max())
            refuse("holds " + std::to_string(count) + " events");
        if (ipCount < 0 || ipCount > static_cast<std::int64_t>(kMaxIpsPerChunk)
            || ips + static_cast<std::size_t>(ipCount) > std::numeric_limits<std::uint32_t>::max())
            refuse("holds " + std::to_string(ipCount) + " addresses");
        chunks.push_back({ first, static_cast<std::uint16_t>(sourceId), static_cast<std::size_t>(count),
            static_cast<std::size_t>(ipCount), ips });
        events += static_cast<std::size_t>(count);
        ips += static_cast<std::size_t>(ipCount);
    }
    return chunks;
}

// What decoding a chunk hands back to the reading thread: its join keys when any is set (Zeek uids), for
// setStoredJoinKeys, and its stored bytes' buffer, for the next chunk read (a fresh one would be faulted in again).
struct DecodedChunk
{
    std::vector<std::uint64_t> joinKeys;
    ChunkBytes spent;
};

// What a decoding thread reuses from chunk to chunk.
struct DecodingScratch
{
    ChunkBuffer bytes; // the decompressed chunk
    std::size_t capacity = 0;
    std::vector<std::uint64_t> joinKeys;
};

// Decompresses one chunk, joins its byte planes straight into the table's places for its events (storedPlaces), and
// checks every value there.
DecodedChunk decodeChunk(StoredChunk& chunk, EventTable& table, StringId poolSize, DecodingScratch& scratch)
{
    const ChunkHead& head = chunk.head;
    const auto refuse = [&](const std::string& what) {
        throw sql::Error(
            "event chunk " + std::to_string(head.first) + " " + what + ": the case was altered or damaged");
    };
    const std::size_t n = head.events;
    const ChunkLayout layout(n, head.ips);
    if (layout.total > scratch.capacity) {
        scratch.bytes = allocateChunk(layout.total);
        scratch.capacity = layout.total;
    }
    const bool planes = chunk.compression == kZstdBytePlanes;
    const auto compression = planes ? ChunkCompression::Zstd : static_cast<ChunkCompression>(chunk.compression);
    std::string problem;
    if (!decompressChunk(compression, chunk.bytes, layout.total, scratch.bytes.get(), problem))
        refuse("cannot be read: " + problem);

    // The table is not read until every chunk is in (readEventChunks), and a chunk refused below refuses the case,
    // so values are checked where they end up.
    const EventTable::StoredPlaces places
        = table.storedPlaces(static_cast<std::size_t>(head.first), n, head.firstIp, head.ips);
    scratch.joinKeys.resize(n);
    const auto bytesOf = [](auto span) { return reinterpret_cast<std::uint8_t*>(span.data()); };
    // In ChunkLayout's order.
    const std::array<std::uint8_t*, ChunkLayout::kColumns> to { bytesOf(places.timestamp), bytesOf(places.idHash),
        bytesOf(places.sourceLine), bytesOf(places.sourceOffset), bytesOf(places.bytesSent),
        bytesOf(places.bytesReceived), bytesOf(std::span(scratch.joinKeys)), bytesOf(places.eventType),
        bytesOf(places.principalHostname), bytesOf(places.processPath), bytesOf(places.processId),
        bytesOf(places.targetHostname), bytesOf(places.user), bytesOf(places.ipValues),
        bytesOf(places.principalIpCount), bytesOf(places.targetIpCount), bytesOf(places.targetPort),
        bytesOf(places.direction), bytesOf(places.flags), bytesOf(places.hostnameSource) };
    joinColumns(layout, scratch.bytes.get(), planes, to);

    // Every value is checked before the table is used: a case may come from someone else, and an altered value must
    // refuse the case, naming the event, rather than overflow the gap arithmetic or index past a table.
    const auto refuseEvent = [&](std::size_t k, const std::string& what) {
        throw sql::Error("event " + std::to_string(head.first + static_cast<std::int64_t>(k)) + " " + what
            + ": the case was altered");
    };
    constexpr auto kMaxSigned = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::size_t ipsListed = 0;
    for (std::size_t k = 0; k < n; ++k) {
        if (!isRepresentable(places.timestamp[k])) // no reader writes these
            refuseEvent(k, "has a timestamp outside years 0001-9999 (" + std::to_string(places.timestamp[k]) + " µs)");
        if (places.sourceLine[k] > kMaxSigned || places.sourceOffset[k] > kMaxSigned)
            refuseEvent(k, "has a line or byte offset past 2^63");
        if (places.direction[k] > 3)
            refuseEvent(k, "has direction " + std::to_string(places.direction[k]));
        if (places.flags[k] > 15) // bits 0-1 byte counts known, bits 2-3 the role (0-3)
            refuseEvent(k, "has flags " + std::to_string(places.flags[k]));
        if (places.hostnameSource[k] >= kHostnameSourceCount)
            refuseEvent(k, "has hostname source " + std::to_string(places.hostnameSource[k]));
        ipsListed += std::size_t(places.principalIpCount[k]) + places.targetIpCount[k];
    }
    if (ipsListed != head.ips)
        refuse("lists " + std::to_string(ipsListed) + " addresses but holds " + std::to_string(head.ips));
    for (const std::span<StringId> ids : { places.eventType, places.principalHostname, places.processPath,
             places.processId, places.targetHostname, places.user, places.ipValues }) {
        StringId highest = 0;
        for (const StringId id : ids)
            highest = std::max(highest, id);
        if (!ids.empty() && highest >= poolSize)
            refuse("refers to string " + std::to_string(highest) + ", which the case does not have");
    }
    table.finishStored(static_cast<std::size_t>(head.first), n, head.firstIp, head.sourceId);

    DecodedChunk decoded { {}, std::move(chunk.bytes) };
    if (!std::all_of(scratch.joinKeys.begin(), scratch.joinKeys.end(), [](std::uint64_t key) { return key == 0; }))
        decoded.joinKeys = scratch.joinKeys;
    return decoded;
}

} // namespace

namespace {

struct ChunkBounds
{
    std::size_t first, last, ips;
};

// Events [firstEvent, endEvent) cut into chunks: a chunk ends after kEventsPerChunk events, or at the event that brings
// its IP values to kIpsPerChunk. With `partialLast` the events after the last such end make a chunk of their own.
std::vector<ChunkBounds> cutIntoChunks(
    const EventTable& table, std::size_t firstEvent, std::size_t endEvent, bool partialLast)
{
    std::vector<ChunkBounds> chunks;
    std::size_t chunkStart = firstEvent, ips = 0;
    for (std::size_t i = firstEvent; i < endEvent; ++i) {
        const auto event = static_cast<EventIndex>(i);
        ips += table.principalIps(event).size() + table.targetIps(event).size();
        if (i + 1 - chunkStart == kEventsPerChunk || ips >= kIpsPerChunk) {
            chunks.push_back({ chunkStart, i + 1, ips });
            chunkStart = i + 1;
            ips = 0;
        }
    }
    if (partialLast && chunkStart < endEvent)
        chunks.push_back({ chunkStart, endEvent, ips });
    return chunks;
}

void writeChunks(
    sql::Database& database, const EventTable& table, const std::vector<ChunkBounds>& chunks, std::int64_t sourceId)
{
    if (chunks.empty())
        return;
    // Chunks are encoded and compressed on one thread per core (the table is only read), and inserted in order on
    // this one, which owns the connection. At most a window of chunks is in flight: it bounds the memory held.
    auto insert = database.prepare("INSERT INTO event_chunks (first_event, source_id, event_count, ip_count, "
                                   "compression, columns) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    const unsigned threads = workerThreads();
    SpareBuffers spare;
    OrderedWorkers<ChunkBounds, EncodedChunk> encoders(threads, 2 * threads, [&table, &spare] {
        return [&table, &spare, scratch = std::make_shared<EncodingScratch>()](ChunkBounds& bounds) {
            return encodeChunk(table, bounds.first, bounds.last, bounds.ips, *scratch, spare);
        };
    });
    const auto store = [&](EncodedChunk chunk) {
        insertChunk(insert, chunk, sourceId);
        spare.give(std::move(chunk.bytes));
    };
    for (const ChunkBounds& bounds : chunks)
        encoders.submit(bounds, store);
    encoders.drain(store);
}

} // namespace

void writeEventChunks(sql::Database& database, const EventTable& table, std::size_t firstEvent, std::size_t endEvent,
    std::int64_t sourceId)
{
    writeChunks(database, table, cutIntoChunks(table, firstEvent, endEvent, true), sourceId);
}

struct EventChunkWriter::Impl
{
    struct Gathered
    {
        std::size_t first = 0, events = 0, ips = 0; // first: the case's event index
        std::unique_ptr<EncodingScratch> scratch;
    };
    struct Compressed
    {
        EncodedChunk chunk;
        std::unique_ptr<EncodingScratch> scratch; // back to the writer, to gather another chunk into
    };

    // Chunks gathered and not yet stored, about 12 MB each (columns and byte planes): a chunk comes every 65,536
    // events, and compressing one takes a fraction of the time parsing them does, so two keep up on any machine.
    static constexpr unsigned kInFlight = 2;

    Impl(sql::Database& database, std::int64_t source, std::size_t indexBase)
        : insert(database.prepare("INSERT INTO event_chunks (first_event, source_id, event_count, ip_count, "
                                  "compression, columns) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"))
        , sourceId(source)
        , nextIndex(indexBase)
        , compressors(kInFlight, kInFlight, [this] {
            return [this](Gathered& gathered) {
                return Compressed { compressGathered(
                                        *gathered.scratch, gathered.first, gathered.events, gathered.ips, spareBytes),
                    std::move(gathered.scratch) };
            };
        })
    { }

    // Gathers the chunks the table's events make from its first, here (the caller drops those events next), and hands
    // them to the compressing threads; returns how many events they hold.
    std::size_t add(const EventTable& table, bool partialLast)
    {
        const std::vector<ChunkBounds> chunks = cutIntoChunks(table, 0, table.size(), partialLast);
        for (const ChunkBounds& bounds : chunks) {
            std::unique_ptr<EncodingScratch> scratch;
            if (spareScratch.empty()) {
                scratch = std::make_unique<EncodingScratch>();
            } else {
                scratch = std::move(spareScratch.back());
                spareScratch.pop_back();
            }
            gatherChunk(table, bounds.first, bounds.last, bounds.ips, *scratch);
            compressors.submit(
                { nextIndex + bounds.first, bounds.last - bounds.first, bounds.ips, std::move(scratch) }, store);
        }
        const std::size_t taken = chunks.empty() ? 0 : chunks.back().last;
        nextIndex += taken;
        return taken;
    }

    sql::Statement insert;
    std::int64_t sourceId;
    std::size_t nextIndex; // the case's index of the table's first event
    SpareBuffers spareBytes;
    std::vector<std::unique_ptr<EncodingScratch>> spareScratch; // on the calling thread only
    const std::function<void(Compressed)> store = [this](Compressed compressed) {
        insertChunk(insert, compressed.chunk, sourceId);
        spareBytes.give(std::move(compressed.chunk.bytes));
        spareScratch.push_back(std::move(compressed.scratch));
    };
    OrderedWorkers<Gathered, Compressed> compressors; // last: its threads end first
};

EventChunkWriter::EventChunkWriter(sql::Database& database, std::int64_t sourceId, std::size_t indexBase)
    : m_impl(std::make_unique<Impl>(database, sourceId, indexBase))
{ }

EventChunkWriter::~EventChunkWriter() = default;

std::size_t EventChunkWriter::addComplete(const EventTable& table)
{
    return m_impl->add(table, false);
}

void EventChunkWriter::finish(const EventTable& table)
{
    m_impl->add(table, true);
    m_impl->compressors.drain(m_impl->store);
}

void readCaseStrings(sql::Database& database, EventTable& table)
{
    // Strings in id order reproduce the pool exactly; id 0 is the empty string the pool starts with.
    auto strings = database.prepare("SELECT id, text FROM strings ORDER BY id");
    while (strings.step()) {
        const StringId id = table.strings().intern(strings.text(1));
        if (id != static_cast<StringId>(strings.integer(0)))
            throw sql::Error("the case's string table is inconsistent (id " + std::to_string(strings.integer(0)) + ")");
    }
}

std::size_t storedStringCount(sql::Database& database)
{
    // Ids run from 1 without gaps (readCaseStrings refuses a case where they do not), after the empty string's 0.
    auto count = database.prepare("SELECT coalesce(max(id), 0) + 1 FROM strings");
    count.step();
    return static_cast<std::size_t>(count.integer(0));
}

void readEventChunks(sql::Database& database, EventTable& table)
{
    if (!table.empty())
        throw std::logic_error("readEventChunks fills an empty table");
    const std::vector<ChunkHead> heads = readChunkHeads(database);
    // The heads follow each other without gaps (readChunkHeads), so the last one ends the table.
    const std::size_t events = heads.empty() ? 0 : static_cast<std::size_t>(heads.back().first) + heads.back().events;
    const std::size_t ips = heads.empty() ? 0 : heads.back().firstIp + heads.back().ips;
    // A case says how many events it holds before any is read. One whose columns alone would take more memory than
    // this process may use is refused here, with the figures, rather than the columns sized for it and the kernel
    // killing the process as they fill: a crafted case of a few MB can claim four billion events. (Not the import's
    // 60 % budget: a case imported on a larger machine, or with `--limit memory` raised, must still open where it
    // fits.)
    const std::uint64_t needed = storedColumnBytes(events, ips);
    const std::uint64_t usable = ImportLimits::usableMemory();
    if (usable > 0 && needed > usable)
        throw sql::Error("the case holds " + std::to_string(events) + " events, whose columns alone take about "
            + byteSizeText(needed) + ", more than the " + byteSizeText(usable)
            + " of memory this process may use: open it on a machine with more memory");
    table.growForStored(events, ips);
    // The other core faults the columns in while chunks are read into them. Decompressing, checking and copying a
    // chunk runs on one thread per core, each into its own places in the columns; this thread reads the blobs, which
    // its connection must do, and takes the chunks back in order, so the first damaged chunk is the one named.
    const std::jthread prefault(
        [regions = table.reservedMemory()](const std::stop_token& stop) { populateForWriting(regions, stop); });
    const auto poolSize = static_cast<StringId>(table.strings().size());
    const unsigned threads = workerThreads();
    OrderedWorkers<StoredChunk, DecodedChunk> decoders(threads, 2 * threads, [&table, poolSize] {
        return [&table, poolSize, scratch = std::make_shared<DecodingScratch>()](
                   StoredChunk& chunk) { return decodeChunk(chunk, table, poolSize, *scratch); };
    });
    std::size_t next = 0, taken = 0;
    SpareBuffers spare;
    const auto takeDecoded = [&](DecodedChunk decoded) {
        if (!decoded.joinKeys.empty())
            table.setStoredJoinKeys(static_cast<std::size_t>(heads[taken].first), decoded.joinKeys);
        ++taken;
        spare.give(std::move(decoded.spent));
    };
    // Each blob is read straight into the buffer a decoder takes (BlobReader), its size checked before it is read.
    auto rows = database.prepare("SELECT first_event, compression FROM event_chunks ORDER BY first_event");
    sql::BlobReader blobs(database, "event_chunks", "columns");
    while (rows.step()) {
        // The heads were read in the same read transaction (CaseFile::readEvents), so the rows are the same ones.
        if (next == heads.size() || rows.integer(0) != heads[next].first)
            throw sql::Error("the case's event chunks changed while they were read");
        const std::size_t size = blobs.open(heads[next].first);
        if (size > largestStoredSize(ChunkLayout(heads[next].events, heads[next].ips).total))
            throw sql::Error("event chunk " + std::to_string(heads[next].first) + " holds " + std::to_string(size)
                + " bytes, more than its columns could take: the case was altered or damaged");
        StoredChunk chunk { heads[next], rows.integer(1), spare.take() };
        chunk.bytes.resize(size);
        blobs.read(chunk.bytes);
        decoders.submit(std::move(chunk), takeDecoded);
        ++next;
    }
    if (next != heads.size())
        throw sql::Error("the case's event chunks changed while they were read");
    decoders.drain(takeDecoded);
}

std::uint64_t storedEventCount(sql::Database& database)
{
    auto statement = database.prepare("SELECT coalesce(sum(event_count), 0) FROM event_chunks");
    return statement.step() ? static_cast<std::uint64_t>(statement.integer(0)) : 0;
}

std::map<std::int64_t, std::uint64_t> storedEventCountBySource(sql::Database& database)
{
    std::map<std::int64_t, std::uint64_t> counts;
    auto statement = database.prepare("SELECT source_id, sum(event_count) FROM event_chunks GROUP BY source_id");
    while (statement.step())
        counts[statement.integer(0)] = static_cast<std::uint64_t>(statement.integer(1));
    return counts;
}

} // namespace cepheid
