#include "clioptions.h"

#include "cases/triagestatus.h"
#include "model/timestamp.h"
#include "reports/casereport.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#ifndef CEPHEID_VERSION
#define CEPHEID_VERSION "unknown"
#endif

namespace cepheid::cli {

namespace {

// What `--help` shows, level by level: the synopsis lines of each command, its description (one line, also listed
// by the level above), its options, and what its footer explains.

const char* const kScoreSynopsis
    = R"(cepheid-cli score [--profile FILE] [--windows hop|sliding] [--all] [--min-score N] [--output FILE]
                  [--now TIME] [--compact] [--limit NAME=VALUE]... [--strict] INPUT...
cepheid-cli score --case FILE [--profile FILE] [--windows …] [--all] [--min-score N] [--output FILE] …
cepheid-cli score --clickhouse URL --table T [--mapping FILE] [--from TIME] [--to TIME] [--where SQL] [--ca FILE] …)";
const char* const kPushSynopsis
    = R"(cepheid-cli push --clickhouse URL --table T [--ca FILE] [--limit NAME=VALUE]... [--strict] INPUT...)";
const char* const kImportSynopsis
    = R"(cepheid-cli import --case FILE [--title TEXT] [--analyst NAME] [--ticket REF] [--limit NAME=VALUE]...
                   [--strict] INPUT...
cepheid-cli import --case FILE --clickhouse URL --table T [--mapping FILE] [--from TIME] [--to TIME] [--where SQL] …
cepheid-cli import --case FILE --refresh --clickhouse URL [--ca FILE])";
const char* const kCaseInfoSynopsis = "cepheid-cli case info FILE";
const char* const kCaseVerifySynopsis = "cepheid-cli case verify FILE";
const char* const kCaseTriageSynopsis
    = "cepheid-cli case triage FILE --flow SRC_IP,DEST,PROC_PATH [--status STATUS] [--note TEXT] [--analyst NAME]";
const char* const kReportSynopsis
    = R"(cepheid-cli report --case FILE [--format html|pdf|json|csv|stix] [--select alerting|all|verdict:V|status:S]
                   [--raw N] [--bom] [--output FILE])";
const char* const kRuleExportSynopsis = "cepheid-cli rule export [--profile FILE|CASE.cepheid[@N]] --output DIR";
const char* const kRuleRunSynopsis
    = R"(cepheid-cli rule run --clickhouse URL --table T [--mapping FILE] [--from TIME] [--to TIME] [--where SQL]
                     [--ca FILE] [--profile FILE] [--windows hop|sliding] [--all] [--output FILE] [--compact]
                     [--limit memory=BYTES])";
const char* const kProfileShowSynopsis = "cepheid-cli profile show [--profile FILE]";
const char* const kProfileDiffSynopsis = "cepheid-cli profile diff BEFORE AFTER";

const char* const kAbout
    = R"(Cepheid reproduces the Google Chronicle (SecOps) YARA-L rule t1584_007_serverless_c2_beaconing on exported
events and explains why each flow fired or not. A flow is (principal IP, destination, process path); the
destination is target.hostname, or the first target IP when the hostname is empty.)";

const char* const kArguments
    = R"(Arguments (every command): options and FILEs come in any order. An option's value follows it (--note TEXT)
or is joined to it (--note=TEXT) and is taken as given, even when it starts with '-': --note --help sets the
note to "--help". --note= (or --note '') gives an empty value. "--" ends the options: every argument after it
is a FILE, even one starting with '-'. --help (-h) prints the usage of the command it is given with.)";

const char* const kReadingInputs = R"(Reading inputs (score and import)
  An input is a file, a .gz, a pipe, /dev/stdin or <(…) (a case needs files: it keeps each one's SHA-256).
  --limit NAME=VALUE  what one import may cost; reaching a limit keeps what was read before it and says so:
      record-bytes=64M          one record (a longer one is rejected with its line)
      decompressed-bytes=64G    decompressed bytes read from one file
      compression-ratio=100     decompressed per compressed byte of a .gz, checked past 16 MiB (bombs)
      events=100M               events held in memory (all inputs, and a case's earlier events)
      stored-rejects=10k        rejects kept with line and excerpt per file in a case (all are counted)
    Sizes take K, M, G, T (binary); counts take k, M, G (decimal). See docs/security.md.
  --strict  exit 1 when an input gave no event from its bytes or stopped part-way (a truncated .gz, a limit)
            instead of warning; score then writes no report.)";

const char* const kProfiles
    = "Profiles: wherever --profile takes a FILE, CASE.cepheid (newest saved version) or CASE.cepheid@N also works.";

const char* const kExitStatus
    = R"(Exit status: 0 success; 1 an input or profile could not be read (message on standard error);
2 usage error, or an HTML or PDF report without cepheid-cli-reports.)";

const char* const kScoreFooter
    = R"(Reads telemetry exports, each detected by its content (docs/formats.md): Chronicle UDM JSON (NDJSON, a JSON
