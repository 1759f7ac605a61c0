#pragma once

#include "model/eventtable.h"
#include "rowbinary.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// A destination of step 1 of a fetch (docs/clickhouse.md, "What is pushed down"): the target hostname, else the first
// non-empty target address, and whether it is a hostname.
struct ClickHouseDestination
{
    std::string name;
    bool isHostname = false;
    friend bool operator==(const ClickHouseDestination&, const ClickHouseDestination&) = default;
};

// Reads a ClickHouse answer in RowBinary as it arrives, in pieces of any size: whole rows are read as soon as they
// are there, and the start of a row that a piece cut off waits for the next piece. The server is input like a file:
// a row longer than kMaxRowBytes, a field no row could have, or a value Cepheid does not write refuses the answer,
// naming the row; nothing is allocated from a length before its bytes have arrived.
class ClickHouseRowStream
{
public:
    static constexpr std::size_t kMaxRowBytes = std::size_t(64) << 20;
    enum class Row { Whole, Partial, Bad };

    // readRow reads one row from the reader: Whole, Partial (its end has not arrived; the reader is rewound), or Bad
    // (`problem` says why). False once the answer is refused.
    bool feed(std::string_view bytes, const std::function<Row(RowBinaryReader&, std::string& problem)>& readRow);
    // Whether the answer ended between rows; sets problem when it did not.
    bool finish();
    std::uint64_t rows() const { return m_rows; }
    const std::string& problem() const { return m_problem; }

private:
    std::string m_pending; // the start of a row whose end has not arrived
    std::uint64_t m_rows = 0;
    std::string m_problem;
};

// Step 1's answer: (String destination, UInt8 is a hostname) rows.
class ClickHouseDestinationRows
{
public:
    bool feed(std::string_view bytes);
    bool finish() { return m_stream.finish(); }
    const std::string& problem() const { return m_stream.problem(); }
    std::vector<ClickHouseDestination>& destinations() { return m_destinations; }
    // Memory the destinations take, for the import's memory limit: a fleet's distinct responder addresses can be
    // millions.
    std::uint64_t bytes() const { return m_bytes; }

private:
    ClickHouseRowStream m_stream;
    std::vector<ClickHouseDestination> m_destinations;
    std::uint64_t m_bytes = 0;
};

// Step 2's answer, appended to `into` as events; `onEvent` sees each event's record before it is appended (numbered
// from 0 across the answer).
// - RowPerEvent: the columns of clickHouseEventsQuery, a row an event; `hashedIds` says whether the id is a hash or a
//   string.
// - GroupedByFlow: clickHouseGroupedEventsQuery's rows, each the fields its events share, then an array per field of
//   their own (time, id hash, byte counts, source line and offset). Arrays of different lengths refuse the answer.
class ClickHouseEventRows
{
public:
    enum class Layout { RowPerEvent, GroupedByFlow };
    ClickHouseEventRows(EventTable& into, Layout layout, bool hashedIds,
        std::function<void(EventRecord&, std::uint64_t event)> onEvent = {});
    bool feed(std::string_view bytes);
    bool finish() { return m_stream.finish(); }
    std::uint64_t events() const { return m_events; }
    const std::string& problem() const { return m_stream.problem(); }

private:
    ClickHouseRowStream::Row readRow(RowBinaryReader& reader, std::string& problem);
    ClickHouseRowStream::Row readGroup(RowBinaryReader& reader, std::string& problem);
    void append();

    EventTable& m_into;
    Layout m_layout;
    bool m_hashedIds;
    std::function<void(EventRecord&, std::uint64_t)> m_onEvent;
    EventRecord m_record;
    ClickHouseRowStream m_stream;
    std::uint64_t m_events = 0;
};

} // namespace cepheid
