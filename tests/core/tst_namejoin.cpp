// The name join (core/model/namejoin.h): which evidence names which connection, and which must not.

#include "findings/caseanalysis.h"
#include "model/namejoin.h"
#include "testsupport.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

namespace {

struct Spec
{
    std::string time {};
    EventRole role = EventRole::Connection;
    std::string hostname {}; // the record's own
    HostnameSource source = HostnameSource::None;
    std::vector<std::string> targetIps = { "104.21.48.12" };
    std::string joinKey {};
    std::string process = R"(C:\Temp\updater.exe)";
    std::string host = "WS01";
    std::vector<std::string> principalIps = { "10.1.2.34" };
};

EventIndex add(EventTable& table, const Spec& spec)
{
    static int counter = 0;
    const std::string id = "e" + std::to_string(++counter);
    EventRecord record;
    record.timestamp = at(spec.time);
    record.id = id;
    record.eventType = spec.role == EventRole::DnsAnswer ? "NETWORK_DNS" : "NETWORK_CONNECTION";
    record.direction = Direction::Outbound;
    record.role = spec.role;
    record.targetHostname = spec.hostname;
    record.hostnameSource = spec.source;
    for (const std::string& ip : spec.targetIps)
        record.targetIps.push_back(ip);
    for (const std::string& ip : spec.principalIps)
        record.principalIps.push_back(ip);
    record.joinKey = spec.joinKey;
    record.processPath = spec.process;
    record.principalHostname = spec.host;
    return table.append(record);
}

std::string_view nameOf(const EventTable& table, EventIndex i)
{
    return table.text(table.targetHostname(i));
}

} // namespace

class NameJoinTest : public QObject
{
    Q_OBJECT

private slots:
    // Sysmon: the process's own DNS answer names its connection, replacing the PTR name Sysmon looked up; the
    // answer may be written after the connection in the file (a race between two ETW sessions) as long as its
    // time is not later than the lag.
    void dnsAnswerOfTheSameProcessNamesTheConnection()
    {
        EventTable table;
        const EventIndex connection = add(table,
            { .time = "2024-05-02T10:14:03Z",
                .hostname = "a104-21-48-12.deploy.example.net",
                .source = HostnameSource::SysmonPtr,
                .joinKey = "{guid-1}" });
        add(table,
            { .time = "2024-05-02T10:14:02Z",
                .role = EventRole::DnsAnswer,
                .hostname = "api-sync.acme-9f2.workers.dev",
                .source = HostnameSource::Record,
                .targetIps = { "172.67.160.9", "104.21.48.12" },
                .joinKey = "{guid-1}" });
        const NameJoinCounts counts = joinNames(table);
        QCOMPARE(counts.byDnsAnswer, 1u);
        QCOMPARE(counts.evidence, 1u);
        QCOMPARE(nameOf(table, connection), "api-sync.acme-9f2.workers.dev");
        QCOMPARE(table.hostnameSource(connection), HostnameSource::DnsJoin);
        // The record's own name stays what the case stores.
        QCOMPARE(table.text(table.recordHostname(connection)), "a104-21-48-12.deploy.example.net");
        QCOMPARE(table.recordHostnameSource(connection), HostnameSource::SysmonPtr);
    }

