// End-to-end tests of the signing credential kinds (README "Signing credentials": oauth1 and
// aws_sigv4) against the real tapd binary on both backends: the admin API (kind, parts,
// parts_set, region and service; write-only parts; refusals naming the part), and /forward
// through fake upstreams that check the signatures with their own Python implementations
// (support/fake_oauth1_upstream.py, support/fake_sigv4_upstream.py): accepted as signed,
// refused with a tampered secret, a fresh nonce per request, streamed bodies, and every secret
// part scrubbed from answers and absent from every trail (last).
#include "support/approvalfixture.h"
#include "support/forwardfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardSigning : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase();
    void cleanupTestCase();

    void adminApi();
    void adminRefusals();
    void oauth1Signed();
    void oauth1Tampered();
    void oauth1StreamedForm();
    void sigv4Signed_data();
    void sigv4Signed();
    void sigv4Tampered();
    void partsScrubbed_data();
    void partsScrubbed();
    void partsScrubbedEncoded_data();
    void partsScrubbedEncoded();
    void placeholderRefused();
    void approvedIsSignedWhenSent_data();
    void approvedIsSignedWhenSent();

private:
    // The parts of a credential (each also recorded as a secret of the fixture, under the
    // credential's name, for the leak checks).
    QJsonObject oauthParts(Fixture &f, const QString &name);
    QJsonObject awsParts(Fixture &f, const QString &name, bool session);
    // Creates a signing credential, auto-approves it and gives it to a new agent; the agent key
    // is f.keys[name].
    bool addSigning(Fixture &f, const QString &name, const QString &kind, const QJsonObject &parts,
                    QJsonObject extra = {}, bool autoApproved = true);
    void registerKeys(const Upstream &upstream, const QJsonObject &keys);
    QJsonObject lastEntry(const Upstream &upstream);

    Upstream m_oauth;
    Upstream m_sigv4;
};

void TestForwardSigning::initTestCase()
{
    // The fakes' own signature code agrees with the published examples first: a fake that
    // accepted tapd's signatures would otherwise prove nothing.
    for (const QString &script : { u"fake_oauth1_upstream.py"_s, u"fake_sigv4_upstream.py"_s }) {
        QProcess check;
        check.setProcessChannelMode(QProcess::MergedChannels);
        check.start(u"python3"_s,
                    { QStringLiteral(TAP_TEST_SUPPORT_DIR "/") + script, u"--self-test"_s });
        QVERIFY(check.waitForFinished(60000));
        const QByteArray out = check.readAll();
        QVERIFY2(check.exitCode() == 0 && out.contains("SELF TEST OK"), out.constData());
    }
    startSuite();
    QVERIFY(m_oauth.start(u"fake_oauth1_upstream.py"_s));
    QVERIFY(m_sigv4.start(u"fake_sigv4_upstream.py"_s));
}

void TestForwardSigning::cleanupTestCase()
{
    finishSuite(TrailCheck::Verify); // no part in any audit record, export or log
    m_oauth.stop();
    m_sigv4.stop();
}

QJsonObject TestForwardSigning::oauthParts(Fixture &f, const QString &name)
{
    const QByteArray n = QByteArray::number(++f.serial * 7919 + 100003);
    // Characters that percent-encode differently (RFC 5849 §3.6) in the secrets.
    const QJsonObject parts{ { u"consumer_key"_s, text("ck-LEAK-" + n) },
                             { u"consumer_secret"_s, text("cs+/=&~ LEAK-" + n) },
                             { u"token"_s, text("tok-LEAK-" + n) },
                             { u"token_secret"_s, text("ts%20 é-LEAK-" + n) } };
    f.secrets += partSecrets(name, parts);
    return parts;
}

QJsonObject TestForwardSigning::awsParts(Fixture &f, const QString &name, bool session)
{
    const QByteArray n = QByteArray::number(++f.serial * 7919 + 100003);
    QJsonObject parts{ { u"access_key_id"_s, text("AKIALEAK" + n) },
                       { u"secret_access_key"_s, text("wJalr/K7MDENG+bPxRfi-LEAK-" + n) } };
    if (session)
        parts.insert(u"session_token"_s, text("FwoGZXIvYXdzEJr//////////LEAK-" + n + "=="));
    f.secrets += partSecrets(name, parts);
    return parts;
}

bool TestForwardSigning::addSigning(Fixture &f, const QString &name, const QString &kind,
                                    const QJsonObject &parts, QJsonObject extra, bool autoApproved)
{
    const HttpClient admin = f.tapd.client(f.main.token);
    extra.insert(u"name"_s, name);
    extra.insert(u"description"_s, QString(u"signing "_s + kind));
    extra.insert(u"kind"_s, kind);
    extra.insert(u"value"_s, parts);
    extra.insert(u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }));
    const HttpResponse r = admin.post("/admin/credentials", extra);
    if (!verifyStatus(r, 201, qPrintable(u"POST /admin/credentials "_s + name), __FILE__, __LINE__))
        return false;
    if (autoApproved && !autoApprove(admin, name))
        return false;
    f.keys[name] = addAgent(admin, name + u"-agent"_s, { name });
    return !f.keys[name].isEmpty();
}

void TestForwardSigning::registerKeys(const Upstream &upstream, const QJsonObject &keys)
{
    HttpClient c(upstream.port());
    const HttpResponse r = c.post("/__keys", keys);
    QCOMPARE(r.status, 200);
}

QJsonObject TestForwardSigning::lastEntry(const Upstream &upstream)
{
    const QJsonArray all = upstream.since(qMax(0, upstream.count() - 1));
    return all.isEmpty() ? QJsonObject() : all.last().toObject();
}

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
        { { { u"kind"_s, u"oauth2"_s } }, "kind" },
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

// ---------------------------------------------------------------------------------------------
// An upstream that echoes every part (body and header): each is scrubbed.

void TestForwardSigning::partsScrubbed_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("oauth1") << u"oauth1"_s;
    QTest::newRow("aws_sigv4") << u"aws_sigv4"_s;
}

void TestForwardSigning::partsScrubbed()
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
void TestForwardSigning::partsScrubbedEncoded_data()
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

void TestForwardSigning::partsScrubbedEncoded()
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
void TestForwardSigning::placeholderRefused()
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
void TestForwardSigning::approvedIsSignedWhenSent_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("oauth1 form body") << u"oauth1"_s;
    QTest::newRow("aws_sigv4 streamed body") << u"aws_sigv4"_s;
}

void TestForwardSigning::approvedIsSignedWhenSent()
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

QTEST_GUILESS_MAIN(TestForwardSigning)
#include "tst_forward_signing.moc"
