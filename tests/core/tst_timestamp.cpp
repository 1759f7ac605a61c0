#include "model/timestamp.h"

#include <QTest>

using namespace cepheid;

class TimestampTest : public QObject
{
    Q_OBJECT

private slots:
    void parsesRfc3339Variants_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expectedMicros");
        const qint64 base = 1741093662LL * 1'000'000; // 2025-03-04T13:07:42Z
        QTest::newRow("no fraction") << QStringLiteral("2025-03-04T13:07:42Z") << base;
        QTest::newRow("3 digits") << QStringLiteral("2025-03-04T13:07:42.118Z") << base + 118'000;
        QTest::newRow("6 digits") << QStringLiteral("2025-03-04T13:07:42.552193Z") << base + 552'193;
        QTest::newRow("9 digits truncated to micros")
            << QStringLiteral("2025-03-04T13:07:42.123456789Z") << base + 123'456;
        QTest::newRow("lower-case t and z") << QStringLiteral("2025-03-04t13:07:42z") << base;
        QTest::newRow("space separator") << QStringLiteral("2025-03-04 13:07:42Z") << base;
        QTest::newRow("positive offset") << QStringLiteral("2025-03-04T14:07:42+01:00") << base;
        QTest::newRow("negative offset") << QStringLiteral("2025-03-04T08:07:42-05:00") << base;
        QTest::newRow("offset crosses the day") << QStringLiteral("2025-03-05T00:37:42+11:30") << base;
        QTest::newRow("leap day") << QStringLiteral("2024-02-29T00:00:00Z") << 1709164800LL * 1'000'000;
        QTest::newRow("before 1970") << QStringLiteral("1969-12-31T23:59:59.5Z") << qint64(-500'000);
    }
    void parsesRfc3339Variants()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expectedMicros);
        const auto parsed = parseRfc3339(text.toStdString());
        QVERIFY(parsed.has_value());
        QCOMPARE(*parsed, expectedMicros);
    }

    void rejectsInvalidTimestamps_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("no zone") << QStringLiteral("2025-03-04T13:07:42");
        QTest::newRow("hour 25") << QStringLiteral("2025-03-04T25:07:42Z");
        QTest::newRow("February 30") << QStringLiteral("2025-02-30T00:00:00Z");
        QTest::newRow("February 29 of a common year") << QStringLiteral("2025-02-29T00:00:00Z");
        QTest::newRow("month 13") << QStringLiteral("2025-13-01T00:00:00Z");
        QTest::newRow("dot without digits") << QStringLiteral("2025-03-04T13:07:42.Z");
        QTest::newRow("trailing text") << QStringLiteral("2025-03-04T13:07:42Zjunk");
        QTest::newRow("bad offset") << QStringLiteral("2025-03-04T13:07:42+1:00");
        QTest::newRow("epoch seconds") << QStringLiteral("1741093662");
    }
    void rejectsInvalidTimestamps()
    {
        QFETCH(QString, text);
        QVERIFY(!parseRfc3339(text.toStdString()).has_value());
    }

    void formatsUtcWithMinimalFraction()
    {
        QCOMPARE(formatRfc3339(1741093662LL * 1'000'000), std::string("2025-03-04T13:07:42Z"));
        QCOMPARE(formatRfc3339(1741093662LL * 1'000'000 + 118'000), std::string("2025-03-04T13:07:42.118Z"));
        QCOMPARE(formatRfc3339(1741093662LL * 1'000'000 + 552'193), std::string("2025-03-04T13:07:42.552193Z"));
        QCOMPARE(formatRfc3339(-500'000), std::string("1969-12-31T23:59:59.500Z"));
    }

    void formatAndParseRoundTrip()
    {
        for (TimestampUs t :
            { TimestampUs(0), TimestampUs(951782400123456), TimestampUs(-86400000001), TimestampUs(4102444799999999) })
            QCOMPARE(*parseRfc3339(formatRfc3339(t)), t);
    }

    void hourOfDayIsUtcAndWorksBefore1970()
    {
        QCOMPARE(utcHourOfDay(*parseRfc3339("2025-03-04T23:59:59Z")), 23);
        QCOMPARE(utcHourOfDay(*parseRfc3339("2025-03-05T00:00:00Z")), 0);
        QCOMPARE(utcHourOfDay(*parseRfc3339("2025-03-04T10:30:00+05:00")), 5);
        QCOMPARE(utcHourOfDay(*parseRfc3339("1969-12-31T23:30:00Z")), 23);
    }
};

QTEST_APPLESS_MAIN(TimestampTest)
#include "tst_timestamp.moc"
