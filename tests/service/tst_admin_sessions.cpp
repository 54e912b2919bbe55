// HTTP-level acceptance tests of tapd's admin API: sessions, the log-in throttle under
// parallel guesses, and concurrent owner changes.
// Every test runs against a real tapd binary (TAPD_BINARY) on both backends (global rows
// "sqlite" and "postgres"); the fixture is support/adminfixture.h.
#include "support/adminfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <functional>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestAdminSessions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
    }

    void sessions();
    void parallelLoginGuesses();
    void concurrentOwnerChanges();
};

// ---------------------------------------------------------------------------------------------
// 3. Sessions

void TestAdminSessions::sessions()
{
    AdminTapd tapd;
    if (!tapd.start())
        return;
    Account a;
    signUp(tapd, u"session-team"_s, u"sess@example.com"_s, u"session-password"_s, &a);
    RETURN_IF_FAILED();
    const HttpClient anon = tapd.client();
    EXPECT_STATUS(tapd.client(a.token).get("/admin/team"), 200);

    // Anything but a live session token is 401, always with the same answer.
    QByteArray mutated = a.token;
    mutated[mutated.size() - 1] = mutated.back() == 'A' ? 'B' : 'A';
    const QList<QPair<const char *, QByteArray>> badAuthorizations{
        { "no Authorization", QByteArray() },
        { "Bearer garbage", QByteArrayLiteral("Bearer garbage") },
        { "well-formed unknown taps_ token", "Bearer taps_" + QByteArray(43, 'A') },
        { "altered token", "Bearer " + mutated },
        { "token with a suffix", "Bearer " + a.token + "x" },
        { "token without Bearer", a.token },
        { "Basic credentials",
          QByteArrayLiteral("Basic c2Vzc0BleGFtcGxlLmNvbTpzZXNzaW9uLXBhc3N3b3Jk") },
        { "agent-key-shaped token", "Bearer tap_" + QByteArray(43, 'A') },
        { "empty Bearer", QByteArrayLiteral("Bearer ") },
    };
    QString firstMessage;
    for (const auto &[what, authorization] : badAuthorizations) {
        const HttpHeaders headers = authorization.isEmpty()
                ? HttpHeaders()
                : HttpHeaders{ { QByteArrayLiteral("Authorization"), authorization } };
        for (const QByteArray &path :
             { QByteArrayLiteral("/admin/team"), QByteArrayLiteral("/admin/credentials"),
               QByteArrayLiteral("/admin/audit/export"), QByteArrayLiteral("/admin/server") }) {
            const HttpResponse r = anon.request("GET", path, {}, headers);
            if (!verifyError(r, 401, u"unauthorized"_s, what, __FILE__, __LINE__))
                return;
            if (firstMessage.isEmpty())
                firstMessage = r.errorMessage();
            QCOMPARE(r.errorMessage(), firstMessage);
        }
        const HttpResponse write =
                anon.request("POST", "/admin/credentials", R"({"name": "x", "description": "d"})",
                             headers + jsonHeaders());
        if (!verifyError(write, 401, u"unauthorized"_s, what, __FILE__, __LINE__))
            return;
        if (!verifyError(anon.request("POST", "/logout", {}, headers), 401, u"unauthorized"_s, what,
                         __FILE__, __LINE__))
            return;
    }
    QVERIFY(tapd.client(a.token)
                    .get("/admin/credentials")
                    .json()
                    .value(u"credentials"_s)
                    .toArray()
                    .isEmpty());

    // Two sessions are independent; logging one out leaves the other. (Addresses are
    // case-insensitive.)
    const HttpResponse second = anon.post(
            "/login", { { u"email"_s, u"Sess@Example.com"_s }, { u"password"_s, a.password } });
    EXPECT_STATUS(second, 200);
    const QByteArray token2 = second.json().value(u"session_token"_s).toString().toLatin1();
    QVERIFY(token2 != a.token);
    EXPECT_STATUS(tapd.client(a.token).request("POST", "/logout"), 200);
    EXPECT_ERROR(tapd.client(a.token).get("/admin/team"), 401, u"unauthorized"_s);
    QCOMPARE(tapd.client(a.token).get("/admin/team").errorMessage(), firstMessage);
    EXPECT_STATUS(tapd.client(token2).get("/admin/team"), 200);

    // A wrong password for a known address reads exactly like an unknown address.
    const HttpResponse wrong = anon.post(
            "/login", { { u"email"_s, a.email }, { u"password"_s, u"not-the-password"_s } });
    const HttpResponse unknown = anon.post(
            "/login",
            { { u"email"_s, u"ghost@example.com"_s }, { u"password"_s, u"not-the-password"_s } });
    EXPECT_ERROR(wrong, 401, u"unauthorized"_s);
    EXPECT_ERROR(unknown, 401, u"unauthorized"_s);
    QCOMPARE(wrong.errorMessage(), unknown.errorMessage());
    QCOMPARE(wrong.body, unknown.body);

    // Throttling: 5 wrong passwords, then even the right one is refused for a while.
    Account t;
    signUp(tapd, u"throttle-team"_s, u"throttle@example.com"_s, u"throttle-password"_s, &t);
    RETURN_IF_FAILED();
    for (int i = 1; i <= 5; ++i) {
        const HttpResponse r = anon.post(
                "/login", { { u"email"_s, t.email }, { u"password"_s, u"guess-%1"_s.arg(i) } });
        if (!verifyError(r, 401, u"unauthorized"_s, qPrintable(u"wrong password #%1"_s.arg(i)),
                         __FILE__, __LINE__))
            return;
    }
    // (The lock is on the address, whatever its spelling.)
    const HttpResponse locked = anon.post(
            "/login", { { u"email"_s, u"THROTTLE@example.com"_s }, { u"password"_s, t.password } });
    EXPECT_ERROR(locked, 429, u"rate_limited"_s);
    bool ok = false;
    const int retryAfter = locked.header("Retry-After").toInt(&ok);
    QVERIFY2(ok && retryAfter > 0 && retryAfter <= 3600, locked.raw.constData());
    QVERIFY(!locked.body.contains("session_token"));
    // Unknown addresses are throttled the same way (no account enumeration through the lock).
    for (int i = 1; i <= 5; ++i) {
        const HttpResponse r = anon.post("/login",
                                         { { u"email"_s, u"phantom@example.com"_s },
                                           { u"password"_s, u"guess-%1"_s.arg(i) } });
        if (!verifyError(r, 401, u"unauthorized"_s, qPrintable(u"unknown address #%1"_s.arg(i)),
                         __FILE__, __LINE__))
            return;
    }
    const HttpResponse phantom = anon.post(
            "/login",
            { { u"email"_s, u"phantom@example.com"_s }, { u"password"_s, u"guess-6"_s } });
    EXPECT_ERROR(phantom, 429, u"rate_limited"_s);
    QCOMPARE(phantom.errorMessage(), locked.errorMessage());
    // The lock is per address: others still log in, and live sessions keep working.
    EXPECT_STATUS(anon.post("/login", { { u"email"_s, a.email }, { u"password"_s, a.password } }),
                  200);
    EXPECT_STATUS(tapd.client(t.token).get("/admin/team"), 200);
}

