// End-to-end tests of tapd's data plane (POST /forward, seed how-it-works-v1 "Request Flow",
// CONTRACT.md) against the real tapd binary (TAPD_BINARY) and a local fake upstream
// (tests/support/fake_upstream.py), on both backends (global rows "sqlite" and "postgres"):
// pipeline rejections, the agent's life cycle, admin changes taking effect at once, direct
// injection and the sidecar connector. The fixture is support/forwardfixture.h.
#include "support/forwardfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <atomic>
#include <csignal>
#include <map>
#include <memory>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForward : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSuite(); }
    // The last word on this file's tapds: no secret in any trail, and a clean stop.
    void cleanupTestCase() { finishSuite(); }

    void rejections_data();
    void rejections();
    void agentLifecycle();
    void adminChangesApplyAtOnce();
    void directInjection();
    void sidecar();
};

// ---------------------------------------------------------------------------------------------
// Pipeline rejections: status, error code, X-TAP-Request-Id, and nothing reaches the upstream.

void TestForward::rejections_data()
{
    QTest::addColumn<QByteArray>("key"); // "@": the agent's key
    QTest::addColumn<QByteArray>("credential");
    QTest::addColumn<QByteArray>("target"); // "@/...": on the fake upstream
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("headers"); // "Name: value" lines
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QStringList>("mentions"); // in the error message

    const QByteArray k = "@";
    const QByteArray cred = "rej-echo";
    const QByteArray echo = "@/echo";
    const QByteArray get = "GET";
    const QByteArray ph = "Authorization: Bearer <CREDENTIAL:rej-echo>\n";
    const QByteArray none;
    const QStringList nothing;
    const QByteArray wellFormed(43, 'A');

    QTest::newRow("no key") << none << cred << echo << get << none << none << 401
                            << u"unauthorized"_s << nothing;
    QTest::newRow("garbage key") << "garbage-key"_ba << cred << echo << get << none << none << 401
                                 << u"unauthorized"_s << nothing;
    QTest::newRow("unknown key") << "tap_" + wellFormed << cred << echo << get << none << none
                                 << 401 << u"unauthorized"_s << nothing;
    QTest::newRow("session token as key") << "taps_" + wellFormed << cred << echo << get << none
                                          << none << 401 << u"unauthorized"_s << nothing;
    QTest::newRow("unknown X-TAP header")
            << k << cred << echo << get << "X-TAP-Debug: 1"_ba << none << 400
            << u"unknown_tap_header"_s
            << QStringList{ u"X-TAP-Debug"_s,  u"X-TAP-Key"_s,    u"X-TAP-Credential"_s,
                            u"X-TAP-Target"_s, u"X-TAP-Method"_s, u"X-TAP-Team"_s };
    QTest::newRow("unknown x-tap header, lower case")
            << k << cred << echo << get << "x-tap-approve: yes"_ba << none << 400
            << u"unknown_tap_header"_s << QStringList{ u"x-tap-approve"_s, u"X-TAP-Credential"_s };
    QTest::newRow("team not linked")
            << k << cred << echo << get
            << "X-TAP-Team: " + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1()
            << none << 403 << u"team_not_linked"_s << nothing;
    QTest::newRow("credential not granted")
            << k << "rej-ungranted"_ba << echo << get << none << none << 403
            << u"credential_not_allowed"_s << QStringList{ u"rej-ungranted"_s };
    QTest::newRow("unknown credential") << k << "no-such-credential"_ba << echo << get << none
                                        << none << 403 << u"credential_not_allowed"_s << nothing;
    // A host outside allowed_hosts is not sent to: it waits for a human (#15 item 4).
    QTest::newRow("host not in allowed_hosts")
            << k << "rej-narrow"_ba << echo << get << none << none << 202 << QString() << nothing;
    QTest::newRow("another host") << k << cred << "http://example.org/echo"_ba << get << none
                                  << none << 202 << QString() << nothing;
    QTest::newRow("look-alike host") << k << cred << "http://127.0.0.1.example.org/echo"_ba << get
                                     << none << none << 202 << QString() << nothing;
    // Refused by the HTTP layer before the pipeline runs: the request id is there too.
    QTest::newRow("headers too large")
            << k << cred << echo << get << "X-Filler: " + QByteArray(40000, 'f') << none << 431
            << u"headers_too_large"_s << nothing;
    QTest::newRow("missing target") << k << cred << none << get << none << none << 400
                                    << u"invalid_request"_s << QStringList{ u"X-TAP-Target"_s };
    QTest::newRow("relative target, direct connector")
            << k << cred << "/echo"_ba << get << none << none << 400 << u"invalid_request"_s
            << nothing;
    QTest::newRow("user info in target") << k << cred << "http://user:pw@127.0.0.1:9/echo"_ba << get
                                         << none << none << 400 << u"invalid_request"_s << nothing;
    QTest::newRow("not http") << k << cred << "ftp://127.0.0.1/echo"_ba << get << none << none
                              << 400 << u"invalid_request"_s << nothing;
    QTest::newRow("bad method") << k << cred << echo << "GE T"_ba << none << none << 400
                                << u"invalid_request"_s << nothing;
    QTest::newRow("placeholder in another header")
            << k << none << echo << get << ph + "X-Note: <CREDENTIAL:rej-echo>" << none << 400
            << u"placeholder_not_allowed"_s << QStringList{ u"X-Note"_s };
    QTest::newRow("placeholder only in another header")
            << k << none << echo << get << "X-Custom: see <CREDENTIAL:rej-echo>"_ba << none << 400
            << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("placeholder in JSON body without opt-in")
            << k << none << echo << "POST"_ba << ph + "Content-Type: application/json"
            << R"({"text": "my key is <CREDENTIAL:rej-echo>"})"_ba << 400
            << u"placeholder_not_allowed"_s << QStringList{ u"text"_s };
    QTest::newRow("placeholder in form body without opt-in")
            << k << none << echo << "POST"_ba
            << ph + "Content-Type: application/x-www-form-urlencoded"
            << "token=%3CCREDENTIAL%3Arej-echo%3E&x=1"_ba << 400 << u"placeholder_not_allowed"_s
            << nothing;
    QTest::newRow("placeholder in a text body")
            << k << none << echo << "POST"_ba << ph + "Content-Type: text/plain"
            << "<CREDENTIAL:rej-echo>"_ba << 400 << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("placeholder in target")
            << k << none << "@/echo?q=<CREDENTIAL:rej-echo>"_ba << get << ph << none << 400
            << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("encoded placeholder in target")
            << k << none << "@/echo?q=%3CCREDENTIAL:rej-echo%3E"_ba << get << ph << none << 400
            << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("malformed placeholder")
            << k << none << echo << get << "Authorization: Bearer <CREDENTIAL:rej echo>"_ba << none
            << 400 << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("placeholder of an ungranted credential")
            << k << none << echo << get << "Authorization: Bearer <CREDENTIAL:rej-ungranted>"_ba
            << none << 403 << u"credential_not_allowed"_s << nothing;
    QTest::newRow("no credential named")
            << k << none << echo << get << none << none << 400 << u"invalid_request"_s << nothing;
}

