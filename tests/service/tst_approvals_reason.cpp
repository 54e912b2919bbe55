// Deny with a reason and what the approval card reads (issue #18, README "Human approval"),
// against the real tapd and the fake upstream, on both backends: the approver's reason is
// checked (length, control characters: the JSON error shape), scrubbed of the request's
// credential values, stored with the decision, audited and carried by the agent's poll answer
// (with the channel, never the approver's identity); the list tells who may decide and whether
// the host is new for the credential.
#include "support/approvalfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

struct World
{
    Tapd tapd{ true };
    Upstream upstream;
    Account owner;
    HttpClient admin{ 0 };
    QByteArray key; // agent "bot" with credential "api" (no policy: everything waits)
    QByteArray secret = "sk-reason-secret-0123456789abcdef";
};

bool setUp(World &w, const QString &team)
{
    if (!w.upstream.start() || !w.tapd.start())
        return false;
    w.owner = signUp(w.tapd, team, team + u"@example.test"_s);
    if (w.owner.token.isEmpty())
        return false;
    w.admin = w.tapd.client(w.owner.token);
    if (!addApiCredential(w.admin, u"api"_s, text(w.secret)))
        return false;
    w.key = addAgent(w.admin, u"bot"_s, { u"api"_s });
    return !w.key.isEmpty();
}

QJsonObject deniedRecord(const HttpClient &admin, const QByteArray &requestId)
{
    for (const QJsonObject &r : withRequestId(auditItems(admin), requestId)) {
        if (r.value(u"decision"_s).toString() == u"denied"_s)
            return r;
    }
    return {};
}

} // namespace

class TestApprovalsReason : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void denyReasonReachesAgent();
    void badReasonsRefused();
    void reasonIsScrubbed();
    void approvalPageDenyReason();
    void cardFields();
};

void TestApprovalsReason::denyReasonReachesAgent()
{
    World w;
    QVERIFY(setUp(w, u"reason1"_s));
    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    const QString why = u"  Not during the release freeze — ask in #ops (ünïcode ok).  "_s;
    // A reason goes with deny only.
    EXPECT_ERROR(w.admin.post("/admin/approvals/" + p.txn + "/approve", { { u"reason"_s, why } }),
                 400, u"invalid_request"_s);
    const HttpResponse denied =
            w.admin.post("/admin/approvals/" + p.txn + "/deny", { { u"reason"_s, why } });
    EXPECT_STATUS(denied, 200);
    QCOMPARE(denied.json().value(u"decision_reason"_s).toString(), why.trimmed());

    const QJsonObject answer = poll(w.tapd.port(), w.key, p.txn);
    QCOMPARE(answer.value(u"status"_s).toString(), u"denied"_s);
    QCOMPARE(answer.value(u"reason"_s).toString(), why.trimmed());
    QCOMPARE(answer.value(u"decided_via"_s).toString(), u"admin"_s);
    const QJsonObject error = answer.value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"approval_denied"_s);
    QCOMPARE(error.value(u"reason"_s).toString(), why.trimmed());
    QVERIFY(error.value(u"message"_s).toString().contains(u"release freeze"_s));
    // The agent learns the channel, not who the approver is.
    QVERIFY(!QJsonDocument(answer).toJson().contains(w.owner.email.toUtf8()));

    // Stored with the decision: the inbox shows it, the audit record holds it.
    const QJsonObject view = w.admin.get("/admin/approvals/" + p.txn).json();
    QCOMPARE(view.value(u"decision_reason"_s).toString(), why.trimmed());
    const QJsonObject record = deniedRecord(w.admin, p.requestId);
    QCOMPARE(record.value(u"approver"_s).toString(), w.owner.email);
    QCOMPARE(record.value(u"detail"_s).toObject().value(u"decision_reason"_s).toString(),
             why.trimmed());

    // Without a reason (no body, as before): denied, no reason anywhere.
    const Parked plain = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    EXPECT_STATUS(w.admin.post("/admin/approvals/" + plain.txn + "/deny"), 200);
    const QJsonObject bare = poll(w.tapd.port(), w.key, plain.txn);
    QCOMPARE(bare.value(u"status"_s).toString(), u"denied"_s);
    QVERIFY(!bare.contains(u"reason"_s));
    QCOMPARE(bare.value(u"error"_s).toObject().value(u"message"_s).toString(),
             u"An approver denied this request."_s);
    QVERIFY(w.admin.get("/admin/approvals/" + plain.txn)
                    .json()
                    .value(u"decision_reason"_s)
                    .isNull());
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovalsReason::badReasonsRefused()
{
    World w;
    QVERIFY(setUp(w, u"reason2"_s));
    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    const QByteArray path = "/admin/approvals/" + p.txn + "/deny";
    const QList<QJsonObject> bad{
        { { u"reason"_s, QString(501, u'x') } },
        { { u"reason"_s, u"line one\nline two"_s } },
        { { u"reason"_s, u"tab\there"_s } },
        { { u"reason"_s, u"bell\u0007"_s } },
        { { u"reason"_s, u"escape \u001b[31mred"_s } },
        { { u"reason"_s, u"looks \u202Eeslaf"_s } },
        { { u"reason"_s, u"del\u007F"_s } },
        { { u"reason"_s, u"c1\u0085"_s } },
        { { u"reason"_s, 42 } },
        { { u"reason"_s, QJsonArray{ u"a"_s } } },
        { { u"why"_s, u"unknown field"_s } },
    };
    for (const QJsonObject &body : bad) {
        const HttpResponse r = w.admin.post(path, body);
        EXPECT_ERROR(r, 400, u"invalid_request"_s);
        QVERIFY2(r.json().value(u"error"_s).toObject().value(u"message"_s).isString(),
                 r.body.constData());
    }
    EXPECT_ERROR(w.admin.request("POST", path,
                                 "{\"reason\": ", { { "Content-Type", "application/json" } }),
                 400, u"invalid_request"_s);
    // Nothing was decided by any of them.
    QCOMPARE(poll(w.tapd.port(), w.key, p.txn).value(u"status"_s).toString(), u"pending"_s);
    // 500 characters is the limit, not beyond.
    const QString longest(500, u'y');
    const HttpResponse ok = w.admin.post(path, { { u"reason"_s, longest } });
    EXPECT_STATUS(ok, 200);
    QCOMPARE(poll(w.tapd.port(), w.key, p.txn).value(u"reason"_s).toString(), longest);
    EXPECT_CLEAN_STOP(w.tapd);
}

