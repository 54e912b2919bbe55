// credential create|list|show|update|delete|set-value|connect (alias: tap add). Wire: POST
// /admin/credentials {name, kind, scope_kind, scope_id, description, connector, api_base,
// relative_target, auth_header_format, allowed_hosts, <kind settings>, value}; GET →
// {credentials: […]};
// PATCH /admin/credentials/{name}; PUT /admin/credentials/{name}/value {value}. A row other than
// the team's is addressed with ?scope_kind=&scope_id= (--scope-kind, --scope-id).
#include "commands.h"
#include "helpers.h"

#include <QJsonDocument>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

const QString kValuePrompt = u"Value for %1 (not echoed; empty for none): "_s;
const QString kPartsPrompt =
        u"Parts of %1 as one JSON object, e.g. {\"consumer_key\": \"…\"} (not echoed): "_s;

// The settings of the kinds (README "Signing credentials"): option → wire field.
const QList<std::pair<QString, QString>> &kindSettings()
{
    static const QList<std::pair<QString, QString>> settings{
        { u"region"_s, u"region"_s },       { u"service"_s, u"service"_s },
        { u"token-url"_s, u"token_url"_s }, { u"authorize-url"_s, u"authorize_url"_s },
        { u"scopes"_s, u"scopes"_s },
    };
    return settings;
}

