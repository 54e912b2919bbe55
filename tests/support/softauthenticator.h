#pragma once

#include "crypto/cose.h"

#include <QByteArray>
#include <QCborMap>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace tap::test {

// How SoftAuthenticator builds a response; the defaults give a correct one.
enum class AuthenticatorFormat { None, PackedSelf };

struct AuthenticatorOptions
{
    bool userPresent = true;
    bool userVerified = true;
    bool backupEligible = false;
    bool backedUp = false;
    QString type = {}; // client data type; empty means the right one for the ceremony
    bool crossOrigin = false;
    AuthenticatorFormat format = AuthenticatorFormat::None; // create() only
    std::optional<QCborMap> coseKey = {}; // create() only: sent instead of the real key
};

// A software WebAuthn authenticator plus client (the browser's part): it makes a fresh key pair
// with OpenSSL and produces real CBOR, real client data JSON and real signatures, built here
// independently of common/crypto/webauthn so that the verifier is tested against data it did
// not make itself. Options let a test produce the wrong thing on purpose.
//
//     tap::test::SoftAuthenticator authenticator(Algorithm::EdDSA);
//     const auto att = authenticator.create(challenge, origin, rpId);
//     auto cred = webauthn::verifyRegistration(att.clientDataJSON, att.attestationObject, e);
//     const auto a = authenticator.get(challenge2, origin, rpId, { .userVerified = false });
class SoftAuthenticator
{
public:
    using Algorithm = crypto::webauthn::Algorithm;

    using Format = AuthenticatorFormat;
    using Options = AuthenticatorOptions;

    struct Attestation
    {
        QByteArray clientDataJSON;
        QByteArray attestationObject;
    };

    struct Assertion
    {
        QByteArray clientDataJSON;
        QByteArray authenticatorData;
        QByteArray signature;
        QByteArray credentialId;
    };

    explicit SoftAuthenticator(Algorithm algorithm = Algorithm::ES256);
    ~SoftAuthenticator();
    SoftAuthenticator(const SoftAuthenticator &) = delete;
    SoftAuthenticator &operator=(const SoftAuthenticator &) = delete;

    static QList<Algorithm> algorithms() // all that TAP accepts, for table-driven tests
    {
        return { Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256 };
    }
    static const char *name(Algorithm algorithm); // "ES256", "EdDSA", "RS256"

    Algorithm algorithm() const { return m_algorithm; }
    QByteArray credentialId() const { return m_credentialId; } // 32 random bytes
    QByteArray publicKeySpki() const; // DER SubjectPublicKeyInfo, for comparison
    QCborMap coseKey() const; // the public key as a COSE_Key (a test may alter a copy)

    // The counter reported by the next create() and incremented before each get(). With the
    // counter disabled, 0 is always reported (as synced passkeys do).
    quint32 signCount() const { return m_signCount; }
    void setSignCount(quint32 count) { m_signCount = count; }
    void setCounterEnabled(bool enabled) { m_counterEnabled = enabled; }

    Attestation create(const QByteArray &challenge, const QString &origin, const QString &rpId,
                       const Options &options = {});
    Assertion get(const QByteArray &challenge, const QString &origin, const QString &rpId,
                  const Options &options = {});

    // Building blocks, for tests that assemble malformed responses by hand.
    static QByteArray clientDataJSON(const QString &type, const QByteArray &challenge,
                                     const QString &origin, bool crossOrigin = false);
    static QByteArray authenticatorData(const QString &rpId, quint8 flags, quint32 signCount,
                                        const QByteArray &attestedCredentialData = {});
    QByteArray attestedCredentialData(const QCborMap &coseKey) const;
    static QByteArray attestationObject(const QString &format, const QCborMap &statement,
                                        const QByteArray &authData);
    QByteArray sign(const QByteArray &message) const; // in the credential's algorithm

    static quint8 flags(const Options &options, bool attestedData);

private:
    struct Key;
    Algorithm m_algorithm;
    std::unique_ptr<Key> m_key;
    QByteArray m_credentialId;
    quint32 m_signCount = 0;
    bool m_counterEnabled = true;
};

} // namespace tap::test
