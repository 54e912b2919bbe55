#include "crypto/aead.h"

#include <QTest>

using tap::core::ErrorCode;
using tap::core::SecretBytes;
using tap::core::SystemRandom;
using tap::crypto::Aead;

namespace {

SecretBytes makeKey(char fill)
{
    return SecretBytes(QByteArray(Aead::KeySize, fill));
}

QByteArray flipBit(QByteArray bytes, qsizetype index, int bit)
{
    bytes[index] = char(bytes[index] ^ (1 << bit));
    return bytes;
}

// Where a byte sits in a sealed blob: version ‖ nonce ‖ ciphertext ‖ tag.
enum class Region { Nonce, Ciphertext, Tag };

qsizetype blobOffset(Region region, qsizetype indexInRegion, qsizetype blobSize)
{
    switch (region) {
    case Region::Nonce:
        return 1 + indexInRegion;
    case Region::Ciphertext:
        return 1 + Aead::NonceSize + indexInRegion;
    case Region::Tag:
        return blobSize - Aead::TagSize + indexInRegion;
    }
    return -1;
}

} // namespace

class TestAead : public QObject
{
    Q_OBJECT

private slots:
    void gcmSpecVectors_data();
    void gcmSpecVectors();
    void rawGcmRejectsBadParameters();

    void roundTrip_data();
    void roundTrip();
    void emptyPlaintextRoundTrips();
    void sealLayout();
    void sealIsRandomised();

    void flippedBitFails_data();
    void flippedBitFails();
    void everyFlippedBitFails();
    void wrongAadFails_data();
    void wrongAadFails();
    void wrongKeyFails();
    void malformedBlobFails_data();
    void malformedBlobFails();
    void badKeySizeFails();

private:
    SystemRandom m_random;
};

// Published AES-256-GCM vectors: "The Galois/Counter Mode of Operation (GCM)", McGrew & Viega
// 2005, Appendix B, test cases 13-18. Hex values as carried in OpenSSL's
// test/recipes/30-test_evp_data/evpciph_aes_common.txt ("aes-256-gcm" block).
void TestAead::gcmSpecVectors_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("iv");
    QTest::addColumn<QByteArray>("plaintext");
    QTest::addColumn<QByteArray>("aad");
    QTest::addColumn<QByteArray>("ciphertext");
    QTest::addColumn<QByteArray>("tag");

    const QByteArray zeroKey(32, '\0');
    const QByteArray key =
            QByteArray::fromHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    const QByteArray aad = QByteArray::fromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    const QByteArray plaintext64 =
            QByteArray::fromHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                                "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
    const QByteArray plaintext60 = plaintext64.first(60);

    // GCM spec (McGrew & Viega 2005), test case 13: empty plaintext, zero key and IV.
    QTest::addRow("tc13-empty") << zeroKey << QByteArray(12, '\0') << QByteArray() << QByteArray()
                                << QByteArray()
                                << QByteArray::fromHex("530f8afbc74536b9a963b4f1c4cb738b");

    // GCM spec (McGrew & Viega 2005), test case 14: one zero block.
    QTest::addRow("tc14-one-block")
            << zeroKey << QByteArray(12, '\0') << QByteArray(16, '\0') << QByteArray()
            << QByteArray::fromHex("cea7403d4d606b6e074ec5d3baf39d18")
            << QByteArray::fromHex("d0d1c8a799996bf0265b98b5d48ab919");

    // GCM spec (McGrew & Viega 2005), test case 15: 64-byte plaintext, no AAD.
    QTest::addRow("tc15-64-bytes")
            << key << QByteArray::fromHex("cafebabefacedbaddecaf888") << plaintext64 << QByteArray()
            << QByteArray::fromHex(
                       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad")
            << QByteArray::fromHex("b094dac5d93471bdec1a502270e3cc6c");

    // GCM spec (McGrew & Viega 2005), test case 16: 60-byte plaintext, 20-byte AAD.
    QTest::addRow("tc16-aad")
            << key << QByteArray::fromHex("cafebabefacedbaddecaf888") << plaintext60 << aad
            << QByteArray::fromHex(
                       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662")
            << QByteArray::fromHex("76fc6ece0f4e1768cddf8853bb2d551b");

    // GCM spec (McGrew & Viega 2005), test case 17: 64-bit IV.
    QTest::addRow("tc17-iv-8-bytes")
            << key << QByteArray::fromHex("cafebabefacedbad") << plaintext60 << aad
            << QByteArray::fromHex(
                       "c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0"
                       "feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f")
            << QByteArray::fromHex("3a337dbf46a792c45e454913fe2ea8f2");

    // GCM spec (McGrew & Viega 2005), test case 18: 60-byte IV.
    QTest::addRow("tc18-iv-60-bytes")
            << key
            << QByteArray::fromHex(
                       "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
                       "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b")
            << plaintext60 << aad
            << QByteArray::fromHex(
                       "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf4"
                       "0fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f")
            << QByteArray::fromHex("a44a8266ee1c8eb0c8b5d4cf5ae9f19a");
}

void TestAead::gcmSpecVectors()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, iv);
    QFETCH(QByteArray, plaintext);
    QFETCH(QByteArray, aad);
    QFETCH(QByteArray, ciphertext);
    QFETCH(QByteArray, tag);

    QByteArray actualTag;
    const auto encrypted = Aead::encrypt(key, iv, plaintext, aad, &actualTag);
    QVERIFY(encrypted.ok());
    QCOMPARE(encrypted.value().toHex(), ciphertext.toHex());
    QCOMPARE(actualTag.toHex(), tag.toHex());

    const auto decrypted = Aead::decrypt(key, iv, ciphertext, aad, tag);
    QVERIFY(decrypted.ok());
    QCOMPARE(decrypted.value().toHex(), plaintext.toHex());

    // The same vector with the last tag bit flipped must not decrypt.
    const auto forged = Aead::decrypt(key, iv, ciphertext, aad, flipBit(tag, tag.size() - 1, 0));
    QVERIFY(!forged.ok());
    QCOMPARE(forged.error().code(), ErrorCode::Internal);
}