array, or udmSearch pages) and UDM CSV; Sysmon events 3 and 22 as .evtx, Windows event XML or JSON (Winlogbeat/ECS,
NXLog); Defender for Endpoint DeviceNetworkEvents as CSV or JSON; Zeek conn, ssl, http and dns logs as TSV or JSON;
cloud audit logs (AWS CloudTrail, Google Cloud Audit Logs, Azure Activity Log, Cloudflare audit logs), which give
change findings ("cloud_changes") linked to the flows that reach the changed function (docs/cloud-audit.md).
Plain or .gz, UTF-8 or UTF-16 with a byte-order mark. Names are joined across the inputs: a Zeek conn gets its
session's TLS server name or HTTP Host, a Sysmon connection the name its process resolved. Prints a JSON report:
  inputs   per file: format, events read, records rejected with line and reason, records skipped by kind
  flows    flows that fire the rule or whose beacon score reaches the profile's alert verdict (and are not
           allowlisted), highest score first; with --all every considered flow, i.e. every flow whose
           destination matches the rule's regex or the serverless catalog, including flows that can never fire
           (dropped_reason says why: empty process path, IP-only destination, ...). Each flow has "rule" (the
           seed rule's outcome) and "beacon" (Cepheid's 0-100 score, verdict beacon/likely/possible/none, the
           check-ins the connections group into, period and jitter coefficient between check-ins, named
           components, local_only for loopback/link-local/multicast/broadcast destinations, which never alert,
           and RITA v5's score over its last-24 h window for comparison; see docs/scoring.md)
  lint     findings about the rule itself (unanchored regex, Lambda URL pattern, short bursts, hop model)
  allowlist per profile entry: how many flows it hides (the first matching entry takes a flow), expired
  summary  counts of events, flows, detections and dropped events
Timestamps are RFC 3339 UTC. Bad records never stop an import: they are counted, listed and skipped.

score --case FILE
  Scores the events of a case. Without --profile it uses the case's latest saved profile (or the defaults); a
  --profile that differs from it is saved in the case's tuning history. Each flow gains "triage".

score --clickhouse URL --table T
  Scores events in a ClickHouse table (docs/clickhouse.md): the server lists the distinct destinations within
  --from/--to and --where, the profile's own regexes decide which the rule or catalog considers, and the server
  sends back only their events, which are scored here exactly as a file's. The password comes from CEPHEID_CLICKHOUSE_PASSWORD. --mapping FILE
  names the table's columns when it is not in Cepheid's layout (cepheid-cli push writes that layout). The report's
  "source" says the server, table and query.)";

const char* const kPushFooter
    = R"(Reads exports as score does, joins names across them, and appends the events to a ClickHouse table in
Cepheid's layout (docs/clickhouse.md), creating it (and its key table, T_cepheid) when missing. Event ids are
hashed with the table's own key, so a file pushed twice counts once in the rule's count_distinct. Cloud audit
calls are left out (their details have no column) and counted. The password comes from
CEPHEID_CLICKHOUSE_PASSWORD. Prints JSON: {"table", "inputs":[…], "events_pushed", "cloud_events_left_out",
"bytes_sent"}.)";

const char* const kImportFooter
    = R"(Imports exports into a case file (SQLite, created if missing): every event, its original record (for
drill-down), every reject with line, reason and excerpt, and the file's size and SHA-256. Importing the same
file again does nothing and says so. Each file is one transaction: an import that fails, is interrupted or
killed leaves the case exactly as it was. Prints JSON: {"case", "inputs":[{…,"sha256","already_imported"}],
"events_in_case"}.

import --case FILE --clickhouse URL --table T
  Imports what the case's newest saved profile considers in a ClickHouse table (as score --clickhouse fetches it)
  as one source: the events, each row as its original record (JSON), and the server, table and query, never the
  password (docs/clickhouse.md, "Cases"). The same answer imported again is said and skipped.

import --case FILE --refresh --clickhouse URL
  Asks the case's ClickHouse sources on that server again, as the case recorded them (table, mapping, range,
  condition), under the case's newest saved profile; each answer replaces its source's events in one transaction
  (docs/clickhouse.md, "Refreshing a case source"). The server is named on the command line, never taken from the
  case alone: a shared case cannot send your password elsewhere. The password comes from
  CEPHEID_CLICKHOUSE_PASSWORD.)";

const char* const kReportFooter
    = R"(A case's findings under the case's newest saved profile. --format html (the default) and pdf are the case report
for a ticket: the case, a summary with the what-if against the previous profile version, each finding with its
score, the rule's outcome, its interval histogram, gap-over-time plot and timeline, triage and history, and the
first --raw N raw records (default 5, 0 for none); an appendix of sources, rejects, the profile and rule lint.
--format pdf needs --output. HTML and PDF are drawn by cepheid-cli-reports, which the workbench package (cepheid)
installs; cepheid-cli itself needs no Qt. --format json is the score report (with triage and its history);
--format csv is one row per flow with the columns listed in README.md, cells a spreadsheet would read as formulas
neutralised, --bom for Excel. --select chooses the findings: alerting (the default), all, verdict:V (V or more:
possible, likely, beacon), status:S (a triage status; untriaged is "new"). --format stix is a STIX 2.1 bundle for
a TIP or MISP: an indicator per destination of a flow triaged malicious, observed-data and a sighting per such
flow, the producer's identity. --output writes the file atomically; without it the report goes to standard
output.)";

const char* const kCaseVerifyFooter
    = R"(Reads the whole case back: SQLite's integrity check and foreign keys, every event value, every raw record chunk,
and each source's counts against the events it holds. Prints each problem and exits 1, or "ok" and exits 0.
Opening a case already refuses altered schemas; verify is for a case received from someone else.)";

const char* const kCaseInfoFooter
    = R"(Prints the case as JSON: title, analyst, ticket, sources with counts and SHA-256, events, tuning history,
triage summary.)";

const char* const kCaseTriageFooter
    = R"(Sets a flow's triage status (new, investigating, benign, malicious, false-positive), its note, or both; what
is not given is kept (--note "" or --note= clears the note). The flow is the src_ip, dest_host and proc_path of
the score report, separated by commas (the path may contain commas). Every change is kept in the case as the
flow's history (status from and to, analyst, note, time), printed with the new state. Triage state belongs to
the flow, so it survives re-scoring and profile changes.)";

const char* const kRuleExportFooter
    = R"(Writes the seed rule tuned by a profile back for Chronicle: DIR/t1584_007_serverless_c2_beaconing_tuned.yaral
