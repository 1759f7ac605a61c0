#include "clioptions.h"

#include "reports/casereport.h"

#include <cstdlib>
#include <variant>

namespace cepheid::cli {

const char* const kUsage = R"(Usage:
  cepheid-cli score [--profile FILE] [--windows hop|sliding] [--all] [--min-score N] [--output FILE]
                    [--now TIME] [--compact] [--limit NAME=VALUE]... [--strict] INPUT...
  cepheid-cli score --case FILE [--profile FILE] [--windows …] [--all] [--min-score N] [--output FILE] …
  cepheid-cli import --case FILE [--title TEXT] [--analyst NAME] [--ticket REF] [--limit NAME=VALUE]...
                     [--strict] INPUT...
  cepheid-cli case info FILE
  cepheid-cli case verify FILE
  cepheid-cli case triage FILE --flow SRC_IP,DEST,PROC_PATH [--status STATUS] [--note TEXT] [--analyst NAME]
  cepheid-cli report --case FILE [--format html|pdf|json|csv|stix] [--select alerting|all|verdict:V|status:S]
                     [--raw N] [--bom]
                     [--output FILE]
  cepheid-cli rule export [--profile FILE|CASE.cepheid[@N]] --output DIR
  cepheid-cli profile show [--profile FILE]
  cepheid-cli profile diff BEFORE AFTER
  cepheid-cli --help | --version

Cepheid reproduces the Google Chronicle (SecOps) YARA-L rule t1584_007_serverless_c2_beaconing on exported
events and explains why each flow fired or not. A flow is (principal IP, destination, process path); the
destination is target.hostname, or the first target IP when the hostname is empty.

score
  Reads Chronicle UDM JSON exports (NDJSON, a JSON array, or udmSearch pages {"events":[{"name","udm"}]};
  lowerCamelCase or snake_case keys; plain or .gz) and prints a JSON report on standard output:
    inputs   per file: format, events read, records rejected with line and reason
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

