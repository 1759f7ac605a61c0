// JsonRecordSplitter's structural mode against the byte-by-byte scan it replaced (referencejsonsplitter.h, the
// oracle): the same records (text, line, offset), problems (line, reason), mode and buffer bound for generated
// arrays, envelopes and concatenated values, pretty and compact; escapes and backslash runs of every parity across
// 64-byte blocks and the 4 MiB refill; unbalanced, garbage and truncated text; random mutations of valid documents.

#include "ingest/inputstream.h"
#include "ingest/jsonrecordsplitter.h"
#include "ingest/jsonstructuralscanner.h"
#include "ingest/readbuffers.h"
#include "referencejsonsplitter.h"
#include "testsupport.h"

#include <QTest>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <zlib.h>

using namespace cepheid;
using namespace cepheid::test;

namespace {

constexpr std::size_t kChunk = 4u << 20; // the splitter's read chunk: where refills fall in a plain file

// Under AddressSanitizer each splitter's 8 MiB buffer costs milliseconds to allocate and free, and the asan preset is
// a Debug build: there the random cases are a tenth as many (the default build runs them all).
#if defined(__SANITIZE_ADDRESS__) // GCC
#define CEPHEID_TEST_UNDER_ASAN
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) // clang
#define CEPHEID_TEST_UNDER_ASAN
#endif
#endif
#ifdef CEPHEID_TEST_UNDER_ASAN
constexpr std::uint64_t kGeneratedCases = 30, kMutatedCases = 300;
#else
constexpr std::uint64_t kGeneratedCases = 300, kMutatedCases = 3000;
#endif
#ifndef __SANITIZE_ADDRESS__
#if !defined(__has_feature) || !__has_feature(address_sanitizer)
constexpr std::uint64_t kRandomCases = 10;
#endif
#endif

struct Setup
{
    std::size_t maxRecordBytes = JsonRecordSplitter::kDefaultMaxRecordBytes;
    bool ownKeys = false; // the constructor with envelope keys ("Records", "events"), as CloudTrail's reader
    std::size_t stopAfter = std::size_t(-1); // the record sink says stop after this many
};

template<class Splitter> std::unique_ptr<Splitter> makeSplitter(InputStream& input, const Setup& setup)
{
    if (setup.ownKeys)
        return std::make_unique<Splitter>(
            input, setup.maxRecordBytes, std::vector<std::string> { "Records", "events" });
    return std::make_unique<Splitter>(input, setup.maxRecordBytes);
}

template<class Splitter> SplitTrace traceFile(const QString& path, const Setup& setup)
{
    InputStream input;
    if (!input.open(path.toStdString()))
        qFatal("cannot open %s", qPrintable(path));
    const auto splitter = makeSplitter<Splitter>(input, setup);
    return traceSplit(*splitter, setup.stopAfter);
}

std::string describe(const SplitTrace& trace)
{
    return std::string(trace.mode == JsonRecordSplitter::Mode::Lines ? "lines" : "structural")
        + (trace.completed ? ", completed" : ", failed") + (trace.sawContent ? ", content" : ", no content")
        + ", capacity " + std::to_string(trace.capacity) + ", " + std::to_string(trace.told.size()) + " told";
}

// Empty when both splitters told the same; else where they part.
std::string difference(const SplitTrace& expected, const SplitTrace& actual)
{
    if (expected == actual)
        return {};
    std::string why = "reference: " + describe(expected) + "; splitter: " + describe(actual);
    for (std::size_t i = 0; i < std::max(expected.told.size(), actual.told.size()); ++i) {
        const std::string want = i < expected.told.size() ? expected.told[i] : "(nothing)";
        const std::string got = i < actual.told.size() ? actual.told[i] : "(nothing)";
        if (want != got) {
            why += "\n  #" + std::to_string(i) + " reference: " + want.substr(0, 300) + "\n  #" + std::to_string(i)
                + " splitter:  " + got.substr(0, 300);
            break;
        }
    }
    return why;
}

