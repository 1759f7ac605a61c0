#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/), small and deterministic.

Records come from the bundled sample and from the QtTest suites' fixtures; the edge cases are those docs/security.md
names (empty, nested envelopes, huge numbers, bad UTF-8, truncation, byte-order marks, gzip). The case-loader seeds are
real case files made by cepheid-cli from a handful of the sample's events, so the fuzzer mutates real SQLite pages:

    python3 tests/fuzz/make-corpus.py --cli build/default/app/cepheid-cli

Without --cli the case-loader corpus is left as it is. Existing seeds of the text targets are rewritten; crash
inputs added by hand (crash-*, regression-*) are kept.
"""
import argparse
import gzip
import json
import os
import sqlite3
import struct
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
SAMPLE = os.path.join(ROOT, "resources", "samples", "chronicle-udm-sample.ndjson.gz")


def sample_lines(count):
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as sample:
        return [next(sample).rstrip("\n") for _ in range(count)]


CAMEL = ('{"metadata":{"id":"a","eventTimestamp":"2025-03-04T13:07:42.118Z","eventType":"NETWORK_CONNECTION"},'
         '"principal":{"hostname":"wks-0142","ip":["10.20.4.17"],"process":{"pid":"7312","file":{"fullPath":'
         '"C:\\\\Temp\\\\updater.exe"}}},"target":{"hostname":"api.lab.workers.dev","ip":["104.21.33.150"],"port":443},'
         '"network":{"direction":"OUTBOUND","sentBytes":"1834","receivedBytes":"5120"}}')
SNAKE = ('{"metadata":{"id":"a","event_timestamp":"2025-03-04T13:07:42Z","event_type":"NETWORK_CONNECTION"},'
         '"principal":{"ip":["10.20.4.17"],"process":{"file":{"full_path":"C:\\\\Temp\\\\updater.exe"}}},'
         '"target":{"hostname":"api.lab.workers.dev"},"network":{"direction":"OUTBOUND","sent_bytes":1834,'
         '"received_bytes":5120}}')
HTTP = ('{"metadata":{"id":"h1","eventTimestamp":"2025-03-04T13:07:42Z","eventType":"NETWORK_HTTP"},'
        '"principal":{"hostname":"wks-7","ip":"10.0.0.7","user":{"userid":"jdoe"}},"target":{"hostname":'
        '"abc.lambda-url.eu-west-1.on.aws","url":"https://abc.lambda-url.eu-west-1.on.aws/beat?id=1","port":"443"},'
        '"network":{"direction":"OUTBOUND","http":{"userAgent":"curl/8.0","responseCode":200},"sentBytes":1,'
        '"receivedBytes":2}}')
PROTO_TIME = '{"metadata":{"id":"p","event_timestamp":{"seconds":"1741093662","nanos":118000000}},"target":{"hostname":"x"}}'


def udm_records():
    """One record each: what the UDM parser sees after the splitter."""
    lines = sample_lines(3)
    return {
        "sample-camel": lines[0],
        "sample-camel-2": lines[1],
        "camel-tests": CAMEL,
        "snake-tests": SNAKE,
        "http-proxy": HTTP,
        "protobuf-timestamp": PROTO_TIME,
        "envelope-item": '{"name":"projects/p/events/1","udm":' + CAMEL + "}",
        "udmsearch-page": '{"events":[{"name":"n1","udm":' + CAMEL + '},{"udm":{"metadata":{}}}],"moreDataAvailable":true}',
        "nested-envelope": '{"events":[{"name":"n","udm":{"events":[{"udm":' + SNAKE + "}]}}]}",
        "huge-numbers": ('{"metadata":{"id":"n","eventTimestamp":"9999-12-31T23:59:59.999999Z"},"target":{"port":'
                         '18446744073709551616},"network":{"sentBytes":"99999999999999999999999","receivedBytes":'
                         '1e400,"http":{"responseCode":-9223372036854775809}}}'),
        "negative-and-fraction": ('{"metadata":{"id":"m","eventTimestamp":{"seconds":-62135596801,"nanos":-1}},'
                                  '"network":{"sentBytes":1.5,"receivedBytes":-5}}'),
        "wrong-types": '{"metadata":{"id":7,"eventTimestamp":true},"principal":{"ip":[1,null]},"target":[]}',
        "ip-list": ('{"metadata":{"id":"i","eventTimestamp":"2025-03-04T13:07:42+02:00"},"principal":{"ip":'
                    '["10.0.0.1","fe80::1","10.0.0.1"]},"target":{"ip":["::ffff:1.2.3.4"]}}'),
        "bad-utf8": '{"metadata":{"id":"\xff\xfe","eventTimestamp":"2025-03-04T13:07:42Z"},"target":{"hostname":"a\xc0\xafb"}}',
        "escapes": ('{"metadata":{"id":"\\u0000\\ud800","eventTimestamp":"2025-03-04T13:07:42Z"},"principal":'
                    '{"process":{"file":{"fullPath":"\\u202egnp.exe\\u001b[2J"}}}}'),
        "deep-nesting": "[" * 200 + "]" * 200,
        "empty-object": "{}",
        "empty": "",
        "not-json": "metadata,id\n1,2\n",
    }


def splitter_files():
    """Whole files: what the importer reads."""
    lines = sample_lines(6)
    ndjson = "\n".join(lines[:4]) + "\n"
    records = udm_records()
    files = {
        "sample-ndjson": ndjson,
        "sample-ndjson-crlf-bom": "\ufeff" + "\r\n".join(lines[:3]) + "\r\n",
        "sample-array-pretty": "[\n  " + ",\n  ".join(lines[:3]) + "\n]\n",
        "udmsearch-envelope": ('{\n "events": [\n  {"name": "projects/p/events/1", "udm": ' + lines[0]
                               + '},\n  {"name": "projects/p/events/2",\n   "udm": ' + lines[1]
                               + '}\n ],\n "moreDataAvailable": true,\n "stats": {"rows": [1, 2]}\n}\n'),
        "concatenated-pages": '{"events":[{"udm":' + lines[2] + '}]}{"events":[{"udm":' + lines[3] + '}]}\n',
        "envelope-key-late": '{"nextPageToken":"' + "t" * 40 + '","events":[{"udm":' + CAMEL + '}],"events2":[1]}',
        "nested-envelope": records["nested-envelope"],
        "mixed-lines": CAMEL + "\n\n  \n" + SNAKE + "\nnot json\n" + HTTP + "\n{\"unterminated\": \"x\n",
        "stray-text": 'garbage [1, "x", {"a": 1}] ] } {"b": [}\n',
        "array-of-non-objects": '[1, "two", [3], {"metadata":{}}, null]',
        "truncated-array": "[" + lines[0] + ", " + lines[1][:60],
        "truncated-string": '{"events":[{"udm":{"metadata":{"id":"a\\',
        "huge-numbers": records["huge-numbers"] + "\n",
        "bad-utf8": records["bad-utf8"] + "\n" + "\xef\xbb\xbf\x80" + "\n",
        "utf16le-bom": "\ufeff[{}]",  # written as UTF-16 below
        "empty": "",
        "whitespace": " \t\r\n\n",
        "deep-nesting": "[" * 300 + "{" + "]" * 300,
    }
    return files


ZEEK = os.path.join(ROOT, "tests", "data", "formats", "zeek")


def zeek_files():
    """Whole Zeek logs (tests/data/formats/zeek, made by its make-fixtures.py) and hostile ones."""
    def head(name, count):
        with open(os.path.join(ZEEK, name), encoding="utf-8") as f:
            return "".join(next(f) for _ in range(count))
    conn = head("tsv/conn.log", 12)
    dns = head("tsv/dns.log", 10)
    fields = "#fields\tts\tuid\tid.orig_h\tid.resp_h\torig_bytes\tlocal_orig\tanswers\n"
    return {
        "tsv-conn": conn,
        "tsv-dns": dns,
        "tsv-http": head("tsv/http.log", 11),
        "tsv-concatenated": conn + head("tsv/ssl.log", 10) + "#separator \\x2c\n#path,ssl\n#fields,ts,uid,server_name\n1,C,a\\x2cb\n",
        "tsv-crlf": conn.replace("\n", "\r\n"),
        "tsv-bad-separator": "#separator \\xZZ\n#fields\tts\n1\n#separator\n#separator \\x\n",
        "tsv-escapes": fields + "1.5\tC\\x\t10.0.0.1\\x0\t\\xff\\xfe\t-\tT\t\\x2c,(empty),-,1.2.3.4,\\x\n",
        "tsv-wrong-counts": fields + "1\n1\t2\t3\t4\t5\t6\t7\t8\t9\n\t\t\t\t\t\t\n",
        "tsv-hostile-values": fields + "-1e9\tC\t::ffff:1.2.3.4\t[::1]\t18446744073709551616\tmaybe\t" + ",".join(["::1", "1.2.3.4", "cname.example"] * 20) + "\n",
        "json-dotted": head("json-dotted/conn.log", 3) + head("json-dotted/dns.log", 3),
        "json-underscore": head("json-underscore.log", 8),
        "json-logstory": head("json-logstory.log", 8) + "x509 - {}\n - {}\n\u00e9 - {\"ts\":1}\n",
        "json-hostile": ('{"ts":1e400,"uid":7,"id.orig_h":null,"id.resp_p":-1,"answers":[1,"::1"]}\n'
                         '{"ts":"9999-12-31T23:59:59.999999Z","uid":"C","id.orig_h":"a","id.resp_h":"b","orig_bytes":1.5,'
                         '"conn_state":"S0","local_orig":"T","local_resp":[]}\n'
                         '{"@stream":"dns","ts":-62135596801,"uid":"C","id_orig_h":"a","query":"q","answers":"1.2.3.4"}\n'
                         '{"_path":"http","ts":1,"uid":"C","host":"[::1]:80","uri":"x","status_code":1000}\n'
                         '{"uid":"C","id.orig_h":"x"\n[1]\nnot json\n'),
        "empty": "",
    }


def profile_files():
    with open(os.path.join(ROOT, "docs", "screenshots", "tuning-profile.json"), encoding="utf-8") as f:
        screenshot = f.read()
    readme = {
        "description": "SOC tuning, November",
        "rule": {"window_hours": 24, "windows": "hop", "min_events": 12, "min_hour_buckets": 3,
                 "max_avg_bytes_sent": 4096, "max_avg_bytes_received": 16384,
                 "domain_regex": "(?i)(.+\\.workers\\.dev|.+\\.deno\\.dev)"},
        "score": {"weights": {"regularity": 30, "period_floor": 15, "harmonics": 10, "persistence": 15,
                              "payload": 15, "process": 15, "fleet": 40},
                  "thresholds": {"beacon": 75, "likely": 55, "possible": 35}, "alert_verdict": "likely",
                  "fleet_hosts": 5,
                  "local_only_networks": ["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4",
                                          "255.255.255.255/32", "::/128", "::1/128", "fe80::/10", "ff00::/8"]},
        "catalog": [{"platform": "Cloudflare Workers", "pattern": ".+\\.workers\\.dev"}],
        "allowlist": [{"id": "dev0-worker", "domain": "*.dev0.workers.dev", "process": "*\\Code.exe",
                       "match": "glob", "reason": "dev0 deploys and tests her own Worker", "author": "ana",
                       "created": "2026-11-01", "expires": "2026-12-31"}],
    }
    every_kind = {
        "rule": {"windows": "sliding", "window_hours": 0.5},
        "allowlist": [
            {"id": "d", "domain": "relay0.deno.dev", "reason": "exact"},
            {"id": "p", "process": "C:\\\\Program Files\\\\.*", "match": "regex", "reason": "regex"},
            {"id": "h", "host": "wks-0002.corp.example", "reason": "host"},
            {"id": "n", "cidr": "192.168.0.0/16", "reason": "network"},
            {"id": "n6", "cidr": "fe80::/10", "domain": "*lambda-url*", "match": "glob", "reason": "v6"},
            {"id": "ph", "process": "/usr/bin/curl", "host": "192.168.1.7", "reason": "process on host",
             "expires": "2025-03-05T00:00:00Z", "created": "2025-01-01", "author": "x"},
            {"id": "f", "host": "10.20.0.3", "domain": "api-sync-0.jdoe-lab.workers.dev",
             "process": "C:\\Users\\jdoe\\AppData\\Local\\Temp\\updater.exe", "reason": "flow"},
        ],
        "score": {"local_only_networks": [], "alert_verdict": "possible"},
    }
    return {
        "readme-example": json.dumps(readme, indent=2),
        "screenshot-profile": screenshot,
        "every-allowlist-kind": json.dumps(every_kind),
        "empty-object": "{}",
        "catalog-empty": '{"catalog": [], "allowlist": []}',
        "bad-regex": '{"rule": {"domain_regex": "(unclosed"}}',
        "bad-cidr-glob": '{"allowlist": [{"id": "x", "cidr": "10.0.0.0/33", "domain": "[", "match": "glob", "reason": "r"}]}',
        "out-of-range": '{"rule": {"window_hours": 1e400, "min_events": 9007199254740993, "min_hour_buckets": -1}}',
        "wrong-types": '{"score": {"weights": [], "thresholds": {"beacon": "x"}, "fleet_hosts": 1.5}, "description": 7}',
        "duplicate-ids": '{"allowlist": [{"id": "a", "domain": "x", "reason": "r"}, {"id": "a", "domain": "y", "reason": "r"}]}',
        "bad-dates": '{"allowlist": [{"id": "a", "domain": "x", "reason": "r", "expires": "2026-02-30", "created": "0000-01-01T00:00:00Z"}]}',
        "bad-utf8": '{"description": "\xff\xc0\xaf", "allowlist": [{"id": "\xe2\x80", "domain": "x", "reason": "r"}]}',
        "unknown-key": '{"rules": {}}',
        "not-an-object": "[1, 2]",
        "empty": "",
    }


def sysmon_files():
    """Seeds of fuzz_sysmon_readers: the tests' Sysmon fixtures (tests/data/formats, tests/generator/generate_sysmon.py),
    a few records of each encoding, and the broken shapes the readers reject."""
    formats = os.path.join(ROOT, "tests", "data", "formats")

    def head(name, count):
        with open(os.path.join(formats, name), encoding="utf-8") as f:
            return "".join(f.readline() for _ in range(count))

    xml = head("sysmon-beacon.xml", 3)
    document = '<?xml version="1.0" encoding="UTF-16"?>\n<Events>\n' + xml.replace("'", '"') + "</Events>\n"
    return {
        "wevtutil.xml": xml.encode(),
        "events-document-utf16.xml": document.encode("utf-16"),
        "unclosed.xml": (xml.splitlines()[0][:700] + "\n" + xml).encode(),
        "stray-text.xml": ("evtxexport 20181227\n\n" + xml + "trailing").encode(),
        "ecs.ndjson": head("sysmon-beacon.ecs.ndjson", 3).encode(),
        "winlogbeat.ndjson": head("sysmon-beacon.winlogbeat.ndjson", 3).encode(),
        "flat.ndjson": head("sysmon-beacon.flat.ndjson", 3).encode(),
        "flat-array.json": ("[" + ",".join(head("sysmon-beacon.flat.ndjson", 3).splitlines()) + "]").encode(),
        "flat.ndjson.gz": gzip.compress(head("sysmon-beacon.flat.ndjson", 3).encode(), mtime=0),
        # An EVTX file header with no chunk: libevtx opens what it can of it.
        "header-only.evtx": b"ElfFile\0" + bytes(8) + bytes(8) + bytes(8) + (128).to_bytes(4, "little")
        + (1).to_bytes(2, "little") + (3).to_bytes(2, "little") + (4096).to_bytes(2, "little") + bytes(4096 - 42),
    }


def write(folder, name, text):
    os.makedirs(folder, exist_ok=True)
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def latin1(text):
    # The literals above carry raw bytes (bad UTF-8) as \x escapes: keep them as bytes.
    return text.encode("latin-1") if all(ord(c) < 256 for c in text) else text.encode("utf-8")



def columns_from_byte_planes(planes, events, ips):
    """An event chunk's columns as they are, from its byte planes (docs/case-format.md, "Event chunks")."""
    widths = [(8, events)] * 7 + [(4, events)] * 6 + [(4, ips)] + [(2, events)] * 3 + [(1, events)] * 3
    out = bytearray(len(planes))
    at = 0
    for width, count in widths:
        for b in range(width):
            out[at + b:at + width * count:width] = planes[at + b * count:at + (b + 1) * count]
        at += width * count
    return bytes(out)

