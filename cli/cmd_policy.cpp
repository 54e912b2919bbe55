// policy set|show|delete. Wire: PUT /admin/policies/{credential} {auto_approve_methods,
// require_approval_methods, auto_approve_urls, allowed_approvers, telegram_chat_id,
// matrix_room_id, approval_channel, require_passkey}; GET returns the same fields.
#include "commands.h"
#include "helpers.h"

#include <QFile>
#include <QJsonDocument>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

const QList<std::pair<QString, QString>> kListOptions{
    { u"auto-approve-methods"_s, u"auto_approve_methods"_s },
    { u"require-approval-methods"_s, u"require_approval_methods"_s },
    { u"auto-approve-urls"_s, u"auto_approve_urls"_s },
    { u"allowed-approvers"_s, u"allowed_approvers"_s },
};
const QList<std::pair<QString, QString>> kTextOptions{
    { u"telegram-chat-id"_s, u"telegram_chat_id"_s },
    { u"matrix-room-id"_s, u"matrix_room_id"_s },
    { u"approval-channel"_s, u"approval_channel"_s },
};

int set(Context &ctx, const Invocation &inv)
{
    QJsonObject body;
    if (inv.has(u"file"_s)) {
        QFile f(inv.value(u"file"_s));
        if (!f.open(QIODevice::ReadOnly))
            return ctx.error(u"cannot read %1: %2"_s.arg(f.fileName(), f.errorString()));
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
        if (!doc.isObject())
            return ctx.error(u"%1 is not a JSON object: %2"_s.arg(f.fileName(), err.errorString()));
        body = doc.object();
    }
    for (const auto &[option, field] : kListOptions) {
        if (inv.has(option))
            body.insert(field, QJsonArray::fromStringList(inv.list(option)));
    }
    for (const auto &[option, field] : kTextOptions) {
        if (inv.has(option))
            body.insert(field, inv.value(option));
    }
    if (inv.has(u"require-passkey"_s))
        body.insert(u"require_passkey"_s, true);
    if (body.isEmpty())
        return ctx.usage(
                u"nothing to set: give at least one option (see 'tap policy set --help')"_s);
    if (!ctx.requireSession())
        return kError;
    const QString credential = inv.positionals.at(0);
    return changed(ctx, ctx.put(u"/admin/policies/"_s + seg(credential), body),
                   u"Policy of %1 set."_s.arg(credential));
}

int show(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r = ctx.get(u"/admin/policies/"_s + seg(inv.positionals.at(0)));
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json()) {
        ctx.printJson(r.body);
        return kOk;
    }
    Columns fields;
    for (const auto &[option, field] : kListOptions + kTextOptions)
        fields << std::pair{ field, QString(option).replace(u'-', u' ') };
    fields << std::pair{ u"require_passkey"_s, u"require passkey"_s };
    printFields(ctx, r.body, fields);
    return kOk;
}

int remove(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const QString credential = inv.positionals.at(0);
    return changed(ctx, ctx.remove(u"/admin/policies/"_s + seg(credential)),
                   u"Policy of %1 removed."_s.arg(credential));
}

} // namespace

QList<Command> policyCommands()
{
    const QString noun = u"policy"_s;
    QList<Option> options;
    for (const auto &[option, field] : kListOptions)
        options << Option{ option, u"A,B"_s, u"comma-separated list ("_s + field + u')' };
    for (const auto &[option, field] : kTextOptions)
        options << Option{ option, u"VALUE"_s, field };
    options << Option{ u"require-passkey"_s, {}, u"approvals need a passkey"_s }
            << Option{ u"file"_s, u"PATH"_s, u"start from a JSON policy object in PATH"_s };
    return {
        { noun,
          u"set"_s,
          u"replace the approval policy of a credential"_s,
          { u"CREDENTIAL"_s },
          options,
          u"example: tap policy set slack --auto-approve-methods GET "
          "--require-approval-methods POST,PUT,DELETE"_s,
          set },
        { noun,
          u"show"_s,
          u"show the policy of a credential"_s,
          { u"CREDENTIAL"_s },
          {},
          {},
          show },
        { noun,
          u"delete"_s,
          u"remove the policy of a credential"_s,
          { u"CREDENTIAL"_s },
          {},
          {},
          remove },
    };
}

} // namespace tap::cli