void TestForward::rejections()
{
    FIXTURE(f);
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, credential);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QStringList, mentions);

    if (!f->prepared.contains(u"rejections"_s)) {
        const HttpClient admin = f->tapd.client(f->main.token);
        QVERIFY(addCredential(f->secrets, admin, u"rej-echo"_s, canary(*f)));
        QVERIFY(addCredential(f->secrets, admin, u"rej-narrow"_s, canary(*f),
                              { { u"allowed_hosts"_s, strings({ u"api.example.com"_s }) } }));
        QVERIFY(addCredential(f->secrets, admin, u"rej-ungranted"_s, canary(*f)));
        for (const QString &c : { u"rej-echo"_s, u"rej-narrow"_s, u"rej-ungranted"_s })
            QVERIFY(autoApprove(admin, c));
        f->keys[u"rej"_s] = addAgent(admin, u"rej-agent"_s, { u"rej-echo"_s, u"rej-narrow"_s });
        RETURN_IF_FAILED();
        f->prepared << u"rejections"_s;
    }
    if (key == "@")
        key = f->keys.value(u"rej"_s);
    if (target.startsWith("@/"))
        target = up(target.mid(1));
    const int before = m_upstream.count();
    const HttpResponse r = forward(
            f->tapd.port(), { key, credential, target, method, parseHeaders(headers), body });
    EXPECT_FWD(r, status, code);
    for (const QString &m : std::as_const(mentions))
        QVERIFY2(r.errorMessage().contains(m),
                 qPrintable(u"\""_s + m + u"\" not in: "_s + r.errorMessage()));
    QCOMPARE(findLeak(received(r), f->secrets), QString());
    QCOMPARE(m_upstream.count(), before); // nothing reached the upstream
}

