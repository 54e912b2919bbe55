// End-to-end tests of the tapd binary: flags, start-up on both backends, key checks, health
// endpoints, JSON logs, and shutdown on SIGTERM.
#include "support/testdatabases.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;

namespace {

QString tapdBinary()
{
    return qEnvironmentVariable("TAPD_BINARY");
}

struct HttpResult
{
    int status = 0;
    QByteArray body;
};

HttpResult httpGet(quint16 port, const QByteArray &path)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(5000))
        return {};
    s.write("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    QByteArray all;
    while (s.waitForReadyRead(5000))
        all += s.readAll();
    all += s.readAll();
    HttpResult r;
    const qsizetype sp = all.indexOf(' ');
    r.status = sp > 0 ? all.mid(sp + 1, 3).toInt() : 0;
    r.body = all.mid(all.indexOf("\r\n\r\n") + 4);
    return r;
}

int fileMode(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 0777);
}

// A running tapd with its own data directory.
class Tapd
{
public:
    explicit Tapd(QString dataDir) : m_dataDir(std::move(dataDir)) { }
    ~Tapd()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // Starts and waits for the "listening" line; returns false if tapd exited instead.
    bool start(const QStringList &extraArgs = {}, const QProcessEnvironment &extraEnv = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"TAP_MASTER_KEY"_s);
        for (const QString &k : extraEnv.keys())
            env.insert(k, extraEnv.value(k));
        m_process.setProcessEnvironment(env);
        m_process.start(tapdBinary(),
                        QStringList{ u"--data-dir"_s, m_dataDir, u"--listen"_s, u"127.0.0.1:0"_s,
                                     u"--workers"_s, u"2"_s }
                                + extraArgs);
        if (!m_process.waitForStarted(5000))
            return false;
        static const QRegularExpression listening(u"listening on http://127.0.0.1:(\\d+)"_s);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000) {
            m_out += m_process.readAllStandardOutput();
            const auto m = listening.match(QString::fromUtf8(m_out));
            if (m.hasMatch()) {
                m_port = quint16(m.captured(1).toUInt());
                return true;
            }
            if (m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(100);
        }
        return false;
    }

    int waitExit(int ms = 15000)
    {
        m_process.waitForFinished(ms);
        m_err += m_process.readAllStandardError();
        m_out += m_process.readAllStandardOutput();
        return m_process.state() == QProcess::NotRunning ? m_process.exitCode() : -1;
    }
    void terminate() { ::kill(pid_t(m_process.processId()), SIGTERM); }
    QByteArray stderrText()
    {
        m_err += m_process.readAllStandardError();
        return m_err;
    }
    quint16 port() const { return m_port; }
    QProcess &process() { return m_process; }

private:
    QString m_dataDir;
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
    quint16 m_port = 0;
};

struct RunResult
{
    int code;
    QByteArray out;
    QByteArray err;
};

RunResult runTapd(const QStringList &args,
                  const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(tapdBinary(), args);
    p.waitForFinished(20000);
    return { p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError() };
}

} // namespace

