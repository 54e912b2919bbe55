// End-to-end tests of what a /forward request is about and where it goes, against the real tapd
// binary and the local fake upstream, on both backends: the policy decides on exactly the URL
// that is sent (auto_approve_urls cannot be satisfied by a fragment, a dot segment, a query or
// path parameters), and the sidecar protocol's X-OAuth-* headers are tapd's alone. The
// fixture is support/forwardfixture.h.
#include "support/forwardfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardTargets : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSuite(); }
    // The last word on this file's tapds: no secret in any trail, and a clean stop.
    void cleanupTestCase() { finishSuite(); }

    void policySeesWhatIsSent_data();
    void policySeesWhatIsSent();
    void sidecarHeadersAreTapds();
};

void TestForwardTargets::policySeesWhatIsSent_data()
{
    QTest::addColumn<QByteArray>("path"); // appended to the fake upstream's origin
    QTest::addColumn<QByteArray>("outcome"); // "parked", "refused", or the path the upstream gets

    const auto row = [](const char *path, const char *outcome) {
        QTest::addRow("%s", path) << QByteArray(path) << QByteArray(outcome);
    };
    // The review's bypasses: a DELETE that needs a human went straight out.
    row("/echo#/conversations.list", "parked");
    row("/conversations.list/../echo", "parked");
    row("/conversations.list/%2e%2e/echo", "parked");
    row("/conversations.list/%2E%2E/echo", "parked");
    row("/conversations.list/.%2e/echo", "parked");
    row("/echo?/conversations.list", "parked");
    row("/echo?x=/conversations.list", "parked");
    row("/echo;/conversations.list", "parked");
    row("/echo%3B/conversations.list", "parked");
    // Spellings that some server would read as a dot segment: refused outright.
    row("/conversations.list/..;/echo", "refused");
    row("/conversations.list/..;x=1/echo", "refused");
    row("/conversations.list%2F..%2Fecho", "refused");
    row("/conversations.list%2f..%2fecho", "refused");
    row("/conversations.list/%252e%252e/echo", "refused");
    row("/conversations.list%5C..%5Cecho", "refused");
    row("/conversations.list/%", "refused");
    // Matches: what the upstream gets is the path the policy matched.
    row("/conversations.list", "/conversations.list");
    row("/%63onversations.list", "/conversations.list");
    row("/a/./b/../conversations.list?x=1", "/a/conversations.list");
    row("/echo/../conversations.list#frag", "/conversations.list");
    row("/echo/conversations.list", "/echo/conversations.list");
}

// auto_approve_urls against the normalised path of the URL that is sent: for every target,
// either the request is refused, or it waits for a human, or the upstream receives a path that
// really contains the auto-approved entry.
void TestForwardTargets::policySeesWhatIsSent()
{
    FIXTURE(f);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, outcome);
    if (!f->prepared.contains(u"urls"_s)) {
        const HttpClient admin = f->tapd.client(f->main.token);
        QVERIFY(addCredential(f->secrets, admin, u"url-pol"_s, canary(*f)));
        QVERIFY(setPolicy(admin, u"url-pol"_s,
                          { { u"require_approval_methods"_s, strings({ u"DELETE"_s }) },
                            { u"auto_approve_urls"_s, strings({ u"/conversations.list"_s }) } }));
        f->keys[u"urls"_s] = addAgent(admin, u"url-agent"_s, { u"url-pol"_s });
        RETURN_IF_FAILED();
        f->prepared << u"urls"_s;
    }
    const int before = m_upstream.count();
    const HttpResponse r =
            forward(f->tapd.port(), { f->keys.value(u"urls"_s), "url-pol", up(path), "DELETE" });
    if (outcome == "refused") {
        EXPECT_FWD(r, 400, u"invalid_request"_s);
        QCOMPARE(m_upstream.count(), before);
        return;
    }
    if (outcome == "parked") {
        EXPECT_FWD(r, 202, QString());
        QCOMPARE(r.json().value(u"status"_s).toString(), u"pending"_s);
        QCOMPARE(m_upstream.count(), before);
        return;
    }
    // The fake answers its /echo routes and 404 for the others; either way it got the request.
    EXPECT_FWD(r, outcome.startsWith("/echo") ? 200 : 404, QString());
    const QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    const QJsonObject e = seen.first().toObject();
    QCOMPARE(e.value(u"method"_s).toString(), u"DELETE"_s);
    QCOMPARE(e.value(u"path"_s).toString().toLatin1(), outcome);
    QVERIFY(outcome.contains("/conversations.list"));
    // The audit trail names the URL that was sent.
    const HttpClient admin = f->tapd.client(f->main.token);
    const QList<QJsonObject> audit = withRequestId(auditItems(admin), r.header("X-TAP-Request-Id"));
    QCOMPARE(audit.size(), 1);
    const QByteArray audited = audit.first().value(u"target"_s).toString().toLatin1();
    QVERIFY2(audited == up(outcome) || audited.startsWith(QByteArray(up(outcome) + '?')),
             audited.constData());
    QCOMPARE(audit.first().value(u"reason"_s).toString(), u"auto_approve_url"_s);
}

