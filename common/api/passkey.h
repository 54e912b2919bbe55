#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <optional>

namespace tap::api {

// Passkeys and the re-authentication of a session (README "Human approval", "Hardening"): the
// bodies of /admin/passkeys…, /admin/reauth… and /approve/<id>/passkey/… and their answers.
// Binary WebAuthn values travel as unpadded base64url strings (core/base64url.h); decode()
// turns them into bytes and refuses anything else, checking fields in the order tapd has always
// checked them (the first problem is answered).

// What a session confirms its member with: the password (members without a passkey) or an
// assertion of one of their passkeys.
enum class ReauthMethod { Password, Passkey };
QString reauthMethodName(ReauthMethod method); // "password" | "passkey"
std::optional<ReauthMethod> parseReauthMethod(const QString &text);

// POST /admin/passkeys/register/begin: {"name"} may be sent (the name is given again at the
// finish); nothing else.
struct RegistrationBeginInput
{
    QString name;

    static core::Result<RegistrationBeginInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// The answer of register/begin: the WebAuthn creation options (navigator.credentials.create).
struct RegistrationOptions
{
    QString challengeId;
    QByteArray challenge;
    QString rpId;
    QByteArray userHandle; // the member's id, as the authenticator stores it
    QString userName; // the member's address (also the display name)
    QList<int> algorithms; // COSE algorithm ids, preferred first
    int timeoutMs = 0;
    QStringList excludeCredentials; // ids of the member's passkeys

    QJsonObject encode() const;
    static RegistrationOptions decode(const QJsonObject &object); // lenient
};

// POST /admin/passkeys/register/finish: the authenticator's answer to the challenge and the
// passkey's name (trimmed; 1–64 characters, default "Passkey").
struct RegistrationInput
{
    QString challengeId;
    QString name = QStringLiteral("Passkey");
    QByteArray clientDataJson;
    QByteArray attestationObject;

    static core::Result<RegistrationInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// One of the member's passkeys (GET /admin/passkeys, and the answer of register/finish).
// lastUsedAt is empty (encoded as null) for a passkey never used.
struct Passkey
{
    QString id;
    QString name;
    int algorithm = 0;
    QString createdAt;
    QString lastUsedAt;

    QJsonObject encode() const;
    static Passkey decode(const QJsonObject &object);
    bool operator==(const Passkey &) const = default;
};

// Whether the session may add or remove passkeys now: what it must confirm with, and until
// when its last confirmation counts (empty, encoded as null: it must confirm first).
struct ReauthState
{
    ReauthMethod with = ReauthMethod::Password;
    QString freshUntil;

    QJsonObject encode() const;
    static ReauthState decode(const QJsonObject &object); // lenient; unknown reads as password
};

// GET /admin/passkeys.
struct PasskeyList
{
    QList<Passkey> items;
    QString rpId;
    QString origin;
    ReauthState reauth;

    QJsonObject encode() const;
    static PasskeyList decode(const QJsonObject &object);
};

// The answer of an assertion's begin (approval or re-authentication): the WebAuthn request
// options (navigator.credentials.get).
struct AssertionOptions
{
    QString challengeId;
    QByteArray challenge;
    QString rpId;
    int timeoutMs = 0;
    QStringList allowCredentials;

    QJsonObject encode() const;
    static AssertionOptions decode(const QJsonObject &object); // lenient
};

// The finish of an assertion: the authenticator's signature over the challenge. user_handle
// may be sent and is not used.
struct AssertionInput
{
    QString challengeId;
    QString credentialId;
    QByteArray clientDataJson;
    QByteArray authenticatorData;
    QByteArray signature;
    QString userHandle;

    static core::Result<AssertionInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// POST /admin/reauth: the member's password (required, not empty).
struct ReauthPasswordInput
{
    QString password;

    static core::Result<ReauthPasswordInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// The answer of a re-authentication: how, and until when it counts.
struct Reauthenticated
{
    ReauthMethod method = ReauthMethod::Password;
    QString freshUntil;

    QJsonObject encode() const;
    static Reauthenticated decode(const QJsonObject &object);
};

} // namespace tap::api