// ---------------------------------------------------------------------------------------------

void TestForward::agentLifecycle()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(f->secrets, admin, u"life-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"life-cred"_s));
    const QByteArray key = addAgent(admin, u"life-agent"_s, { u"life-cred"_s });
    RETURN_IF_FAILED();
    const Call call{ key, "life-cred", up("/echo") };
    const quint16 port = f->tapd.port();
    EXPECT_FWD(forward(port, call), 200, QString());

    // Disable blocks at once; enable works again on the very next request.
    const int before = m_upstream.count();
    EXPECT_STATUS(admin.post("/admin/agents/life-agent/disable"), 200);
    const HttpResponse disabled = forward(port, call);
    EXPECT_FWD(disabled, 403, u"forbidden"_s);
    QCOMPARE(m_upstream.count(), before);
    EXPECT_STATUS(admin.post("/admin/agents/life-agent/enable"), 200);
    EXPECT_FWD(forward(port, call), 200, QString());

    // Rotate: the old key is dead on the next request, the new one works.
    const HttpResponse rotated = admin.post("/admin/agents/life-agent/rotate-key");
    EXPECT_STATUS(rotated, 200);
    const QByteArray newKey = rotated.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(newKey.startsWith("tap_") && newKey != key);
    f->keys[u"life-rotated"_s] = newKey;
    f->keys[u"life"_s] = key;
    EXPECT_FWD(forward(port, call), 401, u"unauthorized"_s);
    Call renewed = call;
    renewed.key = newKey;
    EXPECT_FWD(forward(port, renewed), 200, QString());

    // Deleted: 401 on the next request.
    EXPECT_STATUS(admin.del("/admin/agents/life-agent"), 200);
    const int beforeDelete = m_upstream.count();
    EXPECT_FWD(forward(port, renewed), 401, u"unauthorized"_s);
    QCOMPARE(m_upstream.count(), beforeDelete);
}

// Admin changes to credentials, policies and grants apply to the very next request.
void TestForward::adminChangesApplyAtOnce()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QByteArray first = canary(*f);
    const QByteArray second = canary(*f) + "-rotated";
    QVERIFY(addCredential(f->secrets, admin, u"chg-cred"_s, first));
    QVERIFY(autoApprove(admin, u"chg-cred"_s));
    const QByteArray key = addAgent(admin, u"chg-agent"_s, { u"chg-cred"_s });
    RETURN_IF_FAILED();
    f->keys[u"chg"_s] = key;
    const quint16 port = f->tapd.port();
    const Call call{ key, "chg-cred", up("/echo"), "GET" };

    int before = m_upstream.count();
    EXPECT_FWD(forward(port, call), 200, QString());
    QCOMPARE(headerValues(upstreamSince(before, 1).first().toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + first });

    // A new value: injected and scrubbed from the next request on.
    f->secrets.append({ u"chg-cred"_s, second });
    EXPECT_STATUS(admin.put("/admin/credentials/chg-cred/value", { { u"value"_s, text(second) } }),
                  200);
    before = m_upstream.count();
    const HttpResponse rotated = forward(port, call);
    EXPECT_FWD(rotated, 200, QString());
    QCOMPARE(headerValues(upstreamSince(before, 1).first().toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + second });
    QVERIFY(rotated.body.contains(marker(u"chg-cred"_s)));
    QCOMPARE(findLeak(received(rotated), f->secrets), QString());

    // Policy: GET now needs approval, then is auto-approved again.
    QVERIFY(setPolicy(admin, u"chg-cred"_s,
                      { { u"require_approval_methods"_s, strings({ u"GET"_s }) } }));
    EXPECT_FWD(forward(port, call), 202, QString());
    QVERIFY(autoApprove(admin, u"chg-cred"_s));
    EXPECT_FWD(forward(port, call), 200, QString());

    // allowed_hosts narrowed; the grant withdrawn; the credential deleted.
    EXPECT_STATUS(admin.patch("/admin/credentials/chg-cred",
                              { { u"allowed_hosts"_s, strings({ u"api.example.com"_s }) } }),
                  200);
    EXPECT_FWD(forward(port, call), 202, QString()); // a new host: a human decides
    EXPECT_STATUS(admin.patch("/admin/credentials/chg-cred",
                              { { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } }),
                  200);
    EXPECT_FWD(forward(port, call), 200, QString());
    EXPECT_STATUS(admin.patch("/admin/agents/chg-agent", { { u"credentials"_s, QJsonArray() } }),
                  200);
    EXPECT_FWD(forward(port, call), 403, u"credential_not_allowed"_s);
    EXPECT_STATUS(admin.patch("/admin/agents/chg-agent",
                              { { u"credentials"_s, strings({ u"chg-cred"_s }) } }),
                  200);
    EXPECT_FWD(forward(port, call), 200, QString());
    before = m_upstream.count();
    EXPECT_STATUS(admin.del("/admin/credentials/chg-cred"), 200);
    EXPECT_FWD(forward(port, call), 403, u"credential_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);
}