(the profile's thresholds, window, domain regex and catalog; the allowlist as YARA-L exclusions; meta naming the
profile it came from) and one file per reference list it uses (DIR/<list>.txt, one value per line, its syntax
type in a header comment). Expired allowlist entries are left out and listed at the end of the rule.)";

const char* const kRuleRunFooter
    = R"(Runs the seed rule inside ClickHouse (docs/clickhouse.md, "The rule on the server"): the server lists the
distinct destinations within --from/--to and --where, the profile's own regex decides which hostnames the rule
matches, and the server evaluates the events section, the match placeholders and every hop window of every flow,
sending back per flow only its counts, its firing windows and the one closest to firing. Nothing else is
fetched: over a month of a fleet the answer grows with the flows and their detections, not the events. Each flow's
"rule" object is the one `score` gives for the same events (tested), without the beacon score or allowlists, which
need the events (`score --clickhouse`). Sliding windows start at every event, which the server cannot bound: with
them the server sends the matched hostnames' events and the windows are evaluated here. Prints JSON: {"source",
"flows":[{src_ip, dest_host, proc_path, rule}], "summary"}; firing flows only unless --all. The password comes
from CEPHEID_CLICKHOUSE_PASSWORD.)";

const char* const kProfileShowFooter
    = R"(Prints the effective profile (defaults merged with --profile FILE) as JSON. With --profile CASE.cepheid or
CASE.cepheid@N it prints a case's newest or Nth saved version: the file a team shares.)";

const char* const kProfileDiffFooter
    = R"(Prints what changed from BEFORE to AFTER, one setting per line ("rule.min_events: 12 -> 8"). Each is a profile
JSON file or CASE.cepheid[@N]. Allowlist entries are matched by id, catalog entries by pattern.)";

std::string join(std::initializer_list<std::string_view> parts, std::string_view separator)
{
    std::string text;
    for (const std::string_view part : parts) {
        if (!text.empty())
            text += separator;
        text += part;
    }
    return text;
}

std::string indented(const std::string& text)
{
    std::string out = "  ";
    for (const char c : text) {
        out.push_back(c);
        if (c == '\n')
            out += "  ";
    }
    return out;
}

// CLI11's layout with the synopsis written out (CLI11's own would say "[OPTIONS] [INPUT...]"), the usage first,
// and an option's value named as the synopsis names it.
class HelpFormatter : public CLI::Formatter
{
public:
    std::map<const CLI::App*, std::string> synopsis;

    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override
    {
        if (mode == CLI::AppFormatMode::Sub)
            return make_expanded(app);
        const auto found = synopsis.find(app);
        std::string text
            = "Usage:\n" + indented(found == synopsis.end() ? name + " [OPTIONS]" : found->second) + "\n\n";
        if (!app->get_description().empty())
            text += app->get_description() + "\n";
        text += make_positionals(app) + make_groups(app, mode) + make_subcommands(app, mode);
        while (text.ends_with("\n\n")) // a hidden group leaves an empty line
            text.pop_back();
        if (!app->get_footer().empty())
            text += "\n" + make_footer(app);
        return text;
    }

    std::string make_option_opts(const CLI::Option* option) const override
    {
        return option->get_option_text().empty() ? std::string() : " " + option->get_option_text();
    }
};

struct Apps
{
    CLI::App* score = nullptr;
    CLI::App* report = nullptr;
    CLI::App* importCommand = nullptr;
    CLI::App* push = nullptr;
    CLI::App* caseGroup = nullptr;
    CLI::App* caseInfo = nullptr;
    CLI::App* caseVerify = nullptr;
    CLI::App* caseTriage = nullptr;
    CLI::App* rule = nullptr;
    CLI::App* ruleExport = nullptr;
    CLI::App* ruleRun = nullptr;
    CLI::App* profile = nullptr;
    CLI::App* profileShow = nullptr;
    CLI::App* profileDiff = nullptr;
    CLI::App* help = nullptr;
};

// What options give before they are checked: the values as typed, and which were given at all.
struct Given
{
    std::vector<std::string> limits;
    std::string windows, minScore, now, format, select, raw, flow, status, note, from, to;
    CLI::Option* windowsOption = nullptr;
    CLI::Option* ruleWindowsOption = nullptr;
    CLI::Option* minScoreOption = nullptr;
    CLI::Option* nowOption = nullptr;
    CLI::Option* statusOption = nullptr;
    CLI::Option* noteOption = nullptr;
    CLI::Option* formatOption = nullptr;
    CLI::Option* rawOption = nullptr;
    // What a command found where it takes no argument (report, rule export, profile show), and its FILEs.
    std::vector<std::string> stray, files;
    std::vector<std::string> helpTopic;
};

CLI::App* addCommand(CLI::App& parent, const std::string& name, const std::string& description,
    const std::string& footer, HelpFormatter& formatter, std::string synopsis)
{
    CLI::App* command = parent.add_subcommand(name, description);
    command->group("Commands");
    command->footer(footer);
    command->allow_extras(); // unknown options are said by checkUnknown, in one line
    formatter.synopsis[command] = std::move(synopsis);
    return command;
}

CLI::Option* addValue(CLI::App* command, const std::string& name, std::string& value, const std::string& valueName,
    const std::string& description)
{
    return command->add_option(name, value, description)->option_text(valueName);
}