class Differ
{
public:
    // Empty when the splitter cuts `text` as the oracle does, with each of the setups.
    std::string check(const std::string& text, const std::vector<Setup>& setups = { Setup {} }, bool gzip = false)
    {
        const QString path = write(text, gzip);
        std::string why;
        for (const Setup& setup : setups) {
            why = difference(
                traceFile<ReferenceJsonRecordSplitter>(path, setup), traceFile<JsonRecordSplitter>(path, setup));
            if (!why.empty())
                break;
        }
        QFile::remove(path);
        return why;
    }
    // The structural trace of `text`, for the tests that also look at what it holds.
    SplitTrace trace(const std::string& text, const Setup& setup = {})
    {
        return traceFile<JsonRecordSplitter>(write(text, false), setup);
    }

private:
    // A new file each time: ext4 puts a file that is truncated and written again on disk when it is closed, which
    // made thousands of small cases wait for the disk.
    QString write(const std::string& text, bool gzip)
    {
        const QString name
            = QStringLiteral("input-%1.json").arg(++m_files) + (gzip ? QStringLiteral(".gz") : QString());
        if (!gzip)
            return writeTestFile(m_directory, name, text);
        const QString path = m_directory.filePath(name);
        gzFile file = gzopen(path.toUtf8().constData(), "wb");
        gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
        gzclose(file);
        return path;
    }

    QTemporaryDir m_directory;
    int m_files = 0;
};

#define VERIFY_SAME(differ, ...)                                                                                       \
    do {                                                                                                               \
        const std::string why = (differ).check(__VA_ARGS__);                                                           \
        QVERIFY2(why.empty(), why.c_str());                                                                            \
    } while (false)

// Seeded JSON documents: objects with strings full of escapes, numbers, literals, nesting; compact or pretty.
class Generator
{
public:
    explicit Generator(std::uint64_t seed)
        : m_random(seed)
    { }

