// `tap migrate` (issue #17 item 6), the real binaries: a SQLite tapd is given a team, a
// credential, a role, a policy and an agent, and parks a request for approval; it is stopped,
// `tap migrate` copies its database, and a tapd started on the copy with the same master key
// serves the team (a forward injects the secret; the pending approval is approved and delivered;
// new audit rows do not collide with copied ids). Also: a non-empty target refused without
// --force, a re-run after an interruption inside a table's copy, a wrong master key, and the
// refusal of a database password on the command line. Rows: the target is SQLite, or a fresh
// PostgreSQL database on TAP_TEST_PG_URL's server (the source is always SQLite).
#include "clitest.h"
#include "store/database.h"

#include <QUuid>

using namespace tap::test;
using namespace tap::test::cli;

namespace {

constexpr QByteArrayView kSecret = "sk-migrated-secret-0123456789abcdef";

// A fresh, empty target database of the current row's kind; empty after a recorded skip/failure.
QString freshTarget(const QTemporaryDir &dir)
{
    QFETCH_GLOBAL(QString, target);
    static int n = 0;
    if (target == u"sqlite"_s)
        return u"sqlite:%1/target%2.db"_s.arg(dir.path()).arg(++n);
    const QString server = qEnvironmentVariable("TAP_TEST_PG_URL");
    auto url = tap::store::DatabaseUrl::parse(server);
    auto admin = url ? tap::store::Database::open(url.value())
                     : tap::core::Result<std::shared_ptr<tap::store::Database>>(url.error());
    if (!admin) {
        QTest::qFail(qPrintable(admin.error().message()), __FILE__, __LINE__);
        return {};
    }
    const QString name = u"m_%1"_s.arg(QUuid::createUuid().toString(QUuid::Id128).left(16));
    if (auto r = admin.value()->exec(u"CREATE DATABASE "_s + name); !r) {
        QTest::qFail(qPrintable(r.error().message()), __FILE__, __LINE__);
        return {};
    }
    const qsizetype q = server.indexOf(u'?');
    const QString base = q < 0 ? server : server.left(q);
    return base.left(base.lastIndexOf(u'/') + 1) + name + (q < 0 ? QString() : server.mid(q));
}

QStringList sourceArgs(const World &w)
{
    return { u"migrate"_s,    u"--from"_s,      u"sqlite:"_s + w.tapd.dataDir() + u"/tap.db"_s,
             u"--data-dir"_s, w.tapd.dataDir(), u"--json"_s };
}

// `tap migrate` into `target` (given in TAP_MIGRATE_TO: the URL may hold a password).
Run migrate(World &w, const QString &target, const QStringList &extra = {},
            const QProcessEnvironment &env = {})
{
    w.extraEnv = env;
    w.extraEnv.insert(u"TAP_MIGRATE_TO"_s, target);
    return w.tap(sourceArgs(w) + extra, {}, false);
}

QJsonObject tableEntry(const QJsonObject &summary, const QString &name)
{
    return byKey(summary.value(u"tables"_s).toArray(), u"name"_s, name);
}

QJsonObject poll(const Tapd &tapd, const QByteArray &key, const QByteArray &txn)
{
    HttpClient c(tapd.port());
    c.setTimeoutMs(kRequestTimeoutMs);
    return c.request("GET", "/agent/approvals/" + txn, {}, { { "X-TAP-Key", key } }).json();
}

struct Team
{
    Upstream upstream;
    QByteArray key; // agent "bot", role "reader" → credential "api" (GET automatic, POST asks)
    QByteArray txn; // a pending POST
};

bool populate(World &w, Team &t)
{
    if (!setUp(w, u"mig%1"_s.arg(QUuid::createUuid().toString(QUuid::Id128).left(6)))
        || !t.upstream.start())
        return false;
    const HttpClient admin = w.admin();
    const HttpResponse c = admin.post("/admin/credentials",
                                      { { u"name"_s, u"api"_s },
                                        { u"description"_s, u"migrated API"_s },
                                        { u"value"_s, text(kSecret.toByteArray()) },
                                        { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } });
    if (!verifyStatus(c, 201, "POST /admin/credentials", __FILE__, __LINE__)
        || !addRole(admin, u"reader"_s, { u"api"_s })
        || !setPolicy(admin, u"api"_s, { { u"auto_approve_methods"_s, strings({ u"GET"_s }) } }))
        return false;
    t.key = addAgent(admin, u"bot"_s, {}, { u"reader"_s });
    if (t.key.isEmpty())
        return false;
    const HttpResponse get = forward(w.tapd.port(), Call(t.key, "api", t.upstream.url("/reflect")));
    const HttpResponse post = forward(
            w.tapd.port(),
            Call(t.key, "api", t.upstream.url("/reflect?where=both"), "POST", {}, "{\"a\":1}"));
    if (!verifyForward(get, 200, QString(), "GET before", __FILE__, __LINE__)
        || !verifyForward(post, 202, QString(), "POST before", __FILE__, __LINE__))
        return false;
    t.txn = post.json().value(u"txn_id"_s).toString().toLatin1();
    return verifyCleanStop(w.tapd, __FILE__, __LINE__);
}

} // namespace