// A value option written "--name=" has an empty value, which CLI11 2.1 cannot tell from "--name" (it would take the
// next argument as the value): it becomes "--name" "". An option's value is never rewritten, nor is anything after
// "--".
std::vector<std::string> emptyValuesSpelledOut(const std::vector<std::string>& arguments, const CLI::App& root)
{
    std::set<std::string> valueOptions;
    const auto collect = [&valueOptions](const CLI::App* app, const auto& self) -> void {
        for (const CLI::Option* option : app->get_options())
            if (option->nonpositional() && option->get_type_size() != 0)
                for (const std::string& name : option->get_lnames())
                    valueOptions.insert("--" + name);
        for (const CLI::App* sub : app->get_subcommands({}))
            self(sub, self);
    };
    collect(&root, collect);
    std::vector<std::string> out;
    out.reserve(arguments.size());
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (argument == "--") {
            out.insert(out.end(), arguments.begin() + static_cast<std::ptrdiff_t>(i), arguments.end());
            break;
        }
        if (valueOptions.contains(argument)) { // its value, whatever it is, follows
            out.push_back(argument);
            if (i + 1 < arguments.size())
                out.push_back(arguments[++i]);
            continue;
        }
        if (argument.ends_with('=') && valueOptions.contains(argument.substr(0, argument.size() - 1))) {
            out.push_back(argument.substr(0, argument.size() - 1));
            out.emplace_back();
            continue;
        }
        out.push_back(argument);
    }
    return out;
}

std::string fullName(const CLI::App* app)
{
    std::string name = app->get_name();
    for (const CLI::App* parent = app->get_parent(); parent; parent = parent->get_parent())
        name = parent->get_name() + " " + name;
    return name;
}

const CLI::App* deepestParsed(const CLI::App* app)
{
    for (;;) {
        const std::vector<CLI::App*> parsed = app->get_subcommands();
        if (parsed.empty())
            return app;
        app = parsed.front();
    }
}

// The first argument a level did not take, as a usage error: an unknown option, or at a level that takes
// commands, an unknown command. "--" is CLI11's note of where the options ended.
bool checkUnknown(const CLI::App* app, const std::string& commands, std::string& error)
{
    for (const std::string& argument : app->remaining(false)) {
        if (argument == "--")
            continue;
        if (argument.size() > 1 && argument[0] == '-')
            error = "unknown option '" + argument + "'";
        else if (app->get_parent() == nullptr)
            error = "unknown command '" + argument + "'";
        else
            error = app->get_name() + " needs a subcommand: " + commands;
        return false;
    }
    return true;
}

bool checkNow(const std::string& now, std::string& error)
{
    if (parseRfc3339(now))
        return true;
    error = "--now: '" + now + "' is not an RFC 3339 timestamp";
    return false;
}

bool checkLimits(const std::vector<std::string>& limits, InputOptions& input, std::string& error)
{
    for (const std::string& limit : limits) {
        if (const auto set = input.limits.set(limit); !set) {
            error = set.error();
            return false;
        }
    }
    return true;
}

// The ClickHouse options of score (selecting: --mapping, --from, --to, --where) and push.
bool checkClickHouse(ClickHouseOptions& options, const Given& given, bool selecting, std::string& error)
{
    const bool selectionGiven
        = !options.mappingPath.empty() || !given.from.empty() || !given.to.empty() || !options.where.empty();
    if (!options.given()) {
        if (!options.table.empty() || !options.caFile.empty() || (selecting && selectionGiven)) {
            error = "--table, --ca, --mapping, --from, --to and --where go with --clickhouse URL";
            return false;
        }
        return true;
    }
    if (options.table.empty() && options.mappingPath.empty()) {
        error = selecting ? "--clickhouse needs --table T (or a --mapping FILE that names the table)"
                          : "push needs --table T";
        return false;
    }
    for (const auto& [name, value, into] :
        { std::tuple { "--from", &given.from, &options.from }, std::tuple { "--to", &given.to, &options.to } }) {
        if (value->empty())
            continue;
        if (!parseRfc3339(*value)) {
            error = std::string(name) + ": '" + *value + "' is not an RFC 3339 timestamp";
            return false;
        }
        *into = *value;
    }
    return true;
}

bool checkRuleRun(RuleRunOptions& options, const Given& given, std::string& error)
{
    if (!given.stray.empty())
        error = "rule run takes options only, not '" + given.stray.front() + "'";
    else if (!options.clickhouse.given())
        error = "rule run needs --clickhouse URL";
    else if (given.ruleWindowsOption->count() > 0 && given.windows != "hop" && given.windows != "sliding")
        error = "--windows must be hop or sliding, not '" + given.windows + "'";
    else if (checkLimits(given.limits, options.input, error) && checkClickHouse(options.clickhouse, given, true, error)
        && given.ruleWindowsOption->count() > 0)
        options.windows = given.windows;
    return error.empty();
}

bool checkScore(ScoreOptions& options, const Given& given, std::string& error)
{
    if (!checkLimits(given.limits, options.input, error))
        return false;
    if (given.windowsOption->count() > 0) {
        if (given.windows != "hop" && given.windows != "sliding") {
            error = "--windows must be hop or sliding, not '" + given.windows + "'";
            return false;
        }
        options.windows = given.windows;
    }
    if (given.minScoreOption->count() > 0) {
        char* end = nullptr;
        const double score = std::strtod(given.minScore.c_str(), &end);
        if (given.minScore.empty() || *end != '\0' || !(score >= 0 && score <= 100)) {
            error = "--min-score must be a number from 0 to 100, not '" + given.minScore + "'";
            return false;
        }
        options.minScore = score;
    }
    if (given.nowOption->count() > 0) {
        if (!checkNow(given.now, error))
            return false;
        options.now = given.now;
    }
    const int sources = int(!options.inputs.empty()) + int(!options.casePath.empty()) + int(options.clickhouse.given());
    if (sources == 0) {
        error = "score needs INPUT files, --case FILE or --clickhouse URL";
        return false;
    }
    if (sources > 1) {
        error = !options.casePath.empty() && !options.inputs.empty()
            ? "score takes INPUT files or --case FILE, not both (import the files into the case first)"
            : "score takes one source: INPUT files, --case FILE or --clickhouse URL";
        return false;
    }
    return checkClickHouse(options.clickhouse, given, true, error);
}

