#include "support/softauthenticator.h"

#include <QCborValue>
#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdlib>

namespace tap::test {

namespace {

// A test helper has no way to recover from a broken OpenSSL: stop loudly.
void require(bool condition)
{
    if (!condition)
        std::abort();
}

QByteArray bignumParam(const EVP_PKEY *key, const char *name, int padTo)
{
    BIGNUM *bn = nullptr;
    require(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
    const int size = padTo > 0 ? padTo : BN_num_bytes(bn);
    QByteArray out(size, Qt::Uninitialized);
    const int written = BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), size);
    BN_free(bn);
    require(written == size);
    return out;
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

} // namespace

struct SoftAuthenticator::Key
{
    explicit Key(EVP_PKEY *k) : pkey(k) { }
    ~Key() { EVP_PKEY_free(pkey); }
    Key(const Key &) = delete;
    Key &operator=(const Key &) = delete;
    EVP_PKEY *pkey;
};

SoftAuthenticator::SoftAuthenticator(Algorithm algorithm) : m_algorithm(algorithm)
{
    EVP_PKEY *pkey = nullptr;
    switch (algorithm) {
    case Algorithm::ES256:
        pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        break;
    case Algorithm::EdDSA:
        pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        break;
    case Algorithm::RS256:
        pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048));
        break;
    }
    require(pkey != nullptr);
    m_key = std::make_unique<Key>(pkey);
    m_credentialId.resize(32);
    require(RAND_bytes(reinterpret_cast<unsigned char *>(m_credentialId.data()), 32) == 1);
}

SoftAuthenticator::~SoftAuthenticator() = default;

const char *SoftAuthenticator::name(Algorithm algorithm)
{
    switch (algorithm) {
    case Algorithm::ES256:
        return "ES256";
    case Algorithm::EdDSA:
        return "EdDSA";
    case Algorithm::RS256:
        return "RS256";
    }
    return "?";
}

QByteArray SoftAuthenticator::publicKeySpki() const
{
    const int len = i2d_PUBKEY(m_key->pkey, nullptr);
    require(len > 0);
    QByteArray out(len, Qt::Uninitialized);
    auto *p = reinterpret_cast<unsigned char *>(out.data());
    require(i2d_PUBKEY(m_key->pkey, &p) == len);
    return out;
}

// COSE_Key in the CTAP2 canonical order (RFC 9053 §7, RFC 8230 §4).
QCborMap SoftAuthenticator::coseKey() const
{
    QCborMap key;
    switch (m_algorithm) {
    case Algorithm::ES256:
        key.insert(1, 2); // kty: EC2
        key.insert(3, int(m_algorithm));
        key.insert(-1, 1); // crv: P-256
        key.insert(-2, bignumParam(m_key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32));
        key.insert(-3, bignumParam(m_key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32));
        break;
    case Algorithm::EdDSA: {
        QByteArray x(32, Qt::Uninitialized);
        size_t len = 32;
        require(EVP_PKEY_get_raw_public_key(m_key->pkey,
                                            reinterpret_cast<unsigned char *>(x.data()), &len)
                        == 1
                && len == 32);
        key.insert(1, 1); // kty: OKP
        key.insert(3, int(m_algorithm));
        key.insert(-1, 6); // crv: Ed25519
        key.insert(-2, x);
        break;
    }
    case Algorithm::RS256:
        key.insert(1, 3); // kty: RSA
        key.insert(3, int(m_algorithm));
        key.insert(-1, bignumParam(m_key->pkey, OSSL_PKEY_PARAM_RSA_N, 0));
        key.insert(-2, bignumParam(m_key->pkey, OSSL_PKEY_PARAM_RSA_E, 0));
        break;
    }
    return key;
}

QByteArray SoftAuthenticator::sign(const QByteArray &message) const
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    require(ctx != nullptr);
    // ES256 and RS256 hash with SHA-256 (RSA defaults to PKCS#1 v1.5); Ed25519 takes the message.
    const char *digest = m_algorithm == Algorithm::EdDSA ? nullptr : "SHA256";
    const auto *data = reinterpret_cast<const unsigned char *>(message.constData());
    size_t len = 0;
    bool ok =
            EVP_DigestSignInit_ex(ctx, nullptr, digest, nullptr, nullptr, m_key->pkey, nullptr) == 1
            && EVP_DigestSign(ctx, nullptr, &len, data, size_t(message.size())) == 1;
    QByteArray signature(qsizetype(len), Qt::Uninitialized);
    ok = ok
            && EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &len, data,
                              size_t(message.size()))
                    == 1;
    EVP_MD_CTX_free(ctx);
    require(ok);
    signature.truncate(qsizetype(len)); // a DER ECDSA signature is often shorter than the bound
    return signature;
}

