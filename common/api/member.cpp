#include "api/member.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QJsonArray>

namespace tap::api {

using core::Result;

namespace {

MemberRole roleOf(const QJsonObject &o)
{
    return parseMemberRole(o.value(key::kRole).toString()).value_or(MemberRole::Approver);
}

Result<MemberRole> decodeRole(const JsonFields &f, bool required)
{
    auto text = tagged(f.string(key::kRole, required, QStringLiteral("approver")), key::kRole);
    if (!text)
        return text.error();
    const auto role = parseMemberRole(*text);
    if (!role)
        return invalidField(key::kRole,
                            QStringLiteral("role must be one of %1.")
                                    .arg(allNames<MemberRole>().join(QStringLiteral(", "))));
    return *role;
}

} // namespace

QJsonObject Team::encode() const
{
    return { { key::kId, id },
             { key::kName, name },
             { key::kCreatedAt, createdAt },
             { key::kYourRole, memberRoleName(yourRole) } };
}

Team Team::decode(const QJsonObject &o)
{
    return { o.value(key::kId).toString(), o.value(key::kName).toString(),
             o.value(key::kCreatedAt).toString(),
             parseMemberRole(o.value(key::kYourRole).toString()).value_or(MemberRole::Approver) };
}

QJsonObject Member::encode() const
{
    return { { key::kId, id },
             { key::kEmail, email },
             { key::kRole, memberRoleName(role) },
             { key::kEmailVerified, emailVerified },
             { key::kJoinedAt, joinedAt } };
}

Member Member::decode(const QJsonObject &o)
{
    return { o.value(key::kId).toString(), o.value(key::kEmail).toString(), roleOf(o),
             o.value(key::kEmailVerified).toBool(), o.value(key::kJoinedAt).toString() };
}

QJsonObject PendingInvite::encode() const
{
    return { { key::kId, id },
             { key::kEmail, email },
             { key::kRole, memberRoleName(role) },
             { key::kExpiresAt, expiresAt } };
}

PendingInvite PendingInvite::decode(const QJsonObject &o)
{
    return { o.value(key::kId).toString(), o.value(key::kEmail).toString(), roleOf(o),
             o.value(key::kExpiresAt).toString() };
}

QJsonObject MemberList::encode() const
{
    QJsonArray m, p;
    for (const Member &member : members)
        m.append(member.encode());
    for (const PendingInvite &invite : pendingInvites)
        p.append(invite.encode());
    return { { key::kMembers, m }, { key::kPendingInvites, p } };
}

MemberList MemberList::decode(const QJsonObject &o)
{
    MemberList out;
    const QJsonArray m = o.value(key::kMembers).toArray();
    for (const QJsonValue &v : m)
        out.members << Member::decode(v.toObject());
    const QJsonArray p = o.value(key::kPendingInvites).toArray();
    for (const QJsonValue &v : p)
        out.pendingInvites << PendingInvite::decode(v.toObject());
    return out;
}

Result<InviteInput> InviteInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kEmail, key::kRole }); !r)
        return r.error();
    auto email = tagged(f.string(key::kEmail, true), key::kEmail);
    if (!email)
        return email.error();
    const QString address = email->trimmed().toLower();
    if (auto r = tagged(checkEmail(address), key::kEmail); !r)
        return r.error();
    auto role = decodeRole(f, false);
    if (!role)
        return role.error();
    return InviteInput{ address, *role };
}

QJsonObject InviteInput::encode() const
{
    return { { key::kEmail, email }, { key::kRole, memberRoleName(role) } };
}

QJsonObject Invited::encode() const
{
    return { { key::kInviteId, inviteId },
             { key::kEmail, email },
             { key::kRole, memberRoleName(role) },
             { key::kExpiresAt, expiresAt },
             { key::kMessage, QStringLiteral("Invitation sent to %1.").arg(email) } };
}

Invited Invited::decode(const QJsonObject &o)
{
    return { o.value(key::kInviteId).toString(), o.value(key::kEmail).toString(), roleOf(o),
             o.value(key::kExpiresAt).toString() };
}

Result<MemberRoleInput> MemberRoleInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kRole }); !r)
        return r.error();
    auto role = decodeRole(f, true);
    if (!role)
        return role.error();
    return MemberRoleInput{ *role };
}

QJsonObject MemberRoleInput::encode() const
{
    return { { key::kRole, memberRoleName(role) } };
}

QJsonObject MemberRoleChanged::encode() const
{
    return { { key::kId, id }, { key::kEmail, email }, { key::kRole, memberRoleName(role) } };
}

MemberRoleChanged MemberRoleChanged::decode(const QJsonObject &o)
{
    return { o.value(key::kId).toString(), o.value(key::kEmail).toString(), roleOf(o) };
}

QString ChatLinkCode::instructions(const QString &code, qint64 minutes)
{
    return QStringLiteral("Send the TAP Telegram bot \"/start %1\", or send %1 to the TAP Matrix "
                          "bot in a direct message, within %2 minutes. The code works once.")
            .arg(code)
            .arg(minutes);
}

QJsonObject ChatLinkCode::encode() const
{
    return { { key::kCode, code },
             { key::kExpiresAt, expiresAt },
             { key::kTelegram, telegramCommand() },
             { key::kMessage, message } };
}

ChatLinkCode ChatLinkCode::decode(const QJsonObject &o)
{
    return { o.value(key::kCode).toString(), o.value(key::kExpiresAt).toString(),
             o.value(key::kMessage).toString() };
}

} // namespace tap::api
