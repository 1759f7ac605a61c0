#!/usr/bin/env python3
"""The case file's budget, measured round by round (docs/benchmarks.md, "Machine and method").

docs/architecture.md's budget: importing a file into a case costs at most 2x scoring the file, and reopening the
case (`score --case`) at most half of it. On a shared machine the seconds drift by a fifth from one minute to the
next, so each round runs `score`, `import --case` and `score --case` back to back and divides within the round; the
medians over the rounds are the figures. With --baseline, each round also imports with another build (which goes
first alternates), so the two imports are compared in the same minutes.

    python3 tests/bench/case_ratios.py [--rounds N] [--baseline OLD-CLI] build/default/app/cepheid-cli FILE

Each import writes a new case in a temporary folder, removed at the end. Every round also checks that `score --case`
reported exactly what `score` did (the case must change no result), and exits 1 when it did not. A benchmark; CTest
runs it for one round on the bundled sample (bench_case_ratios) so that it keeps working.
"""

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time

NOW = "2025-04-01T00:00:00Z"  # fixed, so every round's report is the same


def timed(command):
    """Runs a command, its output discarded; returns its wall seconds, or exits naming it when it fails."""
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"case_ratios: {' '.join(command)} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cli", help="the cepheid-cli to measure")
    parser.add_argument("file", help="an export, e.g. from tests/generator/generate_events.py")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--baseline", help="another cepheid-cli whose import is timed in the same rounds")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    for path in [args.cli, args.file] + ([args.baseline] if args.baseline else []):
        if not os.path.isfile(path):
            sys.exit(f"case_ratios: {path} is not a file")
    # A report names its input as it was given, and a case names it absolute: the same spelling for both.
    args.file = os.path.abspath(args.file)

    rows = []
    with tempfile.TemporaryDirectory(prefix="cepheid-case-ratios-") as folder:
        report = os.path.join(folder, "report.json")
        reopened = os.path.join(folder, "reopened.json")
        for round_number in range(1, args.rounds + 1):
            cases = {name: os.path.join(folder, f"{name}-{round_number}.cepheid") for name in ("new", "old")}
            score = timed([args.cli, "score", args.file, "--compact", "--now", NOW, "--output", report])
            imports = {}
            order = ["new", "old"] if round_number % 2 else ["old", "new"]
            for name in order:
                if name == "old" and not args.baseline:
                    continue
                cli = args.cli if name == "new" else args.baseline
                imports[name] = timed([cli, "import", "--case", cases[name], args.file])
            reopen = timed(
                [args.cli, "score", "--case", cases["new"], "--compact", "--now", NOW, "--output", reopened])
            if not filecmp.cmp(report, reopened, shallow=False):
                sys.exit(f"case_ratios: round {round_number}: score --case reported otherwise than score")
            row = {"score": score, "import": imports["new"], "reopen": reopen,
                   "import_ratio": imports["new"] / score, "reopen_ratio": reopen / score}
            if args.baseline:
                row["old_import"] = imports["old"]
                row["old_import_ratio"] = imports["old"] / score
            rows.append(row)
            line = (f"round {round_number}: score {score:.3f} s, import {imports['new']:.3f} s "
                    f"({row['import_ratio']:.2f}x), score --case {reopen:.3f} s ({row['reopen_ratio']:.3f}x)")
            if args.baseline:
                line += f", baseline import {imports['old']:.3f} s ({row['old_import_ratio']:.2f}x)"
            print(line, flush=True)
            for case in cases.values():
                for suffix in ("", "-journal", "-wal", "-shm"):
                    if os.path.exists(case + suffix):
                        os.remove(case + suffix)

    def summary(key):
        values = [row[key] for row in rows]
        return f"median {statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"

    print(f"score: {summary('score')} s")
    print(f"import --case / score: {summary('import_ratio')}   budget 2")
    print(f"score --case / score: {summary('reopen_ratio')}   budget 0.5")
    if args.baseline:
        print(f"baseline import --case / score: {summary('old_import_ratio')}")
        ratios = [row["import"] / row["old_import"] for row in rows]
        print(f"import, this build / baseline: median {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
