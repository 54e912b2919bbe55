#include "api/agent.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QJsonArray>

namespace tap::api {

using core::Error;
using core::Result;

namespace {

// Credentials and roles of an agent or role are names, so at most 64 characters each.
constexpr int kMaxNameLength = 64;

QJsonValue limitJson(int limit)
{
    return limit > 0 ? QJsonValue(limit) : QJsonValue();
}

int limitOf(const QJsonValue &value)
{
    return value.isDouble() ? value.toInt(-1) : -1;
}

QJsonValue nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        out << v.toString();
    return out;
}

QJsonArray array(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

// A list of names: strings, capped, each a valid object name.
Result<QStringList> nameList(const JsonFields &f, QLatin1String field)
{
    auto names = tagged(f.stringList(field, kMaxListEntries, kMaxNameLength), field);
    if (!names)
        return names;
    for (const QString &n : names.value()) {
        if (auto r = tagged(checkObjectName(field, n), field); !r)
            return r.error();
    }
    return names;
}

Result<QString> requiredName(const JsonFields &f, QLatin1String field)
{
    auto name = tagged(f.string(field, true), field);
    if (!name)
        return name;
    if (auto r = tagged(checkObjectName(field, *name), field); !r)
        return r.error();
    return name;
}

// description, credentials and rate_limit_per_hour, each read even if an earlier one failed,
// the first error reported (the order tapd has always checked them in).
struct Common
{
    Result<QString> description = QString();
    Result<QStringList> credentials = QStringList();
    Result<int> limit = -1;
};

Common readCommon(const JsonFields &f)
{
    return { tagged(f.string(key::kDescription, false), key::kDescription),
             tagged(f.stringList(key::kCredentials, kMaxListEntries, kMaxNameLength),
                    key::kCredentials),
             tagged(f.optionalPositiveInt(key::kRateLimitPerHour), key::kRateLimitPerHour) };
}

template <typename T>
QList<T> decodeItems(const QJsonObject &o, QLatin1String listKey)
{
    QList<T> out;
    const QJsonArray list = o.value(listKey).toArray();
    for (const QJsonValue &v : list)
        out << T::decode(v.toObject());
    return out;
}

template <typename T>
QJsonObject encodeItems(const QList<T> &items, QLatin1String listKey)
{
    QJsonArray list;
    for (const T &item : items)
        list.append(item.encode());
    return { { listKey, list } };
}

} // namespace

QJsonObject Agent::encode() const
{
    QJsonObject scopes;
    for (auto it = effectiveScopes.cbegin(); it != effectiveScopes.cend(); ++it)
        scopes.insert(it.key(), it.value());
    return { { key::kId, id },
             { key::kDescription, description },
             { key::kEnabled, enabled },
             { key::kRateLimitPerHour, limitJson(rateLimitPerHour) },
             { key::kCredentials, array(credentials) },
             { key::kRoles, array(roles) },
             { key::kEffectiveCredentials, array(effectiveCredentials) },
             { key::kCreatedAt, createdAt },
             { key::kUpdatedAt, updatedAt },
             { key::kCreatedBy, nullIfEmpty(createdBy) },
             { key::kEffectiveScopes, scopes } };
}

Agent Agent::decode(const QJsonObject &o)
{
    Agent a;
    a.id = o.value(key::kId).toString();
    a.description = o.value(key::kDescription).toString();
    a.enabled = o.value(key::kEnabled).toBool(true);
    a.rateLimitPerHour = limitOf(o.value(key::kRateLimitPerHour));
    a.credentials = strings(o.value(key::kCredentials));
    a.roles = strings(o.value(key::kRoles));
    a.effectiveCredentials = strings(o.value(key::kEffectiveCredentials));
    a.createdAt = o.value(key::kCreatedAt).toString();
    a.updatedAt = o.value(key::kUpdatedAt).toString();
    a.createdBy = o.value(key::kCreatedBy).toString();
    const QJsonObject scopes = o.value(key::kEffectiveScopes).toObject();
    for (auto it = scopes.begin(); it != scopes.end(); ++it)
        a.effectiveScopes.insert(it.key(), it.value().toString());
    return a;
}

QJsonObject AgentList::encode() const
{
    return encodeItems(items, key::kAgents);
}

AgentList AgentList::decode(const QJsonObject &o)
{
    return { decodeItems<Agent>(o, key::kAgents) };
}

Result<AgentInput> AgentInput::decode(const QJsonObject &body, Mode mode)
{
    const JsonFields f(body);
    QStringList allowed{ key::kDescription, key::kCredentials, key::kRoles,
                         key::kRateLimitPerHour };
    if (mode == Mode::Create)
        allowed.prepend(key::kId);
    if (auto r = f.onlyKnown(allowed); !r)
        return r.error();
    AgentInput in;
    if (mode == Mode::Create) {
        auto id = requiredName(f, key::kId);
        if (!id)
            return id.error();
        in.id = *id;
    }
    const Common common = readCommon(f);
    auto roles = tagged(f.stringList(key::kRoles, kMaxListEntries, kMaxNameLength), key::kRoles);
    if (!common.description)
        return common.description.error();
    if (!common.credentials)
        return common.credentials.error();
    if (!roles)
        return roles.error();
    if (!common.limit)
        return common.limit.error();
    auto credentials = nameList(f, key::kCredentials);
    if (!credentials)
        return credentials.error();
    auto roleNames = nameList(f, key::kRoles);
    if (!roleNames)
        return roleNames.error();
    if (mode == Mode::Create || f.has(key::kDescription))
        in.description = *common.description;
    if (mode == Mode::Create || body.contains(key::kCredentials))
        in.credentials = *credentials;
    if (mode == Mode::Create || body.contains(key::kRoles))
        in.roles = *roleNames;
    if (mode == Mode::Create || body.contains(key::kRateLimitPerHour))
        in.rateLimitPerHour = *common.limit;
    return in;
}

QJsonObject AgentInput::encode() const
{
    QJsonObject o;
    if (!id.isEmpty())
        o.insert(key::kId, id);
    if (description)
        o.insert(key::kDescription, *description);
    if (credentials)
        o.insert(key::kCredentials, array(*credentials));
    if (roles)
        o.insert(key::kRoles, array(*roles));
    if (rateLimitPerHour)
        o.insert(key::kRateLimitPerHour, limitJson(*rateLimitPerHour));
    return o;
}

QJsonObject AgentKey::encode() const
{
    return { { key::kId, id },
             { key::kApiKey, apiKey },
             { key::kMessage, QStringLiteral("Save this API key — it will not be shown again.") } };
}

AgentKey AgentKey::decode(const QJsonObject &o)
{
    return { o.value(key::kId).toString(), o.value(key::kApiKey).toString() };
}

QJsonObject AgentEnabled::encode() const
{
    return { { key::kId, id }, { key::kEnabled, enabled } };
}

QJsonObject Role::encode() const
{
    return { { key::kName, name },
             { key::kDescription, description },
             { key::kCredentials, array(credentials) },
             { key::kRateLimitPerHour, limitJson(rateLimitPerHour) },
             { key::kCreatedAt, createdAt } };
}

Role Role::decode(const QJsonObject &o)
{
    return { o.value(key::kName).toString(), o.value(key::kDescription).toString(),
             strings(o.value(key::kCredentials)), limitOf(o.value(key::kRateLimitPerHour)),
             o.value(key::kCreatedAt).toString() };
}

QJsonObject RoleList::encode() const
{
    return encodeItems(items, key::kRoles);
}

RoleList RoleList::decode(const QJsonObject &o)
{
    return { decodeItems<Role>(o, key::kRoles) };
}

Result<RoleInput> RoleInput::decode(const QJsonObject &body, Mode mode, const QString &currentName)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown(
                { key::kName, key::kDescription, key::kCredentials, key::kRateLimitPerHour });
        !r)
        return r.error();
    RoleInput in;
    if (mode == Mode::Create) {
        auto name = requiredName(f, key::kName);
        if (!name)
            return name.error();
        in.name = *name;
    } else {
        if (body.contains(key::kName) && body.value(key::kName).toString() != currentName)
            return invalidField(key::kName,
                                QStringLiteral("A role cannot be renamed; create a new one "
                                               "instead."));
        in.name = currentName;
    }
    const Common common = readCommon(f);
    if (!common.description)
        return common.description.error();
    if (!common.credentials)
        return common.credentials.error();
    if (!common.limit)
        return common.limit.error();
    auto credentials = nameList(f, key::kCredentials);
    if (!credentials)
        return credentials.error();
    in.description = *common.description;
    in.credentials = *credentials;
    in.rateLimitPerHour = *common.limit;
    return in;
}