    int below(int n) { return static_cast<int>(m_random() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }

    std::string string()
    {
        static const char* const pieces[] = { "abc", "x", "wks-0142", "C:\\\\Temp\\\\a.exe", "\\\"", "\\\\", "\\n",
            "\\t", "\\u00e9", "\\/", "{", "}", "[", "]", ",", ":", " ", "é", "\xF0\x9F\x98\x80", "events" };
        std::string text = "\"";
        for (int i = below(6); i > 0; --i) {
            if (chance(20))
                text += std::string(2 * static_cast<std::size_t>(below(5)), '\\'); // an escaped backslash run
            text += pieces[below(static_cast<int>(std::size(pieces)))];
        }
        return text + "\"";
    }

    std::string scalar()
    {
        switch (below(6)) {
        case 0:
            return std::to_string(below(100000));
        case 1:
            return "-12.5e3";
        case 2:
            return chance(50) ? "true" : "false";
        case 3:
            return "null";
        default:
            return string();
        }
    }

    std::string value(int depth, int indent)
    {
        if (depth > 3 || chance(40))
            return scalar();
        return chance(70) ? object(depth + 1, indent) : array(depth + 1, indent);
    }

    std::string object(int depth, int indent)
    {
        std::vector<std::string> members;
        for (int i = below(5); i >= 0; --i)
            members.push_back(string() + (m_pretty ? ": " : ":") + value(depth, indent + 1));
        return wrap('{', members, '}', indent);
    }

    std::string array(int depth, int indent)
    {
        std::vector<std::string> elements;
        for (int i = below(4); i > 0; --i)
            elements.push_back(value(depth, indent + 1));
        return wrap('[', elements, ']', indent);
    }

    // An element of a records array: mostly objects, sometimes something else (a stray).
    std::string element(int indent) { return chance(90) ? object(1, indent) : value(2, indent); }

    std::string recordsArray(int count, int indent)
    {
        std::vector<std::string> elements;
        for (int i = 0; i < count; ++i)
            elements.push_back(element(indent + 1));
        return wrap('[', elements, ']', indent);
    }

    std::string envelope(const std::string& key, int count)
    {
        std::vector<std::string> members = { "\"" + key + "\"" + (m_pretty ? ": " : ":") + recordsArray(count, 1),
            R"("moreDataAvailable":true)", "\"nextPageToken\":" + string(), "\"stats\":" + object(2, 1) };
        std::shuffle(members.begin(), members.end(), m_random);
        return wrap('{', members, '}', 0);
    }

    // A whole file: an array, an envelope, or several top-level values one after another.
    std::string document(int records)
    {
        m_pretty = chance(60);
        m_crlf = chance(20);
        std::string text = chance(10) ? "\xEF\xBB\xBF" : "";
        const int kind = below(10);
        if (kind < 4) {
            text += recordsArray(records, 0);
        } else if (kind < 7) {
            text += envelope(chance(70) ? "events" : "Records", records);
        } else {
            for (int i = 0; i < 1 + records / 4; ++i) {
                const int part = below(10);
                text += part < 5 ? object(1, 0)
                    : part < 7   ? envelope("events", 2)
                    : part < 9   ? recordsArray(2, 0)
                                 : scalar();
                text += chance(50) ? "\n" : chance(50) ? " " : "\r\n";
            }
        }
        return text + (chance(70) ? "\n" : "");
    }

private:
    std::string wrap(char open, const std::vector<std::string>& items, char close, int indent)
    {
        const std::string newline = m_pretty ? (m_crlf ? "\r\n" : "\n") : "";
        const std::string inner = m_pretty ? newline + std::string(2 * static_cast<std::size_t>(indent + 1), ' ') : "";
        std::string text(1, open);
        for (std::size_t i = 0; i < items.size(); ++i)
            text += (i ? "," : "") + inner + items[i];
        if (!items.empty())
            text += newline + (m_pretty ? std::string(2 * static_cast<std::size_t>(indent), ' ') : "");
        return text + close;
    }

    std::mt19937_64 m_random;
    bool m_pretty = false;
    bool m_crlf = false;
};

// Bytes the state machine and the string scan react to, for mutations.
const char kSpecial[] = "\"\\{}[],: \n\r\t0atx";

// One to four bytes inserted, deleted or replaced, or (when `cut`) the text cut short there.
std::string mutate(std::string text, Generator& generator, bool cut = true)
{
    for (int i = 1 + generator.below(4); i > 0 && !text.empty(); --i) {
        const std::size_t at = static_cast<std::size_t>(generator.below(static_cast<int>(text.size())));
        const char byte = generator.chance(80) ? kSpecial[generator.below(static_cast<int>(sizeof kSpecial - 1))]
                                               : static_cast<char>(generator.below(256));
        switch (generator.below(5)) {
        case 0:
            text.insert(at, 1, byte);
            break;
        case 1:
            text.erase(at, 1);
            break;
        case 2:
            if (cut)
                text.resize(at);
            break;
        default:
            text[at] = byte;
            break;
        }
    }
    return text;
}

Setup randomSetup(Generator& generator)
{
    static const std::size_t caps[] = { JsonRecordSplitter::kDefaultMaxRecordBytes, 16, 100, 1000 };
    Setup setup;
    setup.maxRecordBytes = caps[generator.below(4)];
    setup.ownKeys = generator.chance(30);
    if (generator.chance(5))
        setup.stopAfter = static_cast<std::size_t>(generator.below(3));
    return setup;
}

// A pretty-printed array whose records are one long string each, after `prefix` (a byte order mark, or nothing),
// with `marker` placed so that it starts `before` bytes before file offset `at` (a refill boundary), and `tail` as
// its last elements.
std::string aroundOffset(const std::string& prefix, std::size_t at, std::size_t before, const std::string& marker,
    std::size_t total, const std::string& tail = "{\"last\": true}")
{
    std::string text = prefix + "[\n";
    const std::string filler = "{\"id\": 1, \"pad\": \"" + std::string(1000, 'p') + "\"},\n";
    while (text.size() + filler.size() + 64 < at - before)
        text += filler;
    text += "{\"pad\": \"" + std::string(at - before - text.size() - 9, 'q');
    text += marker;
    while (text.size() < total)
        text += filler;
    return text + tail + "\n]\n";
}

// Valid records whose strings are mostly backslash runs: an even run before a letter, an odd one before a quote
// (escaped). Backslashes then stand only inside strings, where the vectorised scan (not its byte-by-byte fallback)
// must carry a run's parity from one block to the next.
std::string backslashRecords(Generator& generator, std::size_t bytes)
{
    std::string text = "[\n";
    while (text.size() < bytes) {
        text += "{\"s\": \"";
        for (int i = generator.below(20); i > 0; --i) {
            const bool quote = generator.chance(70);
            const int run = 2 * generator.below(3) + (quote ? 1 : 0);
            text += std::string(static_cast<std::size_t>(run), '\\') + (quote ? "\"" : "x");
        }
        text += generator.chance(50) ? "\"}, é 7,\n" : "\\\\\"},\n";
    }
    return text + "{}]\n";
}

std::string utf16Le(const std::string& utf8)
{
    const QString text = QString::fromUtf8(utf8.data(), static_cast<qsizetype>(utf8.size()));
    std::string bytes = "\xFF\xFE";
    bytes.append(reinterpret_cast<const char*>(text.utf16()), static_cast<std::size_t>(text.size()) * 2);
    return bytes;
}

// What JsonStructuralScanner promises for each byte of a text, worked out over the whole text at once.
struct ByteModel
{
    std::vector<bool> inString, stringStart, stringEnd, brackets, comma, scalarStart;