bool checkReport(ScoreOptions& options, const Given& given, std::string& error)
{
    options.format = given.formatOption->count() > 0 ? given.format : "html"; // json, csv and stix are for tooling
    if (!given.stray.empty()) {
        error = "report reads a case (--case FILE), not '" + given.stray.front() + "'";
        return false;
    }
    if (options.casePath.empty()) {
        error = "report needs --case FILE";
        return false;
    }
    if (options.format != "html" && options.format != "pdf" && options.format != "json" && options.format != "csv"
        && options.format != "stix") {
        error = "--format must be html, pdf, json, csv or stix, not '" + options.format + "'";
        return false;
    }
    if (options.format == "pdf" && (options.outputPath.empty() || options.outputPath == "-")) {
        error = "--format pdf needs --output FILE (a PDF is not text for a terminal)";
        return false;
    }
    if (given.rawOption->count() > 0 && !given.raw.empty()) {
        if (options.format != "html" && options.format != "pdf") {
            error = "--raw applies to --format html and pdf";
            return false;
        }
        std::size_t used = 0;
        unsigned long value = 0;
        try {
            value = std::stoul(given.raw, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != given.raw.size() || given.raw.front() == '-' || value > kMaxReportRawRecords) {
            error = "--raw must be a whole number from 0 to " + std::to_string(kMaxReportRawRecords) + ", not '"
                + given.raw + "'";
            return false;
        }
        options.rawRecords = value;
    }
    if (options.format == "stix" && !given.select.empty() && given.select != "status:malicious") {
        error = "--format stix shares what analysts confirmed: the flows triaged malicious (no --select)";
        return false;
    }
    if (options.bom && options.format != "csv") {
        error = "--bom applies to --format csv";
        return false;
    }
    if (!given.select.empty()) {
        auto selection = parseFindingSelection(given.select);
        if (!selection) {
            error = selection.error();
            return false;
        }
        options.selection = std::move(*selection);
    }
    if (!given.now.empty()) {
        if (!checkNow(given.now, error))
            return false;
        options.now = given.now;
    }
    return true;
}

bool checkImport(ImportOptionsCli& options, const Given& given, std::string& error)
{
    if (!checkLimits(given.limits, options.input, error))
        return false;
    if (options.casePath.empty()) {
        error = "import needs --case FILE";
        return false;
    }
    if (options.inputs.empty() && !options.clickhouse.given()) {
        error = "import needs at least one INPUT file or --clickhouse URL";
        return false;
    }
    if (options.refresh) {
        // The server comes from the analyst, never from the case alone: a case from someone else must not be able
        // to send this analyst's password, or run its SQL under this account, on a server of its choosing.
        const bool selectionGiven = !options.clickhouse.table.empty() || !options.clickhouse.mappingPath.empty()
            || !given.from.empty() || !given.to.empty() || !options.clickhouse.where.empty();
        if (!options.clickhouse.given() || selectionGiven) {
            error = "--refresh takes --clickhouse URL, the server to ask again (as the case recorded the selection), "
                    "and no --table, --mapping, --from, --to or --where";
            return false;
        }
        return true;
    }
    return checkClickHouse(options.clickhouse, given, true, error);
}

bool checkOneFile(const Given& given, const std::string& command, std::string& casePath, std::string& error)
{
    if (given.files.size() != 1) {
        error = command + " takes exactly one case FILE";
        return false;
    }
    casePath = given.files.front();
    return true;
}

bool checkTriage(CaseTriageOptions& options, const Given& given, std::string& error)
{
    if (!checkOneFile(given, "case triage", options.casePath, error))
        return false;
    const std::string& flow = given.flow;
    const auto first = flow.find(',');
    const auto second = first == std::string::npos ? std::string::npos : flow.find(',', first + 1);
    if (second == std::string::npos) {
        error = "--flow must be SRC_IP,DEST,PROC_PATH";
        return false;
    }
    options.sourceIp = flow.substr(0, first);
    options.destination = flow.substr(first + 1, second - first - 1);
    options.processPath = flow.substr(second + 1);
    if (given.statusOption->count() > 0) {
        if (!isTriageStatus(given.status)) {
            error = "--status must be " + triageStatusChoices() + ", not '" + given.status + "'";
            return false;
        }
        options.status = given.status;
    }
    if (given.noteOption->count() > 0)
        options.note = given.note;
    if (!options.status && !options.note) {
        error = "case triage needs --status (" + triageStatusChoices() + "), --note, or both";
        return false;
    }
    return true;
}

// `cepheid-cli help [COMMAND [SUBCOMMAND]]`, as the old parser took `help`: the usage of the level named.
bool printHelpTopic(const CLI::App& root, const std::vector<std::string>& topic, std::ostream& out, std::string& error)
{
    const CLI::App* level = &root;
    for (const std::string& word : topic) {
        const CLI::App* next = nullptr;
        for (const CLI::App* sub : level->get_subcommands({}))
            if (sub->get_name() == word && !sub->get_group().empty())
                next = sub;
        if (!next) {
            error = "no help on '" + word + "': " + fullName(level) + " has no such command";
            return false;
        }
        level = next;
    }
    const std::string name = fullName(level);
    out << level->get_formatter()->make_help(level, name, CLI::AppFormatMode::Normal);
    return true;
}

} // namespace

