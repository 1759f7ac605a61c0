#!/usr/bin/env python3
"""Labelled evaluation of the seed rule, RITA v5's beacon score and Cepheid's beacon score.

Generates a labelled mix with tests/generator/generate_events.py, scores it with `cepheid-cli score --all`, joins the
labels on (src_ip, destination, process path) and prints Markdown tables:
  1. precision / recall / F1 of each method at its default threshold
     (rule: fires; RITA: score >= 0.7 and >= 0.5; Cepheid: verdict likely or beacon, the default alert verdict);
  2. per scenario: flows, how often each method flags them, and Cepheid's score range (the calibration table).
Positives are the implant scenarios (beacon-*, atomic-burst); negatives are developer, browser-polling and
fleet-poller. Flows Cepheid never considers (the network sensor's IP-only destinations) are left out: no method
here sees them. Exits 1 unless Cepheid's F1 is higher than both the rule's and RITA's (>= 0.7).

Usage: evaluate_scores.py --cli PATH [--scale N] [--seed N] [--days N] [--markdown FILE]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "..", "generator", "generate_events.py")
NEGATIVE = {"developer", "browser-polling", "fleet-poller"}


def is_positive(label):
    return label.startswith("beacon-") or label == "atomic-burst"


def metrics(flags, truth):
    tp = sum(1 for f, t in zip(flags, truth) if f and t)
    fp = sum(1 for f, t in zip(flags, truth) if f and not t)
    fn = sum(1 for f, t in zip(flags, truth) if not f and t)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return tp, fp, fn, precision, recall, f1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "mix.ndjson.gz")
        labels_path = os.path.join(work, "labels.csv")
        subprocess.run([sys.executable, GENERATOR, "--seed", str(args.seed), "--days", str(args.days), "--scale",
                        str(args.scale), "--labels", labels_path, "--output", data], check=True,
                       stderr=subprocess.DEVNULL)
        report = json.loads(subprocess.run([args.cli, "score", "--all", "--compact", "--now", "2026-01-01T00:00:00Z",
                                            data], check=True, capture_output=True).stdout)
        with open(labels_path, newline="", encoding="utf-8") as f:
            labels = {(r["src_ip"], r["dest"], r["proc_path"]): r["label"] for r in csv.DictReader(f)}

    rows = []
    for flow in report["flows"]:
        label = labels.get((flow["src_ip"], flow["dest_host"], flow["proc_path"]))
        if label is None or not (is_positive(label) or label in NEGATIVE):
            continue
        beacon = flow["beacon"]
        rows.append({"label": label, "truth": is_positive(label), "rule": flow["rule"]["fires"],
                     "rita": beacon["rita_score"] or 0.0, "verdict": beacon["verdict"], "score": beacon["score"]})

    truth = [r["truth"] for r in rows]
    methods = [
        ("Seed rule (fires)", [r["rule"] for r in rows]),
        ("RITA v5 score >= 0.7", [r["rita"] >= 0.7 for r in rows]),
        ("RITA v5 score >= 0.5", [r["rita"] >= 0.5 for r in rows]),
        ("Cepheid verdict >= likely (default)", [r["verdict"] in ("likely", "beacon") for r in rows]),
    ]
    lines = [f"Mix: generator --seed {args.seed} --days {args.days} --scale {args.scale}: {len(rows)} labelled flows "
             f"({sum(truth)} implants, {len(rows) - sum(truth)} benign).", "",
             "| method | TP | FP | FN | precision | recall | F1 |", "|---|---|---|---|---|---|---|"]
    results = {}
    for name, flags in methods:
        tp, fp, fn, precision, recall, f1 = metrics(flags, truth)
        results[name] = f1
        lines.append(f"| {name} | {tp} | {fp} | {fn} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")
    lines += ["", "| scenario | flows | rule fires | RITA >= 0.7 | Cepheid >= likely | Cepheid score range | verdicts |",
              "|---|---|---|---|---|---|---|"]
    for label in sorted({r["label"] for r in rows}):
        group = [r for r in rows if r["label"] == label]
        scores = [r["score"] for r in group]
        verdicts = sorted({r["verdict"] for r in group}, key=["beacon", "likely", "possible", "none"].index)
        lines.append(f"| {label} | {len(group)} | {sum(r['rule'] for r in group)} | "
                     f"{sum(r['rita'] >= 0.7 for r in group)} | "
                     f"{sum(r['verdict'] in ('likely', 'beacon') for r in group)} | "
                     f"{min(scores):.1f}-{max(scores):.1f} | {', '.join(verdicts)} |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    cepheid = results["Cepheid verdict >= likely (default)"]
    if not (cepheid > results["Seed rule (fires)"] and cepheid > results["RITA v5 score >= 0.7"]):
        print("FAIL: Cepheid's F1 does not beat both the rule's and RITA's", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
