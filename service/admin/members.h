#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "api/deleted.h"
#include "api/member.h"
#include "core/result.h"

namespace tap::admin {

// Team info and membership: list, invite by email with a role, change role, remove.
// Only owners grant or take away the owner role, and a team always keeps one owner.
class MemberService
{
public:
    static constexpr qint64 kInviteLifetimeMs = 7LL * 24 * 3600 * 1000;

    explicit MemberService(Context &context) : m_ctx(context) { }

    core::Result<api::Team> team(const Actor &actor);
    core::Result<api::MemberList> list(const Actor &actor);
    core::Result<api::Invited> invite(const Actor &actor, const api::InviteInput &in);
    core::Result<api::MemberRoleChanged> update(const Actor &actor, const QString &userId,
                                                const api::MemberRoleInput &in);
    core::Result<api::Deleted> remove(const Actor &actor, const QString &userId);

private:
    Context &m_ctx;
};

} // namespace tap::admin
