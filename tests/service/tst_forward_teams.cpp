// End-to-end tests of tapd's data plane (POST /forward, seed multi-account.txt) against the real
// tapd binary and a local fake upstream, on both backends (global rows "sqlite" and
// "postgres"): linked teams and team isolation under concurrency. The fixture is
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

#include <atomic>
#include <csignal>
#include <map>
#include <memory>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardTeams : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSuite(); }
    // The last word on this file's tapds: no secret in any trail, and a clean stop.
    void cleanupTestCase() { finishSuite(); }

    void multiAccount();
    void crossTeamIsolation();
    void linkedRateLimits();
};

// ---------------------------------------------------------------------------------------------
// Multi-account (seed multi-account.txt): alice's agent linked into the company team with the
// role social-poster.

void TestForwardTeams::multiAccount()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account alice = f->newAccount(u"alice-personal"_s);
    const Account company = f->newAccount(u"company"_s);
    RETURN_IF_FAILED();
    const HttpClient aliceApi = f->tapd.client(alice.token);
    const HttpClient companyApi = f->tapd.client(company.token);

    const QByteArray openai = "sk-alice-" + canary(*f);
    const QByteArray slack = "xoxb-company-token-" + canary(*f);
    QVERIFY(addCredential(f->secrets, aliceApi, u"openai"_s, openai));
    QVERIFY(addCredential(f->secrets, aliceApi, u"github"_s, "ghp-alice-" + canary(*f)));
    QVERIFY(autoApprove(aliceApi, u"openai"_s));
    const QByteArray agentKey = addAgent(aliceApi, u"alice-agent"_s, { u"openai"_s, u"github"_s });
    QVERIFY(addCredential(f->secrets, companyApi, u"slack"_s, slack));
    QVERIFY(addCredential(f->secrets, companyApi, u"twitter"_s, "bearer-token-" + canary(*f)));
    QVERIFY(addCredential(f->secrets, companyApi, u"payroll"_s, "payroll-" + canary(*f)));
    QVERIFY(autoApprove(companyApi, u"slack"_s));
    QVERIFY(autoApprove(companyApi, u"payroll"_s));
    QVERIFY(addRole(companyApi, u"social-poster"_s, { u"slack"_s, u"twitter"_s }));
    RETURN_IF_FAILED();
    f->keys[u"alice"_s] = agentKey;
    EXPECT_STATUS(companyApi.post("/admin/agent-links",
                                  { { u"agent_home_team_id"_s, alice.teamId },
                                    { u"agent_id"_s, u"alice-agent"_s },
                                    { u"role"_s, u"social-poster"_s } }),
                  201);
    const HttpHeaders toCompany{ { "X-TAP-Team", utf8(company.teamId) } };

    int before = m_upstream.count();
    const HttpResponse home = forward(port, { agentKey, "openai", up("/echo/alice"), "GET" });
    EXPECT_FWD(home, 200, QString());
    const HttpResponse linked = forward(
            port,
            { agentKey, "slack", up("/echo/company"), "POST", toCompany, R"({"channel":"C123"})" });
    EXPECT_FWD(linked, 200, QString());
    const QJsonArray seen = upstreamSince(before, 2);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.at(0).toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + openai });
    QCOMPARE(headerValues(seen.at(1).toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + slack });
    QCOMPARE(findLeak(received(home) + received(linked), f->secrets), QString());

    // Outside the role, and the home team's credential names mean nothing in the company.
    before = m_upstream.count();
    const HttpResponse outside =
            forward(port, { agentKey, "payroll", up("/echo/company"), "GET", toCompany });
    EXPECT_FWD(outside, 403, u"credential_not_allowed"_s);
    EXPECT_FWD(forward(port, { agentKey, "openai", up("/echo/company"), "GET", toCompany }), 403,
               u"credential_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);
    // X-TAP-Team naming the home team is the home team.
    EXPECT_FWD(forward(port,
                       { agentKey,
                         "openai",
                         up("/echo/alice"),
                         "GET",
                         { { "X-TAP-Team", utf8(alice.teamId) } } }),
               200, QString());

    // Audit: the company's trail has the linked requests, alice's does not (and vice versa).
    const QList<QJsonObject> companyTrail = auditItems(companyApi);
    const QList<QJsonObject> aliceTrail = auditItems(aliceApi);
    RETURN_IF_FAILED();
    const QByteArray linkedId = linked.header("X-TAP-Request-Id");
    const QList<QJsonObject> inCompany = withRequestId(companyTrail, linkedId);
    QCOMPARE(inCompany.size(), 1);
    const QJsonObject rec = inCompany.first();
    QCOMPARE(rec.value(u"team_id"_s).toString(), company.teamId);
    QCOMPARE(rec.value(u"agent_id"_s).toString(), u"alice-agent"_s);
    QCOMPARE(rec.value(u"agent_home_team_id"_s).toString(), alice.teamId);
    QCOMPARE(rec.value(u"credential"_s).toString(), u"slack"_s);
    QCOMPARE(rec.value(u"decision"_s).toString(), u"auto"_s);
    QCOMPARE(rec.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(rec.value(u"status"_s).toInt(), 200);
    QVERIFY(withRequestId(aliceTrail, linkedId).isEmpty());
    const QByteArray outsideId = outside.header("X-TAP-Request-Id");
    QCOMPARE(withRequestId(companyTrail, outsideId).size(), 1);
    QCOMPARE(withRequestId(companyTrail, outsideId).first().value(u"decision"_s).toString(),
             u"rejected"_s);
    QVERIFY(withRequestId(aliceTrail, outsideId).isEmpty());
    const QByteArray homeId = home.header("X-TAP-Request-Id");
    QCOMPARE(withRequestId(aliceTrail, homeId).size(), 1);
    QVERIFY(withRequestId(companyTrail, homeId).isEmpty());
    // The agent's own team sees none of the company's records at all.
    for (const QJsonObject &o : aliceTrail)
        QCOMPARE(o.value(u"team_id"_s).toString(), alice.teamId);

    // Unlinked: the very next request is refused.
    EXPECT_STATUS(companyApi.del("/admin/agent-links/" + utf8(alice.teamId) + "/alice-agent"), 200);
    before = m_upstream.count();
    EXPECT_FWD(forward(port, { agentKey, "slack", up("/echo/company"), "GET", toCompany }), 403,
               u"team_not_linked"_s);
    QCOMPARE(m_upstream.count(), before);
    EXPECT_FWD(forward(port, { agentKey, "openai", up("/echo/alice"), "GET" }), 200, QString());
}

// Two teams with an agent "bot" and a credential "api" each: names never cross teams.
void TestForwardTeams::crossTeamIsolation()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account a = f->newAccount(u"iso-a"_s);
    const Account b = f->newAccount(u"iso-b"_s);
    RETURN_IF_FAILED();
    const QByteArray valueA = canary(*f) + "-team-a";
    const QByteArray valueB = canary(*f) + "-team-b";
    QByteArray keyA;
    QByteArray keyB;
    for (const auto &[account, value, key] :
         { std::tuple{ &a, &valueA, &keyA }, std::tuple{ &b, &valueB, &keyB } }) {
        const HttpClient admin = f->tapd.client(account->token);
        QVERIFY(addCredential(f->secrets, admin, u"api"_s, *value));
        QVERIFY(autoApprove(admin, u"api"_s));
        *key = addAgent(admin, u"bot"_s, { u"api"_s });
        RETURN_IF_FAILED();
    }
    f->keys[u"iso-a"_s] = keyA;
    f->keys[u"iso-b"_s] = keyB;

    const int before = m_upstream.count();
    QSet<QByteArray> idsA;
    QSet<QByteArray> idsB;
    for (int round = 0; round < 3; ++round) {
        const HttpResponse ra = forward(port, { keyA, "api", up("/echo/team-a"), "GET" });
        const HttpResponse rb = forward(port, { keyB, "api", up("/echo/team-b"), "GET" });
        EXPECT_FWD(ra, 200, QString());
        EXPECT_FWD(rb, 200, QString());
        QVERIFY(ra.body.contains(marker(u"api"_s)) && rb.body.contains(marker(u"api"_s)));
        QCOMPARE(findLeak(received(ra) + received(rb), f->secrets), QString());
        idsA << ra.header("X-TAP-Request-Id");
        idsB << rb.header("X-TAP-Request-Id");
    }
    // And all at once: each answer is the echo of its own request, with its own value redacted.
    constexpr int parallel = 12;
    std::vector<HttpResponse> answers(2 * parallel);
    {
        std::vector<std::thread> threads;
        for (int i = 0; i < 2 * parallel; ++i) {
            threads.emplace_back([&, i] {
                const bool teamA = i % 2 == 0;
                answers[size_t(i)] = forward(port,
                                             { teamA ? keyA : keyB, "api",
                                               up((teamA ? "/echo/team-a?n=" : "/echo/team-b?n=")
                                                  + QByteArray::number(i)),
                                               "GET" });
            });
        }
        for (auto &t : threads)
            t.join();
    }
    for (int i = 0; i < 2 * parallel; ++i) {
        const HttpResponse &r = answers[size_t(i)];
        EXPECT_FWD(r, 200, QString());
        QCOMPARE(r.json().value(u"path"_s).toString(),
                 i % 2 == 0 ? u"/echo/team-a"_s : u"/echo/team-b"_s);
        QCOMPARE(r.json().value(u"query"_s).toString(), u"n="_s + QString::number(i));
        QVERIFY(r.body.contains(marker(u"api"_s)));
        QCOMPARE(findLeak(received(r), f->secrets), QString());
        (i % 2 == 0 ? idsA : idsB) << r.header("X-TAP-Request-Id");
    }
    const QJsonArray seen = upstreamSince(before, 6 + 2 * parallel);
    RETURN_IF_FAILED();
    for (const QJsonValue &v : seen) {
        const QJsonObject e = v.toObject();
        const QByteArray expected =
                e.value(u"path"_s).toString() == u"/echo/team-a"_s ? valueA : valueB;
        QCOMPARE(headerValues(e, "Authorization"), QList<QByteArray>{ "Bearer " + expected });
    }
    // Not linked into each other's team.
    EXPECT_FWD(forward(port,
                       { keyA,
                         "api",
                         up("/echo/team-b"),
                         "GET",
                         { { "X-TAP-Team", utf8(b.teamId) } } }),
               403, u"team_not_linked"_s);

    const auto trailIds = [&](const Account &account) {
        QSet<QByteArray> ids;
        for (const QJsonObject &o : auditItems(f->tapd.client(account.token))) {
            if (o.value(u"status"_s).toInt() == 200)
                ids << o.value(u"request_id"_s).toString().toLatin1();
        }
        return ids;
    };
    QCOMPARE(trailIds(a), idsA);
    QCOMPARE(trailIds(b), idsB);
}

