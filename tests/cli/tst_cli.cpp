// The real `tap` binary (TAP_CLI_BINARY) driven through QProcess against a real tapd on both
// backends: log-in and the session (fallback) file, expired and invalid sessions, status and logs
// (filters, JSON lines, --follow), and bad input (unknown options, missing arguments, secrets
// on the command line, server down). The admin verbs: tst_cli_admin.cpp.
#include "clitest.h"

#include <QCryptographicHash>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using namespace tap::test::cli;

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { requireTapBinary(); }
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void loginWhoamiLogout();
    void expiredAndInvalidSessions();
    void statusAndLogs();
    void badInput();
};

void TestCli::loginWhoamiLogout()
{
    World w;
    QVERIFY(setUp(w, u"cli-session"_s));
    // A wrong password: exit 1, one line, nothing saved.
    const Run wrong = w.tap({ u"login"_s, u"--email"_s, w.owner.email }, "not-the-password\n");
    TAP_FAILS(wrong, 1, "tap: ");
    QCOMPARE(wrong.err.count('\n'), 1);
    QVERIFY(!QFile::exists(w.sessionFile()));

    // The password on stdin (no terminal), no keychain reachable (clitest.h): logged in, the
    // token in a 0600 file, and one line on stderr says so.
    const Run login =
            w.tap({ u"login"_s, u"--email"_s, w.owner.email }, w.password.toUtf8() + '\n');
    TAP_OK(login);
    QVERIFY2(login.err.contains("no system keychain is reachable"), login.err.constData());
    QCOMPARE(login.err.count('\n'), 1);
    QVERIFY(QFile::exists(w.sessionFile()));
    QCOMPARE(QFile::permissions(w.sessionFile()) & 0x0FFF, QFile::ReadUser | QFile::WriteUser);
    QFile file(w.sessionFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    QVERIFY(saved.contains("taps_"));
    QVERIFY(!saved.contains(w.password.toUtf8()));

    const Run who = w.tap({ u"whoami"_s });
    TAP_OK(who);
    QVERIFY2(who.out.contains(w.owner.email.toUtf8()) && who.out.contains("owner")
                     && who.out.contains(w.owner.teamId.toUtf8()),
             who.out.constData());
    const Run whoJson = w.tap({ u"whoami"_s, u"--json"_s });
    TAP_OK(whoJson);
    QCOMPARE(whoJson.json().value(u"email"_s).toString(), w.owner.email);
    QCOMPARE(whoJson.json().value(u"team_id"_s).toString(), w.owner.teamId);
    QCOMPARE(whoJson.json().value(u"role"_s).toString(), u"owner"_s);

    // --password-file, and the session of the environment (TAP_SESSION) for scripts.
    const QString pwFile = w.home.filePath(u"pw"_s);
    QFile pw(pwFile);
    QVERIFY(pw.open(QIODevice::WriteOnly));
    pw.write(w.password.toUtf8() + '\n');
    pw.close();
    TAP_OK(w.tap({ u"login"_s, u"--email"_s, w.owner.email, u"--password-file"_s, pwFile }));
    TAP_OK(w.tap({ u"logout"_s }));
    QVERIFY(!QFile::exists(w.sessionFile()));
    TAP_FAILS(w.tap({ u"whoami"_s }), 1, "not logged in: run 'tap login'");
    w.extraEnv.insert(u"TAP_SESSION"_s, text(w.owner.token));
    const Run env = w.tap({ u"whoami"_s, u"--json"_s });
    TAP_OK(env);
    QCOMPARE(env.json().value(u"team_id"_s).toString(), w.owner.teamId);
}

void TestCli::expiredAndInvalidSessions()
{
    World w;
    QVERIFY(setUp(w, u"cli-expiry"_s));
    QVERIFY(logIn(w));
    QFile file(w.sessionFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    file.close();
    TAP_OK(w.tap({ u"logout"_s }));
    // The ended session put back: the server refuses it, tap says what to do.
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(saved);
    file.close();
    const Run expired = w.tap({ u"agent"_s, u"list"_s });
    TAP_FAILS(expired, 1, "the session has expired or is not valid: run 'tap login'");
    QCOMPARE(expired.err.count('\n'), 1);
    // A made-up TAP_SESSION.
    w.extraEnv.insert(u"TAP_SESSION"_s, u"taps_not-a-real-session-token"_s);
    TAP_FAILS(w.tap({ u"role"_s, u"list"_s }), 1, "set a fresh TAP_SESSION");
    w.extraEnv.clear();
    // A saved session of another server is not sent to this one.
    const Run other = w.tap({ u"--url"_s, u"http://127.0.0.1:9"_s, u"whoami"_s });
    TAP_FAILS(other, 1, "not logged in to http://127.0.0.1:9");
}

void TestCli::statusAndLogs()
{
    World w;
    QVERIFY(setUp(w, u"cli-status"_s));
    Run status = w.tap({ u"status"_s });
    TAP_OK(status);
    QVERIFY2(status.out.contains("not logged in") && status.out.contains("database ready"),
             status.out.constData());
    QVERIFY(logIn(w));
    TAP_OK(w.tap({ u"add"_s, u"slack"_s, u"--no-value"_s }));
    TAP_OK(w.tap(
            { u"agent"_s, u"create"_s, u"--name"_s, u"bot"_s, u"--credentials"_s, u"slack"_s }));
    status = w.tap({ u"status"_s, u"--json"_s });
    TAP_OK(status);
    const QJsonObject s = status.json();
    QCOMPARE(s.value(u"healthy"_s).toBool(), true);
    QCOMPARE(s.value(u"database_ready"_s).toBool(), true);
    QCOMPARE(s.value(u"server_version"_s).toString(), QStringLiteral(TAP_VERSION));
    QCOMPARE(s.value(u"team_id"_s).toString(), w.owner.teamId);
    QCOMPARE(s.value(u"counts"_s)[u"credentials"_s].toInt(), 1);
    QCOMPARE(s.value(u"counts"_s)[u"agents"_s].toInt(), 1);
    QCOMPARE(s.value(u"counts"_s)[u"members"_s].toInt(), 1);
    QCOMPARE(s.value(u"pending_approvals"_s).toInt(), 0);
    // The backend, the schema and the master key's fingerprint (GET /admin/server): the same
    // fingerprint `tap init` computes from the key file, never the key.
    QCOMPARE(s.value(u"database"_s).toString(), w.tapd.isPostgres() ? u"postgres"_s : u"sqlite"_s);
    QVERIFY(s.value(u"schema_version"_s).toInt() >= 6);
    QFile keyFile(w.tapd.dataDir() + u"/master.key"_s);
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    const QByteArray keyHex = keyFile.readAll().trimmed();
    const QByteArray digest =
            QCryptographicHash::hash(QByteArray::fromHex(keyHex), QCryptographicHash::Sha256);
    QCOMPARE(s.value(u"master_key_fingerprint"_s).toString(),
             u"sha256:"_s + QString::fromLatin1(digest.toHex().left(16)));
    status = w.tap({ u"status"_s });
    TAP_OK(status);
    QVERIFY2(status.out.contains("pending approvals: 0"), status.out.constData());
    QVERIFY2(status.out.contains("master key: sha256:") && status.out.contains("database: "),
             status.out.constData());
    QVERIFY(!status.out.contains(keyHex) && !status.err.contains(keyHex));

    // JSON lines, filters, --limit.
    Run logs = w.tap({ u"logs"_s, u"--json"_s, u"--kind"_s, u"admin"_s });
    TAP_OK(logs);
    QStringList actions;
    const QList<QByteArray> lines = logs.out.trimmed().split('\n');
    for (const QByteArray &line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        QVERIFY2(o.contains(u"seq"_s), line.constData());
        QCOMPARE(o.value(u"kind"_s).toString(), u"admin"_s);
        actions << o.value(u"action"_s).toString();
    }
    QVERIFY2(actions.contains(u"agent.create"_s), qPrintable(actions.join(u' ')));
    logs = w.tap({ u"logs"_s, u"--json"_s, u"--limit"_s, u"1"_s });
    TAP_OK(logs);
    QCOMPARE(logs.out.trimmed().count('\n'), 0);
    QVERIFY(logs.out.contains("agent.create")); // the newest
    logs = w.tap({ u"logs"_s, u"--action"_s, u"agent.create"_s });
    TAP_OK(logs);
    QVERIFY2(logs.out.startsWith("TIME") && logs.out.contains("agent.create"),
             logs.out.constData());
    TAP_FAILS(w.tap({ u"logs"_s, u"--since"_s, u"yesterday"_s }), 1, "(invalid_request)");

    // --follow prints what happens next.
    QProcess follow;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"XDG_CONFIG_HOME"_s, w.home.path() + u"/config"_s);
    env.insert(u"TAP_URL"_s, w.url());
    env.remove(u"TAP_SESSION"_s);
    follow.setProcessEnvironment(env);
    follow.start(qEnvironmentVariable("TAP_CLI_BINARY"),
                 { u"logs"_s, u"--follow"_s, u"--json"_s, u"--action"_s, u"role.create"_s });
    QVERIFY(follow.waitForStarted(kCliTimeoutMs));
    TAP_OK(w.tap({ u"role"_s, u"create"_s, u"followed"_s }));
    QByteArray seen;
    QElapsedTimer t;
    t.start();
    while (!seen.contains("followed") && t.elapsed() < kCliTimeoutMs
           && follow.state() == QProcess::Running) {
        follow.waitForReadyRead(500);
        seen += follow.readAllStandardOutput();
    }
    follow.kill();
    follow.waitForFinished();
    QVERIFY2(seen.contains("\"action\":\"role.create\"") && seen.contains("followed"),
             seen.constData());
}

void TestCli::badInput()
{
    World w; // no tapd: nothing here reaches a server
    QVERIFY(w.home.isValid());
    // Usage errors: exit 2, the message and the usage line on stderr.
    Run r = w.tap({ u"role"_s, u"create"_s, u"--name"_s, u"x"_s, u"--colour"_s, u"red"_s });
    TAP_FAILS(r, 2, "unknown option --colour");
    QVERIFY(r.err.contains("usage: tap role create"));
    QCOMPARE(r.err.count('\n'), 1); // one line: the message and the usage
    r = w.tap({ u"agent"_s, u"delete"_s });
    TAP_FAILS(r, 2, "missing argument NAME");
    QCOMPARE(r.err.count('\n'), 1);
    r = w.tap({ u"--frob"_s, u"agent"_s, u"list"_s });
    TAP_FAILS(r, 2, "unknown option --frob");
    QCOMPARE(r.err.count('\n'), 1);
    TAP_FAILS(w.tap({ u"frobnicate"_s }), 2, "unknown command 'frobnicate'");
    TAP_FAILS(w.tap({}), 2, "no command given");
    TAP_FAILS(w.tap({ u"role"_s, u"create"_s, u"--name"_s }), 2, "--name needs a value");
    // Secrets on the command line.
    TAP_FAILS(w.tap({ u"credential"_s, u"create"_s, u"slack"_s, u"--value"_s,
                      u"sk-abcdef0123456789"_s }),
              2, "refusing --value");
    TAP_FAILS(w.tap({ u"login"_s, u"--email"_s, u"a@b.c"_s, u"--password"_s, u"hunter2"_s }), 2,
              "--value-file PATH");
    TAP_FAILS(w.tap({ u"add"_s, u"gh"_s, u"--description"_s,
                      u"ghp_abcdefghijklmnopqrstuvwxyz0123"_s }),
              2, "looks like a secret");
    // Help is not an error.
    r = w.tap({ u"agent"_s, u"--help"_s });
    TAP_OK(r);
    QVERIFY(r.out.contains("rotate-key"));
    // Not logged in.
    r = w.tap({ u"agent"_s, u"list"_s });
    TAP_FAILS(r, 1, "not logged in: run 'tap login'");
    QCOMPARE(r.err.count('\n'), 1);
    // Server down: a port nobody listens on.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const QString down = u"http://127.0.0.1:%1"_s.arg(probe.serverPort());
    probe.close();
    r = w.tap({ u"--url"_s, down, u"status"_s });
    TAP_FAILS(r, 1, QByteArray("cannot reach the TAP server at " + down.toUtf8()));
    QCOMPARE(r.err.count('\n'), 1);
    w.extraEnv.insert(u"TAP_URL"_s, down);
    w.extraEnv.insert(u"TAP_SESSION"_s, u"taps_whatever"_s);
    r = w.tap({ u"role"_s, u"list"_s });
    TAP_FAILS(r, 1, "is tapd running?");
    r = w.tap({ u"login"_s, u"--email"_s, u"a@b.c"_s }, "password\n");
    TAP_FAILS(r, 1, "cannot reach");
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
