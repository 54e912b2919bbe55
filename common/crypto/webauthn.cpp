#include "crypto/webauthn.h"

#include "core/base64url.h"
#include "core/secretbytes.h"
#include "crypto/hmac.h"

#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>
#include <QJsonDocument>
#include <QJsonObject>

namespace tap::crypto::webauthn {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// Generous bounds: real responses are a few hundred bytes (an RSA key makes them ~600).
constexpr qsizetype kMaxClientDataSize = 64 * 1024;
constexpr qsizetype kMaxAttestationObjectSize = 64 * 1024;
constexpr qsizetype kMaxAuthenticatorDataSize = 64 * 1024;
constexpr qsizetype kMinChallengeSize = 16; // §13.4.3: at least 16 random bytes

// Authenticator data layout (§6.1): rpIdHash (32) ‖ flags (1) ‖ signCount (4, big-endian) ‖
// attested credential data (if AT) ‖ extensions (CBOR map, if ED).
constexpr qsizetype kRpIdHashSize = 32;
constexpr qsizetype kFlagsOffset = 32;
constexpr qsizetype kSignCountOffset = 33;
constexpr qsizetype kFixedAuthDataSize = 37;
// Attested credential data (§6.5.1): aaguid (16) ‖ credentialIdLength (2, big-endian) ‖
// credentialId ‖ credentialPublicKey (COSE_Key).
constexpr qsizetype kAaguidSize = 16;
constexpr qsizetype kMaxCredentialIdLength = 1023; // Level 3 §7.1: at most 1023 bytes

constexpr quint8 kFlagUserPresent = 0x01;
constexpr quint8 kFlagUserVerified = 0x04;
constexpr quint8 kFlagBackupEligible = 0x08;
constexpr quint8 kFlagBackedUp = 0x10;
constexpr quint8 kFlagAttestedData = 0x40;
constexpr quint8 kFlagExtensions = 0x80;

Error malformed(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

Error refused(const QString &message)
{
    return Error(ErrorCode::Forbidden, message);
}

// Decodes the one CBOR data item at the start of `data` and reports its length in *consumed.
std::optional<QCborValue> decodeCborItem(QByteArrayView data, qsizetype *consumed)
{
    if (data.isEmpty())
        return std::nullopt;
    QCborStreamReader reader(data.data(), data.size());
    QCborValue value = QCborValue::fromCbor(reader);
    // On a decoding error Qt 6.4 can hand back a half-built value that crashes when read (a
    // truncated top-level byte string, for one): test the error before touching the value.
    if (reader.lastError() != QCborError::NoError || value.isInvalid())
        return std::nullopt;
    *consumed = reader.currentOffset();
    if (*consumed <= 0 || *consumed > data.size())
        return std::nullopt;
    return value;
}

quint32 readBigEndian32(QByteArrayView data, qsizetype offset)
{
    return (quint32(quint8(data[offset])) << 24) | (quint32(quint8(data[offset + 1])) << 16)
            | (quint32(quint8(data[offset + 2])) << 8) | quint32(quint8(data[offset + 3]));
}

struct AuthenticatorData
{
    QByteArray rpIdHash;
    quint8 flags = 0;
    quint32 signCount = 0;
    QByteArray credentialId; // only with AT
    QCborMap credentialPublicKey; // only with AT
};

// Reads the attested credential data at `*pos`, advancing it (§6.5.1).
Result<void> parseAttestedCredentialData(QByteArrayView data, qsizetype *pos,
                                         AuthenticatorData *out)
{
    if (data.size() - *pos < kAaguidSize + 2)
        return malformed(QStringLiteral("The attested credential data is truncated."));
    *pos += kAaguidSize; // the make and model; meaningless without attestation trust
    const qsizetype idLength = (qsizetype(quint8(data[*pos])) << 8) | quint8(data[*pos + 1]);
    *pos += 2;
    if (idLength == 0 || idLength > kMaxCredentialIdLength)
        return malformed(QStringLiteral("The credential id length is out of range."));
    if (data.size() - *pos < idLength)
        return malformed(QStringLiteral("The attested credential data is truncated."));
    out->credentialId = data.sliced(*pos, idLength).toByteArray();
    *pos += idLength;
    qsizetype used = 0;
    const auto key = decodeCborItem(data.sliced(*pos), &used);
    if (!key || !key->isMap())
        return malformed(QStringLiteral("The credential public key is not a CBOR map."));
    out->credentialPublicKey = key->toMap();
    *pos += used;
    return {};
}

Result<AuthenticatorData> parseAuthenticatorData(QByteArrayView data)
{
    if (data.size() < kFixedAuthDataSize)
        return malformed(QStringLiteral("The authenticator data is too short."));
    if (data.size() > kMaxAuthenticatorDataSize)
        return malformed(QStringLiteral("The authenticator data is too large."));
    AuthenticatorData out;
    out.rpIdHash = data.first(kRpIdHashSize).toByteArray();
    out.flags = quint8(data[kFlagsOffset]);
    out.signCount = readBigEndian32(data, kSignCountOffset);
    qsizetype pos = kFixedAuthDataSize;
    if (out.flags & kFlagAttestedData) {
        if (auto parsed = parseAttestedCredentialData(data, &pos, &out); !parsed)
            return parsed.error();
    }
    if (out.flags & kFlagExtensions) {
        qsizetype used = 0;
        const auto extensions = decodeCborItem(data.sliced(pos), &used);
        if (!extensions || !extensions->isMap())
            return malformed(QStringLiteral("The authenticator extensions are malformed."));
        pos += used;
    }
    if (pos != data.size())
        return malformed(QStringLiteral("The authenticator data has trailing bytes."));
    // §6.1.3 (Level 3): a credential cannot be backed up unless it is backup eligible.
    if ((out.flags & kFlagBackedUp) && !(out.flags & kFlagBackupEligible))
        return malformed(QStringLiteral("The authenticator data flags are inconsistent."));
    return out;
}

Result<void> checkExpectation(const Expectation &expectation)
{
    if (expectation.challenge.size() < kMinChallengeSize || expectation.origin.isEmpty()
        || expectation.rpId.isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("The WebAuthn expectation is incomplete."));
    return {};
}

// §7.1 steps 5-10 and §7.2 steps 9-14. Attacker-supplied strings are never echoed in messages.
Result<void> checkClientData(const QByteArray &json, const QString &type,
                             const Expectation &expectation)
{
    if (json.size() > kMaxClientDataSize)
        return malformed(QStringLiteral("The client data is too large."));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return malformed(QStringLiteral("The client data is not a JSON object."));
    const QJsonObject clientData = document.object();
    const QJsonValue typeValue = clientData.value(QStringLiteral("type"));
    const QJsonValue challengeValue = clientData.value(QStringLiteral("challenge"));
    const QJsonValue originValue = clientData.value(QStringLiteral("origin"));
    const QJsonValue crossOrigin = clientData.value(QStringLiteral("crossOrigin"));
    if (!typeValue.isString() || !challengeValue.isString() || !originValue.isString()
        || !(crossOrigin.isUndefined() || crossOrigin.isBool()))
        return malformed(QStringLiteral("The client data lacks its type, challenge or origin."));

    if (typeValue.toString() != type) // step 7 / step 11
        return refused(type == QStringLiteral("webauthn.create")
                               ? QStringLiteral("The passkey response is not a registration "
                                                "(webauthn.create).")
                               : QStringLiteral("The passkey response is not an assertion "
                                                "(webauthn.get)."));
    const auto challenge = base64UrlDecode(challengeValue.toString()); // step 8 / step 12
    if (!challenge)
        return malformed(QStringLiteral("The client data challenge is not base64url."));
    if (!core::constantTimeEquals(*challenge, expectation.challenge))
        return refused(QStringLiteral("The passkey response answers a different challenge."));
    if (originValue.toString() != expectation.origin) // step 9 / step 13
        return refused(QStringLiteral("The passkey response comes from an unexpected origin."));
    // Not a spec step: TAP's approval page is never framed, so a cross-origin use is refused.
    if (crossOrigin.toBool())
        return refused(QStringLiteral("The passkey was used from a cross-origin frame."));
    // Step 10 / step 14 (tokenBinding) is deliberately ignored: browsers no longer send it.
    return {};
}

// §7.1 steps 13-15 and §7.2 steps 15-17.
Result<void> checkFlagsAndRpId(const AuthenticatorData &authData, const Expectation &expectation)
{
    if (!core::constantTimeEquals(authData.rpIdHash, sha256(expectation.rpId.toUtf8())))
        return refused(QStringLiteral("The passkey response is for a different relying party "
                                      "(rpId)."));
    if (!(authData.flags & kFlagUserPresent))
        return refused(QStringLiteral("The authenticator did not confirm user presence."));
    if (expectation.requireUserVerification && !(authData.flags & kFlagUserVerified))
        return refused(QStringLiteral("The authenticator did not verify the user (PIN or "
                                      "biometric), which is required."));
    return {};
}

struct AttestationObject
{
    QString format;
    QCborMap statement;
    QByteArray authData;
};

// §6.5.4: a CBOR map of exactly fmt (text), attStmt (map) and authData (bytes), and nothing after.
Result<AttestationObject> parseAttestationObject(const QByteArray &data)
{
    if (data.size() > kMaxAttestationObjectSize)
        return malformed(QStringLiteral("The attestation object is too large."));
    qsizetype used = 0;
    const auto value = decodeCborItem(data, &used);
    if (!value || used != data.size() || !value->isMap())
        return malformed(QStringLiteral("The attestation object is not a single CBOR map."));
    const QCborMap map = value->toMap();
    const QCborValue format = map.value(QStringLiteral("fmt"));
    const QCborValue statement = map.value(QStringLiteral("attStmt"));
    const QCborValue authData = map.value(QStringLiteral("authData"));
    // Three entries with three distinct names present: no duplicates and nothing else.
    if (map.size() != 3 || !format.isString() || !statement.isMap() || !authData.isByteArray())
        return malformed(QStringLiteral("The attestation object does not hold exactly fmt, "
                                        "attStmt and authData."));
    return AttestationObject{ format.toString(), statement.toMap(), authData.toByteArray() };
}

// §7.1 steps 18-21, for the formats TAP accepts: "none" (§8.7) and "packed" self attestation
// (§8.2, no x5c), where the credential key signs authData ‖ clientDataHash.
Result<void> checkAttestationStatement(const AttestationObject &attestation, const CoseKey &key,
                                       const QByteArray &clientDataHash)
{
    const QCborMap &statement = attestation.statement;
    if (attestation.format == QStringLiteral("none")) {
        if (!statement.isEmpty())
            return malformed(QStringLiteral("A \"none\" attestation must have an empty "
                                            "statement."));
        return {};
    }
    if (attestation.format != QStringLiteral("packed"))
        return malformed(QStringLiteral("The passkey attestation format is not supported; "
                                        "request attestation \"none\"."));
    if (statement.contains(QStringLiteral("x5c"))
        || statement.contains(QStringLiteral("ecdaaKeyId")))
        return malformed(QStringLiteral("Packed attestation with a certificate is not "
                                        "supported; request attestation \"none\"."));
    const QCborValue alg = statement.value(QStringLiteral("alg"));
    const QCborValue sig = statement.value(QStringLiteral("sig"));
    if (statement.size() != 2 || !alg.isInteger() || !sig.isByteArray())
        return malformed(QStringLiteral("The packed attestation statement is malformed."));
    if (alg.toInteger() != key.algorithm)
        return malformed(QStringLiteral("The packed self attestation does not use the "
                                        "credential's algorithm."));
    if (!verifySignature(key.algorithm, key.spki, QByteArray(attestation.authData + clientDataHash),
                         sig.toByteArray()))
        return refused(QStringLiteral("The packed self attestation signature does not verify."));
    return {};
}

} // namespace

Result<RegisteredCredential> verifyRegistration(const QByteArray &clientDataJSON,
                                                const QByteArray &attestationObject,
                                                const Expectation &expectation,
                                                const QList<int> &allowedAlgorithms)
{
    if (auto ok = checkExpectation(expectation); !ok)
        return ok.error();
    if (auto ok = checkClientData(clientDataJSON, QStringLiteral("webauthn.create"), expectation);
        !ok)
        return ok.error();
    const QByteArray clientDataHash = sha256(clientDataJSON); // step 11
    const auto attestation = parseAttestationObject(attestationObject); // step 12
    if (!attestation)
        return attestation.error();
    const auto authData = parseAuthenticatorData(attestation->authData);
    if (!authData)
        return authData.error();
    if (auto ok = checkFlagsAndRpId(*authData, expectation); !ok)
        return ok.error();
    if (!(authData->flags & kFlagAttestedData))
        return malformed(QStringLiteral("The registration carries no credential (AT flag not "
                                        "set)."));
    const auto key = coseKeyToSpki(authData->credentialPublicKey); // step 16
    if (!key)
        return key.error();
    if (!allowedAlgorithms.contains(key->algorithm))
        return malformed(QStringLiteral("The passkey algorithm is not allowed."));
    // Step 17 (extensions) needs nothing: TAP requests none.
    if (auto ok = checkAttestationStatement(*attestation, *key, clientDataHash); !ok)
        return ok.error();

    RegisteredCredential credential;
    credential.credentialId = authData->credentialId;
    credential.publicKeySpki = key->spki;
    credential.algorithm = key->algorithm;
    credential.signCount = authData->signCount;
    credential.userVerified = (authData->flags & kFlagUserVerified) != 0;
    credential.backupEligible = (authData->flags & kFlagBackupEligible) != 0;
    return credential;
}

Result<quint32> verifyAssertion(const QByteArray &clientDataJSON,
                                const QByteArray &authenticatorData, const QByteArray &signature,
                                const QByteArray &publicKeySpki, int algorithm,
                                quint32 storedSignCount, const Expectation &expectation)
{
    if (auto ok = checkExpectation(expectation); !ok)
        return ok.error();
    if (!isSupportedAlgorithm(algorithm))
        return malformed(QStringLiteral("The passkey uses an unsupported algorithm."));
    if (auto ok = checkClientData(clientDataJSON, QStringLiteral("webauthn.get"), expectation); !ok)
        return ok.error();
    const auto authData = parseAuthenticatorData(authenticatorData);
    if (!authData)
        return authData.error();
    if (auto ok = checkFlagsAndRpId(*authData, expectation); !ok)
        return ok.error();
    // Steps 19-20: the signature covers authenticatorData ‖ SHA-256(clientDataJSON).
    if (auto ok =
                verifySignature(algorithm, publicKeySpki,
                                QByteArray(authenticatorData + sha256(clientDataJSON)), signature);
        !ok)
        return ok.error();
    // Step 21: a counter that does not move forward means two copies of the key exist. Zero on
    // both sides means the authenticator keeps no counter (synced passkeys).
    if ((authData->signCount != 0 || storedSignCount != 0)
        && authData->signCount <= storedSignCount)
        return refused(QStringLiteral("Passkey sign counter regression (possible cloned "
                                      "authenticator)."));
    return authData->signCount;
}

QByteArray base64UrlEncode(const QByteArray &data)
{
    return core::base64UrlEncode(data);
}

std::optional<QByteArray> base64UrlDecode(const QString &text)
{
    return core::base64UrlDecode(text);
}

} // namespace tap::crypto::webauthn
