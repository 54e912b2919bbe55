// credential create|list|show|delete|set-value (alias: tap add). Wire: POST /admin/credentials
// {name, description, connector, api_base, relative_target, auth_header_format, allowed_hosts,
// value}; GET → {credentials: […]}; PUT /admin/credentials/{name}/value {value}.
#include "commands.h"
#include "helpers.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

const QString kValuePrompt = u"Value for %1 (not echoed; empty for none): "_s;

QJsonObject createBody(const Invocation &inv, const QString &name)
{
    QJsonObject body{ { u"name"_s, name },
                      { u"description"_s, inv.value(u"description"_s, name) } };
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
    if (!ctx.requireSession())
        return kError;
    QJsonObject body = createBody(inv, name);
    if (!inv.has(u"no-value"_s)) {
        bool ok = false;
        const QString value = ctx.readSecret(inv, u"value-file"_s, kValuePrompt.arg(name), &ok);
        if (!ok)
            return kError;
        if (!value.isEmpty())
            body.insert(u"value"_s, value);
    }
    const Context::Reply r = ctx.post(u"/admin/credentials"_s, body);
    return changed(
            ctx, r,
            u"Credential %1 created%2."_s.arg(
                    name, body.contains(u"value"_s) ? u" with its value"_s : u" (no value yet)"_s));
}

int list(Context &ctx, const Invocation &)
{
    return listCommand(ctx, u"/admin/credentials"_s, u"credentials"_s,
                       { { u"name"_s, u"NAME"_s },
                         { u"connector"_s, u"CONNECTOR"_s },
                         { u"has_value"_s, u"VALUE"_s },
                         { u"api_base"_s, u"API BASE"_s },
                         { u"description"_s, u"DESCRIPTION"_s } });
}

int show(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r = ctx.get(u"/admin/credentials/"_s + seg(inv.positionals.at(0)));
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json())
        ctx.printJson(r.body);
    else
        printFields(ctx, r.body,
                    { { u"name"_s, u"name"_s },
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

int remove(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    return changed(ctx, ctx.remove(u"/admin/credentials/"_s + seg(name)),
                   u"Credential %1 deleted."_s.arg(name));
}

int setValue(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    bool ok = false;
    const QString value = ctx.readSecret(inv, u"value-file"_s, kValuePrompt.arg(name), &ok);
    if (!ok)
        return kError;
    if (value.isEmpty())
        return ctx.error(u"no value given"_s);
    return changed(
            ctx,
            ctx.put(u"/admin/credentials/"_s + seg(name) + u"/value"_s, { { u"value"_s, value } }),
            u"Value of %1 replaced."_s.arg(name));
}

const Option kValueFile{ u"value-file"_s, u"PATH"_s,
                         u"read the secret value from PATH ('-' = stdin); default: a no-echo "
                         "prompt on a terminal, else stdin"_s };

} // namespace

QList<Command> credentialCommands()
{
    const QString noun = u"credential"_s;
    return {
        { noun,
          u"create"_s,
          u"create a credential (alias: tap add)"_s,
          { u"[NAME]"_s },
          { { u"name"_s, u"NAME"_s, u"the credential's name (or the first argument)"_s },
            { u"description"_s, u"TEXT"_s, u"what it is for (default: the name)"_s },
            { u"connector"_s, u"direct|sidecar"_s, u"routing strategy (default direct)"_s },
            { u"api-base"_s, u"URL"_s, u"base URL of the API"_s },
            { u"relative-target"_s, {}, u"X-TAP-Target is a path under --api-base"_s },
            { u"auth-header-format"_s, u"FORMAT"_s, u"e.g. \"Bearer {value}\""_s },
            { u"allowed-hosts"_s, u"H1,H2"_s, u"hosts the credential may be sent to"_s },
            kValueFile,
            { u"no-value"_s, {}, u"create without a value (set it later with set-value)"_s } },
          u"example: tap add slack --api-base https://slack.com/api --value-file slack.token"_s,
          create },
        { noun, u"list"_s, u"list credentials (never their values)"_s, {}, {}, {}, list },
        { noun, u"show"_s, u"show one credential"_s, { u"NAME"_s }, {}, {}, show },
        { noun,
          u"set-value"_s,
          u"replace a credential's secret value"_s,
          { u"NAME"_s },
          { kValueFile },
          {},
          setValue },
        { noun,
          u"delete"_s,
          u"delete a credential (and its grants and policy)"_s,
          { u"NAME"_s },
          {},
          {},
          remove },
    };
}

} // namespace tap::cli
