// Sign-up squatting (README "Hardening"), on a real migrated database on SQLite and PostgreSQL with
// a fake clock: an unverified sign-up is taken over by a new sign-up or an invited sign-up for
// its address (the old code stops working, the new one goes to the address), a verified account
// is never taken over, unverified sign-ups expire after 24 h (address and team name free again),
// and sign-ups are throttled per client address.

#include "support/accountsfixture.h"

using namespace tap::test;

class TestAccountsSignup : public QObject, public AccountsSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data();
    void init() { initEnv(); }
    void cleanup() { cleanupEnv(); }

    void secondSignupTakesOverUnverified();
    void invitationTakesOverUnverified();
    void verifiedAccountIsNeverTakenOver();
    void unverifiedSignupExpiresAfterOneDay();
    void signupsThrottledPerAddress();

private:
    Outcome signupFrom(const QString &remoteAddr, const QString &email, const QString &team,
                       const QString &password = pw());
    Outcome verify(const QString &email, const QString &code)
    {
        return m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, code } });
    }
    bool userExists(const QString &email)
    {
        const auto u = m_env->ctx->accounts.userByEmail(email);
        return u && u.value();
    }
    bool teamExists(const QString &teamId)
    {
        const auto t = m_env->ctx->accounts.team(teamId);
        return t && t.value();
    }
};

void TestAccountsSignup::initTestCase_data()
{
    tap::test::addBackendRows();
}

Outcome TestAccountsSignup::signupFrom(const QString &remoteAddr, const QString &email,
                                       const QString &team, const QString &password)
{
    const QJsonObject body{ { u"email"_s, email },
                            { u"password"_s, password },
                            { u"team_name"_s, team } };
    return await([&](QObject *context, OutcomeCallback done) {
        m_env->accounts->signup(body, remoteAddr, context, std::move(done));
    });
}

void TestAccountsSignup::secondSignupTakesOverUnverified()
{
    ENV_OR_RETURN();
    const QString alice = u"alice@example.com"_s;
    QString squatterId, squatterTeam;
    const QString oldCode = signupUnverified(alice, u"squat-team"_s, &squatterId, &squatterTeam);
    QVERIFY(!oldCode.isEmpty());

    // The real owner signs up later (same address, other case): it is not refused.
    const QString password = u"the real owner's password"_s;
    const Outcome again =
            signupFrom(u"192.0.2.20"_s, u"Alice@Example.com"_s, u"alice-team"_s, password);
    VERIFY_OK(again);
    QCOMPARE(again->status, 201);
    QCOMPARE(again->body.value(u"email_verified"_s).toBool(), false);
    const QString newTeam = again->body.value(u"team_id"_s).toString();
    QVERIFY(newTeam != squatterTeam);
    // The new code went to the address itself.
    const QString newCode = codeIn(takeOnlyMailTo(alice));
    QCOMPARE(newCode.size(), 6);

    // The old account, its team and its code are gone.
    QVERIFY(!teamExists(squatterTeam));
    const auto old = m_env->ctx->accounts.userById(squatterId);
    VERIFY_OK(old);
    QVERIFY(!old.value());
    if (oldCode != newCode)
        VERIFY_ERROR(verify(alice, oldCode), ErrorCode::InvalidRequest);
    VERIFY_OK(verify(alice, newCode));

    // The new password logs in, into the new team; the squatter's password does not.
    VERIFY_ERROR(login({ { u"email"_s, alice }, { u"password"_s, pw() } }),
                 ErrorCode::Unauthorized);
    const Outcome in = login({ { u"email"_s, alice }, { u"password"_s, password } });
    VERIFY_OK(in);
    QCOMPARE(in->body.value(u"team_id"_s).toString(), newTeam);
    // The squatter's team name is free again.
    QVERIFY(!signupUnverified(u"bob@example.com"_s, u"squat-team"_s).isEmpty());
}

void TestAccountsSignup::invitationTakesOverUnverified()
{
    ENV_OR_RETURN();
    QString teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, nullptr, &teamId));
    const auto ownerSession = loginAs(u"owner@example.com"_s);
    QVERIFY(ownerSession);
    const auto owner = actorOf(*ownerSession);
    QVERIFY(owner);

    // A squatter signs up with Bob's address before Bob accepts his invitation.
    QString squatterTeam;
    const QString squatterCode =
            signupUnverified(u"bob@example.com"_s, u"squat-team"_s, nullptr, &squatterTeam);
    QVERIFY(!squatterCode.isEmpty());
    const QString token = invite(*owner, u"bob@example.com"_s, u"admin"_s);
    QVERIFY(!token.isEmpty());

    const QString password = u"bob's own password"_s;
    const Outcome bob = signup({ { u"email"_s, u"bob@example.com"_s },
                                 { u"password"_s, password },
                                 { u"invite_token"_s, token } });
    VERIFY_OK(bob);
    QCOMPARE(bob->status, 201);
    QCOMPARE(bob->body.value(u"team_id"_s).toString(), teamId);
    QCOMPARE(bob->body.value(u"email_verified"_s).toBool(), true);

    QVERIFY(!teamExists(squatterTeam));
    VERIFY_ERROR(verify(u"bob@example.com"_s, squatterCode), ErrorCode::InvalidRequest);
    const Outcome in = login({ { u"email"_s, u"bob@example.com"_s }, { u"password"_s, password } });
    VERIFY_OK(in);
    QCOMPARE(in->body.value(u"team_id"_s).toString(), teamId);
    QCOMPARE(in->body.value(u"role"_s).toString(), u"admin"_s);
    QVERIFY(!signupUnverified(u"carol@example.com"_s, u"squat-team"_s).isEmpty());
}

