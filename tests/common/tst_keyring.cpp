#include "crypto/aead.h"
#include "crypto/hmac.h"
#include "crypto/keyring.h"

#include <QRegularExpression>
#include <QTest>

using tap::core::SecretBytes;
using tap::core::SystemRandom;
using tap::crypto::Aead;
using tap::crypto::hmacSha256;
using tap::crypto::KeyRing;
using tap::crypto::sha256;

namespace {

SecretBytes masterKey(char fill)
{
    return SecretBytes(QByteArray(32, fill));
}

} // namespace

class TestKeyRing : public QObject
{
    Q_OBJECT

private slots:
    void newDataKey();
    void wrapUnwrapRoundTrip();
    void wrappedKeyBoundToTeam_data();
    void wrappedKeyBoundToTeam();
    void wrappedKeyBoundToMasterKey();
    void tamperedWrappedKeyFails();

    void credentialAadBindsRow_data();
    void credentialAadBindsRow();
    void aadIsUnambiguous();

    void keyCheck();

    void tokenHash();

private:
    SystemRandom m_random;
};

void TestKeyRing::newDataKey()
{
    const KeyRing ring(masterKey('m'));
    const SecretBytes a = ring.newDataKey(m_random);
    const SecretBytes b = ring.newDataKey(m_random);
    QCOMPARE(a.size(), Aead::KeySize);
    QCOMPARE(b.size(), Aead::KeySize);
    QVERIFY(a.view() != b.view());
}

void TestKeyRing::wrapUnwrapRoundTrip()
{
    const KeyRing ring(masterKey('m'));
    const SecretBytes dek = ring.newDataKey(m_random);
    const QString team = QStringLiteral("3f1c6a52-6b0e-4c55-9d43-7f2b0f7e9a10");

    const auto wrapped = ring.wrapTeamKey(team, dek, m_random);
    QVERIFY(wrapped.ok());
    QVERIFY(!wrapped->contains(dek.view())); // not stored in the clear
    QCOMPARE(wrapped->size(), 1 + Aead::NonceSize + Aead::KeySize + Aead::TagSize);

    const auto unwrapped = ring.unwrapTeamKey(team, wrapped.value());
    QVERIFY(unwrapped.ok());
    QCOMPARE(unwrapped->exposeCopy(), dek.exposeCopy());

    // A second KeyRing built from the same master key bytes (a restart) unwraps it too.
    const KeyRing restarted(masterKey('m'));
    const auto again = restarted.unwrapTeamKey(team, wrapped.value());
    QVERIFY(again.ok());
    QCOMPARE(again->exposeCopy(), dek.exposeCopy());

    // Wrapping is randomised.
    const auto wrappedAgain = ring.wrapTeamKey(team, dek, m_random);
    QVERIFY(wrappedAgain.ok());
    QVERIFY(wrappedAgain.value() != wrapped.value());
}

void TestKeyRing::wrappedKeyBoundToTeam_data()
{
    QTest::addColumn<QString>("otherTeam");

    QTest::addRow("other-team") << QStringLiteral("team-b");
    QTest::addRow("empty") << QString();
    QTest::addRow("case-differs") << QStringLiteral("Team-a");
    QTest::addRow("prefix") << QStringLiteral("team-");
    QTest::addRow("extended") << QStringLiteral("team-aa");
    QTest::addRow("trailing-space") << QStringLiteral("team-a ");
}

void TestKeyRing::wrappedKeyBoundToTeam()
{
    QFETCH(QString, otherTeam);

    const KeyRing ring(masterKey('m'));
    const SecretBytes dek = ring.newDataKey(m_random);
    const auto wrapped = ring.wrapTeamKey(QStringLiteral("team-a"), dek, m_random);
    QVERIFY(wrapped.ok());

    QVERIFY(ring.unwrapTeamKey(QStringLiteral("team-a"), wrapped.value()).ok());
    QVERIFY(!ring.unwrapTeamKey(otherTeam, wrapped.value()).ok());
}

