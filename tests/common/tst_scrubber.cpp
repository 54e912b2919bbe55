#include "sanitizer/scrubber.h"

#include <QRandomGenerator>
#include <QTest>

#include <functional>

using tap::core::SecretBytes;
using tap::sanitizer::Scrubber;
using tap::sanitizer::Secret;

namespace {

using Chunker = std::function<qsizetype(qsizetype offset)>;

Secret secret(const char *name, QByteArrayView value)
{
    return { QString::fromLatin1(name), SecretBytes(value) };
}

// Feeds `input` in chunks of the sizes `chunker` picks and concatenates all output.
QByteArray streamed(Scrubber &scrubber, QByteArrayView input, const Chunker &chunker)
{
    QByteArray out;
    for (qsizetype at = 0; at < input.size();) {
        const qsizetype size = std::clamp<qsizetype>(chunker(at), 1, input.size() - at);
        out += scrubber.feed(input.sliced(at, size));
        at += size;
    }
    return out + scrubber.finish();
}

Chunker fixed(qsizetype size)
{
    return [size](qsizetype) { return size; };
}

Chunker randomSizes(quint32 seed, int maxSize)
{
    auto rng = std::make_shared<QRandomGenerator>(seed);
    return [rng, maxSize](qsizetype) { return qsizetype(rng->bounded(1, maxSize + 1)); };
}

// Leftmost-first, longest-at-a-position, non-overlapping: the specification, by brute force.
QByteArray naiveScrub(QByteArrayView text, const QList<QPair<QByteArray, QByteArray>> &patterns)
{
    QByteArray out;
    for (qsizetype at = 0; at < text.size();) {
        qsizetype best = -1;
        for (qsizetype p = 0; p < patterns.size(); ++p) {
            const QByteArray &pattern = patterns.at(p).second;
            if (text.sliced(at).startsWith(pattern)
                && (best < 0 || pattern.size() > patterns.at(best).second.size()))
                best = p;
        }
        if (best < 0) {
            out += text[at++];
            continue;
        }
        out += "[REDACTED:" + patterns.at(best).first + ']';
        at += patterns.at(best).second.size();
    }
    return out;
}

QByteArray randomBytes(quint32 seed, qsizetype size, QByteArrayView alphabet = {})
{
    QRandomGenerator rng(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes)
        c = alphabet.isEmpty() ? char(rng.bounded(256))
                               : alphabet[rng.bounded(int(alphabet.size()))];
    return bytes;
}

const QByteArray kValue = QByteArrayLiteral("k>?~ey>>?~"); // base64 has '+' and '/'
const QByteArray kOdd = QByteArrayLiteral("Sx/9+k ~*\"q\\z"); // needs every escaping

} // namespace

class TestScrubber : public QObject
{
    Q_OBJECT

private slots:
    void encodings_data();
    void encodings();
    void positions_data();
    void positions();
    void prefixSecrets_data();
    void prefixSecrets();
    void everySplitPoint_data();
    void everySplitPoint();
    void matchesNaiveReference_data();
    void matchesNaiveReference();
    void absentSecretIsByteExact_data();
    void absentSecretIsByteExact();
    void holdsBackOnlyPossibleMatches();
    void redactionsCount();
    void scrubAllIsIndependent();
    void emptySecretListPassesThrough();
    void binarySecret();
    void sameValueTwice();
    void large();
};