class TestCliMigrate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend"); // the source tapd's (tapdharness.h)
        QTest::addColumn<QString>("target");
        QTest::newRow("sqlite") << u"sqlite"_s << u"sqlite"_s;
        QTest::newRow("postgres") << u"sqlite"_s << u"postgres"_s;
    }
    void init()
    {
        QFETCH_GLOBAL(QString, target);
        if (target == u"postgres"_s && qEnvironmentVariableIsEmpty("TAP_TEST_PG_URL")) {
            if (qEnvironmentVariableIntValue("TAP_REQUIRE_PG"))
                QFAIL("TAP_TEST_PG_URL is not set but TAP_REQUIRE_PG=1");
            QSKIP("PostgreSQL not configured (set TAP_TEST_PG_URL or run tests/run.sh)");
        }
    }

    void copyServesTheTeam();
    void nonEmptyTargetAndResume();
    void wrongMasterKey();
    void damagedSealedValue();
    void badInput();
};

void TestCliMigrate::copyServesTheTeam()
{
    World w;
    Team t;
    QVERIFY(populate(w, t));
    const QString target = freshTarget(w.home);
    QVERIFY(!target.isEmpty());
    const Run run = migrate(w, target);
    TAP_OK(run);
    const QJsonObject summary = run.json();
    QCOMPARE(summary.value(u"tables"_s).toArray().size(), 28);
    QCOMPARE(summary.value(u"row_counts_match"_s).toBool(), true);
    QCOMPARE(summary.value(u"resumed"_s).toBool(), false);
    QCOMPARE(tableEntry(summary, u"agents"_s).value(u"rows"_s).toInt(), 1);
    QCOMPARE(tableEntry(summary, u"approvals"_s).value(u"rows"_s).toInt(), 1);
    QVERIFY(tableEntry(summary, u"audit_log"_s).value(u"rows"_s).toInt() >= 2);
    // The audit journal's mark goes along: a replay on the target skips what it holds.
    QCOMPARE(tableEntry(summary, u"audit_journal_marks"_s).value(u"rows"_s).toInt(), 1);
    // key check + team key + credential value + the parked request
    QVERIFY(summary.value(u"sealed_values"_s).toInt() >= 4);
    const QByteArray password = tap::store::DatabaseUrl::parse(target)->password.toUtf8();
    const QByteArray printed = run.out + run.err;
    QVERIFY(password.isEmpty() || !printed.contains(password));
    QVERIFY(!printed.contains(kSecret.toByteArray()));

    // tapd on the copy, with the same master key; the owner's session was copied too.
    QProcessEnvironment env;
    env.insert(u"TAP_DATABASE_URL"_s, target);
    env.insert(u"TAP_MASTER_KEY_FILE"_s, w.tapd.dataDir() + u"/master.key"_s);
    Tapd copy(true, env);
    QVERIFY(copy.start());
    const HttpClient admin = copy.client(w.owner.token);
    const int auditBefore = int(auditItems(admin).size());
    QVERIFY(auditBefore >= 2);
    QCOMPARE(poll(copy, t.key, t.txn).value(u"status"_s).toString(), u"pending"_s);
    const int seen = t.upstream.count();
    const HttpResponse get = forward(copy.port(), Call(t.key, "api", t.upstream.url("/reflect")));
    EXPECT_FWD(get, 200, QString());
    QCOMPARE(headerValue(t.upstream.since(seen).first().toObject(), "Authorization"),
             "Bearer " + kSecret.toByteArray());

    EXPECT_STATUS(admin.post("/admin/approvals/" + t.txn + "/approve"), 200);
    QJsonObject final;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 30000) {
        final = poll(copy, t.key, t.txn);
        if (final.value(u"status"_s).toString() != u"pending"_s)
            break;
        QThread::msleep(20);
    }
    QCOMPARE(final.value(u"status"_s).toString(), u"forwarded"_s);
    QCOMPARE(final.value(u"response"_s).toObject().value(u"status"_s).toInt(), 200);
    const QJsonObject sent = t.upstream.since(seen + 1).first().toObject();
    QCOMPARE(sent.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(headerValue(sent, "Authorization"), "Bearer " + kSecret.toByteArray());
    // New audit rows were written after the copied ones (sequences moved past copied ids).
    QVERIFY(auditItems(admin).size() > auditBefore);
    EXPECT_CLEAN_STOP(copy);
}