// The sidecar protocol: X-OAuth-Credential, X-OAuth-Credential-Data, X-OAuth-Target (absent
// with relative_target) and X-OAuth-Method come from tapd alone, once each, in any spelling the
// agent tries; X-OAuth-Target is the normalised URL the policy saw.
void TestForwardTargets::sidecarHeadersAreTapds()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(
            f->secrets, admin, u"spoof-abs"_s, canary(*f),
            { { u"connector"_s, u"sidecar"_s },
              { u"api_base"_s, text(up("/sidecar-echo")) },
              { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s, u"api.example.com"_s }) } }));
    QVERIFY(addCredential(f->secrets, admin, u"spoof-rel"_s, canary(*f),
                          { { u"connector"_s, u"sidecar"_s },
                            { u"api_base"_s, text(up("/sidecar-echo/bot")) },
                            { u"relative_target"_s, true } }));
    QVERIFY(autoApprove(admin, u"spoof-abs"_s));
    QVERIFY(autoApprove(admin, u"spoof-rel"_s));
    const QByteArray key = addAgent(admin, u"spoof-agent"_s, { u"spoof-abs"_s, u"spoof-rel"_s });
    RETURN_IF_FAILED();
    const HttpHeaders spoofed{ { "X-OAuth-Target", "https://evil.example/steal" },
                               { "x-oauth-method", "DELETE" },
                               { "X-OAUTH-CREDENTIAL", "someone-else" },
                               { "X-OAuth-Credential-Data", "agent-chosen" },
                               { "X-OAuth-Anything", "1" } };
    const auto oauthHeaders = [](const QJsonObject &entry) {
        QList<QPair<QByteArray, QByteArray>> out;
        for (const QJsonValue &h : entry.value(u"headers"_s).toArray()) {
            const QByteArray name = h.toArray().at(0).toString().toLatin1();
            if (name.toLower().startsWith("x-oauth-"))
                out.append({ name.toLower(), h.toArray().at(1).toString().toLatin1() });
        }
        return out;
    };

    int before = m_upstream.count();
    HttpResponse r = forward(f->tapd.port(),
                             { key, "spoof-abs", "https://API.example.com:443/v1/a/../send#x",
                               "POST", spoofed, "{}" });
    EXPECT_FWD(r, 200, QString());
    QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QJsonObject e = seen.first().toObject();
    QCOMPARE(e.value(u"method"_s).toString(), u"POST"_s);
    const QByteArray secret = f->secrets.at(f->secrets.size() - 2).value;
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    QCOMPARE(oauthHeaders(e),
             (Headers{ { "x-oauth-credential", "spoof-abs" },
                       { "x-oauth-credential-data", secret },
                       { "x-oauth-target", "https://api.example.com/v1/send" },
                       { "x-oauth-method", "POST" } }));
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    before = m_upstream.count();
    r = forward(f->tapd.port(), { key, "spoof-rel", "/sendMessage", "GET", spoofed });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    e = seen.first().toObject();
    QCOMPARE(e.value(u"path"_s).toString(), u"/sidecar-echo/bot/sendMessage"_s);
    QCOMPARE(oauthHeaders(e),
             (Headers{ { "x-oauth-credential", "spoof-rel" },
                       { "x-oauth-credential-data", f->secrets.last().value },
                       { "x-oauth-method", "GET" } }));
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // A direct credential's upstream never sees the sidecar protocol either.
    QVERIFY(addCredential(f->secrets, admin, u"spoof-direct"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"spoof-direct"_s));
    const QByteArray direct = addAgent(admin, u"spoof-direct-agent"_s, { u"spoof-direct"_s });
    RETURN_IF_FAILED();
    before = m_upstream.count();
    r = forward(f->tapd.port(), { direct, "spoof-direct", up("/echo"), "GET", spoofed });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(oauthHeaders(seen.first().toObject()), Headers());
}

QTEST_GUILESS_MAIN(TestForwardTargets)
#include "tst_forward_targets.moc"
