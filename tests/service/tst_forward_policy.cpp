// End-to-end tests of tapd's data plane (POST /forward, seed configuration.txt) against the real
// tapd binary and a local fake upstream, on both backends (global rows "sqlite" and
// "postgres"): legacy placeholders, policies and rate limits. The fixture is
// support/forwardfixture.h.
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

class TestForwardPolicy : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSuite(); }
    // The last word on this file's tapds: no secret in any trail, and a clean stop.
    void cleanupTestCase() { finishSuite(); }

    void placeholders();
    void policy_data();
    void policy();
    void rateLimits();
};

// Legacy placeholders: Authorization and X-Api-Key anywhere, the body only in the credential's
// body_placeholder_fields.
void TestForwardPolicy::placeholders()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QByteArray authValue = canary(*f);
    const QByteArray bodyValue = canary(*f) + "+/ &\"=x"; // changes under JSON and form encoding
    QVERIFY(addCredential(f->secrets, admin, u"ph-auth"_s, authValue));
    QVERIFY(addCredential(
            f->secrets, admin, u"ph-body"_s, bodyValue,
            { { u"body_placeholder_fields"_s, strings({ u"token"_s, u"api_key"_s }) } }));
    QVERIFY(autoApprove(admin, u"ph-auth"_s));
    QVERIFY(autoApprove(admin, u"ph-body"_s));
    const QByteArray key = addAgent(admin, u"ph-agent"_s, { u"ph-auth"_s, u"ph-body"_s });
    RETURN_IF_FAILED();
    f->keys[u"ph"_s] = key;
    const quint16 port = f->tapd.port();

    // Authorization: Bearer <CREDENTIAL:name>
    int before = m_upstream.count();
    HttpResponse r = forward(port,
                             { key,
                               {},
                               up("/echo"),
                               "GET",
                               { { "Authorization", "Bearer <CREDENTIAL:ph-auth>" } } });
    EXPECT_FWD(r, 200, QString());
    QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.first().toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + authValue });
    QVERIFY(r.body.contains(marker(u"ph-auth"_s)));
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // X-Api-Key: <CREDENTIAL:name>
    before = m_upstream.count();
    r = forward(port, { key, {}, up("/echo"), "GET", { { "X-Api-Key", "<CREDENTIAL:ph-auth>" } } });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.first().toObject(), "X-Api-Key"), QList<QByteArray>{ authValue });
    QVERIFY(headerValues(seen.first().toObject(), "Authorization").isEmpty());
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // JSON body, opted-in field (at any depth); the rest of the body byte for byte.
    before = m_upstream.count();
    const QByteArray json =
            R"({"token": "<CREDENTIAL:ph-body>", "text": "hello", "n": 1.50, "data": {"api_key": "<CREDENTIAL:ph-body>"}})";
    r = forward(port,
                { key, {}, up("/echo"), "POST", { { "Content-Type", "application/json" } }, json });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    const QByteArray sentBody = seen.first().toObject().value(u"body"_s).toString().toUtf8();
    const QJsonObject parsed = QJsonDocument::fromJson(sentBody).object();
    QCOMPARE(parsed.value(u"token"_s).toString().toUtf8(), bodyValue);
    QCOMPARE(parsed.value(u"data"_s).toObject().value(u"api_key"_s).toString().toUtf8(), bodyValue);
    QCOMPARE(parsed.value(u"text"_s).toString(), u"hello"_s);
    QVERIFY2(sentBody.contains(R"("n": 1.50)"), sentBody.constData());
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // Form body, opted-in field.
    before = m_upstream.count();
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Content-Type", "application/x-www-form-urlencoded" } },
                  "text=hi+there&token=%3CCREDENTIAL%3Aph-body%3E" });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QByteArray formToken;
    for (const QByteArray &field :
         seen.first().toObject().value(u"body"_s).toString().toUtf8().split('&')) {
        if (field.startsWith("token="))
            formToken = QByteArray::fromPercentEncoding(field.mid(6).replace('+', ' '));
    }
    QCOMPARE(formToken, bodyValue);
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // Two credentials in one request: both injected, both scrubbed.
    before = m_upstream.count();
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Authorization", "Bearer <CREDENTIAL:ph-auth>" },
                    { "X-Api-Key", "<CREDENTIAL:ph-body>" } } });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.first().toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + authValue });
    QCOMPARE(headerValues(seen.first().toObject(), "X-Api-Key"), QList<QByteArray>{ bodyValue });
    QVERIFY(r.body.contains(marker(u"ph-auth"_s)) && r.body.contains(marker(u"ph-body"_s)));
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // Not opted in: a field that is not listed, or a credential without body fields.
    before = m_upstream.count();
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Content-Type", "application/json" } },
                  R"({"text": "<CREDENTIAL:ph-body>"})" });
    EXPECT_FWD(r, 400, u"placeholder_not_allowed"_s);
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Content-Type", "application/json" } },
                  R"({"token": "<CREDENTIAL:ph-auth>"})" });
    EXPECT_FWD(r, 400, u"placeholder_not_allowed"_s);
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Content-Type", "application/json" } },
                  R"(["<CREDENTIAL:ph-body>"])" });
    EXPECT_FWD(r, 400, u"placeholder_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);

    // Without X-TAP-Method: the seed's chat-completions example (a body) is sent as POST, a
    // request without a body as GET.
    before = m_upstream.count();
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  {},
                  { { "Authorization", "Bearer <CREDENTIAL:ph-auth>" },
                    { "Content-Type", "application/json" } },
                  R"({"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]})" });
    EXPECT_FWD(r, 200, QString());
    const QByteArray postId = r.header("X-TAP-Request-Id");
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(seen.first().toObject().value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(seen.first().toObject().value(u"body"_s).toString(),
             uR"({"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]})"_s);
    before = m_upstream.count();
    r = forward(
            port,
            { key, {}, up("/echo"), {}, { { "Authorization", "Bearer <CREDENTIAL:ph-auth>" } } });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(seen.first().toObject().value(u"method"_s).toString(), u"GET"_s);
    const QList<QJsonObject> trail = withRequestId(auditItems(admin), postId);
    QCOMPARE(trail.size(), 1);
    QCOMPARE(trail.first().value(u"method"_s).toString(), u"POST"_s); // what was sent
}

