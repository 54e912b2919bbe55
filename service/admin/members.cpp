#include "admin/members.h"

#include "api/validation.h"
#include "channels/mailer.h"
#include "crypto/keyring.h"
#include "crypto/tokens.h"

#include <QJsonArray>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

Error noSuchMember()
{
    return Error(ErrorCode::NotFound, QStringLiteral("No such member in this team."));
}

} // namespace

Outcome MemberService::team(const Actor &actor)
{
    auto t = m_ctx.accounts.team(actor.teamId);
    if (!t)
        return t.error();
    if (!t.value())
        return Error(ErrorCode::NotFound, QStringLiteral("No such team."));
    return ok({ { QStringLiteral("id"), t.value()->id },
                { QStringLiteral("name"), t.value()->name },
                { QStringLiteral("created_at"), core::toRfc3339(t.value()->createdAt) },
                { QStringLiteral("your_role"), actor.role } });
}

Outcome MemberService::list(const Actor &actor)
{
    auto members = m_ctx.accounts.members(actor.teamId);
    if (!members)
        return members.error();
    QJsonArray out;
    for (const store::MemberRow &m : members.value())
        out.append(QJsonObject{ { QStringLiteral("id"), m.userId },
                                { QStringLiteral("email"), m.email },
                                { QStringLiteral("role"), m.role },
                                { QStringLiteral("email_verified"), m.emailVerified },
                                { QStringLiteral("joined_at"), core::toRfc3339(m.createdAt) } });
    auto invites = m_ctx.accounts.pendingInvites(actor.teamId, m_ctx.clock.nowMs());
    if (!invites)
        return invites.error();
    QJsonArray pending;
    for (const store::InviteRow &i : invites.value())
        pending.append(
                QJsonObject{ { QStringLiteral("id"), i.id },
                             { QStringLiteral("email"), i.email },
                             { QStringLiteral("role"), i.role },
                             { QStringLiteral("expires_at"), core::toRfc3339(i.expiresAt) } });
    return ok(
            { { QStringLiteral("members"), out }, { QStringLiteral("pending_invites"), pending } });
}

Outcome MemberService::invite(const Actor &actor, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("email"), QStringLiteral("role") }); !r)
        return r.error();
    auto email = f.string(QStringLiteral("email"), true);
    if (!email)
        return email.error();
    const QString address = email->trimmed().toLower();
    if (auto r = api::checkEmail(address); !r)
        return r.error();
    auto roleText = f.string(QStringLiteral("role"), false, QStringLiteral("approver"));
    if (!roleText)
        return roleText.error();
    auto role = api::checkMemberRole(*roleText);
    if (!role)
        return role.error();
    if (role.value() == u"owner" && !actor.isOwner())
        return Error(ErrorCode::Forbidden, QStringLiteral("Only owners can invite owners."));
    auto members = m_ctx.accounts.members(actor.teamId);
    if (!members)
        return members.error();
    for (const store::MemberRow &m : members.value()) {
        if (m.email == address)
            return Error(ErrorCode::Conflict,
                         QStringLiteral("%1 is already a member of this team.").arg(address));
    }
    const qint64 now = m_ctx.clock.nowMs();
    const QString token = crypto::newToken(crypto::TokenKind::Invite, m_ctx.random);
    store::InviteRow invite{ m_ctx.random.uuid(),
                             actor.teamId,
                             address,
                             role.value(),
                             m_ctx.keys.tokenHash(token.toUtf8()),
                             actor.userId,
                             now + kInviteLifetimeMs,
                             0,
                             now };
    if (auto r = m_ctx.accounts.createInvite(invite); !r)
        return r.error();
    auto team = m_ctx.accounts.team(actor.teamId);
    const QString teamName = team && team.value() ? team.value()->name : actor.teamId;
    const QString body_ = QStringLiteral("%1 invited you to the TAP team \"%2\" as %3.\n\n"
                                         "Your invitation token: %4\n\n"
                                         "If you have no TAP account yet, sign up with it:\n"
                                         "  POST %5/signup {\"email\": \"%6\", \"password\": "
                                         "\"...\", \"invite_token\": \"%4\"}\n"
                                         "If you already have one, log in with it:\n"
                                         "  POST %5/login {\"email\": \"%6\", \"password\": "
                                         "\"...\", \"invite_token\": \"%4\"}\n\n"
                                         "The invitation expires in 7 days.\n")
                                  .arg(actor.email, teamName, role.value(), token,
                                       m_ctx.publicUrl.toString(QUrl::StripTrailingSlash), address);
    if (auto r = m_ctx.mailer.send(
                { address, QStringLiteral("Invitation to the TAP team %1").arg(teamName), body_ });
        !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("member.invite"), address,
                       { { QStringLiteral("role"), role.value() } });
    return ok({ { QStringLiteral("invite_id"), invite.id },
                { QStringLiteral("email"), address },
                { QStringLiteral("role"), role.value() },
                { QStringLiteral("expires_at"), core::toRfc3339(invite.expiresAt) },
                { QStringLiteral("message"),
                  QStringLiteral("Invitation sent to %1.").arg(address) } },
              201);
}

Outcome MemberService::update(const Actor &actor, const QString &userId, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("role") }); !r)
        return r.error();
    auto roleText = f.string(QStringLiteral("role"), true);
    if (!roleText)
        return roleText.error();
    auto role = api::checkMemberRole(*roleText);
    if (!role)
        return role.error();
    auto member = m_ctx.accounts.member(actor.teamId, userId);
    if (!member)
        return member.error();
    if (!member.value())
        return noSuchMember();
    const QString previous = member.value()->role;
    if ((previous == u"owner" || role.value() == u"owner") && !actor.isOwner())
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("Only owners can grant or take away the owner role."));
    if (previous == u"owner" && role.value() != u"owner") {
        auto owners = m_ctx.accounts.ownerCount(actor.teamId);
        if (!owners)
            return owners.error();
        if (owners.value() <= 1)
            return Error(
                    ErrorCode::Conflict,
                    QStringLiteral(
                            "A team needs at least one owner; make someone else owner first."));
    }
    if (auto r = m_ctx.accounts.setMemberRole(actor.teamId, userId, role.value()); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("member.update"), member.value()->email,
            { { QStringLiteral("from"), previous }, { QStringLiteral("to"), role.value() } });
    return ok({ { QStringLiteral("id"), userId },
                { QStringLiteral("email"), member.value()->email },
                { QStringLiteral("role"), role.value() } });
}

Outcome MemberService::remove(const Actor &actor, const QString &userId)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto member = m_ctx.accounts.member(actor.teamId, userId);
    if (!member)
        return member.error();
    if (!member.value())
        return noSuchMember();
    if (member.value()->role == u"owner") {
        if (!actor.isOwner())
            return Error(ErrorCode::Forbidden, QStringLiteral("Only owners can remove an owner."));
        auto owners = m_ctx.accounts.ownerCount(actor.teamId);
        if (!owners)
            return owners.error();
        if (owners.value() <= 1)
            return Error(
                    ErrorCode::Conflict,
                    QStringLiteral(
                            "A team needs at least one owner; make someone else owner first."));
    }
    if (auto r = m_ctx.accounts.removeMember(actor.teamId, userId); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("member.remove"), member.value()->email);
    return ok({ { QStringLiteral("status"), QStringLiteral("removed") },
                { QStringLiteral("id"), userId } });
}

} // namespace tap::admin
