#pragma once

#include "api/enums.h"
#include "core/result.h"

#include <QJsonObject>

namespace tap::api {

// Accounts and sessions (README "Accounts"): the bodies of POST /signup, /verify-email,
// /resend-verification, /login and /logout and their answers. decode() checks the body's keys
// and each field in the order tapd has always checked them (the first problem is answered);
// addresses come out trimmed and lower-cased. Passwords are plain QStrings here: they are hashed
// (and the copy dropped) by the service at once, and never encoded by tapd.

// An address as accounts are keyed by it: trimmed, lower-cased.
QString normalizedEmail(const QString &email);

// POST /signup: a new team and its owner, or (with invite_token) an account joining the
// inviting team; team_name is required without an invitation.
struct SignupInput
{
    QString teamName;
    QString email;
    QString password;
    QString inviteToken;

    static core::Result<SignupInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// The answer of a sign-up (201). teamName is empty (and not encoded) for an invited sign-up,
// whose address counts as verified.
struct SignedUp
{
    QString teamId;
    QString teamName;
    QString adminId;
    QString email;
    bool emailVerified = false;
    QString message;

    QJsonObject encode() const;
    static SignedUp decode(const QJsonObject &object);
};

// POST /verify-email: the address and the 6-digit code mailed to it.
struct VerifyEmailInput
{
    QString email;
    QString code;

    static core::Result<VerifyEmailInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// POST /resend-verification.
struct ResendVerificationInput
{
    QString email;

    static core::Result<ResendVerificationInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// An answer that only says something: {"message": …}, with "email_verified": true after
// /verify-email.
struct Notice
{
    QString message;
    bool emailVerified = false; // encoded only when true

    QJsonObject encode() const;
    static Notice decode(const QJsonObject &object);
};

// POST /login: team_id picks one of the member's teams (default: the first); invite_token
// accepts an invitation on the way in.
struct LoginInput
{
    QString email;
    QString password;
    QString teamId;
    QString inviteToken;

    static core::Result<LoginInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// The answer of a log-in: the session token (a secret: shown once, kept by the client) for
// the team, the member's role in it and when the session ends.
struct Session
{
    QString sessionToken;
    QString adminId;
    QString teamId;
    MemberRole role = MemberRole::Approver;
    QString expiresAt;

    QJsonObject encode() const;
    static Session decode(const QJsonObject &object); // lenient; an unknown role reads as approver
};

// The answer of POST /logout: {"status": "logged_out"}.
struct LoggedOut
{
    QJsonObject encode() const;
};

} // namespace tap::api
