#!/usr/bin/env python3
"""Writes the Zeek fixtures of tests/core/tst_zeekreaders.cpp: one small made-up scenario as Zeek TSV logs, as each
Zeek JSON dialect Cepheid reads, and as its Chronicle UDM twin (the same connections, named as the join should name
them, without a process since a network sensor sees none). Deterministic; rerun after changing the scenario:

    python3 tests/data/formats/zeek/make-fixtures.py

The scenario (2025-03-04, from 10:00 UTC):
  - an HTTPS beacon, 10.20.4.17 -> 104.21.33.150:443 every ~20 min, named by ssl.log's server_name
    relay.acme-9f2.workers.dev;
  - an HTTP beacon, 10.20.4.17 -> 172.67.140.20:80 every ~15 min, named by http.log's Host (one with a port);
  - an IPv6 client, fd00:20:4::17 -> 2606:4700:3033::6815:2196:443 every ~10 min, whose ssl has no server name: it is
    named by the dns.log answer it got a second before (a CNAME, then the address);
  - a connection Zeek saw no payload of (bytes unset, "-"), an inbound one, and a files.log record (skipped).
"""

import json
import os
import random
import time

HERE = os.path.dirname(os.path.abspath(__file__))
START = 1741082400  # 2025-03-04T10:00:00Z
RNG = random.Random(15)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

CONN_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration",
               "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history",
               "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"]
CONN_TYPES = ["time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count", "count",
              "string", "bool", "bool", "count", "string", "count", "count", "count", "count", "set[string]"]
SSL_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "version", "cipher", "curve",
              "server_name", "resumed", "last_alert", "next_protocol", "established", "ssl_history"]
SSL_TYPES = ["time", "string", "addr", "port", "addr", "port", "string", "string", "string", "string", "bool",
             "string", "string", "bool", "string"]
HTTP_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "trans_depth", "method", "host",
               "uri", "referrer", "version", "user_agent", "request_body_len", "response_body_len", "status_code",
               "status_msg", "tags"]
HTTP_TYPES = ["time", "string", "addr", "port", "addr", "port", "count", "string", "string", "string", "string",
              "string", "string", "count", "count", "count", "string", "set[enum]"]
DNS_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id", "rtt", "query",
              "qclass", "qclass_name", "qtype", "qtype_name", "rcode", "rcode_name", "AA", "TC", "RD", "RA", "Z",
              "answers", "TTLs", "rejected"]
DNS_TYPES = ["time", "string", "addr", "port", "addr", "port", "enum", "count", "interval", "string", "count",
             "string", "count", "string", "count", "string", "bool", "bool", "bool", "bool", "count",
             "vector[string]", "vector[interval]", "bool"]
FILES_FIELDS = ["ts", "fuid", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "source", "mime_type"]
FILES_TYPES = ["time", "string", "string", "addr", "port", "addr", "port", "string", "string"]
FIELDS = {"conn": (CONN_FIELDS, CONN_TYPES), "ssl": (SSL_FIELDS, SSL_TYPES), "http": (HTTP_FIELDS, HTTP_TYPES),
          "dns": (DNS_FIELDS, DNS_TYPES), "files": (FILES_FIELDS, FILES_TYPES)}


def uid():
    return "C" + "".join(RNG.choice(ALPHABET) for _ in range(17))


def record(ts, kind, **values):
    values["ts"] = round(ts, 6)
    values["_kind"] = kind
    return values


