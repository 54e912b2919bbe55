// tapd under systemd (packaging/tapd.service): the sd_notify readiness datagram (Type=notify)
// to a path or abstract $NOTIFY_SOCKET, READY=1 only once tapd serves, SIGHUP neither stops nor
// changes it, STOPPING=1 on SIGTERM.
#include "app/sdnotify.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

// A datagram socket standing in for systemd's notification socket.
class NotifySocket
{
public:
    // `path` empty: an abstract socket with a random name.
    explicit NotifySocket(const QString &path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un address = {};
        address.sun_family = AF_UNIX;
        QByteArray name = path.isEmpty()
                ? "@tap-test-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces)
                : QFile::encodeName(path);
        m_name = name;
        std::memcpy(address.sun_path, name.constData(), size_t(name.size()));
        socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(name.size()));
        if (name.startsWith('@'))
            address.sun_path[0] = '\0';
        else
            ++length;
        m_bound = m_fd >= 0
                && ::bind(m_fd, reinterpret_cast<const sockaddr *>(&address), length) == 0;
    }
    ~NotifySocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool bound() const { return m_bound; }
    QByteArray name() const { return m_name; }

    // The next datagram, waiting up to `ms` (empty on timeout).
    QByteArray receive(int ms)
    {
        QElapsedTimer t;
        t.start();
        char buffer[4096];
        do {
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n >= 0)
                return QByteArray(buffer, n);
            QTest::qWait(20);
        } while (t.elapsed() < ms);
        return {};
    }

private:
    int m_fd = -1;
    bool m_bound = false;
    QByteArray m_name;
};

int healthStatus(quint16 port)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(5000))
        return 0;
    s.write("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    QByteArray all;
    while (s.waitForReadyRead(5000))
        all += s.readAll();
    return all.startsWith("HTTP/1.1 ") ? all.mid(9, 3).toInt() : 0;
}

} // namespace

class TestTapdSystemd : public QObject
{
    Q_OBJECT

private slots:
    void notifiesPathSocket()
    {
        QTemporaryDir dir;
        NotifySocket socket(dir.filePath(u"notify"_s));
        QVERIFY(socket.bound());
        qputenv("NOTIFY_SOCKET", socket.name());
        QVERIFY(tap::app::sdNotify("READY=1\nSTATUS=up"));
        QCOMPARE(socket.receive(5000), QByteArray("READY=1\nSTATUS=up"));
        qunsetenv("NOTIFY_SOCKET");
    }

    void notifiesAbstractSocket()
    {
        NotifySocket socket({});
        QVERIFY(socket.bound());
        qputenv("NOTIFY_SOCKET", socket.name());
        QVERIFY(tap::app::sdNotify("STOPPING=1"));
        QCOMPARE(socket.receive(5000), QByteArray("STOPPING=1"));
        qunsetenv("NOTIFY_SOCKET");
    }

    void withoutSocketDoesNothing()
    {
        qunsetenv("NOTIFY_SOCKET");
        QVERIFY(!tap::app::sdNotify("READY=1"));
        qputenv("NOTIFY_SOCKET", "relative/path"); // neither a path nor "@name": ignored
        QVERIFY(!tap::app::sdNotify("READY=1"));
        qputenv("NOTIFY_SOCKET", QByteArray(200, 'x').prepend('/')); // longer than sun_path
        QVERIFY(!tap::app::sdNotify("READY=1"));
        qunsetenv("NOTIFY_SOCKET");
    }

    // tapd says READY=1 once it serves, survives SIGHUP (configuration needs a restart, which
    // it logs), and says STOPPING=1 before a clean exit on SIGTERM.
    void tapdReadyReloadStop()
    {
        QTemporaryDir dir;
        NotifySocket socket(dir.filePath(u"notify"_s));
        QVERIFY(socket.bound());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"TAP_MASTER_KEY"_s);
        env.insert(u"NOTIFY_SOCKET"_s, QString::fromUtf8(socket.name()));
        QProcess tapd;
        tapd.setProcessEnvironment(env);
        tapd.start(qEnvironmentVariable("TAPD_BINARY"),
                   { u"--data-dir"_s, dir.filePath(u"state"_s), u"--listen"_s, u"127.0.0.1:0"_s,
                     u"--workers"_s, u"2"_s });
        QVERIFY(tapd.waitForStarted(5000));

        const QByteArray ready = socket.receive(60000);
        QVERIFY2(ready.startsWith("READY=1\n"), ready.constData());
        static const QRegularExpression portRe(u"STATUS=listening on port (\\d+)"_s);
        const auto m = portRe.match(QString::fromUtf8(ready));
        QVERIFY2(m.hasMatch(), ready.constData());
        const auto port = quint16(m.captured(1).toUInt());
        QCOMPARE(healthStatus(port), 200); // ready means serving, with no wait

        ::kill(pid_t(tapd.processId()), SIGHUP);
        QByteArray log;
        QElapsedTimer t;
        t.start();
        while (!log.contains("SIGHUP ignored") && t.elapsed() < 30000) {
            tapd.waitForReadyRead(100);
            log += tapd.readAllStandardError();
        }
        QVERIFY2(log.contains("SIGHUP ignored"), log.constData());
        QCOMPARE(tapd.state(), QProcess::Running);
        QCOMPARE(healthStatus(port), 200);
        QVERIFY(socket.receive(200).isEmpty()); // no STOPPING=1 for a SIGHUP

        ::kill(pid_t(tapd.processId()), SIGTERM);
        QCOMPARE(socket.receive(30000), QByteArray("STOPPING=1"));
        // waitForFinished() returns false when QProcess has already seen the exit.
        QVERIFY(tapd.state() == QProcess::NotRunning || tapd.waitForFinished(30000));
        QCOMPARE(tapd.exitStatus(), QProcess::NormalExit);
        QCOMPARE(tapd.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTapdSystemd)
#include "tst_tapd_systemd.moc"