void TestScrubber::encodings_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray r = QByteArrayLiteral("[REDACTED:k]");
    const auto row = [&](const char *name, const QByteArray &value, const char *encoded) {
        QTest::addRow("%s", name) << value << "<" + QByteArray(encoded) + ">"
                                  << "<" + r + ">";
    };
    row("exact", kValue, "k>?~ey>>?~");
    row("base64", kValue, "az4/fmV5Pj4/fg==");
    row("base64 unpadded", kValue, "az4/fmV5Pj4/fg");
    row("base64url", kValue, "az4_fmV5Pj4_fg==");
    row("base64url unpadded", kValue, "az4_fmV5Pj4_fg");
    row("percent upper", kOdd, "Sx%2F9%2Bk%20~%2A%22q%5Cz");
    row("percent lower", kOdd, "Sx%2f9%2bk%20~%2a%22q%5cz");
    row("form, space as plus", kOdd, "Sx%2F9%2Bk+~%2A%22q%5Cz");
    row("form, lower hex", kOdd, "Sx%2f9%2bk+~%2a%22q%5cz");
    row("form, WHATWG set", kOdd, "Sx%2F9%2Bk+%7E*%22q%5Cz");
    row("json escaped", kOdd, R"(Sx/9+k ~*\"q\\z)");
    row("json escaped slash", kOdd, R"(Sx\/9+k ~*\"q\\z)");
    row("json control characters", QByteArrayLiteral("a\nb\x01"), R"(a\nb\u0001)");

    // Inside a longer base64 run the characters at the edges depend on the neighbours.
    QTest::addRow("base64 inside run, offset 0")
            << kValue << QByteArrayLiteral("az4/fmV5Pj4/fnRhaWw=")
            << QByteArrayLiteral("[REDACTED:k]nRhaWw=");
    QTest::addRow("base64 inside run, offset 1")
            << kValue << QByteArrayLiteral("YWs+P35leT4+P350YWls")
            << QByteArrayLiteral("YW[REDACTED:k]50YWls");
    QTest::addRow("base64url inside run, offset 1")
            << kValue << QByteArrayLiteral("YWs-P35leT4-P350YWls")
            << QByteArrayLiteral("YW[REDACTED:k]50YWls");
    QTest::addRow("base64 inside run, offset 2")
            << kValue << QByteArrayLiteral("YWJrPj9+ZXk+Pj9+dGFpbA==")
            << QByteArrayLiteral("YWJ[REDACTED:k]dGFpbA==");
    // RFC 7617: an echoed "Basic base64(user:password)".
    QTest::addRow("basic auth, password at offset 1")
            << kValue << QByteArrayLiteral("Authorization: Basic Ym9iOms+P35leT4+P34=")
            << QByteArrayLiteral("Authorization: Basic Ym9iOm[REDACTED:k]4=");
    QTest::addRow("basic auth, password aligned")
            << kValue << QByteArrayLiteral("Basic YWxpY2U6az4/fmV5Pj4/fg==")
            << QByteArrayLiteral("Basic YWxpY2U6[REDACTED:k]");
}

void TestScrubber::encodings()
{
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);

    Scrubber scrubber({ secret("k", value) });
    QCOMPARE(scrubber.scrubAll(text), expected);
    QCOMPARE(scrubber.redactions(), 1);
    QCOMPARE(streamed(scrubber, text, fixed(1)), expected);
    QCOMPARE(scrubber.redactions(), 2);
}

void TestScrubber::positions_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<int>("count");

    const QByteArray s = QByteArrayLiteral("sk-live-123");
    const QByteArray r = QByteArrayLiteral("[REDACTED:api]");
    QTest::addRow("whole") << s << r << 1;
    QTest::addRow("start") << s + "...rest" << r + "...rest" << 1;
    QTest::addRow("end") << "head..." + s << "head..." + r << 1;
    QTest::addRow("middle") << "{\"token\":\"" + s + "\"}"
                            << "{\"token\":\"" + r + "\"}" << 1;
    QTest::addRow("adjacent") << s + s << r + r << 2;
    QTest::addRow("repeated") << s + ' ' + s + ' ' + s << r + ' ' + r + ' ' + r << 3;
    QTest::addRow("overlapping candidates")
            << QByteArrayLiteral("sk-live-sk-live-123") << "sk-live-" + r << 1;
    QTest::addRow("truncated") << s.chopped(1) << s.chopped(1) << 0;
    QTest::addRow("different case")
            << QByteArrayLiteral("SK-LIVE-123") << QByteArrayLiteral("SK-LIVE-123") << 0;
    QTest::addRow("empty") << QByteArray() << QByteArray() << 0;
}

void TestScrubber::positions()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    QFETCH(int, count);

    Scrubber scrubber({ secret("api", "sk-live-123") });
    QCOMPARE(scrubber.scrubAll(text), expected);
    QCOMPARE(scrubber.redactions(), count);
    for (const qsizetype size : { 1, 2, 3, 5, 7, 64 }) {
        Scrubber streaming({ secret("api", "sk-live-123") });
        QCOMPARE(streamed(streaming, text, fixed(size)), expected);
        QCOMPARE(streaming.redactions(), count);
    }
}

