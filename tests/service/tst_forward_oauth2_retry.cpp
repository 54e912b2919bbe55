// A 401 from the upstream to an oauth2 request triggers at most one refresh and retry (README
// "OAuth 2.0 credentials"), against the real tapd binary on both backends and the fake
// authorization server (support/oauth2fixture.h): the refused answer is discarded whole, a
// second 401 reaches the agent, a streamed body is never sent twice, and the audit record
// says what happened. Plus the pure decision (shouldRetryOAuth2).
#include "support/approvalfixture.h"
#include "support/oauth2fixture.h"

#include "forward/oauth2retry.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardOAuth2Retry : public QObject, public OAuth2Suite
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

    void decision();
    void revokedTokenRefreshedOnce();
    void secondUnauthorizedReachesAgent();
    void streamedBodyNotRetried();
    void refreshRefusedOnRetry();
    void approvedRequestRetried();

private:
    // A credential with a cached token the fake then expires (tapd still holds it fresh).
    QString cachedThenExpired(Fixture &f, const QString &name)
    {
        const QString client = addOAuth2(f, name);
        if (client.isEmpty())
            return {};
        const HttpResponse r =
                forward(f.tapd.port(), { f.keys[name], name.toUtf8(), m_as.url("/api/x") });
        if (r.status != 200 || refreshes(client) != 1)
            return {};
        control({ { u"expire_access_tokens"_s, true }, { u"reset_stats"_s, true } });
        return client;
    }
    QJsonObject record(Fixture &f, const HttpResponse &r)
    {
        const auto found = withRequestId(auditItems(f.tapd.client(f.main.token)),
                                         r.header("X-TAP-Request-Id"));
        return found.size() == 1 ? found.first() : QJsonObject();
    }
    int upstreamRequests() { return stats().value(u"resource_log"_s).toArray().size(); }
};

void TestForwardOAuth2Retry::decision()
{
    using tap::forward::shouldRetryOAuth2;
    QVERIFY(shouldRetryOAuth2(401, true, false, false));
    QVERIFY(!shouldRetryOAuth2(401, true, false, true)); // once
    QVERIFY(!shouldRetryOAuth2(401, true, true, false)); // a streamed body is not sent twice
    QVERIFY(!shouldRetryOAuth2(401, false, false, false)); // not an oauth2 credential
    for (int status : { 200, 400, 403, 407, 500 })
        QVERIFY(!shouldRetryOAuth2(status, true, false, false));
}

// The token tapd holds as fresh is refused: one refresh, the request again with the new
// token, and the agent sees only the second answer (nothing of the 401: no status, header or
// body byte). The trail has one record for it, marked oauth2_retried.
void TestForwardOAuth2Retry::revokedTokenRefreshedOnce()
{
    WORLD(f);
    const QString client = cachedThenExpired(*f, u"g-retry"_s);
    QVERIFY(!client.isEmpty());
    const HttpResponse r = forward(f->tapd.port(),
                                   { f->keys[u"g-retry"_s],
                                     "g-retry",
                                     m_as.url("/api/retry"),
                                     "POST",
                                     {},
                                     QByteArrayLiteral("{\"n\":1}") });
    EXPECT_FWD(r, 200, QString());
    QCOMPARE(r.json().value(u"ok"_s).toBool(), true);
    QCOMPARE(r.json().value(u"body"_s).toString(), u"{\"n\":1}"_s); // the body sent again
    QVERIFY2(!r.body.contains("invalid_token"), r.body.constData());
    QVERIFY(r.header("WWW-Authenticate").isEmpty());
    for (const auto &[name, value] : r.headers)
        QVERIFY2(!value.contains("invalid_token") && !value.contains("Bearer"), value.constData());
    const QJsonObject s = stats();
    QCOMPARE(s.value(u"refreshes"_s).toObject().value(client).toInt(), 1);
    QCOMPARE(s.value(u"resource_unauthorized"_s).toInt(), 1);
    QCOMPARE(s.value(u"resource_ok"_s).toInt(), 1);
    const QJsonObject rec = record(*f, r);
    QCOMPARE(rec.value(u"status"_s).toInt(), 200);
    QCOMPARE(rec.value(u"upstream_status"_s).toInt(), 200);
    QCOMPARE(rec.value(u"detail"_s).toObject().value(u"oauth2_retried"_s).toBool(), true);
    // The new token is cached: no refresh, no retry.
    const HttpResponse next =
            forward(f->tapd.port(), { f->keys[u"g-retry"_s], "g-retry", m_as.url("/api/x") });
    EXPECT_FWD(next, 200, QString());
    QCOMPARE(refreshes(client), 1);
    QCOMPARE(upstreamRequests(), 3);
    QVERIFY(!record(*f, next).value(u"detail"_s).toObject().contains(u"oauth2_retried"_s));
}

