// End-to-end tests of tapd's data plane (POST /forward, CONTRACT.md) against the real tapd
// binary and a local fake upstream, on both backends (global rows "sqlite" and "postgres"):
// the audit trail and its durability across kill -9. The fixture is
// support/forwardfixture.h.
#include "support/forwardfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <memory>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardAudit : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSuite(); }
    // The last word on this file's tapds: no secret in any trail, and a clean stop.
    void cleanupTestCase() { finishSuite(); }

    void auditRecords();
    void durability();
};

// ---------------------------------------------------------------------------------------------
// The audit trail: one record per request, CONTRACT.md fields, in the database, the file and
// the export alike.

void TestForwardAudit::auditRecords()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const quint16 port = f->tapd.port();
    QVERIFY(addCredential(f->secrets, admin, u"aud-cred"_s, canary(*f)));
    QVERIFY(addCredential(f->secrets, admin, u"aud-ungranted"_s, canary(*f)));
    QVERIFY(setPolicy(admin, u"aud-cred"_s,
                      { { u"auto_approve_methods"_s, strings({ u"GET"_s }) },
                        { u"require_approval_methods"_s, strings({ u"POST"_s }) } }));
    const QByteArray key = addAgent(admin, u"aud-agent"_s, { u"aud-cred"_s }, {}, 4);
    RETURN_IF_FAILED();
    f->keys[u"aud"_s] = key;

    struct Expect
    {
        HttpResponse response;
        QString credential;
        QString method;
        QByteArray target;
        int status;
        QString decision; // empty: parked, no decision yet
        int upstreamStatus; // 0: never forwarded
    };
    QList<Expect> expects;
    const auto run = [&](const Call &call, const QString &credential, int status,
                         const QString &decision, int upstreamStatus) {
        expects.append({ forward(port, call), credential, text(call.method), call.target, status,
                         decision, upstreamStatus });
        return verifyForward(expects.last().response, status, QString(), "audited request",
                             __FILE__, __LINE__);
    };
    QVERIFY(run({ key, "aud-cred", up("/status/201"), "GET" }, u"aud-cred"_s, 201, u"auto"_s, 201));
    QVERIFY(run({ key, "aud-cred", up("/echo"), "GET" }, u"aud-cred"_s, 200, u"auto"_s, 200));
    QVERIFY(run({ key, "aud-ungranted", up("/echo"), "GET" }, u"aud-ungranted"_s, 403,
                u"rejected"_s, 0));
    QVERIFY(run({ key, "aud-cred", up("/echo"), "GET", { { "X-TAP-Bogus", "1" } } }, u"aud-cred"_s,
                400, u"rejected"_s, 0));
    QVERIFY(run({ key, "aud-cred", up("/echo"), "POST" }, u"aud-cred"_s, 202, QString(), 0));
    QVERIFY(run({ key, "aud-cred", up("/status/500"), "GET" }, u"aud-cred"_s, 500, u"auto"_s, 500));
    QVERIFY(run({ key, "aud-cred", up("/echo"), "GET" }, u"aud-cred"_s, 429, u"rejected"_s,
                0)); // 5th admitted one
    EXPECT_STATUS(admin.post("/admin/agents/aud-agent/disable"), 200);
    QVERIFY(run({ key, "aud-cred", up("/echo"), "PUT" }, u"aud-cred"_s, 403, u"rejected"_s, 0));
    EXPECT_STATUS(admin.post("/admin/agents/aud-agent/enable"), 200);

    const QList<QJsonObject> trail = auditItems(admin, "kind=forward&agent_id=aud-agent");
    RETURN_IF_FAILED();
    // One record per request, plus one: disabling the agent cancelled its parked POST, which the
    // trail records under the same request id (decision rejected, reason agent_disabled).
    QCOMPARE(trail.size(), expects.size() + 1);
    const QByteArray file = f->tapd.auditFile();
    const HttpResponse exported = admin.get("/admin/audit/export?kind=forward&agent_id=aud-agent");
    EXPECT_STATUS(exported, 200);
    for (const Expect &e : std::as_const(expects)) {
        const QByteArray id = e.response.header("X-TAP-Request-Id");
        QList<QJsonObject> found = withRequestId(trail, id);
        if (e.status == 202) {
            QVERIFY2(found.size() == 2, id.constData());
            const auto cancelled = std::find_if(found.begin(), found.end(), [](const auto &o) {
                return o.value(u"reason"_s).toString() == u"agent_disabled"_s;
            });
            QVERIFY2(cancelled != found.end(), id.constData());
            QCOMPARE(cancelled->value(u"decision"_s).toString(), u"rejected"_s);
            found.erase(cancelled);
        }
        QVERIFY2(found.size() == 1, id.constData());
        const QJsonObject r = found.first();
        const QString what = u"record of the %1 answer: %2"_s.arg(e.status).arg(
                text(QJsonDocument(r).toJson(QJsonDocument::Compact)));
        QVERIFY2(QDateTime::fromString(r.value(u"ts"_s).toString(), Qt::ISODateWithMs).isValid(),
                 qPrintable(what));
        const QList<std::pair<QString, QJsonValue>> fields{
            { u"kind"_s, u"forward"_s },       { u"team_id"_s, f->main.teamId },
            { u"agent_id"_s, u"aud-agent"_s }, { u"agent_home_team_id"_s, f->main.teamId },
            { u"credential"_s, e.credential }, { u"method"_s, e.method },
            { u"target"_s, text(e.target) },   { u"status"_s, e.status }
        };
        for (const auto &[field, value] : fields)
            QVERIFY2(r.value(field) == value, qPrintable(field + u" differs in the "_s + what));
        if (!e.decision.isEmpty())
            QVERIFY2(r.value(u"decision"_s).toString() == e.decision, qPrintable(what));
        else
            QVERIFY2(r.value(u"decision"_s).toString() != u"auto"_s, qPrintable(what));
        if (e.upstreamStatus > 0) {
            QVERIFY2(r.value(u"upstream_status"_s).toInt() == e.upstreamStatus, qPrintable(what));
            QVERIFY2(r.value(u"redactions"_s).isDouble(), qPrintable(what));
            QVERIFY2(r.value(u"upstream_latency_ms"_s).toInt(-1) >= 0, qPrintable(what));
        } else {
            QVERIFY2(r.value(u"upstream_status"_s).isNull(), qPrintable(what));
        }
        QVERIFY2(r.value(u"latency_ms"_s).toInt(-1) >= 0, qPrintable(what));
        if (e.status == 202)
            QCOMPARE(r.value(u"detail"_s).toObject().value(u"txn_id"_s).toString(),
                     e.response.json().value(u"txn_id"_s).toString());
        // The file and the export: exactly one line each, the same record.
        for (const auto &[name, lines] :
             { std::pair{ "audit file", file }, std::pair{ "export", exported.body } }) {
            QList<QJsonObject> inLines;
            for (const QByteArray &line : lines.split('\n')) {
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                const bool cancellation =
                        e.status == 202 && o.value(u"reason"_s).toString() == u"agent_disabled"_s;
                if (line.contains(id) && !cancellation)
                    inLines << o;
            }
            QVERIFY2(inLines.size() == 1, qPrintable(QString::fromLatin1(name) + u": "_s + what));
            for (const QString &field :
                 { u"team_id"_s, u"agent_id"_s, u"agent_home_team_id"_s, u"credential"_s,
                   u"method"_s, u"target"_s, u"decision"_s, u"status"_s, u"upstream_status"_s })
                QVERIFY2(inLines.first().value(field) == r.value(field),
                         qPrintable(QString::fromLatin1(name) + u" differs in "_s + field + u": "_s
                                    + what));
        }
    }
    // The echo answer held the value once: one redaction.
    QCOMPARE(withRequestId(trail, expects.at(1).response.header("X-TAP-Request-Id"))
                     .first()
                     .value(u"redactions"_s)
                     .toInt(),
             1);
    // Without a valid key there is no agent, hence no team trail to write to: nothing recorded.
    const HttpResponse anonymous = forward(port, { {}, "aud-cred", up("/echo"), "GET" });
    EXPECT_FWD(anonymous, 401, u"unauthorized"_s);
    QVERIFY(withRequestId(auditItems(admin), anonymous.header("X-TAP-Request-Id")).isEmpty());
}