// The throttle holds against parallel guesses too (they must not all pass the lock check before
// the first failure is counted), and successful log-ins do not count against a client address.
void TestAdminSessions::parallelLoginGuesses()
{
    AdminTapd tapd;
    if (!tapd.start())
        return;
    Account target;
    Account regular;
    signUp(tapd, u"parallel-team"_s, u"parallel@example.com"_s, u"parallel-password"_s, &target);
    signUp(tapd, u"regular-team"_s, u"regular@example.com"_s, u"regular-password"_s, &regular);
    RETURN_IF_FAILED();

    constexpr int kGuesses = 12;
    const HttpClient anon = tapd.client();
    std::vector<std::function<HttpResponse()>> guesses;
    for (int i = 0; i < kGuesses; ++i) {
        guesses.push_back([&anon, i] {
            return anon.post("/login",
                             { { u"email"_s, u"parallel@example.com"_s },
                               { u"password"_s, u"guess-%1"_s.arg(i) } });
        });
    }
    const QList<int> seen = statusesOf(inParallel(guesses));
    QCOMPARE(seen.count(401), 5); // exactly as many guesses as sequentially
    QCOMPARE(seen.count(429), kGuesses - 5);
    EXPECT_ERROR(anon.post("/login",
                           { { u"email"_s, target.email }, { u"password"_s, target.password } }),
                 429, u"rate_limited"_s);

    // 21 good log-ins from one client address: more than its failure limit (20), no lock.
    for (int i = 1; i <= 21; ++i) {
        const HttpResponse r = anon.post(
                "/login", { { u"email"_s, regular.email }, { u"password"_s, regular.password } });
        if (!verifyStatus(r, 200, qPrintable(u"log-in #%1"_s.arg(i)), __FILE__, __LINE__))
            return;
    }
}

