#!/usr/bin/env bash
# Regenerates the example case report of the bundled sample (docs/examples/sample-report.{html,pdf} and the PNG of
# its first page shown in the README), as an analyst would make it: a case with a title, analyst and ticket, two
# triaged flows (one with a history), and two saved profile versions, so the summary has a what-if.
# Usage: docs/examples/make-example-report.sh [BUILD_DIR]   (default: build/default; pdftoppm from poppler-utils)
set -euo pipefail
cd "$(dirname "$0")/../.."
cli="${1:-build/default}/app/cepheid-cli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case="$work/sample.cepheid"
"$cli" import --case "$case" --title "Serverless C2 hunt, lab sample" --analyst "ana" --ticket "INC-2041" \
    resources/samples/chronicle-udm-sample.ndjson.gz >/dev/null
triage() { "$cli" case triage "$case" --analyst ana "$@" >/dev/null; }
triage --flow '10.20.0.7,abc0xyz.execute-api.us-east-1.amazonaws.com,C:\Windows\System32\mshta.exe' \
    --status investigating --note "mshta beaconing every 2.8 min to API Gateway; asked the proxy team for URLs"
triage --flow '10.20.0.7,abc0xyz.execute-api.us-east-1.amazonaws.com,C:\Windows\System32\mshta.exe' \
    --status malicious --note "Proxy logs show /api/v2/task polling; host isolated (INC-2041)"
triage --flow '10.20.0.48,contoso-config-0.cloudfunctions.net,C:\Program Files\Contoso\Agent\contoso-agent.exe' \
    --status benign --note "Contoso config agent on the server fleet, polls every 5 min"
# Version 1: the defaults; version 2 allowlists the fleet's config agent (its twelve flows stop alerting).
echo '{}' >"$work/v1.json"
cat >"$work/v2.json" <<'JSON'
{"description": "Contoso config agent allowlisted",
 "allowlist": [{"id": "contoso-config-agent", "process": "C:\\Program Files\\Contoso\\Agent\\contoso-agent.exe",
                "reason": "Contoso config agent on the server fleet, polls every 5 min (CHG-1182)",
                "author": "ana", "created": "2026-11-29"}]}
JSON
for version in v1 v2; do
    "$cli" score --case "$case" --profile "$work/$version.json" >/dev/null
done
now=2026-11-29T12:00:00Z
"$cli" report --case "$case" --now "$now" --raw 3 --output docs/examples/sample-report.html
"$cli" report --case "$case" --now "$now" --raw 3 --format pdf --output docs/examples/sample-report.pdf
pdftoppm -r 60 -f 1 -l 1 -png -singlefile docs/examples/sample-report.pdf docs/examples/sample-report-page1
echo "wrote docs/examples/sample-report.{html,pdf} and sample-report-page1.png"
