// `tap approval watch` (the real binary against a real tapd on both backends): what is pending
// at the start and each new request as it arrives (JSON lines, table lines), SIGINT, --once and
// --timeout, reconnecting with backoff when the server drops (a proxy in this process that
// drops connections), and the one-line failures: expired session, server down, bad flags.
#include "clitest.h"

#include <QPointer>
#include <QTcpSocket>

#include <signal.h>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using namespace tap::test::cli;

namespace {

constexpr int kWaitMs = 60000;

// A /forward that needs approval (no policy on the credential: everything asks); its txn id.
QString park(const World &w, const Upstream &up, const QByteArray &key)
{
    const HttpResponse r = forward(w.tapd.port(),
                                   Call(key, "api", up.url("/v1/items"), "POST",
                                        { { "Content-Type", "application/json" } }, "{\"n\":1}"));
    if (!verifyStatus(r, 202, "park", __FILE__, __LINE__))
        return {};
    return r.json().value(u"txn_id"_s).toString();
}

// A credential "api" that asks for approval, and an agent's key for it.
QByteArray agentKey(World &w)
{
    const QString valueFile = w.home.filePath(u"api.value"_s);
    QFile f(valueFile);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write("sk-watch-cli-0123456789");
    f.close();
    if (w.tap({ u"add"_s, u"api"_s, u"--allowed-hosts"_s, u"127.0.0.1"_s, u"--value-file"_s,
                valueFile })
                .code
        != 0)
        return {};
    const Run agent = w.tap({ u"agent"_s, u"create"_s, u"--name"_s, u"bot"_s, u"--credentials"_s,
                              u"api"_s, u"--json"_s });
    return agent.json().value(u"api_key"_s).toString().toLatin1();
}

// Forwards connections to tapd; while dropping, it closes every connection at once.
class DropProxy : public QObject
{
public:
    explicit DropProxy(quint16 target) : m_target(target)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &DropProxy::accept);
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString url() const { return u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()); }
    void setDropping(bool dropping)
    {
        m_dropping = dropping;
        if (dropping) {
            for (QTcpSocket *s : std::as_const(m_sockets)) {
                if (s)
                    s->abort();
            }
        }
    }

private:
    void accept()
    {
        while (QTcpSocket *in = m_server.nextPendingConnection()) {
            in->setParent(this);
            if (m_dropping) {
                in->abort();
                continue;
            }
            auto *out = new QTcpSocket(this);
            m_sockets << QPointer<QTcpSocket>(in) << QPointer<QTcpSocket>(out);
            connect(in, &QTcpSocket::readyRead, out, [in, out] { out->write(in->readAll()); });
            connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
            connect(in, &QTcpSocket::disconnected, out, &QTcpSocket::disconnectFromHost);
            connect(out, &QTcpSocket::disconnected, in, &QTcpSocket::disconnectFromHost);
            connect(out, &QTcpSocket::connected, in, [in, out] { out->write(in->readAll()); });
            out->connectToHost(QHostAddress::LocalHost, m_target);
        }
    }

    QTcpServer m_server;
    quint16 m_target;
    bool m_dropping = false;
    QList<QPointer<QTcpSocket>> m_sockets;
};

// `tap approval watch ...` running in the background.
struct Watcher
{
    QProcess p;
    QByteArray out;
    QByteArray err;

    void start(const World &w, const QStringList &args)
    {
        p.setProcessEnvironment(w.environment());
        p.start(qEnvironmentVariable("TAP_CLI_BINARY"),
                QStringList{ u"approval"_s, u"watch"_s } + args);
        p.closeWriteChannel();
    }
    void read()
    {
        out += p.readAllStandardOutput();
        err += p.readAllStandardError();
    }
    bool outHas(const QString &needle)
    {
        read();
        return out.contains(needle.toUtf8());
    }
    bool errHas(const QByteArray &needle)
    {
        read();
        return err.contains(needle);
    }
    // SIGINT, as Ctrl-C sends it; the exit code, -1 if it did not stop.
    int interrupt()
    {
        ::kill(pid_t(p.processId()), SIGINT);
        if (!p.waitForFinished(kWaitMs))
            return -1;
        read();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    ~Watcher()
    {
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
    }
};

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : out.split('\n')) {
        if (!line.isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    }
    return lines;
}

} // namespace

class TestCliWatch : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { requireTapBinary(); }
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void pendingThenNewUntilInterrupted();
    void onceAndTimeout();
    void reconnectsWhenTheServerDrops();
    void failures();
};

void TestCliWatch::pendingThenNewUntilInterrupted()
{
    World w;
    Upstream up;
    QVERIFY(up.start());
    QVERIFY(setUp(w, u"watch-json"_s));
    QVERIFY(logIn(w));
    const QByteArray key = agentKey(w);
    QVERIFY(!key.isEmpty());
    const QString first = park(w, up, key);
    QVERIFY(!first.isEmpty());

    Watcher watch;
    watch.start(w, { u"--json"_s });
    QTRY_VERIFY_WITH_TIMEOUT(watch.outHas(first), kWaitMs); // pending at the start
    const QString second = park(w, up, key);
    QVERIFY(!second.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(watch.outHas(second), kWaitMs); // arrived while watching
    QCOMPARE(watch.interrupt(), 0);
    QVERIFY2(watch.err.isEmpty(), watch.err.constData());
    // One JSON object per line, each request once.
    const QList<QJsonObject> lines = jsonLines(watch.out);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0).value(u"id"_s).toString(), first);
    QCOMPARE(lines.at(1).value(u"id"_s).toString(), second);
    QCOMPARE(lines.at(1).value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(lines.at(1).value(u"method"_s).toString(), u"POST"_s);
}

