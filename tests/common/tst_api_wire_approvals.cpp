// The typed wire contract of approval requests (common/api/approval.h): the decode → encode round
// trip of an approval and of the inbox list, the exact keys tapd has always answered (nulls for
// unset fields, the id twice), and GET /admin/approvals' query: every accepted form and each
// refusal with the text tapd has always answered. No sockets.

#include "api/approval.h"
#include "api/keys.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using tap::core::ErrorCode;
namespace api = tap::api;

namespace {

api::Approval sample()
{
    api::Approval a;
    a.id = u"0b4c6a8e-1d2f-4a5b-8c9d-0e1f2a3b4c5d"_s;
    a.status = api::ApprovalStatus::Forwarded;
    a.teamId = u"t1"_s;
    a.agentId = u"bot"_s;
    a.agentName = u"bot"_s;
    a.agentHomeTeamId = u"t0"_s;
    a.credential = u"slack,github"_s;
    a.method = u"POST"_s;
    a.target = u"https://slack.com/api/chat.postMessage"_s;
    a.bodyPreview = u"{\"text\":\"[REDACTED:slack]\"}"_s;
    a.requirePasskey = true;
    a.canDecide = false;
    a.createdAt = u"2026-12-07T05:00:00.000Z"_s;
    a.expiresAt = u"2026-12-07T05:15:00.000Z"_s;
    a.decidedBy = u"owner@example.com"_s;
    a.decidedVia = u"passkey"_s;
    a.decidedAt = u"2026-12-07T05:01:00.000Z"_s;
    a.responseStatus = 200;
    a.approvalUrl = u"https://tap.example.test/approve/0b4c6a8e-1d2f-4a5b-8c9d-0e1f2a3b4c5d"_s;
    a.decisionReason = u"not today"_s;
    a.deciders = { u"owner@example.com"_s, u"@ops:matrix.test"_s };
    return a;
}

} // namespace

class TestApiWireApprovals : public QObject
{
    Q_OBJECT

private slots:
    void approvalRoundTrip();
    void approvalShape();
    void approvalDecodeIsLenient();
    void listRoundTrip();
    void query_data();
    void query();
    void queryErrors_data();
    void queryErrors();
    void queryEncodeRoundTrip();
    void denyInput_data();
    void denyInput();
};

void TestApiWireApprovals::approvalRoundTrip()
{
    const api::Approval a = sample();
    QCOMPARE(api::Approval::decode(a.encode()), a);
    api::Approval pending;
    pending.id = u"p"_s;
    QCOMPARE(api::Approval::decode(pending.encode()), pending);
}