// ---------------------------------------------------------------------------------------------
// Policies (seed configuration.txt): auto-approved requests are forwarded, the others parked (202).

void TestForwardPolicy::policy_data()
{
    QTest::addColumn<QByteArray>("credential");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");

    QTest::newRow("GET auto-approved") << "pol-std"_ba
                                       << "GET"_ba
                                       << "/echo"_ba << 200;
    QTest::newRow("method in lower case") << "pol-std"_ba
                                          << "get"_ba
                                          << "/echo"_ba << 200;
    QTest::newRow("HEAD follows GET") << "pol-std"_ba
                                      << "HEAD"_ba
                                      << "/echo"_ba << 200;
    QTest::newRow("POST requires approval") << "pol-std"_ba
                                            << "POST"_ba
                                            << "/echo"_ba << 202;
    QTest::newRow("DELETE requires approval") << "pol-std"_ba
                                              << "DELETE"_ba
                                              << "/echo"_ba << 202;
    QTest::newRow("PATCH not listed") << "pol-std"_ba
                                      << "PATCH"_ba
                                      << "/echo"_ba << 202;
    QTest::newRow("POST to an auto_approve_url") << "pol-std"_ba
                                                 << "POST"_ba
                                                 << "/echo/public/x"_ba << 200;
    QTest::newRow("no policy, GET") << "pol-none"_ba
                                    << "GET"_ba
                                    << "/echo"_ba << 202;
    QTest::newRow("no policy, POST") << "pol-none"_ba
                                     << "POST"_ba
                                     << "/echo"_ba << 202;
    QTest::newRow("HEAD follows GET into approval") << "pol-strict"_ba
                                                    << "HEAD"_ba
                                                    << "/echo"_ba << 202;
}

