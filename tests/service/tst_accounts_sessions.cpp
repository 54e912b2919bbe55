// Account logic of the admin API (AccountService, MemberService) against a real, migrated
// database on SQLite and on PostgreSQL, with a fake clock: sessions and log-in (lifetime,
// log-out, throttling, what a failed log-in reveals).

#include "support/accountsfixture.h"

using namespace tap::test;

class TestAccountsSessions : public QObject, public AccountsSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data();
    void init() { initEnv(); }
    void cleanup() { cleanupEnv(); }

    void sessionLastsTwentyFourHours();
    void logoutEndsSessionAtOnce();
    void loginThrottling();
    void unknownEmailLooksLikeWrongPassword();
    void unverifiedAccountForbiddenOnlyWithRightPassword();
};

void TestAccountsSessions::initTestCase_data()
{
    tap::test::addBackendRows();
}

// ---- sessions -----------------------------------------------------------------------------

void TestAccountsSessions::sessionLastsTwentyFourHours()
{
    ENV_OR_RETURN();
    QString userId, teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &userId, &teamId));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    QVERIFY(s->token.startsWith(u"taps_"_s));
    QCOMPARE(s->teamId, teamId);
    QCOMPARE(s->role, u"owner"_s);

    m_env->clock.advance(23h + 59min + 59s);
    const auto a = m_env->accounts->authenticate(s->bearer(), u"198.51.100.7"_s);
    VERIFY_OK(a);
    QCOMPARE(a->userId, userId);
    QCOMPARE(a->teamId, teamId);
    QCOMPARE(a->email, u"owner@example.com"_s);
    QCOMPARE(a->role, u"owner"_s);
    QCOMPARE(a->remoteAddr, u"198.51.100.7"_s);
    m_env->clock.advance(999ms);
    VERIFY_OK(m_env->accounts->authenticate(s->bearer(), {}));

    m_env->clock.advance(1ms); // 24:00:00
    VERIFY_ERROR(m_env->accounts->authenticate(s->bearer(), {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(m_env->accounts->logout(s->bearer()), ErrorCode::Unauthorized);

    // Malformed headers are refused the same way.
    VERIFY_ERROR(m_env->accounts->authenticate({}, {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(m_env->accounts->authenticate(s->token.toLatin1(), {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(m_env->accounts->authenticate("Bearer taps_nonsense", {}),
                 ErrorCode::Unauthorized);
}

void TestAccountsSessions::logoutEndsSessionAtOnce()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto one = loginAs(u"owner@example.com"_s);
    const auto two = loginAs(u"owner@example.com"_s);
    QVERIFY(one && two);
    QVERIFY(one->token != two->token);

    const Outcome out = m_env->accounts->logout(one->bearer());
    VERIFY_OK(out);
    QCOMPARE(out->body.value(u"status"_s).toString(), u"logged_out"_s);
    VERIFY_ERROR(m_env->accounts->authenticate(one->bearer(), {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(m_env->accounts->logout(one->bearer()), ErrorCode::Unauthorized);
    // Only that session ended.
    VERIFY_OK(m_env->accounts->authenticate(two->bearer(), {}));
}

// ---- log-in ---------------------------------------------------------------------------------

void TestAccountsSessions::loginThrottling()
{
    ENV_OR_RETURN();
    const QString email = u"owner@example.com"_s;
    QVERIFY(signupOwner(email, u"acme"_s));
    const QJsonObject wrong{ { u"email"_s, email }, { u"password"_s, u"wrong password"_s } };
    const QJsonObject right{ { u"email"_s, email }, { u"password"_s, pw() } };

    for (int i = 0; i < AccountService::kMaxLoginFailures; ++i) {
        m_env->clock.advance(10s);
        VERIFY_ERROR(login(wrong), ErrorCode::Unauthorized);
    }
    // Locked for kLoginLockMs from the fifth failure, whatever the password.
    const auto locked = login(right);
    VERIFY_ERROR(locked, ErrorCode::RateLimited);
    QCOMPARE(locked.error().retryAfterSeconds(), int(AccountService::kLoginLockMs / 1000));
    VERIFY_ERROR(login(wrong), ErrorCode::RateLimited);
    // The lock is per address, not per spelling, and not per client address.
    VERIFY_ERROR(login({ { u"email"_s, u" OWNER@Example.com "_s }, { u"password"_s, pw() } },
                       u"203.0.113.9"_s),
                 ErrorCode::RateLimited);

    m_env->clock.advance(4min + 59s);
    const auto stillLocked = login(right);
    VERIFY_ERROR(stillLocked, ErrorCode::RateLimited);
    QCOMPARE(stillLocked.error().retryAfterSeconds(), 1);

    m_env->clock.advance(1s); // the lock has run out
    QVERIFY(loginAs(email));

    // The success cleared the count: a new failure does not lock again, and neither do four.
    for (int i = 0; i < AccountService::kMaxLoginFailures - 1; ++i)
        VERIFY_ERROR(login(wrong), ErrorCode::Unauthorized);
    QVERIFY(loginAs(email));
    for (int i = 0; i < AccountService::kMaxLoginFailures; ++i)
        VERIFY_ERROR(login(wrong), ErrorCode::Unauthorized);
    VERIFY_ERROR(login(right), ErrorCode::RateLimited);
}

void TestAccountsSessions::unknownEmailLooksLikeWrongPassword()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto unknown =
            login({ { u"email"_s, u"nobody@example.com"_s }, { u"password"_s, pw() } });
    const auto wrong = login(
            { { u"email"_s, u"owner@example.com"_s }, { u"password"_s, u"wrong password"_s } });
    VERIFY_ERROR(unknown, ErrorCode::Unauthorized);
    VERIFY_ERROR(wrong, ErrorCode::Unauthorized);
    QCOMPARE(unknown.error().message(), wrong.error().message());
    QCOMPARE(unknown.error().retryAfterSeconds(), wrong.error().retryAfterSeconds());
}

void TestAccountsSessions::unverifiedAccountForbiddenOnlyWithRightPassword()
{
    ENV_OR_RETURN();
    const QString email = u"owner@example.com"_s;
    QVERIFY(!signupUnverified(email, u"acme"_s).isEmpty());
    const auto wrong = login({ { u"email"_s, email }, { u"password"_s, u"wrong password"_s } });
    const auto unknown = login(
            { { u"email"_s, u"nobody@example.com"_s }, { u"password"_s, u"wrong password"_s } });
    VERIFY_ERROR(wrong, ErrorCode::Unauthorized);
    VERIFY_ERROR(unknown, ErrorCode::Unauthorized);
    QCOMPARE(wrong.error().message(), unknown.error().message());
    VERIFY_ERROR(login({ { u"email"_s, email }, { u"password"_s, pw() } }), ErrorCode::Forbidden);
}

QTEST_GUILESS_MAIN(TestAccountsSessions)
#include "tst_accounts_sessions.moc"
