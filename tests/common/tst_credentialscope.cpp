// The lookup of README "Credential scopes" ("the narrowest wins"), as a
// pure function: agent row over role row over granted team row, conflicts between roles.
#include "policy/credentialscope.h"

#include <QTest>

using tap::policy::CredentialScope;
using tap::policy::ScopeCandidate;
using tap::policy::ScopeOutcome;
using tap::policy::ScopeSubject;

Q_DECLARE_METATYPE(QList<ScopeCandidate>)
Q_DECLARE_METATYPE(ScopeSubject)
Q_DECLARE_METATYPE(ScopeOutcome)

namespace {

ScopeCandidate team(bool granted)
{
    return { CredentialScope::Team, QString(), granted };
}

ScopeCandidate role(const char *name)
{
    return { CredentialScope::Role, QString::fromLatin1(name), false };
}

ScopeCandidate agent(const char *id)
{
    return { CredentialScope::Agent, QString::fromLatin1(id), false };
}

ScopeSubject home(const char *id, const QStringList &roles)
{
    return { QString::fromLatin1(id), roles, false };
}

} // namespace

class TestCredentialScope : public QObject
{
    Q_OBJECT

private slots:
    void choose_data();
    void choose();
    void agentScopeId();
};

void TestCredentialScope::choose_data()
{
    QTest::addColumn<QList<ScopeCandidate>>("rows");
    QTest::addColumn<ScopeSubject>("subject");
    QTest::addColumn<ScopeOutcome>("outcome");
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("label");
    QTest::addColumn<QStringList>("conflict");

    const QStringList cfo{ QStringLiteral("cfo") };
    const QStringList two{ QStringLiteral("cfo"), QStringLiteral("ceo") };
    const auto found = ScopeOutcome::Found;
    const auto none = ScopeOutcome::NotFound;

    QTest::addRow("agent over role over team")
            << QList{ team(true), role("cfo"), agent("bot") } << home("bot", cfo) << found << 2
            << "agent:bot" << QStringList();
    QTest::addRow("role over team") << QList{ team(true), role("cfo") } << home("bot", cfo) << found
                                    << 1 << "role:cfo" << QStringList();
    QTest::addRow("granted team row")
            << QList{ team(true) } << home("bot", cfo) << found << 0 << "team" << QStringList();
    QTest::addRow("team row needs a grant")
            << QList{ team(false) } << home("bot", cfo) << none << -1 << "" << QStringList();
    QTest::addRow("role row needs no grant")
            << QList{ team(false), role("cfo") } << home("bot", cfo) << found << 1 << "role:cfo"
            << QStringList();
    QTest::addRow("agent row needs no grant") << QList{ agent("bot") } << home("bot", {}) << found
                                              << 0 << "agent:bot" << QStringList();
    // the revert: without the agent row the role row, without that the team row.
    QTest::addRow("revert: agent row deleted")
            << QList{ team(true), role("cfo") } << home("bot", cfo) << found << 1 << "role:cfo"
            << QStringList();
    QTest::addRow("revert: role row deleted")
            << QList{ team(true) } << home("bot", cfo) << found << 0 << "team" << QStringList();
    QTest::addRow("another agent's row") << QList{ agent("other"), team(true) } << home("bot", cfo)
                                         << found << 1 << "team" << QStringList();
    QTest::addRow("another agent's row only")
            << QList{ agent("other") } << home("bot", cfo) << none << -1 << "" << QStringList();
    QTest::addRow("a role the agent lacks") << QList{ role("ceo"), team(false) } << home("bot", cfo)
                                            << none << -1 << "" << QStringList();
    QTest::addRow("two roles: conflict")
            << QList{ role("cfo"), role("ceo"), team(true) } << home("bot", two)
            << ScopeOutcome::Conflict << -1 << ""
            << QStringList{ QStringLiteral("ceo"), QStringLiteral("cfo") };
    QTest::addRow("two roles, one row") << QList{ role("ceo"), team(true) } << home("bot", two)
                                        << found << 0 << "role:ceo" << QStringList();
    QTest::addRow("two roles, agent row wins")
            << QList{ role("cfo"), role("ceo"), agent("bot") } << home("bot", two) << found << 2
            << "agent:bot" << QStringList();
    // A linked agent: named "<home>/<id>", the link's role is its only role.
    const ScopeSubject linked{ QStringLiteral("t1/bot"), cfo, true };
    const ScopeSubject linkedNoRole{ QStringLiteral("t1/bot"), {}, true };
    QTest::addRow("linked: role row") << QList{ team(true), role("cfo") } << linked << found << 1
                                      << "link:cfo" << QStringList();
    QTest::addRow("linked: agent row") << QList{ role("cfo"), agent("t1/bot") } << linked << found
                                       << 1 << "agent:t1/bot" << QStringList();
    QTest::addRow("linked: the same id at home is another agent")
            << QList{ agent("bot") } << linkedNoRole << none << -1 << "" << QStringList();
    QTest::addRow("linked: direct grant, no role")
            << QList{ team(true) } << linkedNoRole << found << 0 << "team" << QStringList();
    QTest::addRow("linked: no role, no grant") << QList{ team(false), role("cfo") } << linkedNoRole
                                               << none << -1 << "" << QStringList();
    QTest::addRow("no rows") << QList<ScopeCandidate>() << home("bot", cfo) << none << -1 << ""
                             << QStringList();
}

void TestCredentialScope::choose()
{
    QFETCH(QList<ScopeCandidate>, rows);
    QFETCH(ScopeSubject, subject);
    QFETCH(ScopeOutcome, outcome);
    QFETCH(int, index);
    QFETCH(QString, label);
    QFETCH(QStringList, conflict);
    const auto choice = tap::policy::chooseScope(rows, subject);
    QCOMPARE(choice.outcome, outcome);
    QCOMPARE(choice.index, qsizetype(index));
    QCOMPARE(choice.label, label);
    QCOMPARE(choice.conflictingRoles, conflict);
}

void TestCredentialScope::agentScopeId()
{
    QCOMPARE(tap::policy::agentScopeId(QStringLiteral("t1"), QStringLiteral("t1"),
                                       QStringLiteral("bot")),
             QStringLiteral("bot"));
    QCOMPARE(tap::policy::agentScopeId(QStringLiteral("t2"), QStringLiteral("t1"),
                                       QStringLiteral("bot")),
             QStringLiteral("t1/bot"));
}

QTEST_APPLESS_MAIN(TestCredentialScope)
#include "tst_credentialscope.moc"