QJsonObject RoleInput::encode() const
{
    return { { key::kName, name },
             { key::kDescription, description },
             { key::kCredentials, array(credentials) },
             { key::kRateLimitPerHour, limitJson(rateLimitPerHour) } };
}

QJsonObject Link::encode(bool withWarning) const
{
    QJsonObject o{ { key::kTeamId, teamId },
                   { key::kAgentHomeTeamId, agentHomeTeamId },
                   { key::kAgentId, agentId },
                   { key::kRole, nullIfEmpty(role) },
                   { key::kCreatedBy, nullIfEmpty(createdBy) },
                   { key::kCreatedAt, createdAt },
                   { key::kCredentials, QJsonArray::fromStringList(credentials) } };
    if (withWarning && role.isEmpty() && credentials.isEmpty())
        o.insert(key::kWarning,
                 QStringLiteral("The link has no role, so the agent can use no credentials of "
                                "this team until it gets one or is assigned some directly."));
    return o;
}

Link Link::decode(const QJsonObject &o)
{
    return { o.value(key::kTeamId).toString(),    o.value(key::kAgentHomeTeamId).toString(),
             o.value(key::kAgentId).toString(),   o.value(key::kRole).toString(),
             o.value(key::kCreatedBy).toString(), o.value(key::kCreatedAt).toString(),
             strings(o.value(key::kCredentials)) };
}

