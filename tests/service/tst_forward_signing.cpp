// End-to-end tests of the signing credential kinds (README "Signing credentials": oauth1 and
// aws_sigv4) against the real tapd binary on both backends: the admin API (kind, parts,
// parts_set, region and service; write-only parts; refusals naming the part), and /forward
// through fake upstreams that check the signatures with their own Python implementations
// (support/signingfixture.h): accepted as signed, refused with a tampered secret, a fresh nonce
// per request, streamed bodies; no part in any trail (last). Scrubbing and approvals:
// tst_forward_signing_leaks.cpp.
#include "support/signingfixture.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardSigning : public QObject, public SigningSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSigningSuite(); }
    void cleanupTestCase() { finishSigningSuite(); }

    void adminApi();
    void adminRefusals();
    void oauth1Signed();
    void oauth1Tampered();
    void oauth1StreamedForm();
    void sigv4Signed_data();
    void sigv4Signed();
    void sigv4Tampered();
};
// ---------------------------------------------------------------------------------------------
// The admin API: kind, parts_set and the visible settings are shown, never a part's value; a
// static credential's JSON is what it was before kinds existed.

void TestForwardSigning::adminApi()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QJsonObject parts = awsParts(*f, u"aws-admin"_s, false);
    QVERIFY(addSigning(*f, u"aws-admin"_s, u"aws_sigv4"_s, parts,
                       { { u"region"_s, u"eu-west-1"_s }, { u"service"_s, u"execute-api"_s } }));
    HttpResponse r = admin.get("/admin/credentials/aws-admin");
    EXPECT_STATUS(r, 200);
    QJsonObject o = r.json();
    QCOMPARE(o.value(u"kind"_s).toString(), u"aws_sigv4"_s);
    QCOMPARE(o.value(u"region"_s).toString(), u"eu-west-1"_s);
    QCOMPARE(o.value(u"service"_s).toString(), u"execute-api"_s);
    QCOMPARE(o.value(u"parts_set"_s).toArray(),
             strings({ u"access_key_id"_s, u"secret_access_key"_s }));
    QCOMPARE(o.value(u"has_value"_s).toBool(), true);
    QVERIFY(!o.contains(u"value"_s));
    QVERIFY2(findLeak(r.body, f->secrets).isEmpty(), r.body.constData());

    // PUT .../value with a session token: parts_set follows; the answer names the parts only.
    const QJsonObject rotated = awsParts(*f, u"aws-admin"_s, true);
    r = admin.put("/admin/credentials/aws-admin/value", { { u"value"_s, rotated } });
    EXPECT_STATUS(r, 200);
    QCOMPARE(r.json().value(u"parts_set"_s).toArray(),
             strings({ u"access_key_id"_s, u"secret_access_key"_s, u"session_token"_s }));
    QVERIFY2(findLeak(r.body, f->secrets).isEmpty(), r.body.constData());
    // PATCH may change region and service, not the kind.
    r = admin.patch("/admin/credentials/aws-admin", { { u"region"_s, u"us-east-1"_s } });
    EXPECT_STATUS(r, 200);
    QCOMPARE(r.json().value(u"region"_s).toString(), u"us-east-1"_s);
    r = admin.get("/admin/credentials/aws-admin"); // as stored
    EXPECT_STATUS(r, 200);
    QCOMPARE(r.json().value(u"region"_s).toString(), u"us-east-1"_s);
    QCOMPARE(r.json().value(u"service"_s).toString(), u"execute-api"_s);
    QCOMPARE(r.json().value(u"parts_set"_s).toArray(),
             strings({ u"access_key_id"_s, u"secret_access_key"_s, u"session_token"_s }));
    r = admin.patch("/admin/credentials/aws-admin", { { u"kind"_s, u"oauth1"_s } });
    EXPECT_ERROR(r, 400, u"invalid_request"_s);
    QVERIFY2(r.body.contains("kind"), r.body.constData());

    // A static credential: no kind, parts_set, region or service on the wire.
    QVERIFY(addCredential(f->secrets, admin, u"static-plain"_s, canary(*f)));
    r = admin.get("/admin/credentials/static-plain");
    EXPECT_STATUS(r, 200);
    for (const QString &key : { u"kind"_s, u"parts_set"_s, u"region"_s, u"service"_s })
        QVERIFY2(!r.json().contains(key), qPrintable(key));
    const QByteArray next = canary(*f);
    f->secrets.append({ u"static-plain"_s, next });
    r = admin.put("/admin/credentials/static-plain/value", { { u"value"_s, text(next) } });
    EXPECT_STATUS(r, 200);
    QVERIFY(!r.json().contains(u"kind"_s));
    QCOMPARE(r.json().keys(),
             QStringList({ u"has_value"_s, u"name"_s, u"scope_id"_s, u"scope_kind"_s,
                           u"updated_at"_s }));
}

