#include "model/hash.h"
#include "testsupport.h"

#include <QRandomGenerator>
#include <QTest>
#include <unordered_set>

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
    // The unkeyed id hash can be inverted: two distinct, printable 16-byte ids with one hash are found in
    // milliseconds (below). Unkeyed, the second would be dropped as a duplicate of the first; keyed (every table
    // draws a key; a case keeps its own), both count.
    void craftedIdCollisionsDoNotMergeEvents()
    {
        // hashBytes on 16 bytes: h1 = mix64(h0 ^ w1) + K, h2 = mix64(h1 ^ w2) + K, hash = mix64(h2). Choose w1'
        // and w2' = w2 ^ h1 ^ h1' so that h1' ^ w2' = h1 ^ w2.
        constexpr std::uint64_t kSeed = 0x9E3779B97F4A7C15ULL, kLength = 0xFF51AFD7ED558CCDULL,
                                kStep = 0x632BE59BD9B4E019ULL;
        const std::uint64_t h0 = kSeed ^ (16 * kLength);
        const auto printable = [](std::uint64_t word) {
            for (int b = 0; b < 8; ++b) {
                const auto c = static_cast<unsigned char>(word >> (8 * b));
                if (c < 0x30 || c > 0x7A)
                    return false;
            }
            return true;
        };
        const auto text = [](std::uint64_t w1, std::uint64_t w2) {
            std::string id(16, ' ');
            std::memcpy(id.data(), &w1, 8);
            std::memcpy(id.data() + 8, &w2, 8);
            return id;
        };
        const std::uint64_t w1 = 0x3030303030303030ULL, w2 = 0x5555555555555555ULL;
        const std::uint64_t h1 = mix64(h0 ^ w1) + kStep;
        std::string first = text(w1, w2), second;
        QRandomGenerator random(7);
        for (int attempt = 0; attempt < 1000000 && second.empty(); ++attempt) {
            std::uint64_t candidate = 0;
            for (int b = 0; b < 8; ++b)
                candidate |= std::uint64_t(0x30 + random.bounded(0x4B)) << (8 * b);
            const std::uint64_t partner = w2 ^ h1 ^ (mix64(h0 ^ candidate) + kStep);
            if (candidate != w1 && printable(partner))
                second = text(candidate, partner);
        }
        QVERIFY(!second.empty());
        QVERIFY(first != second);
        QCOMPARE(hashBytes(first), hashBytes(second)); // the collision is real

        const auto duplicatesWithKey = [&](std::uint64_t key) {
            EventTable table;
            table.setIdKey(key);
            for (const std::string& id : { first, second }) {
                EventSpec spec;
                spec.time = "2025-03-04T10:00:00Z";
                spec.id = id;
                append(table, spec);
            }
            return FlowIndex::build(table).duplicateRows();
        };
        QCOMPARE(duplicatesWithKey(0), std::size_t(1)); // unkeyed (cases written before keys): merged
        QCOMPARE(duplicatesWithKey(EventTable::randomIdKey()), std::size_t(0));
        QCOMPARE(duplicatesWithKey(EventTable {}.idKey()), std::size_t(0)); // a new table is keyed
    }

    // The string pools' hash (lookupHash) reads strings in overlapping words and 16-byte steps: every byte of every
    // length must reach it, or strings that differ there would share a slot chain and interning would slow to a
    // crawl on them (ids stay right: the pool compares the strings).
    void everyByteOfAStringReachesThePoolHash()
    {
        std::unordered_set<std::uint64_t> seen;
        std::size_t strings = 0;
        for (std::size_t length = 0; length <= 80; ++length) {
            const std::string base(length, 'a');
            seen.insert(lookupHash(base));
            ++strings;
            for (std::size_t at = 0; at < length; ++at)
                for (const char changed : { 'b', '\x80' }) {
                    std::string variant = base;
                    variant[at] = changed;
                    seen.insert(lookupHash(variant));
                    ++strings;
                }
        }
        QCOMPARE(seen.size(), strings);
        // And the pool built on it interns them all apart, across several growths of its slot table.
        StringPool pool;
        for (std::size_t length = 1; length <= 80; ++length)
            for (std::size_t at = 0; at < length; ++at) {
                std::string variant(length, 'a');
                variant[at] = 'b';
                const StringId id = pool.intern(variant);
                QCOMPARE(pool.view(id), std::string_view(variant));
                QCOMPARE(pool.intern(variant), id);
            }
        QCOMPARE(pool.size(), std::size_t(1 + 80 * 81 / 2)); // the empty string, then each variant once
    }

    // A finding lists each principal hostname of its flow once, sorted. A search per event made this quadratic: a
    // flow of a million distinct hostnames took 135 s (docs/security.md, "Adversarial cost").
    void findingsListEachHostnameOnceSorted()
    {
        EventTable table;
        const auto events = series("2025-03-04T10:00:00Z", 60'000, 1.0);
        for (std::size_t i = 0; i < events.size(); ++i) {
            EventSpec spec = events[i];
            // Runs, returns to earlier names and new names: h59999 ... h00000, then h00007 again and again.
            spec.hostname = i % 3 == 2 ? "h00007" : "h" + std::to_string(100'000 + (events.size() - i));
            append(table, spec);
        }
        const Evaluated evaluated = evaluate(table);
        const Finding* finding = evaluated.find(
            table, "10.0.0.5", "api.lab.workers.dev", R"(C:\Users\bob\AppData\Local\Temp\updater.exe)");
        QVERIFY(finding);
        QCOMPARE(finding->hostnames.size(), std::size_t(40'000 + 1));
        QVERIFY(std::is_sorted(finding->hostnames.begin(), finding->hostnames.end()));
        QVERIFY(std::adjacent_find(finding->hostnames.begin(), finding->hostnames.end()) == finding->hostnames.end());
        QCOMPARE(finding->hostnames.front(), std::string_view("h00007"));
    }

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
