// ApiClient against the fake admin API: verbs, error shape, 401 → sessionExpired, timeouts,
// the busy signal.
#include "apiclient/apiclient.h"
#include "support/fakeadminapi.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using tap::apiclient::ApiClient;
using tap::testsupport::FakeAdminApi;

namespace {

constexpr int kTimeout = 5000;

// Sends one call and waits for its answer.
template <typename Send>
ApiClient::Reply wait(Send send)
{
    ApiClient::Reply reply;
    bool done = false;
    send([&](const ApiClient::Reply &r) {
        reply = r;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, kTimeout))
        reply.status = -1; // no answer in time
    return reply;
}

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_fake = std::make_unique<FakeAdminApi>();
        QVERIFY(m_fake->listen());
        m_fake->addAccount(QStringLiteral("admin@example.com"), QStringLiteral("correct horse"));
        m_api = std::make_unique<ApiClient>(m_fake->url());
    }

    void loginKeepsToken()
    {
        const auto r = wait([this](auto done) {
            m_api->login(QStringLiteral("admin@example.com"), QStringLiteral("correct horse"),
                         done);
        });
        QCOMPARE(r.status, 200);
        QVERIFY(m_api->sessionToken().startsWith(QStringLiteral("taps_")));
        const auto team =
                wait([this](auto done) { m_api->get(QStringLiteral("/admin/team"), done); });
        QCOMPARE(team.status, 200);
        QCOMPARE(team.body.value(QStringLiteral("name")).toString(), QStringLiteral("my-team"));
        QCOMPARE(m_fake->requests.last().authorization, "Bearer " + m_api->sessionToken().toUtf8());
    }

    void verbs()
    {
        login();
        auto r = wait([this](auto done) {
            m_api->post(QStringLiteral("/admin/credentials"),
                        { { QStringLiteral("name"), QStringLiteral("slack") },
                          { QStringLiteral("description"), QStringLiteral("Slack") },
                          { QStringLiteral("value"), QStringLiteral("xoxb") } },
                        done);
        });
        QCOMPARE(r.status, 201);
        QCOMPARE(r.body.value(QStringLiteral("has_value")).toBool(), true);
        r = wait([this](auto done) {
            m_api->patch(QStringLiteral("/admin/credentials/slack"),
                         { { QStringLiteral("description"), QStringLiteral("Slack bot") } }, done);
        });
        QCOMPARE(r.status, 200);
        r = wait([this](auto done) {
            m_api->put(QStringLiteral("/admin/credentials/slack/value"),
                       { { QStringLiteral("value"), QStringLiteral("new") } }, done);
        });
        QCOMPARE(r.status, 200);
        r = wait([this](auto done) {
            m_api->remove(QStringLiteral("/admin/credentials/") + ApiClient::segment(u"slack"_qs),
                          done);
        });
        QCOMPARE(r.status, 200);
        QCOMPARE(m_fake->count("PATCH", QStringLiteral("/admin/credentials/slack")), 1);
        QCOMPARE(m_fake->count("PUT", QStringLiteral("/admin/credentials/slack/value")), 1);
        QCOMPARE(m_fake->count("DELETE", QStringLiteral("/admin/credentials/slack")), 1);
        QVERIFY(m_fake->credentials.isEmpty());
    }

    void queryAndSegments()
    {
        login();
        ApiClient::Options options;
        options.query.addQueryItem(QStringLiteral("status"), QStringLiteral("all"));
        wait([&](auto done) { m_api->get(QStringLiteral("/admin/approvals"), done, options); });
        QCOMPARE(m_fake->requests.last().query.queryItemValue(QStringLiteral("status")),
                 QStringLiteral("all"));
        QCOMPARE(ApiClient::segment(QStringLiteral("a/b c")), QStringLiteral("a%2Fb%20c"));
    }

    void errorShape()
    {
        login();
        m_fake->failNext("GET", QStringLiteral("/admin/agents"), 409, QStringLiteral("conflict"),
                         QStringLiteral("Something changed."));
        const auto r =
                wait([this](auto done) { m_api->get(QStringLiteral("/admin/agents"), done); });
        QCOMPARE(r.status, 409);
        QVERIFY(!r.ok());
        QCOMPARE(r.error.code, QStringLiteral("conflict"));
        QCOMPARE(r.errorMessage(), QStringLiteral("Something changed."));
    }

    void expiredSessionSignals()
    {
        login();
        QSignalSpy expired(m_api.get(), &ApiClient::sessionExpired);
        m_fake->expireSessions();
        const auto r = wait([this](auto done) { m_api->get(QStringLiteral("/admin/team"), done); });
        QCOMPARE(r.status, 401);
        QCOMPARE(expired.size(), 1);
    }

    void failedLoginIsNoExpiry()
    {
        QSignalSpy expired(m_api.get(), &ApiClient::sessionExpired);
        const auto r = wait([this](auto done) {
            m_api->login(QStringLiteral("admin@example.com"), QStringLiteral("wrong password"),
                         done);
        });
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorMessage(), QStringLiteral("Invalid email or password."));
        QVERIFY(!m_api->hasSession());
        QCOMPARE(expired.size(), 0);
    }

    void logoutForgetsToken()
    {
        login();
        const auto r = wait([this](auto done) { m_api->logout(done); });
        QCOMPARE(r.status, 200);
        QVERIFY(!m_api->hasSession());
        QCOMPARE(m_fake->sessionCount(), 0);
    }

    void timeout()
    {
        login();
        m_fake->stall(QStringLiteral("/admin/roles"));
        m_api->setTimeoutMs(200);
        const auto r =
                wait([this](auto done) { m_api->get(QStringLiteral("/admin/roles"), done); });
        QCOMPARE(r.status, 0);
        QCOMPARE(r.error.code, QStringLiteral("network_error"));
        QVERIFY(!r.errorMessage().isEmpty());
    }

    void unreachable()
    {
        QTcpServer probe; // a port that was free a moment ago
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        ApiClient api(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        const auto r = wait([&api](auto done) { api.get(QStringLiteral("/healthz"), done); });
        QCOMPARE(r.status, 0);
        QVERIFY(r.errorMessage().contains(QStringLiteral("could not be reached")));
    }

    void busySignal()
    {
        login();
        QSignalSpy busy(m_api.get(), &ApiClient::busyChanged);
        wait([this](auto done) { m_api->get(QStringLiteral("/admin/team"), done); });
        QCOMPARE(busy.size(), 2);
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
        ApiClient::Options background;
        background.background = true;
        wait([&](auto done) { m_api->get(QStringLiteral("/admin/team"), done, background); });
        QCOMPARE(busy.size(), 2);
        QVERIFY(!m_api->isBusy());
    }

    void abortAllAnswers()
    {
        login();
        m_fake->stall(QStringLiteral("/admin/roles"));
        bool done = false;
        int status = -1;
        m_api->get(QStringLiteral("/admin/roles"), [&](const ApiClient::Reply &r) {
            done = true;
            status = r.status;
        });
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->count("GET", QStringLiteral("/admin/roles")) == 1,
                                 kTimeout);
        m_api->abortAll();
        QTRY_VERIFY_WITH_TIMEOUT(done, kTimeout);
        QCOMPARE(status, 0);
    }

    // A callback bound to a context (issue #18): the context going away aborts the request and
    // drops its answer; a live context gets the answer as usual.
    void contextBindsTheCallback()
    {
        login();
        m_fake->stall(QStringLiteral("/admin/roles"));
        auto context = std::make_unique<QObject>();
        bool called = false;
        const QPointer<QNetworkReply> reply =
                m_api->get(QStringLiteral("/admin/roles"), context.get(),
                           [&called](const ApiClient::Reply &) { called = true; });
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->count("GET", QStringLiteral("/admin/roles")) == 1,
                                 kTimeout);
        QVERIFY(m_api->isBusy());
        // Nothing is emitted from inside the context's destructor: a main window deleting its
        // pages would get busyChanged while half destroyed (UBSan: not a MainWindow any more).
        QSignalSpy busy(m_api.get(), &ApiClient::busyChanged);
        context.reset();
        QCOMPARE(busy.size(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!m_api->isBusy(), kTimeout); // aborted, not left running
        QCOMPARE(busy.size(), 1);
        QVERIFY(!reply || !reply->isRunning());
        QTest::qWait(50);
        QVERIFY(!called);

        QObject alive;
        const auto r =
                wait([&](auto done) { m_api->get(QStringLiteral("/admin/team"), &alive, done); });
        QCOMPARE(r.status, 200);
    }

private:
    void login()
    {
        wait([this](auto done) {
            m_api->login(QStringLiteral("admin@example.com"), QStringLiteral("correct horse"),
                         done);
        });
        QVERIFY(m_api->hasSession());
    }

    std::unique_ptr<FakeAdminApi> m_fake;
    std::unique_ptr<ApiClient> m_api;
};

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_console_apiclient.moc"