// The refreshed token is refused too (the fake issues it already expired): the second 401
// goes to the agent as the upstream sent it; one refresh, two upstream requests.
void TestForwardOAuth2Retry::secondUnauthorizedReachesAgent()
{
    WORLD(f);
    const QString client = cachedThenExpired(*f, u"g-twice"_s);
    QVERIFY(!client.isEmpty());
    control({ { u"expires_in"_s, 0 } });
    const HttpResponse r =
            forward(f->tapd.port(), { f->keys[u"g-twice"_s], "g-twice", m_as.url("/api/twice") });
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json().value(u"error"_s).toString(), u"invalid_token"_s);
    QVERIFY(r.header("WWW-Authenticate").contains("invalid_token"));
    QVERIFY(!r.header("X-TAP-Request-Id").isEmpty());
    const QJsonObject s = stats();
    QCOMPARE(s.value(u"refreshes"_s).toObject().value(client).toInt(), 1);
    QCOMPARE(s.value(u"resource_unauthorized"_s).toInt(), 2);
    QCOMPARE(upstreamRequests(), 2);
    const QJsonObject rec = record(*f, r);
    QCOMPARE(rec.value(u"upstream_status"_s).toInt(), 401);
    QCOMPARE(rec.value(u"detail"_s).toObject().value(u"oauth2_retried"_s).toBool(), true);
}

// A body larger than tapd buffers (256 KiB, app.cpp streamBody) goes upstream as it arrives
// and cannot be sent twice: the 401 is the agent's, no refresh.
void TestForwardOAuth2Retry::streamedBodyNotRetried()
{
    WORLD(f);
    const QString client = cachedThenExpired(*f, u"g-stream"_s);
    QVERIFY(!client.isEmpty());
    const QByteArray body(300 * 1024, 'b');
    const HttpResponse r = forward(
            f->tapd.port(),
            { f->keys[u"g-stream"_s], "g-stream", m_as.url("/api/upload"), "POST", {}, body });
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json().value(u"error"_s).toString(), u"invalid_token"_s);
    QCOMPARE(refreshes(client), 0);
    QCOMPARE(upstreamRequests(), 1);
    QVERIFY(!record(*f, r).value(u"detail"_s).toObject().contains(u"oauth2_retried"_s));
    // The next (small) request is retried once with a fresh token.
    EXPECT_FWD(forward(f->tapd.port(), { f->keys[u"g-stream"_s], "g-stream", m_as.url("/api/x") }),
               200, QString());
    QCOMPARE(refreshes(client), 1);
}

// The 401 leads to a refresh the token endpoint refuses (invalid_grant): the agent gets the
// clear 502 <name>_reauth_required, not the discarded 401; one upstream request.
void TestForwardOAuth2Retry::refreshRefusedOnRetry()
{
    WORLD(f);
    const QString client = cachedThenExpired(*f, u"g-gone"_s);
    QVERIFY(!client.isEmpty());
    control({ { u"revoke_refresh_tokens"_s, true } });
    const HttpResponse r =
            forward(f->tapd.port(), { f->keys[u"g-gone"_s], "g-gone", m_as.url("/api/gone") });
    EXPECT_FWD(r, 502, u"g-gone_reauth_required"_s);
    QVERIFY2(!r.body.contains("invalid_token"), r.body.constData());
    QVERIFY(r.header("WWW-Authenticate").isEmpty());
    QCOMPARE(upstreamRequests(), 1);
    const QJsonObject rec = record(*f, r);
    QCOMPARE(rec.value(u"status"_s).toInt(), 502);
    QCOMPARE(rec.value(u"decision"_s).toString(), u"rejected"_s);
    QCOMPARE(rec.value(u"detail"_s).toObject().value(u"oauth2_retried"_s).toBool(), true);
}

// An approved request (its body kept whole, its answer stored for the agent's poll) is
// retried the same way: the poll shows the second answer only.
void TestForwardOAuth2Retry::approvedRequestRetried()
{
    WORLD(f);
    const QString client = cachedThenExpired(*f, u"g-later"_s);
    QVERIFY(!client.isEmpty());
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(setPolicy(admin, u"g-later"_s,
                      { { u"auto_approve_methods"_s, strings({ u"GET"_s }) } }));
    const Parked p = park(f->tapd.port(), f->keys[u"g-later"_s], "g-later", m_as.url("/api/later"));
    QVERIFY(!p.txn.isEmpty());
    EXPECT_STATUS(admin.post("/admin/approvals/" + p.txn + "/approve"), 200);
    const QJsonObject final = pollUntilFinal(f->tapd.port(), f->keys[u"g-later"_s], p.txn);
    QCOMPARE(final.value(u"status"_s).toString(), u"forwarded"_s);
    const QJsonObject response = final.value(u"response"_s).toObject();
    QCOMPARE(response.value(u"status"_s).toInt(), 200);
    const QString body = response.value(u"body"_s).toString();
    QVERIFY2(body.contains(u"\"ok\": true"_s) && !body.contains(u"invalid_token"_s),
             qPrintable(body));
    QCOMPARE(refreshes(client), 1);
    QCOMPARE(upstreamRequests(), 2);
}

QTEST_GUILESS_MAIN(TestForwardOAuth2Retry)
#include "tst_forward_oauth2_retry.moc"
