#include "crypto/cose.h"
#include "support/softauthenticator.h"

#include <QCborValue>
#include <QCryptographicHash>
#include <QTest>

using tap::core::ErrorCode;
using tap::crypto::webauthn::Algorithm;
using tap::crypto::webauthn::coseKeyToSpki;
using tap::crypto::webauthn::verifySignature;
using tap::test::SoftAuthenticator;

namespace {

// Test data is decoded with Qt's own decoder.
QByteArray b64(const char *base64Url)
{
    return QByteArray::fromBase64(QByteArray(base64Url), QByteArray::Base64UrlEncoding);
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

// One authenticator per algorithm for the whole run: RSA key generation is slow.
SoftAuthenticator &authenticator(Algorithm algorithm)
{
    static SoftAuthenticator es256(Algorithm::ES256);
    static SoftAuthenticator eddsa(Algorithm::EdDSA);
    static SoftAuthenticator rs256(Algorithm::RS256);
    switch (algorithm) {
    case Algorithm::ES256:
        return es256;
    case Algorithm::EdDSA:
        return eddsa;
    case Algorithm::RS256:
        break;
    }
    return rs256;
}

QCborMap changed(QCborMap key, qint64 label, const QCborValue &value)
{
    key.insert(label, value);
    return key;
}

QCborMap without(QCborMap key, qint64 label)
{
    key.remove(label);
    return key;
}

// The error message of a failed result, for QVERIFY2 (which evaluates it even on success).
template <typename T>
QString why(const tap::core::Result<T> &result)
{
    return result.ok() ? QString() : result.error().message();
}

struct PublishedAssertion
{
    const char *name;
    const char *authenticatorData;
    const char *clientDataJSON;
    const char *signature;
    const char *coseKey;
};

// Real assertions recorded in the py_webauthn test suite (duo-labs/py_webauthn,
// tests/test_verify_authentication_response.py), base64url.
// clang-format off
const PublishedAssertion kPublishedAssertions[] = {
    { "ES256",
      "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAATg",
      "eyJjaGFsbGVuZ2UiOiJ4aTMwR1BHQUZZUnhWRHBZMXNNMTBEYUx6VlFHNjZudi1fN1JVYXpIMHZJMll2"
      "RzhMWWdERW52TjVmWlpOVnV2RUR1TWk5dGUzVkxxYjQyTjBma0xHQSIsImNsaWVudEV4dGVuc2lvbnMi"
      "Ont9LCJoYXNoQWxnb3JpdGhtIjoiU0hBLTI1NiIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NTAw"
      "MCIsInR5cGUiOiJ3ZWJhdXRobi5nZXQifQ",
      "MEUCIGisVZOBapCWbnJJvjelIzwpixxIwkjCCb5aCHafQu68AiEA88v-2pJNNApPFwAKFiNuf82-2hBx"
      "YW5kGwVweeoxCwo",
      "pQECAyYgASFYIIeDTe-gN8A-zQclHoRnGFWN8ehM1b7yAsa8I8KIvmplIlgg4nFGT5px8o6gpPZZhO01"
      "wdy9crDSA_Ngtkx0vGpvPHI" },
    { "RS256",
      "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ",
      "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiaVBtQWkxUHAxWEw2b0FncTNQV1p0WlBu"
      "WmExekZVRG9HYmFRMF9LdlZHMWxGMnMzUnRfM280dVN6Y2N5MHRtY1RJcFRUVDRCVTFULUk0bWFhdm5k"
      "alEiLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
      "iOHKX3erU5_OYP_r_9HLZ-CexCE4bQRrxM8WmuoKTDdhAnZSeTP0sjECjvjfeS8MJzN1ArmvV0H0C3yy"
      "_FdRFfcpUPZzdZ7bBcmPh1XPdxRwY747OrIzcTLTFQUPdn1U-izCZtP_78VGw9pCpdMsv4CUzZdJbEcR"
      "tQuRS03qUjqDaovoJhOqEBmxJn9Wu8tBi_Qx7A33RbYjlfyLm_EDqimzDZhyietyop6XUcpKarKqVH0M"
      "6mMrM5zTjp8xf3W7odFCadXEJg-ERZqFM0-9Uup6kJNLbr6C5J4NDYmSm3HCSA6lp2iEiMPKU8Ii7QZ6"
      "1kybXLxsX4w4Dm3fOLjmDw",
      "pAEDAzkBACBZAQDfV20epzvQP-HtcdDpX-cGzdOxy73WQEvsU7Dnr9UWJophEfpngouvgnRLXaEUn_d8"
      "HGkp_HIx8rrpkx4BVs6X_B6ZjhLlezjIdJbLbVeb92BaEsmNn1HW2N9Xj2QM8cH-yx28_vCjf82ahQ9g"
      "yAr552Bn96G22n8jqFRQKdVpO-f-bvpvaP3IQ9F5LCX7CUaxptgbog1SFO6FI6ob5SlVVB00lVXsaYg8"
      "cIDZxCkkENkGiFPgwEaZ7995SCbiyCpUJbMqToLMgojPkAhWeyktu7TlK6UBWdJMHc3FPAIs0lH_2_2h"
      "KS-mGI1uZAFVAfW1X-mzKL0czUm2P1UlUox7IUMBAAE" },
    { "EdDSA",
      "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAABw",
      "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiZVo0ZWVBM080ank1Rkl6cURhU0o2SkRO"
      "R3UwYkJjNXpJMURqUV9rTHNvMVdOcWtHNms1bUNZZjFkdFFoVlVpQldaV2xaa3pSNU1GZWVXQ3BKUlVO"
      "WHciLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
      "RRWV8mYDRvK7YdQgdtZD4pJ2dh1D_IWZ_D6jsZo6FHJBoenbj0CVT5nA20vUzlRhN4R6dOEUHmUwP1F8"
      "eRBhBg",
      "pAEBAycgBiFYIMz6_SUFLiDid2Yhlq0YboyJ-CDrIrNpkPUGmJp4D3Dp" },
};
// clang-format on

} // namespace

class TestCose : public QObject
{
    Q_OBJECT

private slots:
    void publishedSignatures_data();
    void publishedSignatures();
    void coseKeyToSpkiMatchesKey_data();
    void coseKeyToSpkiMatchesKey();
    void malformedCoseKey_data();
    void malformedCoseKey();
    void keyMustFitAlgorithm();
    void signatureShape();
};

// Signed message: authenticatorData ‖ SHA-256(clientDataJSON) (WebAuthn §6.3.3, §7.2 step 20).
void TestCose::publishedSignatures_data()
{
    QTest::addColumn<QByteArray>("authenticatorData");
    QTest::addColumn<QByteArray>("clientDataJSON");
    QTest::addColumn<QByteArray>("signature");
    QTest::addColumn<QByteArray>("coseKey");
    for (const PublishedAssertion &v : kPublishedAssertions)
        QTest::addRow("%s", v.name) << b64(v.authenticatorData) << b64(v.clientDataJSON)
                                    << b64(v.signature) << b64(v.coseKey);
}

void TestCose::publishedSignatures()
{
    QFETCH(QByteArray, authenticatorData);
    QFETCH(QByteArray, clientDataJSON);
    QFETCH(QByteArray, signature);
    QFETCH(QByteArray, coseKey);
    const auto key = coseKeyToSpki(QCborValue::fromCbor(coseKey).toMap());
    QVERIFY2(key.ok(), qPrintable(why(key)));
    const QByteArray message = authenticatorData + sha256(clientDataJSON);
    QVERIFY(verifySignature(key->algorithm, key->spki, message, signature).ok());
    QByteArray flipped = signature;
    flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x01);
    const auto bad = verifySignature(key->algorithm, key->spki, message, flipped);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code(), ErrorCode::Forbidden);
    QCOMPARE(bad.error().message(), QStringLiteral("The passkey signature does not verify."));
    QVERIFY(!verifySignature(key->algorithm, key->spki, QByteArray(message + 'x'), signature).ok());
}

