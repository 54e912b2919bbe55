// ScrubberCache (service/forward/scrubbercache.h): one scrubber per credential row while its
// secrets stay the same (the oauth2 cached-token path builds no automaton per request); a new
// one when a secret changes (a refreshed token) or the entry is old; the cached scrubber
// scrubs exactly like a fresh one.
#include "forward/scrubbercache.h"

#include <QTest>

using tap::core::SecretBytes;
using tap::forward::ScrubberCache;
using tap::sanitizer::Scrubber;
using tap::sanitizer::Secret;

class TestScrubberCache : public QObject
{
    Q_OBJECT
private slots:
    void reusedWhileTheSecretsStay();
    void credentialAndTokenSecrets();
};

void TestScrubberCache::reusedWhileTheSecretsStay()
{
    ScrubberCache cache;
    const QList<Secret> first{ { QStringLiteral("gmail"), SecretBytes("client-secret-0123456789") },
                               { QStringLiteral("gmail"), SecretBytes("ya29.access-token-AAAA") } };
    const auto a = cache.get(QStringLiteral("row-1"), first, 1000);
    QCOMPARE(cache.get(QStringLiteral("row-1"), first, 2000), a); // same secrets: the same one
    QVERIFY(cache.get(QStringLiteral("row-2"), first, 2000) != a); // another row: its own

    QList<Secret> refreshed = first;
    refreshed[1].value = SecretBytes("ya29.access-token-BBBB");
    const auto b = cache.get(QStringLiteral("row-1"), refreshed, 3000);
    QVERIFY(b != a); // a new token: a new scrubber that knows it
    QList<Secret> renamed = refreshed;
    renamed[0].name = QStringLiteral("drive");
    QVERIFY(cache.get(QStringLiteral("row-1"), renamed, 3000) != b); // the name is in the mark
    const auto c = cache.get(QStringLiteral("row-1"), refreshed, 4000);
    QVERIFY(cache.get(QStringLiteral("row-1"), refreshed, 4000 + ScrubberCache::kMaxAgeMs) != c);

    // It scrubs as a fresh scrubber does.
    const QByteArray text = "token=ya29.access-token-BBBB&s=client-secret-0123456789&old="
                            "ya29.access-token-AAAA";
    QCOMPARE(Scrubber(*b).scrubAll(text), Scrubber(refreshed).scrubAll(text));
    QVERIFY(!Scrubber(*b).scrubAll(text).contains("access-token-BBBB"));
}

// The forwarder's call: the credential's own secrets (its parts) and the ones signing added (the
// tokens), compared as one list: a new part value or a new token builds a new scrubber.
void TestScrubberCache::credentialAndTokenSecrets()
{
    ScrubberCache cache;
    const QList<Secret> parts{ { QStringLiteral("gmail"), SecretBytes("client-id-0123") },
                               { QStringLiteral("gmail"), SecretBytes("client-secret-0123") } };
    const QList<Secret> tokens{ { QStringLiteral("gmail"), SecretBytes("ya29.access-AAAA") } };
    const auto a = cache.get(QStringLiteral("row-1"), parts, tokens, 1000);
    QCOMPARE(cache.get(QStringLiteral("row-1"), parts, tokens, 2000), a);
    QCOMPARE(cache.get(QStringLiteral("row-1"), parts + tokens, 2000), a); // the same list
    QVERIFY(cache.get(QStringLiteral("row-1"), tokens, parts, 2000) != a); // order counts

    QList<Secret> rotated = parts;
    rotated[1].value = SecretBytes("client-secret-4567");
    const auto b = cache.get(QStringLiteral("row-1"), rotated, tokens, 3000);
    QVERIFY(b != a);
    QCOMPARE(Scrubber(*b).scrubAll("client-secret-4567"), QByteArray("[REDACTED:gmail]"));
    QVERIFY(cache.get(QStringLiteral("row-1"), rotated, {}, 3000) != b); // a token less
    const QList<Secret> longer{ { QStringLiteral("gmail"), SecretBytes("ya29.access-AAAAA") } };
    const auto c = cache.get(QStringLiteral("row-1"), rotated, longer, 4000);
    QCOMPARE(Scrubber(*c).scrubAll("ya29.access-AAAAA"), QByteArray("[REDACTED:gmail]"));
}

QTEST_GUILESS_MAIN(TestScrubberCache)
#include "tst_scrubbercache.moc"
