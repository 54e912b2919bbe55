// The fake admin API's configuration routes: members, credentials, policies, agents, roles,
// channels, links and audit, each over a list of JSON rows.
#include "support/fakeadminapi.h"
#include "support/fakeadminapi_p.h"

#include "api/agent.h"
#include "api/audit.h"
#include "api/channel.h"
#include "api/credential.h"
#include "api/credentialconnect.h"
#include "api/deleted.h"
#include "api/errors.h"
#include "api/keys.h"
#include "api/member.h"
#include "api/policy.h"
#include "api/validation.h"

#include <QJsonDocument>

namespace tap::testsupport {

using namespace fake;

namespace {

QJsonObject invalid(const QString &message)
{
    return errorBody(QStringLiteral("invalid_request"), message);
}

QJsonObject notFound(const QString &what)
{
    return errorBody(QStringLiteral("not_found"), QStringLiteral("No %1.").arg(what));
}

QJsonObject conflict(const QString &message)
{
    return errorBody(QStringLiteral("conflict"), message);
}

// A decoding or validation error of the wire types, with the status tapd gives it.
FakeAdminApi::Response failure(const core::Error &error)
{
    return { api::httpStatus(error.code()), api::errorObject(error), {} };
}

QStringList strings(const QJsonObject &o, const char *key)
{
    QStringList out;
    const QJsonArray a = o.value(QString::fromLatin1(key)).toArray();
    for (const QJsonValue &v : a)
        out << v.toString();
    return out;
}

} // namespace

FakeAdminApi::Response FakeAdminApi::teamRoute(const Request &r, const QStringList &parts)
{
    if (parts.value(1) == u"team")
        return { 200, team, {} };
    if (r.method == "GET")
        return { 200,
                 { { api::key::kMembers, array(members) },
                   { api::key::kPendingInvites, array(invites) } },
                 {} };
    if (r.method == "POST" && parts.value(2) == u"invite") {
        auto in = api::InviteInput::decode(r.body);
        if (!in)
            return failure(in.error());
        if (indexOf(members, api::key::kEmail, in->email) >= 0)
            return { 409,
                     conflict(
                             QStringLiteral("%1 is already a member of this team.").arg(in->email)),
                     {} };
        const api::PendingInvite invite{ QStringLiteral("invite-%1").arg(invites.size() + 1),
                                         in->email, in->role, now() };
        invites.append(invite.encode());
        m_lastInviteToken = addInvite(in->email, api::memberRoleName(in->role));
        return { 201,
                 api::Invited{ invite.id, invite.email, invite.role, invite.expiresAt }.encode(),
                 {} };
    }
    const qsizetype i = indexOf(members, api::key::kId, parts.value(2));
    if (i < 0)
        return { 404, notFound(QStringLiteral("such member in this team")), {} };
    if (r.method == "PATCH") {
        auto in = api::MemberRoleInput::decode(r.body);
        if (!in)
            return failure(in.error());
        members[i].insert(api::key::kRole, api::memberRoleName(in->role));
        const api::Member m = api::Member::decode(members.at(i));
        return { 200, api::MemberRoleChanged{ m.id, m.email, m.role }.encode(), {} };
    }
    members.removeAt(i);
    return { 200,
             api::Deleted{ api::key::kId, parts.value(2), {}, QStringLiteral("removed") }.encode(),
             {} };
}

FakeAdminApi::Response FakeAdminApi::policyRoute(const Request &r, const QString &name)
{
    if (indexOf(credentials, "name", name) < 0)
        return { 404, notFound(QStringLiteral("credential named \"%1\"").arg(name)), {} };
    if (r.method == "GET")
        return { 200, policies.value(name, api::Policy::unconfigured(name).encode()), {} };
    if (r.method == "DELETE") {
        if (!policies.remove(name))
            return { 404, notFound(QStringLiteral("policy")), {} };
        return { 200, api::Deleted().encode(), {} };
    }
    auto p = api::Policy::decodeInput(r.body);
    if (!p)
        return failure(p.error());
    p->credential = name;
    p->updatedAt = now();
    policies.insert(name, p->encode());
    return { 200, policies.value(name), {} };
}

FakeAdminApi::Response FakeAdminApi::credentialRoute(const Request &r, const QStringList &parts)
{
    using Mode = api::CredentialInput::Mode;
    const QString name = parts.value(2);
    const qsizetype i = indexOf(credentials, "name", name);
    if (parts.value(1) == u"policies")
        return policyRoute(r, name);
    if (parts.size() == 2 && r.method == "GET")
        return { 200, { { api::key::kCredentials, array(credentials) } }, {} };
    if (parts.size() == 2 && r.method == "POST") {
        auto in = api::CredentialInput::decode(r.body, Mode::Create);
        if (!in)
            return failure(in.error());
        if (indexOf(credentials, "name", *in->name) >= 0)
            return { 409,
                     conflict(QStringLiteral("A credential with this name already exists.")),
                     {} };
        api::Credential c;
        if (auto applied = in->applyTo(c, Mode::Create); !applied)
            return failure(applied.error());
        c.hasValue = !in->value.value_or(QString()).isEmpty();
        c.createdAt = c.updatedAt = now();
        credentials.append(c.encode());
        return { 201, c.encode(), {} };
    }
    if (i < 0)
        return { 404, notFound(QStringLiteral("credential named \"%1\"").arg(name)), {} };
    api::CredentialUsage usage;
    for (const QJsonObject &role : roles) {
        if (strings(role, "credentials").contains(name))
            usage.roles << str(role, "name");
    }
    for (const QJsonObject &agent : agents) {
        if (strings(agent, "credentials").contains(name))
            usage.agents << str(agent, "id");
    }
    usage.hasPolicy = policies.contains(name);
    if (r.method == "POST" && parts.value(3) == u"connect")
        return { 200,
                 api::CredentialConnect{
                         name, api::Credential::decode(credentials.at(i)).scope,
                         QStringLiteral("https://auth.example.test/authorize?response_type=code"
                                        "&client_id=fake&state=fake-state"),
                         QStringLiteral("http://tapd.example.test/oauth/callback"),
                         QDateTime::currentDateTimeUtc().addSecs(600).toString(Qt::ISODateWithMs) }
                         .encode(),
                 {} };
    if (r.method == "GET")
        return {
            200,
            api::CredentialDetail{ api::Credential::decode(credentials.at(i)), usage }.encode(),
            {}
        };
    if (r.method == "PUT" && parts.value(3) == u"value") {
        auto in = api::CredentialValueInput::decode(r.body);
        if (!in)
            return failure(in.error());
        credentials[i].insert(api::key::kHasValue, true);
        return { 200, api::CredentialValueSet{ name, now() }.encode(), {} };
    }
    if (r.method == "PATCH") {
        auto in = api::CredentialInput::decode(r.body, Mode::Update, name);
        if (!in)
            return failure(in.error());
        api::Credential c = api::Credential::decode(credentials.at(i));
        if (auto applied = in->applyTo(c, Mode::Update); !applied)
            return failure(applied.error());
        c.updatedAt = now();
        credentials[i] = c.encode();
        return { 200, credentials.at(i), {} };
    }
    credentials.removeAt(i);
    policies.remove(name);
    return { 200, api::CredentialDeleted{ name, usage }.encode(), {} };
}

FakeAdminApi::Response FakeAdminApi::agentRoute(const Request &r, const QStringList &parts)
{
    using Mode = api::AgentInput::Mode;
    const auto keyReply = [this](const QString &id, int status) {
        return Response{
            status,
            api::AgentKey{ id, QStringLiteral("tap_fakekey%1").arg(m_nextKey++) }.encode(),
            {}
        };
    };
    if (parts.size() == 2 && r.method == "GET")
        return { 200, { { api::key::kAgents, array(agents) } }, {} };
    if (parts.size() == 2 && r.method == "POST") {
        auto in = api::AgentInput::decode(r.body, Mode::Create);
        if (!in)
            return failure(in.error());
        if (indexOf(agents, "id", in->id) >= 0)
            return { 409, conflict(QStringLiteral("An agent with this id already exists.")), {} };
        api::Agent agent;
        agent.id = in->id;
        agent.description = in->description.value_or(QString());
        agent.credentials = agent.effectiveCredentials = in->credentials.value_or(QStringList());
        agent.roles = in->roles.value_or(QStringList());
        agent.rateLimitPerHour = in->rateLimitPerHour.value_or(-1);
        agent.createdAt = agent.updatedAt = now();
        agents.append(agent.encode());
        return keyReply(agent.id, 201);
    }
    const QString id = parts.value(2);
    const qsizetype i = indexOf(agents, "id", id);
    if (i < 0)
        return { 404, notFound(QStringLiteral("agent named \"%1\"").arg(id)), {} };
    const QString action = parts.value(3);
    if (r.method == "GET")
        return { 200, agents.at(i), {} };
    if (action == u"enable" || action == u"disable") {
        const api::AgentEnabled state{ id, action == u"enable" };
        agents[i].insert(api::key::kEnabled, state.enabled);
        return { 200, state.encode(), {} };
    }
    if (action == u"rotate-key")
        return keyReply(id, 200);
    if (r.method == "PATCH") {
        auto in = api::AgentInput::decode(r.body, Mode::Update);
        if (!in)
            return failure(in.error());
        api::Agent agent = api::Agent::decode(agents.at(i));
        agent.description = in->description.value_or(agent.description);
        agent.credentials = in->credentials.value_or(agent.credentials);
        agent.roles = in->roles.value_or(agent.roles);
        agent.rateLimitPerHour = in->rateLimitPerHour.value_or(agent.rateLimitPerHour);
        agent.updatedAt = now();
        agents[i] = agent.encode();
        return { 200, agents.at(i), {} };
    }
    agents.removeAt(i);
    return { 200, api::Deleted{ api::key::kId, id, {} }.encode(), {} };
}

FakeAdminApi::Response FakeAdminApi::roleRoute(const Request &r, const QStringList &parts)
{
    using Mode = api::RoleInput::Mode;
    if (parts.size() == 2 && r.method == "GET")
        return { 200, { { api::key::kRoles, array(roles) } }, {} };
    const auto stored = [](const api::RoleInput &in) {
        return api::Role{ in.name, in.description, in.credentials, in.rateLimitPerHour, now() }
                .encode();
    };
    if (parts.size() == 2 && r.method == "POST") {
        auto in = api::RoleInput::decode(r.body, Mode::Create);
        if (!in)
            return failure(in.error());
        if (indexOf(roles, "name", in->name) >= 0)
            return { 409, conflict(QStringLiteral("A role with this name already exists.")), {} };
        roles.append(stored(*in));
        return { 201, roles.last(), {} };
    }
    const qsizetype i = indexOf(roles, "name", parts.value(2));
    if (i < 0)
        return { 404, notFound(QStringLiteral("role named \"%1\"").arg(parts.value(2))), {} };
    if (r.method == "GET")
        return { 200, roles.at(i), {} };
    if (r.method == "PUT") {
        auto in = api::RoleInput::decode(r.body, Mode::Replace, parts.value(2));
        if (!in)
            return failure(in.error());
        roles[i] = stored(*in);
        return { 200, roles.at(i), {} };
    }
    roles.removeAt(i);
    return { 200, api::Deleted{ api::key::kName, parts.value(2), {} }.encode(), {} };
}

FakeAdminApi::Response FakeAdminApi::channelRoute(const Request &r, const QStringList &parts)
{
    if (parts.size() == 2 && r.method == "GET")
        return { 200, { { api::key::kChannels, array(channels) } }, {} };
    if (parts.size() == 2 && r.method == "POST") {
        auto in = api::ChannelInput::decode(r.body);
        if (!in)
            return failure(in.error());
        const api::Channel channel{ in->name, in->type, in->config,
                                    true,     now(),    !in->botToken.isEmpty() };
        channels.append(channel.encode());
        return { 201, channels.last(), {} };
    }
    const qsizetype i = indexOf(channels, "name", parts.value(2));
    if (i < 0)
        return { 404, notFound(QStringLiteral("notification channel")), {} };
    if (parts.value(3) == u"test")
        return { 200, api::ChannelTestSent{ parts.value(2) }.encode(), {} };
    channels.removeAt(i);
    return { 200, api::Deleted{ api::key::kName, parts.value(2), {} }.encode(), {} };
}

FakeAdminApi::Response FakeAdminApi::linkRoute(const Request &r, const QStringList &parts)
{
    if (parts.size() == 2 && r.method == "GET")
        return { 200, { { api::key::kLinks, array(links) } }, {} };
    if (parts.size() == 2 && r.method == "POST") {
        auto in = api::LinkInput::decode(r.body);
        if (!in)
            return failure(in.error());
        if (in->agentHomeTeamId == str(team, "id"))
            return { 400,
                     invalid(QStringLiteral("That agent already belongs to this team; assign "
                                            "credentials or roles to it directly.")),
                     {} };
        const api::Link link{
            str(team, "id"), in->agentHomeTeamId, in->agentId, in->role, {}, now()
        };
        links.append(link.encode());
        return { 201, api::CreatedLink{ link }.encode(), {} };
    }
    for (qsizetype i = 0; i < links.size(); ++i) {
        if (str(links.at(i), "agent_home_team_id") == parts.value(2)
            && str(links.at(i), "agent_id") == parts.value(3)) {
            links.removeAt(i);
            return { 200, api::Deleted().encode(), {} };
        }
    }
    return { 404, notFound(QStringLiteral("such agent link")), {} };
}

FakeAdminApi::Response FakeAdminApi::auditRoute(const Request &r, const QStringList &parts)
{
    const auto filter = api::AuditFilter::decode(r.query);
    if (!filter)
        return { 400, errorBody(QStringLiteral("invalid_request"), filter.error().message()), {} };
    const std::pair<QString, QLatin1String> exact[] = { { filter->kind, api::key::kKind },
                                                        { filter->action, api::key::kAction },
                                                        { filter->actor, api::key::kActor },
                                                        { filter->agentId, api::key::kAgentId },
                                                        { filter->credential,
                                                          api::key::kCredential },
                                                        { filter->decision, api::key::kDecision } };
    QList<QJsonObject> matching;
    for (const QJsonObject &row : audit) {
        bool keep = true;
        for (const auto &[wanted, key] : exact)
            keep = keep && (wanted.isEmpty() || row.value(key).toString() == wanted);
        if (keep)
            matching.append(row);
    }
    if (parts.value(2) == u"export") {
        QByteArray lines(""); // not null: an empty export is still JSON lines
        for (const QJsonObject &row : matching)
            lines += QJsonDocument(row).toJson(QJsonDocument::Compact) + '\n';
        return { 200, {}, lines };
    }
    // The fake's cursor is simply the index of the next row.
    const qsizetype start = qsizetype(filter->afterSeq);
    api::AuditPage page;
    page.items = matching.mid(start, filter->limit);
    if (start + filter->limit < matching.size())
        page.nextCursor = QString::number(start + filter->limit);
    return { 200, page.encode(), {} };
}

} // namespace tap::testsupport
