// End-to-end tests of approvals whose agent goes away while they wait (issue #13), against the
// real tapd binary and the fake upstream, on both backends: deleting or disabling an agent
// cancels its pending requests in every team (final, with a reason, in the trail, never sent);
// enabling it again does not bring them back; and an agent created again under the same id is
// another agent: the old requests' results are not its to read.
#include "support/approvalfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

// The request's record of TAP's cancellation: rejected, for `reason`, by the admin.
bool cancellationAudited(const HttpClient &admin, const Parked &p, const QString &reason,
                         const QString &actor)
{
    for (const QJsonObject &r : withRequestId(auditItems(admin), p.requestId)) {
        if (r.value(u"decision"_s).toString() == u"rejected"_s
            && r.value(u"reason"_s).toString() == reason && r.value(u"actor"_s).toString() == actor)
            return true;
    }
    return false;
}

struct World
{
    Tapd tapd{ true };
    Upstream upstream;
    Account owner;
    HttpClient admin{ 0 };
    QByteArray key; // agent "bot" with credential "api"
};

bool setUp(World &w, const QString &team)
{
    if (!w.upstream.start() || !w.tapd.start())
        return false;
    w.owner = signUp(w.tapd, team, team + u"@example.test"_s);
    if (w.owner.token.isEmpty())
        return false;
    w.admin = w.tapd.client(w.owner.token);
    if (!addApiCredential(w.admin, u"api"_s, u"sk-agentlife-secret-0123456789"_s))
        return false;
    w.key = addAgent(w.admin, u"bot"_s, { u"api"_s });
    return !w.key.isEmpty();
}

// The approval as the admin API shows it: final, with the reason, not decidable.
void expectCancelled(const HttpClient &admin, const Parked &p, const QString &reason)
{
    const HttpResponse one = admin.get("/admin/approvals/" + p.txn);
    EXPECT_STATUS(one, 200);
    QCOMPARE(one.json().value(u"status"_s).toString(), u"failed"_s);
    QCOMPARE(one.json().value(u"cancel_reason"_s).toString(), reason);
    QCOMPARE(one.json().value(u"can_decide"_s).toBool(), false);
    EXPECT_ERROR(admin.post("/admin/approvals/" + p.txn + "/approve"), 409, u"conflict"_s);
    EXPECT_ERROR(admin.post("/admin/approvals/" + p.txn + "/deny"), 409, u"conflict"_s);
}

} // namespace

class TestApprovalsAgents : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void deletingCancels();
    void disablingCancels();
};

