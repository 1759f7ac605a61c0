#!/usr/bin/env python3
"""Deterministic generator of Chronicle UDM network events: C2 beacons and the benign traffic that looks like them.

Every run with the same arguments writes the same bytes (random.Random(seed), fixed start time), so tests and
benchmarks can rely on it. Scenarios (each labelled; --labels writes flow -> label as CSV):

  beacon-cs20 / beacon-cs50   Cobalt Strike style: sleep S shortened by up to J% (U[S(1-J), S]), LOLBin/temp binary
  beacon-symmetric            S +/- U[0, J*S]
  beacon-sliver               Sliver style additive jitter: 60 s + U[0, 30) s
  beacon-missed               10-35 % of check-ins lost (intervals at 2x, 3x the period)
  beacon-office-hours         beacons only 08:00-18:00 UTC on weekdays
  beacon-lowslow              period of 1-4 h
  beacon-lambda-url           beacon to <id>.lambda-url.<region>.on.aws, which the seed regex cannot match
  atomic-burst                the seed's atomic test 1: 15 connections 30 s apart from powershell.exe
  developer                   Poisson bursts from IDE/CLI tools to the developer's own Workers/Lambda, large uploads
  browser-polling             browser tabs polling Supabase/Vercel: irregular, medium payloads
  fleet-poller                one server process on 30 hosts polling a Cloud Functions endpoint every 5 minutes
  sensor-no-process           network-sensor events: destination IP only, no hostname, no process
  background                  ordinary traffic to non-serverless destinations (fills up to --events)

Usage: generate_events.py [--seed N] [--days D] [--events N] [--layout ndjson|array|envelope] [--keys camel|snake]
                          [--scale K] [--labels FILE] [--output FILE]  (a .gz output is compressed)
"""

import argparse
import base64
import gzip
import hashlib
import io
import json
import math
import random
import sys
import zlib

START = 1741046400  # 2025-03-04T00:00:00Z, a Tuesday

