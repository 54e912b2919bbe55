#include "crypto/hmac.h"

#include <QTest>

using tap::crypto::hmacSha1;
using tap::crypto::hmacSha256;
using tap::crypto::sha256;

class TestHmac : public QObject
{
    Q_OBJECT

private slots:
    void rfc4231_data();
    void rfc4231();
    void emptyKeyAndData();
    void keyAndDataMatter();
    void rfc2202Sha1();
    void sha256Fips_data();
    void sha256Fips();
};

// RFC 4231 ("Identifiers and Test Vectors for HMAC-SHA-224, HMAC-SHA-256, HMAC-SHA-384, and
// HMAC-SHA-512"), section 4, HMAC-SHA-256 results.
void TestHmac::rfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expected"); // hex; shorter than 64 digits means truncated

    // RFC 4231 section 4.2, test case 1
    QTest::addRow("case-1") << QByteArray(20, '\x0b') << QByteArrayLiteral("Hi There")
                            << QByteArrayLiteral("b0344c61d8db38535ca8afceaf0bf12b"
                                                 "881dc200c9833da726e9376c2e32cff7");
    // RFC 4231 section 4.3, test case 2: key shorter than the output
    QTest::addRow("case-2") << QByteArrayLiteral("Jefe")
                            << QByteArrayLiteral("what do ya want for nothing?")
                            << QByteArrayLiteral("5bdcc146bf60754e6a042426089575c7"
                                                 "5a003f089d2739839dec58b964ec3843");
    // RFC 4231 section 4.4, test case 3: 50 bytes of 0xdd
    QTest::addRow("case-3") << QByteArray(20, '\xaa') << QByteArray(50, '\xdd')
                            << QByteArrayLiteral("773ea91e36800e46854db8ebd09181a7"
                                                 "2959098b3ef8c122d9635514ced565fe");
    // RFC 4231 section 4.5, test case 4: 25-byte key 0x01..0x19
    QTest::addRow("case-4") << QByteArray::fromHex(
            "0102030405060708090a0b0c0d0e0f10111213141516171819")
                            << QByteArray(50, '\xcd')
                            << QByteArrayLiteral("82558a389a443c0ea4cc819899f2083a"
                                                 "85f0faa3e578f8077a2e3ff46729665b");
    // RFC 4231 section 4.6, test case 5: output truncated to 128 bits
    QTest::addRow("case-5-truncated")
            << QByteArray(20, '\x0c') << QByteArrayLiteral("Test With Truncation")
            << QByteArrayLiteral("a3b6167473100ee06e0c796c2955552b");
    // RFC 4231 section 4.7, test case 6: 131-byte key, larger than the block size
    QTest::addRow("case-6") << QByteArray(131, '\xaa')
                            << QByteArrayLiteral(
                                       "Test Using Larger Than Block-Size Key - Hash Key First")
                            << QByteArrayLiteral("60e431591ee0b67f0d8a26aacbf5b77f"
                                                 "8e0bc6213728c5140546040f0ee37f54");
    // RFC 4231 section 4.8, test case 7: key and data larger than the block size
    QTest::addRow("case-7") << QByteArray(131, '\xaa')
                            << QByteArrayLiteral(
                                       "This is a test using a larger than block-size key and a "
                                       "larger than block-size data. The key needs to be hashed "
                                       "before being used by the HMAC algorithm.")
                            << QByteArrayLiteral("9b09ffa71b942fcb27635fbcd5b0e944"
                                                 "bfdc63644f0713938a7f51535c3a35e2");
}

void TestHmac::rfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expected);

    const QByteArray mac = hmacSha256(key, data);
    QCOMPARE(mac.size(), 32); // always the full output, even where the RFC truncates
    QCOMPARE(mac.toHex().first(expected.size()), expected);
    // The prepared-key form (the token hash's hot path) gives the same, also when reused.
    const tap::crypto::HmacSha256Key prepared(key);
    QCOMPARE(prepared.mac(data), mac);
    QCOMPARE(prepared.mac(data), mac);
}