  --profile FILE    tuning profile (JSON): thresholds, window model, domain catalog, allowlist.
                    Keys left out keep their defaults; see `cepheid-cli profile show`.
  --windows MODEL   hop (default): 24 h windows every 2.4 h aligned to the Unix epoch, Cepheid's model of
                    Chronicle's undocumented hop; sliding: a window starting at every event.
  --all             list every considered flow, not only those that fire or score.
  --min-score N     list flows that fire or score at least N (0-100) instead of the alert verdict.
  --output FILE     write the report to FILE instead of standard output.
  --now TIME        the time at which allowlist expiry is judged (RFC 3339); default: now.
  --compact         one-line JSON.

import
  Imports exports into a case file (SQLite, created if missing): every event, its original record (for
  drill-down), every reject with line, reason and excerpt, and the file's size and SHA-256. Importing the same
  file again does nothing and says so. Each file is one transaction: an import that fails, is interrupted or
  killed leaves the case exactly as it was. Prints JSON: {"case", "inputs":[{…,"sha256","already_imported"}],
  "events_in_case"}.

score --case FILE
  Scores the events of a case. Without --profile it uses the case's latest saved profile (or the defaults); a
  --profile that differs from it is saved in the case's tuning history. Each flow gains "triage".

report
  A case's findings under the case's newest saved profile. --format html (the default) and pdf are the case report
  for a ticket: the case, a summary with the what-if against the previous profile version, each finding with its
  score, the rule's outcome, its interval histogram, gap-over-time plot and timeline, triage and history, and the
  first --raw N raw records (default 5, 0 for none); an appendix of sources, rejects, the profile and rule lint.
  --format pdf needs --output. --format json is the score report (with
  triage and its history); --format csv is one row per flow with the columns listed in README.md, cells a
  spreadsheet would read as formulas neutralised, --bom for Excel. --select chooses the findings: alerting (the
  default), all, verdict:V (V or more: possible, likely, beacon), status:S (a triage status; untriaged is "new").
  --format stix is a STIX 2.1 bundle for a TIP or MISP: an indicator per destination of a flow triaged
  malicious, observed-data and a sighting per such flow, the producer's identity.
  --output writes the file atomically; without it the report goes to standard output.

case verify
  Reads the whole case back: SQLite's integrity check and foreign keys, every event value, every raw record chunk,
  and each source's counts against the events it holds. Prints each problem and exits 1, or "ok" and exits 0.
  Opening a case already refuses altered schemas; verify is for a case received from someone else.

case info
  Prints the case as JSON: title, analyst, ticket, sources with counts and SHA-256, events, tuning history,
  triage summary.

case triage
  Sets a flow's triage status (new, investigating, benign, malicious, false-positive), its note, or both; what
  is not given is kept (--note "" clears the note). The flow is the src_ip, dest_host and proc_path of the score
  report, separated by commas (the path may contain commas). Every change is kept in the case as the flow's
  history (status from and to, analyst, note, time), printed with the new state. Triage state belongs to the
  flow, so it survives re-scoring and profile changes.

rule export
  Writes the seed rule tuned by a profile back for Chronicle: DIR/t1584_007_serverless_c2_beaconing_tuned.yaral
  (the profile's thresholds, window, domain regex and catalog; the allowlist as YARA-L exclusions; meta naming the
  profile it came from) and one file per reference list it uses (DIR/<list>.txt, one value per line, its syntax
  type in a header comment). Expired allowlist entries are left out and listed at the end of the rule.

profile show
  Prints the effective profile (defaults merged with --profile FILE) as JSON. With --profile CASE.cepheid or
  CASE.cepheid@N it prints a case's newest or Nth saved version: the file a team shares.

profile diff
  Prints what changed from BEFORE to AFTER, one setting per line ("rule.min_events: 12 -> 8"). Each is a profile
  JSON file or CASE.cepheid[@N]. Allowlist entries are matched by id, catalog entries by pattern.

Reading inputs (score and import)
  An input is a file, a .gz, a pipe, /dev/stdin or <(…) (a case needs files: it keeps each one's SHA-256).
  --limit NAME=VALUE  what one import may cost; reaching a limit keeps what was read before it and says so:
      record-bytes=64M          one record (a longer one is rejected with its line)
      decompressed-bytes=64G    decompressed bytes read from one file
      compression-ratio=100     decompressed per compressed byte of a .gz, checked past 16 MiB (bombs)
      events=100M               events held in memory (all inputs, and a case's earlier events)
      stored-rejects=10k        rejects kept with line and excerpt per file in a case (all are counted)
    Sizes take K, M, G, T (binary); counts take k, M, G (decimal). See docs/security.md.
  --strict  exit 1 when an input gave no event from its bytes or stopped part-way (a truncated .gz, a limit)
            instead of warning; score then writes no report.

Profiles: wherever --profile takes a FILE, CASE.cepheid (newest saved version) or CASE.cepheid@N also works.

Exit status: 0 success; 1 an input or profile could not be read (message on standard error);
2 usage error.
)";

namespace {

// Takes the value of an option given as "--name VALUE" or "--name=VALUE".
bool takeValue(const std::vector<std::string>& arguments, std::size_t& i, const std::string& name, std::string& value,
    std::string& error, bool& matched)
{
    const std::string& argument = arguments[i];
    matched = false;
    if (argument == name) {
        matched = true;
        if (i + 1 >= arguments.size()) {
            error = name + " needs a value";
            return false;
        }
        value = arguments[++i];
        return true;
    }
    if (argument.rfind(name + "=", 0) == 0) {
        matched = true;
        value = argument.substr(name.size() + 1);
        return true;
    }
    return true;
}

// Takes --limit NAME=VALUE (repeatable) and --strict out of the arguments, leaving the rest.
bool takeInputOptions(std::vector<std::string>& arguments, InputOptions& input, std::string& error)
{
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        if (arguments[i] == "--") {
            rest.insert(rest.end(), arguments.begin() + static_cast<std::ptrdiff_t>(i), arguments.end());
            break;
        }
        if (arguments[i] == "--strict") {
            input.strict = true;
            continue;
        }
        std::string value;
        bool matched = false;
        if (!takeValue(arguments, i, "--limit", value, error, matched))
            return false;
        if (!matched)
            rest.push_back(arguments[i]);
        else if (!input.limits.set(value, error))
            return false;
    }
    arguments = std::move(rest);
    return true;
}

} // namespace

std::optional<ScoreOptions> parseScoreOptions(std::vector<std::string> arguments, std::string& error)
{
    ScoreOptions options;
    if (!takeInputOptions(arguments, options.input, error))
        return std::nullopt;
    bool onlyInputs = false;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (onlyInputs || argument.empty() || argument[0] != '-' || argument == "-") {
            options.inputs.push_back(argument);
            continue;
        }
        if (argument == "--") {
            onlyInputs = true;
            continue;
        }
        if (argument == "--all") {
            options.listAll = true;
            continue;
        }
        if (argument == "--compact") {
            options.compact = true;
            continue;
        }
        std::string value;
        bool matched = false;
        for (const char* name : { "--profile", "--windows", "--output", "--now", "--min-score", "--case" }) {
            if (!takeValue(arguments, i, name, value, error, matched))
                return std::nullopt;
            if (!matched)
                continue;
            const std::string option = name;
            if (option == "--profile")
                options.profilePath = value;
            else if (option == "--case")
                options.casePath = value;
            else if (option == "--output")
                options.outputPath = value;
            else if (option == "--now")
                options.now = value;
            else if (option == "--min-score") {
                char* end = nullptr;
                const double score = std::strtod(value.c_str(), &end);
                if (value.empty() || *end != '\0' || !(score >= 0 && score <= 100)) {
                    error = "--min-score must be a number from 0 to 100, not '" + value + "'";
                    return std::nullopt;
                }
                options.minScore = score;
            } else if (value == "hop" || value == "sliding")
                options.windows = value;
            else {
                error = "--windows must be hop or sliding, not '" + value + "'";
                return std::nullopt;
            }
            break;
        }
        if (!matched) {
            error = "unknown option '" + argument + "'";
            return std::nullopt;
        }
    }
    if (options.inputs.empty() && options.casePath.empty()) {
        error = "score needs INPUT files or --case FILE";
        return std::nullopt;
    }
    if (!options.inputs.empty() && !options.casePath.empty()) {
        error = "score takes INPUT files or --case FILE, not both (import the files into the case first)";
        return std::nullopt;
    }
    return options;
}

