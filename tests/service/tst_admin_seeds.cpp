// HTTP-level acceptance tests of tapd's admin API: the product's configuration and
// multi-account walk-throughs step by step, curl example by curl example.
// Every test runs against a real tapd binary (TAPD_BINARY) on both backends (global rows
// "sqlite" and "postgres"); the fixture is support/adminfixture.h.
#include "support/adminfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestAdminSeeds : public QObject
{
    Q_OBJECT

private:
    void seedConfiguration(const AdminTapd &tapd);
    void seedMultiAccount(const AdminTapd &tapd);

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
    }

    void seedFlow();
};

// ---------------------------------------------------------------------------------------------
// 1. The walk-throughs, curl example by curl example.

void TestAdminSeeds::seedFlow()
{
    AdminTapd tapd;
    if (!tapd.start())
        return;
    seedConfiguration(tapd);
    RETURN_IF_FAILED();
    seedMultiAccount(tapd);
}

void TestAdminSeeds::seedConfiguration(const AdminTapd &tapd)
{
    const HttpClient anon = tapd.client();

    // Sign Up
    const HttpResponse signup = sendRaw(anon, "POST", "/signup", R"({
    "team_name": "my-team",
    "email": "admin@example.com",
    "password": "your-password"
  })");
    EXPECT_STATUS(signup, 201);
    const QString teamId = signup.json().value(u"team_id"_s).toString();
    const QString adminId = signup.json().value(u"admin_id"_s).toString();
    QVERIFY(!teamId.isEmpty());
    QVERIFY(!adminId.isEmpty());
    QCOMPARE(signup.json().value(u"team_name"_s).toString(), u"my-team"_s);
    QVERIFY(!signup.body.contains("your-password"));

    // Verify Email: the walk-through's example code is (almost surely) not the mailed one.
    const QString code = tapd.verificationCode(u"admin@example.com"_s);
    QVERIFY2(code.size() == 6, "the outbox has no verification code for admin@example.com");
    if (code != u"123456"_s) {
        const HttpResponse wrong = sendRaw(anon, "POST", "/verify-email",
                                           R"({"email": "admin@example.com", "code": "123456"})");
        EXPECT_ERROR(wrong, 400, u"invalid_request"_s);
    }
    const HttpResponse verify =
            sendRaw(anon, "POST", "/verify-email",
                    R"({"email": "admin@example.com", "code": ")" + utf8(code) + R"("})");
    EXPECT_STATUS(verify, 200);

    // Log In: a 24 h session.
    const HttpResponse login =
            sendRaw(anon, "POST", "/login",
                    R"({"email": "admin@example.com", "password": "your-password"})");
    EXPECT_STATUS(login, 200);
    const QJsonObject l = login.json();
    const QByteArray token = l.value(u"session_token"_s).toString().toLatin1();
    QVERIFY2(token.startsWith("taps_"), login.body.constData());
    QCOMPARE(l.value(u"admin_id"_s).toString(), adminId);
    QCOMPARE(l.value(u"team_id"_s).toString(), teamId);
    const QDateTime expires = parseTime(l.value(u"expires_at"_s));
    QVERIFY2(expires.isValid(), login.body.constData());
    const qint64 ahead = QDateTime::currentDateTimeUtc().secsTo(expires);
    QVERIFY2(qAbs(ahead - 24 * 3600) < 300, qPrintable(u"expires_at is %1 s ahead"_s.arg(ahead)));
    QCOMPARE(login.header("Cache-Control"), QByteArray("no-store"));

    const HttpClient admin = tapd.client(token);

    // Create a Credential
    const HttpResponse slack = sendRaw(admin, "POST", "/admin/credentials", R"({
    "name": "slack",
    "description": "Slack Bot Token",
    "connector": "direct",
    "api_base": "https://slack.com/api",
    "value": "xoxb-your-slack-token"
  })");
    EXPECT_STATUS(slack, 201);
    QVERIFY(!slack.body.contains("xoxb-your-slack-token"));
    QVERIFY(!hasKeyAnywhere(slack.json(), u"value"_s));
    QCOMPARE(slack.json().value(u"has_value"_s).toBool(), true);

    // List Credentials: metadata only, never the value.
    {
        const HttpResponse list = admin.get("/admin/credentials");
        EXPECT_STATUS(list, 200);
        QCOMPARE(list.header("Cache-Control"), QByteArray("no-store"));
        const QJsonArray creds = list.json().value(u"credentials"_s).toArray();
        QCOMPARE(creds.size(), 1);
        const QJsonObject c = creds.first().toObject();
        QCOMPARE(c.value(u"name"_s).toString(), u"slack"_s);
        QCOMPARE(c.value(u"description"_s).toString(), u"Slack Bot Token"_s);
        QCOMPARE(c.value(u"connector"_s).toString(), u"direct"_s);
        QCOMPARE(c.value(u"api_base"_s).toString(), u"https://slack.com/api"_s);
        QCOMPARE(c.value(u"relative_target"_s), QJsonValue(false));
        QCOMPARE(c.value(u"has_value"_s), QJsonValue(true));
        QVERIFY(!hasKeyAnywhere(list.json(), u"value"_s));
        QVERIFY(!list.body.contains("xoxb-your-slack-token"));
        const HttpResponse one = admin.get("/admin/credentials/slack");
        EXPECT_STATUS(one, 200);
        QVERIFY(!hasKeyAnywhere(one.json(), u"value"_s));
        QVERIFY(!one.body.contains("xoxb-your-slack-token"));
    }

    // The role and the agent of the walk-through name github and twitter too.
    const HttpResponse github = sendRaw(admin, "POST", "/admin/credentials",
                                        R"({"name": "github", "description": "GitHub token",
                                            "api_base": "https://api.github.com",
                                            "value": "ghp-example-token"})");
    EXPECT_STATUS(github, 201);

    // Create a Role
    const HttpResponse reader = sendRaw(admin, "POST", "/admin/roles", R"({
    "name": "reader",
    "description": "Read-only API access",
    "credentials": ["slack", "github"],
    "rate_limit_per_hour": 50
  })");
    EXPECT_STATUS(reader, 201);
    {
        const HttpResponse roles = admin.get("/admin/roles");
        EXPECT_STATUS(roles, 200);
        const QJsonObject r = findByKey(roles.json().value(u"roles"_s), u"name"_s, u"reader"_s);
        QCOMPARE(r.value(u"description"_s).toString(), u"Read-only API access"_s);
        QCOMPARE(sorted(stringList(r.value(u"credentials"_s))),
                 QStringList({ u"github"_s, u"slack"_s }));
        QCOMPARE(r.value(u"rate_limit_per_hour"_s).toInt(), 50);
    }

    const HttpResponse twitter = sendRaw(admin, "POST", "/admin/credentials",
                                         R"({"name": "twitter", "description": "Twitter API",
                                             "value": "twitter-bearer-token"})");
    EXPECT_STATUS(twitter, 201);

    // Create an Agent: the key is shown once.
    const HttpResponse agent = sendRaw(admin, "POST", "/admin/agents", R"({
    "id": "social-agent",
    "description": "Posts to Slack and Twitter",
    "credentials": ["slack", "twitter"],
    "roles": ["reader"],
    "rate_limit_per_hour": 100
  })");
    EXPECT_STATUS(agent, 201);
    const QJsonObject a = agent.json();
    QCOMPARE(sorted(a.keys()), QStringList({ u"api_key"_s, u"id"_s, u"message"_s }));
    QCOMPARE(a.value(u"id"_s).toString(), u"social-agent"_s);
    const QByteArray apiKey = a.value(u"api_key"_s).toString().toLatin1();
    QVERIFY2(apiKey.startsWith("tap_") && apiKey.size() > 20, agent.body.constData());
    QCOMPARE(a.value(u"message"_s).toString(),
             u"Save this API key \u2014 it will not be shown again."_s);

    // List Agents: never the key.
    {
        const HttpResponse list = admin.get("/admin/agents");
        EXPECT_STATUS(list, 200);
        QCOMPARE(column(list.json().value(u"agents"_s), u"id"_s), QStringList{ u"social-agent"_s });
        QVERIFY(!list.body.contains(apiKey));
        QVERIFY(!hasKeyAnywhere(list.json(), u"api_key"_s));
    }

    // Get Agent Details: the effective set is the union of direct and role credentials.
    {
        const HttpResponse details = admin.get("/admin/agents/social-agent");
        EXPECT_STATUS(details, 200);
        const QJsonObject d = details.json();
        QCOMPARE(d.value(u"id"_s).toString(), u"social-agent"_s);
        QCOMPARE(d.value(u"description"_s).toString(), u"Posts to Slack and Twitter"_s);
        QCOMPARE(d.value(u"enabled"_s), QJsonValue(true));
        QCOMPARE(d.value(u"rate_limit_per_hour"_s).toInt(), 100);
        QCOMPARE(stringList(d.value(u"effective_credentials"_s)),
                 QStringList({ u"github"_s, u"slack"_s, u"twitter"_s }));
        QVERIFY(!details.body.contains(apiKey));
        // The key opens exactly that set.
        const HttpResponse services = agentServices(tapd, apiKey);
        EXPECT_STATUS(services, 200);
        QCOMPARE(servicesByTeam(services).value(teamId),
                 QStringList({ u"github"_s, u"slack"_s, u"twitter"_s }));
    }

    // Enable / Disable an Agent
    {
        const HttpResponse disabled = admin.post("/admin/agents/social-agent/disable");
        EXPECT_STATUS(disabled, 200);
        QCOMPARE(disabled.json().value(u"enabled"_s), QJsonValue(false));
        QCOMPARE(admin.get("/admin/agents/social-agent").json().value(u"enabled"_s),
                 QJsonValue(false));
        // "Disable (blocks all requests)": at once.
        const HttpResponse blocked = tapd.client().request(
                "POST", "/forward", {},
                { { QByteArrayLiteral("X-TAP-Key"), apiKey },
                  { QByteArrayLiteral("X-TAP-Credential"), QByteArrayLiteral("slack") },
                  { QByteArrayLiteral("X-TAP-Target"),
                    QByteArrayLiteral("https://slack.com/api/conversations.list") },
                  { QByteArrayLiteral("X-TAP-Method"), QByteArrayLiteral("GET") } });
        EXPECT_ERROR(blocked, 403, u"forbidden"_s);
        const HttpResponse enabled = admin.post("/admin/agents/social-agent/enable");
        EXPECT_STATUS(enabled, 200);
        QCOMPARE(enabled.json().value(u"enabled"_s), QJsonValue(true));
        QCOMPARE(admin.get("/admin/agents/social-agent").json().value(u"enabled"_s),
                 QJsonValue(true));
        EXPECT_STATUS(agentServices(tapd, apiKey), 200);
    }

    // Set a Policy, Get a Policy
    {
        const HttpResponse put = sendRaw(admin, "PUT", "/admin/policies/slack", R"({
    "auto_approve_methods": ["GET"],
    "require_approval_methods": ["POST", "PUT", "DELETE"],
    "auto_approve_urls": ["/conversations.list", "/users.list"],
    "allowed_approvers": ["123456789"],
    "telegram_chat_id": "-100123456"
  })");
        EXPECT_STATUS(put, 200);
        const HttpResponse got = admin.get("/admin/policies/slack");
        EXPECT_STATUS(got, 200);
        const QJsonObject p = got.json();
        QCOMPARE(p.value(u"configured"_s), QJsonValue(true));
        QCOMPARE(stringList(p.value(u"auto_approve_methods"_s)), QStringList{ u"GET"_s });
        QCOMPARE(stringList(p.value(u"require_approval_methods"_s)),
                 QStringList({ u"POST"_s, u"PUT"_s, u"DELETE"_s }));
        QCOMPARE(stringList(p.value(u"auto_approve_urls"_s)),
                 QStringList({ u"/conversations.list"_s, u"/users.list"_s }));
        QCOMPARE(stringList(p.value(u"allowed_approvers"_s)), QStringList{ u"123456789"_s });
        QCOMPARE(p.value(u"telegram_chat_id"_s).toString(), u"-100123456"_s);
    }

    // "If a credential has no policy configured, all requests require approval."
    {
        const HttpResponse none = admin.get("/admin/policies/github");
        EXPECT_STATUS(none, 200);
        const QJsonObject p = none.json();
        QCOMPARE(p.value(u"configured"_s), QJsonValue(false));
        QVERIFY2(p.value(u"message"_s).toString().contains(u"requires approval"_s),
                 none.body.constData());
        QVERIFY(p.value(u"auto_approve_methods"_s).toArray().isEmpty());
        QVERIFY(p.value(u"auto_approve_urls"_s).toArray().isEmpty());
    }

    // Team Info
    {
        const HttpResponse team = admin.get("/admin/team");
        EXPECT_STATUS(team, 200);
        const QJsonObject t = team.json();
        QCOMPARE(t.value(u"id"_s).toString(), teamId);
        QCOMPARE(t.value(u"name"_s).toString(), u"my-team"_s);
        const QDateTime created = parseTime(t.value(u"created_at"_s));
        QVERIFY2(created.isValid(), team.body.constData());
        QVERIFY(qAbs(created.secsTo(QDateTime::currentDateTimeUtc())) < 600);
    }

    // Notification Channels: the bot token is write-only.
    {
        const HttpResponse created = sendRaw(admin, "POST", "/admin/notification-channels", R"({
    "name": "ops-channel",
    "channel_type": "telegram",
    "config": {"chat_id": "-100123456", "bot_token": "optional-override"}
  })");
        EXPECT_STATUS(created, 201);
        QVERIFY(!created.body.contains("optional-override"));
        const HttpResponse list = admin.get("/admin/notification-channels");
        EXPECT_STATUS(list, 200);
        QVERIFY(!list.body.contains("optional-override"));
        QVERIFY(!hasKeyAnywhere(list.json(), u"bot_token"_s));
        const QJsonObject ch =
                findByKey(list.json().value(u"channels"_s), u"name"_s, u"ops-channel"_s);
        QCOMPARE(ch.value(u"channel_type"_s).toString(), u"telegram"_s);
        QCOMPARE(ch.value(u"config"_s).toObject().value(u"chat_id"_s).toString(), u"-100123456"_s);
        QCOMPARE(ch.value(u"has_bot_token"_s), QJsonValue(true));
        EXPECT_STATUS(admin.del("/admin/notification-channels/ops-channel"), 200);
        QVERIFY(admin.get("/admin/notification-channels")
                        .json()
                        .value(u"channels"_s)
                        .toArray()
                        .isEmpty());
        EXPECT_ERROR(admin.del("/admin/notification-channels/ops-channel"), 404, u"not_found"_s);
    }

    // Delete a Role: it leaves the agents that had it.
    EXPECT_STATUS(admin.del("/admin/roles/reader"), 200);
    {
        const QJsonObject d = admin.get("/admin/agents/social-agent").json();
        QVERIFY(d.value(u"roles"_s).toArray().isEmpty());
        QCOMPARE(stringList(d.value(u"effective_credentials"_s)),
                 QStringList({ u"slack"_s, u"twitter"_s }));
    }

    // Delete an Agent: its key is dead at once.
    EXPECT_STATUS(admin.del("/admin/agents/social-agent"), 200);
    EXPECT_ERROR(admin.get("/admin/agents/social-agent"), 404, u"not_found"_s);
    EXPECT_ERROR(agentServices(tapd, apiKey), 401, u"unauthorized"_s);

    // Delete a Credential: cascades to roles, agent assignments and policies, and says so.
    createAll(admin, "/admin/roles",
              { { { u"name"_s, u"cascade-role"_s },
                  { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(admin, "/admin/agents",
              { { { u"id"_s, u"cascade-agent"_s },
                  { u"credentials"_s, QJsonArray{ u"slack"_s, u"twitter"_s } } } });
    RETURN_IF_FAILED();
    {
        const HttpResponse removed = admin.del("/admin/credentials/slack");
        EXPECT_STATUS(removed, 200);
        const QJsonObject from = removed.json().value(u"removed_from"_s).toObject();
        QCOMPARE(stringList(from.value(u"roles"_s)), QStringList{ u"cascade-role"_s });
        QCOMPARE(stringList(from.value(u"agents"_s)), QStringList{ u"cascade-agent"_s });
        QCOMPARE(from.value(u"policy"_s), QJsonValue(true));
        EXPECT_ERROR(admin.get("/admin/credentials/slack"), 404, u"not_found"_s);
        EXPECT_ERROR(admin.get("/admin/policies/slack"), 404, u"not_found"_s);
        const QJsonObject agentNow = admin.get("/admin/agents/cascade-agent").json();
        QCOMPARE(stringList(agentNow.value(u"credentials"_s)), QStringList{ u"twitter"_s });
        QCOMPARE(stringList(agentNow.value(u"effective_credentials"_s)),
                 QStringList{ u"twitter"_s });
        QVERIFY(admin.get("/admin/roles/cascade-role")
                        .json()
                        .value(u"credentials"_s)
                        .toArray()
                        .isEmpty());
        QCOMPARE(column(admin.get("/admin/credentials").json().value(u"credentials"_s), u"name"_s),
                 QStringList({ u"github"_s, u"twitter"_s }));
    }

    // Log Out: the token is dead.
    const HttpResponse logout = admin.request("POST", "/logout");
    EXPECT_STATUS(logout, 200);
    EXPECT_ERROR(admin.get("/admin/team"), 401, u"unauthorized"_s);
    EXPECT_ERROR(admin.get("/admin/credentials"), 401, u"unauthorized"_s);
    EXPECT_ERROR(admin.request("POST", "/logout"), 401, u"unauthorized"_s);
}

void TestAdminSeeds::seedMultiAccount(const AdminTapd &tapd)
{
    // 1. Developer creates a personal team and agent
    Account alice;
    signUpRaw(
            tapd,
            R"({"team_name": "alice-personal", "email": "alice@example.com", "password": "password123"})",
            u"alice@example.com"_s, u"password123"_s, &alice);
    RETURN_IF_FAILED();
    const HttpClient aliceApi = tapd.client(alice.token);
    createAll(aliceApi, "/admin/credentials",
              { { { u"name"_s, u"openai"_s },
                  { u"description"_s, u"Alice's OpenAI key"_s },
                  { u"api_base"_s, u"https://api.openai.com"_s },
                  { u"value"_s, u"sk-alice"_s } },
                { { u"name"_s, u"github"_s },
                  { u"description"_s, u"Alice's GitHub token"_s },
                  { u"value"_s, u"ghp-alice"_s } } });
    RETURN_IF_FAILED();
    const HttpResponse agent = sendRaw(aliceApi, "POST", "/admin/agents", R"({
"id": "alice-agent",
"description": "Alice personal agent",
"credentials": ["openai", "github"]
})");
    EXPECT_STATUS(agent, 201);
    const QByteArray agentKey = agent.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(agentKey.startsWith("tap_"));
    QCOMPARE(stringList(aliceApi.get("/admin/agents/alice-agent")
                                .json()
                                .value(u"effective_credentials"_s)),
             QStringList({ u"github"_s, u"openai"_s }));

    // 2. Company admin creates company team and credentials
    Account company;
    signUp(tapd, u"company"_s, u"admin@company.example"_s, u"company-password"_s, &company);
    RETURN_IF_FAILED();
    QVERIFY(company.teamId != alice.teamId);
    const HttpClient companyApi = tapd.client(company.token);
    EXPECT_STATUS(
            sendRaw(companyApi, "POST", "/admin/credentials",
                    R"({"name": "slack", "description": "Company Slack", "value": "xoxb-company-token"})"),
            201);
    EXPECT_STATUS(
            sendRaw(companyApi, "POST", "/admin/credentials",
                    R"({"name": "twitter", "description": "Company Twitter", "value": "bearer-token"})"),
            201);
    {
        // No connector and no api_base in the walk-through: direct, without a base.
        const QJsonObject slack = companyApi.get("/admin/credentials/slack").json();
        QCOMPARE(slack.value(u"connector"_s).toString(), u"direct"_s);
        QVERIFY(slack.value(u"api_base"_s).isNull());
        QCOMPARE(slack.value(u"has_value"_s), QJsonValue(true));
    }
    const HttpResponse role =
            sendRaw(companyApi, "POST", "/admin/roles",
                    R"({"name": "social-poster", "credentials": ["slack", "twitter"]})");
    EXPECT_STATUS(role, 201);

    // 3. Company admin links Alice's agent
    QByteArray linkBody = R"({
"agent_home_team_id": "<alice-personal-team-id>",
"agent_id": "alice-agent",
"role": "social-poster"
})";
    linkBody.replace("<alice-personal-team-id>", utf8(alice.teamId));
    const HttpResponse link = sendRaw(companyApi, "POST", "/admin/agent-links", linkBody);
    EXPECT_STATUS(link, 201);
    QCOMPARE(link.json().value(u"team_id"_s).toString(), company.teamId);
    QVERIFY(!link.json().contains(u"warning"_s));
    EXPECT_ERROR(sendRaw(companyApi, "POST", "/admin/agent-links", linkBody), 409, u"conflict"_s);

    // 4. One key, both teams ("Discovering Available Teams").
    {
        const HttpResponse services = agentServices(tapd, agentKey);
        EXPECT_STATUS(services, 200);
        const QMap<QString, QStringList> teams = servicesByTeam(services);
        QCOMPARE(teams.value(alice.teamId), QStringList({ u"github"_s, u"openai"_s }));
        QCOMPARE(teams.value(company.teamId), QStringList({ u"slack"_s, u"twitter"_s }));
        QCOMPARE(teams.size(), 2);
    }

    // Managing Links: list, remove.
    {
        const HttpResponse list = companyApi.get("/admin/agent-links");
        EXPECT_STATUS(list, 200);
        const QJsonArray links = list.json().value(u"links"_s).toArray();
        QCOMPARE(links.size(), 1);
        const QJsonObject l = links.first().toObject();
        QCOMPARE(l.value(u"team_id"_s).toString(), company.teamId);
        QCOMPARE(l.value(u"agent_home_team_id"_s).toString(), alice.teamId);
        QCOMPARE(l.value(u"agent_id"_s).toString(), u"alice-agent"_s);
        QCOMPARE(l.value(u"role"_s).toString(), u"social-poster"_s);
        QCOMPARE(l.value(u"created_by"_s).toString(), u"admin@company.example"_s);
        QVERIFY(parseTime(l.value(u"created_at"_s)).isValid());
    }
    // The home team does not see (or control) the company's links.
    QVERIFY(aliceApi.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
    EXPECT_ERROR(aliceApi.del("/admin/agent-links/" + utf8(alice.teamId) + "/alice-agent"), 404,
                 u"not_found"_s);

    EXPECT_STATUS(companyApi.del("/admin/agent-links/" + utf8(alice.teamId) + "/alice-agent"), 200);
    QVERIFY(companyApi.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
    EXPECT_ERROR(companyApi.del("/admin/agent-links/" + utf8(alice.teamId) + "/alice-agent"), 404,
                 u"not_found"_s);
    EXPECT_STATUS(aliceApi.get("/admin/agents/alice-agent"), 200); // the agent itself stays
    // "The agent immediately loses access to the company team's credentials."
    QCOMPARE(servicesByTeam(agentServices(tapd, agentKey)).keys(), QStringList{ alice.teamId });

    // Deleting the role a link is scoped to removes the link (fail closed).
    EXPECT_STATUS(sendRaw(companyApi, "POST", "/admin/agent-links", linkBody), 201);
    EXPECT_STATUS(companyApi.del("/admin/roles/social-poster"), 200);
    QVERIFY(companyApi.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
    QCOMPARE(servicesByTeam(agentServices(tapd, agentKey)).keys(), QStringList{ alice.teamId });
}

QTEST_GUILESS_MAIN(TestAdminSeeds)
#include "tst_admin_seeds.moc"
