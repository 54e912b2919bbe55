// Account logic of the admin API (AccountService, MemberService) against a real, migrated
// database on SQLite and on PostgreSQL, with a fake clock: invitations and the membership
// rules.

#include "support/accountsfixture.h"

using namespace tap::test;

class TestAccountsMembers : public QObject, public AccountsSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data();
    void init() { initEnv(); }
    void cleanup() { cleanupEnv(); }

    void inviteSignupJoinsTeam();
    void inviteExpiresAfterSevenDays();
    void inviteForAnotherAddressRefused();
    void existingUserJoinsWithInviteOnLogin();
    void removingMemberEndsSessionAtOnce();
    void lastOwnerCannotBeDemotedOrRemoved();
    void adminCannotGrantOwner();
    void inviteRejectsExistingMember();
};

void TestAccountsMembers::initTestCase_data()
{
    tap::test::addBackendRows();
}

// ---- invitations ----------------------------------------------------------------------------

void TestAccountsMembers::inviteSignupJoinsTeam()
{
    ENV_OR_RETURN();
    QString ownerId, teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &ownerId, &teamId));
    const auto ownerSession = loginAs(u"owner@example.com"_s);
    QVERIFY(ownerSession);
    const auto owner = actorOf(*ownerSession);
    QVERIFY(owner);

    const Outcome invited = m_env->members->invite(
            *owner, { { u"email"_s, u"Bob@Example.com"_s }, { u"role"_s, u"approver"_s } });
    VERIFY_OK(invited);
    QCOMPARE(invited->status, 201);
    QCOMPARE(invited->body.value(u"email"_s).toString(), u"bob@example.com"_s);
    const Mail mail = takeOnlyMailTo(u"bob@example.com"_s);
    const QString token = inviteTokenIn(mail);
    QVERIFY2(!token.isEmpty(), qPrintable(mail.body));
    QVERIFY(mail.body.contains(u"http://tap.test/signup"_s));

    // Bob signs up with the token: no team of his own, no verification mail.
    const auto bob = signup({ { u"email"_s, u"bob@example.com"_s },
                              { u"password"_s, pw() },
                              { u"invite_token"_s, token } });
    VERIFY_OK(bob);
    QCOMPARE(bob->status, 201);
    QCOMPARE(bob->body.value(u"team_id"_s).toString(), teamId);
    QCOMPARE(bob->body.value(u"email_verified"_s).toBool(), true);
    QVERIFY(takeMails().isEmpty());
    const QString bobId = bob->body.value(u"admin_id"_s).toString();

    const auto members = m_env->ctx->accounts.members(teamId);
    VERIFY_OK(members);
    QCOMPARE(members->size(), 2);
    const auto bobMember = m_env->ctx->accounts.member(teamId, bobId);
    VERIFY_OK(bobMember);
    QVERIFY(bobMember.value());
    QCOMPARE(bobMember.value()->role, u"approver"_s);
    QVERIFY(bobMember.value()->emailVerified);
    const auto bobTeams = m_env->ctx->accounts.teamsOf(bobId);
    VERIFY_OK(bobTeams);
    QCOMPARE(bobTeams.value(), QStringList{ teamId });

    const auto bobSession = loginAs(u"bob@example.com"_s);
    QVERIFY(bobSession);
    QCOMPARE(bobSession->teamId, teamId);
    QCOMPARE(bobSession->role, u"approver"_s);

    // The invitation is used up: neither a log-in nor another sign-up can use it again.
    VERIFY_ERROR(login({ { u"email"_s, u"bob@example.com"_s },
                         { u"password"_s, pw() },
                         { u"invite_token"_s, token } }),
                 ErrorCode::InvalidRequest);
    VERIFY_ERROR(signup({ { u"email"_s, u"eve@example.com"_s },
                          { u"password"_s, pw() },
                          { u"invite_token"_s, token } }),
                 ErrorCode::InvalidRequest);
    const auto eve = m_env->ctx->accounts.userByEmail(u"eve@example.com"_s);
    VERIFY_OK(eve);
    QVERIFY(!eve.value());
    // An invented token does not work either.
    VERIFY_ERROR(signup({ { u"email"_s, u"eve@example.com"_s },
                          { u"password"_s, pw() },
                          { u"invite_token"_s,
                            u"tapi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s } }),
                 ErrorCode::InvalidRequest);
}

void TestAccountsMembers::inviteExpiresAfterSevenDays()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);
    const QString dave = invite(*owner, u"dave@example.com"_s, u"admin"_s);
    const QString erin = invite(*owner, u"erin@example.com"_s, u"admin"_s);
    QVERIFY(!dave.isEmpty() && !erin.isEmpty());

    m_env->clock.advance(std::chrono::days(7) - 1s);
    VERIFY_OK(signup({ { u"email"_s, u"erin@example.com"_s },
                       { u"password"_s, pw() },
                       { u"invite_token"_s, erin } }));
    m_env->clock.advance(1s); // exactly 7 days
    VERIFY_ERROR(signup({ { u"email"_s, u"dave@example.com"_s },
                          { u"password"_s, pw() },
                          { u"invite_token"_s, dave } }),
                 ErrorCode::InvalidRequest);
    const auto daveUser = m_env->ctx->accounts.userByEmail(u"dave@example.com"_s);
    VERIFY_OK(daveUser);
    QVERIFY(!daveUser.value()); // nothing half-created
}

