#include "util/jsonwriter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace cepheid;

class JsonWriterTest : public QObject
{
    Q_OBJECT

private slots:
    void escapesQuotesBackslashesAndControlCharacters()
    {
        std::string out;
        JsonWriter::appendEscaped(out, std::string("a\"b\\c\nd\te\x01\x7f", 11));
        QCOMPARE(out, std::string("\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\""));
    }

    void replacesInvalidUtf8SoOutputStaysValidJson()
    {
        std::string out;
        // A lone continuation byte, a truncated 3-byte sequence, an overlong '/', then valid "é".
        JsonWriter::appendEscaped(out, "x\x80y\xE2\x82z\xC0\xAF\xC3\xA9");
        QCOMPARE(out, std::string("\"x\\ufffdy\\ufffd\\ufffdz\\ufffd\\ufffd\xC3\xA9\""));
    }

    void producesParseableNestedDocuments()
    {
        std::string out;
        JsonWriter json(out);
        json.beginObject().field("name", "C:\\Temp\\a.exe").field("count", std::uint64_t(18446744073709551615ULL));
        json.key("list").beginArray().value(1).value(true).null().value(2.5).endArray();
        json.key("empty").beginObject().endObject();
        json.endObject();
        QJsonParseError error;
        const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(out), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(document.object().value(u"name").toString(), QStringLiteral("C:\\Temp\\a.exe"));
        QVERIFY(out.find("18446744073709551615") != std::string::npos);
    }

    void writesNonFiniteNumbersAsNull()
    {
        std::string out;
        JsonWriter json(out, false);
        json.beginArray().value(std::numeric_limits<double>::quiet_NaN()).endArray();
        QCOMPARE(out, std::string("[null]"));
    }
};

QTEST_APPLESS_MAIN(JsonWriterTest)
#include "tst_jsonwriter.moc"
