// cepheid-cli import / case info / case triage: the case file from the command line.

#include "cases/casefile.h"
#include "cases/schema.h"
#include "clickhouse/clickhouserequest.h"
#include "clickhousecommands.h"
#include "clisupport.h"
#include "commands.h"
#include "findings/caseanalysis.h"
#include "reports/scorereport.h"
#include "util/jsonwriter.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

namespace cepheid::cli {

namespace {

std::unique_ptr<CaseFile> openCase(const std::string& path, CaseFile::Mode mode)
{
    auto caseFile = CaseFile::open(path, mode);
    if (!caseFile) {
        std::cerr << "cepheid-cli: case refused: " << caseFile.error() << '\n';
        return nullptr;
    }
    return std::move(*caseFile);
}

// What the case refused, said as every command says it (the reason starts with the case's path).
int refused(const std::string& reason)
{
    std::cerr << "cepheid-cli: " << reason << '\n';
    return InputError;
}

std::string currentUser()
{
    const char* user = std::getenv("USER");
    return user ? user : "";
}

int printJson(const std::string& json)
{
    std::cout << json;
    std::cout.flush();
    return std::cout ? Success : InputError;
}

} // namespace

int runCaseVerify(const CaseInfoOptions& options)
{
    const auto caseFile = openCase(options.casePath, CaseFile::Mode::ReadOnly);
    if (!caseFile)
        return InputError;
    const CaseFile::Verification verification = caseFile->verify();
    for (const std::string& problem : verification.problems)
        std::cout << options.casePath << ": " << problem << '\n';
    if (!verification.problems.empty())
        return InputError;
    std::cout << options.casePath << ": ok (" << verification.events << " events, " << verification.rawRecords
              << " raw records read back)\n";
    return Success;
}

int runImport(const ImportOptionsCli& options)
{
    const bool exists = std::filesystem::exists(options.casePath);
    auto caseFile = openCase(options.casePath, exists ? CaseFile::Mode::ReadWrite : CaseFile::Mode::Create);
    if (!caseFile)
        return InputError;
    caseFile->writeImportsAlone(true); // a batch import: nothing else in this process reads the case meanwhile
    if (!exists || !options.title.empty() || !options.analyst.empty() || !options.ticket.empty()) {
        auto info = caseFile->info();
        if (!info)
            return refused(info.error());
        if (!options.title.empty())
            info->title = options.title;
        info->analyst
            = options.analyst.empty() ? (info->analyst.empty() ? currentUser() : info->analyst) : options.analyst;
        if (!options.ticket.empty())
            info->ticket = options.ticket;
        if (const auto saved = caseFile->setInfo(*info); !saved)
            return refused(saved.error());
    }
    // Files are imported without their events in memory (CaseFile::importFileStreaming): only the case's strings. A
    // database source is imported beside the case's events, as the workbench does; then every input is, so that a
    // case too large to load is refused before anything is imported.
    const bool databaseSources = options.clickhouse.given() || options.refresh;
    EventTable events;
    if (const auto loaded = databaseSources ? caseFile->loadEvents(events) : caseFile->loadStrings(events); !loaded)
        return refused(loaded.error());
    std::string out;
    JsonWriter json(out);
    json.beginObject().field("case", options.casePath);
    json.key("inputs").beginArray();
    bool strictFailed = false;
    for (const std::string& input : options.inputs) {
        const auto result = databaseSources
            ? caseFile->importFile(input, events, importOptions(input, options.input))
            : caseFile->importFileStreaming(input, events, importOptions(input, options.input));
        if (!result)
            return refused(result.error());
        if (result->alreadyImported)
            std::cerr << "cepheid-cli: " << input << ": already in the case (same SHA-256): nothing imported\n";
        else if (!warnAboutInput(result->summary, options.input))
            strictFailed = true;
        json.beginObject()
            .field("path", input)
            .field("sha256", result->sha256)
            .field("already_imported", result->alreadyImported)
            .field("events_read", result->summary.eventsRead)
            .field("events_rejected", result->summary.eventsRejected)
            .endObject();
    }
    // A database source's answer: imported, or (with `replaces`) taking its old source's place.
    const auto importRemote = [&](const CaseFile::RemoteSource& source) -> int {
        const auto result = caseFile->importRemote(source, events);
        endProgressLine();
        if (!result)
            return refused(result.error());
        if (result->alreadyImported)
            std::cerr << "cepheid-cli: " << source.description
                      << (source.replaces
                                 ? ": the server answers as before: the source is unchanged\n"
                                 : ": the same answer is already in the case (same SHA-256): nothing imported\n");
        json.beginObject()
            .field("path", source.description)
            .field("format", source.format)
            .field("query", result->summary.query)
            .field("sha256", result->sha256)
            .field("already_imported", result->alreadyImported)
            .field("refreshed", source.replaces.has_value())
            .field("events_read", result->summary.eventsRead)
            .field("events_rejected", std::uint64_t(0))
            .endObject();
        return int(Success);
    };
    if (databaseSources) {
        // What the case's newest saved profile considers (the defaults for a new case) is what is fetched.
        const auto saved = newestSavedProfile(*caseFile);
        if (!saved)
            return refused(saved.error());
        if (options.clickhouse.given() && !options.refresh) {
            const auto source = caseSourceFor(options.clickhouse, saved->profile, options.input);
            if (!source)
                return InputError;
            if (const int status = importRemote(*source); status != int(Success))
                return status;
        }
        if (options.refresh) {
            const auto sources = caseFile->sources();
            if (!sources)
                return refused(sources.error());
            std::vector<std::string> elsewhere;
            bool any = false;
            for (const CaseSource& stored : *sources) {
                if (!isRefreshableClickHouseSource(stored))
                    continue; // a file, or a source imported before cases kept requests
                auto source = refreshSourceFor(stored, saved->profile, options.clickhouse, options.input);
                if (!source)
                    return InputError;
                if (!*source) {
                    elsewhere.push_back(stored.path);
                    continue;
                }
                any = true;
                if (const int status = importRemote(**source); status != int(Success))
                    return status;
            }
            for (const std::string& path : elsewhere)
                std::cerr << "cepheid-cli: --refresh: " << path << " is on another server than --clickhouse names: "
                          << "not asked\n";
            if (!any && elsewhere.empty())
                std::cerr << "cepheid-cli: --refresh: the case has no ClickHouse source it can ask again\n";
        }
    }
    json.endArray();
    const auto eventsInCase = caseFile->eventCount();
    if (!eventsInCase)
        return refused(eventsInCase.error());
    json.field("events_in_case", *eventsInCase);
    json.endObject();
    out.push_back('\n');
    const int printed = printJson(out);
    if (strictFailed) {
        std::cerr << "cepheid-cli: --strict: the case holds what was read, but an input gave no event or "
                     "stopped part-way\n";
        return InputError;
    }
    return printed;
}

int runCaseInfo(const CaseInfoOptions& options)
{
    auto caseFile = openCase(options.casePath, CaseFile::Mode::ReadOnly);
    if (!caseFile)
        return InputError;
    const auto info = caseFile->info();
    if (!info)
        return refused(info.error());
    const auto sources = caseFile->sources();
    if (!sources)
        return refused(sources.error());
    const auto events = caseFile->eventCount();
    if (!events)
        return refused(events.error());
    const auto profiles = caseFile->profiles();
    if (!profiles)
        return refused(profiles.error());
    const auto triage = caseFile->triage();
    if (!triage)
        return refused(triage.error());
    std::string out;
    JsonWriter json(out);
    json.beginObject();
    json.key("case")
        .beginObject()
        .field("path", options.casePath)
        .field("title", info->title)
        .field("analyst", info->analyst)
        .field("ticket", info->ticket)
        .field("created", info->created)
        .field("schema", latestSchemaVersion())
        .endObject();
    json.key("sources").beginArray();
    for (const CaseSource& source : *sources) {
        json.beginObject()
            .field("id", source.id)
            .field("path", source.path)
            .field("size", source.size)
            .field("sha256", source.sha256)
            .field("format", source.format)
            .field("layout", source.layout)
            .field("compressed", source.compressed)
            .field("imported_at", source.importedAt)
            .field("events_read", source.eventsRead)
            .field("events_rejected", source.eventsRejected)
            .fieldOrNull("read_error", source.readError);
        if (!source.query.empty()) // a database source (docs/clickhouse.md, "Cases")
            json.field("query", source.query);
        json.endObject();
    }
    json.endArray();
    json.field("events", *events);
    json.key("profiles").beginArray();
    for (const ProfileVersion& version : *profiles)
        json.beginObject()
            .field("id", version.id)
            .field("created_at", version.createdAt)
            .field("author", version.author)
            .field("note", version.note)
            .endObject();
    json.endArray();
    std::map<std::string, std::uint64_t> byStatus;
    for (const TriageState& state : *triage)
        ++byStatus[state.status];
    json.key("triage").beginObject();
    for (const std::string_view status : kTriageStatuses)
        json.field(status, byStatus[std::string(status)]);
    json.endObject();
    json.key("triaged").beginArray();
    for (const TriageState& state : *triage)
        writeTriageState(json, state, true);
    json.endArray();
    json.endObject();
    out.push_back('\n');
    return printJson(out);
}

int runCaseTriage(const CaseTriageOptions& options)
{
    auto caseFile = openCase(options.casePath, CaseFile::Mode::ReadWrite);
    if (!caseFile)
        return InputError;
    TriageUpdate update;
    update.sourceIp = options.sourceIp;
    update.destination = options.destination;
    update.processPath = options.processPath;
    update.status = options.status;
    update.notes = options.note;
    update.analyst = options.analyst.empty() ? currentUser() : options.analyst;
    const auto saved = caseFile->updateTriage(update);
    if (!saved)
        return refused(saved.error());
    std::string out;
    JsonWriter json(out);
    writeTriageState(json, *saved, true);
    out.push_back('\n');
    return printJson(out);
}

} // namespace cepheid::cli
