// The HTTP layer's framing end to end through tapd's /forward relay (README "Hardening"), against
// the real tapd binary and the fake upstream (tests/support/fake_upstream.py), on both backends:
// an upstream answer without a body (204 or 304 without Content-Length, the answer to a HEAD)
// reaches the agent without a body, chunk or terminating chunk, and the agent's keep-alive
// connection carries the next request.
#include "support/forwardfixture.h"
#include "support/httpserverfixture.h"

#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

QByteArray forwardRequest(const QByteArray &key, const QByteArray &target, const QByteArray &method)
{
    return "POST /forward HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nX-TAP-Key: " + key
            + "\r\nX-TAP-Credential: framing-cred\r\nX-TAP-Target: " + target
            + "\r\nX-TAP-Method: " + method + "\r\n\r\n";
}

} // namespace

class TestHttpServerForward : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
        QVERIFY(m_upstream.start());
    }
    void cleanupTestCase()
    {
        m_fixtures.clear();
        m_upstream.stop();
    }

    void answersWithoutBody();
};

void TestHttpServerForward::answersWithoutBody()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(f->secrets, admin, u"framing-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"framing-cred"_s));
    const QByteArray key = addAgent(admin, u"framing-agent"_s, { u"framing-cred"_s });
    RETURN_IF_FAILED();

    struct Case
    {
        const char *what;
        QByteArray path;
        QByteArray method;
        int status;
        QByteArray contentLength; // "-": none
    };
    // The upstream's 204 and 304 carry no Content-Length (a streamed relay until now); the
    // answer to a HEAD carries the upstream's headers and no body: tapd's answer (to a POST)
    // is framed as an empty body.
    const Case cases[] = { { "204", "/status/204", "GET", 204, "-" },
                           { "304", "/status/304", "GET", 304, "-" },
                           { "HEAD", "/echo", "HEAD", 200, "0" } };
    Client client(f->tapd.port());
    for (const Case &c : cases) {
        QVERIFY(client.writeAll(forwardRequest(key, up(c.path), c.method)));
        const auto reply = client.readReply(false, kRequestTimeoutMs);
        QVERIFY2(reply, qPrintable(QString::fromLatin1(c.what) + u": "_s + client.lastError()));
        QCOMPARE(reply->status, c.status);
        QVERIFY(!reply->header("x-tap-request-id").isEmpty());
        QCOMPARE(reply->headerCount("transfer-encoding"), 0);
        if (c.contentLength == "-")
            QCOMPARE(reply->headerCount("content-length"), 0);
        else
            QCOMPARE(reply->header("content-length"), c.contentLength);
        QVERIFY(reply->body.isEmpty());
        QVERIFY(!reply->saysClose());
        QVERIFY2(!client.waitReadable(300), c.what); // no chunk, no terminating chunk
        // The same connection goes on.
        QVERIFY(client.writeAll(forwardRequest(key, up("/echo"), "GET")));
        const auto next = client.readReply(false, kRequestTimeoutMs);
        QVERIFY2(next, qPrintable(client.lastError()));
        QCOMPARE(next->status, 200);
        QCOMPARE(QJsonDocument::fromJson(next->body).object().value(u"method"_s).toString(),
                 u"GET"_s);
    }
}

QTEST_GUILESS_MAIN(TestHttpServerForward)
#include "tst_httpserver_forward.moc"
