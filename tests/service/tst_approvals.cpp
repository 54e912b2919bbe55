// End-to-end tests of human approval (seeds "Human approval", CONTRACT.md, issue #5) against the
// real tapd binary and the fake upstream, on both backends: the 202-and-poll flow, approve and
// deny through the admin API and the approval page, expiry, who may decide (allowed_approvers,
// other teams, other agents), passkey-protected requests refused outside the page, the approver
// inbox long-poll, re-checks before sending, a restart between the 202 and the approval, two
// tapd processes racing for one approval, and the short life of stored results.
#include "support/approvalfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

struct World
{
    explicit World(QProcessEnvironment env = {}) : tapd(true, std::move(env)) { }
    Tapd tapd;
    Upstream upstream;
    Account owner;
    HttpClient admin{ 0 };
    QByteArray key; // agent "bot" with credentials "api" (no policy: all needs approval)
    QByteArray secret = "sk-approval-secret-0123456789abcdef";
    bool ready = false;
};

bool setUp(World &w, const QString &team)
{
    if (!w.upstream.start() || !w.tapd.start())
        return false;
    w.owner = signUp(w.tapd, team, team + u"@example.test"_s);
    if (w.owner.token.isEmpty())
        return false;
    w.admin = w.tapd.client(w.owner.token);
    if (!addApiCredential(w.admin, u"api"_s, text(w.secret))
        || !addApiCredential(w.admin, u"guarded"_s, u"sk-guarded-value-987654321"_s,
                             u"passkey-guarded API"_s))
        return false;
    if (!setPolicy(w.admin, u"guarded"_s, { { u"require_passkey"_s, true } }))
        return false;
    w.key = addAgent(w.admin, u"bot"_s, { u"api"_s, u"guarded"_s });
    w.ready = !w.key.isEmpty();
    return w.ready;
}

} // namespace

class TestApprovals : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void approveThroughAdminApi();
    void denyThroughAdminApi();
    void whoMayDecide();
    void passkeyRequestsNeedThePage();
    void approvalPage();
    void inboxLongPoll();
    void recheckBeforeSending();
    void expiry();
    void restartBetweenParkAndApproval();
    void twoProcessesForwardOnce();
    void newHostNeedsApproval();
};

