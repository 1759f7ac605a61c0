#!/usr/bin/env python3
"""Writes the same traffic as a UDM NDJSON file (generate_events.py's output) in another format, for benchmarks and
manual checks: Defender DeviceNetworkEvents CSV or JSON lines (no byte counts: the table has none), or Chronicle UDM
CSV (dotted paths, lists in one cell).

Usage: udm_to_formats.py --format defender-csv|defender-json|udm-csv INPUT.ndjson[.gz] OUTPUT
"""

import argparse
import csv
import gzip
import json
import sys


def events(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def get(event, *path, default=""):
    for key in path:
        if not isinstance(event, dict) or key not in event:
            return default
        event = event[key]
    return event


def defender_row(event, index):
    process = get(event, "principal", "process", "file", "fullPath")
    inbound = get(event, "network", "direction") == "INBOUND"
    return {
        "Timestamp": get(event, "metadata", "eventTimestamp"),
        "DeviceId": "dev-" + get(event, "principal", "hostname", default="unknown"),
        "DeviceName": get(event, "principal", "hostname"),
        "ActionType": "InboundConnectionAccepted" if inbound else "ConnectionSuccess",
        "RemoteIP": (get(event, "target", "ip", default=[""]) or [""])[0],
        "RemotePort": get(event, "target", "port", default=0),
        "RemoteUrl": get(event, "target", "hostname"),
        "LocalIP": (get(event, "principal", "ip", default=[""]) or [""])[0],
        "InitiatingProcessFileName": process.split("\\")[-1],
        "InitiatingProcessFolderPath": process,
        "InitiatingProcessId": int(get(event, "principal", "process", "pid", default="0") or 0),
        "ReportId": index,
    }


UDM_COLUMNS = ["metadata.id", "metadata.event_timestamp", "metadata.event_type", "principal.hostname", "principal.ip",
               "principal.process.pid", "principal.process.file.full_path", "target.hostname", "target.ip",
               "target.port", "network.direction", "network.sent_bytes", "network.received_bytes"]


def udm_row(event):
    def cell(path):
        camel = {"event_timestamp": "eventTimestamp", "event_type": "eventType", "full_path": "fullPath",
                 "sent_bytes": "sentBytes", "received_bytes": "receivedBytes"}
        value = get(event, *[camel.get(part, part) for part in path.split(".")])
        if isinstance(value, list):
            return ", ".join(value)
        return value
    return [cell(column) for column in UDM_COLUMNS]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", required=True, choices=["defender-csv", "defender-json", "udm-csv"])
    parser.add_argument("input")
    parser.add_argument("output")
    arguments = parser.parse_args()
    with open(arguments.output, "w", encoding="utf-8", newline="") as out:
        if arguments.format == "defender-json":
            for index, event in enumerate(events(arguments.input)):
                out.write(json.dumps(defender_row(event, index)) + "\n")
        elif arguments.format == "defender-csv":
            writer = None
            for index, event in enumerate(events(arguments.input)):
                row = defender_row(event, index)
                if writer is None:
                    writer = csv.DictWriter(out, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
        else:
            writer = csv.writer(out)
            writer.writerow(UDM_COLUMNS)
            for event in events(arguments.input):
                writer.writerow(udm_row(event))
    return 0


if __name__ == "__main__":
    sys.exit(main())
