// OAuth 2.0 token requests under the egress policy of /forward (README "The data plane",
// "OAuth 2.0 credentials"), against the real tapd on both backends, the fake authorization
// server and the fake forward proxy (support/fakeproxy.h):
//  - without TAP_ALLOW_PRIVATE_TARGETS, a token_url on a loopback name or literal, or the cloud
//    metadata address, is refused: 502 <name>_refresh_failed saying why, and the token
//    endpoint sees nothing (with TAP_UPSTREAM_PROXY set, neither does the proxy);
//  - with TAP_UPSTREAM_PROXY, the refresh goes through the proxy as a CONNECT tunnel to the
//    address tapd checked, like the request it is for.
#include "support/fakeproxy.h"
#include "support/oauth2fixture.h"

#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestOAuth2Egress : public QObject, public OAuth2Suite
{
    Q_OBJECT

    // A tapd of its own without TAP_ALLOW_PRIVATE_TARGETS (env: extra settings).
    Fixture *guardedWorld(const QProcessEnvironment &env = {})
    {
        auto f = std::make_unique<Fixture>();
        f->tapd.setAllowPrivateTargets(false);
        f->tapd.setExtraEnvironment(env);
        if (!f->tapd.start())
            return nullptr;
        f->main = f->newAccount(u"guarded"_s);
        if (f->main.token.isEmpty())
            return nullptr;
        m_worlds.push_back(std::move(f));
        return m_worlds.back().get();
    }

    int tokenRequests() { return stats().value(u"token_requests"_s).toInt(); }

    // Every token_url of `urls` refused before anything is sent: 502 <name>_refresh_failed
    // naming the reason, the fake (and `proxy`, when given) asked nothing.
    void verifyRefused(Fixture &f, const QStringList &urls, FakeProxy *proxy)
    {
        const QByteArray target = "http://localhost:" + QByteArray::number(m_as.port()) + "/api/x";
        const int before = tokenRequests();
        const int proxied = proxy ? int(proxy->asked().size()) : 0;
        int n = 0;
        for (const QString &url : urls) {
            const QString name = u"g-guard%1"_s.arg(++n);
            const QString client = addOAuth2(
                    f, name, true,
                    { { u"token_url"_s, url },
                      { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s, u"localhost"_s }) } });
            QVERIFY(!client.isEmpty());
            const HttpResponse r = forward(f.tapd.port(), { f.keys[name], utf8(name), target });
            EXPECT_FWD(r, 502, name + u"_refresh_failed"_s);
            const QString message = r.json()[u"error"_s][u"message"_s].toString();
            QVERIFY2(message.contains(u"may not be reached"_s),
                     qPrintable(url + u": "_s + message));
            QVERIFY2(findLeak(r.body, f.secrets).isEmpty(), r.body.constData());
            QCOMPARE(refreshes(client), 0);
        }
        QCOMPARE(tokenRequests(), before);
        if (proxy)
            QCOMPARE(proxy->asked().size(), proxied);
        QVERIFY2(findLeak(f.tapd.log(), f.secrets).isEmpty(), "a secret in tapd's log");
    }

    QStringList privateTokenUrls() const
    {
        const QString port = QString::number(m_as.port());
        return { text(m_as.url("/token")), u"http://localhost:"_s + port + u"/token"_s,
                 u"http://169.254.169.254/latest/meta-data/token"_s };
    }

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startOAuth2Suite(); }
    void cleanupTestCase() { finishOAuth2Suite(); }
    void init()
    {
        control({ { u"delay"_s, 0 }, { u"expires_in"_s, 3600 }, { u"rotate"_s, true } });
    }

    void privateTokenUrlRefused();
    void privateTokenUrlRefusedBeforeProxy();
    void refreshThroughProxy();
};

void TestOAuth2Egress::privateTokenUrlRefused()
{
    Fixture *f = guardedWorld();
    if (!f) // skipped without PostgreSQL, or failed (recorded)
        return;
    verifyRefused(*f, privateTokenUrls(), nullptr);
}

void TestOAuth2Egress::privateTokenUrlRefusedBeforeProxy()
{
    FakeProxy proxy;
    QVERIFY(proxy.start());
    QProcessEnvironment env;
    env.insert(u"TAP_UPSTREAM_PROXY"_s, proxy.url());
    Fixture *f = guardedWorld(env);
    if (!f) // skipped without PostgreSQL, or failed (recorded)
        return;
    verifyRefused(*f, privateTokenUrls(), &proxy);
    QCOMPARE(proxy.asked(), QStringList());
}

// With the private targets allowed (tests only), both the token request and the request it
// is for are tunnelled through the proxy to the fake's checked address.
void TestOAuth2Egress::refreshThroughProxy()
{
    FakeProxy proxy;
    QVERIFY(proxy.start());
    QProcessEnvironment env;
    env.insert(u"TAP_UPSTREAM_PROXY"_s, proxy.url());
    WORLD(f, env);
    const QString client = addOAuth2(*f, u"g-proxied"_s);
    QVERIFY(!client.isEmpty());
    const int before = tokenRequests();
    const HttpResponse r =
            forward(f->tapd.port(), { f->keys[u"g-proxied"_s], "g-proxied", m_as.url("/api/x") });
    EXPECT_FWD(r, 200, QString());
    QCOMPARE(refreshes(client), 1);
    QCOMPARE(tokenRequests(), before + 1);
    const QStringList asked = proxy.asked();
    const QString tunnel = u"CONNECT 127.0.0.1:%1"_s.arg(m_as.port());
    QCOMPARE(asked, QStringList({ tunnel, tunnel })); // the token, then the API
}

QTEST_GUILESS_MAIN(TestOAuth2Egress)
#include "tst_oauth2_egress.moc"
