// Per-agent OAuth 2.0 connect (issue #16 item 3, README "Connecting an OAuth 2.0 credential")
// against a real tapd on both backends and fake_oauth2_server.py: POST .../connect answers an
// authorization URL with PKCE S256; GET /oauth/callback takes the state once, exchanges the
// code and stores the refresh token on the scoped row (created from the team row for an
// agent's first connect). Refusals, expiry, replays, provider errors; no secret in any answer,
// page, audit record or log (checked in cleanupTestCase).
#include "store/database.h"
#include "store/databaseurl.h"
#include "support/oauthconnectfixture.h"

#include <QJsonDocument>

using namespace tap::test;

class TestOAuthConnect : public QObject, public ConnectSuite
{
    Q_OBJECT

    // Moves every pending connect's expiry into the past, straight in tapd's database.
    bool expireStates(Fixture &f)
    {
        const QString sql = u"UPDATE oauth_connect_states SET expires_at = 1"_s;
        if (f.tapd.isPostgres())
            return f.tapd.postgres()->exec(sql).ok();
        auto url = tap::store::DatabaseUrl::parse(u"sqlite:"_s + f.tapd.dataDir() + u"/tap.db"_s);
        auto opened = url ? tap::store::Database::open(url.value())
                          : decltype(tap::store::Database::open(url.value()))(url.error());
        return opened && opened.value()->exec(sql).ok();
    }

    // The page of a callback: HTML, the approval page's headers, no cookie, no secret.
    void checkPage(Fixture &f, const HttpResponse &r, int status, const QString &mentions)
    {
        QCOMPARE(r.status, status);
        QVERIFY(r.header("Content-Type").startsWith("text/html"));
        QVERIFY(r.header("Content-Security-Policy").contains("default-src 'none'"));
        QVERIFY(r.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
        QCOMPARE(r.header("Referrer-Policy"), QByteArray("no-referrer"));
        QVERIFY(r.header("Set-Cookie").isEmpty());
        QVERIFY2(r.body.contains(utf8(mentions)), r.body.constData());
        const QString leak = findLeak(r.raw, f.secrets);
        QVERIFY2(leak.isEmpty(), qPrintable(u"the page holds "_s + leak));
    }

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase() { startConnectSuite(); }
    void cleanupTestCase() { finishConnectSuite(); }

    void agentRowCreatedFromTeamRow();
    void connectExistingRowReplacesToken();
    void stateSingleUseAndUnknown();
    void expiredState();
    void accessDenied();
    void tokenEndpointError();
    void boundToTeam();
    void refusals();
    void privateTokenEndpointRefused();
};

void TestOAuthConnect::agentRowCreatedFromTeamRow()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addOAuth2(*f, admin, u"gmail"_s));
    QVERIFY(!addAgent(admin, u"assistant"_s, { u"gmail"_s }).isEmpty());
    EXPECT_ERROR(admin.get("/admin/credentials/gmail?scope_kind=agent&scope_id=assistant"), 404,
                 u"not_found"_s);
    const QUrl url = startConnect(admin, u"gmail"_s, u"agent"_s, u"assistant"_s);
    QVERIFY(url.isValid());
    // RFC 6749 §4.1.1 with RFC 7636 §4.3.
    QCOMPARE(url.path(), u"/authorize"_s);
    QCOMPARE(param(url, u"response_type"_s), u"code"_s);
    QVERIFY(param(url, u"client_id"_s).startsWith(u"client-gmail-"_s));
    QCOMPARE(param(url, u"scope"_s), u"mail.read mail.send"_s);
    QCOMPARE(param(url, u"code_challenge_method"_s), u"S256"_s);
    QCOMPARE(param(url, u"code_challenge"_s).size(), 43);
    QCOMPARE(param(url, u"state"_s).size(), 43);
    QVERIFY(param(url, u"redirect_uri"_s).endsWith(u":%1/oauth/callback"_s.arg(f->tapd.port())));
    QCOMPARE(m_lastConnect.value(u"redirect_uri"_s).toString(), param(url, u"redirect_uri"_s));
    QCOMPARE(m_lastConnect.value(u"scope_kind"_s).toString(), u"agent"_s);
    QVERIFY(!m_lastConnect.value(u"expires_at"_s).toString().isEmpty());
    QVERIFY(findLeak(QJsonDocument(m_lastConnect).toJson(), f->secrets).isEmpty());

    const int before = exchanges();
    const QByteArray callback = authorize(*f, url);
    QVERIFY(callback.startsWith("/oauth/callback?"));
    const HttpResponse done = HttpClient(f->tapd.port()).get(callback);
    checkPage(*f, done, 200, u"gmail"_s);
    QVERIFY(done.body.contains("agent assistant"));
    QVERIFY(done.body.contains("data-outcome=\"connected\""));
    QCOMPARE(exchanges(), before + 1);

    // The agent's row exists now, with the team row's client and its own refresh token; the
    // team row is unchanged.
    const HttpResponse row =
            admin.get("/admin/credentials/gmail?scope_kind=agent&scope_id=assistant");
    EXPECT_STATUS(row, 200);
    QCOMPARE(row.json().value(u"kind"_s).toString(), u"oauth2"_s);
    QCOMPARE(row.json().value(u"token_url"_s).toString(), text(fakeUrl("/token")));
    QVERIFY(partsSet(admin, u"gmail"_s, u"agent"_s, u"assistant"_s).contains(u"refresh_token"_s));
    QVERIFY(partsSet(admin, u"gmail"_s, u"agent"_s, u"assistant"_s).contains(u"client_secret"_s));
    QVERIFY(!partsSet(admin, u"gmail"_s).contains(u"refresh_token"_s));

    // Audited for the admin who started it, with the scope; no secret (checked at the end).
    bool audited = false;
    for (const QJsonObject &o : auditItems(admin, "kind=admin")) {
        if (o.value(u"action"_s).toString() == u"credential.connect")
            audited = o.value(u"actor"_s).toString() == f->main.email
                    && QJsonDocument(o).toJson().contains("assistant");
    }
    QVERIFY(audited);
}

