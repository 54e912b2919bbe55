// The secret parts of signing credentials (README "Signing credentials") never reach the agent,
// an approver or a trail, against the real tapd binary on both backends: each part echoed by
// the upstream raw and in every encoding of the static values' leak tests is scrubbed; a signing
// credential is no placeholder; a request that waits for approval is signed when it is sent.
// The fixture is support/signingfixture.h.
#include "support/signingfixture.h"
#include "support/approvalfixture.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardSigningLeaks : public QObject, public SigningSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSigningSuite(); }
    void cleanupTestCase() { finishSigningSuite(); }

    void partsScrubbed_data();
    void partsScrubbed();
    void partsScrubbedEncoded_data();
    void partsScrubbedEncoded();
    void placeholderRefused();
    void approvedIsSignedWhenSent_data();
    void approvedIsSignedWhenSent();
};

// An upstream that echoes every part (body and header): each is scrubbed.
void TestForwardSigningLeaks::partsScrubbed_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("oauth1") << u"oauth1"_s;
    QTest::newRow("aws_sigv4") << u"aws_sigv4"_s;
}

void TestForwardSigningLeaks::partsScrubbed()
{
    FIXTURE(f);
    QFETCH(QString, kind);
    const QString name = u"reflect-"_s + kind.left(3);
    const bool oauth = kind == u"oauth1";
    QJsonObject parts = oauth ? oauthParts(*f, name) : awsParts(*f, name, true);
    QJsonObject extra;
    if (!oauth)
        extra = { { u"region"_s, u"us-east-1"_s }, { u"service"_s, u"execute-api"_s } };
    QVERIFY(addSigning(*f, name, kind, parts, extra));
    for (auto it = extra.begin(); it != extra.end(); ++it)
        parts.insert(it.key(), it.value());
    const Upstream &upstream = oauth ? m_oauth : m_sigv4;
    registerKeys(upstream, parts);
    const HttpResponse r =
            forward(f->tapd.port(),
                    { f->keys.value(name), utf8(name), upstream.url("/reflect?x=1"), "GET" });
    EXPECT_FWD(r, 200, QString());
    const QString leak = findLeak(received(r), f->secrets);
    QVERIFY2(leak.isEmpty(), qPrintable(leak + u" in: "_s + text(received(r).left(2000))));
    QVERIFY2(r.body.count(marker(name)) >= (oauth ? 4 : 3), r.body.constData());
    QVERIFY2(r.header("X-Reflect").contains(marker(name)), r.header("X-Reflect").constData());
}

// Each part echoed in every encoding of the static values' leak tests (tst_forward_scrub).
void TestForwardSigningLeaks::partsScrubbedEncoded_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("enc");
    for (const char *kind : { "oauth1", "aws_sigv4" }) {
        for (const char *enc : { "raw", "b64", "b64nopad", "b64url", "b64urlnopad", "pct",
                                 "pctlower", "form", "json", "jsonutf8", "basic", "pctpartial",
                                 "jsonall", "hex", "hexupper", "mime76", "mime64crlf" })
            QTest::addRow("%s %s", kind, enc) << QString::fromLatin1(kind) << QByteArray(enc);
    }
}

void TestForwardSigningLeaks::partsScrubbedEncoded()
{
    FIXTURE(f);
    QFETCH(QString, kind);
    QFETCH(QByteArray, enc);
    const bool oauth = kind == u"oauth1";
    const QString name = u"encoded-"_s + kind.left(3);
    const Upstream &upstream = oauth ? m_oauth : m_sigv4;
    if (!f->prepared.contains(name)) {
        QJsonObject parts = oauth ? oauthParts(*f, name) : awsParts(*f, name, true);
        QJsonObject extra;
        if (!oauth)
            extra = { { u"region"_s, u"us-east-1"_s }, { u"service"_s, u"execute-api"_s } };
        QVERIFY(addSigning(*f, name, kind, parts, extra));
        for (auto it = extra.begin(); it != extra.end(); ++it)
            parts.insert(it.key(), it.value());
        registerKeys(upstream, parts);
        f->prepared << name;
    }
    const HttpResponse r = forward(
            f->tapd.port(),
            { f->keys.value(name), utf8(name), upstream.url("/reflect?enc=" + enc), "GET" });
    EXPECT_FWD(r, 200, QString());
    const QString leak = findLeak(received(r), f->secrets);
    QVERIFY2(leak.isEmpty(), qPrintable(leak + u" in: "_s + text(received(r).left(2000))));
    QVERIFY2(r.body.contains(marker(name)), r.body.constData());
    const bool exact = enc != "basic" && !enc.startsWith("mime");
    if (exact) { // every part replaced whole
        const QByteArray m = marker(name);
        QByteArrayList markers{ m, m, m };
        if (oauth)
            markers << m;
        const QByteArray all = markers.join(' ');
        QCOMPARE(r.body, "reflected: <" + all + "> end");
        QCOMPARE(r.header("X-Reflect"), all);
    }
}