def clickhouse_answers():
    """Seeds of fuzz_clickhouse_answer: RowBinary answers as ClickHouse sends them (docs/clickhouse.md, "Wire
    format"), each after the target's two bytes (mode: bit 0 destinations, bit 1 hashed ids, bit 2 grouped by flow,
    bit 3 the rule's answer; where to cut)."""
    def leb(n):
        out = bytearray()
        while True:
            low = n & 0x7F
            n >>= 7
            out.append(low | (0x80 if n else 0))
            if not n:
                return bytes(out)

    def string(text):
        data = text.encode("utf-8")
        return leb(len(data)) + data

    def strings(values):
        return leb(len(values)) + b"".join(string(v) for v in values)

    def shared(n):
        return (string("NETWORK_CONNECTION") + string("OUTBOUND") + string("wks-%d" % n)
                + strings(["10.0.0.%d" % n]) + string("C:\\Temp\\updater.exe") + string(str(4000 + n))
                + string("api.lab.workers.dev") + string("record") + strings(["104.21.33.150", ""])
                + (443).to_bytes(2, "little") + string("") + string("connection") + string("") + string("")
                + bytes(2))

    def timestamp(n):
        return (1741046400000000 + n * 60000000).to_bytes(8, "little", signed=True)

    def event(n, hashed, event_id=""):
        ident = (n * 7919 + 1).to_bytes(8, "little") if hashed else string(event_id)
        return (shared(n) + timestamp(n) + ident + b"\x01" + (500 + n).to_bytes(8, "little") + b"\x00" + bytes(8)
                + (n + 1).to_bytes(8, "little") + (n * 300).to_bytes(8, "little"))

    def group(n, count):
        """One row of the grouped answer: the shared fields, then an array per field of the events' own."""
        def array(values, width):
            return leb(len(values)) + b"".join(v.to_bytes(width, "little", signed=True) for v in values)
        events = range(count)
        return (shared(n) + leb(count) + b"".join(timestamp(n + i) for i in events)
                + array([(n + i) * 7919 + 1 for i in events], 8) + array([1] * count, 1)
                + array([500 + i for i in events], 8) + array([0] * count, 1) + array([0] * count, 8)
                + array([i + 1 for i in events], 8) + array([i * 300 for i in events], 8))

    def window(index, ids, hours, sent, received):
        """A window: start in hops, ids, hours, then each byte sum as its high and low 32 bits' sums."""
        return b"".join([index.to_bytes(8, "little", signed=True), ids.to_bytes(8, "little"),
                         hours.to_bytes(8, "little"), (sent >> 32).to_bytes(8, "little"),
                         (sent & 0xFFFFFFFF).to_bytes(8, "little"), (received >> 32).to_bytes(8, "little"),
                         (received & 0xFFFFFFFF).to_bytes(8, "little")])

    def rule_flow(source, eligible, dropped, windows, candidates, closest, bad_direction=""):
        """One row of the rule's answer: the flow, its counts, the values a fetch refuses (a count and an example
        each), its firing windows and the closest."""
        return (string(source) + string("api.lab.workers.dev") + string("C:\\Temp\\updater.exe")
                + eligible.to_bytes(8, "little") + b"".join(d.to_bytes(8, "little") for d in dropped)
                + (1 if bad_direction else 0).to_bytes(8, "little") + string(bad_direction) + bytes(8) + bytes(8)
                + windows.to_bytes(8, "little") + leb(len(candidates)) + b"".join(window(*c) for c in candidates)
                + window(*closest))

    firing = [(201501 + i, 14 + i, 4, 7000, 21000) for i in range(3)] + [(201520, 12, 3, 6000, 18000)]
    rule = (rule_flow("10.0.0.5", 40, [0, 2, 0, 0], 12, firing, firing[0])
            + rule_flow("10.0.0.6", 11, [1, 0, 0, 0], 10, [], (201503, 11, 5, 900, 2000))
            + rule_flow("", 0, [0, 0, 7, 0], 0, [], (0, 0, 0, 0, 0)))
    refused = rule_flow("10.0.0.7", 3, [0, 0, 0, 0], 3, [], (201503, 3, 1, 900, 2000), bad_direction="outbound")
    destinations = b"".join(string(name) + bytes([hostname]) for name, hostname in
                            [("api.lab.workers.dev", 1), ("script.google.com", 1), ("104.21.33.150", 0), ("", 0)])
    hashed = b"".join(event(n, True) for n in range(4))
    ids = b"".join(event(n, False, "id-%d" % n if n % 2 else "") for n in range(4))
    return {
        "destinations.bin": bytes([1, 17]) + destinations,
        "events-hashed.bin": bytes([2, 90]) + hashed,
        "events-ids.bin": bytes([0, 200]) + ids,
        "events-truncated.bin": bytes([2, 33]) + hashed[:-5],
        "events-bad-direction.bin": bytes([2, 1]) + hashed.replace(string("OUTBOUND"), string("SIDEWAYS"), 1),
        "events-huge-length.bin": bytes([0, 3]) + hashed[:8] + b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
        "grouped.bin": bytes([4, 150]) + group(0, 3) + group(5, 1) + group(9, 0),
        "grouped-truncated.bin": bytes([4, 40]) + (group(0, 3) + group(5, 2))[:-3],
        "rule.bin": bytes([8, 120]) + rule,
        "rule-truncated.bin": bytes([8, 60]) + rule[:-11],
        "rule-refused.bin": bytes([8, 7]) + rule + refused,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", help="cepheid-cli, to make the case-loader seeds")
    options = parser.parse_args()

    for name, text in udm_records().items():
        write(os.path.join(CORPUS, "fuzz_udm_parser"), name + ".json", latin1(text))
    splitter = os.path.join(CORPUS, "fuzz_record_splitter")
    for name, text in splitter_files().items():
        data = text.encode("utf-16-le") if name == "utf16le-bom" else (
            text.encode("utf-8") if "\ufeff" in text else latin1(text))
        write(splitter, name + ".json", data)
    write(splitter, "sample-ndjson.gz", gzip.compress(splitter_files()["sample-ndjson"].encode(), mtime=0))
    write(splitter, "truncated.gz", gzip.compress(splitter_files()["sample-ndjson"].encode(), mtime=0)[:300])
    zeek = os.path.join(CORPUS, "fuzz_zeek_readers")
    for name, text in zeek_files().items():
        write(zeek, name + ".log", text.encode("utf-8"))
    write(zeek, "json-utf16le-bom.log", ("\ufeff" + zeek_files()["json-dotted"]).encode("utf-16-le"))
    write(zeek, "tsv-conn.log.gz", gzip.compress(zeek_files()["tsv-conn"].encode(), mtime=0))
    write(zeek, "tsv-truncated.log.gz", gzip.compress(zeek_files()["tsv-conn"].encode(), mtime=0)[:400])
    for name, text in profile_files().items():
        write(os.path.join(CORPUS, "fuzz_profile_loader"), name + ".json", latin1(text))
    for name, data in sysmon_files().items():
        write(os.path.join(CORPUS, "fuzz_sysmon_readers"), name, data)
    for name, data in clickhouse_answers().items():
        write(os.path.join(CORPUS, "fuzz_clickhouse_answer"), name, data)

    if options.cli:
        make_cases(options.cli)


def make_cases(cli):
    folder = os.path.join(CORPUS, "fuzz_case_loader")
    os.makedirs(folder, exist_ok=True)
    lines = sample_lines(6)
    with tempfile.TemporaryDirectory() as scratch:
        export = os.path.join(scratch, "six-events.ndjson")
        with open(export, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        rejects = os.path.join(scratch, "rejects.ndjson")
        with open(rejects, "w", encoding="utf-8") as f:
            f.write(HTTP + "\n" + '{"metadata":{"id":"x"}}\nnot json\n')
        env = dict(os.environ, USER="fuzz")

        def run(*arguments):
            subprocess.run([cli, *arguments], check=True, env=env, stdout=subprocess.DEVNULL)

        # 1: six events of the sample, as imported.
        plain = os.path.join(scratch, "six-events.cepheid")
        run("import", "--case", plain, export)
        # 2: the same plus rejects and HTTP details, a saved profile and triage with history.
        full = os.path.join(scratch, "triaged.cepheid")
        run("import", "--case", full, export, rejects)
        profile = os.path.join(scratch, "profile.json")
        with open(profile, "w", encoding="utf-8") as f:
            f.write(profile_files()["screenshot-profile"])
        run("score", "--case", full, "--profile", profile, "--now", "2025-03-05T00:00:00Z")
        host = json.loads(lines[0])
        flow = ",".join([host["principal"]["ip"][0], host["target"]["hostname"],
                         host["principal"]["process"]["file"]["fullPath"]])
        run("case", "triage", full, "--flow", flow, "--status", "investigating", "--note", "first look",
            "--analyst", "ana")
        run("case", "triage", full, "--flow", flow, "--status", "malicious", "--note", "C2 \u202e beacon",
            "--analyst", "bob")
        # 3: cloud audit records (schema 5's cloud_audit table) beside the six events.
        audit = os.path.join(scratch, "cloud-audit.cepheid")
        run("import", "--case", audit, export,
            os.path.join(ROOT, "tests", "data", "cloud", "lambda-url-public.cloudtrail.json"),
            os.path.join(ROOT, "tests", "data", "cloud", "cloudflare-deploy-unknown.json"))
        # 4: the six events with their column chunk stored uncompressed (compression 0, as a chunk that would not
        # shrink is stored): mutations then reach the checks of every value instead of stopping at the checksum.
        stored = os.path.join(scratch, "stored-columns.cepheid")
        run("import", "--case", stored, export)
        connection = sqlite3.connect(stored)
        with connection:  # commits; closing is left to the close() below (a context manager does not close)
            chunks = connection.execute(
                "SELECT first_event, event_count, ip_count, compression, columns FROM event_chunks").fetchall()
            for first, events, ips, compression, blob in chunks:
                columns = subprocess.run(["zstd", "-d", "-c"], input=blob, check=True, capture_output=True).stdout
                if compression == 3:  # byte planes (docs/case-format.md): back to the columns as they are
                    columns = columns_from_byte_planes(columns, events, ips)
                connection.execute("UPDATE event_chunks SET compression = 0, columns = ? WHERE first_event = ?",
                                   (columns, first))
        connection.close()
        for path in (plain, full, audit, stored):
            # One file each, without a WAL beside it (the fuzzer writes only the main file), rewritten in 4 KiB pages:
            # a new case has 64 KiB pages and weighs 1.1 MB, which a fuzzer mutates far more slowly than 70 KB. The
            # loader reads both page sizes alike.
            subprocess.run(["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                            "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA journal_mode = DELETE'); "
                            "c.execute('PRAGMA page_size = 4096'); c.execute('VACUUM'); c.close()", path], check=True)
            with open(path, "rb") as f:
                write(folder, os.path.basename(path), f.read())


if __name__ == "__main__":
    main()
