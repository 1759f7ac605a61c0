#!/usr/bin/env python3
"""Deterministic generator of Zeek conn.log traffic, for the Zeek readers' benchmark: the same connections written as
Zeek TSV (the ASCII writer's default), as Zeek JSON (dotted keys, one object per line) and as their Chronicle UDM
NDJSON twin (what docs/formats/zeek.md maps a conn record to: no hostname, no process).

Traffic: --hosts internal hosts over --days days, each with a few periodic check-ins (every 60 s to 1 h, some jitter)
and ordinary connections to --destinations external addresses; some connections have no payload seen (bytes "-"),
some are inbound. Every run with the same arguments writes the same bytes.

Usage: generate_zeek.py --events N --tsv FILE --json FILE --udm FILE [--seed S] [--hosts H] [--destinations D]
                        [--days D]   (a .gz output is compressed)

Benchmark (docs/formats/zeek.md, "Cost"):
    python3 tests/generator/generate_zeek.py --events 1000000 --tsv /tmp/conn.log --json /tmp/conn.json \\
        --udm /tmp/conn.udm.ndjson
    /usr/bin/time -v build/default/app/cepheid-cli score /tmp/conn.log > /dev/null   # and conn.json, conn.udm.ndjson
"""

import argparse
import gzip
import json
import random
import time

START = 1741046400  # 2025-03-04T00:00:00Z

TSV_HEADER = """#separator \\x09
#set_separator\t,
#empty_field\t(empty)
#unset_field\t-
#path\tconn
#open\t2025-03-04-00-00-00
#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents
#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]
"""
UID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def open_output(path):
    return gzip.open(path, "wt", encoding="utf-8", compresslevel=1) if path.endswith(".gz") else open(
        path, "w", encoding="utf-8", newline="\n")


def iso(ts):
    whole = int(ts)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{round((ts - whole) * 1e6):06d}Z"


def base62(number):
    digits = []
    for _ in range(17):
        number, digit = divmod(number, 62)
        digits.append(UID_ALPHABET[digit])
    return "".join(digits)


def connections(args):
    rng = random.Random(args.seed)
    hosts = [f"10.{20 + i // 62500}.{(i // 250) % 250}.{i % 250 + 1}" for i in range(args.hosts)]
    destinations = [f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                    for _ in range(args.destinations)]
    span = args.days * 86400
    # A third of the connections are check-ins of periodic flows, the rest ordinary traffic at random times.
    periodic = []
    for host in hosts:
        for _ in range(2):
            period = rng.choice([60, 300, 900, 1800, 3600])
            periodic.append((host, rng.choice(destinations), rng.choice([443, 80, 8443]), period))
    per_flow = max(1, args.events // 3 // len(periodic))
    events = []
    for host, destination, port, period in periodic:
        t = START + rng.uniform(0, period)
        for _ in range(per_flow):
            events.append((t, host, destination, port, True))
            t += period * rng.uniform(0.9, 1.0)
    while len(events) < args.events:
        inbound = rng.random() < 0.05
        events.append((START + rng.uniform(0, span), rng.choice(hosts), rng.choice(destinations),
                       rng.choice([443, 443, 80, 53, 22, 8080]), not inbound))
    events = events[:args.events]
    events.sort(key=lambda e: e[0])
    for index, (ts, host, destination, port, outbound) in enumerate(events):
        uid = "C" + base62(index * 2654435761 % 62 ** 17)  # a bijection on 17 digits: unique, random-looking
        orig, resp = (host, destination) if outbound else (destination, host)
        known = rng.random() > 0.1
        sent = rng.randint(60, 5000) if known else None
        received = rng.randint(0, 20000) if known else None
        yield dict(ts=round(ts, 6), uid=uid, orig=orig, orig_p=rng.randint(1024, 65535), resp=resp, resp_p=port,
                   sent=sent, received=received, local_orig=outbound, local_resp=not outbound,
                   duration=round(rng.uniform(0.01, 30), 6))


def tsv_line(c):
    def count(value):
        return "-" if value is None else str(value)
    return (f"{c['ts']:.6f}\t{c['uid']}\t{c['orig']}\t{c['orig_p']}\t{c['resp']}\t{c['resp_p']}\ttcp\t-\t"
            f"{c['duration']:.6f}\t{count(c['sent'])}\t{count(c['received'])}\tSF\t{'T' if c['local_orig'] else 'F'}\t"
            f"{'T' if c['local_resp'] else 'F'}\t0\tShADadFf\t8\t{(c['sent'] or 0) + 400}\t9\t"
            f"{(c['received'] or 0) + 450}\t-\n")


def json_line(c):
    record = {"ts": c["ts"], "uid": c["uid"], "id.orig_h": c["orig"], "id.orig_p": c["orig_p"], "id.resp_h": c["resp"],
              "id.resp_p": c["resp_p"], "proto": "tcp", "duration": c["duration"]}
    if c["sent"] is not None:
        record["orig_bytes"] = c["sent"]
        record["resp_bytes"] = c["received"]
    record.update({"conn_state": "SF", "local_orig": c["local_orig"], "local_resp": c["local_resp"],
                   "missed_bytes": 0, "history": "ShADadFf", "orig_pkts": 8, "orig_ip_bytes": (c["sent"] or 0) + 400,
                   "resp_pkts": 9, "resp_ip_bytes": (c["received"] or 0) + 450})
    return json.dumps(record, separators=(",", ":")) + "\n"


def udm_line(c):
    network = {"direction": "OUTBOUND" if c["local_orig"] else "INBOUND"}
    if c["sent"] is not None:
        network["sentBytes"] = str(c["sent"])
        network["receivedBytes"] = str(c["received"])
    event = {"metadata": {"id": c["uid"], "eventTimestamp": iso(c["ts"]), "eventType": "NETWORK_CONNECTION"},
             "principal": {"ip": [c["orig"]]}, "target": {"ip": [c["resp"]], "port": c["resp_p"]},
             "network": network}
    return json.dumps(event, separators=(",", ":")) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--destinations", type=int, default=20000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--tsv")
    parser.add_argument("--json")
    parser.add_argument("--udm")
    args = parser.parse_args()
    outputs = []
    if args.tsv:
        outputs.append((open_output(args.tsv), tsv_line))
        outputs[-1][0].write(TSV_HEADER)
    if args.json:
        outputs.append((open_output(args.json), json_line))
    if args.udm:
        outputs.append((open_output(args.udm), udm_line))
    for connection in connections(args):
        for out, line in outputs:
            out.write(line(connection))
    for out, _ in outputs:
        if out is outputs[0][0] and args.tsv:
            out.write("#close\t2025-03-07-00-00-00\n")
        out.close()


if __name__ == "__main__":
    main()
