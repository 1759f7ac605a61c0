#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer + ASan + UBSan, the engine and tests/fuzz only) and runs each fuzz target
# for SECONDS, starting from a copy of its committed seed corpus (tests/fuzz/corpus/<target>/ is never modified).
# Prints each target's executions; exits non-zero when any target crashed, hung, leaked, ran out of memory or made a
# sanitizer report, with the report and the path of the input that did it (kept under build/fuzz/artifacts/).
#
#   tests/fuzz/run-fuzzers.sh SECONDS [TARGET...]      e.g. tests/fuzz/run-fuzzers.sh 30
set -euo pipefail
cd "$(dirname "$0")/../.."

all_targets=(fuzz_record_splitter fuzz_udm_parser fuzz_profile_loader fuzz_case_loader fuzz_readers fuzz_sysmon_readers
    fuzz_zeek_readers fuzz_clickhouse_answer)
if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
    echo "usage: $0 SECONDS [TARGET...]   (targets: ${all_targets[*]})" >&2
    exit 2
fi
seconds=$1
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

started=$(date +%s)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2 --target "${targets[@]}"
built=$(date +%s)
echo "run-fuzzers: built in $((built - started)) s"

work=$(mktemp -d "${TMPDIR:-/tmp}/cepheid-fuzz-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts=$PWD/build/fuzz/artifacts
mkdir -p "$artifacts"

# Shadow memory is zeroed in place rather than handed back to the kernel: the record splitter allocates an 8 MiB
# buffer per input, and faulting its shadow pages in again made it about half as fast. Detection is unchanged.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:clear_shadow_mmap_threshold=1073741824"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1"

failed=()
summary=()
for target in "${targets[@]}"; do
    corpus=$work/corpus-$target
    cp -r "tests/fuzz/corpus/$target" "$corpus"
    log=$work/$target.log
    echo "run-fuzzers: $target for $seconds s ($(ls "$corpus" | wc -l) seeds)"
    status=0
    target_started=$(date +%s)
    "build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$target-" "$corpus" >"$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
    line="$target: ${executions:-?} executions in $(( $(date +%s) - target_started )) s, ${coverage:-no coverage line}"
    line="$line, corpus $(ls "$corpus" | wc -l)"
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        line="$line: FAILED (exit $status)"
        echo "---- $target: the last lines of libFuzzer's output ----"
        tail -n 60 "$log"
        grep -E '^(artifact_prefix|Test unit written to)' "$log" || true
        # CI throws its build folder away: a small input is printed too (base64 -d > FILE gives it back).
        for input in $(sed -n 's/.*Test unit written to //p' "$log" | sort -u); do
            if [ -f "$input" ] && [ "$(stat -c %s "$input")" -le 4096 ]; then
                echo "$input as base64: $(base64 -w 0 "$input")"
            fi
        done
        echo "---- reproduce: build/fuzz/tests/fuzz/$target CRASH_INPUT (or the ordinary build's replay binary) ----"
    fi
    summary+=("$line")
    echo "run-fuzzers: $line"
done

echo "run-fuzzers: summary ($(( $(date +%s) - started )) s in all)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "run-fuzzers: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo "run-fuzzers: all ${#targets[@]} target(s) ran without a finding"
