// One change of a plan, as admin API calls. Wire shapes: see the cmd_<noun>.cpp files.
#include "config_plan.h"
#include "context.h"
#include "helpers.h"

#include <QJsonDocument>

namespace tap::cli::config {

using namespace Qt::StringLiterals;

namespace {

const QString kChannels = u"/admin/notification-channels"_s;
const QString kLinks = u"/admin/agent-links"_s;

QString replyError(const Context::Reply &r)
{
    if (r.status == 0)
        return u"cannot reach the server: "_s + r.errorMessage();
    QString message = r.errorMessage().simplified();
    if (!r.error.code.isEmpty())
        message += u" (%1)"_s.arg(r.error.code);
    return message;
}

// Runs the calls in order; stops at the first refusal.
class Calls
{
public:
    Calls(Context &ctx, Change &change) : m_ctx(ctx), m_change(change) { }
    bool ok() const { return m_change.error.isEmpty(); }
    void check(const Context::Reply &r)
    {
        if (r.ok()) {
            ++m_done;
            return;
        }
        m_change.error = replyError(r);
        if (m_done > 0)
            m_change.error +=
                    u" (partly applied: %1 earlier step%2 of this change succeeded)"_s.arg(m_done)
                            .arg(m_done == 1 ? QString() : u"s"_s);
    }
    void post(const QString &path, const QJsonObject &body = {})
    {
        if (ok())
            check(m_ctx.post(path, body));
    }
    void put(const QString &path, const QJsonObject &body, const QUrlQuery &query = {})
    {
        if (ok())
            check(m_ctx.put(path, body, query));
    }
    void patch(const QString &path, const QJsonObject &body, const QUrlQuery &query = {})
    {
        if (ok())
            check(m_ctx.patch(path, body, query));
    }
    void remove(const QString &path, const QUrlQuery &query = {})
    {
        if (ok())
            check(m_ctx.remove(path, query));
    }

private:
    Context &m_ctx;
    Change &m_change;
    int m_done = 0;
};

QString pathOf(Kind kind, const QString &name, const QJsonObject &fields)
{
    switch (kind) {
    case Kind::Credential:
        return u"/admin/credentials/"_s + seg(credentialName(name));
    case Kind::Role:
        return u"/admin/roles/"_s + seg(name);
    case Kind::Agent:
        return u"/admin/agents/"_s + seg(name);
    case Kind::Channel:
        return kChannels + u'/' + seg(name);
    case Kind::Link:
        return kLinks + u'/' + seg(fields.value(u"home_team"_s).toString()) + u'/'
                + seg(fields.value(u"agent"_s).toString());
    }
    Q_UNREACHABLE();
}

// The row of a credential other than the team's (README "Credential scopes").
QUrlQuery queryOf(Kind kind, const QJsonObject &fields)
{
    QUrlQuery q;
    const QString scope = fields.value(u"scope_kind"_s).toString(u"team"_s);
    if (kind == Kind::Credential && scope != u"team") {
        q.addQueryItem(u"scope_kind"_s, scope);
        q.addQueryItem(u"scope_id"_s, fields.value(u"scope_id"_s).toString());
    }
    return q;
}

QJsonObject credentialBody(const QJsonObject &f)
{
    QJsonObject body{ { u"description"_s, f.value(u"description"_s) },
                      { u"connector"_s, f.value(u"connector"_s) },
                      { u"relative_target"_s, f.value(u"relative_target"_s) },
                      { u"auth_header_format"_s, f.value(u"auth_header_format"_s) },
                      { u"allowed_hosts"_s, f.value(u"allowed_hosts"_s) },
                      { u"body_placeholder_fields"_s, f.value(u"body_placeholder_fields"_s) } };
    body.insert(u"api_base"_s, f.value(u"api_base"_s).toString());
    // A kind's settings (README "Signing credentials"), as far as the file sets them.
    for (const char *setting : { "region", "service", "token_url", "authorize_url", "scopes" }) {
        const QString value = f.value(QLatin1String(setting)).toString();
        if (!value.isEmpty())
            body.insert(QLatin1String(setting), value);
    }
    return body;
}

// The wire form of a credential's secret: the text of a static value; a signing kind's parts
// as the JSON object the file's source holds (checked by readSecrets()).
QJsonValue secretValue(const QJsonObject &fields, const QString &secret)
{
    if (fields.value(u"kind"_s).toString(u"static"_s) == u"static")
        return secret;
    return QJsonDocument::fromJson(secret.toUtf8()).object();
}

QJsonObject policyBody(const QJsonObject &p)
{
    QJsonObject body = p;
    for (const QString &key :
         { u"telegram_chat_id"_s, u"matrix_room_id"_s, u"approval_channel"_s }) {
        if (body.value(key).toString().isEmpty())
            body.insert(key, QJsonValue());
    }
    return body;
}

void credential(Calls &calls, const Change &c, const QString &secret)
{
    const QString path = pathOf(c.kind, c.name, {});
    const QString name = credentialName(c.name);
    const QJsonObject &f = c.desired.fields;
    const QUrlQuery row = queryOf(c.kind, f);
    const QJsonValue policy = f.value(u"policy"_s);
    if (c.op == Change::Op::Create) {
        QJsonObject body = credentialBody(f);
        body.insert(u"name"_s, name);
        if (!row.isEmpty()) {
            body.insert(u"scope_kind"_s, f.value(u"scope_kind"_s));
            body.insert(u"scope_id"_s, f.value(u"scope_id"_s));
        }
        if (body.value(u"api_base"_s).toString().isEmpty())
            body.remove(u"api_base"_s);
        const QString kind = f.value(u"kind"_s).toString(u"static"_s);
        if (kind != u"static")
            body.insert(u"kind"_s, kind);
        if (!secret.isEmpty())
            body.insert(u"value"_s, secretValue(f, secret));
        calls.post(u"/admin/credentials"_s, body);
        if (policy.isObject())
            calls.put(u"/admin/policies/"_s + seg(name), policyBody(policy.toObject()));
        return;
    }
    QJsonObject settings = f;
    settings.remove(u"policy"_s);
    QJsonObject before = c.current.fields;
    const QJsonValue oldPolicy = before.take(u"policy"_s);
    if (settings != before)
        calls.patch(path, credentialBody(f), row);
    if (policy.isObject() && policy != oldPolicy)
        calls.put(u"/admin/policies/"_s + seg(name), policyBody(policy.toObject()));
    else if (!policy.isObject() && oldPolicy.isObject())
        calls.remove(u"/admin/policies/"_s + seg(name));
    if (c.setSecret)
        calls.put(path + u"/value"_s, { { u"value"_s, secretValue(f, secret) } }, row);
}

QJsonObject agentBody(const QJsonObject &f)
{
    return { { u"description"_s, f.value(u"description"_s) },
             { u"roles"_s, f.value(u"roles"_s) },
             { u"credentials"_s, f.value(u"credentials"_s) },
             { u"rate_limit_per_hour"_s, f.value(u"rate_limit_per_hour"_s) } };
}

void agent(Calls &calls, const Change &c)
{
    const QString path = pathOf(c.kind, c.name, {});
    const QJsonObject &f = c.desired.fields;
    const bool enabled = f.value(u"enabled"_s).toBool();
    if (c.op == Change::Op::Create) {
        QJsonObject body = agentBody(f);
        body.insert(u"id"_s, c.name);
        // The reply holds the new API key: it is dropped, never printed.
        calls.post(u"/admin/agents"_s, body);
        if (!enabled)
            calls.post(path + u"/disable"_s);
        return;
    }
    QJsonObject settings = f;
    QJsonObject before = c.current.fields;
    const bool wasEnabled = before.take(u"enabled"_s).toBool();
    settings.remove(u"enabled"_s);
    if (settings != before)
        calls.patch(path, agentBody(f));
    if (enabled != wasEnabled)
        calls.post(path + (enabled ? u"/enable"_s : u"/disable"_s));
}

void role(Calls &calls, const Change &c)
{
    const QJsonObject &f = c.desired.fields;
    QJsonObject body{ { u"name"_s, c.name },
                      { u"description"_s, f.value(u"description"_s) },
                      { u"credentials"_s, f.value(u"credentials"_s) },
                      { u"rate_limit_per_hour"_s, f.value(u"rate_limit_per_hour"_s) } };
    if (c.op == Change::Op::Create)
        calls.post(u"/admin/roles"_s, body);
    else
        calls.put(pathOf(c.kind, c.name, {}), body);
}

void channel(Calls &calls, const Change &c, const QString &secret)
{
    if (c.replace)
        calls.remove(pathOf(c.kind, c.name, {}));
    QJsonObject config = c.desired.fields.value(u"config"_s).toObject();
    if (!secret.isEmpty())
        config.insert(u"bot_token"_s, secret);
    calls.post(kChannels,
               { { u"name"_s, c.name },
                 { u"channel_type"_s, c.desired.fields.value(u"type"_s) },
                 { u"config"_s, config } });
}

void link(Calls &calls, const Change &c)
{
    const QJsonObject &f = c.desired.fields;
    if (c.replace)
        calls.remove(pathOf(c.kind, c.name, c.current.fields));
    QJsonObject body{ { u"agent_home_team_id"_s, f.value(u"home_team"_s) },
                      { u"agent_id"_s, f.value(u"agent"_s) } };
    if (!f.value(u"role"_s).toString().isEmpty())
        body.insert(u"role"_s, f.value(u"role"_s));
    calls.post(kLinks, body);
}

} // namespace

bool applyChange(Context &ctx, Change &change, const QHash<QString, QString> &secrets)
{
    Calls calls(ctx, change);
    const QString secret = secrets.value(kindName(change.kind) + u'/' + change.name);
    if (change.op == Change::Op::Delete) {
        calls.remove(pathOf(change.kind, change.name, change.current.fields),
                     queryOf(change.kind, change.current.fields));
    } else {
        switch (change.kind) {
        case Kind::Credential:
            credential(calls, change, secret);
            break;
        case Kind::Role:
            role(calls, change);
            break;
        case Kind::Agent:
            agent(calls, change);
            break;
        case Kind::Channel:
            channel(calls, change, secret);
            break;
        case Kind::Link:
            link(calls, change);
            break;
        }
    }
    change.status = calls.ok() ? Change::Status::Applied : Change::Status::Failed;
    return calls.ok();
}

} // namespace tap::cli::config
