// agent create|list|show|delete|enable|disable|rotate-key. Wire: POST /admin/agents {id,
// description, credentials, roles, rate_limit_per_hour} → {id, api_key, message}; GET →
// {agents: […]}.
#include "commands.h"
#include "helpers.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

QString idOf(const Invocation &inv)
{
    return inv.positionals.value(0, inv.value(u"name"_s));
}

int printKey(Context &ctx, const Context::Reply &r, const QString &what)
{
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json()) {
        ctx.printJson(r.body);
        return kOk;
    }
    ctx.print(what);
    ctx.print(u"API key (shown only once, save it now): "_s
              + r.body.value(u"api_key"_s).toString());
    return kOk;
}

int create(Context &ctx, const Invocation &inv)
{
    const QString id = idOf(inv);
    if (id.isEmpty())
        return ctx.usage(u"no agent name: 'tap agent create --name NAME'"_s);
    const int limit = positiveInt(ctx, inv, u"rate-limit"_s);
    if (limit == 0)
        return kUsage;
    if (!ctx.requireSession())
        return kError;
    QJsonObject body{ { u"id"_s, id },
                      { u"credentials"_s, QJsonArray::fromStringList(inv.list(u"credentials"_s)) },
                      { u"roles"_s, QJsonArray::fromStringList(inv.list(u"roles"_s)) } };
    if (inv.has(u"description"_s))
        body.insert(u"description"_s, inv.value(u"description"_s));
    if (limit > 0)
        body.insert(u"rate_limit_per_hour"_s, limit);
    return printKey(ctx, ctx.post(u"/admin/agents"_s, body), u"Agent %1 created."_s.arg(id));
}

int list(Context &ctx, const Invocation &)
{
    return listCommand(ctx, u"/admin/agents"_s, u"agents"_s,
                       { { u"id"_s, u"NAME"_s },
                         { u"enabled"_s, u"ENABLED"_s },
                         { u"roles"_s, u"ROLES"_s },
                         { u"credentials"_s, u"CREDENTIALS"_s },
                         { u"rate_limit_per_hour"_s, u"RATE/H"_s },
                         { u"description"_s, u"DESCRIPTION"_s } });
}

int show(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r = ctx.get(u"/admin/agents/"_s + seg(inv.positionals.at(0)));
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json())
        ctx.printJson(r.body);
    else
        printFields(ctx, r.body,
                    { { u"id"_s, u"name"_s },
                      { u"description"_s, u"description"_s },
                      { u"enabled"_s, u"enabled"_s },
                      { u"roles"_s, u"roles"_s },
                      { u"credentials"_s, u"credentials"_s },
                      { u"effective_credentials"_s, u"effective credentials"_s },
                      { u"rate_limit_per_hour"_s, u"rate limit per hour"_s },
                      { u"created_at"_s, u"created"_s } });
    return kOk;
}

int remove(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const QString id = inv.positionals.at(0);
    return changed(ctx, ctx.remove(u"/admin/agents/"_s + seg(id)), u"Agent %1 deleted."_s.arg(id));
}

int action(Context &ctx, const Invocation &inv, const QString &verb, const QString &done)
{
    if (!ctx.requireSession())
        return kError;
    const QString id = inv.positionals.at(0);
    const Context::Reply r = ctx.post(u"/admin/agents/%1/%2"_s.arg(seg(id), verb));
    if (verb == u"rotate-key"_s)
        return printKey(ctx, r, done.arg(id));
    return changed(ctx, r, done.arg(id));
}

} // namespace

QList<Command> agentCommands()
{
    const QString noun = u"agent"_s;
    return {
        { noun,
          u"create"_s,
          u"create an agent; prints its API key once"_s,
          { u"[NAME]"_s },
          { { u"name"_s, u"NAME"_s, u"the agent's name (its id)"_s },
            { u"description"_s, u"TEXT"_s, u"what the agent does"_s },
            { u"roles"_s, u"R1,R2"_s, u"roles to assign"_s },
            { u"credentials"_s, u"C1,C2"_s, u"credentials to assign directly"_s },
            { u"rate-limit"_s, u"N"_s, u"requests per hour (default unlimited)"_s } },
          u"example: tap agent create --name my-agent --roles reader --credentials extra-cred"_s,
          create },
        { noun, u"list"_s, u"list agents"_s, {}, {}, {}, list },
        { noun,
          u"show"_s,
          u"show one agent and its effective credentials"_s,
          { u"NAME"_s },
          {},
          {},
          show },
        { noun, u"delete"_s, u"delete an agent"_s, { u"NAME"_s }, {}, {}, remove },
        { noun,
          u"enable"_s,
          u"let a disabled agent send requests again"_s,
          { u"NAME"_s },
          {},
          {},
          [](Context &c, const Invocation &i) {
              return action(c, i, u"enable"_s, u"Agent %1 enabled."_s);
          } },
        { noun,
          u"disable"_s,
          u"block every request of an agent"_s,
          { u"NAME"_s },
          {},
          {},
          [](Context &c, const Invocation &i) {
              return action(c, i, u"disable"_s, u"Agent %1 disabled."_s);
          } },
        { noun,
          u"rotate-key"_s,
          u"issue a new API key (the old one stops working)"_s,
          { u"NAME"_s },
          {},
          {},
          [](Context &c, const Invocation &i) {
              return action(c, i, u"rotate-key"_s, u"New key for agent %1."_s);
          } },
    };
}

} // namespace tap::cli