// Refusals: each says what is wrong, naming the part; nothing is stored.
void TestForwardSigning::adminRefusals()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QJsonObject good{ { u"consumer_key"_s, u"k"_s },
                            { u"consumer_secret"_s, u"s"_s },
                            { u"token"_s, u"t"_s },
                            { u"token_secret"_s, u"u"_s } };
    const auto create = [&](QJsonObject extra) {
        extra.insert(u"name"_s, u"refused"_s);
        extra.insert(u"description"_s, u"refused"_s);
        return admin.post("/admin/credentials", extra);
    };
    QJsonObject missing = good;
    missing.remove(u"token_secret"_s);
    QJsonObject unknown = good;
    unknown.insert(u"pin"_s, u"1"_s);
    QJsonObject empty = good;
    empty.insert(u"token"_s, u""_s);
    const struct
    {
        QJsonObject body;
        const char *mentions;
    } cases[] = {
        { { { u"kind"_s, u"oauth1"_s }, { u"value"_s, missing } }, "value.token_secret" },
        { { { u"kind"_s, u"oauth1"_s }, { u"value"_s, unknown } }, "pin" },
        { { { u"kind"_s, u"oauth1"_s }, { u"value"_s, empty } }, "value.token" },
        { { { u"kind"_s, u"oauth1"_s }, { u"value"_s, u"a string"_s } }, "consumer_key" },
        { { { u"kind"_s, u"static"_s }, { u"value"_s, good } }, "string" },
        { { { u"value"_s, good } }, "string" },
        { { { u"kind"_s, u"oauth3"_s } }, "kind" },
        { { { u"kind"_s, u"oauth2"_s } }, "token_url" },
        { { { u"kind"_s, u"aws_sigv4"_s }, { u"service"_s, u"s3"_s } }, "region" },
        { { { u"kind"_s, u"aws_sigv4"_s }, { u"region"_s, u"US EAST"_s } }, "region" },
        { { { u"kind"_s, u"oauth1"_s }, { u"region"_s, u"us-east-1"_s } }, "region" },
        { { { u"kind"_s, u"oauth1"_s },
            { u"connector"_s, u"sidecar"_s },
            { u"api_base"_s, u"http://127.0.0.1:1"_s } },
          "direct" },
        { { { u"kind"_s, u"oauth1"_s }, { u"body_placeholder_fields"_s, strings({ u"k"_s }) } },
          "placeholder" },
    };
    for (const auto &c : cases) {
        const HttpResponse r = create(c.body);
        EXPECT_ERROR(r, 400, u"invalid_request"_s);
        QVERIFY2(r.body.contains(c.mentions), r.body.constData());
    }
    EXPECT_ERROR(admin.get("/admin/credentials/refused"), 404, u"not_found"_s);

    // PUT .../value against the row's kind.
    QVERIFY(addSigning(*f, u"oauth-refusals"_s, u"oauth1"_s, oauthParts(*f, u"oauth-refusals"_s)));
    HttpResponse r = admin.put("/admin/credentials/oauth-refusals/value",
                               { { u"value"_s, u"a plain string"_s } });
    EXPECT_ERROR(r, 400, u"invalid_request"_s);
    r = admin.put("/admin/credentials/oauth-refusals/value", { { u"value"_s, missing } });
    EXPECT_ERROR(r, 400, u"invalid_request"_s);
    QVERIFY2(r.body.contains("value.token_secret"), r.body.constData());
}

// ---------------------------------------------------------------------------------------------
// /forward signs.

void TestForwardSigning::oauth1Signed()
{
    FIXTURE(f);
    const QJsonObject parts = oauthParts(*f, u"oauth-ok"_s);
    registerKeys(m_oauth, parts);
    QVERIFY(addSigning(*f, u"oauth-ok"_s, u"oauth1"_s, parts));
    const QByteArray key = f->keys.value(u"oauth-ok"_s);
    const QByteArray base = m_oauth.base();
    // The query (with encoded characters) is signed; the agent's own Authorization is dropped.
    HttpResponse r = forward(f->tapd.port(),
                             { key,
                               "oauth-ok",
                               base + "/1.1/statuses/home.json?count=2&q=a%20b%2Bc",
                               "GET",
                               { { "Authorization", "Bearer agent-own" } } });
    EXPECT_FWD(r, 200, QString());
    QCOMPARE(r.json().value(u"verified"_s).toBool(), true);
    // The same request again: a fresh nonce (the fake refuses a reused one).
    r = forward(f->tapd.port(),
                { key, "oauth-ok", base + "/1.1/statuses/home.json?count=2&q=a%20b%2Bc", "GET" });
    EXPECT_FWD(r, 200, QString());
    // A form body's parameters are signed (RFC 5849 §3.4.1.3.1).
    r = forward(f->tapd.port(),
                { key,
                  "oauth-ok",
                  base + "/1.1/statuses/update.json?include_entities=true",
                  "POST",
                  { { "Content-Type", "application/x-www-form-urlencoded" } },
                  "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21" });
    EXPECT_FWD(r, 200, QString());
    // A JSON body is not.
    r = forward(f->tapd.port(),
                { key,
                  "oauth-ok",
                  base + "/2/tweets",
                  "POST",
                  { { "Content-Type", "application/json" } },
                  R"({"text":"hi"})" });
    EXPECT_FWD(r, 200, QString());
    const QJsonObject entry = lastEntry(m_oauth);
    QVERIFY(entry.value(u"verified"_s).toBool());
    QCOMPARE(headerValues(entry, "Authorization").size(), 1);
    QVERIFY(headerValue(entry, "Authorization").startsWith("OAuth "));
}

