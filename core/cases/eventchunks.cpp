#include "eventchunks.h"

#include "chunkcompression.h"
#include "util/orderedworkers.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

namespace cepheid {

namespace {

// A chunk is closed at kEventsPerChunk events or once it holds this many IP values, so that no chunk, however many
// addresses its records list, asks for more than about 23 MB to read back; a chunk claiming more was altered.
constexpr std::size_t kIpsPerChunk = std::size_t(1) << 22;
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

    ChunkLayout(std::size_t events, std::size_t ips)
    {
        std::size_t at = 0;
        const auto next = [&](std::size_t width, std::size_t count) {
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
    }
};

// Storage without a declared type (malloc): the decompressed bytes become the columns' values (C++20 implicit
// object creation), and the buffer is aligned for the 8-byte columns.
struct FreeDeleter
{
    void operator()(void* p) const { std::free(p); }
};
using ChunkBuffer = std::unique_ptr<std::uint8_t[], FreeDeleter>;

ChunkBuffer allocateChunk(std::size_t bytes)
{
    auto* memory = static_cast<std::uint8_t*>(std::malloc(std::max<std::size_t>(bytes, 8)));
    if (!memory)
        throw std::bad_alloc();
    return ChunkBuffer(memory);
}

template<class T> T* column(std::uint8_t* base, std::size_t offset)
{
    return reinterpret_cast<T*>(base + offset);
}

// One chunk's columns, encoded and compressed (or stored, when that does not pay): what the insert binds.
struct EncodedChunk
{
    std::size_t first = 0, events = 0, ips = 0;
    bool isCompressed = false;
    std::vector<std::uint8_t> bytes;
};

// What an encoding thread reuses from chunk to chunk: fresh buffers of a few MB would be faulted in, and zeroed, each
// time.
struct EncodingScratch
{
    ChunkBuffer content;
    std::size_t capacity = 0;
    ChunkBytes compressed;
};

EncodedChunk encodeChunk(
    const EventTable& table, std::size_t first, std::size_t last, std::size_t ips, EncodingScratch& scratch)
{
    const std::size_t n = last - first;
    const ChunkLayout layout(n, ips);
    if (scratch.capacity < layout.total) {
        scratch.content = allocateChunk(layout.total);
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
    const std::span<const std::uint8_t> content(base, layout.total);
    EncodedChunk chunk { first, n, ips, compressChunk(content, scratch.compressed), {} };
    if (chunk.isCompressed)
        chunk.bytes.assign(scratch.compressed.begin(), scratch.compressed.end());
    else
        chunk.bytes.assign(content.begin(), content.end());
    return chunk;
}

void insertChunk(sql::Statement& insert, const EncodedChunk& chunk, std::int64_t sourceId)
{
    insert.bind(1, static_cast<std::int64_t>(chunk.first))
        .bind(2, sourceId)
        .bind(3, static_cast<std::int64_t>(chunk.events))
        .bind(4, static_cast<std::int64_t>(chunk.ips))
        .bind(5, static_cast<std::int64_t>(chunk.isCompressed ? ChunkCompression::Zstd : ChunkCompression::Stored))
        .bindBlob(6, chunk.bytes)
        .execute();
}

} // namespace

void writeEventChunks(sql::Database& database, const EventTable& table, std::size_t firstEvent, std::size_t endEvent,
    std::int64_t sourceId)
{
    struct Bounds
    {
        std::size_t first, last, ips;
    };
    std::vector<Bounds> chunks;
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
    if (chunkStart < endEvent)
        chunks.push_back({ chunkStart, endEvent, ips });

    // Chunks are encoded and compressed on one thread per core (the table is only read), and inserted in order on
    // this one, which owns the connection. At most a window of chunks is in flight: it bounds the memory held.
    auto insert = database.prepare("INSERT INTO event_chunks (first_event, source_id, event_count, ip_count, "
                                   "compression, columns) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    const unsigned threads = workerThreads();
    OrderedWorkers<Bounds, EncodedChunk> encoders(threads, 2 * threads, [&table] {
        return [&table, scratch = std::make_shared<EncodingScratch>()](
                   Bounds& bounds) { return encodeChunk(table, bounds.first, bounds.last, bounds.ips, *scratch); };
    });
    const auto store = [&](const EncodedChunk& chunk) { insertChunk(insert, chunk, sourceId); };
    for (const Bounds& bounds : chunks)
        encoders.submit(bounds, store);
    encoders.drain(store);
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

void readEventChunks(sql::Database& database, EventTable& table)
{
    auto chunks = database.prepare("SELECT first_event, source_id, event_count, ip_count, compression, columns FROM "
                                   "event_chunks ORDER BY first_event");
    const auto poolSize = static_cast<StringId>(table.strings().size());
    // One buffer for every chunk: a fresh one each time would fault its pages in again.
    ChunkBuffer buffer;
    std::size_t bufferBytes = 0;
    while (chunks.step()) {
        const std::int64_t first = chunks.integer(0);
        const std::string where = "event chunk " + std::to_string(first);
        const auto refuse = [&](const std::string& what) {
            throw sql::Error(where + " " + what + ": the case was altered or damaged");
        };
        if (first != static_cast<std::int64_t>(table.size()))
            refuse("does not follow the previous chunk (expected event " + std::to_string(table.size()) + ")");
        const std::int64_t sourceId = chunks.integer(1), count = chunks.integer(2), ipCount = chunks.integer(3);
        if (sourceId < 0 || sourceId > 65535)
            refuse("names source " + std::to_string(sourceId));
        if (count < 1 || count > static_cast<std::int64_t>(kEventsPerChunk)
            || table.size() + static_cast<std::size_t>(count) > std::numeric_limits<EventIndex>::max())
            refuse("holds " + std::to_string(count) + " events");
        if (ipCount < 0 || ipCount > static_cast<std::int64_t>(kMaxIpsPerChunk))
            refuse("holds " + std::to_string(ipCount) + " addresses");
        const auto n = static_cast<std::size_t>(count);
        const auto ips = static_cast<std::size_t>(ipCount);
        const ChunkLayout layout(n, ips);
        if (layout.total > bufferBytes) {
            buffer = allocateChunk(layout.total);
            bufferBytes = layout.total;
        }
        std::string problem;
        if (!decompressChunk(
                static_cast<ChunkCompression>(chunks.integer(4)), chunks.blob(5), layout.total, buffer.get(), problem))
            refuse("cannot be read: " + problem);
        std::uint8_t* base = buffer.get();

        // Every value is checked before it is used: a case may come from someone else, and an altered value must
        // refuse the case, naming the event, rather than overflow the gap arithmetic or index past a table.
        const auto refuseEvent = [&](std::size_t k, const std::string& what) {
            throw sql::Error("event " + std::to_string(first + static_cast<std::int64_t>(k)) + " " + what
                + ": the case was altered");
        };
        const TimestampUs* timestamps = column<TimestampUs>(base, layout.timestamp);
        const std::uint64_t* lines = column<std::uint64_t>(base, layout.line);
        const std::uint64_t* offsets = column<std::uint64_t>(base, layout.offset);
        const std::uint16_t* principalCounts = column<std::uint16_t>(base, layout.principalIpCount);
        const std::uint16_t* targetCounts = column<std::uint16_t>(base, layout.targetIpCount);
        const std::uint8_t* directions = column<std::uint8_t>(base, layout.direction);
        const std::uint8_t* flags = column<std::uint8_t>(base, layout.flags);
        const std::uint8_t* sources = column<std::uint8_t>(base, layout.hostnameSource);
        constexpr auto kMaxSigned = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        std::size_t ipsListed = 0;
        for (std::size_t k = 0; k < n; ++k) {
            if (!isRepresentable(timestamps[k])) // no reader writes these
                refuseEvent(k, "has a timestamp outside years 0001-9999 (" + std::to_string(timestamps[k]) + " µs)");
            if (lines[k] > kMaxSigned || offsets[k] > kMaxSigned)
                refuseEvent(k, "has a line or byte offset past 2^63");
            if (directions[k] > 3)
                refuseEvent(k, "has direction " + std::to_string(directions[k]));
            if (flags[k] > 15) // bits 0-1 byte counts known, bits 2-3 the role (0-3)
                refuseEvent(k, "has flags " + std::to_string(flags[k]));
            if (sources[k] >= kHostnameSourceCount)
                refuseEvent(k, "has hostname source " + std::to_string(sources[k]));
            ipsListed += std::size_t(principalCounts[k]) + targetCounts[k];
        }
        if (ipsListed != ips)
            refuse("lists " + std::to_string(ipsListed) + " addresses but holds " + std::to_string(ips));
        for (const std::size_t offset : { layout.eventType, layout.principalHostname, layout.processPath,
                 layout.processId, layout.targetHostname, layout.user, layout.ipValues }) {
            const StringId* ids = column<StringId>(base, offset);
            const std::size_t values = offset == layout.ipValues ? ips : n;
            StringId highest = 0;
            for (std::size_t k = 0; k < values; ++k)
                highest = std::max(highest, ids[k]);
            if (values > 0 && highest >= poolSize)
                refuse("refers to string " + std::to_string(highest) + ", which the case does not have");
        }

        EventTable::StoredColumns columns;
        columns.count = n;
        columns.sourceFile = static_cast<std::uint16_t>(sourceId);
        columns.timestamp = { timestamps, n };
        columns.idHash = { column<std::uint64_t>(base, layout.idHash), n };
        columns.sourceLine = { lines, n };
        columns.sourceOffset = { offsets, n };
        columns.bytesSent = { column<std::uint64_t>(base, layout.bytesSent), n };
        columns.bytesReceived = { column<std::uint64_t>(base, layout.bytesReceived), n };
        columns.joinKey = { column<std::uint64_t>(base, layout.joinKey), n };
        columns.eventType = { column<StringId>(base, layout.eventType), n };
        columns.principalHostname = { column<StringId>(base, layout.principalHostname), n };
        columns.processPath = { column<StringId>(base, layout.processPath), n };
        columns.processId = { column<StringId>(base, layout.processId), n };
        columns.targetHostname = { column<StringId>(base, layout.targetHostname), n };
        columns.user = { column<StringId>(base, layout.user), n };
        columns.ipValues = { column<StringId>(base, layout.ipValues), ips };
        columns.principalIpCount = { principalCounts, n };
        columns.targetIpCount = { targetCounts, n };
        columns.targetPort = { column<std::uint16_t>(base, layout.targetPort), n };
        columns.direction = { directions, n };
        columns.flags = { flags, n };
        columns.hostnameSource = { sources, n };
        table.appendStoredColumns(columns);
    }
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
