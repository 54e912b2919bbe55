// Client-controlled admin API work is bounded before it starts (README "Hardening"): end to end
// against a real tapd binary (TAPD_BINARY) on both backends: ~1 MB policy bodies and a deeply
// nested body are refused with 400 while /healthz on other connections keeps answering (before
// the fix, list fields were de-duplicated quadratically before their size cap: each such body
// held an HTTP worker for tens of seconds), and sign-ups are throttled per client address
// (429 with Retry-After). The fixture is support/adminfixture.h.
#include "support/adminfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <chrono>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

// Generous: the machine running the tests is loaded. Without the fix a probe waits for tens
// of seconds (a worker busy with a quadratic de-duplication).
constexpr qint64 kHealthzBoundMs = 5000;

// ~1 MB of JSON: a list field with ~110 000 short distinct entries.
QByteArray hugeListBody(const QString &field)
{
    QJsonArray entries;
    for (int i = 0; i < 110000; ++i)
        entries.append(u"u%1"_s.arg(i));
    return QJsonDocument(QJsonObject{ { field, entries } }).toJson(QJsonDocument::Compact);
}

} // namespace

class TestAdminLimits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
    }

    void hugeBodiesDoNotStallHealthz();
    void everyBodyIsDepthChecked();
    void signupsThrottledPerAddress();
};

void TestAdminLimits::hugeBodiesDoNotStallHealthz()
{
    AdminTapd tapd;
    QVERIFY(tapd.start());
    Account owner;
    signUp(tapd, u"limits-team"_s, u"owner@example.com"_s, u"owner-password"_s, &owner);
    RETURN_IF_FAILED();
    HttpClient admin = tapd.client(owner.token);
    createAll(admin, "/admin/credentials",
              { { { u"name"_s, u"slack"_s }, { u"description"_s, u"Slack"_s } } });
    RETURN_IF_FAILED();

    const QByteArray urls = hugeListBody(u"auto_approve_urls"_s);
    const QByteArray approvers = hugeListBody(u"allowed_approvers"_s);
    QVERIFY(urls.size() > 900 * 1024 && urls.size() < 2 * 1024 * 1024);
    QByteArray deep =
            R"({"auto_approve_urls": )" + QByteArray(200000, '[') + QByteArray(200000, ']') + "}";
    admin.setTimeoutMs(kRequestTimeoutMs);

    // Four big bodies (each worker gets some, whatever the kernel's choice of listener) and a
    // deep one; meanwhile /healthz is asked on fresh connections, one after another.
    qint64 slowestProbeMs = 0;
    int probeFailures = 0;
    const auto put = [&admin](const QByteArray &body) {
        return [&admin, body] { return sendRaw(admin, "PUT", "/admin/policies/slack", body); };
    };
    const auto responses =
            inParallel({ put(urls), put(approvers), put(urls), put(approvers), put(deep),
                         [&tapd, &slowestProbeMs, &probeFailures] {
                             std::this_thread::sleep_for(std::chrono::milliseconds(300));
                             HttpClient probe = tapd.client();
                             probe.setTimeoutMs(kRequestTimeoutMs);
                             for (int i = 0; i < 6; ++i) {
                                 QElapsedTimer t;
                                 t.start();
                                 if (probe.get("/healthz").status != 200)
                                     ++probeFailures;
                                 slowestProbeMs = qMax(slowestProbeMs, t.elapsed());
                             }
                             return HttpResponse();
                         } });
    QVERIFY2(slowestProbeMs < kHealthzBoundMs,
             qPrintable(u"GET /healthz took %1 ms while big bodies were checked"_s.arg(
                     slowestProbeMs)));
    QCOMPARE(probeFailures, 0);

    for (size_t i = 0; i < 4; ++i) {
        const HttpResponse &r = responses[i];
        EXPECT_ERROR(r, 400, u"invalid_request"_s);
        const QString message =
                r.json().value(u"error"_s).toObject().value(u"message"_s).toString();
        const QString field = i % 2 == 0 ? u"auto_approve_urls"_s : u"allowed_approvers"_s;
        QVERIFY2(message.contains(field) && message.contains(u"1000"_s), qPrintable(message));
    }
    EXPECT_ERROR(responses[4], 400, u"invalid_request"_s);
    QVERIFY2(responses[4]
                     .json()
                     .value(u"error"_s)
                     .toObject()
                     .value(u"message"_s)
                     .toString()
                     .contains(u"nested"_s),
             qPrintable(responses[4].describe()));

    // Nothing was stored, and lists at their caps still work.
    const HttpResponse policy = admin.get("/admin/policies/slack");
    EXPECT_STATUS(policy, 200);
    QCOMPARE(policy.json().value(u"configured"_s).toBool(true), false);
    QJsonArray atCap;
    for (int i = 0; i < 1000; ++i)
        atCap.append(u"/v1/items/%1"_s.arg(i % 500)); // duplicates are dropped as before
    const HttpResponse put1000 =
            admin.put("/admin/policies/slack", { { u"auto_approve_urls"_s, atCap } });
    EXPECT_STATUS(put1000, 200);
    QCOMPARE(put1000.json().value(u"auto_approve_urls"_s).toArray().size(), 500);
    EXPECT_CLEAN_STOP(tapd);
}