// A wrong secret signs wrongly: the fake refuses. Rotating to the right parts fixes it.
void TestForwardSigning::oauth1Tampered()
{
    FIXTURE(f);
    const QJsonObject parts = oauthParts(*f, u"oauth-bad"_s);
    registerKeys(m_oauth, parts);
    QJsonObject tampered = parts;
    tampered.insert(u"consumer_secret"_s,
                    QString(parts.value(u"consumer_secret"_s).toString() + u'x'));
    f->secrets.append(
            { u"oauth-bad.tampered"_s, utf8(tampered.value(u"consumer_secret"_s).toString()) });
    QVERIFY(addSigning(*f, u"oauth-bad"_s, u"oauth1"_s, tampered));
    const QByteArray key = f->keys.value(u"oauth-bad"_s);
    HttpResponse r = forward(f->tapd.port(), { key, "oauth-bad", m_oauth.url("/x?a=1"), "GET" });
    EXPECT_FWD(r, 401, QString());
    QCOMPARE(r.json().value(u"reason"_s).toString(), u"signature mismatch"_s);
    QJsonObject wrongToken = parts;
    wrongToken.insert(u"token_secret"_s, u"other"_s);
    const HttpClient admin = f->tapd.client(f->main.token);
    EXPECT_STATUS(admin.put("/admin/credentials/oauth-bad/value", { { u"value"_s, wrongToken } }),
                  200);
    r = forward(f->tapd.port(), { key, "oauth-bad", m_oauth.url("/x?a=1"), "GET" });
    EXPECT_FWD(r, 401, QString());
    EXPECT_STATUS(admin.put("/admin/credentials/oauth-bad/value", { { u"value"_s, parts } }), 200);
    r = forward(f->tapd.port(), { key, "oauth-bad", m_oauth.url("/x?a=1"), "GET" });
    EXPECT_FWD(r, 200, QString());
}

// A form body too large to buffer (streamed on) cannot be signed: refused, nothing sent.
void TestForwardSigning::oauth1StreamedForm()
{
    FIXTURE(f);
    const QJsonObject parts = oauthParts(*f, u"oauth-stream"_s);
    registerKeys(m_oauth, parts);
    QVERIFY(addSigning(*f, u"oauth-stream"_s, u"oauth1"_s, parts));
    const int before = m_oauth.count();
    const QByteArray body = "media=" + QByteArray(300 * 1024, 'a');
    HttpResponse r = forward(f->tapd.port(),
                             { f->keys.value(u"oauth-stream"_s),
                               "oauth-stream",
                               m_oauth.url("/upload"),
                               "POST",
                               { { "Content-Type", "application/x-www-form-urlencoded" } },
                               body });
    EXPECT_FWD(r, 400, u"invalid_request"_s);
    QVERIFY2(r.body.contains("streamed"), r.body.constData());
    QCOMPARE(m_oauth.count(), before);
    // The same size as an octet stream is not a form: its body is not signed, and it goes.
    r = forward(f->tapd.port(),
                { f->keys.value(u"oauth-stream"_s),
                  "oauth-stream",
                  m_oauth.url("/upload"),
                  "POST",
                  { { "Content-Type", "application/octet-stream" } },
                  body });
    EXPECT_FWD(r, 200, QString());
}

void TestForwardSigning::sigv4Signed_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<bool>("session");
    QTest::newRow("execute-api") << u"execute-api"_s << false;
    QTest::newRow("execute-api session token") << u"execute-api"_s << true;
    QTest::newRow("s3") << u"s3"_s << false;
    QTest::newRow("s3 session token") << u"s3"_s << true;
}