// A signing kind's value: the secret text must be one JSON object of its parts (the server
// checks the part names). kOk, or kError after the message (which never repeats the text).
int partsOf(Context &ctx, const QString &kind, const QString &text, QJsonValue *out)
{
    if (kind == u"static") {
        *out = text;
        return kOk;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return ctx.error(u"a %1 credential's value is one JSON object of its parts, e.g. "
                         "{\"access_key_id\": \"…\", \"secret_access_key\": \"…\"}; "
                         "what was given is not a JSON object"_s.arg(kind));
    *out = doc.object();
    return kOk;
}

// --scope-kind/--scope-id: which row of a name (README "Credential scopes"). kOk, or kUsage
// after the message.
int readScope(Context &ctx, const Invocation &inv, QString *kind, QString *id)
{
    *kind = inv.value(u"scope-kind"_s, u"team"_s);
    *id = inv.value(u"scope-id"_s);
    if (*kind != u"team" && *kind != u"role" && *kind != u"agent")
        return ctx.usage(u"--scope-kind must be team, role or agent, not '%1'"_s.arg(*kind));
    if (*kind == u"team" && !id->isEmpty())
        return ctx.usage(u"--scope-id goes with --scope-kind role or agent"_s);
    if (*kind != u"team" && id->isEmpty())
        return ctx.usage(u"--scope-kind %1 needs --scope-id"_s.arg(*kind));
    return kOk;
}

// The query that addresses one row (none for the team row, the API's default).
QUrlQuery scopeQuery(const QString &kind, const QString &id)
{
    QUrlQuery q;
    if (kind != u"team") {
        q.addQueryItem(u"scope_kind"_s, kind);
        q.addQueryItem(u"scope_id"_s, id);
    }
    return q;
}

// "slack", "slack (role cfo)".
QString label(const QString &name, const QString &kind, const QString &id)
{
    return kind == u"team" ? name : u"%1 (%2 %3)"_s.arg(name, kind, id);
}

// The fields create and update share, as given.
QJsonObject fieldsBody(const Invocation &inv)
{
    QJsonObject body;
    if (inv.has(u"description"_s))
        body.insert(u"description"_s, inv.value(u"description"_s));
    if (inv.has(u"connector"_s))
        body.insert(u"connector"_s, inv.value(u"connector"_s));
    if (inv.has(u"api-base"_s))
        body.insert(u"api_base"_s, inv.value(u"api-base"_s));
    if (inv.has(u"relative-target"_s))
        body.insert(u"relative_target"_s, true);
    if (inv.has(u"auth-header-format"_s))
        body.insert(u"auth_header_format"_s, inv.value(u"auth-header-format"_s));
    if (inv.has(u"allowed-hosts"_s))
        body.insert(u"allowed_hosts"_s, QJsonArray::fromStringList(inv.list(u"allowed-hosts"_s)));
    for (const auto &[option, field] : kindSettings()) {
        if (inv.has(option))
            body.insert(field, inv.value(option));
    }
    return body;
}

QJsonObject createBody(const Invocation &inv, const QString &name, const QString &kind,
                       const QString &id)
{
    QJsonObject body = fieldsBody(inv);
    body.insert(u"name"_s, name);
    if (!body.contains(u"description"_s))
        body.insert(u"description"_s, name);
    if (kind != u"team") {
        body.insert(u"scope_kind"_s, kind);
        body.insert(u"scope_id"_s, id);
    }
    return body;
}

QString nameOf(const Invocation &inv)
{
    return inv.positionals.value(0, inv.value(u"name"_s));
}

int create(Context &ctx, const Invocation &inv)
{
    const QString name = nameOf(inv);
    if (name.isEmpty())
        return ctx.usage(u"no credential name: 'tap credential create NAME' or --name NAME"_s);
    QString kind, id;
    if (const int bad = readScope(ctx, inv, &kind, &id))
        return bad;
    if (!ctx.requireSession())
        return kError;
    QJsonObject body = createBody(inv, name, kind, id);
    const QString credentialKind = inv.value(u"kind"_s, u"static"_s);
    static const QStringList kinds{ u"static"_s, u"oauth1"_s, u"aws_sigv4"_s, u"oauth2"_s };
    if (!kinds.contains(credentialKind))
        return ctx.usage(u"--kind must be static, oauth1, aws_sigv4 or oauth2, not '%1'"_s.arg(
                credentialKind));
    if (credentialKind != u"static")
        body.insert(u"kind"_s, credentialKind);
    if (!inv.has(u"no-value"_s)) {
        bool ok = false;
        const QString prompt =
                (credentialKind == u"static" ? kValuePrompt : kPartsPrompt).arg(name);
        const QString value = ctx.readSecret(inv, u"value-file"_s, prompt, &ok);
        if (!ok)
            return kError;
        QJsonValue wire;
        if (!value.isEmpty() && partsOf(ctx, credentialKind, value, &wire) != kOk)
            return kError;
        if (!value.isEmpty())
            body.insert(u"value"_s, wire);
    }
    const Context::Reply r = ctx.post(u"/admin/credentials"_s, body);
    return changed(ctx, r,
                   u"Credential %1 created%2."_s.arg(label(name, kind, id),
                                                     body.contains(u"value"_s)
                                                             ? u" with its value"_s
                                                             : u" (no value yet)"_s));
}

// Filters: --scope-kind alone, or with --scope-id.
int list(Context &ctx, const Invocation &inv)
{
    QUrlQuery filter;
    if (inv.has(u"scope-kind"_s)) {
        const QString kind = inv.value(u"scope-kind"_s);
        if (kind != u"team" && kind != u"role" && kind != u"agent")
            return ctx.usage(u"--scope-kind must be team, role or agent, not '%1'"_s.arg(kind));
        filter.addQueryItem(u"scope_kind"_s, kind);
    }
    if (inv.has(u"scope-id"_s))
        filter.addQueryItem(u"scope_id"_s, inv.value(u"scope-id"_s));
    return listCommand(ctx, u"/admin/credentials"_s, u"credentials"_s,
                       { { u"name"_s, u"NAME"_s },
                         { u"kind"_s, u"KIND"_s },
                         { u"scope_kind"_s, u"SCOPE"_s },
                         { u"scope_id"_s, u"SCOPE ID"_s },
                         { u"connector"_s, u"CONNECTOR"_s },
                         { u"has_value"_s, u"VALUE"_s },
                         { u"api_base"_s, u"API BASE"_s },
                         { u"description"_s, u"DESCRIPTION"_s } },
                       filter);
}

int show(Context &ctx, const Invocation &inv)
{
    QString kind, id;
    if (const int bad = readScope(ctx, inv, &kind, &id))
        return bad;
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r =
            ctx.get(u"/admin/credentials/"_s + seg(inv.positionals.at(0)), scopeQuery(kind, id));
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json())
        ctx.printJson(r.body);
    else
        printFields(ctx, r.body,
                    { { u"name"_s, u"name"_s },
                      { u"kind"_s, u"kind"_s },
                      { u"parts_set"_s, u"parts set"_s },
                      { u"region"_s, u"region"_s },
                      { u"service"_s, u"service"_s },
                      { u"token_url"_s, u"token url"_s },
                      { u"authorize_url"_s, u"authorize url"_s },
                      { u"scopes"_s, u"scopes"_s },
                      { u"scope_kind"_s, u"scope"_s },
                      { u"scope_id"_s, u"scope id"_s },
                      { u"description"_s, u"description"_s },
                      { u"connector"_s, u"connector"_s },
                      { u"api_base"_s, u"api base"_s },
                      { u"relative_target"_s, u"relative target"_s },
                      { u"auth_header_format"_s, u"auth header"_s },
                      { u"allowed_hosts"_s, u"allowed hosts"_s },
                      { u"has_value"_s, u"has value"_s },
                      { u"updated_at"_s, u"updated"_s } });
    return kOk;
}