    // Cloudflare and other anycast fronts serve thousands of names from one IP: only the asker's answer counts, the
    // newest one before the connection wins, and an answer too old or from too far in the future names nothing.
    void onlyTheAskersRecentAnswerCounts()
    {
        EventTable table;
        const std::string ip = "104.21.48.12";
        add(table,
            { .time = "2024-05-02T10:00:00Z",
                .role = EventRole::DnsAnswer,
                .hostname = "old.workers.dev",
                .source = HostnameSource::Record,
                .joinKey = "{guid-1}" });
        add(table,
            { .time = "2024-05-02T10:10:00Z",
                .role = EventRole::DnsAnswer,
                .hostname = "new.workers.dev",
                .source = HostnameSource::Record,
                .joinKey = "{guid-1}" });
        add(table,
            { .time = "2024-05-02T10:11:00Z",
                .role = EventRole::DnsAnswer,
                .hostname = "someone-else.pages.dev",
                .source = HostnameSource::Record,
                .joinKey = "{guid-2}" });
        add(table,
            { .time = "2024-05-02T10:20:10Z",
                .role = EventRole::DnsAnswer,
                .hostname = "later.workers.dev",
                .source = HostnameSource::Record,
                .joinKey = "{guid-1}" });
        const EventIndex named = add(table, { .time = "2024-05-02T10:20:00Z", .joinKey = "{guid-1}" });
        const EventIndex tooLate = add(table, { .time = "2024-05-02T12:00:00Z", .joinKey = "{guid-3}" });
        const EventIndex stale = add(table, { .time = "2024-05-02T11:30:00Z", .joinKey = "{guid-2}" });
        joinNames(table);
        QCOMPARE(nameOf(table, named), "new.workers.dev");
        QCOMPARE(nameOf(table, tooLate), ""); // no answer from guid-3 at all
        QCOMPARE(nameOf(table, stale), ""); // guid-2's answer is 79 minutes old
        QCOMPARE(table.hostnameSource(stale), HostnameSource::None);
        QCOMPARE(table.text(table.destination(stale)), ip);
    }

    // Without a ProcessGuid on either side, the same image on the same host is the asker; without any process
    // (Zeek dns.log), the same client IP.
    void fallsBackToImageAndHostThenToTheClientAddress()
    {
        EventTable table;
        add(table,
            { .time = "2024-05-02T10:00:00Z",
                .role = EventRole::DnsAnswer,
                .hostname = "by-image.workers.dev",
                .source = HostnameSource::Record });
        const EventIndex sameImage = add(table, { .time = "2024-05-02T10:00:01Z" });
        const EventIndex otherHost = add(table, { .time = "2024-05-02T10:00:01Z", .host = "WS02" });
        add(table,
            { .time = "2024-05-02T10:00:00Z",
                .role = EventRole::DnsAnswer,
                .hostname = "by-client.workers.dev",
                .source = HostnameSource::Record,
                .targetIps = { "2606:4700::6815:300c" },
                .process = "",
                .host = "",
                .principalIps = { "10.9.9.9" } });
        const EventIndex sensor = add(table,
            { .time = "2024-05-02T10:00:03Z",
                .targetIps = { "2606:4700::6815:300c" },
                .joinKey = "CzUid1",
                .process = "",
                .host = "",
                .principalIps = { "10.9.9.9" } });
        const EventIndex otherClient = add(table,
            { .time = "2024-05-02T10:00:03Z",
                .targetIps = { "2606:4700::6815:300c" },
                .process = "",
                .host = "",
                .principalIps = { "10.9.9.8" } });
        joinNames(table);
        QCOMPARE(nameOf(table, sameImage), "by-image.workers.dev");
        QCOMPARE(nameOf(table, otherHost), "");
        QCOMPARE(nameOf(table, sensor), "by-client.workers.dev");
        QCOMPARE(nameOf(table, otherClient), "");
    }

