// How `tap test` reads tapd's answer and audit record as per-step verdicts (cli/forwardprobe.h),
// without sockets: tapd's own refusals by step, an upstream's look-alike answers (its own JSON
// error, its own 202) not mistaken for tapd's, and the step table.
#include "forwardprobe.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::cli::probe;

namespace {

Answer answer(int status, const QJsonObject &body = {})
{
    Answer a;
    a.status = status;
    a.requestId = "0f6b5c1e-0000-4000-8000-000000000001";
    a.body = body;
    return a;
}

QJsonObject tapdError(const QString &code, const QString &message)
{
    return { { u"error"_s, QJsonObject{ { u"code"_s, code }, { u"message"_s, message } } } };
}

QStringList verdicts(const Verdicts &v)
{
    QStringList out;
    for (const QJsonValue &s : steps(v))
        out << s[u"verdict"_s].toString();
    return out;
}

} // namespace

class TestCliProbe : public QObject
{
    Q_OBJECT

private slots:
    void refusalsByStep_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("step");
        QTest::newRow("key") << u"unauthorized"_s << u"The X-TAP-Key is not valid."_s << u"key"_s;
        QTest::newRow("grant") << u"credential_not_allowed"_s << u"This agent may not."_s
                               << u"grant"_s;
        QTest::newRow("no value") << u"invalid_request"_s
                                  << u"The credential \"x\" has no value yet."_s << u"grant"_s;
        QTest::newRow("host") << u"target_not_allowed"_s << u"May not be sent."_s << u"host"_s;
        QTest::newRow("rate") << u"rate_limited"_s << u"Rate limit reached."_s << u"rate"_s;
        QTest::newRow("upstream") << u"upstream_timeout"_s << u"No answer."_s << u"upstream"_s;
    }
    void refusalsByStep()
    {
        QFETCH(QString, code);
        QFETCH(QString, message);
        QFETCH(QString, step);
        // Without a session (no audit record): the error code of the answer.
        const Verdicts v = classify(answer(400, tapdError(code, message)), {});
        QCOMPARE(v.outcome, u"refused"_s);
        QCOMPARE(v.refusedAt, step);
        QCOMPARE(v.errorCode, code);
        const QStringList all = verdicts(v);
        const qsizetype at = stepNames().indexOf(step);
        QCOMPARE(all.at(at), u"refused"_s);
        for (qsizetype i = 0; i < at; ++i)
            QCOMPARE(all.at(i), u"ok"_s);
        for (qsizetype i = at + 1; i < all.size(); ++i)
            QCOMPARE(all.at(i), u"not reached"_s);
    }

    // The audit record decides: an upstream's own {"error": …} or 202 is the upstream's.
    void upstreamLookAlikes()
    {
        const QJsonObject forwarded{ { u"decision"_s, u"auto"_s },
                                     { u"reason"_s, u"auto_approve_method"_s },
                                     { u"upstream_status"_s, 429 } };
        Verdicts v = classify(answer(429, tapdError(u"rate_limited"_s, u"slow down"_s)), forwarded);
        QCOMPARE(v.outcome, u"forwarded"_s);
        QCOMPARE(v.upstreamStatus, 429);
        QCOMPARE(verdicts(v),
                 QStringList({ u"ok"_s, u"ok"_s, u"ok"_s, u"ok"_s, u"ok"_s, u"429"_s }));
        const QJsonObject pendingBody{ { u"status"_s, u"pending"_s }, { u"txn_id"_s, u"t1"_s } };
        QJsonObject accepted = forwarded;
        accepted.insert(u"upstream_status"_s, 202);
        v = classify(answer(202, pendingBody), accepted);
        QCOMPARE(v.outcome, u"forwarded"_s);
        QCOMPARE(v.upstreamStatus, 202);
        // Without the record, an answer that is not tapd's shape is the upstream's.
        v = classify(answer(404, { { u"error"_s, u"not found"_s } }), {});
        QCOMPARE(v.outcome, u"forwarded"_s);
        QCOMPARE(v.upstreamStatus, 404);
        v = classify(answer(400, tapdError(u"some_upstream_code"_s, u"x"_s)), {});
        QCOMPARE(v.outcome, u"forwarded"_s);
    }

    void recordedRefusalAndApproval()
    {
        // A rejection in the trail names the step even when the answer's code is generic.
        const QJsonObject disabled{ { u"decision"_s, u"rejected"_s },
                                    { u"reason"_s, u"agent_disabled"_s } };
        Verdicts v = classify(answer(403, tapdError(u"forbidden"_s, u"This agent is disabled."_s)),
                              disabled);
        QCOMPARE(v.refusedAt, u"key"_s);
        QCOMPARE(v.errorCode, u"forbidden"_s);
        // Parked for approval: the policy step says so, the upstream was not reached.
        const QJsonObject parked{ { u"status"_s, 202 },
                                  { u"detail"_s, QJsonObject{ { u"approval"_s, u"pending"_s } } } };
        v = classify(answer(202, { { u"status"_s, u"pending"_s }, { u"txn_id"_s, u"t2"_s } }),
                     parked);
        QCOMPARE(v.outcome, u"approval_required"_s);
        v.approvalId = u"t2"_s;
        QCOMPARE(verdicts(v),
                 QStringList({ u"ok"_s, u"ok"_s, u"ok"_s, u"ok"_s, u"approval required"_s,
                               u"not reached"_s }));
        QVERIFY(steps(v).at(4)[u"detail"_s].toString().contains(u"t2"_s));
    }

    void summaries()
    {
        QJsonObject o{ { u"outcome"_s, u"forwarded"_s },
                       { u"credential"_s, u"github"_s },
                       { u"upstream_status"_s, 401 },
                       { u"request_id"_s, u"r1"_s },
                       { u"agent"_s,
                         QJsonObject{ { u"temporary"_s, true },
                                      { u"id"_s, u"tap-test-1"_s },
                                      { u"deleted"_s, true } } } };
        QString s = summary(o);
        QVERIFY2(s.contains(u"HTTP 401"_s) && s.contains(u"set-value github"_s)
                         && s.contains(u"tap-test-1 was deleted"_s),
                 qPrintable(s));
        o.insert(u"outcome"_s, u"approval_required"_s);
        o.insert(u"approval"_s, QJsonObject{ { u"txn_id"_s, u"t3"_s }, { u"cancelled"_s, false } });
        s = summary(o);
        QVERIFY2(s.contains(u"tap approval deny t3"_s), qPrintable(s));
    }
};

QTEST_GUILESS_MAIN(TestCliProbe)
#include "tst_cli_probe.moc"
