#include "api/passkey.h"

#include "api/keys.h"
#include "api/validation.h"
#include "core/base64url.h"

#include <QJsonArray>

namespace tap::api {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

const QString kRpName = QStringLiteral("TAP");
const QString kNone = QStringLiteral("none");
const QString kRequired = QStringLiteral("required");

// A required base64url field, decoded.
Result<QByteArray> bytesField(const QJsonObject &body, const QString &key)
{
    const QJsonValue v = body.value(key);
    if (!v.isString() || v.toString().isEmpty())
        return Error(ErrorCode::InvalidRequest, QStringLiteral("%1 is required.").arg(key));
    auto decoded = core::base64UrlDecode(v.toString());
    if (!decoded)
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("%1 must be base64url without padding.").arg(key));
    return decoded.value();
}

QString encoded(const QByteArray &bytes)
{
    return QString::fromLatin1(core::base64UrlEncode(bytes));
}

// Lenient: an absent or malformed value reads as empty.
QByteArray decoded(const QJsonValue &value)
{
    return core::base64UrlDecode(value.toString()).value_or(QByteArray());
}

QJsonArray stringArray(const QStringList &list)
{
    QJsonArray out;
    for (const QString &s : list)
        out.append(s);
    return out;
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        out << v.toString();
    return out;
}

QJsonValue nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

} // namespace

QString reauthMethodName(ReauthMethod method)
{
    switch (method) {
    case ReauthMethod::Password:
        return QStringLiteral("password");
    case ReauthMethod::Passkey:
        return QStringLiteral("passkey");
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<ReauthMethod> parseReauthMethod(const QString &text)
{
    for (const ReauthMethod m : { ReauthMethod::Password, ReauthMethod::Passkey }) {
        if (text == reauthMethodName(m))
            return m;
    }
    return std::nullopt;
}

Result<RegistrationBeginInput> RegistrationBeginInput::decode(const QJsonObject &body)
{
    if (auto r = JsonFields(body).onlyKnown({ key::kName }); !r)
        return r.error();
    return RegistrationBeginInput{ body.value(key::kName).toString() };
}

QJsonObject RegistrationBeginInput::encode() const
{
    return name.isEmpty() ? QJsonObject() : QJsonObject{ { key::kName, name } };
}

QJsonObject RegistrationOptions::encode() const
{
    QJsonArray params;
    for (const int algorithm : algorithms)
        params.append(algorithm);
    return { { key::kChallengeId, challengeId },
             { key::kChallenge, encoded(challenge) },
             { key::kRp, QJsonObject{ { key::kId, rpId }, { key::kName, kRpName } } },
             { key::kUser,
               QJsonObject{ { key::kId, encoded(userHandle) },
                            { key::kName, userName },
                            { key::kDisplayName, userName } } },
             { key::kPubKeyCredParams, params },
             { key::kTimeoutMs, timeoutMs },
             { key::kAttestation, kNone },
             { key::kUserVerification, kRequired },
             { key::kExcludeCredentials, stringArray(excludeCredentials) } };
}

RegistrationOptions RegistrationOptions::decode(const QJsonObject &o)
{
    RegistrationOptions out;
    out.challengeId = o.value(key::kChallengeId).toString();
    out.challenge = decoded(o.value(key::kChallenge));
    out.rpId = o.value(key::kRp).toObject().value(key::kId).toString();
    const QJsonObject user = o.value(key::kUser).toObject();
    out.userHandle = decoded(user.value(key::kId));
    out.userName = user.value(key::kName).toString();
    const QJsonArray params = o.value(key::kPubKeyCredParams).toArray();
    for (const QJsonValue &v : params)
        out.algorithms << v.toInt();
    out.timeoutMs = o.value(key::kTimeoutMs).toInt();
    out.excludeCredentials = strings(o.value(key::kExcludeCredentials));
    return out;
}

Result<RegistrationInput> RegistrationInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown(
                { key::kChallengeId, key::kName, key::kClientDataJson, key::kAttestationObject });
        !r)
        return r.error();
    auto challengeId = f.string(key::kChallengeId, true);
    if (!challengeId)
        return challengeId.error();
    auto name = f.string(key::kName, false, QStringLiteral("Passkey"));
    if (!name)
        return name.error();
    if (name->trimmed().isEmpty() || name->size() > 64)
        return Error(ErrorCode::InvalidRequest, QStringLiteral("name must be 1 to 64 characters."));
    auto clientData = bytesField(body, key::kClientDataJson);
    if (!clientData)
        return clientData.error();
    auto attestation = bytesField(body, key::kAttestationObject);
    if (!attestation)
        return attestation.error();
    return RegistrationInput{ *challengeId, name->trimmed(), *clientData, *attestation };
}

