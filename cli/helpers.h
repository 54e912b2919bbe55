// Patterns shared by the noun files: list, show one, and report a change.
#pragma once

#include "context.h"

namespace tap::cli {

using Columns = QList<std::pair<QString, QString>>;

// GET `path`; prints body[`key`] as a table (or the whole body with --json).
inline int listCommand(Context &ctx, const QString &path, const QString &key,
                       const Columns &columns, const QUrlQuery &query = {})
{
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r = ctx.get(path, query);
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json()) {
        ctx.printJson(r.body);
        return kOk;
    }
    const QJsonArray rows = r.body.value(key).toArray();
    if (rows.isEmpty()) {
        ctx.print(QStringLiteral("(none)"));
        return kOk;
    }
    ctx.printTable(rows, columns);
    return kOk;
}

// Reports the outcome of a change: the body with --json, else `message`.
inline int changed(Context &ctx, const Context::Reply &r, const QString &message)
{
    if (!r.ok())
        return ctx.fail(r);
    if (ctx.json())
        ctx.printJson(r.body);
    else
        ctx.print(message);
    return kOk;
}

// "key: value" lines of an object's fields, in the given order.
inline void printFields(Context &ctx, const QJsonObject &o, const Columns &fields)
{
    qsizetype width = 0;
    for (const auto &f : fields)
        width = std::max(width, f.second.size());
    for (const auto &f : fields)
        ctx.print(QString(f.second + u':').leftJustified(width + 2)
                  + Context::cell(o.value(f.first)));
}

inline QString seg(const QString &value)
{
    return apiclient::ApiClient::segment(value);
}

// A positive integer option; -1 when absent, 0 (and a printed error) when malformed.
inline int positiveInt(Context &ctx, const Invocation &inv, const QString &name)
{
    if (!inv.has(name))
        return -1;
    bool ok = false;
    const int n = inv.value(name).toInt(&ok);
    if (!ok || n <= 0) {
        ctx.error(QStringLiteral("--%1 must be a positive whole number").arg(name));
        return 0;
    }
    return n;
}

} // namespace tap::cli
