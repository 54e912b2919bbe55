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

// Percent-encodes the bytes whose index `pick` selects, in upper-case hex, lower-case hex, or
// alternating cases (case 2).
QByteArray percent(QByteArrayView value, const std::function<bool(qsizetype)> &pick, int hexCase)
{
    QByteArray out;
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (!pick(i)) {
            out += value[i];
            continue;
        }
        QByteArray hex = QByteArray(1, value[i]).toHex();
        if (hexCase == 0 || (hexCase == 2 && i % 2 == 0))
            hex = hex.toUpper();
        out += '%' + hex;
    }
    return out;
}

// The value as JSON string content with the UTF-16 units that `pick` selects as \uXXXX (hex case
// as for percent()), the others as UTF-8 with the mandatory escapes.
QByteArray jsonUnits(QByteArrayView value, const std::function<bool(qsizetype)> &pick, int hexCase)
{
    QByteArray out;
    const QString text = QString::fromUtf8(value);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t unit = text.at(i).unicode();
        if (QChar::isHighSurrogate(unit) && i + 1 < text.size()) { // both halves alike
            if (!pick(i)) {
                out += text.mid(i, 2).toUtf8();
            } else {
                for (const QChar half : text.mid(i, 2))
                    out += "\\u" + QByteArray::number(half.unicode(), 16);
            }
            ++i;
        } else if (pick(i)) {
            QByteArray hex = QByteArray::number(unit, 16).rightJustified(4, '0');
            if (hexCase == 0 || (hexCase == 2 && i % 2 == 0))
                hex = hex.toUpper();
            out += "\\u" + hex;
        } else if (unit == '"' || unit == '\\') {
            out += '\\' + QByteArray(1, char(unit));
        } else {
            out += QString(QChar(unit)).toUtf8();
        }
    }
    return out;
}

// MIME-style base64 (RFC 2045 §6.8): lines of `columns` characters ended by `eol`.
QByteArray wrapped(const QByteArray &base64, int columns, QByteArrayView eol)
{
    QByteArray out;
    for (qsizetype at = 0; at < base64.size(); at += columns)
        out += base64.mid(at, columns) + eol.toByteArray();
    return out;
}