void TestScrubber::prefixSecrets_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("longer wins") << QByteArrayLiteral("xabcdefx")
                                 << QByteArrayLiteral("x[REDACTED:long]x");
    QTest::addRow("only the prefix")
            << QByteArrayLiteral("xabcdeX") << QByteArrayLiteral("x[REDACTED:short]deX");
    QTest::addRow("short then long") << QByteArrayLiteral("abcabcdef")
                                     << QByteArrayLiteral("[REDACTED:short][REDACTED:long]");
    QTest::addRow("long then short") << QByteArrayLiteral("abcdefabc")
                                     << QByteArrayLiteral("[REDACTED:long][REDACTED:short]");
    // Leftmost first: "cdefgh" would be longer but starts later, inside the earlier match.
    QTest::addRow("leftmost beats longer")
            << QByteArrayLiteral("abcdefgh") << QByteArrayLiteral("[REDACTED:long]gh");
    QTest::addRow("suffix secret")
            << QByteArrayLiteral("xxcdefghxx") << QByteArrayLiteral("xx[REDACTED:later]xx");
}

void TestScrubber::prefixSecrets()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);

    const QList<Secret> secrets{ secret("short", "abc"), secret("long", "abcdef"),
                                 secret("later", "cdefgh") };
    Scrubber scrubber(secrets);
    QCOMPARE(scrubber.scrubAll(text), expected);
    for (const qsizetype size : { 1, 2, 3, 4 }) {
        Scrubber streaming(secrets);
        QCOMPARE(streamed(streaming, text, fixed(size)), expected);
    }
}

void TestScrubber::everySplitPoint_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray s = QByteArrayLiteral("ghp_0123456789abcdef");
    const QByteArray r = QByteArrayLiteral("[REDACTED:gh]");
    QTest::addRow("exact") << "pre " + s + " post"
                           << "pre " + r + " post";
    QTest::addRow("base64") << "x" + s.toBase64() + "y"
                            << "x" + r + "y";
    QTest::addRow("twice, back to back") << s + s << r + r;
    QTest::addRow("near miss then hit") << s.chopped(1) + s << s.chopped(1) + r;
}

// Two chunks split at every possible point, and several chunkings: the output never depends on
// where the chunk boundaries fall.
void TestScrubber::everySplitPoint()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);

    const QList<Secret> secrets{ secret("gh", "ghp_0123456789abcdef") };
    for (qsizetype split = 0; split <= text.size(); ++split) {
        Scrubber scrubber(secrets);
        QByteArray out = scrubber.feed(QByteArrayView(text).first(split));
        out += scrubber.feed(QByteArrayView(text).sliced(split));
        out += scrubber.finish();
        QVERIFY2(out == expected, qPrintable(QStringLiteral("split at %1").arg(split)));
    }
    for (quint32 seed = 1; seed <= 20; ++seed) {
        Scrubber scrubber(secrets);
        QCOMPARE(streamed(scrubber, text, randomSizes(seed, 9)), expected);
    }
    for (const qsizetype size : { 1, 3 }) {
        Scrubber scrubber(secrets);
        QCOMPARE(streamed(scrubber, text, fixed(size)), expected);
    }
}

void TestScrubber::matchesNaiveReference_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 200; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

// Random text over a tiny alphabet is full of overlapping and partial matches. None of the
// encoded forms of these secrets can occur in it, so the exact values are the whole
// specification and a brute-force scan is the reference.
void TestScrubber::matchesNaiveReference()
{
    QFETCH(quint32, seed);

    // A fixed set with prefixes, repetitions and a one-byte secret, and a random set (up to 5
    // bytes, so that no base64 "core" pattern exists).
    QList<QPair<QByteArray, QByteArray>> patterns{
        { "ab", "ab" }, { "abcab", "abcab" }, { "cabcabca", "cabcabca" }, { "bb", "bb" }
    };
    if (seed % 2 == 0)
        patterns.append(qMakePair(QByteArrayLiteral("c"), QByteArrayLiteral("c")));
    QRandomGenerator rng(seed);
    for (int i = 0, n = rng.bounded(1, 4); i < n; ++i)
        patterns.append(qMakePair("r" + QByteArray::number(i),
                                  randomBytes(seed * 10 + i, rng.bounded(1, 6), "abc")));
    QList<Secret> secrets;
    for (const auto &[name, value] : patterns)
        secrets.append({ QString::fromLatin1(name), SecretBytes(value) });

    const QByteArray text = randomBytes(seed, 300, "abc");
    const QByteArray expected = naiveScrub(text, patterns);
    Scrubber scrubber(secrets);
    QCOMPARE(scrubber.scrubAll(text), expected);
    QCOMPARE(streamed(scrubber, text, fixed(1)), expected);
    QCOMPARE(streamed(scrubber, text, fixed(3)), expected);
    QCOMPARE(streamed(scrubber, text, randomSizes(seed, 17)), expected);
    QCOMPARE(streamed(scrubber, text, fixed(300)), expected);
}

