#!/usr/bin/env python3
"""Deterministic Sysmon network telemetry (EID 3 connections, EID 22 DNS answers) in every encoding Cepheid reads,
with its Chronicle UDM twin: the same traffic as UDM events carrying only what Sysmon carries (no bytes), the
connections named by the DNS answer their process got (what Cepheid's name join gives them).

  --fixtures DIR   the tests' beacon scenario (tests/data/formats/sysmon-beacon.*), every encoding:
                   C:\\Users\\bob\\AppData\\Local\\Temp\\updater.exe checks in with api-sync.acme-9f2.workers.dev every
                   10 min for 5 h, each connection after an EID 22 answer (a CNAME, then 104.21.48.12) and with a
                   DestinationHostname that is Sysmon's reverse lookup or "-"; chrome.exe connects to the same
                   address with no answer of its own; OneDrive.exe connects over IPv6 (written uncompressed, as
                   Sysmon does) to an address its answer gives compressed. A few records of other kinds (Sysmon
                   EID 1 and 7, a Security 4688) are there to be skipped.
  --events N --format xml|ecs|winlogbeat|flat|udm --output FILE
                   N events for benchmarks: many hosts and processes, each connection after its DNS answer (half
                   the records are EID 22). The udm twin writes the answers as NETWORK_DNS events, so that both
                   files give N events.

Every run with the same arguments writes the same bytes.
"""

import argparse
import json
import os
import random
import time

START = 1741093662.118  # 2025-03-04T13:07:42.118Z
SYSMON_GUID = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"
CHANNEL = "Microsoft-Windows-Sysmon/Operational"
PROVIDER = "Microsoft-Windows-Sysmon"
NAMESPACE = "http://schemas.microsoft.com/win/2004/08/events/event"
SYSMON_SERVICE_PID = 3172


