// status and logs. Wire: GET /healthz, /readyz, /metrics (tap_build_info), /admin/team,
// /admin/server (backend, schema, master-key fingerprint), the list endpoints for counts; GET /admin/audit?filters&cursor → {items: [{seq, ts, …}],
// next_cursor} (ascending by seq; the cursor is the last seq seen).
#include "commands.h"
#include "helpers.h"

#include "api/server.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

QString serverVersion(Context &ctx)
{
    const Context::Reply r = ctx.get(u"/metrics"_s);
    static const QRegularExpression re(u"tap_build_info\\{version=\"([^\"]+)\"\\}"_s);
    const auto m = re.match(QString::fromUtf8(r.raw));
    return m.hasMatch() ? m.captured(1) : QString();
}

QJsonValue count(Context &ctx, const QString &path, const QString &key, const QUrlQuery &query = {})
{
    const Context::Reply r = ctx.get(path, query);
    return r.ok() ? QJsonValue(r.body.value(key).toArray().size()) : QJsonValue();
}

int status(Context &ctx, const Invocation &)
{
    const Context::Reply health = ctx.get(u"/healthz"_s);
    if (health.status == 0)
        return ctx.fail(health);
    const Context::Reply ready = ctx.get(u"/readyz"_s);
    QJsonObject out{ { u"url"_s, ctx.url() },
                     { u"healthy"_s, health.ok() },
                     { u"database_ready"_s, ready.ok() },
                     { u"server_version"_s, serverVersion(ctx) },
                     { u"cli_version"_s, QStringLiteral(TAP_VERSION) } };
    bool sessionOk = false;
    if (ctx.client().hasSession()) {
        const Context::Reply team = ctx.get(u"/admin/team"_s);
        if (team.status == 401)
            return ctx.fail(team);
        sessionOk = team.ok();
        if (sessionOk) {
            out.insert(u"team"_s, team.body.value(u"name"_s));
            out.insert(u"team_id"_s, team.body.value(u"id"_s));
            out.insert(u"role"_s, team.body.value(u"your_role"_s));
            if (const Context::Reply server = ctx.get(u"/admin/server"_s); server.ok()) {
                const api::ServerInfo info = api::ServerInfo::decode(server.body);
                out.insert(u"database"_s, info.database);
                out.insert(u"schema_version"_s, info.schemaVersion);
                out.insert(u"master_key_fingerprint"_s, info.masterKeyFingerprint);
            }
            QJsonObject counts{
                { u"credentials"_s, count(ctx, u"/admin/credentials"_s, u"credentials"_s) },
                { u"agents"_s, count(ctx, u"/admin/agents"_s, u"agents"_s) },
                { u"roles"_s, count(ctx, u"/admin/roles"_s, u"roles"_s) },
                { u"members"_s, count(ctx, u"/admin/members"_s, u"members"_s) },
                { u"channels"_s, count(ctx, u"/admin/notification-channels"_s, u"channels"_s) },
            };
            out.insert(u"counts"_s, counts);
            QUrlQuery pending;
            pending.addQueryItem(u"status"_s, u"pending"_s);
            out.insert(u"pending_approvals"_s,
                       count(ctx, u"/admin/approvals"_s, u"items"_s, pending));
        }
    }
    if (ctx.json()) {
        ctx.printJson(out);
    } else {
        ctx.print(u"server:   %1 (%2, database %3)"_s.arg(
                ctx.url(), health.ok() ? u"up"_s : u"unhealthy"_s,
                ready.ok() ? u"ready"_s : u"NOT reachable"_s));
        ctx.print(u"version:  tapd %1, tap %2"_s.arg(Context::cell(out.value(u"server_version"_s)),
                                                     QStringLiteral(TAP_VERSION)));
        if (!sessionOk) {
            ctx.print(u"session:  not logged in (run 'tap login' for team details)"_s);
        } else {
            ctx.print(u"team:     %1 (%2), you are %3"_s.arg(Context::cell(out.value(u"team"_s)),
                                                             Context::cell(out.value(u"team_id"_s)),
                                                             Context::cell(out.value(u"role"_s))));
            ctx.print(u"database: %1 (schema %2)"_s.arg(
                    Context::cell(out.value(u"database"_s)),
                    Context::cell(out.value(u"schema_version"_s))));
            ctx.print(
                    u"master key: %1"_s.arg(Context::cell(out.value(u"master_key_fingerprint"_s))));
            const QJsonObject counts = out.value(u"counts"_s).toObject();
            QStringList parts;
            for (const QString &k : counts.keys())
                parts << u"%1 %2"_s.arg(Context::cell(counts.value(k)), k);
            ctx.print(u"counts:   "_s + parts.join(u", "_s));
            ctx.print(u"pending approvals: "_s + Context::cell(out.value(u"pending_approvals"_s)));
        }
    }
    return health.ok() && ready.ok() ? kOk : kError;
}

