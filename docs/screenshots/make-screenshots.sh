#!/usr/bin/env bash
# Regenerates the README screenshots from the bundled sample, without a display (Qt's offscreen platform).
# Usage: docs/screenshots/make-screenshots.sh [BUILD_DIR]   (default: build/default)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/default}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
sample=resources/samples/chronicle-udm-sample.ndjson.gz
for tab in why intervals events timeline host; do
    "$build/app/cepheid" --screenshot "docs/screenshots/workbench-$tab.png" --tab "$tab" "$sample"
done

# Tuning: a case with two saved profile versions, opened with a what-if profile on top of them.
"$build/app/cepheid-cli" import --case "$work/tuning.cepheid" "$sample" >/dev/null
echo '{"rule": {"min_events": 20}}' >"$work/v1.json"
echo '{"rule": {"min_events": 12}, "score": {"fleet_hosts": 8}}' >"$work/v2.json"
for version in v1 v2; do
    "$build/app/cepheid-cli" score --case "$work/tuning.cepheid" --profile "$work/$version.json" >/dev/null
done
for tab in thresholds allowlist history; do
    "$build/app/cepheid" --screenshot "docs/screenshots/tuning-$tab.png" --tab "$tab" \
        --profile docs/screenshots/tuning-profile.json "$work/tuning.cepheid"
done
echo "wrote docs/screenshots/workbench-{why,intervals,events,timeline,host}.png, tuning-{thresholds,allowlist,history}.png"
