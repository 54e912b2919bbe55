// End-to-end tests of OAuth 2.0 refresh inside tapd (README "OAuth 2.0 credentials") against
// the real tapd binary on both backends and the fake authorization server
// (support/oauth2fixture.h): the admin API (oauth_state), the Bearer token injected, exactly
// one refresh for 200 concurrent requests on an expired token (one tapd, and two tapds on one
// database), invalid_grant → reauth_required, a crash between the refresh and storing, and no
// token in any answer or trail.
#include "support/oauth2fixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardOAuth2 : public QObject, public OAuth2Suite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startOAuth2Suite(); }
    void cleanupTestCase() { finishOAuth2Suite(); }
    void init()
    {
        control({ { u"delay"_s, 0 }, { u"expires_in"_s, 3600 }, { u"rotate"_s, true } });
    }

    void adminApiAndNotConnected();
    void concurrentExpiredOneRefresh();
    void twoProcessesOneRefresh();
    void invalidGrantReauth();
    void crashAfterRefreshTokenStored();
    void crashAfterTokenResponse();
    void tokensScrubbed();
};

void TestForwardOAuth2::adminApiAndNotConnected()
{
    WORLD(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QString client = addOAuth2(*f, u"g-admin"_s, false);
    QVERIFY(!client.isEmpty());
    HttpResponse r = admin.get("/admin/credentials/g-admin");
    EXPECT_STATUS(r, 200);
    QJsonObject o = r.json();
    QCOMPARE(o.value(u"kind"_s).toString(), u"oauth2"_s);
    QCOMPARE(o.value(u"token_url"_s).toString(), text(m_as.url("/token")));
    QVERIFY(o.value(u"authorize_url"_s).isNull());
    QCOMPARE(o.value(u"parts_set"_s).toArray(), strings({ u"client_id"_s, u"client_secret"_s }));
    QCOMPARE(o.value(u"oauth_state"_s).toString(), u"not_connected"_s);
    QVERIFY2(findLeak(r.body, f->secrets).isEmpty(), r.body.constData());
    // Not connected: the agent is told which credential needs connecting.
    r = forward(f->tapd.port(), { f->keys[u"g-admin"_s], "g-admin", m_as.url("/api/x") });
    EXPECT_FWD(r, 502, u"g-admin_reauth_required"_s);
    // A refresh token set: connected, and the request goes out with a Bearer token.
    QJsonObject parts{ { u"client_id"_s, client },
                       { u"client_secret"_s, text(f->secrets.at(f->secrets.size() - 1).value) },
                       { u"refresh_token"_s, issueRefreshToken(client) } };
    f->secrets += partSecrets(u"g-admin"_s, parts);
    r = admin.put("/admin/credentials/g-admin/value", { { u"value"_s, parts } });
    EXPECT_STATUS(r, 200);
    r = admin.get("/admin/credentials");
    EXPECT_STATUS(r, 200);
    QVERIFY2(r.body.contains("\"oauth_state\":\"connected\""), r.body.constData());
    r = forward(f->tapd.port(), { f->keys[u"g-admin"_s], "g-admin", m_as.url("/api/x") });
    EXPECT_FWD(r, 200, QString());
    QCOMPARE(r.json().value(u"ok"_s).toBool(), true);
    // The fake echoes the client id, a secret part: scrubbed like a value.
    QCOMPARE(r.json().value(u"client_id"_s).toString(), u"[REDACTED:g-admin]"_s);
    QCOMPARE(refreshes(client), 1);
}

// 200 requests at once on an expired token: exactly one refresh at the fake, every request
// answered with the new token; then the cached token serves without any refresh.
void TestForwardOAuth2::concurrentExpiredOneRefresh()
{
    WORLD(f);
    const QString client = addOAuth2(*f, u"g-burst"_s);
    QVERIFY(!client.isEmpty());
    control({ { u"expires_in"_s, 62 } }); // fresh for 2 s (tapd refreshes 60 s early)
    EXPECT_FWD(forward(f->tapd.port(), { f->keys[u"g-burst"_s], "g-burst", m_as.url("/api/x") }),
               200, QString());
    QCOMPARE(refreshes(client), 1);
    control({ { u"expires_in"_s, 3600 }, { u"delay"_s, 0.5 }, { u"reset_stats"_s, true } });
    QTest::qWait(2500); // the token is now within the skew: expired for tapd
    const auto answers = burst({ f->tapd.port() }, f->keys[u"g-burst"_s], u"g-burst"_s, 200);
    for (const HttpResponse &r : answers)
        EXPECT_FWD(r, 200, QString());
    const QJsonObject s = stats();
    QCOMPARE(s.value(u"refreshes"_s).toObject().value(client).toInt(), 1);
    QCOMPARE(s.value(u"max_in_flight"_s).toInt(), 1);
    QCOMPARE(s.value(u"resource_unauthorized"_s).toInt(), 0);
    for (const HttpResponse &r : burst({ f->tapd.port() }, f->keys[u"g-burst"_s], u"g-burst"_s, 20))
        EXPECT_FWD(r, 200, QString());
    QCOMPARE(refreshes(client), 1);
}

// Two tapd processes on one database, 100 requests each at once: one refresh in all.
void TestForwardOAuth2::twoProcessesOneRefresh()
{
    WORLD(f);
    const QString client = addOAuth2(*f, u"g-two"_s);
    QVERIFY(!client.isEmpty());
    Tapd second(true, [] {
        QProcessEnvironment env;
        env.insert(u"TAP_MAX_CONNECTIONS_PER_CLIENT"_s, u"1000"_s);
        return env;
    }());
    QVERIFY(second.startSharing(f->tapd));
    control({ { u"delay"_s, 1.0 }, { u"reset_stats"_s, true } });
    const auto answers =
            burst({ f->tapd.port(), second.port() }, f->keys[u"g-two"_s], u"g-two"_s, 200);
    for (const HttpResponse &r : answers)
        EXPECT_FWD(r, 200, QString());
    const QJsonObject s = stats();
    QCOMPARE(s.value(u"refreshes"_s).toObject().value(client).toInt(), 1);
    QCOMPARE(s.value(u"max_in_flight"_s).toInt(), 1);
    QVERIFY2(findLeak(second.log(), f->secrets).isEmpty(), "a secret in the second tapd's log");
}

// The refresh token refused: 502 <name>_reauth_required, the row shows it, no further calls
// to the token endpoint; a new refresh token clears it.
void TestForwardOAuth2::invalidGrantReauth()
{
    WORLD(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QString client = addOAuth2(*f, u"g-revoked"_s);
    QVERIFY(!client.isEmpty());
    control({ { u"revoke_refresh_tokens"_s, true } });
    HttpResponse r =
            forward(f->tapd.port(), { f->keys[u"g-revoked"_s], "g-revoked", m_as.url("/api/x") });
    EXPECT_FWD(r, 502, u"g-revoked_reauth_required"_s);
    QVERIFY2(r.body.contains("connected again"), r.body.constData());
    r = admin.get("/admin/credentials/g-revoked");
    QCOMPARE(r.json().value(u"oauth_state"_s).toString(), u"reauth_required"_s);
    const int tokenRequests = stats().value(u"token_requests"_s).toInt();
    for (int i = 0; i < 3; ++i)
        EXPECT_FWD(forward(f->tapd.port(),
                           { f->keys[u"g-revoked"_s], "g-revoked", m_as.url("/api/x") }),
                   502, u"g-revoked_reauth_required"_s);
    QCOMPARE(stats().value(u"token_requests"_s).toInt(), tokenRequests);
    // PUT value with a new refresh token clears the state.
    const QJsonObject parts{ { u"client_id"_s, client },
                             { u"client_secret"_s,
                               text(f->secrets.at(f->secrets.size() - 2).value) },
                             { u"refresh_token"_s, issueRefreshToken(client) } };
    f->secrets += partSecrets(u"g-revoked"_s, parts);
    EXPECT_STATUS(admin.put("/admin/credentials/g-revoked/value", { { u"value"_s, parts } }), 200);
    QCOMPARE(admin.get("/admin/credentials/g-revoked").json().value(u"oauth_state"_s).toString(),
             u"connected"_s);
    EXPECT_FWD(
            forward(f->tapd.port(), { f->keys[u"g-revoked"_s], "g-revoked", m_as.url("/api/x") }),
            200, QString());
}

// tapd dies (SIGKILL) after storing the rotated refresh token and before storing the access
// token: a restarted tapd refreshes with the stored (new) refresh token, and works. Stored the
// other way round, the restart would use the old, rotated-away token: invalid_grant.
void TestForwardOAuth2::crashAfterRefreshTokenStored()
{
    QProcessEnvironment env;
    env.insert(u"TAP_TEST_OAUTH2_CRASH"_s, u"after_refresh_token_stored"_s);
    env.insert(u"TAP_TEST_OAUTH2_LEASE_MS"_s, u"1500"_s);
    WORLD(f, env);
    f->tapd.setRequireCleanExit(false);
    const QString client = addOAuth2(*f, u"g-crash"_s);
    QVERIFY(!client.isEmpty());
    const auto invalidGrants = [this] {
        return stats().value(u"token_errors"_s).toObject().value(u"invalid_grant"_s).toInt();
    };
    const int refusedBefore = invalidGrants();
    const HttpResponse dead =
            forward(f->tapd.port(), { f->keys[u"g-crash"_s], "g-crash", m_as.url("/api/x") });
    QVERIFY2(dead.status == 0, dead.body.constData()); // no answer: the process died
    QCOMPARE(refreshes(client), 1);
    f->tapd.kill9();
    env.remove(u"TAP_TEST_OAUTH2_CRASH"_s);
    env.insert(u"TAP_MAX_CONNECTIONS_PER_CLIENT"_s, u"1000"_s);
    f->tapd.setExtraEnvironment(env);
    QVERIFY(f->tapd.restart());
    QTest::qWait(1600); // the dead process's lease expires
    const HttpResponse r =
            forward(f->tapd.port(), { f->keys[u"g-crash"_s], "g-crash", m_as.url("/api/x") });
    EXPECT_FWD(r, 200, QString());
    QCOMPARE(refreshes(client), 2);
    QCOMPARE(invalidGrants(), refusedBefore);
}

// The window no order closes: the token endpoint rotated the refresh token and tapd died
// before storing anything. With rotation the old token is gone: reauth_required, said
// clearly (and without rotation the restarted tapd simply refreshes again).
void TestForwardOAuth2::crashAfterTokenResponse()
{
    QProcessEnvironment env;
    env.insert(u"TAP_TEST_OAUTH2_CRASH"_s, u"after_token_response"_s);
    env.insert(u"TAP_TEST_OAUTH2_LEASE_MS"_s, u"1500"_s);
    WORLD(f, env);
    f->tapd.setRequireCleanExit(false);
    const QString client = addOAuth2(*f, u"g-crash2"_s);
    QVERIFY(!client.isEmpty());
    QCOMPARE(forward(f->tapd.port(), { f->keys[u"g-crash2"_s], "g-crash2", m_as.url("/api/x") })
                     .status,
             0);
    f->tapd.kill9();
    env.remove(u"TAP_TEST_OAUTH2_CRASH"_s);
    f->tapd.setExtraEnvironment(env);
    QVERIFY(f->tapd.restart());
    QTest::qWait(1600);
    EXPECT_FWD(forward(f->tapd.port(), { f->keys[u"g-crash2"_s], "g-crash2", m_as.url("/api/x") }),
               502, u"g-crash2_reauth_required"_s);
}

// A hostile upstream reflecting the access token: scrubbed from body and headers.
void TestForwardOAuth2::tokensScrubbed()
{
    WORLD(f);
    const QString client = addOAuth2(*f, u"g-leak"_s);
    QVERIFY(!client.isEmpty());
    for (const char *path : { "/reflect", "/reflect?enc=b64", "/reflect?enc=pct" }) {
        const HttpResponse r =
                forward(f->tapd.port(), { f->keys[u"g-leak"_s], "g-leak", m_as.url(path) });
        EXPECT_FWD(r, 200, QString());
        addIssuedTokens();
        QVERIFY2(findLeak(r.body, f->secrets).isEmpty(), r.body.constData());
        for (const auto &[name, value] : r.headers)
            QVERIFY2(findLeak(value, f->secrets).isEmpty(), value.constData());
    }
}

QTEST_GUILESS_MAIN(TestForwardOAuth2)
#include "tst_forward_oauth2.moc"