// A signing credential cannot be a <CREDENTIAL:name> placeholder.
void TestForwardSigningLeaks::placeholderRefused()
{
    FIXTURE(f);
    const QJsonObject parts = oauthParts(*f, u"oauth-ph"_s);
    QVERIFY(addSigning(*f, u"oauth-ph"_s, u"oauth1"_s, parts));
    const int before = m_oauth.count();
    const HttpResponse r = forward(f->tapd.port(),
                                   { f->keys.value(u"oauth-ph"_s),
                                     "",
                                     m_oauth.url("/x"),
                                     "GET",
                                     { { "Authorization", "Bearer <CREDENTIAL:oauth-ph>" } } });
    EXPECT_FWD(r, 400, u"invalid_request"_s);
    QVERIFY2(r.body.contains("X-TAP-Credential"), r.body.constData());
    QCOMPARE(m_oauth.count(), before);
}

// A request that waits for a human is signed when it is sent (a fresh timestamp and nonce,
// the body as stored), and neither the approval as approvers see it nor the agent's poll holds
// a part.
void TestForwardSigningLeaks::approvedIsSignedWhenSent_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("oauth1 form body") << u"oauth1"_s;
    QTest::newRow("aws_sigv4 streamed body") << u"aws_sigv4"_s;
}

void TestForwardSigningLeaks::approvedIsSignedWhenSent()
{
    FIXTURE(f);
    QFETCH(QString, kind);
    const bool oauth = kind == u"oauth1";
    const QString name = u"approved-"_s + kind.left(3);
    QJsonObject parts = oauth ? oauthParts(*f, name) : awsParts(*f, name, true);
    QJsonObject extra;
    if (!oauth)
        extra = { { u"region"_s, u"us-east-1"_s }, { u"service"_s, u"s3"_s } };
    QVERIFY(addSigning(*f, name, kind, parts, extra, false)); // no policy: every request waits
    for (auto it = extra.begin(); it != extra.end(); ++it)
        parts.insert(it.key(), it.value());
    const Upstream &upstream = oauth ? m_oauth : m_sigv4;
    registerKeys(upstream, parts);
    const QByteArray key = f->keys.value(name);
    const int before = upstream.count();
    const HttpResponse r = forward(
            f->tapd.port(),
            { key,
              utf8(name),
              upstream.url("/reflect/upload?x=1"),
              "POST",
              { { "Content-Type",
                  oauth ? "application/x-www-form-urlencoded" : "application/octet-stream" } },
              oauth ? "status=waiting%20for%20a%20human&n=1"_ba : QByteArray(300 * 1024, 'c') });
    EXPECT_FWD(r, 202, QString());
    const QByteArray txn = r.json().value(u"txn_id"_s).toString().toLatin1();
    QCOMPARE(upstream.count(), before);
    const HttpClient admin = f->tapd.client(f->main.token);
    const HttpResponse shown = admin.get("/admin/approvals/" + txn);
    EXPECT_STATUS(shown, 200);
    QVERIFY2(findLeak(shown.body, f->secrets).isEmpty(), shown.body.left(2000).constData());
    EXPECT_STATUS(admin.post("/admin/approvals/" + txn + "/approve"), 200);
    const QJsonObject final = pollUntilFinal(f->tapd.port(), key, txn);
    QCOMPARE(final.value(u"status"_s).toString(), u"forwarded"_s);
    const QJsonObject response = final.value(u"response"_s).toObject();
    QCOMPARE(response.value(u"status"_s).toInt(), 200);
    const QByteArray polled = QJsonDocument(final).toJson(QJsonDocument::Compact);
    QVERIFY2(findLeak(polled, f->secrets).isEmpty(), polled.left(2000).constData());
    QVERIFY2(polled.contains(marker(name)), polled.left(2000).constData());
    const QJsonObject entry = lastEntry(upstream);
    QVERIFY(entry.value(u"verified"_s).toBool());
    if (!oauth) // buffered once parked: the body's own hash is signed, not UNSIGNED-PAYLOAD
        QCOMPARE(headerValue(entry, "X-Amz-Content-Sha256"),
                 QCryptographicHash::hash(QByteArray(300 * 1024, 'c'), QCryptographicHash::Sha256)
                         .toHex());
}

QTEST_GUILESS_MAIN(TestForwardSigningLeaks)
#include "tst_forward_signing_leaks.moc"