// "The last owner cannot be demoted or removed" also when two owners step down at once.
void TestAdminSessions::concurrentOwnerChanges()
{
    AdminTapd tapd;
    if (!tapd.start())
        return;
    Account first;
    signUp(tapd, u"owned-team"_s, u"first@example.com"_s, u"first-password"_s, &first);
    RETURN_IF_FAILED();
    EXPECT_STATUS(
            tapd.client(first.token)
                    .post("/admin/members/invite",
                          { { u"email"_s, u"second@example.com"_s }, { u"role"_s, u"owner"_s } }),
            201);
    const QString invite = tapd.inviteToken(u"second@example.com"_s);
    QVERIFY(!invite.isEmpty());
    EXPECT_STATUS(tapd.client().post("/signup",
                                     { { u"email"_s, u"second@example.com"_s },
                                       { u"password"_s, u"second-password"_s },
                                       { u"invite_token"_s, invite } }),
                  201);
    const HttpResponse login = tapd.client().post(
            "/login",
            { { u"email"_s, u"second@example.com"_s }, { u"password"_s, u"second-password"_s } });
    EXPECT_STATUS(login, 200);
    QCOMPARE(login.json().value(u"role"_s).toString(), u"owner"_s);
    const QString secondId = login.json().value(u"admin_id"_s).toString();
    const HttpClient one = tapd.client(first.token);
    const HttpClient two =
            tapd.client(login.json().value(u"session_token"_s).toString().toLatin1());
    const auto owners = [&one] {
        QStringList out;
        for (const QJsonValue &m : one.get("/admin/members").json().value(u"members"_s).toArray()) {
            if (m.toObject().value(u"role"_s).toString() == u"owner"_s)
                out << m.toObject().value(u"id"_s).toString();
        }
        return out;
    };
    for (int round = 1; round <= 8; ++round) {
        const QList<int> seen = statusesOf(inParallel({
                [&] {
                    return one.patch("/admin/members/" + utf8(first.adminId),
                                     { { u"role"_s, u"admin"_s } });
                },
                [&] {
                    return two.patch("/admin/members/" + utf8(secondId),
                                     { { u"role"_s, u"admin"_s } });
                },
        }));
        QVERIFY2(seen.count(200) == 1 && seen.count(409) == 1,
                 qPrintable(u"round %1: %2, %3"_s.arg(round).arg(seen.at(0)).arg(seen.at(1))));
        const QStringList left = owners();
        QCOMPARE(left.size(), 1);
        // The remaining owner makes the other one owner again.
        const bool firstLeft = left.first() == first.adminId;
        const HttpClient &remaining = firstLeft ? one : two;
        const QString other = firstLeft ? secondId : first.adminId;
        EXPECT_STATUS(
                remaining.patch("/admin/members/" + utf8(other), { { u"role"_s, u"owner"_s } }),
                200);
    }
    // Removing each other at once: one of them stays, as the owner.
    const QList<int> seen = statusesOf(inParallel({
            [&] { return one.del("/admin/members/" + utf8(secondId)); },
            [&] { return two.del("/admin/members/" + utf8(first.adminId)); },
    }));
    QVERIFY2(seen.count(200) == 1, qPrintable(u"%1, %2"_s.arg(seen.at(0)).arg(seen.at(1))));
    const HttpResponse members1 = one.get("/admin/members");
    const HttpResponse members2 = two.get("/admin/members");
    QVERIFY((members1.status == 200) != (members2.status == 200)); // one session ended
    const HttpResponse &alive = members1.status == 200 ? members1 : members2;
    QCOMPARE(column(alive.json().value(u"members"_s), u"role"_s), QStringList{ u"owner"_s });
}

QTEST_GUILESS_MAIN(TestAdminSessions)
#include "tst_admin_sessions.moc"
