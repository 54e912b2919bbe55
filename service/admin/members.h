#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "admin/reply.h"

namespace tap::admin {

// Team info and membership: list, invite by email with a role, change role, remove.
// Only owners grant or take away the owner role, and a team always keeps one owner.
class MemberService
{
public:
    static constexpr qint64 kInviteLifetimeMs = 7LL * 24 * 3600 * 1000;

    explicit MemberService(Context &context) : m_ctx(context) { }

    Outcome team(const Actor &actor);
    Outcome list(const Actor &actor);
    Outcome invite(const Actor &actor, const QJsonObject &body);
    Outcome update(const Actor &actor, const QString &userId, const QJsonObject &body);
    Outcome remove(const Actor &actor, const QString &userId);

private:
    Context &m_ctx;
};

} // namespace tap::admin