void TestAccountsMembers::inviteForAnotherAddressRefused()
{
    ENV_OR_RETURN();
    QString ownerId, teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &ownerId, &teamId));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);
    const QString token = invite(*owner, u"frank@example.com"_s, u"admin"_s);
    QVERIFY(!token.isEmpty());

    // Someone else's sign-up with Frank's token: refused, and no account is left behind.
    VERIFY_ERROR(signup({ { u"email"_s, u"mallory@example.com"_s },
                          { u"password"_s, pw() },
                          { u"invite_token"_s, token } }),
                 ErrorCode::Forbidden);
    const auto mallory = m_env->ctx->accounts.userByEmail(u"mallory@example.com"_s);
    VERIFY_OK(mallory);
    QVERIFY(!mallory.value());

    // An existing, verified account cannot use it on log-in either.
    QVERIFY(signupOwner(u"mallory@example.com"_s, u"evil"_s));
    VERIFY_ERROR(login({ { u"email"_s, u"mallory@example.com"_s },
                         { u"password"_s, pw() },
                         { u"invite_token"_s, token } }),
                 ErrorCode::Forbidden);
    const auto members = m_env->ctx->accounts.members(teamId);
    VERIFY_OK(members);
    QCOMPARE(members->size(), 1);

    // The invitation is still good for Frank (any spelling of his address).
    const auto frank = signup({ { u"email"_s, u"Frank@Example.COM"_s },
                                { u"password"_s, pw() },
                                { u"invite_token"_s, token } });
    VERIFY_OK(frank);
    QCOMPARE(frank->body.value(u"team_id"_s).toString(), teamId);
}

void TestAccountsMembers::existingUserJoinsWithInviteOnLogin()
{
    ENV_OR_RETURN();
    QString teamA, teamB, userB;
    QVERIFY(signupOwner(u"owner-a@example.com"_s, u"team-a"_s, nullptr, &teamA));
    m_env->clock.advance(1s);
    QVERIFY(signupOwner(u"owner-b@example.com"_s, u"team-b"_s, &userB, &teamB));
    const auto sa = loginAs(u"owner-a@example.com"_s);
    QVERIFY(sa);
    const auto ownerA = actorOf(*sa);
    QVERIFY(ownerA);
    m_env->clock.advance(1s);
    const QString token = invite(*ownerA, u"owner-b@example.com"_s, u"admin"_s);
    QVERIFY(!token.isEmpty());

    const auto joined = login({ { u"email"_s, u"owner-b@example.com"_s },
                                { u"password"_s, pw() },
                                { u"invite_token"_s, token } });
    VERIFY_OK(joined);
    QCOMPARE(joined->body.value(u"team_id"_s).toString(), teamA);
    QCOMPARE(joined->body.value(u"role"_s).toString(), u"admin"_s);
    const Session s{ joined->body.value(u"session_token"_s).toString(), userB, teamA, u"admin"_s };
    const auto actor = actorOf(s);
    QVERIFY(actor);
    QCOMPARE(actor->teamId, teamA);
    QCOMPARE(actor->role, u"admin"_s);

    const auto teams = m_env->ctx->accounts.teamsOf(userB);
    VERIFY_OK(teams);
    QCOMPARE(teams.value(), (QStringList{ teamB, teamA })); // oldest membership first
    // Without team_id the log-in picks the oldest membership; with it, the one asked for.
    const auto plain = loginAs(u"owner-b@example.com"_s);
    QVERIFY(plain);
    QCOMPARE(plain->teamId, teamB);
    QCOMPARE(plain->role, u"owner"_s);
    const auto inA = loginAs(u"owner-b@example.com"_s, teamA);
    QVERIFY(inA);
    QCOMPARE(inA->role, u"admin"_s);
}

// ---- membership rules -----------------------------------------------------------------------