// kill -9 under load: every request that got an answer has its audit record after a restart.
void TestForwardAudit::durability()
{
    FIXTURE(f);
    Tapd tapd;
    if (!tapd.start())
        return;
    const Account owner = signUp(tapd, u"durable"_s, u"durable@example.test"_s);
    RETURN_IF_FAILED();
    const HttpClient admin = tapd.client(owner.token);
    QList<Secret> secrets;
    QVERIFY(addCredential(secrets, admin, u"dur-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"dur-cred"_s));
    const QByteArray key = addAgent(admin, u"dur-agent"_s, { u"dur-cred"_s });
    RETURN_IF_FAILED();

    constexpr int threadCount = 4;
    constexpr int perThread = 75;
    const quint16 port = tapd.port();
    const QByteArray target = up("/echo");
    std::vector<std::vector<QPair<QByteArray, int>>> answered(threadCount);
    std::atomic<int> answers{ 0 };
    std::atomic<bool> killed{ false };
    std::vector<std::thread> threads;
    for (int t = 0; t < threadCount; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < perThread; ++i) {
                const HttpResponse r = forward(port, { key, "dur-cred", target, "GET" });
                if (r.status != 0) {
                    answered[size_t(t)].push_back({ r.header("X-TAP-Request-Id"), r.status });
                    ++answers;
                } else if (killed) {
                    return;
                }
            }
        });
    }
    QElapsedTimer timer;
    timer.start();
    while (answers < threadCount * perThread / 3 && timer.elapsed() < 120000)
        QThread::msleep(2);
    tapd.kill9();
    killed = true;
    for (auto &t : threads)
        t.join();
    QVERIFY2(answers >= threadCount * perThread / 3,
             qPrintable(u"only %1 answers"_s.arg(answers.load())));

    QVERIFY(tapd.restart());
    const HttpClient again = tapd.client(owner.token);
    const QList<QJsonObject> trail = auditItems(again, "kind=forward&agent_id=dur-agent");
    RETURN_IF_FAILED();
    QHash<QByteArray, int> recorded;
    for (const QJsonObject &o : trail)
        ++recorded[o.value(u"request_id"_s).toString().toLatin1()];
    const QByteArray file = tapd.auditFile();
    int total = 0;
    for (const auto &list : answered) {
        for (const auto &[id, status] : list) {
            ++total;
            QVERIFY2(!id.isEmpty(), "an answer without X-TAP-Request-Id");
            QVERIFY2(recorded.value(id) == 1,
                     qPrintable(u"request %1 (HTTP %2) has %3 records after kill -9"_s.arg(text(id))
                                        .arg(status)
                                        .arg(recorded.value(id))));
            QVERIFY2(file.contains(id),
                     qPrintable(u"request %1 is not in the audit file"_s.arg(text(id))));
        }
    }
    qInfo("%d of %d requests answered before kill -9; %lld records", total, threadCount * perThread,
          qlonglong(trail.size()));
    // The restarted tapd serves.
    EXPECT_FWD(forward(tapd.port(), { key, "dur-cred", target, "GET" }), 200, QString());
    QCOMPARE(findLeak(tapd.log() + file, secrets), QString());
    EXPECT_CLEAN_STOP(tapd);
}

QTEST_GUILESS_MAIN(TestForwardAudit)
#include "tst_forward_audit.moc"