def scenario():
    """Every record of every log, in time order, and the UDM twin's connections."""
    logs, twin = [], []

    def connection(ts, orig, resp, port, sent, received, name, local=(True, False), state="SF"):
        u = uid()
        logs.append(record(ts, "conn", uid=u, **{"id.orig_h": orig, "id.orig_p": RNG.randint(49152, 65535),
                                                   "id.resp_h": resp, "id.resp_p": port}, proto="tcp",
                           service="ssl" if port == 443 else "http", duration=round(RNG.uniform(0.1, 0.9), 6),
                           orig_bytes=sent, resp_bytes=received, conn_state=state, local_orig=local[0],
                           local_resp=local[1], missed_bytes=0, history="ShADadFf", orig_pkts=8,
                           orig_ip_bytes=(sent or 0) + 400, resp_pkts=9, resp_ip_bytes=(received or 0) + 450))
        network = {"direction": "OUTBOUND" if local[0] else "INBOUND" if local[1] else None}
        if sent is not None:
            network["sentBytes"] = str(sent)
        if received is not None:
            network["receivedBytes"] = str(received)
        twin.append({"metadata": {"id": u, "eventTimestamp": iso(ts), "eventType": "NETWORK_CONNECTION"},
                     "principal": {"ip": [orig]}, "target": dict({"hostname": name} if name else {}, ip=[resp],
                                                                 port=port),
                     "network": {k: v for k, v in network.items() if v is not None}})
        return logs[-1]

    def tls(conn, server_name):
        logs.append(record(conn["ts"] + 0.021, "ssl", uid=conn["uid"],
                           **{k: conn[k] for k in ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p")},
                           version="TLSv13", cipher="TLS_AES_128_GCM_SHA256", curve="x25519",
                           server_name=server_name, resumed=False, established=True, ssl_history="CsiI"))

    # The HTTPS beacon.
    t = START + 37.25
    for _ in range(14):
        conn = connection(t, "10.20.4.17", "104.21.33.150", 443, RNG.randint(900, 1100), RNG.randint(3000, 4000),
                          "relay.acme-9f2.workers.dev")
        tls(conn, "relay.acme-9f2.workers.dev")
        t += 1200 * RNG.uniform(0.8, 1.0)
    # The HTTP beacon; its user agent has a tab (TSV escapes it), one Host carries a port.
    t = START + 301.5
    for i in range(13):
        conn = connection(t, "10.20.4.17", "172.67.140.20", 80, RNG.randint(300, 500), RNG.randint(600, 900),
                          "poll.acme-9f2.workers.dev")
        logs.append(record(t + 0.012, "http", uid=conn["uid"],
                           **{k: conn[k] for k in ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p")},
                           trans_depth=1, method="GET",
                           host="poll.acme-9f2.workers.dev:80" if i == 4 else "poll.acme-9f2.workers.dev",
                           uri="/v1/beat?id=7f3", version="1.1", user_agent="Updater/2.1\t(compatible)",
                           request_body_len=0, response_body_len=212, status_code=200, status_msg="OK", tags=[]))
        t += 900 * RNG.uniform(0.9, 1.0)
    # The IPv6 client: no server name in its TLS, a DNS answer a second before each connection.
    t = START + 605.75
    for _ in range(18):
        logs.append(record(t - 1.0, "dns", uid=uid(), **{"id.orig_h": "fd00:20:4::17", "id.orig_p": 53211,
                                                            "id.resp_h": "fd00:20:4::1", "id.resp_p": 53},
                           proto="udp", trans_id=RNG.randint(1, 65535), rtt=0.004, query="sync.acme-9f2.workers.dev",
                           qclass=1, qclass_name="C_INTERNET", qtype=28, qtype_name="AAAA", rcode=0,
                           rcode_name="NOERROR", AA=False, TC=False, RD=True, RA=True, Z=0,
                           answers=["sync.acme-9f2.workers.dev.cdn.cloudflare.net", "2606:4700:3033::6815:2196"],
                           TTLs=[300.0, 300.0], rejected=False))
        conn = connection(t, "fd00:20:4::17", "2606:4700:3033::6815:2196", 443, RNG.randint(700, 900),
                          RNG.randint(2000, 2500), "sync.acme-9f2.workers.dev")
        tls(conn, None)
        t += 600 * RNG.uniform(0.95, 1.0)
    # Background: no payload seen (bytes unset), an inbound connection, a file.
    conn = connection(START + 4000.5, "10.20.4.17", "93.184.216.34", 443, None, None, "www.example.com", state="S0")
    tls(conn, "www.example.com")
    connection(START + 5000.5, "203.0.113.9", "10.20.4.17", 22, 40, 0, None, local=(False, True), state="REJ")
    logs.append(record(START + 37.30, "files", fuid="FhQpWq3f0Z1Vb2", uid=logs[0]["uid"],
                       **{k: logs[0][k] for k in ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p")},
                       source="SSL", mime_type="application/x-x509-user-cert"))
    logs.sort(key=lambda r: r["ts"])
    twin.sort(key=lambda e: e["metadata"]["eventTimestamp"])
    return logs, twin


def iso(ts):
    whole = int(ts)
    micros = round((ts - whole) * 1e6)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{micros:06d}Z"


def tsv_value(value):
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, list):
        return ",".join(tsv_value(v) for v in value) if value else "(empty)"
    text = str(value)
    return "".join(c if c.isprintable() and c != "\t" else f"\\x{ord(c):02x}" for c in text)


def write_tsv(folder, kind, records):
    fields, types = FIELDS[kind]
    lines = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", f"#path\t{kind}",
             "#open\t2025-03-04-10-00-00", "#fields\t" + "\t".join(fields), "#types\t" + "\t".join(types)]
    for r in records:
        lines.append("\t".join(tsv_value(r.get(f)) for f in fields))
    lines.append("#close\t2025-03-04-16-00-00")
    with open(os.path.join(folder, f"{kind}.log"), "w", encoding="utf-8", newline="\n") as out:
        out.write("\n".join(lines) + "\n")


def json_object(r, kind, underscore=False, stream=False, iso_time=False, path=False):
    fields, _ = FIELDS[kind]
    obj = {}
    if stream:
        obj["@stream"] = kind
        obj["@system"] = "sensor-01.lab"
    for f in fields:
        value = r.get(f)
        if value is None:
            continue  # Zeek's JSON leaves unset fields out
        if f == "ts" and iso_time:
            value = iso(value)
        obj[f.replace(".", "_") if underscore else f] = value
    if path:
        obj["_path"] = kind
    return json.dumps(obj, separators=(",", ":"))


def main():
    logs, twin = scenario()
    by_kind = {}
    for r in logs:
        by_kind.setdefault(r["_kind"], []).append(r)

    tsv = os.path.join(HERE, "tsv")
    os.makedirs(tsv, exist_ok=True)
    for kind, records in by_kind.items():
        write_tsv(tsv, kind, records)

    # Zeek's own JSON (RITA's test logs): dotted keys, one file per log; conn and files name their _path, ssl, http
    # and dns are known by their shape.
    dotted = os.path.join(HERE, "json-dotted")
    os.makedirs(dotted, exist_ok=True)
    for kind, records in by_kind.items():
        with open(os.path.join(dotted, f"{kind}.log"), "w", encoding="utf-8", newline="\n") as out:
            for r in records:
                out.write(json_object(r, kind, path=kind in ("conn", "files")) + "\n")

    # OTRF's dialect: underscore keys, @stream, every log in one file; time as ISO 8601 here.
    with open(os.path.join(HERE, "json-underscore.log"), "w", encoding="utf-8", newline="\n") as out:
        for r in logs:
            out.write(json_object(r, r["_kind"], underscore=True, stream=True, iso_time=True) + "\n")

    # Chronicle logstory's BRO_JSON: each line's log kind before its object.
    with open(os.path.join(HERE, "json-logstory.log"), "w", encoding="utf-8", newline="\n") as out:
        for r in logs:
            out.write(f"{r['_kind']} - {json_object(r, r['_kind'])}\n")

    with open(os.path.join(HERE, "udm-twin.ndjson"), "w", encoding="utf-8", newline="\n") as out:
        for event in twin:
            out.write(json.dumps(event, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
