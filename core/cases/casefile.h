#pragma once

#include "ingest/importer.h"
#include "model/flowindex.h"
#include "sqlite.h"
#include "triagestatus.h"
#include "util/expected.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace cepheid {

struct CaseInfo
{
    std::string title, analyst, ticket, created;
};

struct CaseSource
{
    std::int64_t id = 0;
    std::string path, sha256, format, layout, importedAt, readError;
    std::string query; // a database source's query (importRemote); empty for a file
    std::string request; // how to ask a database source again (RemoteSource::request); empty for a file
    std::uint64_t size = 0, eventsRead = 0, eventsRejected = 0;
    bool compressed = false;
};

// One change of a flow's triage: what the status was, what it became, who wrote which notes, when.
struct TriageChange
{
    std::string fromStatus, status, analyst, notes, at;
    friend bool operator==(const TriageChange&, const TriageChange&) = default;
};

struct TriageState
{
    std::string sourceIp, destination, processPath;
    std::string status; // new, investigating, benign, malicious, false-positive
    std::string analyst, notes, updatedAt;
    std::vector<TriageChange> history; // oldest first; the last entry is this state
    friend bool operator==(const TriageState&, const TriageState&) = default;
};

// A flow as triage knows it: (source IP, destination, process path).
using TriageKey = std::tuple<std::string, std::string, std::string>;
using TriageMap = std::map<TriageKey, TriageState>;
TriageMap triageByFlow(std::vector<TriageState> states);

// What an analyst changes: only the fields given are changed, the rest is kept from the current state (a flow
// never triaged is "new" with no notes). Nothing is written when nothing changes.
struct TriageUpdate
{
    std::string sourceIp, destination, processPath;
    std::optional<std::string> status, notes;
    std::string analyst;
    std::string at; // empty: now
};

struct ProfileVersion
{
    std::int64_t id = 0;
    std::string createdAt, author, note, json;
};

// One investigation in one SQLite file (*.cepheid): imports with provenance, every event and its raw record,
// rejects, the tuning history and the triage state. All SQL is parameterised; WAL mode lets a second process
// read while one writes (unless imports write alone: writeImportsAlone). An import is one transaction: cancelled,
// failed or killed, it leaves the case as it was.
//
// Errors (core/util/expected.h): whatever the case or SQLite refuses is returned as the reason, which starts with
// the case's path (an import's own refusals start with the imported file's path); nothing here throws but
// std::bad_alloc.
class CaseFile
{
public:
    enum class Mode { ReadWrite, ReadOnly, Create };

    // Refuses, with the reason, files that are not SQLite, not a case, damaged, or from a newer Cepheid.
    [[nodiscard]] static Expected<std::unique_ptr<CaseFile>> open(const std::string& path, Mode mode);
    // Whether the case and its folder can be written (read-only media cannot: open those ReadOnly).
    static bool isWritableLocation(const std::string& path);

    // Everything opening checks, and what it leaves for later because it costs a full read: SQLite's
    // integrity_check and foreign keys, every event value (loadEvents), every raw chunk, and each source's counts
    // against the events it holds. Empty when the case is sound.
    struct Verification
    {
        std::vector<std::string> problems;
        std::uint64_t events = 0, rawRecords = 0;
    };
    Verification verify(); // never throws: what cannot be read is a problem too

    [[nodiscard]] Expected<CaseInfo> info();
    [[nodiscard]] Expected<void> setInfo(const CaseInfo& info);
    [[nodiscard]] Expected<std::vector<CaseSource>> sources();
    [[nodiscard]] Expected<std::uint64_t> eventCount();

    // Rebuilds the in-memory table from the case (the strings keep their ids). Source file indexes are source ids.
    // A value the case should not hold refuses it, naming the row.
    [[nodiscard]] Expected<void> loadEvents(EventTable& table);

