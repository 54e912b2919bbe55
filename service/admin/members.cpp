#include "admin/members.h"

#include "api/keys.h"
#include "channels/mailer.h"
#include "crypto/keyring.h"
#include "crypto/tokens.h"

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// A role as the store holds it; anything unknown counts as approver (least privilege).
api::MemberRole storedRole(const QString &text)
{
    return api::parseMemberRole(text).value_or(api::MemberRole::Approver);
}

Error noSuchMember()
{
    return Error(ErrorCode::NotFound, QStringLiteral("No such member in this team."));
}

// Refuses to leave `teamId` without an owner (the caller takes one away).
Result<void> keepsAnOwner(Context &ctx, const QString &teamId)
{
    auto owners = ctx.accounts.ownerCount(teamId);
    if (!owners)
        return owners.error();
    if (owners.value() <= 1)
        return Error(
                ErrorCode::Conflict,
                QStringLiteral("A team needs at least one owner; make someone else owner first."));
    return {};
}

} // namespace

Result<api::Team> MemberService::team(const Actor &actor)
{
    auto t = m_ctx.accounts.team(actor.teamId);
    if (!t)
        return t.error();
    if (!t.value())
        return Error(ErrorCode::NotFound, QStringLiteral("No such team."));
    return api::Team{ t.value()->id, t.value()->name, core::toRfc3339(t.value()->createdAt),
                      actor.memberRole() };
}

Result<api::MemberList> MemberService::list(const Actor &actor)
{
    auto members = m_ctx.accounts.members(actor.teamId);
    if (!members)
        return members.error();
    api::MemberList out;
    for (const store::MemberRow &m : members.value())
        out.members << api::Member{ m.userId, m.email, storedRole(m.role), m.emailVerified,
                                    core::toRfc3339(m.createdAt) };
    auto invites = m_ctx.accounts.pendingInvites(actor.teamId, m_ctx.clock.nowMs());
    if (!invites)
        return invites.error();
    for (const store::InviteRow &i : invites.value())
        out.pendingInvites << api::PendingInvite{ i.id, i.email, storedRole(i.role),
                                                  core::toRfc3339(i.expiresAt) };
    return out;
}

Result<api::Invited> MemberService::invite(const Actor &actor, const api::InviteInput &in)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    const QString &address = in.email;
    const QString roleName = api::memberRoleName(in.role);
    if (in.role == api::MemberRole::Owner && !actor.isOwner())
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
                             roleName,
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
                                  .arg(actor.email, teamName, roleName, token,
                                       m_ctx.publicUrl.toString(QUrl::StripTrailingSlash), address);
    if (auto r = m_ctx.mailer.send(
                { address, QStringLiteral("Invitation to the TAP team %1").arg(teamName), body_ });
        !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("member.invite"), address,
                       { { api::key::kRole, roleName } });
    return api::Invited{ invite.id, address, in.role, core::toRfc3339(invite.expiresAt) };
}

Result<api::MemberRoleChanged> MemberService::update(const Actor &actor, const QString &userId,
                                                     const api::MemberRoleInput &in)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    const api::MemberRole role = in.role;
    auto member = m_ctx.accounts.member(actor.teamId, userId);
    if (!member)
        return member.error();
    if (!member.value())
        return noSuchMember();
    const QString previous = member.value()->role;
    const bool wasOwner = storedRole(previous) == api::MemberRole::Owner;
    if ((wasOwner || role == api::MemberRole::Owner) && !actor.isOwner())
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("Only owners can grant or take away the owner role."));
    if (wasOwner && role != api::MemberRole::Owner) {
        if (auto r = keepsAnOwner(m_ctx, actor.teamId); !r)
            return r.error();
    }
    const QString roleName = api::memberRoleName(role);
    if (auto r = m_ctx.accounts.setMemberRole(actor.teamId, userId, roleName); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("member.update"), member.value()->email,
            { { QStringLiteral("from"), previous }, { QStringLiteral("to"), roleName } });
    return api::MemberRoleChanged{ userId, member.value()->email, role };
}

Result<api::Deleted> MemberService::remove(const Actor &actor, const QString &userId)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto member = m_ctx.accounts.member(actor.teamId, userId);
    if (!member)
        return member.error();
    if (!member.value())
        return noSuchMember();
    if (storedRole(member.value()->role) == api::MemberRole::Owner) {
        if (!actor.isOwner())
            return Error(ErrorCode::Forbidden, QStringLiteral("Only owners can remove an owner."));
        if (auto r = keepsAnOwner(m_ctx, actor.teamId); !r)
            return r.error();
    }
    if (auto r = m_ctx.accounts.removeMember(actor.teamId, userId); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("member.remove"), member.value()->email);
    return api::Deleted{ api::key::kId, userId, {}, QStringLiteral("removed") };
}

} // namespace tap::admin
