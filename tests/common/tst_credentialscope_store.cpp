// The store side of multi-scope credentials (README "Credential scopes"), on SQLite and on PostgreSQL:
// ForwardStore::candidates() read through policy::chooseScope() (agent over role over team,
// revert on delete, two roles in conflict, a linked agent's role row, direct grant and own row),
// policies per name surviving the deletion of the row that held them, and an agent's rows
// deleted with it in its home team and in the teams it is linked into.
#include "policy/credentialscope.h"
#include "store/agentstore.h"
#include "store/credentialstore.h"
#include "store/forwardstore.h"
#include "support/databasefixture.h"

#include <QTest>

using namespace tap::test;
using namespace Qt::Literals::StringLiterals;
using tap::policy::ScopeOutcome;
using tap::store::AgentStore;
using tap::store::Asker;
using tap::store::CredentialRow;
using tap::store::CredentialStore;
using tap::store::ForwardStore;

namespace {

// Teams t1 and t2; in t1 roles cfo and ceo, agent bot (cfo) and agent both (cfo, ceo); in t2
// role poster; t1's bot linked into t2 (link role given per test).
bool setUp(Database &db, const QString &linkRole)
{
    const QByteArray dek("\x01\x00\x02", 3);
    const QList<QPair<const char *, QVariantList>> statements{
        { "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES ('t1', 'One', ?, 1)",
          { dek } },
        { "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES ('t2', 'Two', ?, 1)",
          { dek } },
    };
    for (const auto &[sql, binds] : statements) {
        if (!run(db, sql, binds))
            return false;
    }
    AgentStore agents(db);
    for (const auto &[team, role] : QList<QPair<QString, QString>>{
                 { u"t1"_s, u"cfo"_s }, { u"t1"_s, u"ceo"_s }, { u"t2"_s, u"poster"_s } }) {
        if (!agents.createRole(team, { role, {}, {}, -1, 1 }))
            return false;
    }
    tap::store::AgentRow bot{ u"t1"_s, u"bot"_s, {}, true, -1, u"i1"_s, {}, {}, { u"cfo"_s } };
    tap::store::AgentRow both{ u"t1"_s, u"both"_s, {},
                               true,    -1,        u"i2"_s,
                               {},      {},        { u"cfo"_s, u"ceo"_s } };
    if (!agents.createAgent(bot, u"h1"_s) || !agents.createAgent(both, u"h2"_s))
        return false;
    return bool(agents.createLink({ u"t2"_s, u"t1"_s, u"bot"_s, linkRole, {}, 1 }));
}

bool addRow(Database &db, const QString &team, const QString &spec)
{
    // "kind[:id]"
    static int serial = 0;
    CredentialRow r;
    r.id = QStringLiteral("c%1").arg(++serial);
    r.teamId = team;
    r.name = u"gmail"_s;
    r.scopeKind = spec.section(u':', 0, 0);
    r.scopeId = spec.section(u':', 1);
    r.createdAt = r.updatedAt = serial;
    return bool(CredentialStore(db).create(r, QByteArray("sealed")));
}

// What the lookup picks: "agent:...", "role:...", "link:...", "team", "none" or "conflict".
QString pick(Database &db, const QString &team, const Asker &asker)
{
    auto rows = ForwardStore(db).candidates(team, asker, u"gmail"_s);
    if (!rows)
        return u"error: "_s + rows.error().message();
    QList<tap::policy::ScopeCandidate> candidates;
    tap::policy::ScopeSubject subject{ tap::policy::agentScopeId(team, asker.homeTeamId,
                                                                 asker.agentId),
                                       {},
                                       asker.linkRole.has_value() };
    for (const auto &g : rows.value()) {
        const QString &k = g.credential.scopeKind;
        candidates.append({ k == u"agent"          ? tap::policy::CredentialScope::Agent
                                    : k == u"role" ? tap::policy::CredentialScope::Role
                                                   : tap::policy::CredentialScope::Team,
                            g.credential.scopeId, g.direct || !g.roles.isEmpty() });
        if (k == u"role")
            subject.roles << g.credential.scopeId;
    }
    const auto choice = tap::policy::chooseScope(candidates, subject);
    return choice.outcome == ScopeOutcome::Found       ? choice.label
            : choice.outcome == ScopeOutcome::Conflict ? u"conflict"_s
                                                       : u"none"_s;
}

} // namespace

class TestCredentialScopeStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void lookup_data();
    void lookup();
    void policyFollowsTheName();
    void agentRowsGoWithTheAgent();
};

void TestCredentialScopeStore::lookup_data()
{
    QTest::addColumn<QString>("team"); // where the rows are and the agent asks
    QTest::addColumn<QString>("agent"); // bot or both (of t1)
    QTest::addColumn<QString>("linkRole"); // t2 only
    QTest::addColumn<QStringList>("rows");
    QTest::addColumn<QString>("grant"); // "", "direct", "role" (team row granted how)
    QTest::addColumn<QString>("expected");

    const QString t1 = u"t1"_s, t2 = u"t2"_s;
    QTest::addRow("agent over role over team")
            << t1 << u"bot"_s << QString()
            << QStringList{ u"team"_s, u"role:cfo"_s, u"agent:bot"_s } << u"direct"_s
            << u"agent:bot"_s;
    QTest::addRow("revert: role") << t1 << u"bot"_s << QString()
                                  << QStringList{ u"team"_s, u"role:cfo"_s } << u"direct"_s
                                  << u"role:cfo"_s;
    QTest::addRow("revert: team") << t1 << u"bot"_s << QString() << QStringList{ u"team"_s }
                                  << u"role"_s << u"team"_s;
    QTest::addRow("team row without grant")
            << t1 << u"bot"_s << QString() << QStringList{ u"team"_s } << QString() << u"none"_s;
    QTest::addRow("another role's row") << t1 << u"bot"_s << QString()
                                        << QStringList{ u"role:ceo"_s } << QString() << u"none"_s;
    QTest::addRow("another agent's row")
            << t1 << u"bot"_s << QString() << QStringList{ u"agent:both"_s } << QString()
            << u"none"_s;
    QTest::addRow("two roles: conflict")
            << t1 << u"both"_s << QString() << QStringList{ u"role:cfo"_s, u"role:ceo"_s }
            << QString() << u"conflict"_s;
    QTest::addRow("two roles: own row wins")
            << t1 << u"both"_s << QString()
            << QStringList{ u"role:cfo"_s, u"role:ceo"_s, u"agent:both"_s } << QString()
            << u"agent:both"_s;
    QTest::addRow("linked: link role row")
            << t2 << u"bot"_s << u"poster"_s << QStringList{ u"team"_s, u"role:poster"_s }
            << QString() << u"link:poster"_s;
    QTest::addRow("linked: own row")
            << t2 << u"bot"_s << u"poster"_s << QStringList{ u"role:poster"_s, u"agent:t1/bot"_s }
            << QString() << u"agent:t1/bot"_s;
    QTest::addRow("linked: home id is not its id")
            << t2 << u"bot"_s << QString() << QStringList{ u"agent:bot"_s } << QString()
            << u"none"_s;
    QTest::addRow("linked: direct grant")
            << t2 << u"bot"_s << QString() << QStringList{ u"team"_s } << u"direct"_s << u"team"_s;
    QTest::addRow("linked: role grant")
            << t2 << u"bot"_s << u"poster"_s << QStringList{ u"team"_s } << u"role"_s << u"team"_s;
    QTest::addRow("linked: no role, no grant")
            << t2 << u"bot"_s << QString() << QStringList{ u"team"_s, u"role:poster"_s }
            << QString() << u"none"_s;
}