const Columns kLogColumns{ { u"ts"_s, u"TIME"_s },           { u"kind"_s, u"KIND"_s },
                           { u"action"_s, u"ACTION"_s },     { u"actor"_s, u"ACTOR"_s },
                           { u"agent_id"_s, u"AGENT"_s },    { u"credential"_s, u"CREDENTIAL"_s },
                           { u"method"_s, u"METHOD"_s },     { u"target"_s, u"TARGET"_s },
                           { u"decision"_s, u"DECISION"_s }, { u"status"_s, u"STATUS"_s } };

const QList<std::pair<QString, QString>> kLogFilters{
    { u"kind"_s, u"kind"_s },
    { u"action"_s, u"action"_s },
    { u"actor"_s, u"actor"_s },
    { u"agent"_s, u"agent_id"_s },
    { u"credential"_s, u"credential"_s },
    { u"decision"_s, u"decision"_s },
    { u"since"_s, u"since"_s },
    { u"until"_s, u"until"_s },
};

void printRecords(Context &ctx, const QJsonArray &rows)
{
    if (ctx.json()) {
        for (const QJsonValue &row : rows)
            ctx.printJson(row, true);
        return;
    }
    if (rows.isEmpty())
        return;
    ctx.printTable(rows, kLogColumns);
}

// Every record after `cursor` (all pages); returns false on error (printed).
bool fetchAfter(Context &ctx, QUrlQuery base, QString *cursor, QJsonArray *rows, int keepLast)
{
    base.addQueryItem(u"limit"_s, u"1000"_s);
    for (;;) {
        QUrlQuery q = base;
        if (!cursor->isEmpty())
            q.addQueryItem(u"cursor"_s, *cursor);
        const Context::Reply r = ctx.get(u"/admin/audit"_s, q);
        if (!r.ok()) {
            ctx.fail(r);
            return false;
        }
        const QJsonArray items = r.body.value(u"items"_s).toArray();
        for (const QJsonValue &v : items) {
            rows->append(v);
            if (keepLast > 0 && rows->size() > keepLast)
                rows->removeFirst();
            *cursor = QString::number(qint64(v[u"seq"_s].toDouble()));
        }
        if (!r.body.value(u"next_cursor"_s).isString())
            return true;
    }
}

int logs(Context &ctx, const Invocation &inv)
{
    const int limit = positiveInt(ctx, inv, u"limit"_s);
    if (limit == 0)
        return kUsage;
    if (!ctx.requireSession())
        return kError;
    QUrlQuery base;
    for (const auto &[option, param] : kLogFilters) {
        if (inv.has(option))
            base.addQueryItem(param, inv.value(option));
    }
    QString cursor;
    QJsonArray rows;
    if (!fetchAfter(ctx, base, &cursor, &rows, limit > 0 ? limit : 50))
        return kError;
    if (!ctx.json() && rows.isEmpty() && !inv.has(u"follow"_s))
        ctx.print(u"(no records)"_s);
    printRecords(ctx, rows);
    while (inv.has(u"follow"_s)) {
        QThread::sleep(2);
        QJsonArray more;
        if (!fetchAfter(ctx, base, &cursor, &more, 0))
            return kError;
        printRecords(ctx, more);
    }
    return kOk;
}

} // namespace

QList<Command> statusCommands()
{
    QList<Option> logOptions;
    for (const auto &[option, param] : kLogFilters)
        logOptions << Option{ option, u"VALUE"_s, u"only records whose %1 matches"_s.arg(param) };
    logOptions[6].help = u"from this RFC 3339 time on"_s;
    logOptions[7].help = u"up to this RFC 3339 time"_s;
    logOptions << Option{ u"limit"_s, u"N"_s, u"the last N records (default 50)"_s }
               << Option{ u"follow"_s, {}, u"keep printing new records (Ctrl-C to stop)"_s };
    return {
        { u"status"_s,
          {},
          u"server health, version, database, master-key fingerprint, counts and pending "
          "approvals"_s,
          {},
          {},
          {},
          status },
        { u"logs"_s,
          {},
          u"the audit trail (one JSON object per line with --json)"_s,
          {},
          logOptions,
          u"example: tap logs --kind forward --decision denied --since 2026-12-01T00:00:00Z"_s,
          logs },
    };
}

} // namespace tap::cli