namespace {

// A 429 rate_limited with a Retry-After within the hour.
bool isRateLimited(const HttpResponse &r, const char *what, int line)
{
    if (!verifyForward(r, 429, u"rate_limited"_s, what, __FILE__, line))
        return false;
    bool ok = false;
    const int retry = r.header("Retry-After").toInt(&ok);
    if (ok && retry > 0 && retry <= 3600)
        return true;
    QTest::qFail(qPrintable(u"%1: Retry-After is \"%2\""_s.arg(QLatin1StringView(what),
                                                               text(r.header("Retry-After")))),
                 __FILE__, line);
    return false;
}

#define EXPECT_LIMITED(r)                  \
  do {                                     \
    if (!isRateLimited((r), #r, __LINE__)) \
      return;                              \
  } while (false)

} // namespace

// An agent's own rate_limit_per_hour counts all its requests, in its home team and in the teams
// that linked it; a linked team's role limit applies in addition; buckets never cross teams,
// not even for agents and credentials of the same names.
void TestForwardTeams::linkedRateLimits()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account home = f->newAccount(u"rl-home"_s);
    const Account twin = f->newAccount(u"rl-twin"_s); // same agent and credential names
    const Account company = f->newAccount(u"rl-company"_s);
    RETURN_IF_FAILED();
    const HttpClient homeApi = f->tapd.client(home.token);
    const HttpClient twinApi = f->tapd.client(twin.token);
    const HttpClient companyApi = f->tapd.client(company.token);
    QByteArray keys[2][2]; // [home, twin][agent "bot" (limit 4), agent "capped" (limit 5)]
    for (const auto &[api, row] : { std::pair{ &homeApi, 0 }, std::pair{ &twinApi, 1 } }) {
        QVERIFY(addCredential(f->secrets, *api, u"api"_s, canary(*f)));
        QVERIFY(autoApprove(*api, u"api"_s));
        keys[row][0] = addAgent(*api, u"bot"_s, { u"api"_s }, {}, 4);
        keys[row][1] = addAgent(*api, u"capped"_s, { u"api"_s }, {}, 5);
        RETURN_IF_FAILED();
        f->keys[u"rl-%1-bot"_s.arg(row)] = keys[row][0];
        f->keys[u"rl-%1-capped"_s.arg(row)] = keys[row][1];
    }
    QVERIFY(addCredential(f->secrets, companyApi, u"api"_s, canary(*f)));
    QVERIFY(autoApprove(companyApi, u"api"_s));
    QVERIFY(addRole(companyApi, u"open"_s, { u"api"_s })); // no limit of its own
    QVERIFY(addRole(companyApi, u"tight"_s, { u"api"_s }, 2));
    RETURN_IF_FAILED();
    const auto link = [&](const Account &owner, const QString &agent, const QString &role) {
        return verifyStatus(companyApi.post("/admin/agent-links",
                                            { { u"agent_home_team_id"_s, owner.teamId },
                                              { u"agent_id"_s, agent },
                                              { u"role"_s, role } }),
                            201, "POST /admin/agent-links", __FILE__, __LINE__);
    };
    QVERIFY(link(home, u"bot"_s, u"open"_s));
    QVERIFY(link(home, u"capped"_s, u"tight"_s));
    QVERIFY(link(twin, u"bot"_s, u"open"_s));
    QVERIFY(link(twin, u"capped"_s, u"tight"_s));
    const HttpHeaders toCompany{ { "X-TAP-Team", utf8(company.teamId) } };
    const auto atHome = [&](const QByteArray &key) {
        return forward(port, { key, "api", up("/echo/home"), "GET" });
    };
    const auto inCompany = [&](const QByteArray &key) {
        return forward(port, { key, "api", up("/echo/company"), "GET", toCompany });
    };

    // "bot", limit 4: home, company, home, company pass; the fifth is refused in either team.
    int before = m_upstream.count();
    for (int i = 0; i < 4; ++i)
        EXPECT_FWD(i % 2 ? inCompany(keys[0][0]) : atHome(keys[0][0]), 200, QString());
    EXPECT_LIMITED(atHome(keys[0][0]));
    EXPECT_LIMITED(inCompany(keys[0][0]));
    QCOMPARE(m_upstream.count(), before + 4);

    // "capped", limit 5, linked with role "tight" (2 an hour): the role refuses the third
    // company request, the refused one does not count, the agent's limit refuses the sixth.
    before = m_upstream.count();
    EXPECT_FWD(atHome(keys[0][1]), 200, QString());
    EXPECT_FWD(inCompany(keys[0][1]), 200, QString());
    EXPECT_FWD(inCompany(keys[0][1]), 200, QString());
    EXPECT_LIMITED(inCompany(keys[0][1]));
    EXPECT_FWD(atHome(keys[0][1]), 200, QString());
    EXPECT_FWD(atHome(keys[0][1]), 200, QString());
    EXPECT_LIMITED(atHome(keys[0][1]));
    EXPECT_LIMITED(inCompany(keys[0][1]));
    QCOMPARE(m_upstream.count(), before + 5);

    // The other team's "bot" and "capped" (same names, same credential name, linked into the
    // same team with the same roles) have all of their own limits left.
    before = m_upstream.count();
    for (int i = 0; i < 4; ++i)
        EXPECT_FWD(i % 2 ? atHome(keys[1][0]) : inCompany(keys[1][0]), 200, QString());
    EXPECT_LIMITED(inCompany(keys[1][0]));
    EXPECT_FWD(inCompany(keys[1][1]), 200, QString());
    EXPECT_FWD(inCompany(keys[1][1]), 200, QString());
    EXPECT_LIMITED(inCompany(keys[1][1]));
    for (int i = 0; i < 3; ++i)
        EXPECT_FWD(atHome(keys[1][1]), 200, QString());
    EXPECT_LIMITED(atHome(keys[1][1]));
    QCOMPARE(m_upstream.count(), before + 9);
}

QTEST_GUILESS_MAIN(TestForwardTeams)
#include "tst_forward_teams.moc"