void TestCliMigrate::nonEmptyTargetAndResume()
{
    World w;
    Team t;
    QVERIFY(populate(w, t));
    const QString target = freshTarget(w.home);
    QVERIFY(!target.isEmpty());
    // Killed inside the copy of "agents" (its transaction never commits).
    QProcessEnvironment crash;
    crash.insert(u"TAP_MIGRATE_TEST_ABORT_IN"_s, u"agents"_s);
    QCOMPARE(migrate(w, target, {}, crash).code, 3);
    // Again, in human mode, killed inside "approvals": it resumed where the first run stopped.
    crash.insert(u"TAP_MIGRATE_TEST_ABORT_IN"_s, u"approvals"_s);
    w.extraEnv = crash;
    w.extraEnv.insert(u"TAP_MIGRATE_TO"_s, target);
    QStringList human = sourceArgs(w);
    human.removeAll(u"--json"_s);
    const Run second = w.tap(human, {}, false);
    QCOMPARE(second.code, 3);
    const QString out = text(second.out);
    QVERIFY2(out.startsWith(u"Copying sqlite:"_s), qPrintable(out));
    QVERIFY2(out.contains(u"resuming an interrupted migration: 11 of 28 tables were copied"_s),
             qPrintable(out));
    static const QRegularExpression teams(
            u"\\n  teams +1 row +\\(copied before the interruption\\)\\n"_s);
    static const QRegularExpression agents(u"\\n  agents +1 row *\\n"_s);
    QVERIFY2(teams.match(out).hasMatch() && agents.match(out).hasMatch(), qPrintable(out));
    QVERIFY2(!out.contains(u"approvals"_s), qPrintable(out));

    const Run resumed = migrate(w, target);
    TAP_OK(resumed);
    const QJsonObject summary = resumed.json();
    QCOMPARE(summary.value(u"resumed"_s).toBool(), true);
    QCOMPARE(tableEntry(summary, u"teams"_s).value(u"skipped"_s).toBool(), true);
    QCOMPARE(tableEntry(summary, u"agents"_s).value(u"skipped"_s).toBool(), true);
    QCOMPARE(tableEntry(summary, u"approvals"_s).value(u"skipped"_s).toBool(), false);
    QCOMPARE(tableEntry(summary, u"approvals"_s).value(u"rows"_s).toInt(), 1);
    QCOMPARE(tableEntry(summary, u"agents"_s).value(u"rows"_s).toInt(), 1);
    QCOMPARE(summary.value(u"row_counts_match"_s).toBool(), true);

    // Finished: now the target is not empty, and only --force copies again.
    TAP_FAILS(migrate(w, target), 1, "the target database is not empty");
    const Run forced = migrate(w, target, { u"--force"_s });
    TAP_OK(forced);
    QCOMPARE(forced.json().value(u"forced"_s).toBool(), true);
    QCOMPARE(forced.json().value(u"rows"_s), summary.value(u"rows"_s));
}