    explicit ByteModel(const std::string& text)
    {
        bool inside = false, escaped = false, previousScalar = false;
        for (const char c : text) {
            const bool opens = !inside && c == '"';
            const bool closes = inside && !escaped && c == '"';
            const bool outside = !inside && !opens;
            escaped = inside && !escaped && c == '\\';
            inside = (inside && !closes) || opens;
            const bool scalar = outside && std::string_view(" \t\r\n{}[],:").find(c) == std::string_view::npos;
            inString.push_back(inside);
            stringStart.push_back(opens);
            stringEnd.push_back(closes);
            brackets.push_back(outside && std::string_view("{[]}").find(c) != std::string_view::npos);
            comma.push_back(outside && c == ',');
            scalarStart.push_back(scalar && !previousScalar);
            previousScalar = scalar;
        }
    }

    static std::uint64_t bits(const std::vector<bool>& flags, std::size_t from, std::size_t size)
    {
        std::uint64_t mask = 0;
        for (std::size_t i = 0; i < size; ++i)
            mask |= flags[from + i] ? std::uint64_t(1) << i : 0;
        return mask;
    }
};

} // namespace

class JsonRecordSplitterTest : public QObject
{
    Q_OBJECT

private slots:
    // The SSE2 classifier (where built) and the portable one the other architectures use agree on every byte value
    // at every position of a block.
    void classifiersAgree()
    {
        Generator generator(7);
        std::string block(JsonStructuralScanner::kBlockBytes, '\0');
        for (int round = 0; round < 2000; ++round) {
            for (char& c : block)
                c = round < 256 ? static_cast<char>((round + (&c - block.data())) & 0xFF)
                                : kSpecial[generator.below(static_cast<int>(sizeof kSpecial - 1))];
            auto both = JsonStructuralScanner::classifyStrings(block.data());
            const auto others = JsonStructuralScanner::classifyOthers(block.data());
            both.comma = others.comma;
            both.other = others.other;
            QCOMPARE(both, JsonStructuralScanner::classifyPortable(block.data()));
        }
    }

    // The scanner's masks against a byte-by-byte model, block by block, blocks of every size from 1 to 64 (the
    // splitter gives a short block before each refill): string and escape state must carry across them.
    void scannerMatchesTheByteModel()
    {
        for (std::uint64_t seed = 1; seed <= 300; ++seed) {
            Generator generator(seed);
            const std::string text
                = seed % 2 ? mutate(generator.document(4), generator) : backslashRecords(generator, 2000);
            std::string padded = text + std::string(JsonRecordSplitter::kPadding, '\0');
            const ByteModel model(text);
            JsonStructuralScanner scanner;
            for (std::size_t at = 0; at < text.size();) {
                const std::size_t size = std::min<std::size_t>(
                    text.size() - at, generator.chance(50) ? 64 : 1 + static_cast<std::size_t>(generator.below(64)));
                StructuralBlock block = scanner.next(padded.data() + at, size);
                JsonStructuralScanner::addCommasAndScalars(block);
                const auto expect = [&](std::uint64_t actual, const std::vector<bool>& flags, const char* what) {
                    if (actual != ByteModel::bits(flags, at, size))
                        QTest::qFail(qPrintable(QStringLiteral("seed %1, %2 at byte %3 (block of %4)")
                                                    .arg(seed)
                                                    .arg(QLatin1String(what))
                                                    .arg(at)
                                                    .arg(size)),
                            __FILE__, __LINE__);
                    return actual == ByteModel::bits(flags, at, size);
                };
                if (!expect(block.inString, model.inString, "inString")
                    || !expect(block.stringStart, model.stringStart, "stringStart")
                    || !expect(block.stringEnd, model.stringEnd, "stringEnd")
                    || !expect(block.brackets, model.brackets, "brackets") || !expect(block.comma, model.comma, "comma")
                    || !expect(block.scalarStart, model.scalarStart, "scalarStart"))
                    return;
                at += size;
            }
            QCOMPARE(scanner.inString(), !text.empty() && model.inString.back());
        }
    }