// The reason reaches the agent: a credential value pasted into it (by mistake or on purpose)
// is redacted before it is stored, as in a response.
void TestApprovalsReason::reasonIsScrubbed()
{
    World w;
    QVERIFY(setUp(w, u"reason3"_s));
    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    const QString why = u"use the key "_s + text(w.secret) + u" yourself"_s;
    const HttpResponse denied =
            w.admin.post("/admin/approvals/" + p.txn + "/deny", { { u"reason"_s, why } });
    EXPECT_STATUS(denied, 200);
    QVERIFY2(!denied.body.contains(w.secret), denied.body.constData());
    const HttpResponse answer = pollResponse(w.tapd.port(), w.key, p.txn);
    QVERIFY2(!answer.body.contains(w.secret), answer.body.constData());
    const QString told = answer.json().value(u"reason"_s).toString();
    QVERIFY2(told.contains(u"[REDACTED:api]"_s) && told.startsWith(u"use the key "_s),
             qPrintable(told));
    const HttpResponse audit = w.admin.get("/admin/audit?kind=forward&limit=1000");
    QVERIFY(!audit.body.contains(w.secret));
    QVERIFY(!w.admin.get("/admin/approvals?status=all").body.contains(w.secret));
    EXPECT_CLEAN_STOP(w.tapd);
}

void TestApprovalsReason::approvalPageDenyReason()
{
    World w;
    QVERIFY(setUp(w, u"reason4"_s));
    const Parked p = park(w.tapd.port(), w.key, "api", w.upstream.url("/echo"));
    RETURN_IF_FAILED();
    EXPECT_ERROR(w.admin.post("/approve/" + p.txn + "/deny", { { u"reason"_s, u"a\rb"_s } }), 400,
                 u"invalid_request"_s);
    EXPECT_STATUS(w.admin.post("/approve/" + p.txn + "/deny", { { u"reason"_s, u"wrong repo"_s } }),
                  200);
    const QJsonObject answer = poll(w.tapd.port(), w.key, p.txn);
    QCOMPARE(answer.value(u"reason"_s).toString(), u"wrong repo"_s);
    QCOMPARE(answer.value(u"decided_via"_s).toString(), u"link"_s);
    EXPECT_CLEAN_STOP(w.tapd);
}

// What the card reads of a pending request: deciders and host_is_new.
void TestApprovalsReason::cardFields()
{
    World w;
    QVERIFY(setUp(w, u"reason5"_s));
    EXPECT_STATUS(w.admin.post("/admin/credentials",
                               { { u"name"_s, u"fresh"_s },
                                 { u"description"_s, u"no hosts yet"_s },
                                 { u"value"_s, u"sk-fresh-value-0123456789"_s } }),
                  201);
    const QByteArray key = addAgent(w.admin, u"card-bot"_s, { u"fresh"_s, u"api"_s });
    RETURN_IF_FAILED();
    const Parked known = park(w.tapd.port(), key, "api", w.upstream.url("/echo"));
    const Parked fresh = park(w.tapd.port(), key, "fresh", w.upstream.url("/echo"), "GET", {});
    RETURN_IF_FAILED();
    const auto item = [&](const QByteArray &txn) {
        const QJsonArray items =
                w.admin.get("/admin/approvals?status=pending").json()[u"items"_s].toArray();
        for (const QJsonValue &v : items) {
            if (v[u"id"_s].toString().toLatin1() == txn)
                return v.toObject();
        }
        return QJsonObject();
    };
    QCOMPARE(item(known.txn).value(u"host_is_new"_s).toBool(), false);
    QCOMPARE(item(fresh.txn).value(u"host_is_new"_s).toBool(), true);
    // No policy names approvers: anyone in the team (an empty list).
    QVERIFY(item(known.txn).value(u"deciders"_s).isArray());
    QVERIFY(item(known.txn).value(u"deciders"_s).toArray().isEmpty());
    QVERIFY(setPolicy(
            w.admin, u"api"_s,
            { { u"allowed_approvers"_s, strings({ w.owner.email, u"carol@example.test"_s }) } }));
    const QJsonArray deciders = item(known.txn).value(u"deciders"_s).toArray();
    QCOMPARE(deciders.size(), 2);
    QCOMPARE(deciders.at(0).toString(), w.owner.email);
    QCOMPARE(deciders.at(1).toString(), u"carol@example.test"_s);
    // The single view says the same.
    QCOMPARE(w.admin.get("/admin/approvals/" + known.txn).json()[u"deciders"_s].toArray(),
             deciders);
    EXPECT_CLEAN_STOP(w.tapd);
}

QTEST_GUILESS_MAIN(TestApprovalsReason)
#include "tst_approvals_reason.moc"