BROWSERS = [r"C:\Program Files\Google\Chrome\Application\chrome.exe",
            r"C:\Program Files\Mozilla Firefox\firefox.exe",
            r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"]
LOLBINS = [r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", r"C:\Windows\System32\rundll32.exe",
           r"C:\Windows\System32\mshta.exe", r"C:\Windows\System32\wscript.exe", r"C:\Windows\System32\regsvr32.exe"]
DEV_TOOLS = [r"C:\Users\{user}\AppData\Local\Programs\Microsoft VS Code\Code.exe", r"C:\Program Files\nodejs\node.exe",
             r"C:\Program Files\Amazon\AWSCLIV2\aws.exe", r"C:\Users\{user}\AppData\Roaming\npm\wrangler.exe"]
BACKGROUND_HOSTS = ["www.google.com", "login.microsoftonline.com", "outlook.office365.com", "github.com",
                    "slack.com", "zoom.us", "update.microsoft.com", "cdn.jsdelivr.net", "api.segment.io",
                    "teams.microsoft.com", "s3.amazonaws.com", "storage.googleapis.com"]


def iso(ts):
    whole = int(ts)
    millis = int(round((ts - whole) * 1000))
    if millis == 1000:
        whole, millis = whole + 1, 0
    base = __import__("time").strftime("%Y-%m-%dT%H:%M:%S", __import__("time").gmtime(whole))
    return f"{base}.{millis:03d}Z"


class Writer:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.events = []
        self.labels = {}
        self.counter = 0

    def event_id(self):
        self.counter += 1
        digest = hashlib.blake2b(f"{self.args.seed}:{self.counter}".encode(), digest_size=18).digest()
        return base64.b64encode(digest).decode()

    def add(self, ts, host, ip, process, dest, sent, received, label, *, dest_ip=None, event_type="NETWORK_CONNECTION",
            direction="OUTBOUND", hostname_known=True):
        self.events.append((ts, host, ip, process, dest, sent, received, event_type, direction, hostname_known,
                            dest_ip or self.dest_ip(dest)))
        key = (ip, dest if hostname_known else (dest_ip or self.dest_ip(dest)), process or "")
        self.labels.setdefault(key, label)

    def dest_ip(self, dest):
        h = int(hashlib.md5(dest.encode()).hexdigest()[:6], 16)
        return f"104.{16 + h % 16}.{(h >> 8) % 256}.{h % 254 + 1}"

    def udm(self, event):
        ts, host, ip, process, dest, sent, received, event_type, direction, hostname_known, dest_ip = event
        snake = self.args.keys == "snake"
        k = (lambda camel, sn: sn if snake else camel)
        metadata = {"id": self.event_id(), k("eventTimestamp", "event_timestamp"): iso(ts),
                    k("eventType", "event_type"): event_type, k("productName", "product_name"): "Generator"}
        principal = {"hostname": host, "ip": [ip]}
        if process:
            principal["process"] = {"pid": str(1000 + zlib.crc32(process.encode()) % 8000), "file": {k("fullPath", "full_path"): process}}
        target = {"ip": [dest_ip], "port": 443}
        if hostname_known:
            target["hostname"] = dest
        network = {"direction": direction, k("ipProtocol", "ip_protocol"): "TCP"}
        if sent is not None:
            network[k("sentBytes", "sent_bytes")] = str(sent)
            network[k("receivedBytes", "received_bytes")] = str(received)
        return {"metadata": metadata, "principal": principal, "target": target, "network": network}


def host_name(i):
    return f"wks-{i:04d}.corp.example"


def host_ip(i):
    return f"10.{20 + i // 250}.{i // 250 % 256}.{i % 250 + 2}"


def beacon(w, label, host, process, dest, period, days, jitter, *, missed=0.0, office=False, sent=(300, 700),
           received=(800, 2400)):
    rng = w.rng
    t = START + rng.uniform(0, period)
    end = START + days * 86400
    while t < end:
        hour = (t % 86400) / 3600
        weekday = (int((t - START) // 86400) + 1) % 7  # START is a Tuesday: 1 = Tuesday ... 5 = Saturday
        active = not office or (8 <= hour < 18 and weekday not in (5, 6))
        if active and rng.random() >= missed:
            w.add(t, host_name(host), host_ip(host), process, dest, rng.randint(*sent), rng.randint(*received), label)
        t += jitter(rng, period)


def scenarios(w, args):
    rng = w.rng
    days = args.days
    user = "jdoe"
    cs = lambda j: (lambda r, p: r.uniform(p * (1 - j), p))
    symmetric = lambda j: (lambda r, p: r.uniform(p * (1 - j), p * (1 + j)))
    for copy in range(args.scale):
        base = copy * 100
        beacon(w, "beacon-cs20", base + 1, r"C:\Users\jdoe\AppData\Local\Temp\updater.exe",
               f"api-sync-{copy}.jdoe-lab.workers.dev", 60, days, cs(0.20))
        beacon(w, "beacon-cs50", base + 2, LOLBINS[1], f"cdn-edge-{copy}.azurewebsites.net", 300, days, cs(0.50))
        beacon(w, "beacon-symmetric", base + 3, LOLBINS[0], f"telemetry-{copy}.vercel.app", 120, days, symmetric(0.3))
        beacon(w, "beacon-sliver", base + 4, r"C:\ProgramData\svc\svchost32.exe", f"relay{copy}.deno.dev", 60, days,
               lambda r, p: p + r.uniform(0, 30))
        beacon(w, "beacon-missed", base + 5, LOLBINS[2], f"abc{copy}xyz.execute-api.us-east-1.amazonaws.com", 180, days,
               cs(0.1), missed=0.25)
        beacon(w, "beacon-office-hours", base + 6, LOLBINS[3], "script.google.com", 600, days, cs(0.2), office=True)
        beacon(w, "beacon-lowslow", base + 7, r"C:\Users\Public\Libraries\msupd.exe", f"ingest-{copy}.run.app",
               7200, days, symmetric(0.1))
        beacon(w, "beacon-lambda-url", base + 8, r"C:\Users\jdoe\AppData\Roaming\sync\sync.exe",
               f"k3x9q2m8v7{copy:02d}zz4n5.lambda-url.eu-west-1.on.aws", 240, days, cs(0.3))
        # The seed's atomic test 1: 15 connections ~30 s apart, jitter coefficient < 0.05.
        t = START + 86400 + 3600 * 10 + copy * 600
        for i in range(15):
            w.add(t, host_name(base + 9), host_ip(base + 9), LOLBINS[0], f"c2-{copy}.atomic-test.workers.dev",
                  rng.randint(350, 420), rng.randint(900, 1100), "atomic-burst")
            t += rng.uniform(29.5, 30.5)
        # Developers deploying and testing their own functions: Poisson bursts in office hours, large uploads.
        for dev in range(3):
            host = base + 10 + dev
            tool = DEV_TOOLS[dev % len(DEV_TOOLS)].format(user=f"dev{dev}")
            dest = f"my-api-{copy}-{dev}.dev{dev}.workers.dev" if dev != 1 else f"fn{copy}{dev}.lambda-url.us-east-1.on.aws"
            for day in range(days):
                for _ in range(rng.randint(1, 4)):
                    t = START + day * 86400 + rng.uniform(9, 17) * 3600
                    for _ in range(rng.randint(3, 25)):
                        t += rng.expovariate(1 / 45)
                        w.add(t, host_name(host), host_ip(host), tool, dest, rng.randint(20_000, 2_000_000),
                              rng.randint(500, 40_000), "developer")
        # Browser tabs polling Supabase / Vercel: irregular, during the working day.
        for tab in range(2):
            host = base + 20 + tab
            dest = f"xyzproj{copy}{tab}.supabase.co" if tab == 0 else f"dashboard-{copy}.vercel.app"
            for day in range(days):
                t = START + day * 86400 + rng.uniform(8, 10) * 3600
                stop = START + day * 86400 + rng.uniform(16, 19) * 3600
                while t < stop:
                    w.add(t, host_name(host), host_ip(host), BROWSERS[tab], dest, rng.randint(800, 6000),
                          rng.randint(2000, 60000), "browser-polling")
                    t += rng.expovariate(1 / 240)
        # Fleet software: the same agent on 30 servers polls a Cloud Functions endpoint every 5 minutes.
        for server in range(args.fleet_hosts):
            beacon(w, "fleet-poller", base + 40 + server, r"C:\Program Files\Contoso\Agent\contoso-agent.exe",
                   f"contoso-config-{copy}.cloudfunctions.net", 300, days, symmetric(0.02))
        # A network sensor's view of a beacon: IP only, no hostname, no process.
        beacon(w, "sensor-no-process", base + 80, None, f"sensor-{copy}.workers.dev", 90, days, cs(0.1))


def fix_sensor_events(w):
    # Sensor events carry neither hostname nor process: rewrite the scenario's events in place.
    fixed = []
    for e in w.events:
        if e[3] is None:
            e = (e[0], e[1], e[2], None, e[4], e[5], e[6], e[7], e[8], False, e[10])
        fixed.append(e)
    w.events = fixed


def background(w, target_events, days):
    rng = w.rng
    missing = target_events - len(w.events)
    hosts = 200
    for i in range(max(0, missing)):
        h = rng.randrange(hosts)
        dest = rng.choice(BACKGROUND_HOSTS)
        w.add(START + rng.uniform(0, days * 86400), host_name(1000 + h), host_ip(1000 + h), rng.choice(BROWSERS), dest,
              rng.randint(300, 90_000), rng.randint(1000, 900_000), "background")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--events", type=int, default=0, help="fill with background traffic up to this many events")
    parser.add_argument("--scale", type=int, default=1, help="copies of every scenario (distinct hosts/destinations)")
    parser.add_argument("--fleet-hosts", type=int, default=30, help="servers running the fleet poller")
    parser.add_argument("--layout", choices=["ndjson", "array", "envelope"], default="ndjson")
    parser.add_argument("--keys", choices=["camel", "snake"], default="camel")
    parser.add_argument("--labels", help="write flow labels as CSV: src_ip,dest,proc_path,label")
    parser.add_argument("--output", default="-")
    args = parser.parse_args()

    w = Writer(args)
    scenarios(w, args)
    fix_sensor_events(w)
    background(w, args.events, args.days)
    w.events.sort(key=lambda e: e[0])

    raw = None
    if args.output == "-":
        out = sys.stdout
    elif args.output.endswith(".gz"):
        # mtime=0 and no file name in the header: the same arguments give the same bytes.
        raw = open(args.output, "wb")
        out = io.TextIOWrapper(gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9),
                               encoding="utf-8")
    else:
        out = open(args.output, "w", encoding="utf-8")
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    if args.layout == "ndjson":
        for e in w.events:
            out.write(dumps(w.udm(e)) + "\n")
    elif args.layout == "array":
        out.write("[\n")
        for i, e in enumerate(w.events):
            out.write(("," if i else "") + json.dumps(w.udm(e), indent=1) + "\n")
        out.write("]\n")
    else:
        out.write('{\n "events": [\n')
        for i, e in enumerate(w.events):
            item = {"name": f"projects/p/locations/us/instances/i/events/{i}", "udm": w.udm(e)}
            out.write(("," if i else "") + json.dumps(item, indent=2) + "\n")
        out.write(' ],\n "moreDataAvailable": false\n}\n')
    if out is not sys.stdout:
        out.close()
    if raw is not None:
        raw.close()
    if args.labels:
        with open(args.labels, "w", encoding="utf-8") as f:
            f.write("src_ip,dest,proc_path,label\n")
            for (ip, dest, proc), label in sorted(w.labels.items()):
                f.write(f"{ip},{dest},\"{proc}\",{label}\n")
    print(f"generated {len(w.events)} events", file=sys.stderr)


if __name__ == "__main__":
    main()
