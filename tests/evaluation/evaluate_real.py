#!/usr/bin/env python3
"""Real-traffic evaluation of Cepheid's beacon score and the RITA v5 column on public labelled captures.

Scores every Chronicle UDM capture of the development data (DATA/udm/*.ndjson.gz, each with a *.flows.tsv of per-flow
ground truth) with `cepheid-cli score --all` under a profile that considers every destination (catalog ".*": the
captures are not serverless traffic, and the question here is whether the score tells beacons from the rest), joins
the labels on (source IP, destination, process path) and prints Markdown:
  1. per method: recall of C2 flows at its alert threshold, labelled-benign outbound flows that alert, and the average
     precision of the ranking (C2 flows against labelled-benign outbound flows, ranked by score);
  2. every C2 flow with its connections, check-ins and scores, so a miss can be read;
  3. the benign flows that alert, and unlabelled ("Background") outbound flows that alert, listed apart;
  4. RITA's own integration-test expectations on its proxy data (DATA/zeek/rita-proxy/rita_expected.tsv) beside the
     RITA column.
Positives: flows with c2 = 1. Negatives: flows labelled benign (malicious = 0) that are not inbound. Flows labelled
unknown (-1, Stratosphere's "Background") are neither. The data come from `../shared/data` (see its README); they are
not part of the repository. Without them the script says so and exits 77 (CTest's skip code).

It fails (exit 1) only on what the mechanisms promise whatever the data: a local-only destination (loopback,
link-local, multicast, broadcast) that alerts, a RITA score further from RITA's own expectation than RITA's own
integration test allows (0.05), or a different connection count in RITA's window. Sub-scores are printed, not
checked: RITA's data size is Zeek's orig_ip_bytes, which UDM does not carry (docs/scoring.md).

Usage: evaluate_real.py --cli PATH [--data DIR] [--markdown FILE]
"""

import argparse
import csv
import glob
import itertools
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data"))
SKIP = 77
EVERY_DESTINATION = {"catalog": [{"platform": "any destination", "pattern": ".*"}]}
RITA_TOLERANCE = 0.05  # activecm/rita integration/beacons_test.go compares scores with InDelta(..., 0.05)


def alerts(flow):
    return flow["beacon"]["verdict"] in ("likely", "beacon")


def rita_of(flow):
    return flow["beacon"]["rita_score"] or 0.0


def average_precision(rows, score):
    """Area under the precision-recall steps, ties taken together (scikit-learn's definition)."""
    positives = sum(r["c2"] for r in rows)
    if positives == 0:
        return 0.0
    ranked = sorted(rows, key=lambda r: -score(r))
    total = seen = hits = 0.0
    previous_recall = 0.0
    for _, group in itertools.groupby(ranked, key=score):
        group = list(group)
        seen += len(group)
        hits += sum(r["c2"] for r in group)
        recall = hits / positives
        total += (recall - previous_recall) * hits / seen
        previous_recall = recall
    return total