QJsonObject LinkList::encode() const
{
    return encodeItems(items, key::kLinks);
}

LinkList LinkList::decode(const QJsonObject &o)
{
    return { decodeItems<Link>(o, key::kLinks) };
}

Result<LinkInput> LinkInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown(
                { key::kAgentHomeTeamId, key::kAgentId, key::kRole, key::kCredentials });
        !r)
        return r.error();
    auto home = tagged(f.string(key::kAgentHomeTeamId, true), key::kAgentHomeTeamId);
    auto agentId = tagged(f.string(key::kAgentId, true), key::kAgentId);
    auto role = tagged(f.string(key::kRole, false), key::kRole);
    if (!home)
        return home.error();
    if (!agentId)
        return agentId.error();
    if (!role)
        return role.error();
    LinkInput in{ *home, *agentId, *role };
    if (body.contains(key::kCredentials)) {
        auto names = tagged(f.stringList(key::kCredentials, kMaxListEntries, kMaxNameLength),
                            key::kCredentials);
        if (!names)
            return names.error();
        in.credentials = names.value();
    }
    return in;
}

Result<LinkCredentialsInput> LinkCredentialsInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kCredentials }); !r)
        return r.error();
    if (!body.contains(key::kCredentials))
        return invalidField(key::kCredentials, QStringLiteral("credentials is required."));
    auto names = tagged(f.stringList(key::kCredentials, kMaxListEntries, kMaxNameLength),
                        key::kCredentials);
    if (!names)
        return names.error();
    return LinkCredentialsInput{ names.value() };
}

QJsonObject LinkInput::encode() const
{
    QJsonObject o{ { key::kAgentHomeTeamId, agentHomeTeamId }, { key::kAgentId, agentId } };
    if (!role.isEmpty())
        o.insert(key::kRole, role);
    if (credentials)
        o.insert(key::kCredentials, QJsonArray::fromStringList(*credentials));
    return o;
}

} // namespace tap::api