void TestForwardSigning::sigv4Signed()
{
    FIXTURE(f);
    QFETCH(QString, service);
    QFETCH(bool, session);
    const QString name = u"aws-%1-%2"_s.arg(service).arg(session ? 1 : 0);
    QJsonObject parts = awsParts(*f, name, session);
    QVERIFY(addSigning(*f, name, u"aws_sigv4"_s, parts,
                       { { u"region"_s, u"us-east-1"_s }, { u"service"_s, service } }));
    parts.insert(u"region"_s, u"us-east-1"_s);
    parts.insert(u"service"_s, service);
    registerKeys(m_sigv4, parts);
    const QByteArray key = f->keys.value(name);
    const QByteArray credential = utf8(name);
    const QByteArray base = m_sigv4.base();
    // Path with encoded characters and a query; the agent's own X-Amz-Date is replaced.
    HttpResponse r = forward(
            f->tapd.port(),
            { key,
              credential,
              base + "/bucket/my%20photo+1.jpg?list-type=2&prefix=a%2Fb&z=",
              "GET",
              { { "X-Amz-Date", "20000101T000000Z" }, { "X-Amz-Meta-Note", "  two   spaces " } } });
    EXPECT_FWD(r, 200, QString());
    QCOMPARE(r.json().value(u"verified"_s).toBool(), true);
    // A buffered body: its SHA-256 is signed.
    r = forward(f->tapd.port(),
                { key,
                  credential,
                  base + "/bucket/object.json",
                  "PUT",
                  { { "Content-Type", "application/json" } },
                  R"({"a":1})" });
    EXPECT_FWD(r, 200, QString());
    QJsonObject entry = lastEntry(m_sigv4);
    QVERIFY(entry.value(u"verified"_s).toBool());
    QCOMPARE(headerValue(entry, "X-Amz-Content-Sha256").isEmpty(), service != u"s3");
    QCOMPARE(headerValues(entry, "X-Amz-Date").size(), 1);
    // A streamed body: UNSIGNED-PAYLOAD, said in X-Amz-Content-Sha256.
    r = forward(f->tapd.port(),
                { key,
                  credential,
                  base + "/bucket/big.bin",
                  "PUT",
                  { { "Content-Type", "application/octet-stream" } },
                  QByteArray(300 * 1024, 'b') });
    EXPECT_FWD(r, 200, QString());
    entry = lastEntry(m_sigv4);
    QCOMPARE(headerValue(entry, "X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD"_ba);
    // A streamed body with the agent's own hash: signed with it (the fake checks the body).
    const QByteArray big(300 * 1024, 'd');
    const QByteArray hash = QCryptographicHash::hash(big, QCryptographicHash::Sha256).toHex();
    r = forward(f->tapd.port(),
                { key,
                  credential,
                  base + "/bucket/big2.bin",
                  "PUT",
                  { { "X-Amz-Content-Sha256", hash } },
                  big });
    EXPECT_FWD(r, 200, QString());
    QCOMPARE(headerValue(lastEntry(m_sigv4), "X-Amz-Content-Sha256"), hash);
    // A wrong one is signed as sent, and refused by the server.
    r = forward(f->tapd.port(),
                { key,
                  credential,
                  base + "/bucket/big3.bin",
                  "PUT",
                  { { "X-Amz-Content-Sha256", QByteArray(64, 'a') } },
                  big });
    EXPECT_FWD(r, 401, QString());
    QCOMPARE(r.json().value(u"reason"_s).toString(),
             u"X-Amz-Content-Sha256 is not the body's hash"_s);
}

void TestForwardSigning::sigv4Tampered()
{
    FIXTURE(f);
    QJsonObject parts = awsParts(*f, u"aws-bad"_s, false);
    QJsonObject tampered = parts;
    tampered.insert(u"secret_access_key"_s,
                    QString(u"tampered-"_s + parts.value(u"secret_access_key"_s).toString()));
    f->secrets.append(
            { u"aws-bad.tampered"_s, utf8(tampered.value(u"secret_access_key"_s).toString()) });
    QVERIFY(addSigning(*f, u"aws-bad"_s, u"aws_sigv4"_s, tampered,
                       { { u"region"_s, u"us-east-1"_s }, { u"service"_s, u"s3"_s } }));
    parts.insert(u"region"_s, u"us-east-1"_s);
    parts.insert(u"service"_s, u"s3"_s);
    registerKeys(m_sigv4, parts);
    const HttpResponse r =
            forward(f->tapd.port(),
                    { f->keys.value(u"aws-bad"_s), "aws-bad", m_sigv4.url("/bucket/key"), "GET" });
    EXPECT_FWD(r, 401, QString());
    QCOMPARE(r.json().value(u"reason"_s).toString(), u"signature mismatch"_s);
}

QTEST_GUILESS_MAIN(TestForwardSigning)
#include "tst_forward_signing.moc"