void TestKeyRing::wrappedKeyBoundToMasterKey()
{
    const KeyRing ring(masterKey('m'));
    const KeyRing otherRing(masterKey('n'));
    const QString team = QStringLiteral("team-a");
    const SecretBytes dek = ring.newDataKey(m_random);

    const auto wrapped = ring.wrapTeamKey(team, dek, m_random);
    QVERIFY(wrapped.ok());
    QVERIFY(!otherRing.unwrapTeamKey(team, wrapped.value()).ok());

    // ... and the other way round.
    const auto wrappedByOther = otherRing.wrapTeamKey(team, dek, m_random);
    QVERIFY(wrappedByOther.ok());
    QVERIFY(!ring.unwrapTeamKey(team, wrappedByOther.value()).ok());
    QVERIFY(otherRing.unwrapTeamKey(team, wrappedByOther.value()).ok());
}

void TestKeyRing::tamperedWrappedKeyFails()
{
    const KeyRing ring(masterKey('m'));
    const QString team = QStringLiteral("team-a");
    const auto wrapped = ring.wrapTeamKey(team, ring.newDataKey(m_random), m_random);
    QVERIFY(wrapped.ok());

    for (qsizetype i = 0; i < wrapped->size(); ++i) {
        QByteArray tampered = wrapped.value();
        tampered[i] = char(tampered[i] ^ 0x01);
        QVERIFY2(!ring.unwrapTeamKey(team, tampered).ok(), qPrintable(QString::number(i)));
    }
    QVERIFY(!ring.unwrapTeamKey(team, QByteArray()).ok());
    QVERIFY(!ring.unwrapTeamKey(team, wrapped->first(wrapped->size() - 1)).ok());
}

void TestKeyRing::credentialAadBindsRow_data()
{
    QTest::addColumn<QString>("otherTeam");
    QTest::addColumn<QString>("otherCredential");

    QTest::addRow("other-credential-same-team")
            << QStringLiteral("team-a") << QStringLiteral("cred-2");
    QTest::addRow("same-credential-other-team")
            << QStringLiteral("team-b") << QStringLiteral("cred-1");
    QTest::addRow("both-differ") << QStringLiteral("team-b") << QStringLiteral("cred-2");
    QTest::addRow("ids-swapped") << QStringLiteral("cred-1") << QStringLiteral("team-a");
    QTest::addRow("empty-credential") << QStringLiteral("team-a") << QString();
    QTest::addRow("empty-team") << QString() << QStringLiteral("cred-1");
}

// A credential ciphertext copied to another row (another credential id, or another team's row)
// does not open there, even under the same data key.
void TestKeyRing::credentialAadBindsRow()
{
    QFETCH(QString, otherTeam);
    QFETCH(QString, otherCredential);

    const KeyRing ring(masterKey('m'));
    const SecretBytes dek = ring.newDataKey(m_random);
    const QString team = QStringLiteral("team-a");
    const QString credential = QStringLiteral("cred-1");
    const QByteArray secret = QByteArrayLiteral("sk-live-0123456789abcdef");

    const auto sealed = Aead::seal(dek, secret, KeyRing::credentialAad(team, credential), m_random);
    QVERIFY(sealed.ok());

    const auto opened = Aead::open(dek, sealed.value(), KeyRing::credentialAad(team, credential));
    QVERIFY(opened.ok());
    QCOMPARE(opened->exposeCopy(), secret);

    QVERIFY(KeyRing::credentialAad(otherTeam, otherCredential)
            != KeyRing::credentialAad(team, credential));
    QVERIFY(!Aead::open(dek, sealed.value(), KeyRing::credentialAad(otherTeam, otherCredential))
                     .ok());

    // The same row ids under another purpose do not open it either.
    QVERIFY(!Aead::open(dek, sealed.value(), KeyRing::rowAad("tap:other:v1", team, credential))
                     .ok());
}