QJsonObject RegistrationInput::encode() const
{
    return { { key::kChallengeId, challengeId },
             { key::kName, name },
             { key::kClientDataJson, encoded(clientDataJson) },
             { key::kAttestationObject, encoded(attestationObject) } };
}

QJsonObject Passkey::encode() const
{
    return { { key::kId, id },
             { key::kName, name },
             { key::kAlgorithm, algorithm },
             { key::kCreatedAt, createdAt },
             { key::kLastUsedAt, nullIfEmpty(lastUsedAt) } };
}

Passkey Passkey::decode(const QJsonObject &o)
{
    return { o.value(key::kId).toString(), o.value(key::kName).toString(),
             o.value(key::kAlgorithm).toInt(), o.value(key::kCreatedAt).toString(),
             o.value(key::kLastUsedAt).toString() };
}

QJsonObject ReauthState::encode() const
{
    return { { key::kWith, reauthMethodName(with) },
             { key::kFreshUntil, nullIfEmpty(freshUntil) } };
}

ReauthState ReauthState::decode(const QJsonObject &o)
{
    return { parseReauthMethod(o.value(key::kWith).toString()).value_or(ReauthMethod::Password),
             o.value(key::kFreshUntil).toString() };
}

QJsonObject PasskeyList::encode() const
{
    QJsonArray list;
    for (const Passkey &p : items)
        list.append(p.encode());
    return { { key::kItems, list },
             { key::kRpId, rpId },
             { key::kOrigin, origin },
             { key::kReauth, reauth.encode() } };
}

PasskeyList PasskeyList::decode(const QJsonObject &o)
{
    PasskeyList out;
    const QJsonArray list = o.value(key::kItems).toArray();
    for (const QJsonValue &v : list)
        out.items << Passkey::decode(v.toObject());
    out.rpId = o.value(key::kRpId).toString();
    out.origin = o.value(key::kOrigin).toString();
    out.reauth = ReauthState::decode(o.value(key::kReauth).toObject());
    return out;
}

QJsonObject AssertionOptions::encode() const
{
    return { { key::kChallengeId, challengeId },
             { key::kChallenge, encoded(challenge) },
             { key::kRpId, rpId },
             { key::kTimeoutMs, timeoutMs },
             { key::kUserVerification, kRequired },
             { key::kAllowCredentials, stringArray(allowCredentials) } };
}

AssertionOptions AssertionOptions::decode(const QJsonObject &o)
{
    return { o.value(key::kChallengeId).toString(), decoded(o.value(key::kChallenge)),
             o.value(key::kRpId).toString(), o.value(key::kTimeoutMs).toInt(),
             strings(o.value(key::kAllowCredentials)) };
}

Result<AssertionInput> AssertionInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kChallengeId, key::kCredentialId, key::kClientDataJson,
                               key::kAuthenticatorData, key::kSignature, key::kUserHandle });
        !r)
        return r.error();
    auto challengeId = f.string(key::kChallengeId, true);
    if (!challengeId)
        return challengeId.error();
    auto credentialId = f.string(key::kCredentialId, true);
    if (!credentialId)
        return credentialId.error();
    auto clientData = bytesField(body, key::kClientDataJson);
    if (!clientData)
        return clientData.error();
    auto authData = bytesField(body, key::kAuthenticatorData);
    if (!authData)
        return authData.error();
    auto signature = bytesField(body, key::kSignature);
    if (!signature)
        return signature.error();
    return AssertionInput{ *challengeId, *credentialId, *clientData,
                           *authData,    *signature,    body.value(key::kUserHandle).toString() };
}

QJsonObject AssertionInput::encode() const
{
    QJsonObject o{ { key::kChallengeId, challengeId },
                   { key::kCredentialId, credentialId },
                   { key::kClientDataJson, encoded(clientDataJson) },
                   { key::kAuthenticatorData, encoded(authenticatorData) },
                   { key::kSignature, encoded(signature) } };
    if (!userHandle.isEmpty())
        o.insert(key::kUserHandle, userHandle);
    return o;
}

Result<ReauthPasswordInput> ReauthPasswordInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kPassword }); !r)
        return r.error();
    auto password = f.string(key::kPassword, true);
    if (!password)
        return password.error();
    if (password->isEmpty())
        return Error(ErrorCode::InvalidRequest, QStringLiteral("password is required."));
    return ReauthPasswordInput{ *password };
}

QJsonObject ReauthPasswordInput::encode() const
{
    return { { key::kPassword, password } };
}

QJsonObject Reauthenticated::encode() const
{
    return { { key::kMethod, reauthMethodName(method) }, { key::kFreshUntil, freshUntil } };
}

Reauthenticated Reauthenticated::decode(const QJsonObject &o)
{
    return { parseReauthMethod(o.value(key::kMethod).toString()).value_or(ReauthMethod::Password),
             o.value(key::kFreshUntil).toString() };
}

} // namespace tap::api