void TestOAuthConnect::connectExistingRowReplacesToken()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addOAuth2(*f, admin, u"drive"_s));
    for (int round = 0; round < 2; ++round) {
        const QByteArray callback = authorize(*f, startConnect(admin, u"drive"_s));
        const HttpResponse done = HttpClient(f->tapd.port()).get(callback);
        checkPage(*f, done, 200, u"drive"_s);
        QVERIFY(done.body.contains("(team)"));
        QVERIFY(partsSet(admin, u"drive"_s).contains(u"refresh_token"_s));
    }
}

void TestOAuthConnect::stateSingleUseAndUnknown()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addOAuth2(*f, admin, u"once"_s));
    const QByteArray callback = authorize(*f, startConnect(admin, u"once"_s));
    const HttpClient browser(f->tapd.port());
    checkPage(*f, browser.get(callback), 200, u"once"_s);
    const int used = exchanges();
    // The same redirect again (a replay): refused without a call to the provider.
    checkPage(*f, browser.get(callback), 404, u"already used"_s);
    QCOMPARE(exchanges(), used);
    for (const QByteArray &query :
         { QByteArray(), QByteArray("?code=x"), QByteArray("?code=x&state="),
           QByteArray(QByteArray("?code=x&state=") + QByteArray(43, 'A')),
           QByteArray("?code=x&state=%27%20OR%201%3D1--"),
           QByteArray(QByteArray("?state=") + QByteArray(5000, 'A')) })
        checkPage(*f, browser.get("/oauth/callback" + query), 404, u"unknown"_s);
    QCOMPARE(exchanges(), used);
}