def load_labels(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {(r["host_ip"], r["dest_host"], r["proc_path"]): r for r in csv.DictReader(f, delimiter="\t")}


def score_capture(cli, capture, profile):
    report = subprocess.run([cli, "score", "--all", "--compact", "--profile", profile, "--now",
                             "2026-01-01T00:00:00Z", capture], check=True, capture_output=True).stdout
    return json.loads(report)


def describe(row):
    b = row["flow"]["beacon"]
    checkins = b.get("checkins") or {"count": "?", "largest": "?"}  # reports before check-ins had none
    period = f"{b['period_s']:.1f} s" if b["period_s"] is not None else "-"
    rita = f"{b['rita_score']:.3f}" if b["rita_score"] is not None else "-"
    return (f"| {row['capture']} | {row['flow']['src_ip']} → {row['flow']['dest_host']} | {row['flow']['events']} | "
            f"{checkins['count']} (≤ {checkins['largest']} per) | {period} | {b['score']:.1f} {b['verdict']} | {rita} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()

    captures = sorted(glob.glob(os.path.join(args.data, "udm", "*.ndjson.gz")))
    captures = [c for c in captures if os.path.exists(c.replace(".ndjson.gz", ".flows.tsv"))]
    if not captures:
        print(f"SKIP: no labelled captures under {args.data}/udm (the development data is kept outside the "
              "repository; see docs/scoring.md)")
        return SKIP

    rows, failures = [], []
    with tempfile.TemporaryDirectory() as work:
        profile = os.path.join(work, "every-destination.json")
        with open(profile, "w", encoding="utf-8") as f:
            json.dump(EVERY_DESTINATION, f)
        reports = {}
        for capture in captures:
            name = os.path.basename(capture).replace(".ndjson.gz", "")
            labels = load_labels(capture.replace(".ndjson.gz", ".flows.tsv"))
            report = score_capture(args.cli, capture, profile)
            reports[name] = report
            for flow in report["flows"]:
                if flow["beacon"].get("local_only") and alerts(flow):
                    failures.append(f"{name}: local-only {flow['dest_host']} alerts")
                label = labels.get((flow["src_ip"], flow["dest_host"], flow["proc_path"]))
                if label is None:
                    continue
                rows.append({"capture": name, "flow": flow, "c2": label["c2"] == "1",
                             "benign": label["malicious"] == "0" and label["direction"] != "INBOUND",
                             "unlabelled": label["malicious"] == "-1" and label["direction"] != "INBOUND"})

    pool = [r for r in rows if r["c2"] or r["benign"]]
    c2 = [r for r in pool if r["c2"]]
    benign = [r for r in pool if r["benign"]]
    lines = [f"Captures: {', '.join(os.path.basename(c) for c in captures)}; every destination considered.",
             f"Pool: {len(c2)} C2 flows, {len(benign)} labelled-benign outbound flows.", "",
             "| method | C2 flows alerting (recall) | benign outbound alerting | average precision |",
             "|---|---|---|---|"]
    methods = [("Cepheid verdict >= likely (default)", alerts, lambda r: r["flow"]["beacon"]["score"]),
               ("RITA v5 score >= 0.7", lambda f: rita_of(f) >= 0.7, lambda r: rita_of(r["flow"])),
               ("RITA v5 score >= 0.5", lambda f: rita_of(f) >= 0.5, lambda r: rita_of(r["flow"]))]
    for name, flags, score in methods:
        caught = sum(flags(r["flow"]) for r in c2)
        false_alarms = sum(flags(r["flow"]) for r in benign)
        lines.append(f"| {name} | {caught} / {len(c2)} ({caught / max(1, len(c2)):.2f}) | {false_alarms} / "
                     f"{len(benign)} ({false_alarms / max(1, len(benign)):.3f}) | "
                     f"{average_precision(pool, score):.3f} |")

    header = ["| capture | flow | connections | check-ins | period | Cepheid | RITA |", "|---|---|---|---|---|---|---|"]
    lines += ["", "C2 flows:", ""] + header + [describe(r) for r in sorted(c2, key=lambda r: -r["flow"]["beacon"]["score"])]
    alerting = sorted((r for r in benign if alerts(r["flow"])), key=lambda r: -r["flow"]["beacon"]["score"])
    lines += ["", "Labelled-benign outbound flows that alert:", ""] + header + [describe(r) for r in alerting]
    unlabelled = sorted((r for r in rows if r["unlabelled"] and alerts(r["flow"])),
                        key=lambda r: -r["flow"]["beacon"]["score"])
    lines += ["", f"Unlabelled (Background) outbound flows that alert: {len(unlabelled)} of "
                  f"{sum(r['unlabelled'] for r in rows)}", ""] + header + [describe(r) for r in unlabelled]

    expected_path = os.path.join(args.data, "zeek", "rita-proxy", "rita_expected.tsv")
    if "rita-proxy" in reports and os.path.exists(expected_path):
        lines += ["", "RITA's integration test on its proxy data (activecm/rita integration/beacons_test.go):", "",
                  "| flow | RITA count | Cepheid's RITA count | RITA score (ts, ds, dur, hist) | Cepheid's RITA column |",
                  "|---|---|---|---|---|"]
        flows = {(f["src_ip"], f["dest_host"]): f for f in reports["rita-proxy"]["flows"]}
        with open(expected_path, newline="", encoding="utf-8") as f:
            for expected in csv.DictReader(f, delimiter="\t"):
                flow = flows.get((expected["src"], expected["fqdn"]))
                if flow is None or flow["beacon"]["rita"] is None:
                    failures.append(f"RITA proxy: no RITA column for {expected['fqdn']}")
                    continue
                rita = flow["beacon"]["rita"]
                ours = (flow["beacon"]["rita_score"], rita["timestamp"], rita["data_size"], rita["duration"],
                        rita["histogram"])
                theirs = tuple(float(expected[k]) for k in ("score", "ts_score", "ds_score", "dur_score", "hist_score"))
                lines.append(f"| {expected['fqdn']} | {expected['count']} | {rita.get('connections', '?')} | "
                             f"{theirs[0]} ({theirs[1]}, {theirs[2]}, {theirs[3]}, {theirs[4]}) | "
                             f"{ours[0]} ({ours[1]}, {ours[2]}, {ours[3]}, {ours[4]}) |")
                if int(expected["count"]) != rita.get("connections"):
                    failures.append(f"RITA proxy {expected['fqdn']}: {rita.get('connections')} connections in the "
                                    f"window, RITA counts {expected['count']}")
                if abs(ours[0] - theirs[0]) > RITA_TOLERANCE + 1e-9:
                    failures.append(f"RITA proxy {expected['fqdn']}: {ours[0]} vs RITA's {theirs[0]}")

    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    for failure in failures:
        print("FAIL: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
