// member list|invite|remove|set-role. Wire: GET /admin/members → {members: [{id, email, role,
// …}], pending_invites: […]}; POST /admin/members/invite {email, role}; PATCH/DELETE
// /admin/members/{id}.
#include "api/keys.h"
#include "api/member.h"
#include "commands.h"
#include "helpers.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

namespace key = api::key;

int list(Context &ctx, const Invocation &)
{
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r = ctx.get(u"/admin/members"_s);
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json()) {
        ctx.printJson(r.body);
        return kOk;
    }
    ctx.printTable(r.body.value(key::kMembers).toArray(),
                   { { key::kId, u"ID"_s },
                     { key::kEmail, u"EMAIL"_s },
                     { key::kRole, u"ROLE"_s },
                     { key::kJoinedAt, u"JOINED"_s } });
    const QJsonArray invites = r.body.value(key::kPendingInvites).toArray();
    if (!invites.isEmpty()) {
        ctx.print({});
        ctx.print(u"pending invitations:"_s);
        ctx.printTable(invites,
                       { { key::kEmail, u"EMAIL"_s },
                         { key::kRole, u"ROLE"_s },
                         { key::kExpiresAt, u"EXPIRES"_s } });
    }
    return kOk;
}

int invite(Context &ctx, const Invocation &inv)
{
    const QString email = inv.positionals.value(0, inv.value(u"email"_s));
    if (email.isEmpty())
        return ctx.usage(u"'tap member invite' needs --email ADDRESS"_s);
    if (!ctx.requireSession())
        return kError;
    // Sent as typed: tapd checks the address and the role (and answers why not).
    QJsonObject body{ { key::kEmail, email } };
    if (inv.has(u"role"_s))
        body.insert(key::kRole, inv.value(u"role"_s));
    const Context::Reply r = ctx.post(u"/admin/members/invite"_s, body);
    return changed(ctx, r,
                   u"Invitation mailed to %1 (role %2)."_s.arg(
                           email, api::memberRoleName(api::Invited::decode(r.body).role)));
}

// A member's id from an id or an email address.
QString memberId(Context &ctx, const QString &who, bool *ok)
{
    *ok = true;
    if (!who.contains(u'@'))
        return who;
    const Context::Reply r = ctx.get(u"/admin/members"_s);
    if (!r.ok()) {
        *ok = false;
        ctx.fail(r);
        return {};
    }
    const api::MemberList list = api::MemberList::decode(r.body);
    for (const api::Member &m : list.members) {
        if (m.email.compare(who, Qt::CaseInsensitive) == 0)
            return m.id;
    }
    *ok = false;
    ctx.error(u"no member with the email %1 (see 'tap member list')"_s.arg(who));
    return {};
}

int remove(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    bool ok = false;
    const QString id = memberId(ctx, inv.positionals.at(0), &ok);
    if (!ok)
        return kError;
    return changed(ctx, ctx.remove(u"/admin/members/"_s + seg(id)),
                   u"Member %1 removed."_s.arg(inv.positionals.at(0)));
}

int setRole(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    bool ok = false;
    const QString id = memberId(ctx, inv.positionals.at(0), &ok);
    if (!ok)
        return kError;
    const Context::Reply r =
            ctx.patch(u"/admin/members/"_s + seg(id), { { key::kRole, inv.positionals.at(1) } });
    return changed(ctx, r, u"%1 is now %2."_s.arg(inv.positionals.at(0), inv.positionals.at(1)));
}

} // namespace

QList<Command> memberCommands()
{
    const QString noun = u"member"_s;
    return {
        { noun, u"list"_s, u"list the team's members and pending invitations"_s, {}, {}, {}, list },
        { noun,
          u"invite"_s,
          u"invite someone by email"_s,
          { u"[EMAIL]"_s },
          { { u"email"_s, u"ADDRESS"_s, u"who to invite"_s },
            { u"role"_s, u"ROLE"_s, u"owner, admin or approver (default approver)"_s } },
          {},
          invite },
        { noun,
          u"remove"_s,
          u"remove a member from the team"_s,
          { u"ID_OR_EMAIL"_s },
          {},
          {},
          remove },
        { noun,
          u"set-role"_s,
          u"change a member's role"_s,
          { u"ID_OR_EMAIL"_s, u"ROLE"_s },
          {},
          {},
          setRole },
    };
}

} // namespace tap::cli
