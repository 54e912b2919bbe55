// The v1 schema's constraints, on SQLite and on PostgreSQL (one global data row each):
// cascading deletes, team isolation of references, unique names and CHECK constraints.

#include "support/databasefixture.h"

#include <QTest>

using namespace tap::test;

class TestDatabaseConstraints : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data();

    void deleteCredentialCascades();
    void deleteRoleCascades();
    void deleteAgentCascades();
    void deleteTeamCascades();
    void crossTeamReferencesRejected_data();
    void crossTeamReferencesRejected();
    void duplicateNames();
    void checkConstraints_data();
    void checkConstraints();
};

void TestDatabaseConstraints::initTestCase_data()
{
    tap::test::addBackendRows();
}

void TestDatabaseConstraints::deleteCredentialCascades()
{
    SEEDED_DB(db);
    const TeamCounts otherBefore = countsFor(*db, QStringLiteral("t2"));
    EXEC_OK(*db, "DELETE FROM credentials WHERE id = 'c1'");

    QCOMPARE(count(*db, "role_credentials", "credential_id = 'c1'"), qint64(0));
    QCOMPARE(count(*db, "agent_credentials", "credential_id = 'c1'"), qint64(0));
    QCOMPARE(count(*db, "policies", "credential_id = 'c1'"), qint64(0));
    // c2 keeps its rows.
    QCOMPARE(count(*db, "role_credentials", "credential_id = 'c2'"), qint64(1));
    QCOMPARE(count(*db, "agent_credentials", "credential_id = 'c2'"), qint64(2));
    QCOMPARE(count(*db, "policies", "credential_id = 'c2'"), qint64(1));
    // Roles and agents themselves stay.
    QCOMPARE(count(*db, "roles", "team_id = 't1'"), qint64(2));
    QCOMPARE(count(*db, "agents", "team_id = 't1'"), qint64(2));
    // The other team's same-named credential is not affected.
    const TeamCounts otherAfter = countsFor(*db, QStringLiteral("t2"));
    QCOMPARE(otherAfter.credentials, otherBefore.credentials);
    QCOMPARE(otherAfter.roleCredentials, otherBefore.roleCredentials);
    QCOMPARE(otherAfter.policies, otherBefore.policies);
}

void TestDatabaseConstraints::deleteRoleCascades()
{
    SEEDED_DB(db);
    EXEC_OK(*db, "DELETE FROM roles WHERE team_id = 't1' AND name = 'dev'");

    QCOMPARE(count(*db, "agent_roles", "team_id = 't1' AND role_name = 'dev'"), qint64(0));
    QCOMPARE(count(*db, "role_credentials", "team_id = 't1' AND role_name = 'dev'"), qint64(0));
    // The link t1 -> t2/bot was scoped to t1's role dev: gone (fail closed).
    QCOMPARE(count(*db, "agent_team_links", "team_id = 't1'"), qint64(0));
    // t1's other role and t2's role of the same name are untouched, as is t2's link scoped
    // to its own role dev.
    QCOMPARE(count(*db, "agent_roles", "team_id = 't1' AND role_name = 'ops'"), qint64(1));
    QCOMPARE(count(*db, "role_credentials", "team_id = 't1' AND role_name = 'ops'"), qint64(1));
    QCOMPARE(count(*db, "agent_roles", "team_id = 't2' AND role_name = 'dev'"), qint64(1));
    QCOMPARE(count(*db, "role_credentials", "team_id = 't2' AND role_name = 'dev'"), qint64(1));
    QCOMPARE(count(*db, "agent_team_links", "team_id = 't2'"), qint64(2));
    // Credentials and agents are not owned by roles.
    QCOMPARE(count(*db, "credentials", "team_id = 't1'"), qint64(2));
    QCOMPARE(count(*db, "agents", "team_id = 't1'"), qint64(2));
}

