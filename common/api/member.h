#pragma once

#include "api/enums.h"
#include "core/result.h"

#include <QJsonObject>
#include <QList>

namespace tap::api {

// GET /admin/team: the team and the caller's role in it.
struct Team
{
    QString id;
    QString name;
    QString createdAt;
    MemberRole yourRole = MemberRole::Approver;

    QJsonObject encode() const;
    static Team decode(const QJsonObject &object); // lenient; an unknown role reads as approver
};

struct Member
{
    QString id;
    QString email;
    MemberRole role = MemberRole::Approver;
    bool emailVerified = false;
    QString joinedAt;

    QJsonObject encode() const;
    static Member decode(const QJsonObject &object);
    bool operator==(const Member &) const = default;
};

struct PendingInvite
{
    QString id;
    QString email;
    MemberRole role = MemberRole::Approver;
    QString expiresAt;

    QJsonObject encode() const;
    static PendingInvite decode(const QJsonObject &object);
    bool operator==(const PendingInvite &) const = default;
};

// GET /admin/members.
struct MemberList
{
    QList<Member> members;
    QList<PendingInvite> pendingInvites;
    QJsonObject encode() const; // {"members": [...], "pending_invites": [...]}
    static MemberList decode(const QJsonObject &object);
};

// POST /admin/members/invite: an email address (trimmed, lower-cased) and a role (default
// approver).
struct InviteInput
{
    QString email;
    MemberRole role = MemberRole::Approver;

    static core::Result<InviteInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// The answer of an invitation.
struct Invited
{
    QString inviteId;
    QString email;
    MemberRole role = MemberRole::Approver;
    QString expiresAt;
    QJsonObject encode() const; // with a "message" naming the address
    static Invited decode(const QJsonObject &object);
};

// PATCH /admin/members/{id}: the new role (required). The answer is {"id", "email", "role"}.
struct MemberRoleInput
{
    MemberRole role = MemberRole::Approver;
    static core::Result<MemberRoleInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

struct MemberRoleChanged
{
    QString id;
    QString email;
    MemberRole role = MemberRole::Approver;
    QJsonObject encode() const;
    static MemberRoleChanged decode(const QJsonObject &object);
};

// The answer of POST /admin/members/{id}/chat-link: a one-time code that links the member's
// Telegram or Matrix account, when it expires, and what to send ("telegram" is the bot command
// "/start <code>", derived from the code).
struct ChatLinkCode
{
    QString code;
    QString expiresAt;
    QString message;

    // The sentence telling the member where to send `code` within `minutes`.
    static QString instructions(const QString &code, qint64 minutes);
    QString telegramCommand() const { return QStringLiteral("/start ") + code; }
    QJsonObject encode() const;
    static ChatLinkCode decode(const QJsonObject &object);
};

} // namespace tap::api