void TestCose::coseKeyToSpkiMatchesKey_data()
{
    QTest::addColumn<int>("algorithm");
    for (const Algorithm a : SoftAuthenticator::algorithms())
        QTest::addRow("%s", SoftAuthenticator::name(a)) << int(a);
}

void TestCose::coseKeyToSpkiMatchesKey()
{
    QFETCH(int, algorithm);
    SoftAuthenticator &auth = authenticator(Algorithm(algorithm));
    const auto key = coseKeyToSpki(auth.coseKey());
    QVERIFY2(key.ok(), qPrintable(why(key)));
    QCOMPARE(key->algorithm, algorithm);
    QCOMPARE(key->spki, auth.publicKeySpki());
    const QByteArray message("authenticator data and client data hash");
    QVERIFY(verifySignature(algorithm, key->spki, message, auth.sign(message)).ok());
}

void TestCose::malformedCoseKey_data()
{
    QTest::addColumn<QCborMap>("key");
    QTest::addColumn<QString>("message");
    const QCborMap ec = authenticator(Algorithm::ES256).coseKey();
    const QCborMap okp = authenticator(Algorithm::EdDSA).coseKey();
    const QCborMap rsa = authenticator(Algorithm::RS256).coseKey();
    const QByteArray x = ec.value(-2).toByteArray();
    const QByteArray y = ec.value(-3).toByteArray();
    QByteArray offCurve = y;
    offCurve[31] = char(offCurve[31] ^ 0x01);
    // n = 2^1023 + 1: odd, 1024 bits.
    const QByteArray smallN = QByteArray(1, '\x80') + QByteArray(126, '\0') + QByteArray(1, '\1');
    QByteArray evenN = rsa.value(-1).toByteArray();
    evenN[evenN.size() - 1] = char(evenN.back() & ~1);
    // The real EC key with its alg label repeated (QCborMap::insert would replace it).
    QByteArray dupBytes = QCborValue(ec).toCbor();
    dupBytes[0] = char(0xa6);
    const QCborMap duplicate = QCborValue::fromCbor(dupBytes + QByteArray("\x03\x26", 2)).toMap();

    const auto add = [](const char *name, const QCborMap &key, const char *message) {
        QTest::addRow("%s", name) << key << QString::fromLatin1(message);
    };
    add("empty", QCborMap(), "lacks its key type or algorithm");
    add("alg missing", without(ec, 3), "lacks its key type or algorithm");
    add("kty missing", without(ec, 1), "lacks its key type or algorithm");
    add("alg as text", changed(ec, 3, QStringLiteral("ES256")), "lacks its key type or algorithm");
    add("alg ES384", changed(ec, 3, -35), "unsupported algorithm");
    add("alg PS256", changed(rsa, 3, -37), "unsupported algorithm");
    add("alg huge", changed(ec, 3, qint64(1) << 40), "unsupported algorithm");
    add("EdDSA alg on an EC2 key", changed(ec, 3, -8), "does not match its algorithm");
    add("ES256 alg on an RSA key", changed(rsa, 3, -7), "does not match its algorithm");
    add("duplicate label", duplicate, "not a well-formed COSE key");
    add("EC2 point not on the curve", changed(ec, -3, offCurve), "not a point on the P-256");
    add("EC2 point all zero",
        changed(changed(ec, -2, QByteArray(32, '\0')), -3, QByteArray(32, '\0')),
        "not a point on the P-256");
    add("EC2 compressed y", changed(ec, -3, true), "malformed EC coordinates");
    add("EC2 short x", changed(ec, -2, x.left(31)), "malformed EC coordinates");
    add("EC2 long y", changed(ec, -3, QByteArray(y + '\0')), "malformed EC coordinates");
    add("EC2 y missing", without(ec, -3), "malformed EC coordinates");
    add("EC2 on P-384", changed(ec, -1, 2), "unsupported curve");
    add("EC2 crv as text", changed(ec, -1, QStringLiteral("P-256")), "unsupported curve");
    add("OKP X25519", changed(okp, -1, 4), "unsupported curve");
    add("OKP short x", changed(okp, -2, x.left(31)), "malformed Ed25519");
    add("OKP x as text", changed(okp, -2, QStringLiteral("x")), "malformed Ed25519");
    add("RSA 1024 bits", changed(rsa, -1, smallN), "unsupported size");
    add("RSA 9000 bits", changed(rsa, -1, QByteArray(1125, '\xff')), "malformed RSA key");
    add("RSA even modulus", changed(rsa, -1, evenN), "not a valid RSA key");
    add("RSA exponent 1", changed(rsa, -2, QByteArray(1, '\1')), "not a valid RSA key");
    add("RSA exponent even", changed(rsa, -2, QByteArray("\x01\x00\x00", 3)), "not a valid RSA");
    add("RSA exponent missing", without(rsa, -2), "malformed RSA key");
    QCborMap crowded = ec;
    for (int label = 10; label < 30; ++label)
        crowded.insert(label, label);
    add("too many entries", crowded, "not a well-formed COSE key");
}

