// link list|create|delete: agents of other teams allowed into this one. Wire: POST
// /admin/agent-links {agent_home_team_id, agent_id, role}; GET → {links: […]}; DELETE
// /admin/agent-links/{home_team_id}/{agent_id}.
#include "commands.h"
#include "helpers.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

const QString kPath = u"/admin/agent-links"_s;

int create(Context &ctx, const Invocation &inv)
{
    const QString home = inv.value(u"home-team"_s);
    const QString agent = inv.value(u"agent"_s);
    if (home.isEmpty() || agent.isEmpty())
        return ctx.usage(u"'tap link create' needs --home-team TEAM_ID and --agent AGENT"_s);
    if (!ctx.requireSession())
        return kError;
    QJsonObject body{ { u"agent_home_team_id"_s, home }, { u"agent_id"_s, agent } };
    if (inv.has(u"role"_s))
        body.insert(u"role"_s, inv.value(u"role"_s));
    return changed(ctx, ctx.post(kPath, body), u"Agent %1 of team %2 linked."_s.arg(agent, home));
}

int list(Context &ctx, const Invocation &)
{
    return listCommand(ctx, kPath, u"links"_s,
                       { { u"agent_home_team_id"_s, u"HOME TEAM"_s },
                         { u"agent_id"_s, u"AGENT"_s },
                         { u"role"_s, u"ROLE"_s },
                         { u"created_at"_s, u"CREATED"_s } });
}

int remove(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const QString home = inv.positionals.at(0);
    const QString agent = inv.positionals.at(1);
    return changed(ctx, ctx.remove(kPath + u'/' + seg(home) + u'/' + seg(agent)),
                   u"Link of agent %1 (team %2) deleted."_s.arg(agent, home));
}

} // namespace

QList<Command> linkCommands()
{
    const QString noun = u"link"_s;
    return {
        { noun,
          u"list"_s,
          u"list agents of other teams linked into this team"_s,
          {},
          {},
          {},
          list },
        { noun,
          u"create"_s,
          u"let another team's agent use this team's credentials"_s,
          {},
          { { u"home-team"_s, u"TEAM_ID"_s, u"the agent's own team"_s },
            { u"agent"_s, u"AGENT"_s, u"the agent's id in its team"_s },
            { u"role"_s, u"ROLE"_s, u"role of this team it gets"_s } },
          {},
          create },
        { noun,
          u"delete"_s,
          u"remove a link"_s,
          { u"HOME_TEAM_ID"_s, u"AGENT"_s },
          {},
          {},
          remove },
    };
}

} // namespace tap::cli
