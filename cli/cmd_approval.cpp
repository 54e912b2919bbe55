// approval list|show|approve|deny. Wire: GET /admin/approvals?status=… → {items: […],
// next_cursor}; POST /admin/approvals/{id}/approve · /deny.
#include "commands.h"
#include "helpers.h"

#include "api/keys.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

namespace key = api::key;

const Columns kColumns{ { key::kId, u"ID"_s },
                        { key::kStatus, u"STATUS"_s },
                        { key::kAgentId, u"AGENT"_s },
                        { key::kCredential, u"CREDENTIAL"_s },
                        { key::kMethod, u"METHOD"_s },
                        { key::kTarget, u"TARGET"_s },
                        { key::kExpiresAt, u"EXPIRES"_s } };

int list(Context &ctx, const Invocation &inv)
{
    QUrlQuery query;
    const QString status = inv.value(u"status"_s, u"pending"_s);
    query.addQueryItem(key::kStatus, status);
    return listCommand(ctx, u"/admin/approvals"_s, key::kItems, kColumns, query);
}

int show(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r = ctx.get(u"/admin/approvals/"_s + seg(inv.positionals.at(0)));
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json())
        ctx.printJson(r.body);
    else
        printFields(ctx, r.body,
                    kColumns
                            + Columns{ { key::kBodyPreview, u"BODY"_s },
                                       { key::kDecidedBy, u"DECIDED BY"_s },
                                       { key::kDecidedAt, u"DECIDED AT"_s } });
    return kOk;
}

int decide(Context &ctx, const Invocation &inv, bool approve)
{
    if (!ctx.requireSession())
        return kError;
    const QString id = inv.positionals.at(0);
    // tapd takes no body here (no reason or extra allowed host yet): offer nothing it ignores.
    const QJsonObject body;
    const Context::Reply r = ctx.post(
            u"/admin/approvals/%1/%2"_s.arg(seg(id), approve ? u"approve"_s : u"deny"_s), body);
    return changed(ctx, r, u"Request %1 %2."_s.arg(id, approve ? u"approved"_s : u"denied"_s));
}

} // namespace

QList<Command> approvalCommands()
{
    const QString noun = u"approval"_s;
    return {
        { noun,
          u"list"_s,
          u"list approval requests (pending by default)"_s,
          {},
          { { u"status"_s, u"STATUS"_s,
              u"pending (default), forwarded, denied, expired, failed or all"_s } },
          {},
          list },
        { noun, u"show"_s, u"show one approval request"_s, { u"ID"_s }, {}, {}, show },
        { noun,
          u"approve"_s,
          u"approve a pending request"_s,
          { u"ID"_s },
          {},
          {},
          [](Context &c, const Invocation &i) { return decide(c, i, true); } },
        { noun,
          u"deny"_s,
          u"deny a pending request"_s,
          { u"ID"_s },
          {},
          {},
          [](Context &c, const Invocation &i) { return decide(c, i, false); } },
        approvalWatchCommand(),
    };
}

} // namespace tap::cli
