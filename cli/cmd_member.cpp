// member list|invite|remove|set-role. Wire: GET /admin/members → {members: [{id, email, role,
// …}], pending_invites: […]}; POST /admin/members/invite {email, role}; PATCH/DELETE
// /admin/members/{id}.
#include "commands.h"
#include "helpers.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

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
    ctx.printTable(r.body.value(u"members"_s).toArray(),
                   { { u"id"_s, u"ID"_s },
                     { u"email"_s, u"EMAIL"_s },
                     { u"role"_s, u"ROLE"_s },
                     { u"joined_at"_s, u"JOINED"_s } });
    const QJsonArray invites = r.body.value(u"pending_invites"_s).toArray();
    if (!invites.isEmpty()) {
        ctx.print({});
        ctx.print(u"pending invitations:"_s);
        ctx.printTable(invites,
                       { { u"email"_s, u"EMAIL"_s },
                         { u"role"_s, u"ROLE"_s },
                         { u"expires_at"_s, u"EXPIRES"_s } });
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
    QJsonObject body{ { u"email"_s, email } };
    if (inv.has(u"role"_s))
        body.insert(u"role"_s, inv.value(u"role"_s));
    const Context::Reply r = ctx.post(u"/admin/members/invite"_s, body);
    return changed(
            ctx, r,
            u"Invitation mailed to %1 (role %2)."_s.arg(email, r.body.value(u"role"_s).toString()));
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
    for (const QJsonValue &m : r.body.value(u"members"_s).toArray()) {
        if (m[u"email"_s].toString().compare(who, Qt::CaseInsensitive) == 0)
            return m[u"id"_s].toString();
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
            ctx.patch(u"/admin/members/"_s + seg(id), { { u"role"_s, inv.positionals.at(1) } });
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