void TestAead::rawGcmRejectsBadParameters()
{
    const QByteArray key(32, 'k');
    const QByteArray iv(12, 'n');
    QByteArray tag;

    QVERIFY(!Aead::encrypt(QByteArray(16, 'k'), iv, "data", {}, &tag).ok()); // AES-128 key
    QVERIFY(!Aead::encrypt(QByteArray(31, 'k'), iv, "data", {}, &tag).ok());
    QVERIFY(!Aead::encrypt(key, QByteArray(), "data", {}, &tag).ok()); // empty IV

    const auto ct = Aead::encrypt(key, iv, "data", {}, &tag);
    QVERIFY(ct.ok());
    QCOMPARE(tag.size(), Aead::TagSize);
    QVERIFY(Aead::decrypt(key, iv, ct.value(), {}, tag).ok());
    QVERIFY(!Aead::decrypt(key, iv, ct.value(), {}, tag.first(Aead::TagSize - 1)).ok());
    QVERIFY(!Aead::decrypt(key, iv, ct.value(), {}, QByteArray(tag + '\0')).ok());
    QVERIFY(!Aead::decrypt(key, iv, ct.value(), {}, QByteArray()).ok());
    QVERIFY(!Aead::decrypt(key, QByteArray(), ct.value(), {}, tag).ok());
    QVERIFY(!Aead::decrypt(QByteArray(16, 'k'), iv, ct.value(), {}, tag).ok());
}

void TestAead::roundTrip_data()
{
    QTest::addColumn<QByteArray>("plaintext");
    QTest::addColumn<QByteArray>("aad");

    QTest::addRow("one-byte") << QByteArrayLiteral("x") << QByteArray();
    QTest::addRow("short-with-aad")
            << QByteArrayLiteral("sk-live-abcdef") << QByteArrayLiteral("tap:credential:v1");
    QTest::addRow("block-15") << QByteArray(15, 'a') << QByteArrayLiteral("aad");
    QTest::addRow("block-16") << QByteArray(16, 'b') << QByteArrayLiteral("aad");
    QTest::addRow("block-17") << QByteArray(17, 'c') << QByteArrayLiteral("aad");
    QTest::addRow("binary-with-nuls")
            << QByteArray::fromHex("00ff00ff0000ff") << QByteArray(3, '\0');
    QTest::addRow("64-KiB") << QByteArray(64 * 1024, 'z') << QByteArray(1000, 'a');
}

void TestAead::roundTrip()
{
    QFETCH(QByteArray, plaintext);
    QFETCH(QByteArray, aad);

    const SecretBytes key = makeKey('K');
    const auto sealed = Aead::seal(key, plaintext, aad, m_random);
    QVERIFY(sealed.ok());
    QCOMPARE(sealed->size(), 1 + Aead::NonceSize + plaintext.size() + Aead::TagSize);
    if (plaintext.size() >= 8)
        QVERIFY(!sealed->contains(plaintext)); // not stored in the clear

    const auto opened = Aead::open(key, sealed.value(), aad);
    QVERIFY(opened.ok());
    QCOMPARE(opened->exposeCopy(), plaintext);
}

