// The typed wire contract of the audit trail (common/api/audit.h): GET /admin/audit's filters
// decoded (every filter, the defaults, each refusal in tapd's words) and encoded back, and the
// page's round trip with a null next_cursor on the last page. No sockets.

#include "api/audit.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using tap::core::ErrorCode;
namespace api = tap::api;

class TestApiWireAudit : public QObject
{
    Q_OBJECT

private slots:
    void filter();
    void filterErrors_data();
    void filterErrors();
    void page();
};

void TestApiWireAudit::filter()
{
    const auto none = api::AuditFilter::decode(QUrlQuery());
    QVERIFY(none);
    QCOMPARE(none->limit, 100);
    QCOMPARE(none->afterSeq, qint64(0));
    QCOMPARE(none->sinceMs, qint64(0));
    QVERIFY(none->encode().isEmpty());

    const auto f = api::AuditFilter::decode(
            QUrlQuery(u"kind=forward&action=a&actor=x%40example.com&agent_id=bot&credential=c&"
                      "decision=approved&since=2026-04-03T12:00:00Z&"
                      "until=2026-04-03T13:00:00.500Z&limit=1000&cursor=7"_s));
    QVERIFY2(f, qPrintable(f ? QString() : f.error().message()));
    QCOMPARE(f->kind, u"forward"_s);
    QCOMPARE(f->actor, u"x@example.com"_s);
    QCOMPARE(f->agentId, u"bot"_s);
    QCOMPARE(f->decision, u"approved"_s);
    QCOMPARE(f->sinceMs, qint64(1775217600000));
    QCOMPARE(f->untilMs, qint64(1775221200500));
    QCOMPARE(f->limit, 1000);
    QCOMPARE(f->afterSeq, qint64(7));
    const auto back = api::AuditFilter::decode(f->encode());
    QVERIFY(back);
    QCOMPARE(back->encode().toString(), f->encode().toString());
    QCOMPARE(back->sinceMs, f->sinceMs);
    QCOMPARE(back->untilMs, f->untilMs);
}

void TestApiWireAudit::filterErrors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown filter")
            << u"team_id=x"_s
            << u"Unknown filter \"team_id\"; accepted: kind, action, actor, agent_id, "
               "credential, decision, since, until, limit, cursor."_s;
    QTest::addRow("since not a time")
            << u"since=yesterday"_s
            << u"since must be an RFC 3339 time such as 2026-04-03T12:00:00Z."_s;
    QTest::addRow("until not a time")
            << u"until=2026-13-01"_s
            << u"until must be an RFC 3339 time such as 2026-04-03T12:00:00Z."_s;
    QTest::addRow("limit 0") << u"limit=0"_s << u"limit must be between 1 and 1000."_s;
    QTest::addRow("limit too big") << u"limit=1001"_s << u"limit must be between 1 and 1000."_s;
    QTest::addRow("limit text") << u"limit=all"_s << u"limit must be between 1 and 1000."_s;
    QTest::addRow("cursor negative")
            << u"cursor=-1"_s << u"cursor must be a value from next_cursor."_s;
    QTest::addRow("cursor text") << u"cursor=x"_s << u"cursor must be a value from next_cursor."_s;
}

void TestApiWireAudit::filterErrors()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    const auto f = api::AuditFilter::decode(QUrlQuery(query));
    QVERIFY(!f);
    QCOMPARE(f.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(f.error().message(), message);
}

void TestApiWireAudit::page()
{
    api::AuditPage p;
    p.items = { QJsonObject{ { u"seq"_s, 1 } }, QJsonObject{ { u"seq"_s, 2 } } };
    p.nextCursor = u"2"_s;
    const QJsonObject o = p.encode();
    QCOMPARE(o.value(u"items"_s).toArray().size(), 2);
    QCOMPARE(o.value(u"next_cursor"_s).toString(), u"2"_s);
    const api::AuditPage back = api::AuditPage::decode(o);
    QCOMPARE(back.items, p.items);
    QCOMPARE(back.nextCursor, p.nextCursor);
    p.nextCursor.clear();
    QVERIFY(p.encode().value(u"next_cursor"_s).isNull());
    QVERIFY(p.encode().contains(u"next_cursor"_s));
}

QTEST_APPLESS_MAIN(TestApiWireAudit)
#include "tst_api_wire_audit.moc"
