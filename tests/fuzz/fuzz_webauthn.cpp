// Fuzzing of the passkey code (common/crypto cose + webauthn): COSE keys, registration and
// assertion ceremonies, and the strict base64url decoder. The first byte picks the entry point;
// the rest is split into fields, each prefixed with a 16-bit big-endian length. Checked, besides
// crashes: base64UrlDecode() accepts exactly one spelling of each byte string, and what
// coseKeyToSpki() or verifyRegistration() return is a key that verifySignature() can load.
#include "crypto/cose.h"
#include "crypto/process.h"
#include "crypto/webauthn.h"

#include <QCborValue>

#include <cstdio>
#include <cstdlib>

namespace webauthn = tap::crypto::webauthn;

namespace {

[[noreturn]] void fail(const char *what)
{
    fprintf(stderr, "webauthn: %s\n", what);
    abort();
}

class Fields
{
public:
    Fields(const uint8_t *data, size_t size) : m_data(data), m_size(size) { }
    QByteArray next()
    {
        if (m_at + 2 > m_size) {
            m_at = m_size;
            return {};
        }
        const size_t length =
                std::min<size_t>(size_t(m_data[m_at]) << 8 | m_data[m_at + 1], m_size - m_at - 2);
        QByteArray out(reinterpret_cast<const char *>(m_data + m_at + 2), qsizetype(length));
        m_at += 2 + length;
        return out;
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_at = 0;
};

const webauthn::Expectation &expectation(bool requireUserVerification)
{
    static const webauthn::Expectation strict{ QByteArray("fuzz-challenge-0123456789abcdef!"),
                                               QStringLiteral("https://tap.example.org"),
                                               QStringLiteral("tap.example.org"), true };
    static const webauthn::Expectation lax{ strict.challenge, strict.origin, strict.rpId, false };
    return requireUserVerification ? strict : lax;
}

// A key that was accepted must be usable: verifySignature() may say "does not verify"
// (Forbidden) but never that the key it was handed is unreadable.
void keyLoads(int algorithm, const QByteArray &spki)
{
    const auto checked = webauthn::verifySignature(algorithm, spki, "message", "signature");
    if (!checked && checked.error().code() != tap::core::ErrorCode::Forbidden)
        fail("an accepted public key does not load");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    tap::crypto::initForProcess();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t mode = data[0];
    Fields in(data + 1, size - 1);
    switch (mode % 4) {
    case 0: {
        // As webauthn.cpp does: Qt 6.4 can return a half-built value on a decoding error that
        // crashes when read, so nothing is read from a value that did not decode cleanly.
        QCborParserError error;
        const QCborValue cbor = QCborValue::fromCbor(
                QByteArray::fromRawData(reinterpret_cast<const char *>(data + 1),
                                        qsizetype(size - 1)),
                &error);
        if (error.error != QCborError::NoError || !cbor.isMap())
            return 0;
        const auto key = webauthn::coseKeyToSpki(cbor.toMap());
        if (key) {
            if (!webauthn::isSupportedAlgorithm(key.value().algorithm))
                fail("coseKeyToSpki returned an unsupported algorithm");
            keyLoads(key.value().algorithm, key.value().spki);
        }
        return 0;
    }
    case 1: {
        const QByteArray clientData = in.next();
        const QByteArray attestation = in.next();
        const auto registered =
                webauthn::verifyRegistration(clientData, attestation, expectation(mode & 0x80));
        if (registered)
            keyLoads(registered.value().algorithm, registered.value().publicKeySpki);
        return 0;
    }
    case 2: {
        const QByteArray clientData = in.next();
        const QByteArray authenticatorData = in.next();
        const QByteArray signature = in.next();
        const QByteArray spki = in.next();
        static const int algorithms[] = { -7, -8, -257, 0 };
        (void)webauthn::verifyAssertion(clientData, authenticatorData, signature, spki,
                                        algorithms[(mode >> 2) % 4], quint32(mode >> 4),
                                        expectation(mode & 0x80));
        return 0;
    }
    default: {
        const QString text =
                QString::fromUtf8(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
        const auto decoded = webauthn::base64UrlDecode(text);
        if (decoded && webauthn::base64UrlEncode(*decoded) != text.toLatin1())
            fail("base64UrlDecode accepted a second spelling");
        return 0;
    }
    }
}