namespace {

// Parses "--name VALUE" / "--name=VALUE" options from a fixed list; everything else is positional.
// Named options with one value each. A target is a plain string, or an optional one when "given empty" (clear
// it) must differ from "not given" (keep it).
using NamedTarget = std::variant<std::string*, std::optional<std::string>*>;

bool parseNamed(const std::vector<std::string>& arguments,
    std::initializer_list<std::pair<const char*, NamedTarget>> named, std::vector<std::string>& positional,
    std::string& error)
{
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        if (arguments[i].size() < 2 || arguments[i][0] != '-') {
            positional.push_back(arguments[i]);
            continue;
        }
        bool matched = false;
        for (const auto& [name, target] : named) {
            std::string value;
            if (!takeValue(arguments, i, name, value, error, matched))
                return false;
            if (matched) {
                std::visit([&value](auto* field) { *field = value; }, target);
                break;
            }
        }
        if (!matched) {
            error = "unknown option '" + arguments[i] + "'";
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<ImportOptionsCli> parseImportOptions(std::vector<std::string> arguments, std::string& error)
{
    ImportOptionsCli options;
    if (!takeInputOptions(arguments, options.input, error))
        return std::nullopt;
    if (!parseNamed(arguments,
            { { "--case", &options.casePath }, { "--title", &options.title }, { "--analyst", &options.analyst },
                { "--ticket", &options.ticket } },
            options.inputs, error))
        return std::nullopt;
    if (options.casePath.empty()) {
        error = "import needs --case FILE";
        return std::nullopt;
    }
    if (options.inputs.empty()) {
        error = "import needs at least one INPUT file";
        return std::nullopt;
    }
    return options;
}

std::optional<CaseInfoOptions> parseCaseInfoOptions(const std::vector<std::string>& arguments, std::string& error)
{
    if (arguments.size() != 1 || arguments[0].starts_with("--")) {
        error = "case info takes exactly one case FILE";
        return std::nullopt;
    }
    return CaseInfoOptions { arguments[0] };
}

std::optional<CaseInfoOptions> parseCaseVerifyOptions(const std::vector<std::string>& arguments, std::string& error)
{
    if (arguments.size() != 1 || arguments[0].starts_with("--")) {
        error = "case verify takes exactly one case FILE";
        return std::nullopt;
    }
    return CaseInfoOptions { arguments[0] };
}

std::optional<ScoreOptions> parseReportOptions(const std::vector<std::string>& arguments, std::string& error)
{
    ScoreOptions options;
    options.format = "html"; // the case report; json, csv and stix are for tooling
    std::string select, now, raw;
    std::vector<std::string> flags, positional;
    std::vector<std::string> rest;
    for (const std::string& argument : arguments) // --bom is a flag; parseNamed takes named values only
        (argument == "--bom" ? flags : rest).push_back(argument);
    if (!parseNamed(rest,
            { { "--case", &options.casePath }, { "--format", &options.format }, { "--select", &select },
                { "--output", &options.outputPath }, { "--now", &now }, { "--raw", &raw } },
            positional, error))
        return std::nullopt;
    if (!positional.empty()) {
        error = "report reads a case (--case FILE), not '" + positional.front() + "'";
        return std::nullopt;
    }
    if (options.casePath.empty()) {
        error = "report needs --case FILE";
        return std::nullopt;
    }
    if (options.format != "html" && options.format != "pdf" && options.format != "json" && options.format != "csv"
        && options.format != "stix") {
        error = "--format must be html, pdf, json, csv or stix, not '" + options.format + "'";
        return std::nullopt;
    }
    if (options.format == "pdf" && (options.outputPath.empty() || options.outputPath == "-")) {
        error = "--format pdf needs --output FILE (a PDF is not text for a terminal)";
        return std::nullopt;
    }
    if (!raw.empty()) {
        if (options.format != "html" && options.format != "pdf") {
            error = "--raw applies to --format html and pdf";
            return std::nullopt;
        }
        std::size_t used = 0;
        unsigned long value = 0;
        try {
            value = std::stoul(raw, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != raw.size() || raw.front() == '-' || value > kMaxReportRawRecords) {
            error = "--raw must be a whole number from 0 to " + std::to_string(kMaxReportRawRecords) + ", not '" + raw
                + "'";
            return std::nullopt;
        }
        options.rawRecords = value;
    }
    if (options.format == "stix" && !select.empty() && select != "status:malicious") {
        error = "--format stix shares what analysts confirmed: the flows triaged malicious (no --select)";
        return std::nullopt;
    }
    options.bom = !flags.empty();
    if (options.bom && options.format != "csv") {
        error = "--bom applies to --format csv";
        return std::nullopt;
    }
    if (!select.empty()) {
        options.selection = parseFindingSelection(select, error);
        if (!options.selection)
            return std::nullopt;
    }
    if (!now.empty())
        options.now = now;
    return options;
}

std::optional<RuleExportOptions> parseRuleExportOptions(const std::vector<std::string>& arguments, std::string& error)
{
    RuleExportOptions options;
    std::vector<std::string> positional;
    if (!parseNamed(arguments, { { "--profile", &options.profilePath }, { "--output", &options.outputDirectory } },
            positional, error))
        return std::nullopt;
    if (!positional.empty()) {
        error = "rule export takes --profile and --output only, not '" + positional.front() + "'";
        return std::nullopt;
    }
    if (options.outputDirectory.empty()) {
        error = "rule export needs --output DIR";
        return std::nullopt;
    }
    return options;
}

std::optional<CaseTriageOptions> parseCaseTriageOptions(const std::vector<std::string>& arguments, std::string& error)
{
    CaseTriageOptions options;
    std::string flow;
    std::vector<std::string> positional;
    if (!parseNamed(arguments,
            { { "--flow", &flow }, { "--status", &options.status }, { "--note", &options.note },
                { "--analyst", &options.analyst } },
            positional, error))
        return std::nullopt;
    if (positional.size() != 1) {
        error = "case triage takes exactly one case FILE";
        return std::nullopt;
    }
    options.casePath = positional[0];
    const auto first = flow.find(',');
    const auto second = first == std::string::npos ? std::string::npos : flow.find(',', first + 1);
    if (second == std::string::npos) {
        error = "--flow must be SRC_IP,DEST,PROC_PATH";
        return std::nullopt;
    }
    options.sourceIp = flow.substr(0, first);
    options.destination = flow.substr(first + 1, second - first - 1);
    options.processPath = flow.substr(second + 1);
    if (!options.status && !options.note) {
        error = "case triage needs --status (new, investigating, benign, malicious, false-positive), --note, or both";
        return std::nullopt;
    }
    return options;
}

std::optional<ProfileShowOptions> parseProfileShowOptions(const std::vector<std::string>& arguments, std::string& error)
{
    ProfileShowOptions options;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        std::string value;
        bool matched = false;
        if (!takeValue(arguments, i, "--profile", value, error, matched))
            return std::nullopt;
        if (!matched) {
            error = "unknown argument '" + arguments[i] + "'";
            return std::nullopt;
        }
        options.profilePath = value;
    }
    return options;
}

std::optional<ProfileDiffOptions> parseProfileDiffOptions(const std::vector<std::string>& arguments, std::string& error)
{
    if (arguments.size() != 2 || arguments[0].starts_with("--") || arguments[1].starts_with("--")) {
        error = "profile diff needs two profiles: BEFORE AFTER";
        return std::nullopt;
    }
    return ProfileDiffOptions { arguments[0], arguments[1] };
}

} // namespace cepheid::cli