// The keys and values tapd has always answered: nulls for what is unset, the id also as txn_id.
void TestApiWireApprovals::approvalShape()
{
    const QJsonObject full = sample().encode();
    QCOMPARE(full.value(u"txn_id"_s).toString(), full.value(u"id"_s).toString());
    QCOMPARE(full.value(u"status"_s).toString(), u"forwarded"_s);
    QCOMPARE(full.value(u"response_status"_s).toInt(), 200);
    QCOMPARE(full.value(u"require_passkey"_s).toBool(), true);
    QVERIFY(full.value(u"cancel_reason"_s).isNull());
    const QStringList keys{ u"id"_s,
                            u"txn_id"_s,
                            u"status"_s,
                            u"team_id"_s,
                            u"agent_id"_s,
                            u"agent_name"_s,
                            u"agent_home_team_id"_s,
                            u"credential"_s,
                            u"method"_s,
                            u"target"_s,
                            u"body_preview"_s,
                            u"require_passkey"_s,
                            u"can_decide"_s,
                            u"created_at"_s,
                            u"expires_at"_s,
                            u"decided_by"_s,
                            u"decided_via"_s,
                            u"decided_at"_s,
                            u"response_status"_s,
                            u"cancel_reason"_s,
                            u"approval_url"_s,
                            u"new_hosts"_s, // #15 item 4
                            u"notice"_s,
                            u"host_is_new"_s, // #18: the approval card
                            u"decision_reason"_s,
                            u"deciders"_s };
    QStringList sorted = keys;
    sorted.sort();
    QCOMPARE(full.keys(), sorted);

    api::Approval bare;
    bare.id = u"x"_s;
    const QJsonObject empty = bare.encode();
    QCOMPARE(empty.keys(), sorted);
    for (const char *k :
         { "body_preview", "created_at", "expires_at", "decided_by", "decided_via", "decided_at",
           "response_status", "cancel_reason", "notice", "decision_reason" })
        QVERIFY2(empty.value(QLatin1String(k)).isNull(), k);
    QCOMPARE(empty.value(u"new_hosts"_s).toArray(), QJsonArray());
    QCOMPARE(empty.value(u"deciders"_s).toArray(), QJsonArray());
    QCOMPARE(empty.value(u"host_is_new"_s).toBool(true), false);

    // A request to hosts outside allowed_hosts: each named, with the approver's notice.
    api::Approval fresh = bare;
    fresh.newHosts = { u"slack slack.com"_s, u"gh api.github.com"_s };
    const QJsonObject withHosts = fresh.encode();
    QCOMPARE(withHosts.value(u"new_hosts"_s).toArray(),
             (QJsonArray{
                     QJsonObject{ { u"credential"_s, u"slack"_s }, { u"host"_s, u"slack.com"_s } },
                     QJsonObject{ { u"credential"_s, u"gh"_s },
                                  { u"host"_s, u"api.github.com"_s } } }));
    QCOMPARE(withHosts.value(u"notice"_s).toString(),
             u"First use of host slack.com with credential slack. First use of host "
             "api.github.com with credential gh."_s);
    QCOMPARE(api::Approval::decode(withHosts), fresh);
    QCOMPARE(withHosts.value(u"host_is_new"_s).toBool(), true);
    QCOMPARE(empty.value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(empty.value(u"can_decide"_s).toBool(true), false);
}

void TestApiWireApprovals::approvalDecodeIsLenient()
{
    const api::Approval odd = api::Approval::decode(
            QJsonObject{ { u"id"_s, u"x"_s }, { u"status"_s, u"weird"_s }, { u"extra"_s, 1 } });
    QCOMPARE(odd.id, u"x"_s);
    QCOMPARE(odd.status, api::ApprovalStatus::Failed);
    QCOMPARE(odd.responseStatus, 0);
}

void TestApiWireApprovals::listRoundTrip()
{
    api::ApprovalList list;
    list.items = { sample(), api::Approval{} };
    list.cursor = u"42"_s;
    const QJsonObject o = list.encode();
    QCOMPARE(o.value(u"cursor"_s).toString(), u"42"_s);
    QCOMPARE(o.value(u"items"_s).toArray().size(), 2);
    const api::ApprovalList back = api::ApprovalList::decode(o);
    QCOMPARE(back.items, list.items);
    QCOMPARE(back.cursor, list.cursor);
}

void TestApiWireApprovals::query_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("status"); // "" for all
    QTest::addColumn<qint64>("since");
    QTest::addColumn<int>("wait");
    QTest::addRow("empty: pending, now") << QString() << u"pending"_s << qint64(-1) << 0;
    QTest::addRow("all") << u"status=all"_s << QString() << qint64(-1) << 0;
    QTest::addRow("denied") << u"status=denied"_s << u"denied"_s << qint64(-1) << 0;
    QTest::addRow("long-poll") << u"status=pending&cursor=17&wait=60"_s << u"pending"_s
                               << qint64(17) << 60;
    QTest::addRow("wait without cursor") << u"wait=5"_s << u"pending"_s << qint64(-1) << 5;
    QTest::addRow("cursor 0") << u"cursor=0"_s << u"pending"_s << qint64(0) << 0;
}

void TestApiWireApprovals::query()
{
    QFETCH(QString, query);
    QFETCH(QString, status);
    QFETCH(qint64, since);
    QFETCH(int, wait);
    const auto q = api::ApprovalQuery::decode(QUrlQuery(query));
    QVERIFY2(q, qPrintable(q ? QString() : q.error().message()));
    QCOMPARE(q->status ? api::approvalStatusName(*q->status) : QString(), status);
    QCOMPARE(q->since, since);
    QCOMPARE(q->waitS, wait);
}