void TestAead::emptyPlaintextRoundTrips()
{
    const SecretBytes key = makeKey('K');
    const auto sealed = Aead::seal(key, QByteArrayView(), "aad", m_random);
    QVERIFY(sealed.ok());
    QCOMPARE(sealed->size(), 1 + Aead::NonceSize + Aead::TagSize);

    const auto opened = Aead::open(key, sealed.value(), "aad");
    QVERIFY(opened.ok());
    QVERIFY(opened->isEmpty());

    // An empty plaintext is still authenticated.
    QVERIFY(!Aead::open(key, sealed.value(), "other").ok());
    QVERIFY(!Aead::open(key, flipBit(sealed.value(), sealed->size() - 1, 7), "aad").ok());
}

void TestAead::sealLayout()
{
    // The blob is version ‖ nonce ‖ GCM ciphertext ‖ tag: re-derive it with the raw primitive.
    const SecretBytes key = makeKey('L');
    const QByteArray plaintext = QByteArrayLiteral("layout check");
    const QByteArray aad = QByteArrayLiteral("row-aad");
    const auto sealed = Aead::seal(key, plaintext, aad, m_random);
    QVERIFY(sealed.ok());
    QCOMPARE(sealed->at(0), Aead::FormatVersion);

    const QByteArray nonce = sealed->sliced(1, Aead::NonceSize);
    QByteArray tag;
    const auto ct = Aead::encrypt(key.view(), nonce, plaintext, aad, &tag);
    QVERIFY(ct.ok());
    QCOMPARE(sealed->sliced(1 + Aead::NonceSize, plaintext.size()).toHex(), ct->toHex());
    QCOMPARE(sealed->last(Aead::TagSize).toHex(), tag.toHex());
}

void TestAead::sealIsRandomised()
{
    const SecretBytes key = makeKey('R');
    const QByteArray plaintext = QByteArrayLiteral("same plaintext");
    const auto a = Aead::seal(key, plaintext, "aad", m_random);
    const auto b = Aead::seal(key, plaintext, "aad", m_random);
    QVERIFY(a.ok());
    QVERIFY(b.ok());
    QVERIFY(a.value() != b.value());
    QVERIFY(a->sliced(1, Aead::NonceSize) != b->sliced(1, Aead::NonceSize)); // fresh nonce

    // Both still open to the same plaintext.
    QCOMPARE(Aead::open(key, a.value(), "aad")->exposeCopy(), plaintext);
    QCOMPARE(Aead::open(key, b.value(), "aad")->exposeCopy(), plaintext);
}

void TestAead::flippedBitFails_data()
{
    QTest::addColumn<Region>("region");
    QTest::addColumn<int>("index"); // byte within the region; negative counts from its end
    QTest::addColumn<int>("bit");

    QTest::addRow("nonce-first-byte-bit0") << Region::Nonce << 0 << 0;
    QTest::addRow("nonce-middle-byte-bit4") << Region::Nonce << 6 << 4;
    QTest::addRow("nonce-last-byte-bit7") << Region::Nonce << -1 << 7;
    QTest::addRow("ciphertext-first-byte-bit0") << Region::Ciphertext << 0 << 0;
    QTest::addRow("ciphertext-middle-byte-bit3") << Region::Ciphertext << 16 << 3;
    QTest::addRow("ciphertext-last-byte-bit7") << Region::Ciphertext << -1 << 7;
    QTest::addRow("tag-first-byte-bit0") << Region::Tag << 0 << 0;
    QTest::addRow("tag-middle-byte-bit5") << Region::Tag << 8 << 5;
    QTest::addRow("tag-last-byte-bit7") << Region::Tag << -1 << 7;
}

void TestAead::flippedBitFails()
{
    QFETCH(Region, region);
    QFETCH(int, index);
    QFETCH(int, bit);

    const SecretBytes key = makeKey('T');
    const QByteArray plaintext(40, 'p');
    const auto sealed = Aead::seal(key, plaintext, "aad", m_random);
    QVERIFY(sealed.ok());

    const qsizetype regionSize = region == Region::Nonce ? Aead::NonceSize
            : region == Region::Tag                      ? Aead::TagSize
                                                         : plaintext.size();
    const qsizetype offset =
            blobOffset(region, index < 0 ? regionSize + index : index, sealed->size());
    QVERIFY(offset > 0 && offset < sealed->size());

    const auto tampered = Aead::open(key, flipBit(sealed.value(), offset, bit), "aad");
    QVERIFY(!tampered.ok());
    QCOMPARE(tampered.error().code(), ErrorCode::Internal);

    // One generic error for every failure: the same as for a wrong key.
    const auto wrongKey = Aead::open(makeKey('X'), sealed.value(), "aad");
    QVERIFY(!wrongKey.ok());
    QCOMPARE(tampered.error().message(), wrongKey.error().message());

    QVERIFY(Aead::open(key, sealed.value(), "aad").ok()); // the original is untouched
}