// Every route that reads a JSON body reads it through the one depth-checked parser: a body nested
// 40 levels deep (Qt's own parser would take it) is refused before any handler looks at it.
void TestAdminLimits::everyBodyIsDepthChecked()
{
    AdminTapd tapd;
    QVERIFY(tapd.start());
    Account owner;
    signUp(tapd, u"depth-team"_s, u"depth@example.com"_s, u"owner-password"_s, &owner);
    RETURN_IF_FAILED();
    HttpClient admin = tapd.client(owner.token);
    const QByteArray deep = R"({"password": )" + QByteArray(40, '[') + QByteArray(40, ']') + "}";
    const char *const paths[] = {
        "/signup",
        "/login",
        "/verify-email",
        "/resend-verification",
        "/admin/members/invite",
        "/admin/credentials",
        "/admin/reauth",
        "/admin/reauth/passkey/finish",
        "/admin/passkeys/register/begin",
        "/admin/passkeys/register/finish",
        "/approve/00000000-0000-0000-0000-000000000000/passkey/finish",
    };
    for (const char *path : paths) {
        const HttpResponse r = sendRaw(admin, "POST", path, deep);
        EXPECT_ERROR(r, 400, u"invalid_request"_s);
        const QString message =
                r.json().value(u"error"_s).toObject().value(u"message"_s).toString();
        QVERIFY2(message.contains(u"nested"_s),
                 qPrintable(QString::fromLatin1(path) + u": "_s + message));
    }
    EXPECT_CLEAN_STOP(tapd);
}

void TestAdminLimits::signupsThrottledPerAddress()
{
    AdminTapd tapd;
    QProcessEnvironment env;
    env.insert(u"TAP_SIGNUPS_PER_HOUR"_s, u"3"_s);
    tapd.setExtraEnvironment(env);
    QVERIFY(tapd.start());
    const HttpClient anon = tapd.client();
    const auto signup = [&anon](int i) {
        return anon.post("/signup",
                         { { u"team_name"_s, u"team-%1"_s.arg(i) },
                           { u"email"_s, u"user%1@example.com"_s.arg(i) },
                           { u"password"_s, u"password-%1"_s.arg(i) } });
    };
    for (int i = 0; i < 3; ++i)
        EXPECT_STATUS(signup(i), 201);
    const HttpResponse refused = signup(3);
    EXPECT_ERROR(refused, 429, u"rate_limited"_s);
    bool ok = false;
    const int retryAfter = refused.header("Retry-After").toInt(&ok);
    QVERIFY2(ok && retryAfter > 0 && retryAfter <= 3600, qPrintable(refused.describe()));
    // Nothing was created or mailed for the refused sign-up.
    QVERIFY(tapd.verificationCode(u"user3@example.com"_s).isEmpty());
    EXPECT_ERROR(anon.post("/login",
                           { { u"email"_s, u"user3@example.com"_s },
                             { u"password"_s, u"password-3"_s } }),
                 401, u"unauthorized"_s);
    EXPECT_CLEAN_STOP(tapd);
}

QTEST_GUILESS_MAIN(TestAdminLimits)
#include "tst_admin_limits.moc"