// Direct connector: the value goes into Authorization in the credential's format; the agent's
// own auth headers and X-TAP-* stay behind; the rest of the request arrives as sent; the answer
// is scrubbed.
void TestForward::directInjection()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QByteArray bearer = canary(*f);
    const QByteArray token = canary(*f) + "-tok";
    QVERIFY(addCredential(f->secrets, admin, u"inj-bearer"_s, bearer));
    QVERIFY(addCredential(f->secrets, admin, u"inj-token"_s, token,
                          { { u"auth_header_format"_s, u"token={value}"_s } }));
    QVERIFY(autoApprove(admin, u"inj-bearer"_s));
    QVERIFY(autoApprove(admin, u"inj-token"_s));
    const QByteArray key = addAgent(admin, u"inj-agent"_s, { u"inj-bearer"_s, u"inj-token"_s });
    RETURN_IF_FAILED();
    f->keys[u"inj"_s] = key;
    const quint16 port = f->tapd.port();

    int before = m_upstream.count();
    const HttpResponse r = forward(port,
                                   { key,
                                     "inj-bearer",
                                     up("/echo?x=1&y=two"),
                                     "POST",
                                     { { "Authorization", "Bearer agent-own-token-0001" },
                                       { "X-Api-Key", "agent-own-api-key-0002" },
                                       { "X-Custom", "kept" },
                                       { "Content-Type", "text/plain; charset=utf-8" } },
                                     "hello upstream" });
    EXPECT_FWD(r, 200, QString());
    const QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    const QJsonObject e = seen.first().toObject();
    QCOMPARE(e.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(e.value(u"path"_s).toString(), u"/echo"_s);
    QCOMPARE(e.value(u"query"_s).toString(), u"x=1&y=two"_s);
    QCOMPARE(e.value(u"body"_s).toString(), u"hello upstream"_s);
    QCOMPARE(headerValues(e, "Authorization"), QList<QByteArray>{ "Bearer " + bearer });
    QVERIFY(headerValues(e, "X-Api-Key").isEmpty());
    QCOMPARE(headerValue(e, "X-Custom"), QByteArray("kept"));
    QCOMPARE(headerValue(e, "Content-Type"), QByteArray("text/plain; charset=utf-8"));
    QCOMPARE(headerValue(e, "Host"), m_upstream.base().mid(7));
    for (const QString &name : headerNames(e))
        QVERIFY2(!name.startsWith(u"x-tap-"_s, Qt::CaseInsensitive), qPrintable(name));
    const QByteArray upstreamView = QJsonDocument(e).toJson();
    QVERIFY(!upstreamView.contains("agent-own"));
    QVERIFY(!upstreamView.contains(key));
    // The agent's answer: the echo, with the value redacted.
    QVERIFY2(r.body.contains(QByteArray("Bearer " + marker(u"inj-bearer"_s))), r.body.constData());
    QCOMPARE(findLeak(received(r), f->secrets), QString());
    QCOMPARE(r.json().value(u"method"_s).toString(), u"POST"_s);

    // auth_header_format "token={value}"; X-TAP-Method defaults to GET.
    before = m_upstream.count();
    const HttpResponse t = forward(port, { key, "inj-token", up("/echo"), QByteArray() });
    EXPECT_FWD(t, 200, QString());
    const QJsonArray seenToken = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(seenToken.first().toObject().value(u"method"_s).toString(), u"GET"_s);
    QCOMPARE(headerValues(seenToken.first().toObject(), "Authorization"),
             QList<QByteArray>{ "token=" + token });
    QVERIFY2(t.body.contains(QByteArray("token=" + marker(u"inj-token"_s))), t.body.constData());
    QCOMPARE(findLeak(received(t), f->secrets), QString());
}