int update(Context &ctx, const Invocation &inv)
{
    QString kind, id;
    if (const int bad = readScope(ctx, inv, &kind, &id))
        return bad;
    const QJsonObject body = fieldsBody(inv);
    if (body.isEmpty())
        return ctx.usage(u"nothing to change: give --description, --connector, --api-base, "
                         "--relative-target, --auth-header-format, --allowed-hosts or a kind's "
                         "setting (--region, --service, --token-url, --authorize-url, "
                         "--scopes)"_s);
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    return changed(ctx, ctx.patch(u"/admin/credentials/"_s + seg(name), body, scopeQuery(kind, id)),
                   u"Credential %1 updated."_s.arg(label(name, kind, id)));
}

int remove(Context &ctx, const Invocation &inv)
{
    QString kind, id;
    if (const int bad = readScope(ctx, inv, &kind, &id))
        return bad;
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    return changed(ctx, ctx.remove(u"/admin/credentials/"_s + seg(name), scopeQuery(kind, id)),
                   u"Credential %1 deleted."_s.arg(label(name, kind, id)));
}

int setValue(Context &ctx, const Invocation &inv)
{
    QString kind, id;
    if (const int bad = readScope(ctx, inv, &kind, &id))
        return bad;
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    // The row's kind says whether the value is one text or an object of parts.
    const QString path = u"/admin/credentials/"_s + seg(name);
    const Context::Reply row = ctx.get(path, scopeQuery(kind, id));
    if (!row.ok())
        return ctx.fail(row);
    const QString credentialKind = row.body.value(u"kind"_s).toString(u"static"_s);
    bool ok = false;
    const QString prompt = (credentialKind == u"static" ? kValuePrompt : kPartsPrompt).arg(name);
    const QString value = ctx.readSecret(inv, u"value-file"_s, prompt, &ok);
    if (!ok)
        return kError;
    if (value.isEmpty())
        return ctx.error(u"no value given"_s);
    QJsonValue wire;
    if (partsOf(ctx, credentialKind, value, &wire) != kOk)
        return kError;
    return changed(ctx, ctx.put(path + u"/value"_s, { { u"value"_s, wire } }, scopeQuery(kind, id)),
                   u"Value of %1 replaced."_s.arg(label(name, kind, id)));
}

// README "Connecting an OAuth 2.0 credential": the URL to open in a browser; the provider
// sends the browser back to tapd, which stores the refresh token on the row.
int connectRow(Context &ctx, const Invocation &inv)
{
    QString kind, id;
    if (const int bad = readScope(ctx, inv, &kind, &id))
        return bad;
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    const Context::Reply r = ctx.post(u"/admin/credentials/"_s + seg(name) + u"/connect"_s, {},
                                      scopeQuery(kind, id));
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json()) {
        ctx.printJson(r.body);
        return kOk;
    }
    const QJsonObject &o = r.body;
    ctx.print(u"Open this address in a browser to connect %1 (valid until %2):"_s.arg(
            label(name, kind, id), o.value(u"expires_at"_s).toString()));
    ctx.print(o.value(u"authorization_url"_s).toString());
    return kOk;
}

const Option kScopeKind{ u"scope-kind"_s, u"team|role|agent"_s,
                         u"the row's scope (default team: the whole team's row)"_s };
const Option kScopeId{ u"scope-id"_s, u"ID"_s,
                       u"the role's name, or the agent's id (<home team id>/<agent id> for an "
                       "agent linked in)"_s };

