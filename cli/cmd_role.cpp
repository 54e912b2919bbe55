// role create|list|show|delete. Wire: POST /admin/roles {name, description, credentials,
// rate_limit_per_hour}; GET → {roles: […]}.
#include "commands.h"
#include "helpers.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

int create(Context &ctx, const Invocation &inv)
{
    const QString name = inv.positionals.value(0, inv.value(u"name"_s));
    if (name.isEmpty())
        return ctx.usage(u"no role name: 'tap role create --name NAME'"_s);
    const int limit = positiveInt(ctx, inv, u"rate-limit"_s);
    if (limit == 0)
        return kUsage;
    if (!ctx.requireSession())
        return kError;
    QJsonObject body{ { u"name"_s, name },
                      { u"credentials"_s,
                        QJsonArray::fromStringList(inv.list(u"credentials"_s)) } };
    if (inv.has(u"description"_s))
        body.insert(u"description"_s, inv.value(u"description"_s));
    if (limit > 0)
        body.insert(u"rate_limit_per_hour"_s, limit);
    return changed(ctx, ctx.post(u"/admin/roles"_s, body), u"Role %1 created."_s.arg(name));
}

int list(Context &ctx, const Invocation &)
{
    return listCommand(ctx, u"/admin/roles"_s, u"roles"_s,
                       { { u"name"_s, u"NAME"_s },
                         { u"credentials"_s, u"CREDENTIALS"_s },
                         { u"rate_limit_per_hour"_s, u"RATE/H"_s },
                         { u"description"_s, u"DESCRIPTION"_s } });
}

int show(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r = ctx.get(u"/admin/roles/"_s + seg(inv.positionals.at(0)));
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json())
        ctx.printJson(r.body);
    else
        printFields(ctx, r.body,
                    { { u"name"_s, u"name"_s },
                      { u"description"_s, u"description"_s },
                      { u"credentials"_s, u"credentials"_s },
                      { u"rate_limit_per_hour"_s, u"rate limit per hour"_s },
                      { u"created_at"_s, u"created"_s } });
    return kOk;
}

int remove(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    return changed(ctx, ctx.remove(u"/admin/roles/"_s + seg(name)),
                   u"Role %1 deleted."_s.arg(name));
}

} // namespace

QList<Command> roleCommands()
{
    const QString noun = u"role"_s;
    return {
        { noun,
          u"create"_s,
          u"create a role (a named set of credentials)"_s,
          { u"[NAME]"_s },
          { { u"name"_s, u"NAME"_s, u"the role's name"_s },
            { u"description"_s, u"TEXT"_s, u"what the role is for"_s },
            { u"credentials"_s, u"C1,C2"_s, u"credentials the role grants"_s },
            { u"rate-limit"_s, u"N"_s, u"requests per hour (default unlimited)"_s } },
          u"example: tap role create --name reader --description \"Read-only access\" "
          "--credentials slack,github --rate-limit 50"_s,
          create },
        { noun, u"list"_s, u"list roles"_s, {}, {}, {}, list },
        { noun, u"show"_s, u"show one role"_s, { u"NAME"_s }, {}, {}, show },
        { noun,
          u"delete"_s,
          u"delete a role (it is removed from every agent)"_s,
          { u"NAME"_s },
          {},
          {},
          remove },
    };
}

} // namespace tap::cli