void TestApiWireApprovals::queryErrors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message");
    QTest::addRow("wait not a number") << u"wait=soon"_s << u"wait must be a number of seconds."_s;
    QTest::addRow("wait too long") << u"wait=61"_s << u"wait must be between 0 and 60 seconds."_s;
    QTest::addRow("wait negative") << u"wait=-1"_s << u"wait must be between 0 and 60 seconds."_s;
    const QString statuses =
            u"status must be one of pending, approved, forwarded, denied, expired, failed or all."_s;
    QTest::addRow("status unknown") << u"status=open"_s << statuses;
    QTest::addRow("status case") << u"status=Pending"_s << statuses;
    const QString cursor = u"cursor must be the value of a previous answer's cursor."_s;
    QTest::addRow("cursor not a number") << u"cursor=abc"_s << cursor;
    QTest::addRow("cursor negative") << u"cursor=-3"_s << cursor;
    // The order tapd has always checked in: wait's form first.
    QTest::addRow("several") << u"status=open&wait=x&cursor=y"_s
                             << u"wait must be a number of seconds."_s;
}

void TestApiWireApprovals::queryErrors()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    const auto q = api::ApprovalQuery::decode(QUrlQuery(query));
    QVERIFY(!q);
    QCOMPARE(q.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(q.error().message(), message);
}

void TestApiWireApprovals::queryEncodeRoundTrip()
{
    api::ApprovalQuery q;
    q.since = 99;
    q.waitS = 30;
    auto back = api::ApprovalQuery::decode(q.encode());
    QVERIFY(back);
    QCOMPARE(back->status, q.status);
    QCOMPARE(back->since, qint64(99));
    QCOMPARE(back->waitS, 30);
    q.status.reset();
    back = api::ApprovalQuery::decode(q.encode());
    QVERIFY(back);
    QVERIFY(!back->status);
}

// POST …/deny's body (issue #18): an optional one-line reason of at most 500 characters.
void TestApiWireApprovals::denyInput_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no body") << QJsonObject() << true << QString();
    QTest::newRow("null") << QJsonObject{ { u"reason"_s, QJsonValue() } } << true << QString();
    QTest::newRow("trimmed") << QJsonObject{ { u"reason"_s, u"  wrong repo "_s } } << true
                             << u"wrong repo"_s;
    QTest::newRow("blank") << QJsonObject{ { u"reason"_s, u"   "_s } } << true << QString();
    QTest::newRow("500") << QJsonObject{ { u"reason"_s, QString(500, u'é') } } << true
                         << QString(500, u'é');
    QTest::newRow("emoji") << QJsonObject{ { u"reason"_s, u"no 🙅‍♀️"_s } } << true
                           << u"no 🙅‍♀️"_s;
    QTest::newRow("501") << QJsonObject{ { u"reason"_s, QString(501, u'x') } } << false
                         << QString();
    for (const char16_t c :
         { u'\n', u'\r', u'\t', u'\0', u'\x1b', u'\x7f', u'\x85', u'\u202e', u'\u2066', u'\u2028' })
        QTest::addRow("char %04x", unsigned(c))
                << QJsonObject{ { u"reason"_s, QString(u"a"_s + QChar(c) + u"b"_s) } } << false
                << QString();
    QTest::newRow("trailing newline")
            << QJsonObject{ { u"reason"_s, u"no\n"_s } } << false << QString();
    QTest::newRow("trailing NEL") << QJsonObject{ { u"reason"_s, u"no\u0085"_s } } << false
                                  << QString();
    QTest::newRow("number") << QJsonObject{ { u"reason"_s, 1 } } << false << QString();
    QTest::newRow("unknown") << QJsonObject{ { u"why"_s, u"x"_s } } << false << QString();
}

void TestApiWireApprovals::denyInput()
{
    QFETCH(QJsonObject, body);
    QFETCH(bool, ok);
    QFETCH(QString, reason);
    const auto in = api::DenyInput::decode(body);
    QCOMPARE(bool(in), ok);
    if (ok)
        QCOMPARE(in->reason, reason);
    else
        QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
}

QTEST_APPLESS_MAIN(TestApiWireApprovals)
#include "tst_api_wire_approvals.moc"