const Option kValueFile{ u"value-file"_s, u"PATH"_s,
                         u"read the secret value from PATH ('-' = stdin); default: a no-echo "
                         "prompt on a terminal, else stdin"_s };

QList<Option> fieldOptions(const QString &descriptionHelp)
{
    return { { u"description"_s, u"TEXT"_s, descriptionHelp },
             { u"connector"_s, u"direct|sidecar"_s, u"routing strategy (default direct)"_s },
             { u"api-base"_s, u"URL"_s, u"base URL of the API"_s },
             { u"relative-target"_s, {}, u"X-TAP-Target is a path under --api-base"_s },
             { u"auth-header-format"_s, u"FORMAT"_s, u"e.g. \"Bearer {value}\""_s },
             { u"allowed-hosts"_s, u"H1,H2"_s, u"hosts the credential may be sent to"_s },
             { u"region"_s, u"REGION"_s, u"aws_sigv4: the AWS region, e.g. us-east-1"_s },
             { u"service"_s, u"SERVICE"_s, u"aws_sigv4: the AWS service, e.g. s3"_s },
             { u"token-url"_s, u"URL"_s, u"oauth2: the provider's token endpoint"_s },
             { u"authorize-url"_s, u"URL"_s,
               u"oauth2: the provider's authorization endpoint (for connect)"_s },
             { u"scopes"_s, u"\"S1 S2\""_s, u"oauth2: the scopes to ask for"_s } };
}

} // namespace

QList<Command> credentialCommands()
{
    const QString noun = u"credential"_s;
    return {
        { noun,
          u"create"_s,
          u"create a credential (alias: tap add)"_s,
          { u"[NAME]"_s },
          QList<Option>{
                  { u"name"_s, u"NAME"_s, u"the credential's name (or the first argument)"_s },
                  { u"kind"_s, u"static|oauth1|aws_sigv4|oauth2"_s,
                    u"what the credential is (default static: one value); a signing kind's "
                    "value is a JSON object of its parts"_s },
                  kScopeKind,
                  kScopeId }
                  + fieldOptions(u"what it is for (default: the name)"_s)
                  + QList<Option>{ kValueFile,
                                   { u"no-value"_s,
                                     {},
                                     u"create without a value (set it later with set-value)"_s } },
          u"example: tap add slack --api-base https://slack.com/api --value-file slack.token\n"
          "a row for one role: tap credential create quickbooks --scope-kind role --scope-id cfo\n"
          "a signing kind: tap credential create s3 --kind aws_sigv4 --region eu-central-1 "
          "--service s3 --value-file s3-parts.json"_s,
          create },
        { noun,
          u"list"_s,
          u"list credentials of every scope (never their values)"_s,
          {},
          { { u"scope-kind"_s, u"team|role|agent"_s, u"only rows of this scope kind"_s },
            { u"scope-id"_s, u"ID"_s, u"only rows of this role or agent"_s } },
          {},
          list },
        { noun,
          u"show"_s,
          u"show one credential"_s,
          { u"NAME"_s },
          { kScopeKind, kScopeId },
          {},
          show },
        { noun,
          u"update"_s,
          u"change a credential's settings (not its value)"_s,
          { u"NAME"_s },
          QList<Option>{ kScopeKind, kScopeId } + fieldOptions(u"what it is for"_s),
          {},
          update },
        { noun,
          u"set-value"_s,
          u"replace a credential's secret value"_s,
          { u"NAME"_s },
          { kScopeKind, kScopeId, kValueFile },
          {},
          setValue },
        { noun,
          u"delete"_s,
          u"delete a credential (a team row: with its grants; the last row of a name: with its "
          "policy)"_s,
          { u"NAME"_s },
          { kScopeKind, kScopeId },
          {},
          remove },
        { noun,
          u"connect"_s,
          u"start the OAuth 2.0 connection of an oauth2 credential: prints the provider's "
          "authorization URL to open in a browser"_s,
          { u"NAME"_s },
          { kScopeKind, kScopeId },
          u"example: tap credential connect gmail --scope-kind agent --scope-id assistant"_s,
          connectRow },
    };
}

} // namespace tap::cli
