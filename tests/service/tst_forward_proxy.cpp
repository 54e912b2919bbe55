// End-to-end tests of upstream proxies and the address guard (issue #13 item 6) against the
// real tapd binary, the fake upstream and a fake forward proxy (support/fake_proxy.py), on
// both backends:
//  - proxy environment variables (http_proxy, HTTPS_PROXY, ALL_PROXY...) are ignored: a guarded
//    target stays refused and an allowed one is reached directly, the proxy sees nothing;
//  - TAP_UPSTREAM_PROXY: allowed targets go through the proxy as a CONNECT tunnel to the
//    address tapd resolved and checked (never the name); targets whose name or literal is a
//    forbidden address (localhost, 169.254.169.254) are refused before the proxy sees anything.
// The fake proxy relays to loopback only, so no test can reach another host.
#include "support/fakeproxy.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

struct World
{
    World(bool allowPrivate, const QProcessEnvironment &env) : tapd(allowPrivate, env) { }
    Tapd tapd;
    QByteArray key;
};

// A credential "api" allowed to 127.0.0.1, localhost and 169.254.169.254 (so that only the
// address guard can refuse them), auto-approved, and an agent holding it.
bool setUp(World &w, const QString &team)
{
    if (!w.tapd.start())
        return false;
    const Account owner = signUp(w.tapd, team, team + u"@example.test"_s);
    if (owner.token.isEmpty())
        return false;
    const HttpClient admin = w.tapd.client(owner.token);
    const HttpResponse c =
            admin.post("/admin/credentials",
                       { { u"name"_s, u"api"_s },
                         { u"description"_s, u"proxied API"_s },
                         { u"value"_s, u"sk-proxy-secret-0123456789"_s },
                         { u"allowed_hosts"_s,
                           strings({ u"127.0.0.1"_s, u"localhost"_s, u"169.254.169.254"_s }) } });
    if (!verifyStatus(c, 201, "POST /admin/credentials", __FILE__, __LINE__)
        || !autoApprove(admin, u"api"_s))
        return false;
    w.key = addAgent(admin, u"bot"_s, { u"api"_s });
    return !w.key.isEmpty();
}

QProcessEnvironment proxyEnvironment(const QString &proxy)
{
    QProcessEnvironment env;
    for (const char *name :
         { "http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy" })
        env.insert(QString::fromLatin1(name), proxy);
    env.insert(u"NO_PROXY"_s, QString());
    env.insert(u"no_proxy"_s, QString());
    return env;
}

// Refused by the address guard (not by allowed_hosts): 403 target_not_allowed.
bool verifyGuarded(const HttpResponse &r, const char *what)
{
    if (!verifyForward(r, 403, u"target_not_allowed"_s, what, __FILE__, __LINE__))
        return false;
    const QString message = r.json()[u"error"_s][u"message"_s].toString();
    if (!message.contains(u"address"_s)) {
        QTest::qFail(qPrintable(QString::fromLatin1(what) + u": "_s + message), __FILE__, __LINE__);
        return false;
    }
    return true;
}

} // namespace

class TestForwardProxy : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void environmentProxiesIgnored();
    void configuredProxy();
};

void TestForwardProxy::environmentProxiesIgnored()
{
    Upstream upstream;
    FakeProxy proxy;
    QVERIFY(upstream.start() && proxy.start());
    const QProcessEnvironment env = proxyEnvironment(proxy.url());
    const QByteArray echo = upstream.url("/echo");

    // Without TAP_ALLOW_PRIVATE_TARGETS: a loopback target is refused, nothing is proxied.
    {
        World w(false, env);
        QVERIFY(setUp(w, u"envguard"_s));
        QVERIFY(verifyGuarded(forward(w.tapd.port(), Call(w.key, "api", echo)), "loopback"));
        QVERIFY(verifyGuarded(forward(w.tapd.port(), Call(w.key, "api", "https://127.0.0.1:1/x")),
                              "https"));
        QCOMPARE(upstream.count(), 0);
        QCOMPARE(proxy.asked(), QStringList());
        EXPECT_CLEAN_STOP(w.tapd);
    }
    // With it: the target is reached directly, still nothing is proxied.
    {
        World w(true, env);
        QVERIFY(setUp(w, u"envdirect"_s));
        const HttpResponse r = forward(w.tapd.port(), Call(w.key, "api", echo));
        EXPECT_FWD(r, 200, QString());
        QCOMPARE(upstream.count(), 1);
        QCOMPARE(proxy.asked(), QStringList());
        EXPECT_CLEAN_STOP(w.tapd);
    }
}

void TestForwardProxy::configuredProxy()
{
    Upstream upstream;
    FakeProxy proxy;
    QVERIFY(upstream.start() && proxy.start());
    QProcessEnvironment env;
    env.insert(u"TAP_UPSTREAM_PROXY"_s, proxy.url());
    const QByteArray port = QByteArray::number(upstream.port());
    const QByteArray byName = "http://localhost:" + port + "/echo";

    // Allowed targets go through the proxy, tunnelled to the checked address, never the name.
    {
        World w(true, env);
        QVERIFY(setUp(w, u"viaproxy"_s));
        EXPECT_FWD(forward(w.tapd.port(), Call(w.key, "api", upstream.url("/echo"))), 200,
                   QString());
        const HttpResponse named = forward(w.tapd.port(), Call(w.key, "api", byName));
        EXPECT_FWD(named, 200, QString());
        const QString tunnel = u"CONNECT 127.0.0.1:"_s + QString::fromLatin1(port) + u" HTTP/1.1"_s;
        const QStringList asked = proxy.asked();
        QCOMPARE(asked.size(), 2);
        for (const QString &line : asked)
            QVERIFY2(line.startsWith(u"CONNECT 127.0.0.1:"_s + QString::fromLatin1(port)),
                     qPrintable(asked.join(u" | "_s) + u" (expected "_s + tunnel + u')'));
        // The upstream still sees the name the agent asked for.
        const QJsonArray seen = upstream.since(0);
        QCOMPARE(seen.size(), 2);
        QCOMPARE(headerValue(seen.at(1).toObject(), "Host"), "localhost:" + port);
        EXPECT_CLEAN_STOP(w.tapd);
    }
    // Names and literals of forbidden addresses are refused before the proxy is asked.
    {
        World w(false, env);
        QVERIFY(setUp(w, u"proxyguard"_s));
        const int before = proxy.asked().size();
        QVERIFY(verifyGuarded(forward(w.tapd.port(), Call(w.key, "api", byName)), "localhost"));
        QVERIFY(verifyGuarded(
                forward(w.tapd.port(),
                        Call(w.key, "api", "http://169.254.169.254/latest/meta-data")),
                "metadata"));
        QVERIFY(verifyGuarded(forward(w.tapd.port(), Call(w.key, "api", upstream.url("/echo"))),
                              "loopback literal"));
        QCOMPARE(proxy.asked().size(), before);
        QCOMPARE(upstream.count(), 2);
        EXPECT_CLEAN_STOP(w.tapd);
    }
}

QTEST_GUILESS_MAIN(TestForwardProxy)
#include "tst_forward_proxy.moc"
