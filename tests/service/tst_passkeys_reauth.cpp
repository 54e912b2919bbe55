// Passkey changes need fresh proof (README "Hardening"), on both backends: registering or removing
// a passkey is refused (403 reauth_required) unless the session confirmed, within the last five
// minutes, the password (members without a passkey) or an assertion of one of the member's
// passkeys (members with one: the password is then not enough); wrong passwords are counted per
// session and lock it; the member is mailed on every added or removed passkey, without secrets;
// and a stolen session token alone adds no passkey, removes none and approves nothing.
#include "support/passkeyfixture.h"
#include "support/testdatabases.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

// Moves the session's proof `minutes` into the past (instead of waiting for it to age).
bool ageProof(const Tapd &tapd, int minutes)
{
    return execOnTapd(tapd, u"UPDATE sessions SET reauth_at = reauth_at - ? WHERE reauth_at > 0"_s,
                      { qint64(minutes) * 60 * 1000 });
}

QJsonObject reauthState(const HttpClient &admin)
{
    return admin.get("/admin/passkeys").json().value(u"reauth"_s).toObject();
}

int passkeyCount(const HttpClient &admin)
{
    return int(admin.get("/admin/passkeys").json().value(u"items"_s).toArray().size());
}

// No secret of the account, the session or the passkey in a mail.
bool mailHasNoSecret(const QString &mail, const QStringList &secrets)
{
    for (const QString &s : secrets) {
        if (!s.isEmpty() && mail.contains(s)) {
            QTest::qFail(qPrintable(u"a secret in the mail: "_s + s), __FILE__, __LINE__);
            return false;
        }
    }
    return true;
}

} // namespace

class TestPasskeysReauth : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }
    void registrationNeedsFreshProof();
    void removalNeedsFreshProofAndIsMailed();
    void passwordConfirmationIsLimited();
    void stolenSessionAddsNoPasskey();
};