void TestOAuthConnect::expiredState()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addOAuth2(*f, admin, u"late"_s));
    const QByteArray callback = authorize(*f, startConnect(admin, u"late"_s));
    QVERIFY(expireStates(*f));
    const int before = exchanges();
    const HttpClient browser(f->tapd.port());
    checkPage(*f, browser.get(callback), 410, u"expired"_s);
    QCOMPARE(exchanges(), before);
    QVERIFY(!partsSet(admin, u"late"_s).contains(u"refresh_token"_s));
    checkPage(*f, browser.get(callback), 404, u"already used"_s); // consumed by the first try
}

void TestOAuthConnect::accessDenied()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addOAuth2(*f, admin, u"denied"_s));
    const QUrl url = startConnect(admin, u"denied"_s);
    const QByteArray state = QUrl::toPercentEncoding(param(url, u"state"_s));
    const HttpClient browser(f->tapd.port());
    const QByteArray denied = "/oauth/callback?error=access_denied&error_description="
                              "%3Cscript%3Ealert(1)%3C%2Fscript%3E&state="
            + state;
    const HttpResponse r = browser.get(denied);
    checkPage(*f, r, 403, u"Access was not granted"_s);
    QVERIFY(!r.body.contains("<script>"));
    // The state is spent: the code that might follow is refused.
    checkPage(*f, browser.get("/oauth/callback?code=abc&state=" + state), 404, u"already used"_s);
    // An unregistered error code is not reflected.
    const QUrl again = startConnect(admin, u"denied"_s);
    const HttpResponse odd = browser.get("/oauth/callback?error=%3Cb%3Eodd%3C%2Fb%3E&state="
                                         + QUrl::toPercentEncoding(param(again, u"state"_s)));
    checkPage(*f, odd, 403, u"(error)"_s);
    QVERIFY(!odd.body.contains("odd"));
    QVERIFY(!partsSet(admin, u"denied"_s).contains(u"refresh_token"_s));
}

void TestOAuthConnect::tokenEndpointError()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addOAuth2(*f, admin, u"flaky"_s));
    const HttpClient browser(f->tapd.port());
    const struct
    {
        int status;
        const char *error;
        const char *mentions;
    } cases[] = { { 400, "invalid_grant", "invalid_grant" },
                  { 500, "server_error", "server_error" } };
    for (const auto &c : cases) {
        const QByteArray callback = authorize(*f, startConnect(admin, u"flaky"_s));
        control({ { u"fail_token"_s,
                    QJsonObject{ { u"status"_s, c.status },
                                 { u"error"_s, QString::fromLatin1(c.error) },
                                 { u"count"_s, 1 } } } });
        const HttpResponse r = browser.get(callback);
        checkPage(*f, r, 502, QString::fromLatin1(c.mentions));
        QVERIFY(r.body.contains("data-outcome=\"failed\""));
        QVERIFY(!r.body.contains("injected")); // the provider's description is not shown
        QVERIFY(!partsSet(admin, u"flaky"_s).contains(u"refresh_token"_s));
    }
    bool audited = false;
    for (const QJsonObject &o : auditItems(admin, "kind=admin"))
        audited = audited || o.value(u"action"_s).toString() == u"credential.connect_failed";
    QVERIFY(audited);
}

void TestOAuthConnect::boundToTeam()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const Account other = f->newAccount(u"other"_s);
    QVERIFY(!other.token.isEmpty());
    const HttpClient otherAdmin = f->tapd.client(other.token);
    QVERIFY(addOAuth2(*f, admin, u"shared-name"_s));
    QVERIFY(addOAuth2(*f, otherAdmin, u"shared-name"_s));
    // Another team's admin starts nothing on this team's rows (only on its own).
    EXPECT_ERROR(otherAdmin.post("/admin/credentials/gmail/connect"), 404, u"not_found"_s);
    const QByteArray callback = authorize(*f, startConnect(admin, u"shared-name"_s));
    checkPage(*f, HttpClient(f->tapd.port()).get(callback), 200, u"shared-name"_s);
    QVERIFY(partsSet(admin, u"shared-name"_s).contains(u"refresh_token"_s));
    QVERIFY(!partsSet(otherAdmin, u"shared-name"_s).contains(u"refresh_token"_s));
}