    struct ImportResult
    {
        InputSummary summary;
        std::string sha256;
        bool alreadyImported = false; // the same bytes were imported before: nothing was done
    };
    // Imports one export. `table` must hold this case's events (loadEvents); on success it also holds the new
    // ones, and on failure or cancel the case is unchanged and `table` must be reloaded.
    [[nodiscard]] Expected<ImportResult> importFile(
        const std::string& path, EventTable& table, const ImportOptions& options = {});
    // The case's strings, each under its id, and no event: what importFileStreaming imports into.
    [[nodiscard]] Expected<void> loadStrings(EventTable& table);
    // The batch import (cepheid-cli import), for a caller that does not read the events afterwards: importFile with
    // each chunk of events written to the case as soon as it is complete, then dropped from `strings`. The import
    // holds a chunk or two of events and the case's strings, whatever the size of the file or the case, and the case
    // is what importFile makes of the same file. `strings` must hold this case's strings and no event (loadStrings);
    // on success it holds the new strings too, and no event; on failure or cancel the case is unchanged and
    // `strings` must be reloaded.
    [[nodiscard]] Expected<ImportResult> importFileStreaming(
        const std::string& path, EventTable& strings, const ImportOptions& options = {});
    // A selection from a database server, imported as one source (docs/clickhouse.md, "Cases"). `fetch` appends the
    // events to the table it is given (which hashes an id string with this case's key; hashes the server stores are
    // kept), each with `sourceIndex` as its file and its row number as line and offset, hands each row's text to
    // `onRecord` (kept as the event's original record), and returns the query it ran. The source keeps
    // `description` (the server without credentials, and the table), the query, and a SHA-256 over the records'
    // digests sorted: the same answer, in any order, imported again is said to be already imported. `table` as for
    // importFile.
    //
    // With `replaces`, the answer takes the place of that database source (a refresh, or a re-query after the
    // selection changed), in the same transaction: the old source's events, records and details are removed and the
    // events after them move up. An answer equal to the old one keeps its events (alreadyImported) and records the new
    // request. The new source has a new id; triage, kept by flow, is untouched.
    struct RemoteSource
    {
        std::string description, format;
        std::string request; // kept with the source: how to ask again (the server without credentials, the selection)
        std::optional<std::int64_t> replaces;
        std::function<Expected<std::string>(EventTable& into, std::uint16_t sourceIndex,
            const std::function<void(std::uint64_t row, std::string_view text)>& onRecord)>
            fetch;
    };
    [[nodiscard]] Expected<ImportResult> importRemote(const RemoteSource& source, EventTable& table);
    // Imports take the case for themselves when its connection is the only one: written once under a rollback journal
    // instead of twice through WAL (ImportJournal, docs/case-format.md), about a quarter faster for a large file, and
    // another process that opens the case meanwhile waits for the import (up to 5 s) instead of reading the case as
    // it was. For `cepheid-cli import`; the workbench reads its case through other connections (the report preview,
    // Verify Case) and keeps the default, WAL.
    void writeImportsAlone(bool alone) { m_importsAlone = alone; }

    // The original text of the record an event came from (std::nullopt: the case does not hold it).
    [[nodiscard]] Expected<std::optional<std::string>> rawRecord(std::int64_t sourceId, std::uint64_t offset);
    // The first `limit`, in order.
    [[nodiscard]] Expected<std::vector<Reject>> rejects(std::int64_t sourceId, std::size_t limit = SIZE_MAX);

    // Applies the update and records it in the flow's history, in one transaction; returns the flow's state.
    // A status that is not a triage status is refused.
    [[nodiscard]] Expected<TriageState> updateTriage(const TriageUpdate& update);
    // Several updates in one transaction: all are kept, or (on an error) none.
    [[nodiscard]] Expected<std::vector<TriageState>> updateTriage(const std::vector<TriageUpdate>& updates);
    // Every triaged flow with its history.
    [[nodiscard]] Expected<std::vector<TriageState>> triage();
    // One flow's state (std::nullopt: never triaged).
    [[nodiscard]] Expected<std::optional<TriageState>> triage(
        const std::string& sourceIp, const std::string& destination, const std::string& processPath);

    // Returns the new version's id.
    [[nodiscard]] Expected<std::int64_t> saveProfile(
        const std::string& json, const std::string& author, const std::string& note);
    [[nodiscard]] Expected<std::vector<ProfileVersion>> profiles();

    const std::string& path() const { return m_path; }

private:
    CaseFile(std::string path, std::unique_ptr<sql::Database> database);
    // What the public methods run: these throw sql::Error, which those return as the reason.
    void verifyInto(Verification& result);
    void writeInfo(const CaseInfo& info);
    std::uint64_t countEvents();
    void readEvents(EventTable& table);
    void readEventsInSnapshot(EventTable& table);
    TriageState applyTriage(const TriageUpdate& update); // inside a transaction
    // Inside an import's transaction: the strings from `firstString` on, and events [firstEvent, end) of `table`
    // with their HTTP and cloud details, as the source `sourceId`'s.
    void storeNewEvents(
        std::int64_t sourceId, const EventTable& table, std::size_t firstEvent, std::size_t firstString);
    void storeNewStrings(const EventTable& table, std::size_t firstString);
    // The HTTP and cloud details of events [first, end) of `table`, whose first event is the case's event
    // `indexBase`.
    void storeDetails(const EventTable& table, std::size_t first, std::size_t end, std::size_t indexBase);
    Expected<ImportResult> importFileInto(
        const std::string& path, EventTable& table, const ImportOptions& options, bool streaming);
    // Inside a write transaction: removes a source and everything it brought, and closes the gap in event indexes.
    void removeSource(std::int64_t sourceId);

    std::uint64_t m_idKey = 0; // the case's event-id hash key (EventTable::setIdKey); 0 in cases older than keys

    std::string m_path;
    bool m_importsAlone = false;
    std::unique_ptr<sql::Database> m_database;
};

std::string nowRfc3339();
// An imported source as the reports describe inputs (its rejects are not included).
InputSummary summaryOf(const CaseSource& source);
} // namespace cepheid