void TestApprovals::approveThroughAdminApi()
{
    World w;
    QVERIFY(setUp(w, u"appr1"_s));
    const QByteArray target = w.upstream.url("/reflect?where=both");
    const Parked p = park(w.tapd.port(), w.key, "api", target);
    RETURN_IF_FAILED();
    QCOMPARE(p.body.value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(w.upstream.count(), 0);

    // The agent sees "pending"; the approver inbox shows the request without the agent's
    // Authorization header or any secret.
    QCOMPARE(poll(w.tapd.port(), w.key, p.txn).value(u"status"_s).toString(), u"pending"_s);
    const HttpResponse inbox = w.admin.get("/admin/approvals?status=pending");
    EXPECT_STATUS(inbox, 200);
    const QJsonArray items = inbox.json().value(u"items"_s).toArray();
    QCOMPARE(items.size(), 1);
    const QJsonObject item = items.first().toObject();
    QCOMPARE(item.value(u"id"_s).toString().toLatin1(), p.txn);
    QCOMPARE(item.value(u"agent_id"_s).toString(), u"bot"_s);
    QCOMPARE(item.value(u"credential"_s).toString(), u"api"_s);
    QCOMPARE(item.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(item.value(u"target"_s).toString().toLatin1(), target);
    QCOMPARE(item.value(u"body_preview"_s).toString(), u"{\"text\":\"hello\"}"_s);
    QCOMPARE(item.value(u"can_decide"_s).toBool(), true);
    QVERIFY(!inbox.body.contains("agent-own"));
    QVERIFY(!inbox.body.contains(w.secret));

    const HttpResponse approved = w.admin.post("/admin/approvals/" + p.txn + "/approve");
    EXPECT_STATUS(approved, 200);
    QCOMPARE(approved.json().value(u"decided_by"_s).toString(), w.owner.email);
    QCOMPARE(approved.json().value(u"decided_via"_s).toString(), u"admin"_s);
    qint64 ms = 0;
    const QJsonObject final = pollUntilFinal(w.tapd.port(), w.key, p.txn, &ms);
    qInfo("approval → agent's poll sees forwarded: %lld ms", ms);
    QCOMPARE(final.value(u"status"_s).toString(), u"forwarded"_s);
    const QJsonObject response = final.value(u"response"_s).toObject();
    QCOMPARE(response.value(u"status"_s).toInt(), 200);
    // The upstream echoed the injected secret: the stored answer was scrubbed.
    QVERIFY2(response.value(u"body"_s).toString().contains(u"[REDACTED:api]"_s),
             qPrintable(response.value(u"body"_s).toString()));
    QVERIFY(!QJsonDocument(final).toJson().contains(w.secret));
    QCOMPARE(w.upstream.count(), 1);
    const QJsonObject seen = w.upstream.since(0).first().toObject();
    QCOMPARE(seen.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(headerValue(seen, "Authorization"), "Bearer " + w.secret);

    // Read once: the stored answer is gone; a second decision is a conflict.
    const QJsonObject again = poll(w.tapd.port(), w.key, p.txn);
    QCOMPARE(again.value(u"status"_s).toString(), u"forwarded"_s);
    QVERIFY(!again.contains(u"response"_s));
    QCOMPARE(again.value(u"response_deleted"_s).toBool(), true);
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + p.txn + "/deny"), 409, u"conflict"_s);
    QCOMPARE(w.upstream.count(), 1);

    // The trail: parked (202), decided (approved by the owner via admin), sent (upstream 200).
    const QList<QJsonObject> trail = withRequestId(auditItems(w.admin), p.requestId);
    QStringList decisions;
    for (const QJsonObject &r : trail)
        decisions << r.value(u"decision"_s).toString() + u'/'
                        + QString::number(r.value(u"status"_s).toInt());
    QVERIFY2(decisions.contains(u"/202"_s) && decisions.contains(u"approved/0"_s)
                     && decisions.contains(u"approved/200"_s),
             qPrintable(decisions.join(u", "_s)));
    for (const QJsonObject &r : trail) {
        if (r.value(u"decision"_s).toString() == u"approved"_s)
            QCOMPARE(r.value(u"approver"_s).toString(), w.owner.email);
    }
    QVERIFY(!w.tapd.log().contains(w.secret));
    QVERIFY(!w.tapd.auditFile().contains(w.secret));
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::denyThroughAdminApi()
{
    World w;
    QVERIFY(setUp(w, u"appr2"_s));
    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"), "DELETE", {});
    RETURN_IF_FAILED();
    // Even a body holding the credential's value shows approvers only its redaction.
    const Parked leaky = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"), "POST",
                              "{\"note\":\"" + w.secret + "\"}");
    RETURN_IF_FAILED();
    const HttpResponse preview = w.admin.get("/admin/approvals/" + leaky.txn);
    QVERIFY2(!preview.body.contains(w.secret), preview.body.constData());
    QVERIFY(preview.json().value(u"body_preview"_s).toString().contains(u"[REDACTED:api]"_s));
    const HttpResponse denied = w.admin.post("/admin/approvals/" + p.txn + "/deny");
    EXPECT_STATUS(denied, 200);
    QCOMPARE(denied.json().value(u"status"_s).toString(), u"denied"_s);
    const QJsonObject final = poll(w.tapd.port(), w.key, p.txn);
    QCOMPARE(final.value(u"status"_s).toString(), u"denied"_s);
    QCOMPARE(final.value(u"error"_s).toObject().value(u"code"_s).toString(), u"approval_denied"_s);
    QCOMPARE(w.upstream.count(), 0);
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + p.txn + "/approve"), 409, u"conflict"_s);
    QCOMPARE(w.upstream.count(), 0);
    bool deniedRecord = false;
    for (const QJsonObject &r : withRequestId(auditItems(w.admin), p.requestId))
        deniedRecord = deniedRecord
                || (r.value(u"decision"_s).toString() == u"denied"_s
                    && r.value(u"approver"_s).toString() == w.owner.email);
    QVERIFY(deniedRecord);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::whoMayDecide()
{
    World w;
    QVERIFY(setUp(w, u"appr3"_s));
    // Another team with the same agent and credential names cannot see or decide.
    const Account other = signUp(w.tapd, u"appr3other"_s, u"appr3other@example.test"_s);
    QVERIFY(!other.token.isEmpty());
    const HttpClient otherAdmin = w.tapd.client(other.token);
    QVERIFY(otherAdmin
                    .post("/admin/credentials",
                          { { u"name"_s, u"api"_s },
                            { u"description"_s, u"other team's API"_s },
                            { u"value"_s, u"sk-other-team-value-1234"_s },
                            { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } })
                    .status
            == 201);
    const QByteArray otherKey = addAgent(otherAdmin, u"bot"_s, { u"api"_s });
    QVERIFY(!otherKey.isEmpty());

    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    EXPECT_ERROR(otherAdmin.get("/admin/approvals/" + p.txn), 404, u"not_found"_s);
    EXPECT_ERROR(otherAdmin.post("/admin/approvals/" + p.txn + "/approve"), 404, u"not_found"_s);
    QCOMPARE(otherAdmin.get("/admin/approvals").json().value(u"items"_s).toArray().size(), 0);
    int status = 0;
    poll(w.tapd.port(), otherKey, p.txn, &status);
    QCOMPARE(status, 404); // another team's agent of the same name

    // allowed_approvers without the owner: refused, nothing changes.
    QVERIFY(setPolicy(w.admin, u"api"_s,
                      { { u"allowed_approvers"_s,
                          strings({ u"someone-else@example.test"_s, u"123456"_s }) } }));
    const HttpResponse one = w.admin.get("/admin/approvals/" + p.txn);
    QCOMPARE(one.json().value(u"can_decide"_s).toBool(), false);
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + p.txn + "/approve"), 403, u"forbidden"_s);
    QCOMPARE(poll(w.tapd.port(), w.key, p.txn).value(u"status"_s).toString(), u"pending"_s);
    // With the owner's email in the list (any case): allowed.
    QVERIFY(setPolicy(w.admin, u"api"_s,
                      { { u"allowed_approvers"_s, strings({ w.owner.email.toUpper() }) } }));
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + p.txn + "/approve"), 200);
    QCOMPARE(pollUntilFinal(w.tapd.port(), w.key, p.txn).value(u"status"_s).toString(),
             u"forwarded"_s);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::passkeyRequestsNeedThePage()
{
    World w;
    QVERIFY(setUp(w, u"appr4"_s));
    // require_passkey: even a GET the policy would otherwise allow waits for a passkey.
    const Parked p = park(w.tapd.port(), w.key, "guarded", w.upstream.url("/echo"), "GET", {});
    RETURN_IF_FAILED();
    const HttpResponse item = w.admin.get("/admin/approvals/" + p.txn);
    QCOMPARE(item.json().value(u"require_passkey"_s).toBool(), true);
    const HttpResponse refused = w.admin.post("/admin/approvals/" + p.txn + "/approve");
    EXPECT_ERROR(refused, 403, u"passkey_required"_s);
    QVERIFY2(refused.body.contains(QByteArray("/approve/" + p.txn)), refused.body.constData());
    EXPECT_ERROR(w.admin.post("/approve/" + p.txn + "/approve"), 403, u"passkey_required"_s);
    QCOMPARE(w.upstream.count(), 0);
    // Denying never needs a passkey.
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + p.txn + "/deny"), 200);
    QCOMPARE(poll(w.tapd.port(), w.key, p.txn).value(u"status"_s).toString(), u"denied"_s);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::approvalPage()
{
    World w;
    QVERIFY(setUp(w, u"appr5"_s));
    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    const QUrl link(p.body.value(u"approval_url"_s).toString());
    QCOMPARE(link.path().toLatin1(), "/approve/" + p.txn);
    QCOMPARE(link.port(), int(w.tapd.port())); // the port served, also with --listen …:0
    const HttpClient anon = w.tapd.client();
    const HttpResponse page = anon.get("/approve/" + p.txn);
    EXPECT_STATUS(page, 200);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QVERIFY(page.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    QVERIFY(page.body.contains(QByteArray("/approve/" + p.txn + "/app.js")));
    // The page alone shows nothing of the request: details need a member's session.
    QVERIFY(!page.body.contains("/echo"));
    EXPECT_STATUS(anon.get("/approve/" + p.txn + "/app.js"), 200);
    EXPECT_ERROR(anon.get("/approve/" + p.txn + "/details"), 401, u"unauthorized"_s);
    EXPECT_ERROR(anon.post("/approve/" + p.txn + "/approve"), 401, u"unauthorized"_s);
    EXPECT_ERROR(anon.get("/approve/not-a-transaction"), 404, u"not_found"_s);
    const HttpResponse details = w.admin.get("/approve/" + p.txn + "/details");
    EXPECT_STATUS(details, 200);
    QCOMPARE(details.json().value(u"target"_s).toString().toLatin1(), w.upstream.url("/echo"));
    const HttpResponse approved = w.admin.post("/approve/" + p.txn + "/approve");
    EXPECT_STATUS(approved, 200);
    QCOMPARE(approved.json().value(u"decided_via"_s).toString(), u"link"_s);
    QCOMPARE(pollUntilFinal(w.tapd.port(), w.key, p.txn).value(u"status"_s).toString(),
             u"forwarded"_s);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::inboxLongPoll()
{
    World w;
    QVERIFY(setUp(w, u"appr6"_s));
    const HttpResponse first = w.admin.get("/admin/approvals");
    EXPECT_STATUS(first, 200);
    const QByteArray cursor = first.json().value(u"cursor"_s).toString().toLatin1();
    QVERIFY(!cursor.isEmpty());
    EXPECT_ERROR(w.admin.get("/admin/approvals?wait=600&cursor=" + cursor), 400,
                 u"invalid_request"_s);
    EXPECT_ERROR(w.admin.get("/admin/approvals?status=bogus"), 400, u"invalid_request"_s);

    // Nothing new: the long-poll waits its time out.
    QElapsedTimer t;
    t.start();
    const HttpResponse quiet = w.admin.get("/admin/approvals?wait=1&cursor=" + cursor);
    EXPECT_STATUS(quiet, 200);
    QVERIFY2(t.elapsed() >= 900, qPrintable(QString::number(t.elapsed())));

    // A new request wakes it.
    std::atomic<qint64> parkedAt{ 0 };
    QElapsedTimer clock;
    clock.start();
    std::thread agent([&] {
        QThread::msleep(500);
        parkedAt = clock.elapsed();
        const HttpResponse r = forward(
                w.tapd.port(), Call(w.key, "api", w.upstream.url("/echo"), "POST", {}, "x"));
        if (r.status != 202)
            parkedAt = -1;
    });
    const HttpResponse woke = w.admin.get("/admin/approvals?wait=20&cursor=" + cursor);
    const qint64 wokeAt = clock.elapsed();
    agent.join();
    EXPECT_STATUS(woke, 200);
    QVERIFY(parkedAt > 0);
    QCOMPARE(woke.json().value(u"items"_s).toArray().size(), 1);
    qInfo("agent's 202 → inbox long-poll returns it: %lld ms (upper bound, incl. the request)",
          wokeAt - parkedAt);
    QVERIFY2(wokeAt - parkedAt < 1000, qPrintable(QString::number(wokeAt - parkedAt)));
    // A decision wakes the next poll too.
    const QByteArray next = woke.json().value(u"cursor"_s).toString().toLatin1();
    const QByteArray txn = woke.json()
                                   .value(u"items"_s)
                                   .toArray()
                                   .first()
                                   .toObject()
                                   .value(u"id"_s)
                                   .toString()
                                   .toLatin1();
    std::thread decider([&] {
        QThread::msleep(300);
        w.admin.post("/admin/approvals/" + txn + "/deny");
    });
    t.restart();
    const HttpResponse after = w.admin.get("/admin/approvals?status=all&wait=20&cursor=" + next);
    decider.join();
    EXPECT_STATUS(after, 200);
    QVERIFY(t.elapsed() < 5000);
    QCOMPARE(after.json()
                     .value(u"items"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"status"_s)
                     .toString(),
             u"denied"_s);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::recheckBeforeSending()
{
    World w;
    QVERIFY(setUp(w, u"appr7"_s));
    const Parked disabled = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    const Parked narrowed = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    // The credential may no longer go to that host: the approved request fails, unsent.
    QVERIFY(w.admin.patch("/admin/credentials/api",
                          { { u"allowed_hosts"_s, strings({ u"api.example.com"_s }) } })
                    .status
            == 200);
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + narrowed.txn + "/approve"), 200);
    const QJsonObject n = pollUntilFinal(w.tapd.port(), w.key, narrowed.txn);
    QCOMPARE(n.value(u"status"_s).toString(), u"failed"_s);
    QCOMPARE(n.value(u"response"_s).toObject().value(u"status"_s).toInt(), 403);
    QCOMPARE(w.upstream.count(), 0);
    // The agent is disabled meanwhile: its waiting request is cancelled (failed, unsent, no
    // longer decidable; tst_approvals_agents has the details); its poll itself is refused.
    QVERIFY(w.admin.patch("/admin/credentials/api",
                          { { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } })
                    .status
            == 200);
    EXPECT_STATUS(w.admin.post("/admin/agents/bot/disable"), 200);
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + disabled.txn + "/approve"), 409, u"conflict"_s);
    QCOMPARE(w.admin.get("/admin/approvals/" + disabled.txn).json().value(u"status"_s).toString(),
             u"failed"_s);
    QCOMPARE(w.upstream.count(), 0);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::expiry()
{
    QProcessEnvironment env;
    env.insert(u"TAP_APPROVAL_TIMEOUT_S"_s, u"1"_s);
    env.insert(u"TAP_HOUSEKEEPING_INTERVAL_MS"_s, u"100"_s);
    World w(env);
    QVERIFY(setUp(w, u"appr8"_s));
    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    QTRY_COMPARE_WITH_TIMEOUT(poll(w.tapd.port(), w.key, p.txn).value(u"status"_s).toString(),
                              u"expired"_s, kSettleMs);
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + p.txn + "/approve"), 409, u"conflict"_s);
    QCOMPARE(w.upstream.count(), 0);
    // The expiry is in the trail, written by the housekeeping job.
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const QJsonObject &r : withRequestId(auditItems(w.admin), p.requestId)) {
                    if (r.value(u"decision"_s).toString() == u"expired"_s)
                        return true;
                }
                return false;
            }(),
            kSettleMs);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::restartBetweenParkAndApproval()
{
    World w;
    QVERIFY(setUp(w, u"appr9"_s));
    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"), "PUT", "payload-1");
    RETURN_IF_FAILED();
    EXPECT_CLEAN_STOP(w.tapd);
    QVERIFY(w.tapd.restart());
    w.admin = w.tapd.client(w.owner.token);
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + p.txn + "/approve"), 200);
    const QJsonObject final = pollUntilFinal(w.tapd.port(), w.key, p.txn);
    QCOMPARE(final.value(u"status"_s).toString(), u"forwarded"_s);
    QCOMPARE(w.upstream.count(), 1);
    const QJsonObject seen = w.upstream.since(0).first().toObject();
    QCOMPARE(seen.value(u"method"_s).toString(), u"PUT"_s);
    QCOMPARE(seen.value(u"body"_s).toString(), u"payload-1"_s);
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovals::twoProcessesForwardOnce()
{
    World w;
    QVERIFY(setUp(w, u"appr10"_s));
    Tapd second;
    QVERIFY(second.startSharing(w.tapd));
    const HttpClient admin2 = second.client(w.owner.token);
    for (int round = 0; round < 5; ++round) {
        const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
        RETURN_IF_FAILED();
        std::atomic<int> ok{ 0 }, conflict{ 0 };
        auto approve = [&](const HttpClient &c) {
            const int s = c.post("/admin/approvals/" + p.txn + "/approve").status;
            (s == 200 ? ok : conflict)++;
        };
        std::thread a([&] { approve(w.admin); });
        std::thread b([&] { approve(admin2); });
        a.join();
        b.join();
        QCOMPARE(ok.load(), 1);
        QCOMPARE(conflict.load(), 1);
        QCOMPARE(pollUntilFinal(second.port(), w.key, p.txn).value(u"status"_s).toString(),
                 u"forwarded"_s);
        QCOMPARE(w.upstream.count(), round + 1);
    }
    EXPECT_CLEAN_STOP(second);
    EXPECT_CLEAN_STOP(w.tapd);
}