    // Zeek: the TLS server name of the same uid names the conn before any DNS answer, whatever the file order; an
    // HTTP Host is used when there is no SNI; a name the record carries itself is never replaced.
    void sessionNamesComeFirstAndRecordNamesStay()
    {
        EventTable table;
        add(table,
            { .time = "2024-05-02T10:00:00Z",
                .role = EventRole::SessionName,
                .hostname = "proxy-host.example",
                .source = HostnameSource::HttpHost,
                .joinKey = "C1" });
        add(table,
            { .time = "2024-05-02T10:00:00Z",
                .role = EventRole::SessionName,
                .hostname = "sni.workers.dev",
                .source = HostnameSource::TlsSni,
                .joinKey = "C1" });
        add(table,
            { .time = "2024-05-02T10:00:00Z",
                .role = EventRole::DnsAnswer,
                .hostname = "dns.workers.dev",
                .source = HostnameSource::Record,
                .process = "",
                .host = "" });
        const EventIndex conn
            = add(table, { .time = "2024-05-02T10:00:01Z", .joinKey = "C1", .process = "", .host = "" });
        const EventIndex httpOnly = add(table, { .time = "2024-05-02T10:00:01Z", .joinKey = "C2", .process = "" });
        add(table,
            { .time = "2024-05-02T10:00:00Z",
                .role = EventRole::SessionName,
                .hostname = "http.workers.dev",
                .source = HostnameSource::HttpHost,
                .joinKey = "C2" });
        const EventIndex own = add(table,
            { .time = "2024-05-02T10:00:01Z",
                .hostname = "own.vercel.app",
                .source = HostnameSource::Record,
                .process = "",
                .host = "" });
        const NameJoinCounts counts = joinNames(table);
        QCOMPARE(nameOf(table, conn), "sni.workers.dev");
        QCOMPARE(table.hostnameSource(conn), HostnameSource::TlsSni);
        QCOMPARE(nameOf(table, httpOnly), "http.workers.dev");
        QCOMPARE(table.hostnameSource(httpOnly), HostnameSource::HttpHost);
        QCOMPARE(nameOf(table, own), "own.vercel.app");
        QCOMPARE(counts.bySession, 2u);
        QCOMPARE(counts.evidence, 4u);
    }

    // Evidence forms no flow and is no duplicate of its session: an ssl record shares its conn's uid, and read
    // first it must not push the conn out as a second copy. Joining twice gives what joining once does.
    void evidenceFormsNoFlowAndJoiningAgainChangesNothing()
    {
        EventTable table;
        EventRecord ssl;
        ssl.timestamp = at("2024-05-02T10:00:00Z");
        ssl.id = "Cuid";
        ssl.role = EventRole::SessionName;
        ssl.joinKey = "Cuid";
        ssl.targetHostname = "sni.workers.dev";
        ssl.hostnameSource = HostnameSource::TlsSni;
        ssl.targetIps = { "104.21.48.12" };
        table.append(ssl);
        EventRecord conn = ssl;
        conn.role = EventRole::Connection;
        conn.eventType = "NETWORK_CONNECTION";
        conn.targetHostname = {};
        conn.hostnameSource = HostnameSource::None;
        conn.principalIps = { "10.0.0.1" };
        table.append(conn);
        const NameJoinCounts first = joinNames(table);
        QCOMPARE(joinNames(table), first);
        const FlowIndex flows = FlowIndex::build(table);
        QCOMPARE(flows.size(), 1u);
        QCOMPARE(flows.evidenceEvents(), 1u);
        QCOMPARE(flows.duplicateRows(), 0u);
        QCOMPARE(table.text(flows.flow(0).key.destination), "sni.workers.dev");
        QVERIFY(!flows.flow(0).destinationIsIp);
        // The analysis accounts for it apart from the events the rule sees (the report's name_evidence_events).
        QCOMPARE(evaluate(table).analysis.summary.evidenceEvents, 1u);
    }

    void spellsAddressKnowsReverseNames()
    {
        QVERIFY(spellsAddress("ec2-52-1-2-3.compute-1.amazonaws.com", "52.1.2.3"));
        QVERIFY(spellsAddress("ip-172-18-39-8.ec2.internal", "172.18.39.8"));
        QVERIFY(spellsAddress("12.48.21.104.in-addr.arpa", "104.21.48.12"));
        QVERIFY(spellsAddress("server-18-66-97-25.fra56.r.cloudfront.net", "18.66.97.25"));
        QVERIFY(!spellsAddress("api-sync.acme-9f2.workers.dev", "104.21.48.12"));
        QVERIFY(!spellsAddress("host-52-1-2-4.example", "52.1.2.3"));
        QVERIFY(!spellsAddress("ec2-52-1-2-3.compute-1.amazonaws.com", "2606:4700::1"));
        QVERIFY(!spellsAddress("a1052-1-2-3.example", "52.1.2.3"));
    }
};

QTEST_GUILESS_MAIN(NameJoinTest)
#include "tst_namejoin.moc"