void TestScrubber::absentSecretIsByteExact_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("text") << QByteArrayLiteral("{\"ok\":true,\"items\":[1,2,3]}\r\n");
    QTest::addRow("nul bytes") << QByteArray(1000, '\0');
    QTest::addRow("binary") << randomBytes(7, 256 * 1024);
    QTest::addRow("near misses") << QByteArrayLiteral("sk-live-12 sk-live-1 sk-live- sk-lIve-123");
    QByteArray allBytes;
    for (int b = 0; b < 256; ++b)
        allBytes += char(b);
    QTest::addRow("every byte value") << allBytes + allBytes;
}

void TestScrubber::absentSecretIsByteExact()
{
    QFETCH(QByteArray, text);

    Scrubber scrubber({ secret("api", "sk-live-123"), secret("other", "p@ss w0rd") });
    QCOMPARE(scrubber.scrubAll(text), text);
    QCOMPARE(streamed(scrubber, text, fixed(1)), text);
    QCOMPARE(streamed(scrubber, text, randomSizes(3, 4096)), text);
    QCOMPARE(scrubber.redactions(), 0);
}

// Streaming latency: bytes that cannot start a match are handed on at once (server-sent
// events must not wait for the next chunk); only a possible beginning of a secret is kept.
void TestScrubber::holdsBackOnlyPossibleMatches()
{
    Scrubber scrubber({ secret("api", "sk-live-123") });
    QCOMPARE(scrubber.feed("data: hello\n\n"), QByteArrayLiteral("data: hello\n\n"));
    QCOMPARE(scrubber.feed("data: sk-li"), QByteArrayLiteral("data: "));
    QCOMPARE(scrubber.feed("ve"), QByteArray());
    QCOMPARE(scrubber.feed("-12"), QByteArray());
    QCOMPARE(scrubber.feed("3\n\n"), QByteArrayLiteral("[REDACTED:api]\n\n"));
    QCOMPARE(scrubber.feed("sk-"), QByteArray());
    QCOMPARE(scrubber.feed("x"), QByteArrayLiteral("sk-x"));
    QCOMPARE(scrubber.feed("sk-live"), QByteArray());
    QCOMPARE(scrubber.finish(), QByteArrayLiteral("sk-live"));
    QCOMPARE(scrubber.finish(), QByteArray());
    QCOMPARE(scrubber.redactions(), 1);

    // The tail never exceeds maxPatternLength() - 1 bytes.
    const QByteArray value = QByteArrayLiteral("aaaaaaaaab");
    Scrubber repetitive({ secret("r", value) });
    QVERIFY(repetitive.maxPatternLength() >= value.size());
    qsizetype fedBytes = 0;
    qsizetype outBytes = 0;
    for (int i = 0; i < 100; ++i) {
        outBytes += repetitive.feed("a").size();
        ++fedBytes;
        QVERIFY(fedBytes - outBytes <= repetitive.maxPatternLength() - 1);
    }
    QByteArray rest = repetitive.feed("b");
    rest += repetitive.finish();
    QCOMPARE(outBytes, 91); // the last nine are part of the match
    QCOMPARE(rest, QByteArrayLiteral("[REDACTED:r]"));
}

void TestScrubber::redactionsCount()
{
    Scrubber scrubber({ secret("a", "alpha-secret"), secret("b", "beta-secret") });
    QCOMPARE(scrubber.redactions(), 0);
    const QByteArray text = "alpha-secret and beta-secret and "
            + QByteArrayLiteral("alpha-secret").toBase64() + " and alpha%2Dsecret";
    const QByteArray out = streamed(scrubber, text, fixed(5));
    QCOMPARE(
            out,
            QByteArrayLiteral("[REDACTED:a] and [REDACTED:b] and [REDACTED:a] and alpha%2Dsecret"));
    QCOMPARE(scrubber.redactions(), 3);
    QCOMPARE(scrubber.scrubAll("beta-secret"), QByteArrayLiteral("[REDACTED:b]"));
    QCOMPARE(scrubber.redactions(), 4);
}