// Sidecar connector: the request goes to api_base with X-OAuth-Credential and X-OAuth-Target;
// relative_target joins the agent's path to api_base and refuses "..".
void TestForward::sidecar()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    // The secret reaches the sidecar and, through it, the real target: both must be allowed.
    QVERIFY(addCredential(
            f->secrets, admin, u"side-abs"_s, canary(*f),
            { { u"connector"_s, u"sidecar"_s },
              { u"api_base"_s, text(up("/sidecar-echo")) },
              { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s, u"api.twitter.com"_s }) } }));
    QVERIFY(addCredential(f->secrets, admin, u"side-rel"_s, canary(*f),
                          { { u"connector"_s, u"sidecar"_s },
                            { u"api_base"_s, text(up("/sidecar-echo/bot")) },
                            { u"relative_target"_s, true } }));
    QVERIFY(autoApprove(admin, u"side-abs"_s));
    QVERIFY(autoApprove(admin, u"side-rel"_s));
    const QByteArray key = addAgent(admin, u"side-agent"_s, { u"side-abs"_s, u"side-rel"_s });
    RETURN_IF_FAILED();
    f->keys[u"side"_s] = key;
    const quint16 port = f->tapd.port();

    int before = m_upstream.count();
    const HttpResponse abs = forward(port,
                                     { key,
                                       "side-abs",
                                       "https://api.twitter.com/2/tweets",
                                       "POST",
                                       { { "Content-Type", "application/json" } },
                                       R"({"text":"hi"})" });
    EXPECT_FWD(abs, 200, QString());
    QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QJsonObject e = seen.first().toObject();
    QCOMPARE(e.value(u"path"_s).toString(), u"/sidecar-echo"_s);
    QCOMPARE(e.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(e.value(u"body"_s).toString(), u"{\"text\":\"hi\"}"_s);
    QCOMPARE(headerValue(e, "X-OAuth-Credential"), QByteArray("side-abs"));
    QCOMPARE(headerValue(e, "X-OAuth-Target"), QByteArray("https://api.twitter.com/2/tweets"));
    QCOMPARE(headerValue(e, "X-OAuth-Method"), QByteArray("POST"));
    QCOMPARE(findLeak(received(abs), f->secrets), QString());
    QCOMPARE(abs.json().value(u"oauth"_s).toObject().value(u"X-OAuth-Credential"_s).toString(),
             u"side-abs"_s);
    // A real target outside allowed_hosts waits for a human, a metadata address is refused;
    // neither reaches the sidecar.
    before = m_upstream.count();
    EXPECT_FWD(forward(port, { key, "side-abs", "https://evil.example/collect", "POST" }), 202,
               QString());
    EXPECT_FWD(
            forward(port, { key, "side-abs", "http://169.254.169.254/latest/meta-data/", "POST" }),
            403, u"target_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);

    before = m_upstream.count();
    const HttpResponse rel = forward(port, { key, "side-rel", "/sendMessage?chat_id=42", "POST" });
    EXPECT_FWD(rel, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    e = seen.first().toObject();
    QCOMPARE(e.value(u"path"_s).toString(), u"/sidecar-echo/bot/sendMessage"_s);
    QCOMPARE(e.value(u"query"_s).toString(), u"chat_id=42"_s);
    QCOMPARE(headerValue(e, "X-OAuth-Credential"), QByteArray("side-rel"));
    QVERIFY(headerValues(e, "X-OAuth-Target").isEmpty());
    QCOMPARE(findLeak(received(rel), f->secrets), QString());

    before = m_upstream.count();
    for (const QByteArray &bad :
         { "/../admin"_ba, "/a/../../x"_ba, "/%2e%2e/x"_ba, "/%252e%252e/x"_ba, "/a/..%2Fb"_ba,
           "../x"_ba, "https://evil.example/x"_ba, "//evil.example/x"_ba }) {
        const HttpResponse r = forward(port, { key, "side-rel", bad, "GET" });
        if (!verifyForward(r, 400, u"invalid_request"_s, bad.constData(), __FILE__, __LINE__))
            return;
    }
    QCOMPARE(m_upstream.count(), before);
}

QTEST_GUILESS_MAIN(TestForward)
#include "tst_forward.moc"