    // Lines are counted 64 bytes at a time, then 16, then the last few with a masked overlapping load.
    void countsNewlines()
    {
        Generator generator(3);
        std::string text;
        for (int i = 0; i < 300; ++i)
            text += generator.chance(30) ? '\n' : static_cast<char>(generator.below(256));
        text += std::string(5000, '\n') + std::string(3000, 'x'); // more newlines than a byte counter holds
        for (std::size_t begin = 0; begin < 40; ++begin) {
            for (std::size_t end = begin; end < text.size(); end += 1 + end / 8) {
                const auto expected
                    = static_cast<std::size_t>(std::count(text.begin() + begin, text.begin() + end, '\n'));
                QCOMPARE(countNewlines(text.data() + begin, text.data() + end), expected);
            }
        }
    }

    void sameAsTheByteScanOnHandWrittenInput_data()
    {
        QTest::addColumn<QByteArray>("text");
        auto row
            = [](const char* name, const std::string& text) { QTest::newRow(name) << QByteArray::fromStdString(text); };
        row("empty", "");
        row("whitespace", " \n\t\r\n ");
        row("array", "[\n {\"a\": 1},\n {\"b\": [1, 2, {\"c\": \"}\"}]}\n]\n");
        row("envelope", "{\"events\": [{\"a\": 1}, {\"b\": 2}], \"more\": true}");
        row("envelope key after", "{\"more\": {\"x\": [1]}, \"events\":\n[\n{\"a\": \"\\\"\"}\n]}\n");
        row("one-line envelope", "{\"events\":[{\"a\":1},{\"b\":2}]}\n{\"events\":[{\"c\":3}]}\n");
        row("Records envelope", "{\"Records\": [{\"a\": 1}, 7, [2]]}");
        row("concatenated", "{\"a\": 1}\n[{\"b\": 2}]\n 42 \"s\" true\n{\"events\": [{\"c\": 3}]}");
        row("strays", "[1, \"two\", [3], {\"four\": 4}, null, -5.5e3, {\"six\": 6}]\n");
        row("stray after a comma in a record", "[5 {\"a\":1,\"b\":2} 6]");
        row("stray without a comma", "[5 {\"a\":1} 6]");
        row("unexpected closers", "]\n}\n[{\"a\": 1}]]\n}{\"b\": 2}");
        row("truncated record", "[\n{\"a\": 1},\n{\"b\": \"cut");
        row("truncated string", "[\"abc");
        row("truncated escape", "[{\"a\": \"\\");
        row("backslash outside strings", "[\\\"{\"a\": 1}, \\, {\"b\": \"\\\\\"}]\\");
        row("backslashes then quote outside", "\\\\\\\"[{\"a\":1}]\\\"");
        row("escaped quotes",
            "[{\"a\": \"\\\"\", \"b\": \"\\\\\", \"c\": \"\\\\\\\"\", \"d\": \"\\\\\\\\\"}, {\"e\": \"x\\\"y\"}]");
        row("raw newlines in strings", "[{\"a\": \"line\nbreak\"},\n{\"b\": \"\n\n\"}]\n{\"c\"\n}");
        row("byte order mark", "\xEF\xBB\xBF[{\"a\": 1}]");
        row("nul bytes", std::string("[{\"a\": \"\0\"}, \0 {\"b\": 1}]", 24));
        row("deep", std::string(300, '[') + "{\"a\": 1}" + std::string(300, ']'));
        row("key-like values", "{\"x\": \"events\", \"events\" : [ {\"a\": 1} ]}");
        row("events not an array", "{\"events\": {\"a\": 1}, \"b\": [{\"c\": 2}]}");
        row("colons and scalars", ":::[:{\"a\"::1}:,:]");
    }
    void sameAsTheByteScanOnHandWrittenInput()
    {
        QFETCH(QByteArray, text);
        Differ differ;
        for (const std::size_t cap : { JsonRecordSplitter::kDefaultMaxRecordBytes, std::size_t(4) }) {
            for (const bool ownKeys : { false, true }) {
                VERIFY_SAME(differ, text.toStdString(), { Setup { cap, ownKeys }, Setup { cap, ownKeys, 1 } });
            }
        }
        VERIFY_SAME(differ, text.toStdString(), { Setup {} }, true);
    }

