#!/usr/bin/env python3
"""Draws docs/charts/scaling.png: time and peak memory of `cepheid-cli score` against the number of events.

Runs the CLI on each input (best of --repeat runs for the time, the largest peak RSS) and writes the figures to
docs/charts/scaling.csv and the chart to docs/charts/scaling.png. The inputs are NDJSON files made by
tests/generator/generate_events.py (docs/benchmarks.md says how the published ones were made); the event count of
each is read from the report. Needs matplotlib for the chart (Debian: python3-matplotlib); --no-chart writes only
the CSV.

Usage: python3 docs/charts/scaling.py --cli build/default/app/cepheid-cli FILE... [--repeat 2] [--no-chart]
              [--before CSV]   (a CSV this script wrote for an earlier build, drawn dashed for comparison)
"""

import argparse
import csv
import json
import os
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUDGET_BYTES_PER_EVENT = 120  # docs/architecture.md, "Performance budgets"


def run(cli, path, report):
    """One `cepheid-cli score` run: wall seconds and peak RSS in bytes (from wait4, the child's own maximum)."""
    start = time.perf_counter()
    process = subprocess.Popen([cli, "score", "--compact", "--now", "2025-04-01T00:00:00Z", "--output", report, path])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: an alert fired, which is the point
        raise SystemExit(f"cepheid-cli score {path} failed with status {status}")
    return seconds, usage.ru_maxrss * 1024


def measure(cli, paths, repeat):
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        report = os.path.join(folder, "report.json")
        for path in paths:
            best, peak = float("inf"), 0
            for _ in range(repeat):
                seconds, rss = run(cli, path, report)
                best, peak = min(best, seconds), max(peak, rss)
            with open(report, encoding="utf-8") as handle:
                events = sum(source["events_read"] for source in json.load(handle)["inputs"])
            rows.append({"file": os.path.basename(path), "bytes": os.path.getsize(path), "events": events,
                         "seconds": round(best, 3), "peak_rss_bytes": peak})
            print(f"{path}: {events:,} events, {best:.2f} s, peak RSS {peak / 2**20:.0f} MiB", flush=True)
    return rows


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return [{key: (value if key == "file" else float(value)) for key, value in row.items()}
                for row in csv.DictReader(handle)]


def chart(rows, output, before=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    events = [row["events"] / 1e6 for row in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    if before:
        earlier = [row["events"] / 1e6 for row in before]
        left.plot(earlier, [row["seconds"] for row in before], "s--", color="#8fb3dc", label="before")
        right.plot(earlier, [row["peak_rss_bytes"] / 2**20 for row in before], "s--", color="#e0a39c",
                   label="peak RSS before")
    left.plot(events, [row["seconds"] for row in rows], "o-", color="#1f5fa8", linewidth=2, label="now")
    if before:
        left.legend(loc="upper left", frameon=False)
    left.set_xlabel("events (millions)")
    left.set_ylabel("seconds")
    left.set_title("cepheid-cli score: wall time")
    gib = [row["bytes"] / 2**30 for row in rows]
    for x, y, size in zip(events, [row["seconds"] for row in rows], gib):
        left.annotate(f"{size:.1f} GiB", (x, y), textcoords="offset points", xytext=(-6, 8), fontsize=9)
    right.plot(events, [row["peak_rss_bytes"] / 2**20 for row in rows], "o-", color="#b03a2e", linewidth=2,
               label="peak RSS")
    base = rows[0]
    budget = [(base["peak_rss_bytes"] + (row["events"] - base["events"]) * BUDGET_BYTES_PER_EVENT) / 2**20
              for row in rows]
    right.plot(events, budget, "--", color="#777777", label=f"{BUDGET_BYTES_PER_EVENT} B/event from the first point")
    right.set_xlabel("events (millions)")
    right.set_ylabel("MiB")
    right.set_title("peak memory")
    right.legend(loc="upper left", frameon=False)
    for axis in (left, right):
        axis.grid(True, alpha=0.3)
        axis.set_xlim(left=0)
        axis.set_ylim(bottom=0)
    figure.tight_layout()
    figure.savefig(output)
    print(f"wrote {output}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--csv", default=os.path.join(HERE, "scaling.csv"))
    parser.add_argument("--png", default=os.path.join(HERE, "scaling.png"))
    parser.add_argument("--no-chart", action="store_true")
    parser.add_argument("--before", help="a CSV written by this script for an earlier build, drawn for comparison")
    parser.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    rows = measure(arguments.cli, arguments.files, arguments.repeat)
    with open(arguments.csv, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {arguments.csv}")
    if not arguments.no_chart:
        chart(rows, arguments.png, read_csv(arguments.before) if arguments.before else None)


if __name__ == "__main__":
    main()