void TestPasskeysReauth::registrationNeedsFreshProof()
{
    PasskeyTeam w;
    QVERIFY(w.start(u"ra1"_s));
    SoftAuthenticator first;
    SoftAuthenticator second(SoftAuthenticator::Algorithm::EdDSA);

    // Without a proof: neither begin nor finish.
    EXPECT_ERROR(registerPasskey(w.admin, first, u"laptop"_s), 403, u"reauth_required"_s);
    EXPECT_ERROR(w.admin.post("/admin/passkeys/register/finish",
                              { { u"challenge_id"_s, u"x"_s },
                                { u"client_data_json"_s, u"eA"_s },
                                { u"attestation_object"_s, u"eA"_s } }),
                 403, u"reauth_required"_s);
    QCOMPARE(reauthState(w.admin).value(u"with"_s).toString(), u"password"_s);
    QVERIFY(reauthState(w.admin).value(u"fresh_until"_s).isNull());

    // A wrong password is refused; the right one makes the session fresh.
    EXPECT_ERROR(confirmPassword(w.admin, u"not-the-password"_s), 403, u"forbidden"_s);
    EXPECT_ERROR(registerPasskey(w.admin, first, u"laptop"_s), 403, u"reauth_required"_s);
    EXPECT_ERROR(w.admin.post("/admin/reauth", { { u"password"_s, 42 } }), 400,
                 u"invalid_request"_s);
    EXPECT_ERROR(w.admin.post("/admin/reauth", { { u"pass"_s, w.password } }), 400,
                 u"invalid_request"_s);
    const HttpResponse confirmed = confirmPassword(w.admin, w.password);
    EXPECT_STATUS(confirmed, 200);
    QCOMPARE(confirmed.json().value(u"method"_s).toString(), u"password"_s);
    QVERIFY(reauthState(w.admin).value(u"fresh_until"_s).isString());

    // Five minutes later the proof is stale.
    QVERIFY(ageProof(w.tapd, 6));
    EXPECT_ERROR(registerPasskey(w.admin, first, u"laptop"_s), 403, u"reauth_required"_s);
    EXPECT_STATUS(confirmPassword(w.admin, w.password), 200);
    QVERIFY(ageProof(w.tapd, 4)); // still within the five minutes
    EXPECT_STATUS(registerPasskey(w.admin, first, u"laptop"_s), 201);
    QCOMPARE(passkeyCount(w.admin), 1);

    // With a passkey, the password is no longer enough: neither the proof already on the session
    // nor a new password confirmation adds a second one.
    QCOMPARE(reauthState(w.admin).value(u"with"_s).toString(), u"passkey"_s);
    EXPECT_ERROR(registerPasskey(w.admin, second, u"key"_s), 403, u"reauth_required"_s);
    EXPECT_ERROR(confirmPassword(w.admin, w.password), 403, u"passkey_required"_s);
    EXPECT_ERROR(registerPasskey(w.admin, second, u"key"_s), 403, u"reauth_required"_s);
    // An assertion of a passkey that is not the member's proves nothing.
    EXPECT_ERROR(confirmPasskey(w.admin, second), 403, u"forbidden"_s);
    EXPECT_ERROR(confirmPasskey(w.admin, first, u"https://evil.example"_s), 403, u"forbidden"_s);
    EXPECT_ERROR(registerPasskey(w.admin, second, u"key"_s), 403, u"reauth_required"_s);
    // An assertion of the first passkey does.
    const HttpResponse byPasskey = confirmPasskey(w.admin, first);
    EXPECT_STATUS(byPasskey, 200);
    QCOMPARE(byPasskey.json().value(u"method"_s).toString(), u"passkey"_s);
    EXPECT_STATUS(registerPasskey(w.admin, second, u"key"_s), 201);
    QCOMPARE(passkeyCount(w.admin), 2);
    QVERIFY(ageProof(w.tapd, 6));
    SoftAuthenticator third;
    EXPECT_ERROR(registerPasskey(w.admin, third, u"third"_s), 403, u"reauth_required"_s);
    QCOMPARE(passkeyCount(w.admin), 2);

    // Each addition was mailed to the member: which passkey, when, from where; no secret.
    const QStringList added =
            mailsWith(outboxMailsTo(w.tapd, w.owner.email), u"A passkey was added"_s);
    QCOMPARE(added.size(), 2);
    QVERIFY(added.at(0).contains(u"Passkey: laptop (created "_s));
    QVERIFY(added.at(1).contains(u"Passkey: key (created "_s));
    for (const QString &mail : added) {
        QVERIFY(mail.contains(u"From: 127.0.0.1"_s));
        QVERIFY(mail.contains(u"When: "_s));
        QVERIFY(mailHasNoSecret(mail, { w.password, text(w.owner.token) }));
    }
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestPasskeysReauth::removalNeedsFreshProofAndIsMailed()
{
    PasskeyTeam w;
    QVERIFY(w.start(u"ra2"_s));
    SoftAuthenticator mine;
    QVERIFY(addFirstPasskey(w.admin, w.password, mine, u"phone"_s));
    const QByteArray id = firstPasskeyId(w.admin);

    // The password proof on the session was made before the member had a passkey: not enough.
    EXPECT_ERROR(w.admin.del("/admin/passkeys/" + id), 403, u"reauth_required"_s);
    EXPECT_STATUS(confirmPasskey(w.admin, mine), 200);
    QVERIFY(ageProof(w.tapd, 6));
    EXPECT_ERROR(w.admin.del("/admin/passkeys/" + id), 403, u"reauth_required"_s);
    QCOMPARE(passkeyCount(w.admin), 1);
    EXPECT_STATUS(confirmPasskey(w.admin, mine), 200);
    EXPECT_ERROR(w.admin.del("/admin/passkeys/nope"), 404, u"not_found"_s);
    EXPECT_STATUS(w.admin.del("/admin/passkeys/" + id), 200);
    QCOMPARE(passkeyCount(w.admin), 0);

    const QStringList removed =
            mailsWith(outboxMailsTo(w.tapd, w.owner.email), u"A passkey was removed"_s);
    QCOMPARE(removed.size(), 1);
    QVERIFY(removed.at(0).contains(u"Passkey: phone (created "_s));
    QVERIFY(removed.at(0).contains(u"From: 127.0.0.1"_s));
    QVERIFY(mailHasNoSecret(removed.at(0), { w.password, text(w.owner.token), text(id) }));

    // Without passkeys the password counts again (and adds the member's next first passkey).
    QCOMPARE(reauthState(w.admin).value(u"with"_s).toString(), u"password"_s);
    EXPECT_STATUS(confirmPassword(w.admin, w.password), 200);
    SoftAuthenticator next;
    EXPECT_STATUS(registerPasskey(w.admin, next, u"next"_s), 201);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestPasskeysReauth::passwordConfirmationIsLimited()
{
    PasskeyTeam w;
    QVERIFY(w.start(u"ra3"_s));

    // Five wrong passwords lock this session's confirmations: then the right one is refused too.
    for (int i = 0; i < 5; ++i)
        EXPECT_ERROR(confirmPassword(w.admin, u"guess-%1"_s.arg(i)), 403, u"forbidden"_s);
    const HttpResponse locked = confirmPassword(w.admin, w.password);
    EXPECT_ERROR(locked, 429, u"rate_limited"_s);
    QVERIFY(locked.header("Retry-After").toInt() > 600);
    SoftAuthenticator auth;
    EXPECT_ERROR(registerPasskey(w.admin, auth, u"x"_s), 403, u"reauth_required"_s);
    // The member was told.
    const QStringList notices =
            mailsWith(outboxMailsTo(w.tapd, w.owner.email), u"Wrong passwords on a TAP session"_s);
    QCOMPARE(notices.size(), 1);
    QVERIFY(mailHasNoSecret(notices.at(0), { w.password, u"guess-4"_s, text(w.owner.token) }));

    // The lock is the session's: the member's other session still confirms.
    const HttpResponse login = w.tapd.client().post(
            "/login", { { u"email"_s, w.owner.email }, { u"password"_s, w.password } });
    EXPECT_STATUS(login, 200);
    const HttpClient other =
            w.tapd.client(login.json().value(u"session_token"_s).toString().toLatin1());
    EXPECT_STATUS(confirmPassword(other, w.password), 200);
    EXPECT_ERROR(confirmPassword(w.admin, w.password), 429, u"rate_limited"_s);

    // After the lock time, the locked session may try again.
    QVERIFY(execOnTapd(w.tapd,
                       u"UPDATE login_throttle SET locked_until = 1, window_start = 1 "
                       u"WHERE key LIKE 'reauth:%'"_s));
    EXPECT_STATUS(confirmPassword(w.admin, w.password), 200);
    EXPECT_STATUS(registerPasskey(w.admin, auth, u"x"_s), 201);
    EXPECT_CLEAN_STOP(w.tapd);
}

// The threat fresh proof answers: someone holds a copy of the member's session token, and nothing
// else. They cannot add their own software passkey, remove the member's, or approve with either.
void TestPasskeysReauth::stolenSessionAddsNoPasskey()
{
    Upstream upstream;
    QVERIFY(upstream.start());
    PasskeyTeam w;
    QVERIFY(w.start(u"ra4"_s));
    SoftAuthenticator memberKey;
    QVERIFY(addFirstPasskey(w.admin, w.password, memberKey, u"member"_s));
    QVERIFY(ageProof(w.tapd, 6)); // the member's own proof is long gone when the thief comes

    QVERIFY(addPasskeyCredential(w.admin, u"bank"_s, u"sk-bank-secret-5151515151515151"_s));
    const QByteArray key = addAgent(w.admin, u"bot"_s, { u"bank"_s });
    const HttpResponse parked = forward(w.tapd.port(), Call(key, "bank", upstream.url("/echo")));
    EXPECT_STATUS(parked, 202);
    const QByteArray txn = parked.json().value(u"txn_id"_s).toString().toLatin1();

    // The thief: the same token, their own authenticator, no password, no member passkey.
    const HttpClient thief = w.tapd.client(w.owner.token);
    SoftAuthenticator thiefKey;
    EXPECT_ERROR(registerPasskey(thief, thiefKey, u"totally mine"_s), 403, u"reauth_required"_s);
    EXPECT_ERROR(confirmPasskey(thief, thiefKey), 403, u"forbidden"_s);
    EXPECT_ERROR(registerPasskey(thief, thiefKey, u"totally mine"_s), 403, u"reauth_required"_s);
    for (int i = 0; i < 5; ++i)
        EXPECT_ERROR(confirmPassword(thief, u"hunter%1"_s.arg(i)), 403, u"passkey_required"_s);
    const QByteArray memberPasskey = firstPasskeyId(thief);
    EXPECT_ERROR(thief.del("/admin/passkeys/" + memberPasskey), 403, u"reauth_required"_s);
    QCOMPARE(passkeyCount(thief), 1);

    // The step-up still stops the thief: their assertion approves nothing, nor does the API.
    EXPECT_ERROR(thief.post("/admin/approvals/" + txn + "/approve"), 403, u"passkey_required"_s);
    const Begun begun = approveBegin(thief, txn);
    RETURN_IF_FAILED();
    EXPECT_ERROR(approveFinish(thief, txn, begun,
                               thiefKey.get(begun.challenge, kPasskeyPublicUrl, kPasskeyRpId)),
                 403, u"forbidden"_s);
    QCOMPARE(thief.get("/admin/approvals/" + txn).json().value(u"status"_s).toString(),
             u"pending"_s);
    QCOMPARE(upstream.count(), 0);
    // Only the member's own addition was ever mailed.
    QCOMPARE(mailsWith(outboxMailsTo(w.tapd, w.owner.email), u"A passkey was added"_s).size(), 1);
    EXPECT_CLEAN_STOP(w.tapd);
}

QTEST_GUILESS_MAIN(TestPasskeysReauth)
#include "tst_passkeys_reauth.moc"