// Header values are scrubbed one-shot, even while a body is half-way through the stream.
void TestScrubber::scrubAllIsIndependent()
{
    Scrubber scrubber({ secret("tok", "xoxb-1234-abcd") });
    QCOMPARE(scrubber.feed("body starts xoxb-12"), QByteArrayLiteral("body starts "));
    QCOMPARE(scrubber.scrubAll("Bearer xoxb-1234-abcd"),
             QByteArrayLiteral("Bearer [REDACTED:tok]"));
    QCOMPARE(scrubber.scrubAll("xoxb-1234-abc"), QByteArrayLiteral("xoxb-1234-abc"));
    QCOMPARE(scrubber.scrubAll("token=xoxb-1234-abcd; Path=/"),
             QByteArrayLiteral("token=[REDACTED:tok]; Path=/"));
    QCOMPARE(scrubber.feed("34-abcd ends"), QByteArrayLiteral("[REDACTED:tok] ends"));
    QCOMPARE(scrubber.finish(), QByteArray());
    QCOMPARE(scrubber.redactions(), 3);
}

void TestScrubber::emptySecretListPassesThrough()
{
    const QByteArray data = randomBytes(11, 4096);
    for (const QList<Secret> &secrets : { QList<Secret>{}, QList<Secret>{ secret("empty", "") } }) {
        Scrubber scrubber(secrets);
        QVERIFY(scrubber.isEmpty());
        QCOMPARE(scrubber.maxPatternLength(), 0);
        QCOMPARE(scrubber.feed(data), data);
        QCOMPARE(scrubber.finish(), QByteArray());
        QCOMPARE(scrubber.scrubAll(data), data);
        QCOMPARE(scrubber.redactions(), 0);
    }
    Scrubber mixed({ secret("empty", ""), secret("real", "value-1") });
    QVERIFY(!mixed.isEmpty());
    QCOMPARE(mixed.scrubAll("a value-1"), QByteArrayLiteral("a [REDACTED:real]"));
}

void TestScrubber::binarySecret()
{
    const QByteArray value = QByteArray::fromHex("00ff10000a0d80");
    Scrubber scrubber({ secret("bin", value) });
    const QByteArray text = QByteArray(3, '\0') + value + QByteArray(2, '\0') + value.toBase64();
    const QByteArray expected =
            QByteArray(3, '\0') + "[REDACTED:bin]" + QByteArray(2, '\0') + "[REDACTED:bin]";
    QCOMPARE(scrubber.scrubAll(text), expected);
    QCOMPARE(streamed(scrubber, text, fixed(1)), expected);
}

// One pattern, two names: the first secret given names it.
void TestScrubber::sameValueTwice()
{
    Scrubber scrubber({ secret("first", "same-value"), secret("second", "same-value") });
    QCOMPARE(scrubber.scrubAll("same-value"), QByteArrayLiteral("[REDACTED:first]"));
}

// 64 MiB in 64 KiB chunks: no size limit and no quadratic behaviour. No timing assertion;
// the test timeout is the guard.
void TestScrubber::large()
{
    const QList<Secret> secrets{ secret("a", "sk-live-0123456789abcdef"),
                                 secret("b", "xoxb-secret-token-value"),
                                 secret("c", "aaaaaaaaaaaaaaaaaaaaaaab") };
    Scrubber scrubber(secrets);
    QByteArray chunk = randomBytes(5, 64 * 1024);
    chunk.replace(1000, 24, "sk-live-0123456789abcdef");
    chunk.replace(chunk.size() - 10, 10, "xoxb-secre"); // continues in the next chunk
    chunk.replace(0, 13, "t-token-value");
    const int chunks = 1024;
    qint64 outSize = 0;
    for (int i = 0; i < chunks; ++i)
        outSize += scrubber.feed(chunk).size();
    outSize += scrubber.finish().size();
    QCOMPARE(scrubber.redactions(), 2 * chunks - 1); // the first chunk's head is not a match
    QVERIFY(outSize > qint64(chunks) * (64 * 1024 - 64));

    // The worst case for a naive scanner: long runs of a secret's own prefix.
    Scrubber repetitive(secrets);
    const QByteArray run(64 * 1024, 'a');
    qint64 runOut = 0;
    for (int i = 0; i < 256; ++i)
        runOut += repetitive.feed(run).size();
    runOut += repetitive.finish().size();
    QCOMPARE(runOut, qint64(256) * run.size());
}

QTEST_APPLESS_MAIN(TestScrubber)
#include "tst_scrubber.moc"
