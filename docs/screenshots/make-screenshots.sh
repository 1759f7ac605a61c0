#!/usr/bin/env bash
# Regenerates the README screenshots from the bundled sample, without a display (Qt's offscreen platform).
# Usage: docs/screenshots/make-screenshots.sh [BUILD_DIR]   (default: build/default)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/default}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
for tab in why intervals events timeline host; do
    "$build/app/cepheid" --screenshot "docs/screenshots/workbench-$tab.png" --tab "$tab" \
        resources/samples/chronicle-udm-sample.ndjson.gz
done
echo "wrote docs/screenshots/workbench-{why,intervals,events,timeline,host}.png"