void TestForwardPolicy::policy()
{
    FIXTURE(f);
    QFETCH(QByteArray, credential);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    if (!f->prepared.contains(u"policy"_s)) {
        const HttpClient admin = f->tapd.client(f->main.token);
        for (const QString &c : { u"pol-std"_s, u"pol-none"_s, u"pol-strict"_s })
            QVERIFY(addCredential(f->secrets, admin, c, canary(*f)));
        QVERIFY(setPolicy(
                admin, u"pol-std"_s,
                { { u"auto_approve_methods"_s, strings({ u"GET"_s }) },
                  { u"require_approval_methods"_s, strings({ u"POST"_s, u"PUT"_s, u"DELETE"_s }) },
                  { u"auto_approve_urls"_s, strings({ u"/echo/public"_s }) } }));
        QVERIFY(setPolicy(admin, u"pol-strict"_s,
                          { { u"auto_approve_methods"_s, strings({ u"POST"_s }) },
                            { u"require_approval_methods"_s, strings({ u"GET"_s }) } }));
        const QStringList creds{ u"pol-std"_s, u"pol-none"_s, u"pol-strict"_s };
        f->keys[u"pol"_s] = addAgent(admin, u"pol-agent"_s, creds);
        f->keys[u"pol-peer"_s] = addAgent(admin, u"pol-peer"_s, creds);
        RETURN_IF_FAILED();
        f->prepared << u"policy"_s;
    }
    const QByteArray key = f->keys.value(u"pol"_s);
    const quint16 port = f->tapd.port();
    const int before = m_upstream.count();
    const HttpResponse r = forward(port, { key, credential, up(path), method });
    EXPECT_FWD(r, status, QString());
    if (status == 200) {
        const QJsonArray seen = upstreamSince(before, 1);
        RETURN_IF_FAILED();
        QCOMPARE(seen.first().toObject().value(u"method"_s).toString().toLatin1(),
                 method.toUpper());
        QCOMPARE(seen.first().toObject().value(u"path"_s).toString().toLatin1(), path);
        return;
    }
    // Parked: CONTRACT.md 202 shape, nothing forwarded.
    QCOMPARE(m_upstream.count(), before);
    const QJsonObject p = r.json();
    const QString txn = p.value(u"txn_id"_s).toString();
    QVERIFY2(!txn.isEmpty(), r.body.constData());
    QCOMPARE(p.value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(p.value(u"poll_url"_s).toString(), u"/agent/approvals/"_s + txn);
    QVERIFY2(p.value(u"approval_url"_s).toString().endsWith(u"/approve/"_s + txn),
             r.body.constData());
    QVERIFY2(QUrl(p.value(u"approval_url"_s).toString()).scheme().startsWith(u"http"_s),
             r.body.constData());
    const QDateTime expires =
            QDateTime::fromString(p.value(u"expires_at"_s).toString(), Qt::ISODateWithMs);
    QVERIFY2(expires.isValid(), r.body.constData());
    const qint64 ahead = QDateTime::currentDateTimeUtc().secsTo(expires);
    QVERIFY2(ahead > 3000 && ahead <= 3700, qPrintable(u"expires_at is %1 s ahead"_s.arg(ahead)));

    // The poll: the same agent sees "pending"; another agent, and no key, see nothing.
    const HttpClient c = f->tapd.client();
    const QByteArray pollPath = p.value(u"poll_url"_s).toString().toLatin1();
    const HttpResponse mine = c.get(pollPath, { { "X-TAP-Key", key } });
    EXPECT_STATUS(mine, 200);
    QCOMPARE(mine.json().value(u"txn_id"_s).toString(), txn);
    QCOMPARE(mine.json().value(u"status"_s).toString(), u"pending"_s);
    EXPECT_ERROR(c.get(pollPath, { { "X-TAP-Key", f->keys.value(u"pol-peer"_s) } }), 404,
                 u"not_found"_s);
    EXPECT_ERROR(c.get(pollPath), 401, u"unauthorized"_s);
    EXPECT_ERROR(c.get("/agent/approvals/"
                               + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1(),
                       { { "X-TAP-Key", key } }),
                 404, u"not_found"_s);
}

// ---------------------------------------------------------------------------------------------
// Rate limits: exact hourly counts per agent, per role, per team.

void TestForwardPolicy::rateLimits()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const quint16 port = f->tapd.port();
    QVERIFY(addCredential(f->secrets, admin, u"rl-cred"_s, canary(*f)));
    QVERIFY(addCredential(f->secrets, admin, u"rl-role-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"rl-cred"_s));
    QVERIFY(autoApprove(admin, u"rl-role-cred"_s));
    QVERIFY(addRole(admin, u"rl-role"_s, { u"rl-role-cred"_s }, 2));
    const QByteArray agentKey = addAgent(admin, u"rl-agent"_s, { u"rl-cred"_s }, {}, 3);
    const QByteArray roleKey = addAgent(admin, u"rl-role-agent"_s, {}, { u"rl-role"_s });
    RETURN_IF_FAILED();

    // rate_limit_per_hour 3: six requests at once, exactly three admitted.
    int before = m_upstream.count();
    std::vector<HttpResponse> answers(6);
    {
        std::vector<std::thread> threads;
        for (size_t i = 0; i < answers.size(); ++i)
            threads.emplace_back([&, i] {
                answers[i] = forward(port, { agentKey, "rl-cred", up("/echo"), "GET" });
            });
        for (auto &t : threads)
            t.join();
    }
    int admitted = 0;
    for (const HttpResponse &r : answers) {
        if (r.status == 200) {
            ++admitted;
            continue;
        }
        EXPECT_FWD(r, 429, u"rate_limited"_s);
        bool ok = false;
        const int retry = r.header("Retry-After").toInt(&ok);
        QVERIFY2(ok && retry > 0 && retry <= 3600, r.header("Retry-After").constData());
    }
    QCOMPARE(admitted, 3);
    QCOMPARE(m_upstream.count(), before + 3);
    EXPECT_FWD(forward(port, { agentKey, "rl-cred", up("/echo"), "GET" }), 429, u"rate_limited"_s);

    // A role's limit, for a credential held only through that role.
    before = m_upstream.count();
    for (int i = 0; i < 2; ++i)
        EXPECT_FWD(forward(port, { roleKey, "rl-role-cred", up("/echo"), "GET" }), 200, QString());
    const HttpResponse roleLimited = forward(port, { roleKey, "rl-role-cred", up("/echo"), "GET" });
    EXPECT_FWD(roleLimited, 429, u"rate_limited"_s);
    QVERIFY(!roleLimited.header("Retry-After").isEmpty());
    QCOMPARE(m_upstream.count(), before + 2);

    // Two teams, an agent of the same name in each: separate buckets.
    const Account other = f->newAccount(u"rl-other"_s);
    RETURN_IF_FAILED();
    const HttpClient otherAdmin = f->tapd.client(other.token);
    QVERIFY(addCredential(f->secrets, admin, u"rl-same"_s, canary(*f)));
    QVERIFY(addCredential(f->secrets, otherAdmin, u"rl-same"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"rl-same"_s));
    QVERIFY(autoApprove(otherAdmin, u"rl-same"_s));
    const QByteArray mainBot = addAgent(admin, u"rl-bot"_s, { u"rl-same"_s }, {}, 2);
    const QByteArray otherBot = addAgent(otherAdmin, u"rl-bot"_s, { u"rl-same"_s }, {}, 2);
    RETURN_IF_FAILED();
    for (int i = 0; i < 2; ++i)
        EXPECT_FWD(forward(port, { mainBot, "rl-same", up("/echo"), "GET" }), 200, QString());
    EXPECT_FWD(forward(port, { mainBot, "rl-same", up("/echo"), "GET" }), 429, u"rate_limited"_s);
    for (int i = 0; i < 2; ++i)
        EXPECT_FWD(forward(port, { otherBot, "rl-same", up("/echo"), "GET" }), 200, QString());
    EXPECT_FWD(forward(port, { otherBot, "rl-same", up("/echo"), "GET" }), 429, u"rate_limited"_s);

    // Two tapd processes on one database share the buckets: a limit of 4, eight requests
    // spread over both processes at once, exactly four admitted.
    Tapd second;
    QVERIFY(second.startSharing(f->tapd));
    const QByteArray shared = addAgent(admin, u"rl-shared"_s, { u"rl-cred"_s }, {}, 4);
    RETURN_IF_FAILED();
    before = m_upstream.count();
    std::vector<int> statuses(8);
    {
        std::vector<std::thread> threads;
        for (size_t i = 0; i < statuses.size(); ++i)
            threads.emplace_back([&, i] {
                const quint16 p = i % 2 ? second.port() : port;
                statuses[i] = forward(p, { shared, "rl-cred", up("/echo"), "GET" }).status;
            });
        for (auto &t : threads)
            t.join();
    }
    QCOMPARE(std::count(statuses.begin(), statuses.end(), 200), 4);
    QCOMPARE(std::count(statuses.begin(), statuses.end(), 429), 4);
    QCOMPARE(m_upstream.count(), before + 4);
    EXPECT_CLEAN_STOP(second);
}

QTEST_GUILESS_MAIN(TestForwardPolicy)
#include "tst_forward_policy.moc"