void TestAccountsSignup::verifiedAccountIsNeverTakenOver()
{
    ENV_OR_RETURN();
    QString aliceId, aliceTeam;
    QVERIFY(signupOwner(u"alice@example.com"_s, u"alice-team"_s, &aliceId, &aliceTeam));
    QString otherTeam;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, nullptr, &otherTeam));
    const auto ownerSession = loginAs(u"owner@example.com"_s);
    QVERIFY(ownerSession);
    const auto owner = actorOf(*ownerSession);
    QVERIFY(owner);

    // A sign-up for the verified address: refused as before, nothing mailed, nothing changed.
    const Outcome again = signupFrom(u"192.0.2.30"_s, u"alice@example.com"_s, u"new-team"_s,
                                     u"an attacker's password"_s);
    VERIFY_ERROR(again, ErrorCode::Conflict);
    QVERIFY(takeMails().isEmpty());
    // An invited sign-up for it: refused too (Alice logs in with the token instead).
    const QString token = invite(*owner, u"alice@example.com"_s, u"approver"_s);
    QVERIFY(!token.isEmpty());
    VERIFY_ERROR(signup({ { u"email"_s, u"alice@example.com"_s },
                          { u"password"_s, u"an attacker's password"_s },
                          { u"invite_token"_s, token } }),
                 ErrorCode::Conflict);

    // Even a day later.
    m_env->clock.advance(48h);
    VERIFY_ERROR(signupFrom(u"192.0.2.30"_s, u"alice@example.com"_s, u"new-team"_s),
                 ErrorCode::Conflict);
    const auto alice = m_env->ctx->accounts.userByEmail(u"alice@example.com"_s);
    VERIFY_OK(alice);
    QVERIFY(alice.value());
    QCOMPARE(alice.value()->id, aliceId);
    QVERIFY(teamExists(aliceTeam));
    const auto session = loginAs(u"alice@example.com"_s, aliceTeam);
    QVERIFY(session);
    QCOMPARE(session->role, u"owner"_s);
}

void TestAccountsSignup::unverifiedSignupExpiresAfterOneDay()
{
    ENV_OR_RETURN();
    QCOMPARE(AccountService::kUnverifiedLifetimeMs, qint64(24 * 3600 * 1000));
    QString aliceTeam;
    QVERIFY(!signupUnverified(u"alice@example.com"_s, u"popular"_s, nullptr, &aliceTeam).isEmpty());

    // Within the day the team name stays taken.
    m_env->clock.advance(24h - 1s);
    const Outcome early = signupFrom(u"192.0.2.40"_s, u"bob@example.com"_s, u"popular"_s);
    VERIFY_ERROR(early, ErrorCode::Conflict);
    QVERIFY2(early.error().message().contains(u"team name"_s), qPrintable(early.error().message()));
    QVERIFY(userExists(u"alice@example.com"_s));

    // After it, the sign-up is ignored: no new code for it, and it cannot be verified.
    m_env->clock.advance(1s);
    VERIFY_OK(m_env->accounts->resendVerification({ { u"email"_s, u"alice@example.com"_s } }));
    QVERIFY(takeMails().isEmpty());
    // The next sign-up frees the team name (and the address).
    const Outcome bob = signupFrom(u"192.0.2.40"_s, u"bob@example.com"_s, u"popular"_s);
    VERIFY_OK(bob);
    QCOMPARE(bob->status, 201);
    QVERIFY(!teamExists(aliceTeam));
    QVERIFY(!userExists(u"alice@example.com"_s));
    QVERIFY(!codeIn(takeOnlyMailTo(u"bob@example.com"_s)).isEmpty());
}

void TestAccountsSignup::signupsThrottledPerAddress()
{
    ENV_OR_RETURN();
    m_env->ctx->signupsPerHour = 10; // tapd's default (TAP_SIGNUPS_PER_HOUR)
    const QString client = u"198.51.100.7"_s;
    for (int i = 0; i < 10; ++i)
        VERIFY_OK(signupFrom(client, u"user%1@example.com"_s.arg(i), u"team-%1"_s.arg(i)));
    const Outcome refused = signupFrom(client, u"late@example.com"_s, u"team-late"_s);
    VERIFY_ERROR(refused, ErrorCode::RateLimited);
    QVERIFY(refused.error().retryAfterSeconds() > 0);
    QVERIFY(refused.error().retryAfterSeconds() <= 3600);
    QVERIFY(!userExists(u"late@example.com"_s));
    takeMails();

    // Another address is not affected; an IPv6 client is throttled by its /64.
    VERIFY_OK(signupFrom(u"198.51.100.8"_s, u"late@example.com"_s, u"team-late"_s));
    m_env->ctx->signupsPerHour = 2;
    VERIFY_OK(signupFrom(u"2001:db8:1:2::1"_s, u"v6a@example.com"_s, u"team-v6a"_s));
    VERIFY_OK(signupFrom(u"2001:db8:1:2::99"_s, u"v6b@example.com"_s, u"team-v6b"_s));
    VERIFY_ERROR(signupFrom(u"2001:db8:1:2:aaaa::1"_s, u"v6c@example.com"_s, u"team-v6c"_s),
                 ErrorCode::RateLimited);
    VERIFY_OK(signupFrom(u"2001:db8:1:3::1"_s, u"v6c@example.com"_s, u"team-v6c"_s));

    // An hour after the first sign-ups, the address may sign up again.
    m_env->ctx->signupsPerHour = 10;
    m_env->clock.advance(1h);
    VERIFY_OK(signupFrom(client, u"next@example.com"_s, u"team-next"_s));
}

QTEST_GUILESS_MAIN(TestAccountsSignup)
#include "tst_accounts_signup.moc"