void TestAead::everyFlippedBitFails()
{
    const SecretBytes key = makeKey('E');
    const auto sealed = Aead::seal(key, "short secret", "aad", m_random);
    QVERIFY(sealed.ok());
    for (qsizetype i = 0; i < sealed->size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            if (Aead::open(key, flipBit(sealed.value(), i, bit), "aad").ok())
                QFAIL(qPrintable(
                        QStringLiteral("flipping byte %1 bit %2 still opened").arg(i).arg(bit)));
        }
    }
}

void TestAead::wrongAadFails_data()
{
    QTest::addColumn<QByteArray>("sealAad");
    QTest::addColumn<QByteArray>("openAad");

    QTest::addRow("other-aad") << QByteArrayLiteral("team-1/cred-1")
                               << QByteArrayLiteral("team-1/cred-2");
    QTest::addRow("empty-on-open") << QByteArrayLiteral("team-1/cred-1") << QByteArray();
    QTest::addRow("empty-on-seal") << QByteArray() << QByteArrayLiteral("team-1/cred-1");
    QTest::addRow("extra-byte") << QByteArrayLiteral("abc") << QByteArrayLiteral("abcd");
    QTest::addRow("missing-byte") << QByteArrayLiteral("abcd") << QByteArrayLiteral("abc");
    QTest::addRow("trailing-nul") << QByteArrayLiteral("abc") << QByteArray("abc\0", 4);
    QTest::addRow("one-bit") << QByteArrayLiteral("abc") << QByteArrayLiteral("abb");
}

void TestAead::wrongAadFails()
{
    QFETCH(QByteArray, sealAad);
    QFETCH(QByteArray, openAad);

    const SecretBytes key = makeKey('A');
    const auto sealed = Aead::seal(key, "the secret", sealAad, m_random);
    QVERIFY(sealed.ok());
    QVERIFY(Aead::open(key, sealed.value(), sealAad).ok());
    QVERIFY(!Aead::open(key, sealed.value(), openAad).ok());
}

void TestAead::wrongKeyFails()
{
    const SecretBytes key = makeKey('A');
    const auto sealed = Aead::seal(key, "the secret", "aad", m_random);
    QVERIFY(sealed.ok());

    QVERIFY(!Aead::open(makeKey('B'), sealed.value(), "aad").ok());
    QByteArray almost(Aead::KeySize, 'A');
    almost[Aead::KeySize - 1] = 'B'; // differs in one byte
    QVERIFY(!Aead::open(SecretBytes(almost), sealed.value(), "aad").ok());
    QVERIFY(!Aead::open(SecretBytes(), sealed.value(), "aad").ok()); // no key at all
}

void TestAead::malformedBlobFails_data()
{
    QTest::addColumn<QByteArray>("blob");

    // Built from a real blob of a 20-byte plaintext (1 + 12 + 20 + 16 = 49 bytes).
    const SecretBytes key = makeKey('M');
    SystemRandom random;
    const QByteArray good = Aead::seal(key, QByteArray(20, 's'), "aad", random).value();

    QTest::addRow("empty") << QByteArray();
    QTest::addRow("version-only") << good.first(1);
    QTest::addRow("version-and-nonce") << good.first(1 + Aead::NonceSize);
    QTest::addRow("one-short-of-minimum") << good.first(1 + Aead::NonceSize + Aead::TagSize - 1);
    QTest::addRow("minimum-size-but-truncated") << good.first(1 + Aead::NonceSize + Aead::TagSize);
    QTest::addRow("last-byte-dropped") << good.first(good.size() - 1);
    QTest::addRow("first-byte-dropped") << good.sliced(1);
    QTest::addRow("tag-dropped") << good.first(good.size() - Aead::TagSize);
    QTest::addRow("byte-appended") << QByteArray(good + '\0');
    QTest::addRow("blob-doubled") << QByteArray(good + good);
    QByteArray version0 = good;
    version0[0] = 0x00;
    QTest::addRow("version-0") << version0;
    QByteArray version2 = good;
    version2[0] = 0x02;
    QTest::addRow("version-2") << version2;
    QByteArray versionFF = good;
    versionFF[0] = char(0xff);
    QTest::addRow("version-ff") << versionFF;
    QTest::addRow("all-zero") << QByteArray(good.size(), '\0');
}

void TestAead::malformedBlobFails()
{
    QFETCH(QByteArray, blob);

    const auto opened = Aead::open(makeKey('M'), blob, "aad");
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code(), ErrorCode::Internal);
}

void TestAead::badKeySizeFails()
{
    QVERIFY(!Aead::seal(SecretBytes(QByteArray(16, 'k')), "data", "aad", m_random).ok());
    QVERIFY(!Aead::seal(SecretBytes(), "data", "aad", m_random).ok());
    QVERIFY(!Aead::seal(SecretBytes(QByteArray(33, 'k')), "data", "aad", m_random).ok());
}

QTEST_APPLESS_MAIN(TestAead)
#include "tst_aead.moc"
