// A team's configuration as the admin API shows it, normalized like config_yaml.cpp's reader
// (sorted lists, "" for none) so that the two compare field by field.
#include "config.h"
#include "context.h"
#include "helpers.h"

#include <QJsonArray>

#include <algorithm>

namespace tap::cli::config {

using namespace Qt::StringLiterals;

namespace {

QJsonArray sortedList(const QJsonValue &v, bool upper = false, bool lower = false)
{
    QStringList items;
    for (const QJsonValue &e : v.toArray())
        items << (upper ? e.toString().toUpper() : lower ? e.toString().toLower() : e.toString());
    items.sort();
    items.removeDuplicates();
    return QJsonArray::fromStringList(items);
}

QString textOf(const QJsonValue &v)
{
    if (v.isDouble())
        return QString::number(qint64(v.toDouble()));
    return v.toString();
}

QJsonValue limitOf(const QJsonValue &v)
{
    return v.isDouble() && v.toInt() > 0 ? QJsonValue(v.toInt()) : QJsonValue();
}

QJsonObject policyOf(const QJsonObject &p)
{
    return { { u"auto_approve_methods"_s, sortedList(p.value(u"auto_approve_methods"_s), true) },
             { u"require_approval_methods"_s,
               sortedList(p.value(u"require_approval_methods"_s), true) },
             { u"auto_approve_urls"_s, sortedList(p.value(u"auto_approve_urls"_s)) },
             { u"allowed_approvers"_s, sortedList(p.value(u"allowed_approvers"_s)) },
             { u"telegram_chat_id"_s, textOf(p.value(u"telegram_chat_id"_s)) },
             { u"matrix_room_id"_s, textOf(p.value(u"matrix_room_id"_s)) },
             { u"approval_channel"_s, textOf(p.value(u"approval_channel"_s)) },
             { u"require_passkey"_s, p.value(u"require_passkey"_s).toBool() } };
}

Resource credentialOf(const QJsonObject &c, const QJsonValue &policy)
{
    const QString kind = c.value(u"scope_kind"_s).toString(u"team"_s);
    const QString id = textOf(c.value(u"scope_id"_s));
    Resource r{
        Kind::Credential, credentialKey(c.value(u"name"_s).toString(), kind, id), {}, {}, false, 0
    };
    r.fields = { { u"scope_kind"_s, kind },
                 { u"scope_id"_s, id },
                 { u"description"_s, c.value(u"description"_s).toString() },
                 { u"connector"_s, c.value(u"connector"_s).toString() },
                 { u"api_base"_s, textOf(c.value(u"api_base"_s)) },
                 { u"relative_target"_s, c.value(u"relative_target"_s).toBool() },
                 { u"auth_header_format"_s, c.value(u"auth_header_format"_s).toString() },
                 { u"allowed_hosts"_s, sortedList(c.value(u"allowed_hosts"_s), false, true) },
                 { u"body_placeholder_fields"_s,
                   sortedList(c.value(u"body_placeholder_fields"_s)) },
                 { u"kind"_s, c.value(u"kind"_s).toString(u"static"_s) },
                 { u"policy"_s, policy } };
    for (const char *setting : { "region", "service", "token_url", "authorize_url", "scopes" })
        r.fields.insert(QLatin1String(setting), textOf(c.value(QLatin1String(setting))));
    r.hasSecret = c.value(u"has_value"_s).toBool();
    return r;
}

Resource roleOf(const QJsonObject &o)
{
    return { Kind::Role,
             o.value(u"name"_s).toString(),
             { { u"description"_s, o.value(u"description"_s).toString() },
               { u"credentials"_s, sortedList(o.value(u"credentials"_s)) },
               { u"rate_limit_per_hour"_s, limitOf(o.value(u"rate_limit_per_hour"_s)) } },
             {},
             false,
             0 };
}

Resource agentOf(const QJsonObject &o)
{
    return { Kind::Agent,
             o.value(u"id"_s).toString(),
             { { u"description"_s, o.value(u"description"_s).toString() },
               { u"enabled"_s, o.value(u"enabled"_s).toBool(true) },
               { u"roles"_s, sortedList(o.value(u"roles"_s)) },
               { u"credentials"_s, sortedList(o.value(u"credentials"_s)) },
               { u"rate_limit_per_hour"_s, limitOf(o.value(u"rate_limit_per_hour"_s)) } },
             {},
             false,
             0 };
}

Resource channelOf(const QJsonObject &o)
{
    QJsonObject config;
    const QJsonObject c = o.value(u"config"_s).toObject();
    for (auto it = c.begin(); it != c.end(); ++it)
        config.insert(it.key(), textOf(it.value()));
    return { Kind::Channel,
             o.value(u"name"_s).toString(),
             { { u"type"_s, o.value(u"channel_type"_s).toString() }, { u"config"_s, config } },
             {},
             o.value(u"has_bot_token"_s).toBool(),
             0 };
}

Resource linkOf(const QJsonObject &o)
{
    const QString home = o.value(u"agent_home_team_id"_s).toString();
    const QString agent = o.value(u"agent_id"_s).toString();
    return { Kind::Link,
             home + u'/' + agent,
             { { u"home_team"_s, home },
               { u"agent"_s, agent },
               { u"role"_s, textOf(o.value(u"role"_s)) } },
             {},
             false,
             0 };
}

// GET `path` → body[`key`] as objects; nullopt after printing the failure.
std::optional<QJsonArray> listOf(Context &ctx, const QString &path, const QString &key,
                                 const QUrlQuery &query = {})
{
    const Context::Reply r = ctx.get(path, query);
    if (!r.ok()) {
        ctx.fail(r);
        return std::nullopt;
    }
    return r.body.value(key).toArray();
}

// Every row of every scope. A policy is per name (README "Credential scopes"): it is shown on
// the team row of the name, or on its first row when there is no team row.
bool fetchCredentials(Context &ctx, State &out)
{
    const auto creds = listOf(ctx, u"/admin/credentials"_s, u"credentials"_s);
    if (!creds)
        return false;
    QHash<QString, QJsonObject> policyHolder; // name -> the row that shows its policy
    for (const QJsonValue &v : *creds) {
        const QJsonObject c = v.toObject();
        const QString name = c.value(u"name"_s).toString();
        if (!policyHolder.contains(name) || c.value(u"scope_kind"_s).toString() == u"team")
            policyHolder.insert(name, c);
    }
    for (const QJsonValue &v : *creds) {
        const QJsonObject c = v.toObject();
        const QString name = c.value(u"name"_s).toString();
        if (policyHolder.value(name) != c) {
            out.items << credentialOf(c, QJsonValue());
            continue;
        }
        const Context::Reply p = ctx.get(u"/admin/policies/"_s + seg(name));
        if (!p.ok()) {
            ctx.fail(p);
            return false;
        }
        const bool configured = p.body.value(u"configured"_s).toBool(true);
        out.items << credentialOf(c, configured ? QJsonValue(policyOf(p.body)) : QJsonValue());
    }
    return true;
}

} // namespace

QString kindName(Kind kind)
{
    switch (kind) {
    case Kind::Channel:
        return u"channel"_s;
    case Kind::Credential:
        return u"credential"_s;
    case Kind::Role:
        return u"role"_s;
    case Kind::Agent:
        return u"agent"_s;
    case Kind::Link:
        return u"link"_s;
    }
    Q_UNREACHABLE();
}

QString sectionName(Kind kind)
{
    return kindName(kind) + u's';
}

const QList<Kind> &allKinds()
{
    static const QList<Kind> kinds{ Kind::Channel, Kind::Credential, Kind::Role, Kind::Agent,
                                    Kind::Link };
    return kinds;
}

QString ValueSource::describe() const
{
    return env.isEmpty() ? u"file "_s + file : u"environment variable "_s + env;
}

const Resource *State::find(Kind kind, const QString &name) const
{
    for (const Resource &r : items) {
        if (r.kind == kind && r.name == name)
            return &r;
    }
    return nullptr;
}

void State::sort()
{
    std::stable_sort(items.begin(), items.end(), [](const Resource &a, const Resource &b) {
        return a.kind != b.kind ? a.kind < b.kind : a.name < b.name;
    });
}

QString credentialKey(const QString &name, const QString &scopeKind, const QString &scopeId)
{
    return scopeKind.isEmpty() || scopeKind == u"team"
            ? name
            : u"%1 (%2 %3)"_s.arg(name, scopeKind, scopeId);
}

QString credentialName(const QString &key)
{
    return key.section(u' ', 0, 0);
}

QString placeholderEnv(Kind kind, const QString &name)
{
    QString base = name; // a scoped row's key: "gmail (role cfo)" -> "gmail_role_cfo"
    base.replace(u" ("_s, u"_"_s).remove(u')').replace(u' ', u'_');
    QString upper;
    for (const QChar c : base.toUpper())
        upper += (c.isLetterOrNumber() && c.unicode() < 128) ? c : u'_';
    return kind == Kind::Channel ? u"TAP_CHANNEL_%1_BOT_TOKEN"_s.arg(upper)
                                 : u"TAP_CRED_"_s + upper;
}

std::optional<ServerState> fetch(Context &ctx)
{
    ServerState s;
    const Context::Reply team = ctx.get(u"/admin/team"_s);
    if (!team.ok()) {
        ctx.fail(team);
        return std::nullopt;
    }
    s.teamId = team.body.value(u"id"_s).toString();
    s.teamName = team.body.value(u"name"_s).toString();
    if (!fetchCredentials(ctx, s.state))
        return std::nullopt;
    const QList<std::tuple<QString, QString, Resource (*)(const QJsonObject &)>> lists{
        { u"/admin/roles"_s, u"roles"_s, roleOf },
        { u"/admin/agents"_s, u"agents"_s, agentOf },
        { u"/admin/notification-channels"_s, u"channels"_s, channelOf },
        { u"/admin/agent-links"_s, u"links"_s, linkOf },
    };
    for (const auto &[path, key, convert] : lists) {
        const auto rows = listOf(ctx, path, key);
        if (!rows)
            return std::nullopt;
        for (const QJsonValue &v : *rows)
            s.state.items << convert(v.toObject());
    }
    s.state.sort();
    return s;
}

} // namespace tap::cli::config