void TestDatabaseConstraints::deleteAgentCascades()
{
    SEEDED_DB(db);
    EXEC_OK(*db, "DELETE FROM agents WHERE team_id = 't1' AND id = 'bot'");

    QCOMPARE(count(*db, "agent_credentials", "team_id = 't1' AND agent_id = 'bot'"), qint64(0));
    QCOMPARE(count(*db, "agent_roles", "team_id = 't1' AND agent_id = 'bot'"), qint64(0));
    QCOMPARE(count(*db, "agent_team_links", "agent_home_team_id = 't1' AND agent_id = 'bot'"),
             qint64(0));
    // bot2 of t1 and bot of t2 (same name) keep everything.
    QCOMPARE(count(*db, "agent_credentials", "team_id = 't1' AND agent_id = 'bot2'"), qint64(1));
    QCOMPARE(count(*db, "agent_roles", "team_id = 't1' AND agent_id = 'bot2'"), qint64(1));
    QCOMPARE(count(*db, "agent_team_links", "agent_home_team_id = 't1' AND agent_id = 'bot2'"),
             qint64(1));
    QCOMPARE(count(*db, "agent_credentials", "team_id = 't2' AND agent_id = 'bot'"), qint64(1));
    QCOMPARE(count(*db, "agent_roles", "team_id = 't2' AND agent_id = 'bot'"), qint64(1));
    QCOMPARE(count(*db, "agent_team_links", "agent_home_team_id = 't2' AND agent_id = 'bot'"),
             qint64(1));
    QCOMPARE(count(*db, "credentials", "team_id = 't1'"), qint64(2));
    QCOMPARE(count(*db, "roles", "team_id = 't1'"), qint64(2));
}

void TestDatabaseConstraints::deleteTeamCascades()
{
    SEEDED_DB(db);
    const TeamCounts before = countsFor(*db, QStringLiteral("t2"));
    QCOMPARE(before.credentials, qint64(1));
    QCOMPARE(before.linksIn, qint64(2));
    QCOMPARE(before.linksOut, qint64(1));

    EXEC_OK(*db, "DELETE FROM teams WHERE id = 't1'");

    const TeamCounts gone = countsFor(*db, QStringLiteral("t1"));
    QCOMPARE(gone.credentials, qint64(0));
    QCOMPARE(gone.roles, qint64(0));
    QCOMPARE(gone.roleCredentials, qint64(0));
    QCOMPARE(gone.agents, qint64(0));
    QCOMPARE(gone.agentCredentials, qint64(0));
    QCOMPARE(gone.agentRoles, qint64(0));
    QCOMPARE(gone.policies, qint64(0));
    QCOMPARE(gone.linksIn, qint64(0));
    QCOMPARE(gone.linksOut, qint64(0)); // t2's links to t1's agents
    QCOMPARE(gone.memberships, qint64(0));

    // t2 keeps its own rows; only its links to t1's agents went.
    const TeamCounts kept = countsFor(*db, QStringLiteral("t2"));
    QCOMPARE(kept.credentials, before.credentials);
    QCOMPARE(kept.roles, before.roles);
    QCOMPARE(kept.roleCredentials, before.roleCredentials);
    QCOMPARE(kept.agents, before.agents);
    QCOMPARE(kept.agentCredentials, before.agentCredentials);
    QCOMPARE(kept.agentRoles, before.agentRoles);
    QCOMPARE(kept.policies, before.policies);
    QCOMPARE(kept.linksIn, qint64(0));
    QCOMPARE(kept.linksOut, qint64(0)); // t1's link to t2/bot belonged to t1
    QCOMPARE(kept.memberships, before.memberships);
    // Users are not team-owned.
    QCOMPARE(count(*db, "users"), qint64(1));
}