// #15 item 4, destinations approved by a human: a credential created without api_base or
// allowed_hosts (every example of multi-account.txt) is neither sent to a host automatically
// nor refused: the first use of a host waits for a human whatever the policy says. Approved
// once, the host stays new; approved with allow_host, it joins allowed_hosts (an admin audit
// record) and the next request goes through under the policy. Metadata addresses stay refused.
void TestApprovals::newHostNeedsApproval()
{
    World w;
    QVERIFY(setUp(w, u"appr-host"_s));
    EXPECT_STATUS(w.admin.post("/admin/credentials",
                               { { u"name"_s, u"fresh"_s },
                                 { u"description"_s, u"no hosts yet"_s },
                                 { u"value"_s, u"sk-fresh-value-0123456789"_s } }),
                  201);
    QVERIFY(autoApprove(w.admin, u"fresh"_s)); // the policy alone would send everything
    const QByteArray key = addAgent(w.admin, u"host-bot"_s, { u"fresh"_s, u"api"_s });
    RETURN_IF_FAILED();
    const quint16 port = w.tapd.port();
    const QByteArray target = w.upstream.url("/echo");

    const Parked once = park(port, key, "fresh", target, "GET", {});
    RETURN_IF_FAILED();
    QCOMPARE(w.upstream.count(), 0);
    const QJsonObject view = w.admin.get("/admin/approvals/" + once.txn).json();
    QCOMPARE(view.value(u"notice"_s).toString(),
             u"First use of host 127.0.0.1 with credential fresh."_s);
    const QJsonArray hosts = view.value(u"new_hosts"_s).toArray();
    QCOMPARE(hosts.size(), 1);
    QCOMPARE(hosts.first()[u"credential"_s].toString(), u"fresh"_s);
    QCOMPARE(hosts.first()[u"host"_s].toString(), u"127.0.0.1"_s);

    // Approved once: sent, and the host is still new.
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + once.txn + "/approve"), 200);
    QCOMPARE(pollUntilFinal(port, key, once.txn).value(u"status"_s).toString(), u"forwarded"_s);
    QCOMPARE(w.upstream.count(), 1);
    QVERIFY(w.admin.get("/admin/credentials/fresh").json()[u"allowed_hosts"_s].toArray().isEmpty());

    // Approved with allow_host: sent, the host joins allowed_hosts, the change is audited.
    const Parked again = park(port, key, "fresh", target, "GET", {});
    RETURN_IF_FAILED();
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + again.txn + "/approve",
                              { { u"allow_hosts"_s, true } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + again.txn + "/approve",
                              { { u"allow_host"_s, u"yes"_s } }),
                 400, u"invalid_request"_s);
    QCOMPARE(poll(port, key, again.txn).value(u"status"_s).toString(), u"pending"_s);
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + again.txn + "/approve",
                               { { u"allow_host"_s, true } }),
                  200);
    QCOMPARE(pollUntilFinal(port, key, again.txn).value(u"status"_s).toString(), u"forwarded"_s);
    QCOMPARE(w.upstream.count(), 2);
    const QJsonArray allowed =
            w.admin.get("/admin/credentials/fresh").json()[u"allowed_hosts"_s].toArray();
    QCOMPARE(allowed, QJsonArray{ u"127.0.0.1"_s });
    const QList<QJsonObject> changes =
            auditItems(w.admin, "kind=admin&action=credential.allow_host");
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.first().value(u"target"_s).toString(), u"fresh"_s);
    QCOMPARE(changes.first().value(u"actor"_s).toString(), w.owner.email);
    QCOMPARE(changes.first()[u"detail"_s][u"host"_s].toString(), u"127.0.0.1"_s);

    // Now the policy decides alone.
    EXPECT_FWD(forward(port, { key, "fresh", target, "GET" }), 200, QString());
    QCOMPARE(w.upstream.count(), 3);

    // allow_host on a request that goes to no new host: refused, still pending.
    const Parked known = park(port, key, "api", target);
    RETURN_IF_FAILED();
    QVERIFY(w.admin.get("/admin/approvals/" + known.txn)
                    .json()[u"new_hosts"_s]
                    .toArray()
                    .isEmpty());
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + known.txn + "/approve",
                              { { u"allow_host"_s, true } }),
                 400, u"invalid_request"_s);
    QCOMPARE(poll(port, key, known.txn).value(u"status"_s).toString(), u"pending"_s);

    // Cloud metadata is never a new host to approve: refused at once.
    EXPECT_FWD(forward(port, { key, "fresh", "http://169.254.169.254/latest/meta-data/", "GET" }),
               403, u"target_not_allowed"_s);
    QCOMPARE(w.upstream.count(), 3);
}

QTEST_GUILESS_MAIN(TestApprovals)
#include "tst_approvals.moc"