QByteArray SoftAuthenticator::clientDataJSON(const QString &type, const QByteArray &challenge,
                                             const QString &origin, bool crossOrigin)
{
    const QJsonObject clientData{
        { QStringLiteral("type"), type },
        { QStringLiteral("challenge"),
          QString::fromLatin1(challenge.toBase64(QByteArray::Base64UrlEncoding
                                                 | QByteArray::OmitTrailingEquals)) },
        { QStringLiteral("origin"), origin },
        { QStringLiteral("crossOrigin"), crossOrigin },
    };
    return QJsonDocument(clientData).toJson(QJsonDocument::Compact);
}

quint8 SoftAuthenticator::flags(const Options &options, bool attestedData)
{
    quint8 flags = 0;
    flags |= options.userPresent ? 0x01 : 0;
    flags |= options.userVerified ? 0x04 : 0;
    flags |= options.backupEligible ? 0x08 : 0;
    flags |= options.backedUp ? 0x10 : 0;
    flags |= attestedData ? 0x40 : 0;
    return flags;
}

QByteArray SoftAuthenticator::authenticatorData(const QString &rpId, quint8 flags,
                                                quint32 signCount,
                                                const QByteArray &attestedCredentialData)
{
    QByteArray data = sha256(rpId.toUtf8());
    data.append(char(flags));
    for (int shift = 24; shift >= 0; shift -= 8)
        data.append(char((signCount >> shift) & 0xff));
    return data + attestedCredentialData;
}

QByteArray SoftAuthenticator::attestedCredentialData(const QCborMap &coseKey) const
{
    QByteArray data(16, '\0'); // AAGUID: all zero, as for attestation "none"
    data.append(char((m_credentialId.size() >> 8) & 0xff));
    data.append(char(m_credentialId.size() & 0xff));
    data.append(m_credentialId);
    return data + QCborValue(coseKey).toCbor();
}

QByteArray SoftAuthenticator::attestationObject(const QString &format, const QCborMap &statement,
                                                const QByteArray &authData)
{
    QCborMap object;
    object.insert(QStringLiteral("fmt"), format);
    object.insert(QStringLiteral("attStmt"), statement);
    object.insert(QStringLiteral("authData"), authData);
    return QCborValue(object).toCbor();
}

SoftAuthenticator::Attestation SoftAuthenticator::create(const QByteArray &challenge,
                                                         const QString &origin, const QString &rpId,
                                                         const Options &options)
{
    const QString type = options.type.isEmpty() ? QStringLiteral("webauthn.create") : options.type;
    Attestation out;
    out.clientDataJSON = clientDataJSON(type, challenge, origin, options.crossOrigin);
    const QByteArray authData =
            authenticatorData(rpId, flags(options, true), m_counterEnabled ? m_signCount : 0,
                              attestedCredentialData(options.coseKey.value_or(coseKey())));
    QCborMap statement;
    QString format = QStringLiteral("none");
    if (options.format == Format::PackedSelf) {
        format = QStringLiteral("packed");
        statement.insert(QStringLiteral("alg"), int(m_algorithm));
        statement.insert(QStringLiteral("sig"), sign(authData + sha256(out.clientDataJSON)));
    }
    out.attestationObject = attestationObject(format, statement, authData);
    return out;
}

SoftAuthenticator::Assertion SoftAuthenticator::get(const QByteArray &challenge,
                                                    const QString &origin, const QString &rpId,
                                                    const Options &options)
{
    const QString type = options.type.isEmpty() ? QStringLiteral("webauthn.get") : options.type;
    if (m_counterEnabled)
        ++m_signCount;
    Assertion out;
    out.clientDataJSON = clientDataJSON(type, challenge, origin, options.crossOrigin);
    out.authenticatorData =
            authenticatorData(rpId, flags(options, false), m_counterEnabled ? m_signCount : 0);
    out.signature = sign(out.authenticatorData + sha256(out.clientDataJSON));
    out.credentialId = m_credentialId;
    return out;
}

} // namespace tap::test