const auto all = [](qsizetype) { return true; };
const auto even = [](qsizetype i) { return i % 2 == 0; };
const auto odd = [](qsizetype i) { return i % 2 == 1; };
const QByteArray kUtf8 = QStringLiteral(u"p\u00e4ss-\u20ac-\U0001F511/\"k").toUtf8();

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
    void reusedScrubberMatchesFresh();
    void emptySecretListPassesThrough();
    void binarySecret();
    void sameValueTwice();
    void large();
    void decodedForms_data();
    void decodedForms();
    void mimeBase64_data();
    void mimeBase64();
    void nearMisses_data();
    void nearMisses();
    void cutsKeepEscapesWhole_data();
    void cutsKeepEscapesWhole();
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

    // The tail never exceeds maxHeldBytes().
    const QByteArray value = QByteArrayLiteral("aaaaaaaaab");
    Scrubber repetitive({ secret("r", value) });
    QVERIFY(repetitive.maxPatternLength() >= value.size());
    qsizetype fedBytes = 0;
    qsizetype outBytes = 0;
    for (int i = 0; i < 100; ++i) {
        outBytes += repetitive.feed("a").size();
        ++fedBytes;
        QVERIFY(fedBytes - outBytes <= repetitive.maxHeldBytes());
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
    QCOMPARE(out,
             QByteArrayLiteral("[REDACTED:a] and [REDACTED:b] and [REDACTED:a] and [REDACTED:a]"));
    QCOMPARE(scrubber.redactions(), 4);
    QCOMPARE(scrubber.scrubAll("beta-secret"), QByteArrayLiteral("[REDACTED:b]"));
    QCOMPARE(scrubber.redactions(), 5);
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

// One scrubber serves a whole exchange (every header through scrubAll(), the body through
// feed()/finish()): what it leaves of one value (a partial match at its end, an escape cut
// off) must never change how the next is scrubbed. Each result equals a fresh scrubber's.
void TestScrubber::reusedScrubberMatchesFresh()
{
    const QList<Secret> secrets{ secret("s", "abcab"), secret("t", "cabc"), secret("u", "a b") };
    Scrubber reused(secrets);
    QRandomGenerator rng(7);
    for (int i = 0; i < 300; ++i) {
        const QByteArray text = randomBytes(1000 + i, rng.bounded(0, 40), "aabbcc%\\u0062+");
        Scrubber fresh(secrets);
        const QByteArray expected = fresh.scrubAll(text);
        QCOMPARE(reused.scrubAll(text), expected);
        Scrubber freshStream(secrets);
        QCOMPARE(streamed(reused, text, fixed(i % 5 + 1)),
                 streamed(freshStream, text, fixed(i % 5 + 1)));
    }
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

// Forms found through the decoding views: percent-encoding of any subset of the bytes in any
// hex case, JSON \u escapes of any characters, hex. Each is checked one-shot, byte by byte,
// and split into two chunks at every point.
void TestScrubber::decodedForms_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("encoded");

    const QByteArray plain = QByteArrayLiteral("secret-42x");
    QTest::addRow("percent, one byte") << plain << QByteArrayLiteral("s%65cret-42x");
    QTest::addRow("percent, head") << plain << QByteArrayLiteral("%73%65%63ret-42x");
    QTest::addRow("percent, tail lower") << plain << QByteArrayLiteral("secret%2d%34%32%78");
    for (const QByteArray &value : { plain, kOdd, kUtf8 }) {
        const QByteArray tag = value.left(3).toHex();
        for (const int hexCase : { 0, 1, 2 }) {
            for (const auto &[pickName, pick] :
                 { std::pair{ "all", std::function<bool(qsizetype)>(all) },
                   std::pair{ "even", std::function<bool(qsizetype)>(even) },
                   std::pair{ "odd", std::function<bool(qsizetype)>(odd) } }) {
                QTest::addRow("%s percent %s case %d", tag.constData(), pickName, hexCase)
                        << value << percent(value, pick, hexCase);
                QTest::addRow("%s json \\u %s case %d", tag.constData(), pickName, hexCase)
                        << value << jsonUnits(value, pick, hexCase);
            }
        }
        QTest::addRow("%s hex lower", tag.constData()) << value << value.toHex();
        QTest::addRow("%s hex upper", tag.constData()) << value << value.toHex().toUpper();
    }
    QTest::newRow("percent, %2b for +") << kOdd << QByteArrayLiteral("Sx/9%2bk ~*\"q\\z");
    QTest::newRow("percent, %2B for +") << kOdd << QByteArrayLiteral("Sx/9%2Bk ~*\"q\\z");
    QTest::addRow("form, + for space") << kOdd << QByteArrayLiteral("Sx/9%2Bk+~*\"q\\z");
    QTest::addRow("json, all escapes")
            << QByteArrayLiteral("a/\"\\\b\f\n\r\tz") << QByteArrayLiteral(R"(a\/\"\\\b\f\n\r\tz)");
    QTest::addRow("json, surrogate pair upper")
            << kUtf8
            << QByteArray(jsonUnits(kUtf8, all, 1)).replace("\\ud83d\\udd11", "\\uD83D\\uDD11");
}

void TestScrubber::decodedForms()
{
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, encoded);

    const QByteArray text = "<" + encoded + ">";
    const QByteArray expected = QByteArrayLiteral("<[REDACTED:k]>");
    Scrubber scrubber({ secret("k", value) });
    QCOMPARE(scrubber.scrubAll(text), expected);
    QCOMPARE(streamed(scrubber, text, fixed(1)), expected);
    for (qsizetype split = 0; split <= text.size(); ++split) {
        QByteArray out = scrubber.feed(QByteArrayView(text).first(split));
        out += scrubber.feed(QByteArrayView(text).sliced(split));
        out += scrubber.finish();
        QVERIFY2(out == expected, qPrintable(QStringLiteral("split at %1").arg(split)));
    }
    QCOMPARE(scrubber.redactions(), 2 + int(text.size()) + 1);
}

void TestScrubber::mimeBase64_data()
{
    QTest::addColumn<int>("columns");
    QTest::addColumn<QByteArray>("eol");
    for (const int columns : { 76, 64 }) {
        QTest::addRow("%d columns, LF", columns) << columns << QByteArrayLiteral("\n");
        QTest::addRow("%d columns, CRLF", columns) << columns << QByteArrayLiteral("\r\n");
    }
}