CommandLine parseCommandLine(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err)
{
    CommandLine line;
    Given given;
    Apps apps;

    CLI::App root(kAbout, "cepheid-cli");
    const auto formatter = std::make_shared<HelpFormatter>();
    formatter->column_width(24);
    formatter->label("Positionals", "Arguments");
    root.formatter(formatter);
    root.set_help_flag("-h,--help", "print this help and exit (after a command: that command's)");
    root.set_version_flag("--version", std::string("cepheid-cli ") + CEPHEID_VERSION, "print the version and exit");
    root.footer(join({ kArguments, kProfiles, kExitStatus }, "\n\n"));
    // The last of a repeated option wins, as it always has; --limit is the one that adds up.
    root.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    root.require_subcommand(0, 1); // checked below, to say which commands there are
    root.allow_extras();
    formatter->synopsis[&root]
        = join({ kScoreSynopsis, kImportSynopsis, kPushSynopsis, kCaseInfoSynopsis, kCaseVerifySynopsis,
                   kCaseTriageSynopsis, kReportSynopsis, kRuleExportSynopsis, kRuleRunSynopsis, kProfileShowSynopsis,
                   kProfileDiffSynopsis, "cepheid-cli COMMAND --help", "cepheid-cli --help | --version" },
            "\n");

    const auto addInputOptions = [&given](CLI::App* command, InputOptions& input) {
        command
            ->add_option("--limit", given.limits,
                "what one import may cost (repeatable): record-bytes, decompressed-bytes,\n"
                "compression-ratio, events, stored-rejects; see Reading inputs below")
            ->option_text("NAME=VALUE")
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
            ->expected(1)
            ->allow_extra_args(false);
        command->add_flag("--strict", input.strict, "exit 1 when an input gave no event or stopped part-way");
    };

    // score
    ScoreOptions& score = line.score;
    apps.score = addCommand(root, "score", "score exports (or a case) against the rule and the beacon score: JSON",
        join({ kScoreFooter, kReadingInputs, kProfiles }, "\n\n"), *formatter, kScoreSynopsis);
    apps.score
        ->add_option(
            "INPUT", score.inputs, "telemetry exports in any format Cepheid reads (files, .gz, pipes, /dev/stdin)")
        ->option_text("...");
    addValue(apps.score, "--profile", score.profilePath, "FILE",
        "tuning profile (JSON): thresholds, window model, domain catalog, allowlist.\n"
        "Keys left out keep their defaults; see `cepheid-cli profile show`.");
    addValue(apps.score, "--case", score.casePath, "FILE", "score the events of a case instead of INPUT files");
    given.windowsOption = addValue(apps.score, "--windows", given.windows, "MODEL",
        "hop (default): 24 h windows every 2.4 h aligned to the Unix epoch, Cepheid's model of\n"
        "Chronicle's undocumented hop; sliding: a window starting at every event.");
    apps.score->add_flag("--all", score.listAll, "list every considered flow, not only those that fire or score.");
    given.minScoreOption = addValue(apps.score, "--min-score", given.minScore, "N",
        "list flows that fire or score at least N (0-100) instead of the alert verdict.");
    addValue(apps.score, "--output", score.outputPath, "FILE", "write the report to FILE instead of standard output.");
    given.nowOption = addValue(apps.score, "--now", given.now, "TIME",
        "the time at which allowlist expiry is judged (RFC 3339); default: now.");
    apps.score->add_flag("--compact", score.compact, "one-line JSON.");
    addInputOptions(apps.score, score.input);
    const auto addClickHouseOptions = [&given](CLI::App* command, ClickHouseOptions& clickhouse, bool selecting) {
        addValue(command, "--clickhouse", clickhouse.url, "URL",
            "a ClickHouse server's HTTP interface: http[s]://[user@]host[:port][/database]");
        addValue(command, "--table", clickhouse.table, "T", "the table (name or database.name)");
        addValue(command, "--ca", clickhouse.caFile, "FILE", "https: certificates to trust besides the system's (PEM)");
        if (!selecting)
            return;
        addValue(command, "--mapping", clickhouse.mappingPath, "FILE",
            "the table's columns as Cepheid's fields (JSON; docs/clickhouse.md)");
        addValue(command, "--from", given.from, "TIME", "only events at or after TIME (RFC 3339)");
        addValue(command, "--to", given.to, "TIME", "only events before TIME (RFC 3339)");
        addValue(command, "--where", clickhouse.where, "SQL", "only events meeting this ClickHouse condition");
    };
    addClickHouseOptions(apps.score, score.clickhouse, true);

    // push
    PushOptions& push = line.push;
    apps.push = addCommand(root, "push", "append exports to a ClickHouse table in Cepheid's layout",
        join({ kPushFooter, kReadingInputs }, "\n\n"), *formatter, kPushSynopsis);
    apps.push->add_option("INPUT", push.inputs, "telemetry exports in any format Cepheid reads")->option_text("...");
    addClickHouseOptions(apps.push, push.clickhouse, false);
    addInputOptions(apps.push, push.input);

    // import
    ImportOptionsCli& importing = line.importing;
    apps.importCommand = addCommand(root, "import", "import exports into a case file (SQLite, created if missing)",
        join({ kImportFooter, kReadingInputs }, "\n\n"), *formatter, kImportSynopsis);
    apps.importCommand
        ->add_option("INPUT", importing.inputs, "telemetry exports in any format Cepheid reads (files or .gz)")
        ->option_text("...");
    addValue(apps.importCommand, "--case", importing.casePath, "FILE", "the case file (created if missing)");
    addValue(apps.importCommand, "--title", importing.title, "TEXT", "the case's title");
    addValue(apps.importCommand, "--analyst", importing.analyst, "NAME", "the case's analyst (default: $USER)");
    addValue(apps.importCommand, "--ticket", importing.ticket, "REF", "the ticket the case belongs to");
    addInputOptions(apps.importCommand, importing.input);
    addClickHouseOptions(apps.importCommand, importing.clickhouse, true);
    apps.importCommand->add_flag("--refresh", importing.refresh,
        "with --clickhouse URL: ask the case's sources on that server again; each answer replaces its source's events");

    // case info | verify | triage
    apps.caseGroup = addCommand(root, "case", "a case file: info, verify, triage", "", *formatter,
        join({ kCaseInfoSynopsis, kCaseVerifySynopsis, kCaseTriageSynopsis }, "\n"));
    apps.caseGroup->require_subcommand(0, 1);
    apps.caseInfo
        = addCommand(*apps.caseGroup, "info", "print the case as JSON", kCaseInfoFooter, *formatter, kCaseInfoSynopsis);
    apps.caseInfo->add_option("FILE", given.files, "the case file");
    apps.caseVerify = addCommand(*apps.caseGroup, "verify", "read the whole case back and check it", kCaseVerifyFooter,
        *formatter, kCaseVerifySynopsis);
    apps.caseVerify->add_option("FILE", given.files, "the case file");
    apps.caseTriage = addCommand(*apps.caseGroup, "triage", "set a flow's triage status, note, or both",
        kCaseTriageFooter, *formatter, kCaseTriageSynopsis);
    apps.caseTriage->add_option("FILE", given.files, "the case file");
    addValue(apps.caseTriage, "--flow", given.flow, "SRC_IP,DEST,PROC_PATH",
        "the flow, as the score report's src_ip, dest_host and proc_path");
    given.statusOption = addValue(apps.caseTriage, "--status", given.status, "STATUS", triageStatusChoices());
    given.noteOption
        = addValue(apps.caseTriage, "--note", given.note, "TEXT", "the flow's note (--note= or --note '' clears it)");
    addValue(apps.caseTriage, "--analyst", line.caseTriage.analyst, "NAME", "who made the change (default: $USER)");

    // report
    ScoreOptions& report = line.score;
    apps.report = addCommand(root, "report", "a case's findings: the HTML or PDF case report, JSON, CSV or STIX",
        kReportFooter, *formatter, kReportSynopsis);
    apps.report->add_option("ARGUMENT", given.stray)->group(""); // said as "report reads a case"
    addValue(apps.report, "--case", report.casePath, "FILE", "the case");
    given.formatOption
        = addValue(apps.report, "--format", given.format, "FORMAT", "html (default), pdf, json, csv or stix");
    addValue(apps.report, "--select", given.select, "SELECTION",
        "alerting (default), all, verdict:V (V or more), status:S (a triage status)");
    given.rawOption
        = addValue(apps.report, "--raw", given.raw, "N", "html and pdf: the first N raw records of each finding (5)");
    apps.report->add_flag("--bom", report.bom, "csv: start with the UTF-8 byte-order mark Excel needs");
    addValue(apps.report, "--output", report.outputPath, "FILE", "write the report to FILE (atomically)");
    addValue(apps.report, "--now", given.now, "TIME", "the time at which allowlist expiry is judged (RFC 3339)");

    // rule export | run
    apps.rule = addCommand(root, "rule", "the seed rule: export it for Chronicle, run it in ClickHouse", "", *formatter,
        join({ kRuleExportSynopsis, kRuleRunSynopsis }, "\n"));
    apps.rule->require_subcommand(0, 1);
    apps.ruleExport = addCommand(*apps.rule, "export", "write the seed rule tuned by a profile, and its lists",
        join({ kRuleExportFooter, kProfiles }, "\n\n"), *formatter, kRuleExportSynopsis);
    apps.ruleExport->add_option("ARGUMENT", given.stray)->group("");
    addValue(apps.ruleExport, "--profile", line.ruleExport.profilePath, "FILE",
        "the profile (a file or CASE.cepheid[@N]); default: the defaults");
    addValue(apps.ruleExport, "--output", line.ruleExport.outputDirectory, "DIR", "the folder written to");
    RuleRunOptions& ruleRun = line.ruleRun;
    apps.ruleRun = addCommand(*apps.rule, "run", "run the seed rule inside ClickHouse: its outcome per flow, as JSON",
        join({ kRuleRunFooter, kProfiles }, "\n\n"), *formatter, kRuleRunSynopsis);
    apps.ruleRun->add_option("ARGUMENT", given.stray)->group("");
    addValue(apps.ruleRun, "--profile", ruleRun.profilePath, "FILE",
        "the profile (a file or CASE.cepheid[@N]): the rule's regex, window and thresholds");
    given.ruleWindowsOption = addValue(apps.ruleRun, "--windows", given.windows, "MODEL",
        "hop (default): computed by the server; sliding: a window at every event, computed here\n"
        "on the events the server sends");
    apps.ruleRun->add_flag(
        "--all", ruleRun.listAll, "list every flow of a matched hostname, not only those that fire.");
    addValue(
        apps.ruleRun, "--output", ruleRun.outputPath, "FILE", "write the report to FILE instead of standard output.");
    apps.ruleRun->add_flag("--compact", ruleRun.compact, "one-line JSON.");
    addClickHouseOptions(apps.ruleRun, ruleRun.clickhouse, true);
    // What the answer may take here; the other limits are for reading exports.
    apps.ruleRun
        ->add_option("--limit", given.limits, "memory=BYTES: what the answer may take here (default: 60 % of memory)")
        ->option_text("NAME=VALUE")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->expected(1)
        ->allow_extra_args(false);

    // profile show | diff
    apps.profile = addCommand(root, "profile", "tuning profiles: show, diff", "", *formatter,
        join({ kProfileShowSynopsis, kProfileDiffSynopsis }, "\n"));
    apps.profile->require_subcommand(0, 1);
    apps.profileShow = addCommand(*apps.profile, "show", "print the effective profile as JSON",
        join({ kProfileShowFooter, kProfiles }, "\n\n"), *formatter, kProfileShowSynopsis);
    apps.profileShow->add_option("ARGUMENT", given.stray)->group("");
    addValue(apps.profileShow, "--profile", line.profileShow.profilePath, "FILE",
        "merged over the defaults (a file or CASE.cepheid[@N])");
    apps.profileDiff = addCommand(*apps.profile, "diff", "print what changed from one profile to another",
        join({ kProfileDiffFooter, kProfiles }, "\n\n"), *formatter, kProfileDiffSynopsis);
    apps.profileDiff->add_option("PROFILE", given.files, "BEFORE and AFTER: profile files or CASE.cepheid[@N]");

    // help [COMMAND [SUBCOMMAND]]: not listed, kept for those who type it.
    apps.help = root.add_subcommand("help", "");
    apps.help->group("");
    apps.help->add_option("COMMAND", given.helpTopic);

    std::string error;
    std::vector<std::string> reversed = emptyValuesSpelledOut(arguments, root);
    std::reverse(reversed.begin(), reversed.end()); // CLI11 takes them last first
    const auto usageError = [&](const CLI::App* at) {
        for (char& c : error) // one line, whatever CLI11 said
            if (c == '\n')
                c = ' ';
        err << "cepheid-cli: " << error << "\nSee '" << fullName(at) << " --help'.\n";
        line.command = CommandLine::Command::None;
        line.exitCode = UsageError;
        return line;
    };
    try {
        root.parse(reversed);
    } catch (const CLI::Success& done) { // --help, --version
        line.exitCode = root.exit(done, out, err);
        return line;
    } catch (const CLI::ParseError& problem) {
        error = problem.what();
        // "--profile: 1 required TEXT missing": an option at the end without its value.
        const auto colon = error.find(": ");
        if (dynamic_cast<const CLI::ArgumentMismatch*>(&problem) && colon != std::string::npos
            && error.ends_with(" missing"))
            error = error.substr(0, colon) + " needs a value";
        // "Could not convert: --all = yes please": a flag given a value other than true or false.
        const std::string convert = "Could not convert: ";
        const auto equals = error.find(" = ");
        if (dynamic_cast<const CLI::ConversionError*>(&problem) && error.starts_with(convert)
            && equals != std::string::npos)
            error = error.substr(convert.size(), equals - convert.size()) + " is a flag: it takes no value, not '"
                + error.substr(equals + 3) + "'";
        return usageError(deepestParsed(&root));
    }

    const CLI::App* at = deepestParsed(&root);
    for (const CLI::App* level = at; level; level = level->get_parent()) {
        const std::string commands = level == apps.caseGroup ? "info, verify or triage"
            : level == apps.profile                          ? "show or diff"
            : level == apps.rule                             ? "export or run"
                                                             : "";
        if (!checkUnknown(level, commands, error))
            return usageError(level);
    }
    if (at == &root) {
        error = "no command given";
        return usageError(at);
    }
    if (at == apps.caseGroup || at == apps.rule || at == apps.profile) {
        error = at == apps.caseGroup ? "case needs a subcommand: info, verify or triage"
            : at == apps.rule        ? "rule needs a subcommand: export or run"
                                     : "profile needs a subcommand: show or diff";
        return usageError(at);
    }
    if (at == apps.help) {
        if (!printHelpTopic(root, given.helpTopic, out, error))
            return usageError(&root);
        return line;
    }

    using Command = CommandLine::Command;
    bool valid = false;
    if (at == apps.score) {
        line.command = Command::Score;
        valid = checkScore(line.score, given, error);
    } else if (at == apps.report) {
        line.command = Command::Report;
        valid = checkReport(line.score, given, error);
    } else if (at == apps.importCommand) {
        line.command = Command::Import;
        valid = checkImport(line.importing, given, error);
    } else if (at == apps.push) {
        line.command = Command::Push;
        if (!checkLimits(given.limits, line.push.input, error))
            valid = false;
        else if (!line.push.clickhouse.given())
            error = "push needs --clickhouse URL";
        else if (line.push.inputs.empty())
            error = "push needs at least one INPUT file";
        else
            valid = checkClickHouse(line.push.clickhouse, given, false, error);
        valid = valid && error.empty();
    } else if (at == apps.caseInfo) {
        line.command = Command::CaseInfo;
        valid = checkOneFile(given, "case info", line.caseInfo.casePath, error);
    } else if (at == apps.caseVerify) {
        line.command = Command::CaseVerify;
        valid = checkOneFile(given, "case verify", line.caseInfo.casePath, error);
    } else if (at == apps.caseTriage) {
        line.command = Command::CaseTriage;
        valid = checkTriage(line.caseTriage, given, error);
    } else if (at == apps.ruleExport) {
        line.command = Command::RuleExport;
        if (!given.stray.empty())
            error = "rule export takes --profile and --output only, not '" + given.stray.front() + "'";
        else if (line.ruleExport.outputDirectory.empty())
            error = "rule export needs --output DIR";
        valid = error.empty();
    } else if (at == apps.ruleRun) {
        line.command = Command::RuleRun;
        valid = checkRuleRun(line.ruleRun, given, error);
    } else if (at == apps.profileShow) {
        line.command = Command::ProfileShow;
        if (!given.stray.empty())
            error = "profile show takes --profile only, not '" + given.stray.front() + "'";
        valid = error.empty();
    } else if (at == apps.profileDiff) {
        line.command = Command::ProfileDiff;
        if (given.files.size() != 2)
            error = "profile diff needs two profiles: BEFORE AFTER";
        else
            line.profileDiff = ProfileDiffOptions { given.files[0], given.files[1] };
        valid = error.empty();
    }
    if (!valid)
        return usageError(at);
    return line;
}

} // namespace cepheid::cli
