#include "util/jsonwriter.h"
#include "util/terminaltext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace cepheid;

class JsonWriterTest : public QObject
{
    Q_OBJECT

private slots:
    void showsControlsInsteadOfObeyingThem()
    {
        // JSON: C1 controls and direction overrides are escaped (the same value; no viewer acts on it).
        std::string out;
        cepheid::JsonWriter::appendEscaped(out,
            "\xc2\x9b"
            "2J \xe2\x80\xae"
            "gnp.exe \xc3\xa9");
        QCOMPARE(out, std::string("\"\\u009b2J \\u202egnp.exe \xc3\xa9\""));
        QCOMPARE(QJsonDocument::fromJson("[" + QByteArray::fromStdString(out) + "]").array().at(0).toString(),
            QStringLiteral("\u009b2J \u202egnp.exe \u00e9"));
        // The terminal: escapes, C1, bidi and stray bytes are written out; text, tabs and line breaks stay.
        QCOMPARE(cepheid::terminalSafe("\x1b[2J\x1b]0;t\x07 \xc2\x9b \xe2\x80\xae x\ty\nz \xff \xc3\xa9"),
            std::string("\\x1B[2J\\x1B]0;t\\x07 \\u009B \\u202E x\ty\nz \\xFF \xc3\xa9"));
    }

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
