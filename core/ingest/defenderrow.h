#pragma once

#include "formatreader.h"
#include "model/event.h"

#include <string>
#include <string_view>

namespace cepheid {

// One row of Microsoft Defender for Endpoint's DeviceNetworkEvents table (Advanced Hunting, Sentinel / Log
// Analytics), as text: the CSV and JSON readers fill it, defenderRowEvent maps it (docs/formats.md, "Defender").
struct DefenderRow
{
    std::string_view timestamp; // Timestamp (Advanced Hunting) or TimeGenerated (Sentinel)
    std::string_view deviceId, deviceName;
    std::string_view actionType;
    std::string_view remoteIp, remotePort, remoteUrl;
    std::string_view localIp;
    std::string_view processFolder, processFile, processId; // InitiatingProcessFolderPath, …FileName, …Id
    std::string_view accountDomain, accountName; // InitiatingProcessAccountDomain, …Name
    std::string_view reportId;

    // Points the field a column fills at `value`; false for a column the mapping does not read. Column names are
    // compared without regard to case (exports differ).
    bool set(std::string_view column, std::string_view value);
    // The column set() would fill, for a header: -1 when none.
    static int fieldIndex(std::string_view column);
    void setField(int index, std::string_view value);
};

// What a row gives: an event, a row of another kind (skip) or a broken row (reject).
struct DefenderRowResult
{
    enum class Kind { Event, Skip, Reject } kind = Kind::Event;
    std::string text; // Skip: the kind ("Defender ListeningConnectionCreated"); Reject: the reason, naming the column
};

// Maps a row into `event` (cleared first). Its strings point into `row` and `scratch`, which must outlive the use.
// `recordText` identifies a row that has no ReportId.
DefenderRowResult defenderRowEvent(
    const DefenderRow& row, std::string_view recordText, EventRecord& event, std::string& scratch);

// Maps a row and hands the outcome to `sink`: its event, a skip, or a reject at `source.line` with the row's text
// (both readers deliver rows this way).
void readDefenderRow(const DefenderRow& row, std::string_view recordText, const SourceReference& source,
    RecordSink& sink, EventRecord& event, std::string& scratch);

// True when a header line or a JSON object names the columns only DeviceNetworkEvents has together.
bool looksLikeDeviceNetworkEvents(std::string_view text);

} // namespace cepheid