    // A quote after a run of 0 to 9 backslashes, in a string or outside one, at every position of a 64-byte block
    // (and past it, so the run or its quote falls in the next block).
    void backslashRunsAcrossBlocks()
    {
        Differ differ;
        std::string text;
        for (int pad = 0; pad < 70; ++pad) {
            for (int run = 0; run < 10; ++run) {
                const std::string backslashes(static_cast<std::size_t>(run), '\\');
                const std::string padding(static_cast<std::size_t>(pad), 'x');
                text += "[{\"a\": \"" + padding + backslashes + "\"}, {\"b\": 1}]\n"; // in a string
                text += "[" + padding.substr(0, static_cast<std::size_t>(pad % 7)) + backslashes
                    + "\"s\", {\"c\": 2}]\n";
            }
            VERIFY_SAME(differ, text);
            VERIFY_SAME(differ, "\xEF\xBB\xBF" + text); // the scan starts 3 bytes later
            text.clear();
        }
    }

    // Arrays, envelopes and concatenated values, pretty or compact, with strays, and a random record cap.
    void generatedDocuments()
    {
        Differ differ;
        for (std::uint64_t seed = 1; seed <= kGeneratedCases; ++seed) {
            Generator generator(seed);
            const std::string text = generator.document(1 + generator.below(40));
            const std::string why = differ.check(text, { randomSetup(generator) });
            QVERIFY2(why.empty(), qPrintable(QStringLiteral("seed %1: ").arg(seed) + QString::fromStdString(why)));
        }
    }

    // The same documents with a few bytes inserted, deleted or replaced (mostly by bytes the scan reacts to) or cut
    // short: unbalanced brackets, unterminated strings, backslashes outside strings, garbage.
    void mutatedDocuments()
    {
        Differ differ;
        for (std::uint64_t seed = 1; seed <= kMutatedCases; ++seed) {
            Generator generator(seed * 7919);
            const std::string text = mutate(generator.document(1 + generator.below(12)), generator);
            const std::string why = differ.check(text, { randomSetup(generator) });
            QVERIFY2(why.empty(),
                qPrintable(QStringLiteral("seed %1: ").arg(seed) + QString::fromStdString(why)
                    + QStringLiteral("\ninput: ") + QString::fromStdString(text.substr(0, 2000))));
        }
    }

    // The refill at 4 MiB (and 8 MiB): a backslash run, an escaped quote, an envelope key or a record's end straddles
    // it; a record longer than the cap is dropped only at a refill, which the small caps test.
    void acrossTheRefill()
    {
        Differ differ;
        // Each marker with the distances before the refill that cut it where it matters: an odd or even backslash run
        // ending at the boundary or split by it, an escaped quote, a record's end and a stray.
        const std::pair<std::string, std::vector<std::size_t>> markers[] = {
            { std::string(5, '\\') + "\"tail\"},\n", { 3, 5 } },
            { std::string(4, '\\') + "\"},\n", { 1, 4 } },
            { "\\\"\"},\n", { 1, 2 } },
            { "\"}, 17, {\"x\": 1},\n", { 1, 2 } },
        };
        for (const auto& [marker, distances] : markers) {
            // With a byte order mark the scan starts 3 bytes in: the last block before the refill is a short one.
            for (const std::string prefix : { "", "\xEF\xBB\xBF" }) {
                for (const std::size_t before : distances)
                    VERIFY_SAME(differ, aroundOffset(prefix, kChunk, before, marker, kChunk + 3000));
            }
        }
        // What the walk knows of the state at a refill inside a record must follow the state after it: strays in a
        // nested array (its comma forgets the stray before it) and after the array's end.
        VERIFY_SAME(differ,
            aroundOffset("", kChunk, 40, "\"},\n", kChunk + 3000, "[1, 2] 3, [4 [5, 6] 7], {\"z\": [8, 9]} 10\n] ["));
        // An envelope whose key straddles the refill, so that it is kept across it (or dropped when too long). The cap
        // is small so that the sniff stops at the first chunk of this one-line file.
        for (const std::size_t before : { 1, 7, 9 }) {
            std::string text = "{\"nextPageToken\": \"" + std::string(kChunk - before - 19 - 2, 't') + "\", ";
            text += "\"events\": [{\"a\": 1}, {\"b\": 2}]}\n";
            VERIFY_SAME(differ, text, { Setup { 1000 }, Setup { 1000, true } });
            std::string longKey = "{\"" + std::string(kChunk - before - 2, 'k') + "\": [{\"c\": 3}]}";
            VERIFY_SAME(differ, longKey, { Setup { 1000 } });
        }
        // A record across two refills with a small cap, then more; and a whole pretty envelope over 8 MiB.
        Generator generator(99);
        std::string big = "[\n{\"big\": \"" + std::string(2 * kChunk + 100, 'b') + "\"},\n";
        big += generator.recordsArray(50, 0) + ",\n" + generator.recordsArray(50, 0) + "\n]\n";
        VERIFY_SAME(differ, big, { Setup { 100000 } });
        std::string envelope = "{\"events\": [\n";
        while (envelope.size() < 2 * kChunk + 5000)
            envelope += generator.element(1) + ",\n";
        envelope += "{}]}\n";
        VERIFY_SAME(differ, envelope, { Setup {}, Setup { 300 } });
    }