void TestKeyRing::aadIsUnambiguous()
{
    // Shifting characters between the team id and the row id must give a different AAD.
    const QString ab = QStringLiteral("ab");
    const QString c = QStringLiteral("c");
    const QString a = QStringLiteral("a");
    const QString bc = QStringLiteral("bc");
    QVERIFY(KeyRing::credentialAad(ab, c) != KeyRing::credentialAad(a, bc));
    QVERIFY(KeyRing::rowAad("p", ab, c) != KeyRing::rowAad("p", a, bc));
    QVERIFY(KeyRing::rowAad("pa", QString(), bc) != KeyRing::rowAad("p", a, bc));

    // Deterministic, and non-ASCII ids are encoded (not dropped).
    QCOMPARE(KeyRing::credentialAad(a, bc), KeyRing::credentialAad(a, bc));
    QVERIFY(KeyRing::credentialAad(QStringLiteral("équipe"), bc)
            != KeyRing::credentialAad(QStringLiteral("equipe"), bc));
}

void TestKeyRing::keyCheck()
{
    const KeyRing ring(masterKey('m'));
    const auto check = ring.makeKeyCheck(m_random);
    QVERIFY(check.ok());
    QVERIFY(ring.verifyKeyCheck(check.value()));

    // The same master key after a restart.
    QVERIFY(KeyRing(masterKey('m')).verifyKeyCheck(check.value()));

    // Another master key: the check fails.
    const KeyRing other(masterKey('n'));
    QVERIFY(!other.verifyKeyCheck(check.value()));
    QVERIFY(!ring.verifyKeyCheck(other.makeKeyCheck(m_random).value()));

    // Damaged or unrelated blobs fail.
    QVERIFY(!ring.verifyKeyCheck(QByteArray()));
    QVERIFY(!ring.verifyKeyCheck(check->first(check->size() - 1)));
    QByteArray flipped = check.value();
    flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x40);
    QVERIFY(!ring.verifyKeyCheck(flipped));
    // A wrapped team key is sealed under the same KEK but is not a key check.
    QVERIFY(!ring.verifyKeyCheck(
            ring.wrapTeamKey(QStringLiteral("team-a"), ring.newDataKey(m_random), m_random)
                    .value()));

    // Randomised, like every seal.
    QVERIFY(ring.makeKeyCheck(m_random).value() != check.value());
}

void TestKeyRing::tokenHash()
{
    const KeyRing ring(masterKey('m'));
    const QByteArray token = QByteArrayLiteral("tap_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    const QString hash = ring.tokenHash(token);
    QCOMPARE(hash.size(), 64);
    static const QRegularExpression lowerHex(QStringLiteral("^[0-9a-f]{64}$"));
    QVERIFY2(lowerHex.match(hash).hasMatch(), qPrintable(hash));

    // Deterministic, also across KeyRing instances with the same master key.
    QCOMPARE(ring.tokenHash(token), hash);
    QCOMPARE(KeyRing(masterKey('m')).tokenHash(token), hash);

    // Depends on the master key and on every byte of the token.
    QVERIFY(KeyRing(masterKey('n')).tokenHash(token) != hash);
    QVERIFY(ring.tokenHash("tap_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB") != hash);
    QVERIFY(ring.tokenHash(token.first(token.size() - 1)) != hash);
    QVERIFY(ring.tokenHash(QByteArray()) != hash);
    QCOMPARE(ring.tokenHash(QByteArray()).size(), 64);

    // Keyed: not the plain SHA-256 of the token, and not an HMAC under the raw master key
    // (the token key is derived from it).
    QVERIFY(hash != QString::fromLatin1(sha256(token).toHex()));
    QVERIFY(hash != QString::fromLatin1(hmacSha256(masterKey('m').view(), token).toHex()));
}

QTEST_APPLESS_MAIN(TestKeyRing)
#include "tst_keyring.moc"
