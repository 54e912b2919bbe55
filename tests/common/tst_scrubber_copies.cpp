// Scrubber copies (common/domain/sanitizer/scrubber.h): a copy per request shares the automata,
// and a finished stream's position tables go to the copies' pool for the next stream. A stream
// that reuses them scrubs exactly like a fresh scrubber: none of the old slots is taken for one
// of its own (tables filled by texts full of escapes and matches, then other texts).
#include "sanitizer/scrubber.h"

#include <QRandomGenerator>
#include <QTest>

#include <thread>

using tap::core::SecretBytes;
using tap::sanitizer::Scrubber;
using tap::sanitizer::Secret;

namespace {

const QList<Secret> kSecrets{ { QStringLiteral("s"), SecretBytes("abcab") },
                              { QStringLiteral("t"), SecretBytes("cabc") },
                              { QStringLiteral("u"), SecretBytes("a b") } };

QByteArray randomText(QRandomGenerator &rng, qsizetype size)
{
    static const QByteArray alphabet = "aabbcc%\\u0062+ 4";
    QByteArray text(size, Qt::Uninitialized);
    for (char &c : text)
        c = alphabet[rng.bounded(int(alphabet.size()))];
    return text;
}

QByteArray streamed(Scrubber &scrubber, QByteArrayView text, qsizetype chunk)
{
    QByteArray out;
    for (qsizetype at = 0; at < text.size(); at += chunk)
        out += scrubber.feed(text.sliced(at, std::min(chunk, text.size() - at)));
    return out + scrubber.finish();
}

} // namespace

class TestScrubberCopies : public QObject
{
    Q_OBJECT
private slots:
    void finishedTablesAreReused();
    void reusedTablesScrubLikeFresh_data();
    void reusedTablesScrubLikeFresh();
    void poolIsBounded();
    void copiesOnTwoThreads();
};

void TestScrubberCopies::finishedTablesAreReused()
{
    const Scrubber shared(kSecrets);
    QCOMPARE(shared.spareTables(), 0);
    {
        Scrubber copy(shared);
        const QByteArray out = copy.feed("xx abcab %61bcab") + copy.finish();
        QCOMPARE(out, QByteArray("xx [REDACTED:s] [REDACTED:s]"));
    }
    QCOMPARE(shared.spareTables(), 1); // the stream's tables, for the next copy
    {
        Scrubber copy(shared);
        QCOMPARE(copy.scrubAll("cabc"), QByteArray("[REDACTED:t]"));
        QCOMPARE(shared.spareTables(), 0); // taken
        QCOMPARE(copy.scrubAll("a+b"), QByteArray("[REDACTED:u]")); // one-shot stream reused
    }
    QCOMPARE(shared.spareTables(), 1);
    Scrubber assigned(shared);
    QCOMPARE(assigned.scrubAll("abcab"), QByteArray("[REDACTED:s]"));
    assigned = Scrubber(kSecrets); // another scrubber's: the old tables go back to `shared`'s pool
    QCOMPARE(shared.spareTables(), 1);
    QCOMPARE(assigned.scrubAll("abcab"), QByteArray("[REDACTED:s]"));
}

void TestScrubberCopies::reusedTablesScrubLikeFresh_data()
{
    QTest::addColumn<bool>("oneShot");
    QTest::addRow("scrubAll") << true;
    QTest::addRow("feed") << false;
}

void TestScrubberCopies::reusedTablesScrubLikeFresh()
{
    QFETCH(bool, oneShot);
    const Scrubber shared(kSecrets);
    QRandomGenerator rng(11);
    for (int i = 0; i < 1000; ++i) {
        // Texts of any length follow each other, so a stream runs over slots another one noted.
        const QByteArray text = randomText(rng, rng.bounded(1, 300));
        const qsizetype chunk = i % 7 + 1;
        Scrubber fresh(kSecrets);
        Scrubber copy(shared);
        if (oneShot)
            QCOMPARE(copy.scrubAll(text), fresh.scrubAll(text));
        else
            QCOMPARE(streamed(copy, text, chunk), streamed(fresh, text, chunk));
        QCOMPARE(copy.redactions(), fresh.redactions());
    }
    QCOMPARE(shared.spareTables(), 1);
}

void TestScrubberCopies::poolIsBounded()
{
    const Scrubber shared(kSecrets);
    {
        QList<Scrubber> live(100, shared);
        for (Scrubber &s : live)
            QCOMPARE(s.scrubAll("abcab"), QByteArray("[REDACTED:s]"));
    }
    QVERIFY(shared.spareTables() >= 1);
    QVERIFY(shared.spareTables() <= 16);
}

void TestScrubberCopies::copiesOnTwoThreads()
{
    const Scrubber shared(kSecrets);
    const auto work = [&shared](quint32 seed, int *failures) {
        QRandomGenerator rng(seed);
        for (int i = 0; i < 300; ++i) {
            const QByteArray text = randomText(rng, rng.bounded(1, 200));
            Scrubber copy(shared);
            Scrubber fresh(kSecrets);
            if (streamed(copy, text, 5) != streamed(fresh, text, 5))
                ++*failures;
        }
    };
    int failures[2] = { 0, 0 };
    std::thread a(work, 1, &failures[0]);
    std::thread b(work, 2, &failures[1]);
    a.join();
    b.join();
    QCOMPARE(failures[0] + failures[1], 0);
}

QTEST_GUILESS_MAIN(TestScrubberCopies)
#include "tst_scrubber_copies.moc"