void TestHmac::emptyKeyAndData()
{
    // Not an RFC 4231 case; the well-known HMAC-SHA256("", "") (cross-checked with Python's hmac
    // module). It exercises the empty-key and empty-data paths.
    const QByteArray expected =
            QByteArrayLiteral("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    QCOMPARE(hmacSha256(QByteArrayView(), QByteArrayView()).toHex(), expected);
    QCOMPARE(hmacSha256(QByteArray(), QByteArray()).toHex(), expected);
    QCOMPARE(hmacSha256(QByteArrayLiteral(""), QByteArrayLiteral("")).toHex(), expected);

    // HMAC pads the key with zeros to the block size, so an empty key equals a zero key.
    QCOMPARE(hmacSha256(QByteArray(64, '\0'), QByteArray()).toHex(), expected);
    QCOMPARE(tap::crypto::HmacSha256Key(QByteArrayView()).mac(QByteArrayView()).toHex(), expected);
}

void TestHmac::keyAndDataMatter()
{
    const QByteArray base = hmacSha256("key", "data");
    QCOMPARE(base.size(), 32);
    QCOMPARE(hmacSha256("key", "data"), base); // deterministic
    QVERIFY(hmacSha256("key2", "data") != base);
    QVERIFY(hmacSha256("key", "data2") != base);
    QVERIFY(hmacSha256("", "data") != base);
    QVERIFY(hmacSha256("key", "") != base);
    QVERIFY(hmacSha256(QByteArray("key\0", 4), "data") == base); // zero padding, as above
    QVERIFY(hmacSha256("key", QByteArray("data\0", 5)) != base);
}

// FIPS 180-2, Appendix B (SHA-256 examples), plus the SHA-256 of the empty string.
void TestHmac::sha256Fips_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("expected");

    // FIPS 180-2 appendix B.1: one-block message "abc"
    QTest::addRow("abc") << QByteArrayLiteral("abc")
                         << QByteArrayLiteral("ba7816bf8f01cfea414140de5dae2223"
                                              "b00361a396177a9cb410ff61f20015ad");
    // SHA-256 of the empty message
    QTest::addRow("empty") << QByteArray()
                           << QByteArrayLiteral("e3b0c44298fc1c149afbf4c8996fb924"
                                                "27ae41e4649b934ca495991b7852b855");
    // FIPS 180-2 appendix B.2: the 448-bit two-block message
    QTest::addRow("448-bit") << QByteArrayLiteral(
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                             << QByteArrayLiteral("248d6a61d20638b8e5c026930c3e6039"
                                                  "a33ce45964ff2167f6ecedd419db06c1");
    // FIPS 180-2 appendix B.3: one million repetitions of "a"
    QTest::addRow("million-a") << QByteArray(1000000, 'a')
                               << QByteArrayLiteral("cdc76e5c9914fb9281a1c7e284d73e67"
                                                    "f1809a48a497200e046d39ccc7112cd0");
}

void TestHmac::sha256Fips()
{
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, expected);

    const QByteArray digest = sha256(message);
    QCOMPARE(digest.size(), 32);
    QCOMPARE(digest.toHex(), expected);
}

// RFC 2202 ("Test Cases for HMAC-MD5 and HMAC-SHA-1"), section 3, cases 1, 2 and 6.
void TestHmac::rfc2202Sha1()
{
    QCOMPARE(hmacSha1(QByteArray(20, '\x0b'), "Hi There").toHex(),
             QByteArray("b617318655057264e28bc0b6fb378c8ef146be00"));
    QCOMPARE(hmacSha1("Jefe", "what do ya want for nothing?").toHex(),
             QByteArray("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"));
    QCOMPARE(hmacSha1(QByteArray(80, '\xaa'),
                      "Test Using Larger Than Block-Size Key - Hash Key First")
                     .toHex(),
             QByteArray("aa4ae5e15272d00e95705637ce8a3b55ed402112"));
}

QTEST_APPLESS_MAIN(TestHmac)
#include "tst_hmac.moc"