    // UTF-16 is converted as it is read, a few hundred KiB a read: refills then fall anywhere in the text, so the
    // blocks before them are short, often in the middle of a backslash run or a string.
    void shortReadsFromUtf16()
    {
        Differ differ;
        for (std::uint64_t seed = 1; seed <= 4; ++seed) {
            Generator generator(seed);
            const std::string text = backslashRecords(generator, 1u << 20);
            VERIFY_SAME(differ, utf16Le(text), { Setup {}, Setup { 100 } });
        }
        // Large mutated documents: the state the walk carries across many refills meets garbage after them.
        for (std::uint64_t seed = 1; seed <= 6; ++seed) {
            Generator generator(seed * 104729);
            std::string text;
            while (text.size() < (600u << 10))
                text += generator.document(40);
            for (int i = 0; i < 30; ++i)
                text = mutate(std::move(text), generator, false);
            VERIFY_SAME(differ, utf16Le(text), { Setup {}, Setup { 2000 } });
        }
    }

    // Shared buffers, which BatchReader's parsing threads parse records in: a buffer someone holds is never written
    // again, one let go is used again instead of new memory, and a buffer no one shares is compacted in place.
    void aHeldBufferIsKeptAndALetGoOneReused()
    {
        ReadBuffers buffers(1024, JsonRecordSplitter::kPadding);
        char* const first = buffers.data();
        std::memcpy(first, "first", 5);
        buffers.moveToFront(1, 5, 1024);
        QCOMPARE(buffers.data(), first);
        QCOMPARE(std::string_view(first, 4), "irst");

        buffers.share();
        const std::uint64_t generation = buffers.generation();
        std::shared_ptr<const char> heldFirst = buffers.hold();
        buffers.moveToFront(1, 4, 1024);
        char* const second = buffers.data();
        QVERIFY(second != first);
        QVERIFY(buffers.generation() != generation);
        QCOMPARE(std::string_view(heldFirst.get(), 4), "irst");
        QCOMPARE(std::string_view(second, 3), "rst");

        const std::shared_ptr<const char> heldSecond = buffers.hold();
        heldFirst.reset();
        buffers.moveToFront(1, 3, 1024);
        QCOMPARE(buffers.data(), first); // let go: used again
        QCOMPARE(std::string_view(first, 2), "st");
        QCOMPARE(std::string_view(heldSecond.get(), 3), "rst");
        // Larger than any buffer there is: a new one; held ones stay as they were.
        buffers.moveToFront(0, 2, 4096);
        QVERIFY(buffers.data() != first && buffers.data() != second);
        QVERIFY(buffers.capacity() >= 4096);
        QCOMPARE(std::string_view(buffers.data(), 2), "st");
    }