void TestCliWatch::onceAndTimeout()
{
    World w;
    Upstream up;
    QVERIFY(up.start());
    QVERIFY(setUp(w, u"watch-once"_s));
    QVERIFY(logIn(w));
    const QByteArray key = agentKey(w);
    QVERIFY(!key.isEmpty());
    // --once with nothing pending waits for the next request, prints its table line and stops.
    Watcher watch;
    watch.start(w, { u"--once"_s });
    QTest::qWait(1000);
    const QString id = park(w, up, key);
    QVERIFY(!id.isEmpty());
    QVERIFY(watch.p.waitForFinished(kWaitMs));
    watch.read();
    QCOMPARE(watch.p.exitCode(), 0);
    const QList<QByteArray> lines = watch.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines.at(0).startsWith("ID") && lines.at(0).contains("TARGET"), lines.at(0).data());
    QVERIFY2(lines.at(1).startsWith(id.toUtf8()) && lines.at(1).contains("POST"),
             lines.at(1).data());
    // --timeout: what is pending, then exit 0 when the time is up.
    const Run timed = w.tap({ u"approval"_s, u"watch"_s, u"--timeout"_s, u"2"_s, u"--json"_s });
    TAP_OK(timed);
    QCOMPARE(jsonLines(timed.out).size(), 1);
    TAP_OK(w.tap({ u"approval"_s, u"deny"_s, id }));
    const Run none = w.tap({ u"approval"_s, u"watch"_s, u"--timeout"_s, u"1"_s });
    TAP_OK(none);
    QVERIFY2(none.out.isEmpty() && none.err.isEmpty(), qPrintable(none.describe()));
}

void TestCliWatch::reconnectsWhenTheServerDrops()
{
    World w;
    Upstream up;
    QVERIFY(up.start());
    QVERIFY(setUp(w, u"watch-drop"_s));
    QVERIFY(logIn(w));
    const QByteArray key = agentKey(w);
    QVERIFY(!key.isEmpty());
    const QString first = park(w, up, key);
    QVERIFY(!first.isEmpty());
    DropProxy proxy(w.tapd.port());
    QVERIFY(proxy.listen());

    Watcher watch;
    w.extraEnv.insert(u"TAP_URL"_s, proxy.url());
    // The saved session belongs to tapd's own address; through the proxy it is passed along.
    w.extraEnv.insert(u"TAP_SESSION"_s, QString::fromLatin1(w.owner.token));
    watch.start(w, { u"--json"_s });
    QTRY_VERIFY_WITH_TIMEOUT(watch.outHas(first), kWaitMs);
    proxy.setDropping(true);
    QTRY_VERIFY_WITH_TIMEOUT(watch.errHas("lost the TAP server at " + proxy.url().toUtf8()),
                             kWaitMs);
    QTRY_VERIFY2_WITH_TIMEOUT(watch.errHas("trying again in 2 s"), watch.err.constData(),
                              kWaitMs); // still trying, later
    const QString second = park(w, up, key);
    QVERIFY(!second.isEmpty());
    proxy.setDropping(false);
    QTRY_VERIFY_WITH_TIMEOUT(watch.outHas(second), kWaitMs);
    QVERIFY(watch.errHas("reconnected to " + proxy.url().toUtf8()));
    QCOMPARE(watch.interrupt(), 0);
    const QList<QJsonObject> lines = jsonLines(watch.out);
    QCOMPARE(lines.size(), 2); // the first request is not printed again
    // Backoff: the waits grow (1 s, 2 s, ...).
    QVERIFY2(watch.err.contains("trying again in 1 s") && watch.err.contains("trying again in 2 s"),
             watch.err.constData());
}

void TestCliWatch::failures()
{
    World w;
    QVERIFY(setUp(w, u"watch-fail"_s));
    // Expired or made-up session: one line, exit 1.
    w.extraEnv.insert(u"TAP_SESSION"_s, u"taps_not-a-real-session-token"_s);
    Run r = w.tap({ u"approval"_s, u"watch"_s });
    TAP_FAILS(r, 1, "the session has expired or is not valid: run 'tap login'");
    QCOMPARE(r.err.count('\n'), 1);
    // Server down at the start: one line, exit 1 (no retrying a server never reached).
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const QString down = u"http://127.0.0.1:%1"_s.arg(probe.serverPort());
    probe.close();
    w.extraEnv.insert(u"TAP_URL"_s, down);
    r = w.tap({ u"approval"_s, u"watch"_s });
    TAP_FAILS(r, 1, "cannot reach the TAP server");
    QCOMPARE(r.err.count('\n'), 1);
    // Usage: exit 2, one line.
    r = w.tap({ u"approval"_s, u"watch"_s, u"--forever"_s });
    TAP_FAILS(r, 2, "unknown option --forever");
    QCOMPARE(r.err.count('\n'), 1);
    r = w.tap({ u"approval"_s, u"watch"_s, u"--timeout"_s, u"soon"_s });
    TAP_FAILS(r, 1, "--timeout must be a positive whole number");
}

QTEST_GUILESS_MAIN(TestCliWatch)
#include "tst_cli_watch.moc"