void TestCredentialScopeStore::lookup()
{
    QFETCH(QString, team);
    QFETCH(QString, agent);
    QFETCH(QString, linkRole);
    QFETCH(QStringList, rows);
    QFETCH(QString, grant);
    QFETCH(QString, expected);
    MIGRATED_DB(db);
    QVERIFY(setUp(*db, team == u"t2" ? linkRole : QString()));
    for (const QString &spec : rows)
        QVERIFY2(addRow(*db, team, spec), qPrintable(spec));
    if (!grant.isEmpty()) {
        AgentStore agents(*db);
        if (team == u"t1" && grant == u"direct") {
            auto a = agents.agent(u"t1"_s, agent);
            QVERIFY(a && a.value());
            tap::store::AgentRow row = *a.value();
            row.credentials = { u"gmail"_s };
            QVERIFY(agents.updateAgent(row, true, false));
        } else if (team == u"t1") {
            QVERIFY(agents.replaceRole(u"t1"_s, { u"cfo"_s, {}, { u"gmail"_s }, -1, 1 }));
        } else if (grant == u"direct") {
            auto set = agents.setLinkCredentials(u"t2"_s, u"t1"_s, agent, { u"gmail"_s });
            QVERIFY(set && set.value());
        } else {
            QVERIFY(agents.replaceRole(u"t2"_s, { linkRole, {}, { u"gmail"_s }, -1, 1 }));
        }
    }
    const Asker asker{ u"t1"_s, agent,
                       team == u"t2" ? std::optional<QString>(linkRole) : std::nullopt };
    QCOMPARE(pick(*db, team, asker), expected);
}

// One policy per name: it moves to another row of the name when its row goes, and goes with
// the name's last row.
void TestCredentialScopeStore::policyFollowsTheName()
{
    MIGRATED_DB(db);
    QVERIFY(setUp(*db, QString()));
    QVERIFY(addRow(*db, u"t1"_s, u"team"_s));
    QVERIFY(addRow(*db, u"t1"_s, u"agent:bot"_s));
    CredentialStore credentials(*db);
    auto team = credentials.byName(u"t1"_s, u"gmail"_s);
    auto own = credentials.byName(u"t1"_s, u"gmail"_s, u"agent"_s, u"bot"_s);
    QVERIFY(team && team.value() && own && own.value());
    tap::store::PolicyRow p;
    p.autoApproveMethods = { u"GET"_s };
    QVERIFY(credentials.putPolicy(u"t1"_s, own.value()->id, p));
    p.autoApproveMethods = { u"POST"_s };
    // Through another row of the name: replaces, does not add; now held by the team row.
    QVERIFY(credentials.putPolicy(u"t1"_s, team.value()->id, p));
    QCOMPARE(count(*db, "policies", "credential_id = ?", { team.value()->id }), qint64(1));
    QCOMPARE(count(*db, "policies"), qint64(1));
    QVERIFY(credentials.remove(u"t1"_s, team.value()->id));
    auto moved = credentials.policy(u"t1"_s, own.value()->id);
    QVERIFY(moved && moved.value());
    QCOMPARE(moved.value()->autoApproveMethods, QStringList{ u"POST"_s });
    auto removed = credentials.removeScope(u"t1"_s, u"agent"_s, u"bot"_s);
    QVERIFY(removed);
    QCOMPARE(removed->size(), 1);
    QCOMPARE(count(*db, "policies"), qint64(0));
}

void TestCredentialScopeStore::agentRowsGoWithTheAgent()
{
    MIGRATED_DB(db);
    QVERIFY(setUp(*db, u"poster"_s));
    QVERIFY(addRow(*db, u"t1"_s, u"agent:bot"_s));
    QVERIFY(addRow(*db, u"t1"_s, u"agent:both"_s));
    QVERIFY(addRow(*db, u"t2"_s, u"agent:t1/bot"_s));
    QVERIFY(addRow(*db, u"t2"_s, u"role:poster"_s));
    auto removed = CredentialStore(*db).removeAgentScopes(u"t1"_s, u"bot"_s);
    QVERIFY(removed);
    QCOMPARE(removed->size(), 2);
    QCOMPARE(count(*db, "credentials"), qint64(2)); // both's row and the role row stay
    QCOMPARE(count(*db, "credentials", "scope_id = 'both' OR scope_id = 'poster'"), qint64(2));
}

QTEST_GUILESS_MAIN(TestCredentialScopeStore)
#include "tst_credentialscope_store.moc"