void TestAccountsMembers::removingMemberEndsSessionAtOnce()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);
    const auto bob = addMember(*owner, u"bob@example.com"_s, u"admin"_s);
    QVERIFY(bob);
    VERIFY_OK(m_env->accounts->authenticate(bob->bearer(), {}));

    const Outcome removed = m_env->members->remove(*owner, bob->userId);
    VERIFY_OK(removed);
    VERIFY_ERROR(m_env->accounts->authenticate(bob->bearer(), {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(login({ { u"email"_s, u"bob@example.com"_s }, { u"password"_s, pw() } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->remove(*owner, bob->userId), ErrorCode::NotFound);
    // The owner is untouched.
    VERIFY_OK(m_env->accounts->authenticate(s->bearer(), {}));
}

void TestAccountsMembers::lastOwnerCannotBeDemotedOrRemoved()
{
    ENV_OR_RETURN();
    QString ownerId, teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &ownerId, &teamId));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);

    VERIFY_ERROR(m_env->members->update(*owner, ownerId, { { u"role"_s, u"admin"_s } }),
                 ErrorCode::Conflict);
    VERIFY_ERROR(m_env->members->update(*owner, ownerId, { { u"role"_s, u"approver"_s } }),
                 ErrorCode::Conflict);
    VERIFY_ERROR(m_env->members->remove(*owner, ownerId), ErrorCode::Conflict);
    auto count = m_env->ctx->accounts.ownerCount(teamId);
    VERIFY_OK(count);
    QCOMPARE(count.value(), 1);

    // With a second owner the first may step down; then the second is the last one.
    const auto second = addMember(*owner, u"second@example.com"_s, u"owner"_s);
    QVERIFY(second);
    QCOMPARE(second->role, u"owner"_s);
    VERIFY_OK(m_env->members->update(*owner, ownerId, { { u"role"_s, u"admin"_s } }));
    const auto secondActor = actorOf(*second);
    QVERIFY(secondActor);
    VERIFY_ERROR(
            m_env->members->update(*secondActor, second->userId, { { u"role"_s, u"admin"_s } }),
            ErrorCode::Conflict);
    VERIFY_ERROR(m_env->members->remove(*secondActor, second->userId), ErrorCode::Conflict);
    count = m_env->ctx->accounts.ownerCount(teamId);
    VERIFY_OK(count);
    QCOMPARE(count.value(), 1);
    // The demoted first owner's session now carries the new role.
    const auto demoted = actorOf(*s);
    QVERIFY(demoted);
    QCOMPARE(demoted->role, u"admin"_s);
}

void TestAccountsMembers::adminCannotGrantOwner()
{
    ENV_OR_RETURN();
    QString ownerId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &ownerId));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);
    const auto amy = addMember(*owner, u"amy@example.com"_s, u"admin"_s);
    const auto pat = addMember(*owner, u"pat@example.com"_s, u"approver"_s);
    QVERIFY(amy && pat);
    const auto admin = actorOf(*amy);
    const auto approver = actorOf(*pat);
    QVERIFY(admin && approver);
    QCOMPARE(admin->role, u"admin"_s);

    VERIFY_ERROR(m_env->members->update(*admin, pat->userId, { { u"role"_s, u"owner"_s } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->update(*admin, amy->userId, { { u"role"_s, u"owner"_s } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->update(*admin, ownerId, { { u"role"_s, u"admin"_s } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->remove(*admin, ownerId), ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->invite(
                         *admin, { { u"email"_s, u"x@example.com"_s }, { u"role"_s, u"owner"_s } }),
                 ErrorCode::Forbidden);
    QVERIFY(takeMails().isEmpty());
    // Below owner, an admin may change roles; approvers change nothing.
    VERIFY_OK(m_env->members->update(*admin, pat->userId, { { u"role"_s, u"admin"_s } }));
    VERIFY_ERROR(m_env->members->update(*approver, pat->userId, { { u"role"_s, u"approver"_s } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->invite(*approver, { { u"email"_s, u"y@example.com"_s } }),
                 ErrorCode::Forbidden);

    const auto ownerMember = m_env->ctx->accounts.member(owner->teamId, ownerId);
    VERIFY_OK(ownerMember);
    QVERIFY(ownerMember.value());
    QCOMPARE(ownerMember.value()->role, u"owner"_s);
}

void TestAccountsMembers::inviteRejectsExistingMember()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);

    VERIFY_ERROR(m_env->members->invite(*owner, { { u"email"_s, u"owner@example.com"_s } }),
                 ErrorCode::Conflict);
    QVERIFY(addMember(*owner, u"bob@example.com"_s, u"approver"_s));
    VERIFY_ERROR(
            m_env->members->invite(
                    *owner, { { u"email"_s, u"bob@example.com"_s }, { u"role"_s, u"admin"_s } }),
            ErrorCode::Conflict);
    VERIFY_ERROR(m_env->members->invite(*owner, { { u"email"_s, u" BOB@example.com"_s } }),
                 ErrorCode::Conflict);
    QVERIFY(takeMails().isEmpty());
}

QTEST_GUILESS_MAIN(TestAccountsMembers)
#include "tst_accounts_members.moc"
