// export, apply: a team's configuration as a YAML file (config.h). `tap apply` reads and checks
// the whole file, the server's state, every reference and every secret source before it sends
// anything; a refusal midway stops it and it reports what was and was not applied.
#include "commands.h"
#include "config_plan.h"
#include "context.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

namespace tap::cli {

using namespace Qt::StringLiterals;
using config::Change;

namespace {

const QString kHeader =
        u"# TAP team configuration (tap export). Secret values are not included: before\n"
        "# 'tap apply', set the environment variables named by value_from and bot_token_from\n"
        "# (or point them at files: {file: PATH}).\n"_s;

QJsonValue toJson(const yaml::Node &n)
{
    using K = yaml::Node::Kind;
    if (n.kind == K::Seq) {
        QJsonArray a;
        for (const yaml::Node &item : n.seq)
            a.append(toJson(item));
        return a;
    }
    if (n.kind == K::Map) {
        QJsonObject o;
        for (const auto &[k, v] : n.map)
            o.insert(k, toJson(v));
        return o;
    }
    if (!n.plain)
        return n.text;
    if (n.isNull())
        return QJsonValue();
    if (n.text == u"true" || n.text == u"false")
        return n.text == u"true";
    return n.text.toInt();
}

// The session's team, checked against --team (an id or a name).
std::optional<config::ServerState> fetchTeam(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return std::nullopt;
    auto server = config::fetch(ctx);
    if (!server)
        return std::nullopt;
    const QString team = inv.value(u"team"_s);
    if (!team.isEmpty() && team != server->teamId && team != server->teamName) {
        ctx.error(u"the session is for team \"%1\" (%2), not %3: log in to that team with "
                  "'tap login --team TEAM_ID' (or set TAP_SESSION)"_s.arg(server->teamName,
                                                                          server->teamId, team));
        return std::nullopt;
    }
    return server;
}

int exportConfig(Context &ctx, const Invocation &inv)
{
    const auto server = fetchTeam(ctx, inv);
    if (!server)
        return kError;
    const yaml::Node doc = config::toYaml(server->state);
    if (ctx.json())
        ctx.printJson(toJson(doc));
    else
        ctx.print(QString(kHeader + yaml::write(doc)).chopped(1));
    return kOk;
}

// The file, parsed and checked; nullopt after printing why.
std::optional<config::State> readFile(Context &ctx, const QString &path)
{
    QFile f;
    const bool isStdin = path == u"-"_s;
    if (isStdin ? !f.open(stdin, QIODevice::ReadOnly)
                : (f.setFileName(path), !f.open(QIODevice::ReadOnly))) {
        ctx.error(u"cannot read %1: %2"_s.arg(path, f.errorString()));
        return std::nullopt;
    }
    const QByteArray data = f.read(yaml::kMaxInputBytes + 1);
    const QString shown = isStdin ? u"<stdin>"_s : path;
    yaml::ParseError err;
    const auto root = yaml::parse(data, &err);
    if (!root) {
        ctx.error(u"%1: line %2: %3"_s.arg(shown).arg(err.line).arg(err.message));
        return std::nullopt;
    }
    QString why;
    const QString base = isStdin ? QDir::currentPath() : QFileInfo(path).absolutePath();
    auto state = config::fromYaml(*root, base, &why);
    if (!state)
        ctx.error(u"%1: %2"_s.arg(shown, why));
    return state;
}

int refuse(Context &ctx, const QStringList &errors)
{
    for (const QString &e : errors)
        ctx.error(e);
    return ctx.error(u"nothing was changed (%1 problem%2 in the file)"_s.arg(errors.size())
                             .arg(errors.size() == 1 ? QString() : u"s"_s));
}

void printApplied(Context &ctx, const config::ServerState &server, const config::Plan &plan);

void report(Context &ctx, const config::ServerState &server, const config::Plan &plan,
            const QString &status, bool dryRun)
{
    if (ctx.json()) {
        QJsonArray changes;
        for (const Change &c : plan.changes)
            changes.append(c.toJson());
        ctx.printJson(QJsonObject{
                { u"team"_s,
                  QJsonObject{ { u"id"_s, server.teamId }, { u"name"_s, server.teamName } } },
                { u"dry_run"_s, dryRun },
                { u"status"_s, status },
                { u"changes"_s, changes },
                { u"unchanged"_s, plan.unchanged },
                { u"not_in_file"_s, QJsonArray::fromStringList(plan.notInFile) } });
        return;
    }
    if (status == u"failed") {
        for (const Change &c : plan.changes) {
            if (c.status == Change::Status::Applied)
                ctx.print(u"applied:     "_s + c.line());
            else if (c.status == Change::Status::Failed)
                ctx.print(u"FAILED:      "_s + c.line());
            else
                ctx.print(u"not applied: "_s + c.line());
        }
        return;
    }
    for (const Change &c : plan.changes)
        ctx.print(c.line());
    if (!plan.notInFile.isEmpty())
        ctx.print(u"(%1 on the server but not in the file, kept: %2; --prune deletes them)"_s
                          .arg(plan.notInFile.size())
                          .arg(plan.notInFile.join(u", "_s)));
    if (status == u"no_changes")
        ctx.print(u"No changes: team \"%1\" already matches the file."_s.arg(server.teamName));
    else if (dryRun)
        ctx.print(u"Dry run: %1 change%2 planned, nothing was changed."_s.arg(plan.changes.size())
                          .arg(plan.changes.size() == 1 ? QString() : u"s"_s));
    else
        printApplied(ctx, server, plan);
}

void printApplied(Context &ctx, const config::ServerState &server, const config::Plan &plan)
{
    QStringList agents;
    for (const Change &c : plan.changes) {
        if (c.kind == config::Kind::Agent && c.op == Change::Op::Create)
            agents << c.name;
    }
    if (!agents.isEmpty())
        ctx.print(u"New agents get their API key with 'tap agent rotate-key NAME' (apply shows "
                  "no keys): %1"_s.arg(agents.join(u", "_s)));
    ctx.print(u"Applied %1 change%2 to team \"%3\"."_s.arg(plan.changes.size())
                      .arg(plan.changes.size() == 1 ? QString() : u"s"_s, server.teamName));
}

int apply(Context &ctx, const Invocation &inv)
{
    const QString path = inv.value(u"file"_s);
    if (path.isEmpty())
        return ctx.usage(u"no file: 'tap apply -f FILE' ('-' = stdin)"_s);
    const auto desired = readFile(ctx, path);
    if (!desired)
        return kError;
    const auto server = fetchTeam(ctx, inv);
    if (!server)
        return kError;
    config::Plan plan = config::makePlan(*desired, server->state, inv.has(u"prune"_s));
    QStringList errors = config::check(plan, *desired, server->state);
    const QHash<QString, QString> secrets = config::readSecrets(plan, &errors);
    if (!errors.isEmpty())
        return refuse(ctx, errors);
    const bool dryRun = inv.has(u"dry-run"_s);
    if (plan.changes.isEmpty() || dryRun) {
        report(ctx, *server, plan, plan.changes.isEmpty() ? u"no_changes"_s : u"planned"_s, dryRun);
        return kOk;
    }
    for (qsizetype i = 0; i < plan.changes.size(); ++i) {
        Change &c = plan.changes[i];
        if (config::applyChange(ctx, c, secrets))
            continue;
        for (qsizetype j = i + 1; j < plan.changes.size(); ++j)
            plan.changes[j].status = Change::Status::NotApplied;
        report(ctx, *server, plan, u"failed"_s, false);
        return ctx.error(
                u"%1 failed: %2; %3 of %4 changes were applied before it"_s.arg(c.line(), c.error)
                        .arg(i)
                        .arg(plan.changes.size()));
    }
    report(ctx, *server, plan, u"applied"_s, false);
    return kOk;
}

const Option kTeam{ u"team"_s, u"TEAM"_s,
                    u"the team (id or name) the session must be for; a safety check"_s };

} // namespace

QList<Command> configCommands()
{
    return {
        { u"export"_s,
          {},
          u"print the team's configuration as YAML (no secret values)"_s,
          {},
          { kTeam },
          u"Credentials (with their policies), roles, agents (without keys), notification "
          "channels and links, sorted by name. Secrets are exported as placeholders such as "
          "value_from: {env: TAP_CRED_GITHUB}.\nexample: tap export > team.yaml"_s,
          exportConfig },
        { u"apply"_s,
          {},
          u"make the team's configuration match a YAML file"_s,
          {},
          { { u"file"_s, u"PATH"_s, u"the YAML file (-f; '-' = stdin)"_s },
            { u"dry-run"_s, {}, u"show the changes without making them"_s },
            { u"prune"_s, {}, u"also delete what the server has and the file does not"_s },
            kTeam },
          u"Shows each change (+ create, ~ update, - delete) and applies it; a second apply "
          "changes nothing. Every reference and secret source (value_from: {env: NAME} or "
          "{file: PATH}) is checked before anything changes.\nexample: tap apply -f team.yaml "
          "--dry-run"_s,
          apply },
    };
}

} // namespace tap::cli