// Deleted with requests waiting in its home team and in a team that linked it: both end, are
// never sent, and stay out of reach of the agent created next under the same id.
void TestApprovalsAgents::deletingCancels()
{
    World w;
    QVERIFY(setUp(w, u"life1"_s));
    const Account company = signUp(w.tapd, u"life1co"_s, u"life1co@example.test"_s);
    QVERIFY(!company.token.isEmpty());
    const HttpClient companyAdmin = w.tapd.client(company.token);
    QVERIFY(addApiCredential(companyAdmin, u"shared"_s, u"sk-agentlife-company-9876543210"_s));
    QVERIFY(addRole(companyAdmin, u"helper"_s, { u"shared"_s }));
    EXPECT_STATUS(companyAdmin.post("/admin/agent-links",
                                    { { u"agent_home_team_id"_s, w.owner.teamId },
                                      { u"agent_id"_s, u"bot"_s },
                                      { u"role"_s, u"helper"_s } }),
                  201);
    const quint16 port = w.tapd.port();
    const Parked home = park(port, w.key, "api", w.upstream.url("/echo/home"));
    const Parked linked = park(port, w.key, "shared", w.upstream.url("/echo/company"), "POST",
                               kParkedBody, { { "X-TAP-Team", utf8(company.teamId) } });
    RETURN_IF_FAILED();

    EXPECT_STATUS(w.admin.del("/admin/agents/bot"), 200);
    expectCancelled(w.admin, home, u"agent_deleted"_s);
    RETURN_IF_FAILED();
    expectCancelled(companyAdmin, linked, u"agent_deleted"_s);
    RETURN_IF_FAILED();
    QCOMPARE(w.admin.get("/admin/approvals?status=pending")
                     .json()
                     .value(u"items"_s)
                     .toArray()
                     .size(),
             0);
    QVERIFY(cancellationAudited(w.admin, home, u"agent_deleted"_s, w.owner.email));
    // The company's trail names the agent's team, not a member of another team.
    QVERIFY(cancellationAudited(companyAdmin, linked, u"agent_deleted"_s,
                                u"team:"_s + w.owner.teamId));
    // The deleted agent's key opens nothing.
    EXPECT_ERROR(pollResponse(port, w.key, home.txn), 401, u"unauthorized"_s);

    // The same id again, with the same credentials: another agent.
    const QByteArray again = addAgent(w.admin, u"bot"_s, { u"api"_s });
    RETURN_IF_FAILED();
    EXPECT_STATUS(companyAdmin.post("/admin/agent-links",
                                    { { u"agent_home_team_id"_s, w.owner.teamId },
                                      { u"agent_id"_s, u"bot"_s },
                                      { u"role"_s, u"helper"_s } }),
                  201);
    EXPECT_ERROR(pollResponse(port, again, home.txn), 404, u"not_found"_s);
    EXPECT_ERROR(pollResponse(port, again, linked.txn), 404, u"not_found"_s);
    EXPECT_ERROR(pollResponse(port, w.key, home.txn), 401, u"unauthorized"_s);
    EXPECT_FWD(forward(port, Call(w.key, "api", w.upstream.url("/echo/home"), "POST")), 401,
               u"unauthorized"_s);
    // Still nothing to decide and nothing sent.
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + home.txn + "/approve"), 409, u"conflict"_s);
    EXPECT_ERROR(companyAdmin.post("/admin/approvals/" + linked.txn + "/approve"), 409,
                 u"conflict"_s);
    QCOMPARE(w.upstream.count(), 0);

    // The new agent's own requests go their normal way, and are its own to read.
    const Parked fresh = park(port, again, "api", w.upstream.url("/echo/fresh"));
    RETURN_IF_FAILED();
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + fresh.txn + "/approve"), 200);
    QCOMPARE(finalStatus(port, again, fresh.txn), u"forwarded"_s);
    QCOMPARE(w.upstream.count(), 1);
    QCOMPARE(w.upstream.since(0).first().toObject().value(u"path"_s).toString(), u"/echo/fresh"_s);
    EXPECT_CLEAN_STOP(w.tapd);
}

// Disabled while a request waits: it ends for good; enabling the agent again brings back the
// agent, not the request, and the agent's poll says why it ended.
void TestApprovalsAgents::disablingCancels()
{
    World w;
    QVERIFY(setUp(w, u"life2"_s));
    const quint16 port = w.tapd.port();
    const Parked p = park(port, w.key, "api", w.upstream.url("/echo/disabled"));
    RETURN_IF_FAILED();

    EXPECT_STATUS(w.admin.post("/admin/agents/bot/disable"), 200);
    expectCancelled(w.admin, p, u"agent_disabled"_s);
    RETURN_IF_FAILED();
    QVERIFY(cancellationAudited(w.admin, p, u"agent_disabled"_s, w.owner.email));
    EXPECT_ERROR(pollResponse(port, w.key, p.txn), 403, u"forbidden"_s);

    EXPECT_STATUS(w.admin.post("/admin/agents/bot/enable"), 200);
    expectCancelled(w.admin, p, u"agent_disabled"_s);
    RETURN_IF_FAILED();
    const HttpResponse seen = pollResponse(port, w.key, p.txn);
    EXPECT_STATUS(seen, 200);
    QCOMPARE(seen.json().value(u"status"_s).toString(), u"failed"_s);
    const QJsonObject error = seen.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"approval_cancelled"_s);
    QCOMPARE(error.value(u"reason"_s).toString(), u"agent_disabled"_s);
    QCOMPARE(w.upstream.count(), 0);

    // Enabled again, the agent works as before.
    const Parked next = park(port, w.key, "api", w.upstream.url("/echo/enabled"));
    RETURN_IF_FAILED();
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + next.txn + "/approve"), 200);
    QCOMPARE(finalStatus(port, w.key, next.txn), u"forwarded"_s);
    QCOMPARE(w.upstream.count(), 1);
    QCOMPARE(w.upstream.since(0).first().toObject().value(u"path"_s).toString(),
             u"/echo/enabled"_s);
    EXPECT_CLEAN_STOP(w.tapd);
}

QTEST_GUILESS_MAIN(TestApprovalsAgents)
#include "tst_approvals_agents.moc"