void TestOAuthConnect::refusals()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(f->secrets, admin, u"plain"_s, "plain-LEAK-value"));
    QVERIFY(addOAuth2(*f, admin, u"noauthorize"_s, { { u"authorize_url"_s, QJsonValue() } }));
    QVERIFY(addOAuth2(*f, admin, u"refuse"_s));
    const HttpResponse s = admin.post("/admin/credentials/plain/connect");
    EXPECT_ERROR(s, 400, u"invalid_request"_s);
    QVERIFY(s.body.contains("oauth2"));
    EXPECT_ERROR(admin.post("/admin/credentials/noauthorize/connect"), 400, u"invalid_request"_s);
    EXPECT_ERROR(admin.post("/admin/credentials/missing/connect"), 404, u"not_found"_s);
    EXPECT_ERROR(admin.post("/admin/credentials/refuse/connect?scope_kind=agent&scope_id=nobody"),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(admin.post("/admin/credentials/refuse/connect?scope_kind=moon"), 400,
                 u"invalid_request"_s);
    EXPECT_ERROR(admin.post("/admin/credentials/refuse/connect?colour=red"), 400,
                 u"invalid_request"_s);
    EXPECT_ERROR(HttpClient(f->tapd.port()).post("/admin/credentials/refuse/connect"), 401,
                 u"unauthorized"_s);
    EXPECT_ERROR(admin.get("/admin/credentials/refuse/connect"), 405, u"method_not_allowed"_s);
    // A /forward with a static credential, so that the trail check has a forward record.
    const QByteArray key = addAgent(admin, u"plain-agent"_s, { u"plain"_s });
    QVERIFY(autoApprove(admin, u"plain"_s));
    f->keys[u"plain-agent"_s] = key;
    const HttpResponse fwd = forward(f->tapd.port(), Call(key, "plain", m_upstream.url("/echo")));
    QCOMPARE(fwd.status, 200);
}

// Without TAP_ALLOW_PRIVATE_TARGETS the code exchange at a loopback token_url is refused like
// a /forward target (README "The data plane"): the page says why, the provider sees nothing,
// nothing is stored.
void TestOAuthConnect::privateTokenEndpointRefused()
{
    Fixture own;
    own.tapd.setAllowPrivateTargets(false);
    if (!own.tapd.start()) // skipped without PostgreSQL, or failed (recorded)
        return;
    own.main = own.newAccount(u"guarded"_s);
    QVERIFY(!own.main.token.isEmpty());
    const HttpClient admin = own.tapd.client(own.main.token);
    QVERIFY(addOAuth2(own, admin, u"inside"_s));
    const QByteArray callback = authorize(own, startConnect(admin, u"inside"_s));
    QVERIFY(!callback.isEmpty());
    const int before = exchanges();
    const HttpResponse r = HttpClient(own.tapd.port()).get(callback);
    checkPage(own, r, 403, u"may not reach (loopback, private, link-local or cloud metadata)"_s);
    QVERIFY(r.body.contains("data-outcome=\"failed\""));
    QCOMPARE(exchanges(), before);
    QVERIFY(!partsSet(admin, u"inside"_s).contains(u"refresh_token"_s));
    bool audited = false;
    for (const QJsonObject &o : auditItems(admin, "kind=admin"))
        audited = audited
                || (o.value(u"action"_s).toString() == u"credential.connect_failed"
                    && QJsonDocument(o).toJson().contains("token_endpoint_not_allowed"));
    QVERIFY(audited);
    QVERIFY2(findLeak(own.tapd.log(), own.secrets).isEmpty(), "a secret in tapd's log");
}

QTEST_GUILESS_MAIN(TestOAuthConnect)
#include "tst_oauth_connect.moc"