class TestTapd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(tapdBinary()).isExecutable(), "TAPD_BINARY must point at tapd");
    }

    void versionAndHelp()
    {
        const RunResult v = runTapd({ u"--version"_s });
        QCOMPARE(v.code, 0);
        QVERIFY(v.out.startsWith("tapd "));
        const RunResult h = runTapd({ u"--help"_s });
        QCOMPARE(h.code, 0);
        for (const char *flag : { "--listen", "--data-dir", "--database", "--master-key-file",
                                  "--public-url", "--smtp-url", "--mail-outbox", "--check-config",
                                  "TAP_MAX_BODY_BYTES", "TAP_WORKERS", "TAP_MASTER_KEY" })
            QVERIFY2(h.out.contains(flag), flag);
    }

    void checkConfig()
    {
        QTemporaryDir dir;
        const RunResult ok = runTapd({ u"--check-config"_s, u"--data-dir"_s, dir.path() });
        QCOMPARE(ok.code, 0);
        QVERIFY(ok.out.contains("valid"));
        QVERIFY2(!QFileInfo::exists(dir.path() + u"/master.key"_s),
                 "check-config must not create files");

        const RunResult bad = runTapd({ u"--check-config"_s, u"--listen"_s, u"nowhere"_s });
        QCOMPARE(bad.code, 1);
        QVERIFY(bad.err.contains("HOST:PORT"));

        QFile key(dir.path() + u"/master.key"_s);
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write("not hex\n");
        key.close();
        key.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        const RunResult badKey = runTapd({ u"--check-config"_s, u"--data-dir"_s, dir.path() });
        QCOMPARE(badKey.code, 1);
        QVERIFY(badKey.err.contains("malformed"));
    }

    void startsOnSqliteDefault()
    {
        QTemporaryDir dir;
        const QString data = dir.path() + u"/state"_s;
        Tapd tapd(data);
        QVERIFY2(tapd.start(), tapd.stderrText().constData());
        QCOMPARE(httpGet(tapd.port(), "/healthz").status, 200);
        const HttpResult ready = httpGet(tapd.port(), "/readyz");
        QCOMPARE(ready.status, 200);
        const HttpResult metrics = httpGet(tapd.port(), "/metrics");
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.body.contains("tap_http_responses_total{class=\"2xx\"}"));
        QCOMPARE(fileMode(data), 0700);
        QCOMPARE(fileMode(data + u"/master.key"_s), 0600);
        QCOMPARE(fileMode(data + u"/tap.db"_s), 0600);

        // Graceful stop, then the same data directory starts again with the same key.
        tapd.terminate();
        QCOMPARE(tapd.waitExit(), 0);
        const QByteArray log = tapd.stderrText();
        QVERIFY(log.contains("\"msg\":\"stopped\""));
        {
            auto url = tap::store::DatabaseUrl::parse(u"sqlite:"_s + data + u"/tap.db"_s);
            auto db = tap::store::Database::open(url.value());
            QVERIFY(db.ok());
            auto check = db.value()->exec(u"PRAGMA integrity_check"_s);
            QVERIFY(check.ok() && check->next());
            QCOMPARE(check->value(0).toString(), u"ok"_s);
            db.value()->closeThreadConnection();
        }
        const QByteArray keyHex = [&] {
            QFile f(data + u"/master.key"_s);
            f.open(QIODevice::ReadOnly);
            return f.readAll().trimmed();
        }();
        QVERIFY(!log.contains(keyHex));
        for (const QByteArray &line : log.split('\n')) {
            if (line.isEmpty())
                continue;
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            QVERIFY2(o.contains(u"ts"_s) && o.contains(u"level"_s) && o.contains(u"msg"_s),
                     line.constData());
        }
        Tapd again(data);
        QVERIFY2(again.start(), again.stderrText().constData());
        QCOMPARE(httpGet(again.port(), "/healthz").status, 200);
    }

    void refusesWrongMasterKey()
    {
        QTemporaryDir dir;
        {
            Tapd first(dir.path());
            QVERIFY(first.start());
            first.terminate();
            QCOMPARE(first.waitExit(), 0);
        }
        QProcessEnvironment env;
        env.insert(u"TAP_MASTER_KEY"_s, QString(64, u'a'));
        Tapd wrong(dir.path());
        QVERIFY(!wrong.start({}, env));
        QCOMPARE(wrong.waitExit(), 2);
        QVERIFY(wrong.stderrText().contains("does not match"));

        // A missing key file next to an initialised database is not silently replaced.
        QVERIFY(QFile::remove(dir.path() + u"/master.key"_s));
        Tapd missing(dir.path());
        QVERIFY(!missing.start());
        QVERIFY(missing.waitExit() != 0);
        QVERIFY(missing.stderrText().contains("does not exist"));
        QVERIFY(!QFileInfo::exists(dir.path() + u"/master.key"_s));
    }

    void refusesPortInUse()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        Tapd first(a.path());
        QVERIFY(first.start());
        Tapd second(b.path());
        QVERIFY(!second.start({ u"--listen"_s, u"127.0.0.1:"_s + QString::number(first.port()) }));
        QVERIFY(second.waitExit() != 0);
        QVERIFY(second.stderrText().contains("Cannot listen"));
    }

    void startsOnPostgres()
    {
        if (qEnvironmentVariable("TAP_TEST_PG_URL").isEmpty()) {
            if (qEnvironmentVariableIntValue("TAP_REQUIRE_PG"))
                QFAIL("TAP_TEST_PG_URL is not set");
            QSKIP("PostgreSQL not configured (tests/run.sh starts one)");
        }
        QTest::setMainSourcePath(__FILE__);
        // freshDatabase() looks at the global data tag; make a database through the helper's
        // PostgreSQL path by name.
        auto admin = tap::store::DatabaseUrl::parse(qEnvironmentVariable("TAP_TEST_PG_URL"));
        QVERIFY(admin.ok());
        auto adminDb = tap::store::Database::open(admin.value());
        QVERIFY(adminDb.ok());
        const QString name = u"tapd_e2e_"_s + QString::number(QCoreApplication::applicationPid());
        (void)adminDb.value()->exec(u"DROP DATABASE IF EXISTS "_s + name);
        QVERIFY(adminDb.value()->exec(u"CREATE DATABASE "_s + name).ok());
        QString url = qEnvironmentVariable("TAP_TEST_PG_URL");
        url = url.left(url.lastIndexOf(u'/') + 1) + name;
        // The test server trusts loopback, so any password works: it must never be logged.
        url.replace(u"postgres://postgres@"_s, u"postgres://postgres:s3cretpw@"_s);

        QTemporaryDir dir;
        Tapd tapd(dir.path());
        QVERIFY2(tapd.start({ u"--database"_s, url }), tapd.stderrText().constData());
        QCOMPARE(httpGet(tapd.port(), "/readyz").status, 200);
        QVERIFY(tapd.stderrText().contains("postgres:***@"));
        QVERIFY(!tapd.stderrText().contains("s3cretpw"));
        tapd.terminate();
        QCOMPARE(tapd.waitExit(), 0);

        // Two processes on one database: both start (migrations serialised), both answer.
        Tapd p1(dir.path());
        Tapd p2(dir.path());
        QVERIFY(p1.start({ u"--database"_s, url }));
        QVERIFY(p2.start({ u"--database"_s, url }));
        QCOMPARE(httpGet(p1.port(), "/readyz").status, 200);
        QCOMPARE(httpGet(p2.port(), "/readyz").status, 200);
    }
};

QTEST_GUILESS_MAIN(TestTapd)
#include "tst_tapd.moc"