void TestDatabaseConstraints::crossTeamReferencesRejected_data()
{
    QTest::addColumn<QString>("sql");

    // c3 belongs to t2; role dev and agent bot exist in both teams, ops only in t1.
    QTest::newRow("role_credentials -> other team's credential")
            << QStringLiteral("INSERT INTO role_credentials (team_id, role_name, credential_id) "
                              "VALUES ('t1', 'dev', 'c3')");
    QTest::newRow("role_credentials -> other team's role")
            << QStringLiteral("INSERT INTO role_credentials (team_id, role_name, credential_id) "
                              "VALUES ('t2', 'ops', 'c3')");
    QTest::newRow("agent_credentials -> other team's credential")
            << QStringLiteral("INSERT INTO agent_credentials (team_id, agent_id, credential_id) "
                              "VALUES ('t1', 'bot2', 'c3')");
    QTest::newRow("agent_roles -> other team's role")
            << QStringLiteral("INSERT INTO agent_roles (team_id, agent_id, role_name) "
                              "VALUES ('t2', 'bot', 'ops')");
    QTest::newRow("policies -> other team's credential")
            << QStringLiteral("INSERT INTO policies (team_id, credential_id, updated_at) "
                              "VALUES ('t2', 'c1', 1)");
    QTest::newRow("link scoped to the agent team's role")
            << QStringLiteral("INSERT INTO agent_team_links (team_id, agent_home_team_id, "
                              "agent_id, role_name, created_at) VALUES ('t2', 't1', 'bot', "
                              "'ops', 1)");
    QTest::newRow("link to a missing agent")
            << QStringLiteral("INSERT INTO agent_team_links (team_id, agent_home_team_id, "
                              "agent_id, created_at) VALUES ('t1', 't2', 'ghost', 1)");
    QTest::newRow("credential of a missing team")
            << QStringLiteral("INSERT INTO credentials (id, team_id, name, created_at, "
                              "updated_at) VALUES ('c9', 'nope', 'x', 1, 1)");
}

void TestDatabaseConstraints::crossTeamReferencesRejected()
{
    QFETCH(QString, sql);
    SEEDED_DB(db);
    // Free the (t2, t1, bot) key so that only the foreign key can reject the link rows.
    EXEC_OK(*db, "DELETE FROM agent_team_links WHERE team_id = 't2'");
    const auto r = db->exec(sql);
    QVERIFY2(!r.ok(), "a cross-team reference was accepted");
    QCOMPARE(r.error().code(), ErrorCode::InvalidRequest);
    // The driver's text stays in the log.
    QVERIFY(!r.error().message().contains(u"FOREIGN", Qt::CaseInsensitive));
}

