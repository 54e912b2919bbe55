// Passkey step-up via tapd's HTTP API (README "Human approval"), with the software authenticator in
// tests/support producing real WebAuthn responses, on both backends: registration (ES256, EdDSA,
// RS256; replayed challenges refused), approving a require_passkey request with an assertion, and
// every way an assertion must be refused (wrong origin or relying party, replayed challenge,
// another transaction's challenge, flipped signature byte, user verification missing, counter
// regression, unknown credential, another member's passkey) leaving the request pending.
#include "support/passkeyfixture.h"
#include "support/testdatabases.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

const QString kPublicUrl = kPasskeyPublicUrl;

} // namespace

class TestPasskeys : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }
    void registrationAndStepUp();
};

void TestPasskeys::registrationAndStepUp()
{
    Upstream upstream;
    QVERIFY(upstream.start());
    PasskeyTeam w;
    QVERIFY(w.start(u"pk1"_s));
    Tapd &tapd = w.tapd;
    const HttpClient &admin = w.admin;

    // The relying party comes from --public-url.
    const HttpResponse empty = admin.get("/admin/passkeys");
    EXPECT_STATUS(empty, 200);
    QCOMPARE(empty.json().value(u"rp_id"_s).toString(), u"tap.example.test"_s);
    QCOMPARE(empty.json().value(u"origin"_s).toString(), kPublicUrl);

    // One passkey per algorithm: the first after confirming the password, the others after
    // confirming the first passkey (tst_passkeys_reauth tests those rules).
    SoftAuthenticator es256(SoftAuthenticator::Algorithm::ES256);
    SoftAuthenticator eddsa(SoftAuthenticator::Algorithm::EdDSA);
    SoftAuthenticator rs256(SoftAuthenticator::Algorithm::RS256);
    EXPECT_STATUS(confirmPassword(admin, signUpPassword(u"pk1"_s)), 200);
    EXPECT_STATUS(registerPasskey(admin, es256, u"laptop"_s), 201);
    EXPECT_STATUS(confirmPasskey(admin, es256), 200);
    EXPECT_STATUS(registerPasskey(admin, eddsa, u"key"_s), 201);
    EXPECT_STATUS(registerPasskey(admin, rs256, u"old key"_s), 201);
    QCOMPARE(admin.get("/admin/passkeys").json().value(u"items"_s).toArray().size(), 3);
    // A registration for another origin, and a replayed registration challenge, are refused.
    SoftAuthenticator stray;
    EXPECT_ERROR(registerPasskey(admin, stray, u"phish"_s, u"https://evil.example"_s), 403,
                 u"forbidden"_s);
    {
        const HttpResponse begin = admin.post("/admin/passkeys/register/begin", {});
        const QJsonObject o = begin.json();
        const auto att =
                stray.create(unb64(o.value(u"challenge"_s)), kPublicUrl, u"tap.example.test"_s);
        const QJsonObject finish{ { u"challenge_id"_s, o.value(u"challenge_id"_s) },
                                  { u"client_data_json"_s, b64(att.clientDataJSON) },
                                  { u"attestation_object"_s, b64(att.attestationObject) } };
        EXPECT_STATUS(admin.post("/admin/passkeys/register/finish", finish), 201);
        EXPECT_ERROR(admin.post("/admin/passkeys/register/finish", finish), 403, u"forbidden"_s);
        EXPECT_ERROR(admin.post("/admin/passkeys/register/finish", { { u"challenge_id"_s, 1 } }),
                     400, u"invalid_request"_s);
    }

    // A credential whose policy requires a passkey, and a pending request for it.
    QVERIFY(addPasskeyCredential(admin, u"vault"_s, u"sk-vault-secret-424242424242"_s));
    const QByteArray key = addAgent(admin, u"bot"_s, { u"vault"_s });
    QVERIFY(!key.isEmpty());
    auto parkOne = [&]() -> QByteArray {
        const HttpResponse r = forward(tapd.port(), Call(key, "vault", upstream.url("/echo")));
        return r.status == 202 ? r.json().value(u"txn_id"_s).toString().toLatin1() : QByteArray();
    };
    const QByteArray txn = parkOne();
    const QByteArray otherTxn = parkOne();
    QVERIFY(!txn.isEmpty() && !otherTxn.isEmpty());
    const QString rp = u"tap.example.test"_s;

    // Refusals: each leaves the request pending and sends nothing.
    struct Case
    {
        const char *what;
        std::function<HttpResponse()> run;
    };
    const QList<Case> refusals{
        { "wrong origin",
          [&] {
              const Begun b = approveBegin(admin, txn);
              return approveFinish(admin, txn, b,
                                   es256.get(b.challenge, u"https://evil.example"_s, rp));
          } },
        { "wrong relying party",
          [&] {
              const Begun b = approveBegin(admin, txn);
              return approveFinish(admin, txn, b,
                                   es256.get(b.challenge, kPublicUrl, u"example.test"_s));
          } },
        { "replayed challenge",
          [&] {
              const Begun b = approveBegin(admin, otherTxn);
              (void)approveFinish(admin, otherTxn, b,
                                  es256.get(b.challenge, u"https://evil.example"_s, rp));
              return approveFinish(admin, otherTxn, b, es256.get(b.challenge, kPublicUrl, rp));
          } },
        { "another transaction's challenge",
          [&] {
              const Begun b = approveBegin(admin, otherTxn);
              return approveFinish(admin, txn, b, es256.get(b.challenge, kPublicUrl, rp));
          } },
        { "flipped signature byte",
          [&] {
              const Begun b = approveBegin(admin, txn);
              auto a = eddsa.get(b.challenge, kPublicUrl, rp);
              a.signature[10] = char(a.signature[10] ^ 0x01);
              return approveFinish(admin, txn, b, a);
          } },
        { "user verification missing",
          [&] {
              const Begun b = approveBegin(admin, txn);
              return approveFinish(
                      admin, txn, b,
                      rs256.get(b.challenge, kPublicUrl, rp, { .userVerified = false }));
          } },
        { "counter regression",
          [&] {
              es256.setSignCount(0); // the next assertion reports 1, the stored counter is 1
              const Begun b = approveBegin(admin, txn);
              return approveFinish(admin, txn, b, es256.get(b.challenge, kPublicUrl, rp));
          } },
        { "unknown credential",
          [&] {
              SoftAuthenticator unknown;
              const Begun b = approveBegin(admin, txn);
              return approveFinish(admin, txn, b, unknown.get(b.challenge, kPublicUrl, rp));
          } },
    };
    // The counter case needs a stored counter above zero: use the ES256 passkey once elsewhere.
    {
        const QByteArray warmup = parkOne();
        const Begun b = approveBegin(admin, warmup);
        EXPECT_STATUS(approveFinish(admin, warmup, b, es256.get(b.challenge, kPublicUrl, rp)), 200);
        QTRY_COMPARE_WITH_TIMEOUT(
                admin.get("/admin/approvals/" + warmup).json().value(u"status"_s).toString(),
                u"forwarded"_s, 20000);
        QCOMPARE(admin.get("/admin/approvals/" + warmup).json().value(u"decided_via"_s).toString(),
                 u"passkey"_s);
    }
    const int sent = upstream.count();
    QCOMPARE(sent, 1);
    for (const Case &c : refusals) {
        const HttpResponse r = c.run();
        QVERIFY2(r.status == 403 || r.status == 400,
                 qPrintable(QString::fromLatin1(c.what) + u": "_s + r.describe()));
        QVERIFY2(admin.get("/admin/approvals/" + txn).json().value(u"status"_s).toString()
                         == u"pending"_s,
                 c.what);
    }
    QCOMPARE(upstream.count(), sent);

    // Another member's passkey does not approve for this one.
    const Account stranger = signUp(tapd, u"pk2"_s, u"pk2@example.test"_s);
    SoftAuthenticator theirs;
    EXPECT_STATUS(confirmPassword(tapd.client(stranger.token), signUpPassword(u"pk2"_s)), 200);
    EXPECT_STATUS(registerPasskey(tapd.client(stranger.token), theirs, u"theirs"_s), 201);
    {
        const Begun b = approveBegin(admin, txn);
        EXPECT_ERROR(approveFinish(admin, txn, b, theirs.get(b.challenge, kPublicUrl, rp)), 403,
                     u"forbidden"_s);
    }

    // The real thing: a valid assertion approves, the agent's poll sees forwarded.
    {
        es256.setSignCount(1000);
        const Begun b = approveBegin(admin, txn);
        const HttpResponse ok =
                approveFinish(admin, txn, b, es256.get(b.challenge, kPublicUrl, rp));
        EXPECT_STATUS(ok, 200);
        QCOMPARE(ok.json().value(u"decided_via"_s).toString(), u"passkey"_s);
        HttpClient agent(tapd.port());
        QTRY_COMPARE_WITH_TIMEOUT(
                agent.request("GET", "/agent/approvals/" + txn, {}, { { "X-TAP-Key", key } })
                        .json()
                        .value(u"status"_s)
                        .toString(),
                u"forwarded"_s, 20000);
        QCOMPARE(upstream.count(), sent + 1);
        // No second approval from the same ceremony.
        EXPECT_ERROR(approveFinish(admin, txn, b, es256.get(b.challenge, kPublicUrl, rp)), 403,
                     u"forbidden"_s);
    }

    // Deleting passkeys (after confirming one): none left means the page asks to register one
    // first.
    EXPECT_STATUS(confirmPasskey(admin, eddsa), 200);
    for (const QJsonValue &v : admin.get("/admin/passkeys").json().value(u"items"_s).toArray())
        EXPECT_STATUS(
                admin.del("/admin/passkeys/" + v.toObject().value(u"id"_s).toString().toLatin1()),
                200);
    EXPECT_ERROR(admin.del("/admin/passkeys/nope"), 404, u"not_found"_s);
    EXPECT_ERROR(admin.post("/approve/" + otherTxn + "/passkey/begin", {}), 403,
                 u"passkey_required"_s);
    EXPECT_CLEAN_STOP(tapd);
}

QTEST_GUILESS_MAIN(TestPasskeys)
#include "tst_passkeys.moc"
