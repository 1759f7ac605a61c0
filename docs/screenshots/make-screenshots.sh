#!/usr/bin/env bash
# Regenerates the README screenshots from the bundled sample, without a display (Qt's offscreen platform).
# Usage: docs/screenshots/make-screenshots.sh [BUILD_DIR] [DATA_DIR]   (defaults: build/default, ../shared/data)
# The real-capture view is made from DATA_DIR/udm/strat-001-njrat.ndjson.gz when that file is there, and skipped
# (saying so) when it is not: the captures are not part of the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/default}
data=${2:-../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
cepheid() { "$build/app/cepheid" --size 1366x768 "$@"; } # the smallest common laptop screen
sample=resources/samples/chronicle-udm-sample.ndjson.gz
for tab in why intervals gaps events timeline host; do
    cepheid --screenshot "docs/screenshots/workbench-$tab.png" --tab "$tab" "$sample"
done
cepheid --theme dark --screenshot docs/screenshots/workbench-gaps-dark.png --tab gaps "$sample"
real="$data/udm/strat-001-njrat.ndjson.gz"
if [ -f "$real" ]; then
    # Every destination considered (the capture's C2 is a bare IP), the njRAT C2 flow selected.
    echo '{"catalog": [{"platform": "any destination", "pattern": ".*"}]}' >"$work/any.json"
    cepheid --screenshot docs/screenshots/workbench-gaps-real.png --tab gaps --profile "$work/any.json" \
        --select 41.108.179.197 "$real"
else
    echo "skipped workbench-gaps-real.png: $real is not there" >&2
fi

# Tuning: a case with two saved profile versions, opened with a what-if profile on top of them.
"$build/app/cepheid-cli" import --case "$work/tuning.cepheid" "$sample" >/dev/null
echo '{"rule": {"min_events": 20}}' >"$work/v1.json"
echo '{"rule": {"min_events": 12}, "score": {"fleet_hosts": 8}}' >"$work/v2.json"
for version in v1 v2; do
    "$build/app/cepheid-cli" score --case "$work/tuning.cepheid" --profile "$work/$version.json" >/dev/null
done
for tab in thresholds allowlist catalog history; do
    cepheid --screenshot "docs/screenshots/tuning-$tab.png" --tab "$tab" \
        --profile docs/screenshots/tuning-profile.json "$work/tuning.cepheid"
done
echo "wrote docs/screenshots/workbench-{why,intervals,gaps,gaps-dark,gaps-real,events,timeline,host}.png," \
    "tuning-{thresholds,allowlist,catalog,history}.png"
