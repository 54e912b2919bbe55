// "Approve and allow host" (README "Destinations approved by a human") with credential scopes
// (README "Credential scopes"), against the real tapd and the fake upstream, on both backends:
// the host joins the allowed_hosts of the row the parked request uses (the agent's own row, a
// role's row, a linked agent's row or the link role's row), never another row of the same name,
// and the next identical request goes through at once.
#include "support/approvalfixture.h"
#include "support/forwardfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

QByteArray query(const QString &kind, const QString &id)
{
    return "?scope_kind=" + utf8(kind) + "&scope_id=" + QUrl::toPercentEncoding(id);
}

QStringList allowedHosts(const HttpClient &admin, const QByteArray &rowQuery)
{
    const HttpResponse r = admin.get("/admin/credentials/mail" + rowQuery);
    QStringList out;
    for (const QJsonValue &v : r.json()[u"allowed_hosts"_s].toArray())
        out << v.toString();
    return out;
}

} // namespace

class TestApprovalsScopeHosts : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSuite(); }
    void cleanupTestCase() { finishSuite(); }

    void allowHostOnRowUsed_data();
    void allowHostOnRowUsed();
};

void TestApprovalsScopeHosts::allowHostOnRowUsed_data()
{
    QTest::addColumn<QString>("kind"); // the scope of the row used
    QTest::addColumn<bool>("linked"); // the agent is linked in from another team
    QTest::addColumn<QString>("audit"); // its credential_scope
    QTest::newRow("agent") << u"agent"_s << false << u"agent:bot"_s;
    QTest::newRow("role") << u"role"_s << false << u"role:seat"_s;
    QTest::newRow("linked agent") << u"agent"_s << true << u"agent:%1/bot"_s;
    QTest::newRow("link role") << u"role"_s << true << u"link:seat"_s;
}

void TestApprovalsScopeHosts::allowHostOnRowUsed()
{
    QFETCH(QString, kind);
    QFETCH(bool, linked);
    QFETCH(QString, audit);
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account team = f->newAccount(u"allow-host"_s);
    const Account home = linked ? f->newAccount(u"allow-home"_s) : team;
    RETURN_IF_FAILED();
    const HttpClient api = f->tapd.client(team.token);
    QVERIFY(addRole(api, u"seat"_s, {}));
    const QByteArray key = addAgent(f->tapd.client(home.token), u"bot"_s, {},
                                    linked ? QStringList() : QStringList{ u"seat"_s });
    RETURN_IF_FAILED();
    HttpHeaders toTeam;
    if (linked) {
        EXPECT_STATUS(api.post("/admin/agent-links",
                               { { u"agent_home_team_id"_s, home.teamId },
                                 { u"agent_id"_s, u"bot"_s },
                                 { u"role"_s, u"seat"_s } }),
                      201);
        toTeam.append({ "X-TAP-Team", utf8(team.teamId) });
    }
    const QString scopeId = kind == u"role" ? u"seat"_s
            : linked                        ? home.teamId + u"/bot"_s
                                            : u"bot"_s;
    audit = audit.arg(home.teamId);
    // A team row and the scoped row, each with a host of its own; the upstream is new to both.
    QVERIFY(addCredential(f->secrets, api, u"mail"_s, "team-" + canary(*f),
                          { { u"allowed_hosts"_s, strings({ u"team.example"_s }) } }));
    QVERIFY(addCredential(f->secrets, api, u"mail"_s, "scoped-" + canary(*f),
                          { { u"scope_kind"_s, kind },
                            { u"scope_id"_s, scopeId },
                            { u"allowed_hosts"_s, strings({ u"scoped.example"_s }) } }));
    QVERIFY(autoApprove(api, u"mail"_s));
    const QByteArray target = up("/echo/allow-host");

    const Parked parked = park(port, key, "mail", target, "GET", {}, toTeam);
    RETURN_IF_FAILED();
    EXPECT_STATUS(
            api.post("/admin/approvals/" + parked.txn + "/approve", { { u"allow_host"_s, true } }),
            200);
    QCOMPARE(finalStatus(port, key, parked.txn), u"forwarded"_s);
    // The row used has the host; the team row does not.
    QCOMPARE(allowedHosts(api, query(kind, scopeId)),
             QStringList({ u"scoped.example"_s, u"127.0.0.1"_s }));
    QCOMPARE(allowedHosts(api, {}), QStringList{ u"team.example"_s });
    const QList<QJsonObject> changes = auditItems(api, "kind=admin&action=credential.allow_host");
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.first()[u"detail"_s][u"scope_kind"_s].toString(), kind);
    QCOMPARE(changes.first()[u"detail"_s][u"scope_id"_s].toString(), scopeId);
    // The next identical request is sent at once, with the scoped row.
    const HttpResponse next = forward(port, { key, "mail", target, "GET", toTeam });
    EXPECT_FWD(next, 200, QString());
    const QList<QJsonObject> records =
            withRequestId(auditItems(api), next.header("X-TAP-Request-Id"));
    QCOMPARE(records.size(), 1);
    QCOMPARE(records.first()[u"credential_scope"_s].toString(), audit);
}

QTEST_GUILESS_MAIN(TestApprovalsScopeHosts)
#include "tst_approvals_scope_hosts.moc"