void TestCose::malformedCoseKey()
{
    QFETCH(QCborMap, key);
    QFETCH(QString, message);
    const auto result = coseKeyToSpki(key);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::InvalidRequest);
    QVERIFY2(result.error().message().contains(message), qPrintable(result.error().message()));
}

// A stored key is only ever used under the algorithm it was registered with.
void TestCose::keyMustFitAlgorithm()
{
    const QByteArray message("message");
    for (const Algorithm keyType : SoftAuthenticator::algorithms()) {
        SoftAuthenticator &auth = authenticator(keyType);
        const QByteArray spki = auth.publicKeySpki();
        const QByteArray signature = auth.sign(message);
        for (const Algorithm used : SoftAuthenticator::algorithms()) {
            const auto result = verifySignature(int(used), spki, message, signature);
            QCOMPARE(result.ok(), used == keyType);
            if (used != keyType)
                QCOMPARE(result.error().code(), ErrorCode::InvalidRequest);
        }
        QVERIFY(!verifySignature(-35, spki, message, signature).ok());
        QVERIFY(!verifySignature(int(keyType), QByteArray(spki + '\0'), message, signature).ok());
        QVERIFY(!verifySignature(int(keyType), spki.left(spki.size() - 1), message, signature)
                         .ok());
        QVERIFY(!verifySignature(int(keyType), QByteArray(), message, signature).ok());
    }
}

void TestCose::signatureShape()
{
    const QByteArray message("message");
    SoftAuthenticator &ed = authenticator(Algorithm::EdDSA);
    const QByteArray spki = ed.publicKeySpki();
    const QByteArray signature = ed.sign(message);
    QCOMPARE(signature.size(), 64);
    QVERIFY(!verifySignature(-8, spki, message, signature.left(63)).ok());
    QVERIFY(!verifySignature(-8, spki, message, QByteArray(signature + '\0')).ok());
    QVERIFY(!verifySignature(-8, spki, message, QByteArray()).ok());
    SoftAuthenticator &ec = authenticator(Algorithm::ES256);
    const QByteArray der = ec.sign(message);
    QVERIFY(!verifySignature(-7, ec.publicKeySpki(), message, QByteArray(der + '\0'))
                     .ok()); // trailing DER
    QVERIFY(!verifySignature(-7, ec.publicKeySpki(), message, QByteArray(2000, '\x30')).ok());
}

QTEST_GUILESS_MAIN(TestCose)
#include "tst_cose.moc"
