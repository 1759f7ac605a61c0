#include "testsupport.h"

#include <QTest>

using namespace cepheid;
using namespace cepheid::test;

class FlowIndexTest : public QObject
{
    Q_OBJECT

    static std::vector<std::string> flowKeys(const EventTable& table, const FlowIndex& flows)
    {
        std::vector<std::string> keys;
        for (const Flow& flow : flows.flows())
            keys.push_back(std::string(table.text(flow.key.sourceIp)) + "|"
                + std::string(table.text(flow.key.destination)) + "|" + std::string(table.text(flow.key.processPath)));
        std::sort(keys.begin(), keys.end());
        return keys;
    }

private slots:
    void groupsByPrincipalIpDestinationAndProcess()
    {
        EventTable table;
        append(table, { .time = "2025-03-04T10:00:00Z" });
        append(table, { .time = "2025-03-04T10:01:00Z" });
        append(table, { .time = "2025-03-04T10:02:00Z", .process = R"(C:\other.exe)" });
        append(table, { .time = "2025-03-04T10:03:00Z", .destination = "b.workers.dev" });
        const FlowIndex flows = FlowIndex::build(table);
        QCOMPARE(flows.size(), std::size_t(3));
    }

    void fansOutRepeatedPrincipalIp()
    {
        EventTable table;
        append(table, { .time = "2025-03-04T10:00:00Z", .principalIps = { "10.0.0.1", "fe80::1" } });
        const FlowIndex flows = FlowIndex::build(table);
        QCOMPARE(flowKeys(table, flows),
            (std::vector<std::string> {
                "10.0.0.1|api.lab.workers.dev|C:\\Users\\bob\\AppData\\Local\\Temp\\updater.exe",
                "fe80::1|api.lab.workers.dev|C:\\Users\\bob\\AppData\\Local\\Temp\\updater.exe" }));
        for (const Flow& flow : flows.flows())
            QCOMPARE(flows.events(flow).size(), std::size_t(1));
    }

    void keepsOneCopyPerRepeatedValueOfTheSameIp()
    {
        EventTable table;
        append(table, { .time = "2025-03-04T10:00:00Z", .principalIps = { "10.0.0.1", "10.0.0.1" } });
        const FlowIndex flows = FlowIndex::build(table);
        QCOMPARE(flows.size(), std::size_t(1));
        QCOMPARE(flows.events(flows.flow(0)).size(), std::size_t(2));
        QCOMPARE(flows.flow(0).duplicateRows, std::uint32_t(0));
    }

    void collapsesRowsThatRepeatAnEventId()
    {
        EventTable table;
        append(table, { .time = "2025-03-04T10:00:00Z", .id = "same" });
        append(table, { .time = "2025-03-04T10:00:00Z", .id = "same" });
        append(table, { .time = "2025-03-04T10:05:00Z", .id = "other" });
        const FlowIndex flows = FlowIndex::build(table);
        QCOMPARE(flows.size(), std::size_t(1));
        QCOMPARE(flows.events(flows.flow(0)).size(), std::size_t(2));
        QCOMPARE(flows.flow(0).duplicateRows, std::uint32_t(1));
        QCOMPARE(flows.duplicateRows(), std::size_t(1));
    }

    void keepsOnlyTheFirstRowOfAnIdAcrossTheWholeTable()
    {
        // Chronicle stores an event once: a second row with the same id is the same event, even if its fields
        // differ. It creates no flow of its own; the table-wide count keeps it visible.
        EventTable table;
        append(table, { .time = "2025-03-04T10:00:00Z", .destination = "a.workers.dev", .id = "same" });
        append(table, { .time = "2025-03-04T10:00:00Z", .destination = "b.workers.dev", .id = "same" });
        const FlowIndex flows = FlowIndex::build(table);
        QCOMPARE(flows.size(), std::size_t(1));
        QVERIFY(
            std::all_of(flows.flows().begin(), flows.flows().end(), [](const Flow& f) { return f.entryCount > 0; }));
        std::size_t events = 0;
        for (const Flow& flow : flows.flows())
            events += flows.events(flow).size();
        QCOMPARE(events, std::size_t(1));
        QCOMPARE(flows.duplicateRows(), std::size_t(1));
    }

    void usesFirstTargetIpWhenHostnameIsEmpty()
    {
        EventTable table;
        append(
            table, { .time = "2025-03-04T10:00:00Z", .destination = "", .targetIps = { "104.21.9.9", "104.21.9.10" } });
        append(table, { .time = "2025-03-04T10:00:00Z", .destination = "", .targetIps = {} });
        const FlowIndex flows = FlowIndex::build(table);
        QCOMPARE(flows.size(), std::size_t(1));
        QCOMPARE(table.text(flows.flow(0).key.destination), std::string_view("104.21.9.9"));
        QVERIFY(flows.flow(0).destinationIsIp);
        QCOMPARE(flows.eventsWithoutDestination(), std::size_t(1));
    }

    void groupsEventsWithoutProcessUnderEmptyPath()
    {
        EventTable table;
        append(table, { .time = "2025-03-04T10:00:00Z", .process = "" });
        const FlowIndex flows = FlowIndex::build(table);
        QCOMPARE(flows.size(), std::size_t(1));
        QCOMPARE(flows.flow(0).key.processPath, kEmptyString);
    }

    void sortsEachFlowByTime()
    {
        EventTable table;
        for (const char* time : { "2025-03-04T12:00:00Z", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z" })
            append(table, { .time = time });
        const FlowIndex flows = FlowIndex::build(table);
        const auto events = flows.events(flows.flow(0));
        QVERIFY(std::is_sorted(events.begin(), events.end(),
            [&](EventIndex a, EventIndex b) { return table.timestamp(a) < table.timestamp(b); }));
        QCOMPARE(table.timestamp(events.front()), at("2025-03-04T10:00:00Z"));
    }
};

QTEST_APPLESS_MAIN(FlowIndexTest)
#include "tst_flowindex.moc"