// The value inside a longer run of wrapped base64: at every byte offset (so at each of the three
// alignments and wherever the line breaks fall), alone or with a neighbour, streamed in random
// chunks. What remains, joined, holds no encoding of the value; the rest is untouched.
void TestScrubber::mimeBase64()
{
    QFETCH(int, columns);
    QFETCH(QByteArray, eol);

    const QByteArray value = QByteArrayLiteral("k>?~ey>>?~-mime");
    Scrubber scrubber({ secret("k", value) });
    QList<QByteArray> forms;
    for (const auto alphabet : { QByteArray::Base64Encoding, QByteArray::Base64UrlEncoding }) {
        forms << value.toBase64(alphabet | QByteArray::OmitTrailingEquals);
        for (int offset = 0; offset < 3; ++offset) {
            const QByteArray run = QByteArray(QByteArray(offset, 'x') + value).toBase64(alphabet);
            forms << run.mid((8 * offset + 5) / 6,
                             8 * (offset + value.size()) / 6 - (8 * offset + 5) / 6);
        }
    }
    for (qsizetype before = 0; before < 2 * columns; ++before) {
        const QByteArray data = randomBytes(quint32(before), before) + value + "tail-bytes";
        const QByteArray text = "Content: " + wrapped(data.toBase64(), columns, eol) + "--";
        const QByteArray out = streamed(scrubber, text, randomSizes(quint32(before), 23));
        QCOMPARE(scrubber.scrubAll(text), out);
        QVERIFY2(out.contains("[REDACTED:k]"), out.constData());
        QVERIFY(out.startsWith("Content: ") && out.endsWith(QByteArray(eol + "--")));
        const QByteArray joined = QByteArray(out).replace('\r', "").replace('\n', "");
        for (const QByteArray &form : forms)
            QVERIFY2(!joined.contains(form), qPrintable(QStringLiteral("at %1").arg(before)));
    }
    // Blank lines (three line-break bytes or more) end a run.
    const QByteArray split = value.toBase64().insert(8, eol + eol + eol);
    QCOMPARE(scrubber.scrubAll(split), split);
}

void TestScrubber::nearMisses_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("truncated percent") << QByteArrayLiteral("s%65cret-42");
    QTest::addRow("bad escape") << QByteArrayLiteral("s%6Xcret-42x");
    QTest::addRow("percent at the end") << QByteArrayLiteral("secret-42%");
    QTest::addRow("half escape at the end") << QByteArrayLiteral("secret-42%7");
    QTest::addRow("double encoded") << QByteArrayLiteral("s%2565cret-42x");
    QTest::addRow("json short escape") << QByteArrayLiteral("s\\u065cret-42x");
    QTest::addRow("json escape at the end") << QByteArrayLiteral("secret-42\\u007");
    QTest::addRow("json backslash at the end") << QByteArrayLiteral("secret-42\\");
    QTest::addRow("json lone surrogate") << QByteArrayLiteral("secret-42\\ud83dx");
    QTest::addRow("json escaped backslash") << QByteArrayLiteral("\\\\u0073ecret-42x");
    QTest::addRow("hex, one digit off") << QByteArray("secret-42x").toHex().chopped(1) + "0";
    QTest::addRow("base64 with a blank line")
            << QByteArray(QByteArray("secret-42x").toBase64()).insert(4, "\n\n\n");
}

// Texts that look like an encoding of the value but are not: passed on byte for byte, also
// when a decoder still holds bytes at the end of the stream.
void TestScrubber::nearMisses()
{
    QFETCH(QByteArray, text);

    Scrubber scrubber({ secret("k", "secret-42x") });
    QCOMPARE(scrubber.scrubAll(text), text);
    QCOMPARE(streamed(scrubber, text, fixed(1)), text);
    QCOMPARE(scrubber.redactions(), 0);
}