def utc_time(ts):
    """Sysmon's UtcTime: 2025-03-04 13:07:42.118"""
    millis = int(round(ts * 1000))
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(millis // 1000)) + ".%03d" % (millis % 1000)


def system_time(ts):
    """System/TimeCreated/@SystemTime: 7 fraction digits, logged a little after UtcTime."""
    ticks = int(round((ts + 0.0456789) * 10_000_000))
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ticks // 10_000_000)) + ".%07dZ" % (ticks % 10_000_000)


def iso(ts):
    millis = int(round(ts * 1000))
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis // 1000)) + ".%03dZ" % (millis % 1000)


def local_time(ts):
    """NXLog's EventTime: the collector's local time (UTC-5 here), no zone: a trap, never read."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(ts) - 5 * 3600))


def expand_ipv6(address):
    """Sysmon writes IPv6 uncompressed, without leading zeros: 2606:4700:0:0:0:0:6815:300c."""
    if ":" not in address:
        return address
    head, _, tail = address.partition("::")
    left = head.split(":") if head else []
    right = tail.split(":") if tail else []
    groups = left + ["0"] * (8 - len(left) - len(right)) + right if "::" in address else address.split(":")
    return ":".join(format(int(g, 16), "x") for g in groups)


class Process:
    def __init__(self, computer, ip, image, guid, pid, user):
        self.computer, self.ip, self.image, self.guid, self.pid, self.user = computer, ip, image, guid, pid, user


def connection(process, ts, dest_ip, dest_host, port=443, ptr="-"):
    return {"eid": 3, "ts": ts, "p": process, "dest_ip": dest_ip, "dest_port": port, "ptr": ptr,
            "source_port": 49152 + int(ts * 7) % 16000, "name": dest_host}


def dns_answer(process, ts, query, answers):
    """answers: (type, data) pairs as Winlogbeat's dns.answers has them; CNAME first."""
    return {"eid": 22, "ts": ts, "p": process, "query": query, "answers": answers}


def other(process, ts, eid, channel=CHANNEL, provider=PROVIDER):
    return {"eid": eid, "ts": ts, "p": process, "channel": channel, "provider": provider}


def query_results(answers):
    """QueryResults as Sysmon writes it: "type:  5 name;" for a CNAME, "::ffff:a.b.c.d;" for IPv4, IPv6 plain."""
    out = ""
    for kind, data in answers:
        if kind == "CNAME":
            out += "type:  5 %s;" % data
        elif kind == "A":
            out += "::ffff:%s;" % data
        else:
            out += "%s;" % data
    return out or "-"


def event_data(record):
    """Sysmon's EventData, in its order (docs: field lists of EID 3 and 22)."""
    p = record["p"]
    data = [("RuleName", "-"), ("UtcTime", utc_time(record["ts"])), ("ProcessGuid", p.guid),
            ("ProcessId", str(p.pid))]
    if record["eid"] == 3:
        v6 = ":" in record["dest_ip"]
        data += [("Image", p.image), ("User", p.user), ("Protocol", "tcp"), ("Initiated", "true"),
                 ("SourceIsIpv6", "true" if v6 else "false"), ("SourceIp", expand_ipv6(p.ip)),
                 ("SourceHostname", p.computer), ("SourcePort", str(record["source_port"])), ("SourcePortName", "-"),
                 ("DestinationIsIpv6", "true" if v6 else "false"), ("DestinationIp", expand_ipv6(record["dest_ip"])),
                 ("DestinationHostname", record["ptr"]), ("DestinationPort", str(record["dest_port"])),
                 ("DestinationPortName", "https" if record["dest_port"] == 443 else "-")]
    elif record["eid"] == 22:
        data += [("QueryName", record["query"]), ("QueryStatus", "0"), ("QueryResults", query_results(record["answers"])),
                 ("Image", p.image), ("User", p.user)]
    else:
        data += [("Image", p.image)]
    return data


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")


def write_xml(record, record_id):
    """One line, as `wevtutil qe Microsoft-Windows-Sysmon/Operational /f:xml` writes it (single quotes, no root)."""
    p = record["p"]
    channel, provider = record.get("channel", CHANNEL), record.get("provider", PROVIDER)
    guid = SYSMON_GUID if provider == PROVIDER else "{54849625-5478-4994-a5ba-3e3b0328c30d}"
    system = ("<System><Provider Name='%s' Guid='%s'/><EventID>%d</EventID><Version>5</Version><Level>4</Level>"
              "<Task>%d</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>"
              "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/>"
              "<Execution ProcessID='%d' ThreadID='4064'/><Channel>%s</Channel><Computer>%s</Computer>"
              "<Security UserID='S-1-5-18'/></System>"
              % (provider, guid, record["eid"], record["eid"], system_time(record["ts"]), record_id,
                 SYSMON_SERVICE_PID, channel, p.computer))
    data = "".join("<Data Name='%s'>%s</Data>" % (name, xml_escape(value)) for name, value in event_data(record))
    return "<Event xmlns='%s'>%s<EventData>%s</EventData></Event>" % (NAMESPACE, system, data)


def write_winlogbeat(record, record_id):
    """Winlogbeat's own output, before any ingest pipeline: winlog.event_data holds Sysmon's fields as strings."""
    p = record["p"]
    return {"@timestamp": iso(record["ts"] + 0.0456789),
            "event": {"code": str(record["eid"]), "kind": "event", "provider": record.get("provider", PROVIDER)},
            "host": {"name": p.computer.lower()},
            "winlog": {"channel": record.get("channel", CHANNEL), "computer_name": p.computer,
                       "event_id": str(record["eid"]), "provider_name": record.get("provider", PROVIDER),
                       "provider_guid": SYSMON_GUID, "record_id": str(record_id),
                       "process": {"pid": SYSMON_SERVICE_PID, "thread": {"id": 4064}},
                       "event_data": {name: value for name, value in event_data(record) if value != "-"}},
            "agent": {"type": "winlogbeat", "version": "8.12.0"}}


def write_ecs(record, record_id):
    """After Elastic's Sysmon ingest pipeline: Sysmon's fields moved to ECS (@timestamp from UtcTime, process.*,
    source.*, destination.*, network.direction, dns.*, user.*), none left in winlog.event_data."""
    p = record["p"]
    out = {"@timestamp": iso(record["ts"]),
           "event": {"code": str(record["eid"]), "kind": "event", "module": "sysmon", "provider": PROVIDER},
           "host": {"name": p.computer.lower()},
           "winlog": {"channel": record.get("channel", CHANNEL), "computer_name": p.computer,
                      "event_id": str(record["eid"]), "provider_name": record.get("provider", PROVIDER),
                      "record_id": record_id, "process": {"pid": SYSMON_SERVICE_PID, "thread": {"id": 4064}}},
           "process": {"entity_id": p.guid, "executable": p.image, "name": p.image.rsplit("\\", 1)[-1],
                       "pid": p.pid},
           "user": {"domain": p.user.split("\\")[0], "name": p.user.split("\\")[1]}}
    if record["eid"] == 3:
        out["event"].update({"action": "Network connection", "category": ["network"]})
        out["network"] = {"direction": "egress", "transport": "tcp", "type": "ipv6" if ":" in record["dest_ip"] else "ipv4"}
        out["source"] = {"ip": p.ip, "port": record["source_port"], "domain": p.computer}
        out["destination"] = {"ip": record["dest_ip"], "port": record["dest_port"]}
        if record["ptr"] != "-":
            out["destination"]["domain"] = record["ptr"]
    elif record["eid"] == 22:
        out["event"].update({"action": "DNSEvent (DNS query)", "category": ["network"]})
        out["dns"] = {"question": {"name": record["query"]},
                      "answers": [{"type": kind, "data": data} for kind, data in record["answers"]],
                      "resolved_ip": [data for kind, data in record["answers"] if kind in ("A", "AAAA")]}
        out["sysmon"] = {"dns": {"status": "SUCCESS"}}
    return out


def write_flat(record, record_id):
    """NXLog through Logstash, as OTRF's datasets hold it: EventData fields at the top; NXLog's ProcessID (the Sysmon
    service) took the place of Sysmon's ProcessId, which is left only in Message; EventTime is local time."""
    p = record["p"]
    out = {"EventID": record["eid"], "SourceName": record.get("provider", PROVIDER),
           "Channel": record.get("channel", CHANNEL), "@timestamp": iso(record["ts"] + 2.5),
           "EventTime": local_time(record["ts"]), "Hostname": p.computer, "Keywords": -9223372036854775808,
           "ProcessID": SYSMON_SERVICE_PID, "ThreadID": 4064, "RecordNumber": record_id, "type": "nxlog-mordor"}
    data = [(name, value) for name, value in event_data(record)]
    out.update({name: value for name, value in data if name != "ProcessId"})
    label = {3: "Network connection detected:", 22: "Dns query:"}.get(record["eid"], "Event:")
    out["Message"] = label + "\r\n" + "\r\n".join("%s: %s" % (name, value) for name, value in data)
    return out


def write_udm(record, record_id):
    """The twin: a connection as a UDM event with the name its process resolved, no bytes; an answer as NETWORK_DNS
    (benchmarks only: the fixtures' twin holds connections)."""
    p = record["p"]
    event = {"metadata": {"id": "%s/%d" % (p.computer, record_id), "eventTimestamp": iso(record["ts"])},
             "principal": {"hostname": p.computer, "process": {"pid": str(p.pid), "file": {"fullPath": p.image}}}}
    if record["eid"] == 3:
        event["metadata"]["eventType"] = "NETWORK_CONNECTION"
        event["principal"]["ip"] = [p.ip]
        event["target"] = {"ip": [record["dest_ip"]], "port": record["dest_port"]}
        if record["name"]:
            event["target"]["hostname"] = record["name"]
        event["network"] = {"direction": "OUTBOUND"}
    else:
        event["metadata"]["eventType"] = "NETWORK_DNS"
        event["target"] = {"hostname": record["query"],
                           "ip": [data for kind, data in record["answers"] if kind in ("A", "AAAA")]}
    return event


def beacon_scenario():
    rng = random.Random(15)
    host, ip = "WKS-0142.corp.example", "10.20.4.17"
    updater = Process(host, ip, r"C:\Users\bob\AppData\Local\Temp\updater.exe",
                      "{b34bc01c-2271-5f69-4900-000000000900}", 6140, r"CORP\bob")
    chrome = Process(host, ip, r"C:\Program Files\Google\Chrome\Application\chrome.exe",
                     "{b34bc01c-1f02-5f69-2a00-000000000900}", 7312, r"CORP\bob")
    onedrive = Process(host, "2001:db8:4::17", r"C:\Users\bob\AppData\Local\Microsoft\OneDrive\OneDrive.exe",
                       "{b34bc01c-1e77-5f69-1c00-000000000900}", 5012, r"CORP\bob")
    system = Process(host, ip, r"C:\Windows\System32\svchost.exe", "{b34bc01c-0001-5f69-0b00-000000000900}", 1204,
                     r"NT AUTHORITY\SYSTEM")
    c2, c2_ip = "api-sync.acme-9f2.workers.dev", "104.21.48.12"
    c2_answers = [("CNAME", "api-sync.acme-9f2.workers.dev.cdn.cloudflare.net"), ("A", c2_ip), ("A", "172.67.160.9")]
    # Sysmon's reverse lookups of the address: none, one that spells it, one that does not.
    ptrs = ["-", "104-21-48-12.cprapid.example", "edge-fra08.cloudflare.example"]
    records = [other(updater, START - 5.0, 1)]
    for i in range(31):  # every 10 min for 5 h
        ts = START + i * 600 + rng.uniform(-4, 4)
        records.append(dns_answer(updater, ts - 0.35, c2, c2_answers))
        records.append(connection(updater, ts, c2_ip, c2, ptr=ptrs[i % 3]))
        if i % 10 == 4:
            records.append(other(system, ts + 1.5, 7))
    for i in range(6):  # the browser reaches the same address with no answer of its own
        records.append(connection(chrome, START + 1234 + i * 2017.5, c2_ip, None))
    v6_answers = [("CNAME", "sync-files.pages.dev.cdn.cloudflare.net"), ("AAAA", "2606:4700::6815:300c")]
    for i in range(4):
        ts = START + 900 + i * 1800
        records.append(dns_answer(onedrive, ts - 0.2, "sync-files.pages.dev", v6_answers))
        records.append(connection(onedrive, ts, "2606:4700::6815:300c", "sync-files.pages.dev"))
    records.append(other(system, START + 3000, 4688, channel="Security", provider="Microsoft-Windows-Security-Auditing"))
    records.sort(key=lambda r: r["ts"])
    return records


def benchmark_records(count):
    rng = random.Random(7)
    destinations = ["api-sync.acme-9f2.workers.dev", "cdn.jsdelivr.net", "login.microsoftonline.com", "github.com",
                    "relay.example-7.vercel.app", "storage.googleapis.com", "teams.microsoft.com", "x.supabase.co"]
    images = [r"C:\Users\{u}\AppData\Local\Temp\updater.exe", r"C:\Program Files\Google\Chrome\Application\chrome.exe",
              r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", r"C:\Windows\System32\svchost.exe"]
    processes = []
    for h in range(250):
        for k, image in enumerate(images):
            processes.append(Process("WKS-%04d.corp.example" % h, "10.20.%d.%d" % (h // 200, h % 200 + 10),
                                     image.format(u="user%d" % h), "{b34bc01c-%04x-5f69-%04x-000000000900}" % (h, k),
                                     1000 + 4 * h + k, "CORP\\user%d" % h))
    ts = START
    for i in range(count // 2):
        p = processes[rng.randrange(len(processes))]
        name = destinations[rng.randrange(len(destinations))]
        address = "104.21.%d.%d" % (destinations.index(name), rng.randrange(1, 250))
        ts += rng.uniform(0.0, 0.05)
        yield dns_answer(p, ts, name, [("CNAME", name + ".cdn.example.net"), ("A", address)])
        yield connection(p, ts + 0.2, address, name, ptr="-" if i % 2 else address.replace(".", "-") + ".ptr.example")


WRITERS = {"xml": write_xml, "ecs": write_ecs, "winlogbeat": write_winlogbeat, "flat": write_flat, "udm": write_udm}


def write(records, encoding, path, twin_connections_only=False):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for record_id, record in enumerate(records, start=48212):
            if encoding == "udm" and (record["eid"] not in (3, 22) or (twin_connections_only and record["eid"] != 3)):
                continue
            line = WRITERS[encoding](record, record_id)
            out.write((line if isinstance(line, str) else json.dumps(line, separators=(",", ":"))) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", metavar="DIR")
    parser.add_argument("--events", type=int)
    parser.add_argument("--format", choices=sorted(WRITERS))
    parser.add_argument("--output")
    args = parser.parse_args()
    if args.fixtures:
        records = beacon_scenario()
        for encoding, suffix in [("xml", "xml"), ("ecs", "ecs.ndjson"), ("winlogbeat", "winlogbeat.ndjson"),
                                 ("flat", "flat.ndjson"), ("udm", "udm.ndjson")]:
            write(records, encoding, os.path.join(args.fixtures, "sysmon-beacon." + suffix), twin_connections_only=True)
    elif args.events and args.format and args.output:
        write(benchmark_records(args.events), args.format, args.output)
    else:
        parser.error("give --fixtures DIR, or --events N --format F --output FILE")


if __name__ == "__main__":
    main()
