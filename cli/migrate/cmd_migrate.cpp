// tap migrate --from sqlite:PATH --to postgres://… : the command, its settings (tapd's own:
// --data-dir, --master-key-file, TAP_MASTER_KEY…) and its output. The copy is copier.h.
#include "context.h"
#include "core/random.h"
#include "crypto/masterkey.h"
#include "migrate/copier.h"
#include "migrate/migrate.h"
#include "store/databaseurl.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

#include <memory>

#include <unistd.h>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

struct Settings
{
    store::DatabaseUrl from;
    store::DatabaseUrl to;
    QString keySource; // where the master key came from (a path or a variable name)
};

QString dataDir(const Invocation &inv)
{
    QString dir = inv.value(u"data-dir"_s, qEnvironmentVariable("TAP_DATA_DIR"));
    if (dir.isEmpty()) {
        const QString base = qEnvironmentVariable("XDG_DATA_HOME");
        dir = (base.isEmpty() ? QDir::homePath() + u"/.local/share"_s : base) + u"/tap"_s;
    }
    return QDir::cleanPath(QDir(dir).absolutePath());
}

// A database URL from the option, else the environment variable, else `fallback`. A password
// on the command line is refused (shell history, ps): libpq's PGPASSWORD / ~/.pgpass, or the
// whole URL in the environment, keep it out of argv. Returns 0, or the exit code.
int databaseUrl(Context &ctx, const Invocation &inv, const QString &option, const char *envName,
                const QString &fallback, store::DatabaseUrl *out)
{
    const bool fromArgv = inv.has(option);
    const QString text = fromArgv ? inv.value(option) : qEnvironmentVariable(envName, fallback);
    if (text.isEmpty())
        return ctx.usage(u"missing --%1 (or %2)"_s.arg(option, QLatin1StringView(envName)));
    auto url = store::DatabaseUrl::parse(text);
    if (!url)
        return ctx.usage(u"--%1: %2"_s.arg(option, url.error().message()));
    if (fromArgv && !url->password.isEmpty())
        return ctx.usage(u"refusing a password in --%1: secrets are never taken from the command "
                         "line (shell history, ps); set PGPASSWORD or ~/.pgpass, or give the whole "
                         "URL in %2"_s.arg(option, QLatin1StringView(envName)));
    if (url->backend == store::Backend::Sqlite)
        url->path = QFileInfo(url->path).absoluteFilePath();
    *out = url.value();
    return kOk;
}

bool sameDatabase(const store::DatabaseUrl &a, const store::DatabaseUrl &b)
{
    if (a.backend != b.backend)
        return false;
    if (a.backend == store::Backend::Sqlite) {
        const auto canonical = [](const QString &path) {
            const QString c = QFileInfo(path).canonicalFilePath();
            return c.isEmpty() ? QFileInfo(path).absoluteFilePath() : c;
        };
        return canonical(a.path) == canonical(b.path);
    }
    return a.host == b.host && a.port == b.port && a.databaseName == b.databaseName;
}

// The master key as tapd finds it: TAP_MASTER_KEY (hex), else --master-key-file /
// TAP_MASTER_KEY_FILE, else <data-dir>/master.key. Never created here.
core::Result<core::SecretBytes> masterKey(const Invocation &inv, QString *source)
{
    const QByteArray hex = qgetenv("TAP_MASTER_KEY");
    if (!hex.isEmpty()) {
        *source = u"TAP_MASTER_KEY"_s;
        auto key = crypto::MasterKey::fromHex(hex);
        if (!key)
            return core::Error(key.error().code(), u"TAP_MASTER_KEY: "_s + key.error().message());
        return key;
    }
    QString path = inv.value(u"master-key-file"_s, qEnvironmentVariable("TAP_MASTER_KEY_FILE"));
    if (path.isEmpty())
        path = dataDir(inv) + u"/master.key"_s;
    *source = path;
    if (!QFileInfo::exists(path))
        return core::Error(
                core::ErrorCode::NotFound,
                u"no master key at %1: give --master-key-file, --data-dir or "
                "TAP_MASTER_KEY (the key tapd uses for the source database)"_s.arg(path));
    core::SystemRandom random;
    return crypto::MasterKey::fromFile(path, false, random);
}

int resolve(Context &ctx, const Invocation &inv, Settings *s)
{
    const QString fallback = u"sqlite:"_s + dataDir(inv) + u"/tap.db"_s;
    if (const int code = databaseUrl(ctx, inv, u"from"_s, "TAP_DATABASE_URL", fallback, &s->from))
        return code;
    if (const int code = databaseUrl(ctx, inv, u"to"_s, "TAP_MIGRATE_TO", {}, &s->to))
        return code;
    if (sameDatabase(s->from, s->to))
        return ctx.usage(u"--from and --to name the same database"_s);
    if (s->from.backend == store::Backend::Sqlite && !QFileInfo(s->from.path).isFile())
        return ctx.error(u"the source database %1 does not exist"_s.arg(s->from.redacted()));
    return kOk;
}

QString tableLine(const migrate::TableResult &t)
{
    return u"  %1 %2 %3%4"_s.arg(t.name.leftJustified(24))
            .arg(t.rows, 9)
            .arg(t.rows == 1 ? u"row "_s : u"rows"_s)
            .arg(t.skipped ? u"  (copied before the interruption)"_s : QString());
}

