// The Scrubber's fast path (common/domain/sanitizer/scrubber.h): at rest, a byte that no
// pattern begins with together with the byte after it is decided without stepping the
// automata. Differential: a text scrubbed whole (where the fast path sees each next byte) gives
// what it gives fed one byte at a time (where it never does), for texts dense in pattern
// starts, escapes ("%62", "\u0062", '+' for ' '), line breaks inside base64 and one-byte
// secrets.
#include "sanitizer/scrubber.h"

#include <QRandomGenerator>
#include <QTest>

using tap::core::SecretBytes;
using tap::sanitizer::Scrubber;
using tap::sanitizer::Secret;

class TestScrubberFastPath : public QObject
{
    Q_OBJECT
private slots:
    void wholeLikeByteByByte_data();
    void wholeLikeByteByByte();
};

void TestScrubberFastPath::wholeLikeByteByByte_data()
{
    QTest::addColumn<QList<QByteArray>>("values");
    QTest::addColumn<QByteArray>("alphabet");
    QTest::addRow("raw pairs") << QList<QByteArray>{ "ab", "ba", "abcab" } << QByteArray("abcx");
    QTest::addRow("percent and plus")
            << QList<QByteArray>{ "a b", "b+a" } << QByteArray("ab +%62%2B%20x");
    QTest::addRow("json escapes") << QList<QByteArray>{ "ab", "a\"b" }
                                  << QByteArray("ab\\u0062\\\"\\nx");
    QTest::addRow("base64 wrapped")
            << QList<QByteArray>{ "abcdef", "secret" } << QByteArray("YWJjZGVmc2VjcmV0\r\n=x");
    QTest::addRow("hex") << QList<QByteArray>{ "abcd" } << QByteArray("6162636441424344x");
    QTest::addRow("one-byte secret") << QList<QByteArray>{ "z", "zq" } << QByteArray("zqa%7Ax");
}

void TestScrubberFastPath::wholeLikeByteByByte()
{
    QFETCH(QList<QByteArray>, values);
    QFETCH(QByteArray, alphabet);
    QList<Secret> secrets;
    for (const QByteArray &v : values)
        secrets.append({ QStringLiteral("s%1").arg(secrets.size()), SecretBytes(v) });
    QRandomGenerator rng(5);
    for (int i = 0; i < 500; ++i) {
        QByteArray text(rng.bounded(1, 80), Qt::Uninitialized);
        for (char &c : text)
            c = alphabet[rng.bounded(int(alphabet.size()))];
        Scrubber whole(secrets);
        Scrubber bytes(secrets);
        QByteArray fed;
        for (const char c : text)
            fed += bytes.feed(QByteArrayView(&c, 1));
        fed += bytes.finish();
        QCOMPARE(whole.scrubAll(text), fed);
        QCOMPARE(whole.redactions(), bytes.redactions());
    }
}

QTEST_GUILESS_MAIN(TestScrubberFastPath)
#include "tst_scrubber_fastpath.moc"
