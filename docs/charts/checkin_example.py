#!/usr/bin/env python3
"""Draws docs/charts/checkin-example.png: the check-in model on a real flow of the development data.

The flow is 147.32.83.161 -> 34.122.121.32 in Stratosphere's CTU-Normal-44 day (strat-012-normal, converted to UDM):
a connectivity checker every 5 minutes whose TCP connections often fail and are retried after 1, 2, 4, 8 s, so a
check-in is 1 to 13 connections. Needs matplotlib (Debian: python3-matplotlib) and the development data, which is
kept outside the repository (../shared/data from the project root).

Usage: /usr/bin/python3 docs/charts/checkin_example.py --cli build/default/app/cepheid-cli [--data ../shared/data]
"""

import argparse
import datetime
import gzip
import json
import math
import os
import subprocess
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE, DESTINATION = "147.32.83.161", "34.122.121.32"


def connections(path):
    times = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            target = event.get("target", {})
            destination = target.get("hostname") or (target.get("ip") or [""])[0]
            if destination == DESTINATION and SOURCE in event.get("principal", {}).get("ip", []):
                stamp = event["metadata"]["eventTimestamp"].replace("Z", "+00:00")
                times.append(datetime.datetime.fromisoformat(stamp).timestamp())
    return sorted(set(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    args = parser.parse_args()
    capture = os.path.join(args.data, "udm", "strat-012-normal.ndjson.gz")

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as profile:
        json.dump({"catalog": [{"platform": "any destination", "pattern": ".*"}]}, profile)
    report = json.loads(subprocess.run([args.cli, "score", "--all", "--compact", "--profile", profile.name, "--now",
                                        "2026-01-01T00:00:00Z", capture], check=True, capture_output=True).stdout)
    os.unlink(profile.name)
    flow = next(f for f in report["flows"] if f["src_ip"] == SOURCE and f["dest_host"] == DESTINATION)
    beacon = flow["beacon"]
    grouping = beacon["checkins"]["longest_inner_gap_s"]

    times = connections(capture)
    gaps = [b - a for a, b in zip(times, times[1:])]
    starts = [times[0]] + [b for a, b in zip(times, times[1:]) if b - a > grouping]
    checkin_gaps = [b - a for a, b in zip(starts, starts[1:])]

    fig, (strip, histogram) = plt.subplots(2, 1, figsize=(10, 6.4), gridspec_kw={"height_ratios": [1, 2.2]})
    t0 = starts[0]
    # Each connection at its time, stacked by its place in its check-in, so a burst reads as a column of dots.
    xs, ys, place = [], [], 0
    for previous, t in zip([None] + times, times):
        place = place + 1 if previous is not None and t - previous <= grouping else 1
        if t - t0 <= 2400:
            xs.append((t - t0) / 60)
            ys.append(place)
    strip.scatter(xs, ys, s=14, color="#2e86c1", zorder=3)
    strip.vlines([(s - t0) / 60 for s in starts if s - t0 <= 2400], 0, max(ys) + 1, color="#c0392b", linewidth=1,
                 alpha=0.6)
    strip.set_ylim(0, max(ys) + 1)
    strip.set_xlim(-0.5, 40.5)
    strip.set_ylabel("connection\nin check-in")
    strip.set_xlabel("minutes from the first check-in (red: check-in starts)")
    strip.set_title(f"{SOURCE} → {DESTINATION}: {len(times)} connections, {beacon['checkins']['count']} check-ins "
                    f"(up to {beacon['checkins']['largest']} connections each)", fontsize=11)

    edges = [10 ** (e / 8) for e in range(-16, 8 * 4 + 1)]
    histogram.hist(gaps, bins=edges, color="#2e86c1", alpha=0.8, label=f"gaps between connections ({len(gaps)})")
    histogram.hist(checkin_gaps, bins=edges, color="#c0392b", histtype="step", linewidth=2.2,
                   label=f"gaps between check-ins ({len(checkin_gaps)})")
    histogram.axvline(grouping, color="black", linestyle="--", linewidth=1)
    histogram.text(grouping * 1.15, histogram.get_ylim()[1] * 0.9,
                   f"connections up to {grouping:.0f} s apart\nare one check-in", fontsize=9, va="top")
    histogram.set_xscale("log")
    histogram.set_xticks([0.1, 1, 10, 60, 300, 1800, 3600], ["0.1 s", "1 s", "10 s", "1 min", "5 min", "30 min",
                                                             "1 h"])
    histogram.set_xlabel("gap (log scale)")
    histogram.set_ylabel("gaps")
    histogram.legend(loc="upper left")
    histogram.set_title(f"period {beacon['period_s']:.0f} s, single-beat jitter CV {beacon['single_beat_cv']:.3f}; "
                        f"as raw connections: median gap {sorted(gaps)[len(gaps) // 2]:.1f} s, "
                        f"CV {statistics_cv(gaps):.2f}", fontsize=11)
    fig.tight_layout()
    out = os.path.join(HERE, "checkin-example.png")
    fig.savefig(out, dpi=110)
    print(out)
    print(json.dumps({k: beacon[k] for k in ("score", "verdict", "period_s", "single_beat_cv", "single_beat_cv_bound",
                                             "jitter_cv", "checkins", "rita_score")}, indent=1))


def statistics_cv(values):
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) / mean


if __name__ == "__main__":
    main()