// Progress on stdout; nothing (not even the header) until the checks have passed and the copy
// starts, so that a refusal prints only its one line on stderr.
void showProgress(Context &ctx, migrate::Copier &copier, const QString &header)
{
    auto started = std::make_shared<bool>(false);
    auto say = [&ctx, started, header](const QString &line) {
        if (!std::exchange(*started, true))
            ctx.print(header);
        ctx.print(line);
    };
    copier.onTable = [say](const migrate::TableResult &t) { say(tableLine(t)); };
    copier.onNote = say;
}

// A test hook (tests/cli/tst_cli_migrate.cpp): TAP_MIGRATE_TEST_ABORT_IN=<table> dies inside
// that table's transaction, as a crash or a kill would, to prove that running again resumes.
void installTestHook(migrate::Copier &copier)
{
    const QString table = qEnvironmentVariable("TAP_MIGRATE_TEST_ABORT_IN");
    if (table.isEmpty())
        return;
    copier.beforeCommit = [table](const QString &current) {
        if (current == table)
            ::_exit(3);
    };
}

QJsonObject toJson(const Settings &s, const migrate::Summary &sum)
{
    QJsonArray tables;
    for (const auto &t : sum.tables)
        tables.append(QJsonObject{
                { u"name"_s, t.name }, { u"rows"_s, t.rows }, { u"skipped"_s, t.skipped } });
    return { { u"source"_s, s.from.redacted() },
             { u"target"_s, s.to.redacted() },
             { u"schema_version"_s, sum.schemaVersion },
             { u"resumed"_s, sum.resumed },
             { u"forced"_s, sum.forced },
             { u"tables"_s, tables },
             { u"rows"_s, sum.rows },
             { u"row_counts_match"_s, true },
             { u"sealed_values"_s, sum.sealedValues } };
}

void printSummary(Context &ctx, const Settings &s, const migrate::Summary &sum)
{
    if (ctx.json()) {
        ctx.printJson(toJson(s, sum));
        return;
    }
    ctx.print(u"Done: %1 tables, %2 rows (schema version %3); row counts match; %4 sealed values "
              "open with the master key from %5."_s.arg(sum.tables.size())
                      .arg(sum.rows)
                      .arg(sum.schemaVersion)
                      .arg(sum.sealedValues)
                      .arg(s.keySource));
    ctx.print(u"Next: start tapd with --database (or TAP_DATABASE_URL) set to the target and the "
              "same master key."_s);
}

int run(Context &ctx, const Invocation &inv)
{
    // The store logs for tapd's journal; here every failure is reported once, as one line.
    QLoggingCategory::setFilterRules(u"tap.*.debug=false\ntap.*.info=false\ntap.*.warning=false"_s);
    Settings s;
    if (const int code = resolve(ctx, inv, &s))
        return code;
    auto key = masterKey(inv, &s.keySource);
    if (!key)
        return ctx.error(key.error().message());
    const crypto::KeyRing keys(std::move(key.value()));
    auto source = store::Database::open(s.from);
    if (!source)
        return ctx.error(u"cannot open the source %1: %2"_s.arg(s.from.redacted(),
                                                                source.error().message()));
    auto target = store::Database::open(s.to);
    if (!target)
        return ctx.error(
                u"cannot open the target %1: %2"_s.arg(s.to.redacted(), target.error().message()));
    core::SystemClock clock;
    migrate::Copier copier(*source.value(), *target.value(), keys, clock);
    if (!ctx.json())
        showProgress(ctx, copier, u"Copying %1 → %2"_s.arg(s.from.redacted(), s.to.redacted()));
    installTestHook(copier);
    auto summary = copier.run(inv.has(u"force"_s));
    if (!summary)
        return ctx.error(summary.error().message());
    printSummary(ctx, s, summary.value());
    return kOk;
}

} // namespace

QList<Command> migrateCommands()
{
    return {
        { u"migrate"_s,
          {},
          u"copy a TAP database into another one (SQLite to PostgreSQL), offline"_s,
          {},
          { { u"from"_s, u"URL"_s,
              u"source database (default: TAP_DATABASE_URL, else sqlite:<data-dir>/tap.db)"_s },
            { u"to"_s, u"URL"_s,
              u"target database, e.g. postgres://tap@db.example/tap (or TAP_MIGRATE_TO); "
              "no password here: PGPASSWORD, ~/.pgpass or TAP_MIGRATE_TO"_s },
            { u"data-dir"_s, u"DIR"_s,
              u"tapd's data directory (default: TAP_DATA_DIR, else ~/.local/share/tap)"_s },
            { u"master-key-file"_s, u"PATH"_s,
              u"the master key (default: TAP_MASTER_KEY, TAP_MASTER_KEY_FILE, else "
              "<data-dir>/master.key)"_s },
            { u"force"_s, {}, u"delete the rows of a target that is not empty first"_s } },
          u"Stop tapd first. Creates the schema on the target, copies every table in one "
          "transaction each, moves PostgreSQL sequences past the copied ids, then checks "
          "the row counts and that every sealed value opens with the master key. Running "
          "it again after an interruption resumes where it stopped.\n"
          "Example: PGPASSWORD=… tap migrate --from sqlite:/var/lib/tap/tap.db --to "
          "postgres://tap@db.example:5432/tap --data-dir /var/lib/tap"_s,
          run }
    };
}

} // namespace tap::cli