void TestScrubber::cutsKeepEscapesWhole_data()
{
    QTest::addColumn<QByteArrayList>("values"); // secret i is named "a" + i
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");

    // An escape that straddles the START of a match: "%8" + "7…" is the escape %87 (so the
    // percent view holds no secret), but cutting before the '7' leaves "p%61ss%8", which
    // percent-decodes to the secret (the fuzz finding, tests/fuzz/corpus/scrubber/cut-*).
    const QByteArray pass = QByteArrayLiteral("pass%8");
    QTest::addRow("start, percent") << QByteArrayList{ pass } << "<p%61ss%8" + pass.toHex() + ">"
                                    << QByteArrayLiteral("<p%61ss[REDACTED:a0]>");
    // "\u00" + "6b…" is \u006b; cut, "\u006be\u00" JSON-decodes to the secret.
    const QByteArray unit = QByteArrayLiteral("ke\\u00");
    QTest::addRow("start, json \\u00")
            << QByteArrayList{ unit } << R"(<\u006be\u00)" + unit.toHex() + ">"
            << QByteArrayLiteral(R"(<\u006be[REDACTED:a0]>)");
    // "\" + "next…" is \n; cut, "t\u0061il\" JSON-decodes to the first secret.
    QTest::addRow("start, json backslash")
            << QByteArrayList{ "tail\\", "next-secret" } << QByteArray(R"(<t\u0061il\next-secret>)")
            << QByteArrayLiteral(R"(<t\u0061il[REDACTED:a1]>)");
    QTest::addRow("start, json surrogate pair")
            << QByteArrayList{ "1-next-secret" } << QByteArray(R"(<\uD83D\uDD11-next-secret>)")
            << QByteArrayLiteral("<[REDACTED:a0]>");
    QTest::addRow("start, percent, raw match")
            << QByteArrayList{ "1-next-secret" } << QByteArray("<%41-next-secret>")
            << QByteArrayLiteral("<[REDACTED:a0]>");

    // An escape that straddles the END of a match: its tail would be left as literal text.
    QTest::addRow("end, percent") << QByteArrayList{ "key-one%4" } << QByteArray("<key-one%41>")
                                  << QByteArrayLiteral("<[REDACTED:a0]>");
    QTest::addRow("end, json \\u00")
            << QByteArrayList{ "key-one\\u00" } << QByteArray(R"(<key-one\u0041>)")
            << QByteArrayLiteral("<[REDACTED:a0]>");
    QTest::addRow("end, json backslash")
            << QByteArrayList{ "key-one\\" } << QByteArray(R"(<key-one\nz>)")
            << QByteArrayLiteral("<[REDACTED:a0]z>");
    QTest::addRow("end, json surrogate pair")
            << QByteArrayList{ "key-one\\uD83D" } << QByteArray(R"(<key-one\uD83D\uDD11>)")
            << QByteArrayLiteral("<[REDACTED:a0]>");
    // Held bytes that turn out literal are not swallowed.
    QTest::addRow("end, literal \\u00")
            << QByteArrayList{ "key-one\\u00" } << QByteArray(R"(<key-one\u00zz>)")
            << QByteArrayLiteral("<[REDACTED:a0]zz>");
    QTest::newRow("end, literal %4") << QByteArrayList{ "key-one%4" } << QByteArray("<key-one%4z>")
                                     << QByteArrayLiteral("<[REDACTED:a0]z>");
    // A match that begins inside the widened part is kept, from the end of the widened range.
    QTest::addRow("end, next match inside the escape")
            << QByteArrayList{ "key-one%4", "1-key-two" } << QByteArray("<key-one%41-key-two>")
            << QByteArrayLiteral("<[REDACTED:a0][REDACTED:a1]>");
    QTest::addRow("end, next match inside the pair")
            << QByteArrayList{ "key-one\\uD83D", "1-key-two" }
            << QByteArray(R"(<key-one\uD83D\uDD11-key-two>)")
            << QByteArrayLiteral("<[REDACTED:a0][REDACTED:a1]>");
}

// No cut falls inside a multi-byte symbol of the percent or JSON view (an escape, a surrogate
// pair): the redacted range is widened to the symbol's bounds, so what is left decodes as it
// did. One-shot, byte by byte, split into two chunks at every point, and in random chunks.
void TestScrubber::cutsKeepEscapesWhole()
{
    QFETCH(QByteArrayList, values);
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);

    QList<Secret> secrets;
    for (qsizetype i = 0; i < values.size(); ++i)
        secrets.append({ QStringLiteral("a%1").arg(i), SecretBytes(values.at(i)) });
    Scrubber scrubber(secrets);
    QCOMPARE(scrubber.scrubAll(text), expected);
    QCOMPARE(streamed(scrubber, text, fixed(1)), expected);
    for (qsizetype split = 0; split <= text.size(); ++split) {
        QByteArray out = scrubber.feed(QByteArrayView(text).first(split));
        out += scrubber.feed(QByteArrayView(text).sliced(split));
        out += scrubber.finish();
        QVERIFY2(out == expected, qPrintable(QStringLiteral("split at %1").arg(split)));
    }
    for (quint32 seed = 1; seed <= 10; ++seed)
        QCOMPARE(streamed(scrubber, text, randomSizes(seed, 5)), expected);
}

QTEST_APPLESS_MAIN(TestScrubber)
#include "tst_scrubber.moc"