    // The splitter with shared buffers, held the way BatchReader holds them: each buffer by the records that lie in it,
    // most let go a few buffers later (a batch recycled), every third kept to the end. After the whole file (NDJSON,
    // an array and UTF-16, over several refills, with a record longer than a read), every record still held reads as
    // the record told, and so do the kPadding bytes after it that simdjson reads. A buffer is left for another at
    // most once a refill: UTF-16, converted a few hundred KiB a read, must not spread records over dozens of buffers.
    void sharedBuffersKeepEveryHeldRecord()
    {
        Generator generator(2024);
        std::string lines;
        while (lines.size() < 6 * kChunk) {
            lines += generator.object(1, 0) + "\n";
            if (lines.size() > kChunk && lines.size() < kChunk + 1000)
                lines += "{\"long\": \"" + std::string(kChunk + 12345, 'x') + "\"}\n";
        }
        std::string array = "[";
        while (array.size() < 6 * kChunk) {
            array += generator.object(1, 0) + ",\n";
            if (array.size() > kChunk && array.size() < kChunk + 1000)
                array += "{\"long\": \"" + std::string(2 * kChunk + 12345, 'y') + "\"},\n";
        }
        array += "{}]\n";
        // The long element doubles the buffer as before (the oracle's capacity is compared too).
        Differ differ;
        VERIFY_SAME(differ, array);
        const std::string utf16 = utf16Le(lines.substr(0, 3 * kChunk));
        QTemporaryDir directory;
        const auto describe = [](const JsonRecordSplitter::Record& record) {
            return std::to_string(record.line) + " @" + std::to_string(record.offset) + ": "
                + std::string(record.text.data(), record.text.size() + JsonRecordSplitter::kPadding);
        };
        for (const auto& [text, decodedBytes] :
            { std::pair { lines, lines.size() }, std::pair { array, array.size() }, std::pair { utf16, 3 * kChunk } }) {
            const QString path = writeTestFile(directory, QStringLiteral("shared.json"), text);
            std::vector<std::string> told;
            {
                InputStream input;
                QVERIFY(input.open(path.toStdString()));
                JsonRecordSplitter unshared(input);
                QVERIFY(unshared.run(
                    [&](const JsonRecordSplitter::Record& record) {
                        told.push_back(describe(record));
                        return true;
                    },
                    [](std::uint64_t, const std::string&) {}));
            }
            InputStream input;
            QVERIFY(input.open(path.toStdString()));
            JsonRecordSplitter splitter(input);
            splitter.shareBuffers();
            std::map<std::uint64_t, std::shared_ptr<const char>> held; // by generation
            std::deque<std::uint64_t> recent;
            std::vector<std::pair<std::uint64_t, JsonRecordSplitter::Record>> records;
            std::uint64_t lastGeneration = ~std::uint64_t(0);
            QVERIFY(splitter.run(
                [&](const JsonRecordSplitter::Record& record) {
                    if (splitter.bufferGeneration() != lastGeneration) {
                        lastGeneration = splitter.bufferGeneration();
                        held[lastGeneration] = splitter.holdBuffer();
                        if (lastGeneration % 3 != 0)
                            recent.push_back(lastGeneration);
                        if (recent.size() > 2) {
                            held.erase(recent.front());
                            recent.pop_front();
                        }
                    }
                    records.emplace_back(lastGeneration, record);
                    return true;
                },
                [](std::uint64_t, const std::string&) {}));
            QCOMPARE(records.size(), told.size());
            std::size_t checked = 0;
            for (std::size_t i = 0; i < records.size(); ++i) {
                const auto& [generation, record] = records[i];
                if (!held.contains(generation))
                    continue;
                QVERIFY(record.capacity >= record.text.size() + JsonRecordSplitter::kPadding);
                if (describe(record) != told[i])
                    QFAIL(qPrintable(QStringLiteral("record %1 changed under its holder").arg(i)));
                ++checked;
            }
            QVERIFY(checked > records.size() / 4);
            QVERIFY2(lastGeneration >= 2 && lastGeneration <= decodedBytes / kChunk + 4,
                qPrintable(QStringLiteral("%1 buffers for %2 bytes").arg(lastGeneration).arg(decodedBytes)));
        }
    }

    // What the differential tests compare is worth comparing: the cuts themselves, on a small example.
    void cutsRecordsWithTheirLinesAndOffsets()
    {
        Differ differ;
        const SplitTrace trace
            = differ.trace("\xEF\xBB\xBF{\n \"events\": [\n  {\"a\": \"\\\"}\"},\n  7,\n  {\"b\": [1]}\n ]\n}\n]");
        QCOMPARE(trace.mode, JsonRecordSplitter::Mode::Structural);
        QCOMPARE(trace.told,
            (std::vector<std::string> { "record 3 @20: {\"a\": \"\\\"}\"}",
                "problem 4: array element is not a JSON object: skipped", "record 5 @41: {\"b\": [1]}",
                "problem 8: unexpected ']' outside any JSON value: ignored" }));
    }
};

QTEST_APPLESS_MAIN(JsonRecordSplitterTest)
#include "tst_jsonrecordsplitter.moc"
