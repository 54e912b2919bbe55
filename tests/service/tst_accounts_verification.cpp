// Account logic of the admin API (AccountService, MemberService) against a real, migrated
// database on SQLite and on PostgreSQL, with a fake clock: email verification codes
// (expiry, attempts, binding to the address, resending).

#include "support/accountsfixture.h"

using namespace tap::test;

class TestAccountsVerification : public QObject, public AccountsSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data();
    void init() { initEnv(); }
    void cleanup() { cleanupEnv(); }

    void codeExpiresAfterFifteenMinutes();
    void fiveWrongCodesLockTheCode();
    void codeIsBoundToItsEmail();
    void resendVerificationCooldown();
};

void TestAccountsVerification::initTestCase_data()
{
    tap::test::addBackendRows();
}

// ---- email verification -----------------------------------------------------------------

void TestAccountsVerification::codeExpiresAfterFifteenMinutes()
{
    ENV_OR_RETURN();
    // Three accounts whose codes are all issued now.
    const QString alice = signupUnverified(u"alice@example.com"_s, u"team-alice"_s);
    const QString bob = signupUnverified(u"bob@example.com"_s, u"team-bob"_s);
    const QString carol = signupUnverified(u"carol@example.com"_s, u"team-carol"_s);
    QVERIFY(!alice.isEmpty() && !bob.isEmpty() && !carol.isEmpty());
    QCOMPARE(AccountService::kCodeLifetimeMs, qint64(15 * 60 * 1000));

    m_env->clock.advance(14min + 59s);
    VERIFY_OK(m_env->accounts->verifyEmail(
            { { u"email"_s, u"alice@example.com"_s }, { u"code"_s, alice } }));
    m_env->clock.advance(999ms);
    VERIFY_OK(m_env->accounts->verifyEmail(
            { { u"email"_s, u"bob@example.com"_s }, { u"code"_s, bob } }));
    m_env->clock.advance(1ms); // exactly 15:00
    const Outcome late = m_env->accounts->verifyEmail(
            { { u"email"_s, u"carol@example.com"_s }, { u"code"_s, carol } });
    VERIFY_ERROR(late, ErrorCode::InvalidRequest);
    QVERIFY2(late.error().message().contains(u"expired"_s), qPrintable(late.error().message()));

    // Carol is still unverified; Alice can log in.
    VERIFY_ERROR(login({ { u"email"_s, u"carol@example.com"_s }, { u"password"_s, pw() } }),
                 ErrorCode::Forbidden);
    QVERIFY(loginAs(u"alice@example.com"_s));
}

void TestAccountsVerification::fiveWrongCodesLockTheCode()
{
    ENV_OR_RETURN();
    const QString email = u"alice@example.com"_s;
    const QString code = signupUnverified(email, u"team-alice"_s);
    QVERIFY(!code.isEmpty());
    for (int i = 0; i < AccountService::kMaxCodeAttempts; ++i)
        VERIFY_ERROR(m_env->accounts->verifyEmail(
                             { { u"email"_s, email }, { u"code"_s, otherCode(code) } }),
                     ErrorCode::InvalidRequest);
    const Outcome right =
            m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, code } });
    VERIFY_ERROR(right, ErrorCode::RateLimited);
    QVERIFY(right.error().retryAfterSeconds() > 0);
    VERIFY_ERROR(login({ { u"email"_s, email }, { u"password"_s, pw() } }), ErrorCode::Forbidden);

    // Four wrong codes are not enough to lock it.
    const QString bobEmail = u"bob@example.com"_s;
    const QString bob = signupUnverified(bobEmail, u"team-bob"_s);
    QVERIFY(!bob.isEmpty());
    for (int i = 0; i < AccountService::kMaxCodeAttempts - 1; ++i)
        VERIFY_ERROR(m_env->accounts->verifyEmail(
                             { { u"email"_s, bobEmail }, { u"code"_s, otherCode(bob) } }),
                     ErrorCode::InvalidRequest);
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, bobEmail }, { u"code"_s, bob } }));

    // A new code (after the resend cooldown) starts with a clean attempt count.
    m_env->clock.advance(60s);
    VERIFY_OK(m_env->accounts->resendVerification({ { u"email"_s, email } }));
    const QString fresh = codeIn(takeOnlyMailTo(email));
    QVERIFY(!fresh.isEmpty());
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, fresh } }));
    QVERIFY(loginAs(email));
}

void TestAccountsVerification::codeIsBoundToItsEmail()
{
    ENV_OR_RETURN();
    const QString a = u"alice@example.com"_s;
    const QString b = u"bob@example.com"_s;
    const QString codeA = signupUnverified(a, u"team-alice"_s);
    const QString codeB = signupUnverified(b, u"team-bob"_s);
    QVERIFY(!codeA.isEmpty() && !codeB.isEmpty());
    if (codeA == codeB)
        QSKIP("the two random codes happen to be equal (1 in a million)");

    VERIFY_ERROR(m_env->accounts->verifyEmail({ { u"email"_s, b }, { u"code"_s, codeA } }),
                 ErrorCode::InvalidRequest);
    VERIFY_ERROR(login({ { u"email"_s, b }, { u"password"_s, pw() } }), ErrorCode::Forbidden);
    // Neither code was used up by that.
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, a }, { u"code"_s, codeA } }));
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, b }, { u"code"_s, codeB } }));
    // The address is matched case-insensitively, the code only once.
    VERIFY_ERROR(m_env->accounts->verifyEmail(
                         { { u"email"_s, u"ALICE@example.com"_s }, { u"code"_s, codeA } }),
                 ErrorCode::InvalidRequest);
}

void TestAccountsVerification::resendVerificationCooldown()
{
    ENV_OR_RETURN();
    const QString email = u"alice@example.com"_s;
    const QString first = signupUnverified(email, u"team-alice"_s);
    QVERIFY(!first.isEmpty());

    m_env->clock.advance(59s);
    const Outcome early = m_env->accounts->resendVerification({ { u"email"_s, email } });
    VERIFY_OK(early);
    QVERIFY(takeMails().isEmpty());

    m_env->clock.advance(1s);
    const Outcome resent = m_env->accounts->resendVerification({ { u"email"_s, email } });
    VERIFY_OK(resent);
    QCOMPARE(resent->body, early->body); // the answer never tells whether a mail went out
    const QString second = codeIn(takeOnlyMailTo(email));
    QVERIFY(!second.isEmpty());

    // Straight after a resend the cooldown starts again.
    VERIFY_OK(m_env->accounts->resendVerification({ { u"email"_s, email } }));
    QVERIFY(takeMails().isEmpty());

    if (first != second)
        VERIFY_ERROR(m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, first } }),
                     ErrorCode::InvalidRequest);
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, second } }));

    // Verified and unknown addresses get the same answer and no mail.
    m_env->clock.advance(5min);
    const Outcome verified = m_env->accounts->resendVerification({ { u"email"_s, email } });
    const Outcome unknown =
            m_env->accounts->resendVerification({ { u"email"_s, u"nobody@example.com"_s } });
    VERIFY_OK(verified);
    VERIFY_OK(unknown);
    QCOMPARE(verified->body, early->body);
    QCOMPARE(unknown->body, early->body);
    QVERIFY(takeMails().isEmpty());
}

QTEST_GUILESS_MAIN(TestAccountsVerification)
#include "tst_accounts_verification.moc"