void TestDatabaseConstraints::duplicateNames()
{
    SEEDED_DB(db);
    // Same team, name and scope: Conflict.
    auto r = run(*db,
                 "INSERT INTO credentials (id, team_id, name, created_at, updated_at) "
                 "VALUES ('c9', 't1', 'github', 1, 1)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    // Same id: Conflict.
    r = run(*db,
            "INSERT INTO credentials (id, team_id, name, created_at, updated_at) "
            "VALUES ('c1', 't1', 'other', 1, 1)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    // Same role and agent names in one team: Conflict.
    r = run(*db, "INSERT INTO roles (team_id, name, created_at) VALUES ('t1', 'dev', 2)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    r = run(*db,
            "INSERT INTO agents (team_id, id, api_key_hash, created_at, updated_at) "
            "VALUES ('t1', 'bot', 'h9', 1, 1)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    // Team names are unique too.
    r = run(*db, "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES (?, ?, ?, 1)",
            { QStringLiteral("t3"), QStringLiteral("Team One"), QByteArray("k") });
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);

    // The same name under a narrower scope is a different credential.
    EXEC_OK(*db,
            "INSERT INTO credentials (id, team_id, name, scope_kind, scope_id, created_at, "
            "updated_at) VALUES ('c4', 't1', 'github', 'role', 'dev', 1, 1)");
    EXEC_OK(*db,
            "INSERT INTO credentials (id, team_id, name, scope_kind, scope_id, created_at, "
            "updated_at) VALUES ('c5', 't1', 'github', 'agent', 'bot', 1, 1)");
    r = run(*db,
            "INSERT INTO credentials (id, team_id, name, scope_kind, scope_id, created_at, "
            "updated_at) VALUES ('c6', 't1', 'github', 'role', 'dev', 1, 1)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);

    // The seeded names coexist across the two teams.
    QCOMPARE(count(*db, "credentials", "name = 'github' AND scope_kind = 'team'"), qint64(2));
    QCOMPARE(count(*db, "roles", "name = 'dev'"), qint64(2));
    QCOMPARE(count(*db, "agents", "id = 'bot'"), qint64(2));
    // And a failed insert leaves the connection usable (PostgreSQL autocommit).
    QCOMPARE(count(*db, "credentials"), qint64(5));
}

void TestDatabaseConstraints::checkConstraints_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<bool>("accepted");

    const QString credential = QStringLiteral(
            "INSERT INTO credentials (id, team_id, name, connector, api_base, relative_target, "
            "created_at, updated_at) VALUES ('c9', 't1', 'x', %1, 1, 1)");
    QTest::newRow("relative target with direct connector")
            << credential.arg(QStringLiteral("'direct', NULL, 1")) << false;
    QTest::newRow("relative target, direct connector with api_base")
            << credential.arg(QStringLiteral("'direct', 'https://a.example', 1")) << false;
    QTest::newRow("sidecar without api_base")
            << credential.arg(QStringLiteral("'sidecar', NULL, 0")) << false;
    QTest::newRow("unknown connector")
            << credential.arg(QStringLiteral("'proxy', 'https://a.example', 0")) << false;
    QTest::newRow("sidecar with api_base, relative")
            << credential.arg(QStringLiteral("'sidecar', 'https://a.example', 1")) << true;
    QTest::newRow("direct, absolute")
            << credential.arg(QStringLiteral("'direct', NULL, 0")) << true;
    QTest::newRow("unknown scope kind")
            << QStringLiteral("INSERT INTO credentials (id, team_id, name, scope_kind, created_at, "
                              "updated_at) VALUES ('c9', 't1', 'x', 'world', 1, 1)")
            << false;

    const QString membership =
            QStringLiteral("INSERT INTO memberships (team_id, user_id, role, created_at) "
                           "VALUES ('t3', 'u1', '%1', 1)");
    QTest::newRow("membership role superuser") << membership.arg(u"superuser") << false;
    QTest::newRow("membership role empty") << membership.arg(u"") << false;
    QTest::newRow("membership role wrong case") << membership.arg(u"Owner") << false;
    QTest::newRow("membership role approver") << membership.arg(u"approver") << true;
    QTest::newRow("invite role bad")
            << QStringLiteral("INSERT INTO invites (id, team_id, email, role, token_hash, "
                              "expires_at, created_at) VALUES ('i1', 't1', 'b@example.com', "
                              "'root', 'th', 1, 1)")
            << false;
    QTest::newRow("link to own team")
            << QStringLiteral("INSERT INTO agent_team_links (team_id, agent_home_team_id, "
                              "agent_id, created_at) VALUES ('t1', 't1', 'bot', 1)")
            << false;
    QTest::newRow("approval status bad")
            << QStringLiteral("INSERT INTO approvals (id, team_id, agent_home_team_id, agent_id, "
                              "credential_name, request_id, status, method, target, created_at, "
                              "expires_at) VALUES ('a1', 't1', 't1', 'bot', 'github', 'r1', "
                              "'maybe', 'GET', '/', 1, 2)")
            << false;
    QTest::newRow("audit kind bad")
            << QStringLiteral("INSERT INTO audit_log (ts, team_id, kind) VALUES (1, 't1', 'x')")
            << false;
    QTest::newRow("missing NOT NULL column")
            << QStringLiteral("INSERT INTO credentials (id, team_id, created_at, updated_at) "
                              "VALUES ('c9', 't1', 1, 1)")
            << false;
}

void TestDatabaseConstraints::checkConstraints()
{
    QFETCH(QString, sql);
    QFETCH(bool, accepted);
    SEEDED_DB(db);
    EXEC_OK(*db, "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES (?, ?, ?, 1)",
            { QStringLiteral("t3"), QStringLiteral("Team Three"), QByteArray("k") });

    const auto r = db->exec(sql);
    if (accepted) {
        QVERIFY2(r.ok(), qPrintable(errorText(r)));
    } else {
        QVERIFY2(!r.ok(), "a row breaking a CHECK constraint was accepted");
        QCOMPARE(r.error().code(), ErrorCode::InvalidRequest);
    }
}

QTEST_GUILESS_MAIN(TestDatabaseConstraints)
#include "tst_database_constraints.moc"