void TestCliMigrate::wrongMasterKey()
{
    World w;
    Team t;
    QVERIFY(populate(w, t));
    const QString target = freshTarget(w.home);
    QVERIFY(!target.isEmpty());
    QFile other(w.home.path() + u"/other.key"_s);
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write(QByteArray(32, '\x42').toHex() + '\n');
    other.close();
    QVERIFY(other.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    TAP_FAILS(migrate(w, target, { u"--master-key-file"_s, other.fileName() }), 1,
              "wrong master key");
    QProcessEnvironment env;
    env.insert(u"TAP_MASTER_KEY"_s, u"not-hex"_s);
    TAP_FAILS(migrate(w, target, {}, env), 1, "TAP_MASTER_KEY");
    // Nothing was written: the right key then copies without --force.
    TAP_OK(migrate(w, target));
}

void TestCliMigrate::damagedSealedValue()
{
    World w;
    Team t;
    QVERIFY(populate(w, t));
    {
        auto url = tap::store::DatabaseUrl::parse(u"sqlite:"_s + w.tapd.dataDir() + u"/tap.db"_s);
        auto db = tap::store::Database::open(url.value());
        QVERIFY(db);
        auto q = db.value()->exec(u"SELECT sealed_request FROM approvals WHERE id = ?"_s,
                                  { text(t.txn) });
        QVERIFY(q && q->next());
        QByteArray sealed = q->value(0).toByteArray();
        sealed[sealed.size() - 1] = char(sealed.back() ^ 1);
        QVERIFY(db.value()->exec(u"UPDATE approvals SET sealed_request = ? WHERE id = ?"_s,
                                 { sealed, text(t.txn) }));
    }
    const QString target = freshTarget(w.home);
    QVERIFY(!target.isEmpty());
    TAP_FAILS(migrate(w, target), 1, QByteArray("approvals.sealed_request of " + t.txn));
}

void TestCliMigrate::badInput()
{
    World w;
    QVERIFY(w.home.isValid());
    const QString db = u"sqlite:"_s + w.home.path() + u"/none.db"_s;
    const Run withPassword = w.tap({ u"migrate"_s, u"--from"_s, db, u"--to"_s,
                                     u"postgres://tap:hunter2-password@127.0.0.1:5432/tap"_s },
                                   {}, false);
    TAP_FAILS(withPassword, 2, "refusing a password in --to");
    QVERIFY(!withPassword.err.contains("hunter2"));
    TAP_FAILS(w.tap({ u"migrate"_s, u"--from"_s, db }, {}, false), 2, "missing --to");
    TAP_FAILS(w.tap({ u"migrate"_s, u"--from"_s, db, u"--to"_s, db }, {}, false), 2,
              "the same database");
    TAP_FAILS(w.tap({ u"migrate"_s, u"--from"_s, db, u"--to"_s, db + u"2"_s }, {}, false), 1,
              "does not exist");
    TAP_FAILS(w.tap({ u"migrate"_s, u"--to"_s, u"mysql://x/y"_s }, {}, false), 2,
              "Invalid database URL");
    TAP_FAILS(w.tap({ u"migrate"_s, u"--bogus"_s }, {}, false), 2, "unknown option");
    // Generated from the command table: completion and man page know the command.
    const Run bash = w.tap({ u"completion"_s, u"bash"_s }, {}, false);
    QVERIFY(bash.out.contains("\"migrate\") opts=\"--from --to --data-dir --master-key-file"));
    QVERIFY(bash.out.contains("--data-dir) COMPREPLY=($(compgen -d"));
    const QByteArray man = w.tap({ u"--generate-man"_s }, {}, false).out;
    QVERIFY(man.contains(".SS tap migrate"));
    QVERIFY(man.contains(".B TAP_MIGRATE_TO"));
}

QTEST_GUILESS_MAIN(TestCliMigrate)
#include "tst_cli_migrate.moc"
