// The seed documents (../shared/seeds) run as written, curl example by curl example, against a
// real tapd whose upstream requests go to the local fake upstream (TAP_TEST_UPSTREAM_REDIRECT:
// https://slack.com/api/chat.postMessage reaches the fake as /echo/slack.com/api/chat.postMessage),
// on both backends. Each example is transcribed literally (method, path, -H lines, -d body);
// $VARIABLES and <placeholders> are filled in from earlier answers. The examples run in document
// order except where a step is marked "prior step" (something the document uses before it is
// created) or "moved" (an example that would break a later one if run where it is printed). The
// order is the one README "Seed walk-throughs" gives. Issue #15, item 5 and "Done when".
#include "support/adminfixture.h"
#include "support/approvalfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

// One curl example as printed ($PROXY_URL left out of the path).
struct Curl
{
    QByteArray method;
    QByteArray path;
    QList<QByteArray> headers; // "-H" lines: "Name: value"
    QByteArray body; // "-d"
};

// A seed walk: a tapd redirected to a fake upstream and the shell variables of the document.
class Walk
{
public:
    bool start()
    {
        if (!upstream.start())
            return false;
        QProcessEnvironment env;
        env.insert(u"TAP_ALLOW_PRIVATE_TARGETS"_s, u"1"_s);
        env.insert(u"TAP_TEST_UPSTREAM_REDIRECT"_s, text(upstream.url("/echo")));
        tapd.setExtraEnvironment(env);
        return tapd.start();
    }

    QByteArray fill(QByteArray s) const
    {
        for (auto it = vars.cbegin(); it != vars.cend(); ++it)
            s.replace(it.key(), it.value());
        return s;
    }

    HttpResponse run(const Curl &c) const
    {
        HttpHeaders headers;
        for (const QByteArray &line : c.headers) {
            const qsizetype colon = line.indexOf(':');
            headers.append({ line.left(colon), fill(line.mid(colon + 1).trimmed()) });
        }
        HttpClient client(tapd.port());
        client.setTimeoutMs(kRequestTimeoutMs);
        return client.request(c.method, fill(c.path), fill(c.body), headers);
    }

    // Sign-up (as printed), then "(verify email, login)" with the mailed code; sets $<tokenVar>.
    void signUp(const QByteArray &body, const QString &email, const QString &password,
                const QByteArray &tokenVar, Account *out)
    {
        signUpRaw(tapd, body, email, password, out);
        vars.insert(tokenVar, out->token);
    }

    HttpClient admin(const QByteArray &tokenVar) const
    {
        HttpClient c = tapd.client(vars.value(tokenVar));
        c.setTimeoutMs(kRequestTimeoutMs);
        return c;
    }

    Upstream upstream;
    AdminTapd tapd;
    QMap<QByteArray, QByteArray> vars;
};

const QByteArray kJson = "Content-Type: application/json";

// The one upstream request made since `before`, or an empty object.
QJsonObject onlyRequestSince(const Upstream &u, int before)
{
    const QJsonArray got = u.since(before);
    return got.size() == 1 ? got.first().toObject() : QJsonObject();
}

// The credential_scope of the forward audit record of `r` in the team of `admin`.
QString auditScope(const HttpClient &admin, const HttpResponse &r)
{
    const QList<QJsonObject> records =
            withRequestId(auditItems(admin), r.header("X-TAP-Request-Id"));
    return records.size() == 1 ? records.first().value(u"credential_scope"_s).toString()
                               : u"<%1 records>"_s.arg(records.size());
}

// The "scope" /agent/services gives credential `name` in team `teamId`.
QString servicesScope(const HttpResponse &services, const QString &teamId, const QString &name)
{
    for (const QJsonValue &t : services.json().value(u"teams"_s).toArray()) {
        if (t[u"team_id"_s].toString() == teamId)
            return findByKey(t[u"credentials"_s], u"name"_s, name).value(u"scope"_s).toString();
    }
    return u"<no team>"_s;
}

} // namespace

class TestSeedWalkthrough : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
    }

    void multiAccount();
    void configuration();
    void howItWorks();
    void multiScope();
};

// multi-account.txt, and the "Done when" of #15: the company Slack POST waits for a human (202,
// slack.com is a new host of a credential without api_base); approved with allow_host, the next
// identical request is sent at once (200). The audit trail and /agent/services name the row used.
void TestSeedWalkthrough::multiAccount()
{
    Walk w;
    if (!w.start())
        return;
    // 1. Developer Creates a Personal Team and Agent
    Account alice;
    w.signUp(
            R"({"team_name": "alice-personal", "email": "alice@example.com", "password": "password123"})",
            u"alice@example.com"_s, u"password123"_s, "$ALICE_TOKEN", &alice);
    RETURN_IF_FAILED();
    w.vars.insert("<alice-personal-team-id>", utf8(alice.teamId));
    w.vars.insert("<home-team-id>", utf8(alice.teamId));
    const Curl createAgent{ "POST",
                            "/admin/agents",
                            { "Authorization: Bearer $ALICE_TOKEN", kJson },
                            R"({
"id": "alice-agent",
"description": "Alice personal agent",
"credentials": ["openai", "github"]
})" };
    // As printed it comes first and fails: the credentials do not exist yet.
    const HttpResponse tooEarly = w.run(createAgent);
    EXPECT_ERROR(tooEarly, 400, u"invalid_request"_s);
    QVERIFY2(tooEarly.body.contains("openai"), tooEarly.body.constData());
    // Prior step: Alice's two credentials (the document never shows them), and a policy that
    // lets her GETs through (with no policy every request waits for approval).
    const HttpClient aliceApi = w.admin("$ALICE_TOKEN");
    createAll(aliceApi, "/admin/credentials",
              { { { u"name"_s, u"openai"_s },
                  { u"description"_s, u"Alice's OpenAI key"_s },
                  { u"api_base"_s, u"https://api.openai.com"_s },
                  { u"value"_s, u"sk-alice-0123456789"_s } },
                { { u"name"_s, u"github"_s },
                  { u"description"_s, u"Alice's GitHub token"_s },
                  { u"api_base"_s, u"https://api.github.com"_s },
                  { u"value"_s, u"ghp-alice-0123456789"_s } } });
    QVERIFY(setPolicy(aliceApi, u"openai"_s,
                      { { u"auto_approve_methods"_s, strings({ u"GET"_s }) } }));
    RETURN_IF_FAILED();
    const HttpResponse agent = w.run(createAgent);
    EXPECT_STATUS(agent, 201);
    w.vars.insert("$AGENT_KEY", agent.json().value(u"api_key"_s).toString().toLatin1());

    // 2. Company Admin Creates Company Team and Credentials
    Account company;
    w.signUp(
            R"({"team_name": "company", "email": "admin@company.example", "password": "company-password"})",
            u"admin@company.example"_s, u"company-password"_s, "$COMPANY_TOKEN", &company);
    RETURN_IF_FAILED();
    w.vars.insert("<company-team-id>", utf8(company.teamId));
    const QList<QByteArray> companyH{ "Authorization: Bearer $COMPANY_TOKEN", kJson };
    EXPECT_STATUS(
            w.run({ "POST", "/admin/credentials", companyH,
                    R"({"name": "slack", "description": "Company Slack", "value": "xoxb-company-token"})" }),
            201);
    EXPECT_STATUS(
            w.run({ "POST", "/admin/credentials", companyH,
                    R"({"name": "twitter", "description": "Company Twitter", "value": "bearer-token"})" }),
            201);
    EXPECT_STATUS(w.run({ "POST", "/admin/roles", companyH,
                          R"({"name": "social-poster", "credentials": ["slack", "twitter"]})" }),
                  201);
    // Prior step ("Policies still apply"): the company lets chat.postMessage through without a
    // human. A new host waits for one all the same.
    const HttpClient companyApi = w.admin("$COMPANY_TOKEN");
    QVERIFY(setPolicy(companyApi, u"slack"_s,
                      { { u"auto_approve_urls"_s, strings({ u"/chat.postMessage"_s }) } }));

    // 3. Company Admin Links Alice's Agent
    EXPECT_STATUS(w.run({ "POST", "/admin/agent-links", companyH, R"({
"agent_home_team_id": "<alice-personal-team-id>",
"agent_id": "alice-agent",
"role": "social-poster"
})" }),
                  201);

    // 4. Agent Uses Cross-Team Credentials: home team, no X-TAP-Team.
    int before = w.upstream.count();
    const HttpResponse models =
            w.run({ "POST",
                    "/forward",
                    { "X-TAP-Key: $AGENT_KEY", "X-TAP-Credential: openai",
                      "X-TAP-Target: https://api.openai.com/v1/models", "X-TAP-Method: GET" },
                    {} });
    EXPECT_STATUS(models, 200);
    QJsonObject sent = onlyRequestSince(w.upstream, before);
    QCOMPARE(sent.value(u"method"_s).toString(), u"GET"_s);
    QCOMPARE(sent.value(u"path"_s).toString(), u"/echo/api.openai.com/v1/models"_s);
    QCOMPARE(headerValue(sent, "Authorization"), QByteArray("Bearer sk-alice-0123456789"));

    // The company's Slack: slack.com is a new host of "slack" (created without api_base).
    const Curl post{
        "POST",
        "/forward",
        { "X-TAP-Key: $AGENT_KEY", "X-TAP-Team: <company-team-id>", "X-TAP-Credential: slack",
          "X-TAP-Target: https://slack.com/api/chat.postMessage", "X-TAP-Method: POST", kJson },
        R"({"channel": "C123", "text": "Hello from multi-account"})"
    };
    before = w.upstream.count();
    const HttpResponse parked = w.run(post);
    EXPECT_STATUS(parked, 202);
    const QByteArray txn = parked.json().value(u"txn_id"_s).toString().toLatin1();
    QVERIFY2(!txn.isEmpty(), parked.body.constData());
    QCOMPARE(w.upstream.count(), before);
    const QJsonObject view = companyApi.get("/admin/approvals/" + txn).json();
    QCOMPARE(view.value(u"notice"_s).toString(),
             u"First use of host slack.com with credential slack."_s);
    // "Approve and allow host".
    EXPECT_STATUS(
            companyApi.post("/admin/approvals/" + txn + "/approve", { { u"allow_host"_s, true } }),
            200);
    const QJsonObject outcome = pollUntilFinal(w.tapd.port(), w.vars.value("$AGENT_KEY"), txn);
    QCOMPARE(outcome.value(u"status"_s).toString(), u"forwarded"_s);
    QCOMPARE(stringList(companyApi.get("/admin/credentials/slack").json()[u"allowed_hosts"_s]),
             QStringList{ u"slack.com"_s });
    // The next identical request: 200 at once.
    before = w.upstream.count();
    const HttpResponse posted = w.run(post);
    EXPECT_STATUS(posted, 200);
    sent = onlyRequestSince(w.upstream, before);
    QCOMPARE(sent.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(sent.value(u"path"_s).toString(), u"/echo/slack.com/api/chat.postMessage"_s);
    QCOMPARE(headerValue(sent, "Authorization"), QByteArray("Bearer xoxb-company-token"));
    QCOMPARE(sent.value(u"body"_s).toString(),
             u"{\"channel\": \"C123\", \"text\": \"Hello from multi-account\"}"_s);
    QVERIFY(!posted.body.contains("xoxb-company-token"));
    // The row used, named by the company's audit trail and by /agent/services.
    QCOMPARE(auditScope(companyApi, posted), u"team"_s);
    QVERIFY(withRequestId(auditItems(aliceApi), posted.header("X-TAP-Request-Id")).isEmpty());
    const Curl services{ "GET", "/agent/services", { "X-TAP-Key: $AGENT_KEY" }, {} };
    const HttpResponse both = w.run(services);
    EXPECT_STATUS(both, 200);
    QCOMPARE(servicesByTeam(both).keys(), sorted({ alice.teamId, company.teamId }));
    QCOMPARE(servicesScope(both, company.teamId, u"slack"_s), u"team"_s);
    QCOMPARE(servicesScope(both, alice.teamId, u"openai"_s), u"team"_s);

    // Managing Links: List Agent Links, Remove a Link.
    const HttpResponse links =
            w.run({ "GET", "/admin/agent-links", { "Authorization: Bearer $COMPANY_TOKEN" }, {} });
    EXPECT_STATUS(links, 200);
    QCOMPARE(column(links.json()[u"links"_s], u"agent_id"_s), QStringList{ u"alice-agent"_s });
    EXPECT_STATUS(w.run({ "DELETE",
                          "/admin/agent-links/<home-team-id>/alice-agent",
                          { "Authorization: Bearer $COMPANY_TOKEN" },
                          {} }),
                  200);
    // "The agent immediately loses access to the company team's credentials."
    EXPECT_FWD(w.run(post), 403, u"team_not_linked"_s);
    // Discovering Available Teams (printed last: the home team only by now).
    const HttpResponse homeOnly = w.run(services);
    EXPECT_STATUS(homeOnly, 200);
    QCOMPARE(servicesByTeam(homeOnly).keys(), QStringList{ alice.teamId });
}

// configuration.txt, every curl example. In printed order except: Verify Email takes the mailed
// code; Log Out works where printed but ends the session, so Log In is run again after it;
// the agent example needs the role "reader" (printed later: moved before it) and the
// credentials github and twitter (never shown: prior step); Delete a Credential would remove
// "slack", which the agent and policy examples use: moved to the end.
void TestSeedWalkthrough::configuration()
{
    Walk w;
    if (!w.start())
        return;
    const QList<QByteArray> json{ kJson };
    const QList<QByteArray> admin{ "Authorization: Bearer $ADMIN_TOKEN" };
    const QList<QByteArray> adminJson{ "Authorization: Bearer $ADMIN_TOKEN", kJson };
    // Sign Up
    EXPECT_STATUS(w.run({ "POST", "/signup", json, R"({
    "team_name": "my-team",
    "email": "admin@example.com",
    "password": "your-password"
  })" }),
                  201);
    // Verify Email: "123456" is the document's example; the mailed code works.
    const QByteArray code = utf8(w.tapd.verificationCode(u"admin@example.com"_s));
    QCOMPARE(code.size(), 6);
    w.vars.insert("123456", code);
    EXPECT_STATUS(w.run({ "POST", "/verify-email", json,
                          R"({"email": "admin@example.com", "code": "123456"})" }),
                  200);
    // Log In, export ADMIN_TOKEN
    const Curl login{ "POST", "/login", json,
                      R"({"email": "admin@example.com", "password": "your-password"})" };
    HttpResponse r = w.run(login);
    EXPECT_STATUS(r, 200);
    w.vars.insert("$ADMIN_TOKEN", r.json().value(u"session_token"_s).toString().toLatin1());
    // Log Out (where printed), then Log In again.
    EXPECT_STATUS(w.run({ "POST", "/logout", admin, {} }), 200);
    EXPECT_ERROR(w.run({ "GET", "/admin/team", admin, {} }), 401, u"unauthorized"_s);
    r = w.run(login);
    EXPECT_STATUS(r, 200);
    w.vars.insert("$ADMIN_TOKEN", r.json().value(u"session_token"_s).toString().toLatin1());
    // Create a Credential, List Credentials
    EXPECT_STATUS(w.run({ "POST", "/admin/credentials", adminJson, R"({
    "name": "slack",
    "description": "Slack Bot Token",
    "connector": "direct",
    "api_base": "https://slack.com/api",
    "value": "xoxb-your-slack-token"
  })" }),
                  201);
    r = w.run({ "GET", "/admin/credentials", admin, {} });
    EXPECT_STATUS(r, 200);
    QCOMPARE(column(r.json()[u"credentials"_s], u"name"_s), QStringList{ u"slack"_s });
    // Create an Agent, where printed: the role and two credentials do not exist yet.
    const Curl agent{ "POST", "/admin/agents", adminJson, R"({
    "id": "social-agent",
    "description": "Posts to Slack and Twitter",
    "credentials": ["slack", "twitter"],
    "roles": ["reader"],
    "rate_limit_per_hour": 100
  })" };
    EXPECT_ERROR(w.run(agent), 400, u"invalid_request"_s);
    // Prior step: github and twitter (named by the role and the agent, never created).
    createAll(w.admin("$ADMIN_TOKEN"), "/admin/credentials",
              { { { u"name"_s, u"github"_s },
                  { u"description"_s, u"GitHub token"_s },
                  { u"api_base"_s, u"https://api.github.com"_s },
                  { u"value"_s, u"ghp-example-token"_s } },
                { { u"name"_s, u"twitter"_s },
                  { u"description"_s, u"Twitter API"_s },
                  { u"value"_s, u"twitter-bearer-token"_s } } });
    RETURN_IF_FAILED();
    // Create a Role (moved up).
    EXPECT_STATUS(w.run({ "POST", "/admin/roles", adminJson, R"({
    "name": "reader",
    "description": "Read-only API access",
    "credentials": ["slack", "github"],
    "rate_limit_per_hour": 50
  })" }),
                  201);
    r = w.run(agent);
    EXPECT_STATUS(r, 201);
    QVERIFY(r.json().value(u"api_key"_s).toString().startsWith(u"tap_"_s));
    // List Agents, Get Agent Details, Disable, Re-enable, Delete an Agent
    EXPECT_STATUS(w.run({ "GET", "/admin/agents", admin, {} }), 200);
    r = w.run({ "GET", "/admin/agents/social-agent", admin, {} });
    EXPECT_STATUS(r, 200);
    QCOMPARE(stringList(r.json()[u"effective_credentials"_s]),
             QStringList({ u"github"_s, u"slack"_s, u"twitter"_s }));
    EXPECT_STATUS(w.run({ "POST", "/admin/agents/social-agent/disable", admin, {} }), 200);
    EXPECT_STATUS(w.run({ "POST", "/admin/agents/social-agent/enable", admin, {} }), 200);
    EXPECT_STATUS(w.run({ "DELETE", "/admin/agents/social-agent", admin, {} }), 200);
    // List Roles, Delete a Role
    r = w.run({ "GET", "/admin/roles", admin, {} });
    EXPECT_STATUS(r, 200);
    QCOMPARE(column(r.json()[u"roles"_s], u"name"_s), QStringList{ u"reader"_s });
    EXPECT_STATUS(w.run({ "DELETE", "/admin/roles/reader", admin, {} }), 200);
    // Set a Policy, Get a Policy
    EXPECT_STATUS(w.run({ "PUT", "/admin/policies/slack", adminJson, R"({
    "auto_approve_methods": ["GET"],
    "require_approval_methods": ["POST", "PUT", "DELETE"],
    "auto_approve_urls": ["/conversations.list", "/users.list"],
    "allowed_approvers": ["123456789"],
    "telegram_chat_id": "-100123456"
  })" }),
                  200);
    r = w.run({ "GET", "/admin/policies/slack", admin, {} });
    EXPECT_STATUS(r, 200);
    QCOMPARE(r.json()[u"configured"_s], QJsonValue(true));
    // Team Info
    r = w.run({ "GET", "/admin/team", admin, {} });
    EXPECT_STATUS(r, 200);
    QCOMPARE(r.json()[u"name"_s].toString(), u"my-team"_s);
    // Notification Channels: create, list, delete
    EXPECT_STATUS(w.run({ "POST", "/admin/notification-channels", adminJson, R"({
    "name": "ops-channel",
    "channel_type": "telegram",
    "config": {"chat_id": "-100123456", "bot_token": "optional-override"}
  })" }),
                  201);
    r = w.run({ "GET", "/admin/notification-channels", admin, {} });
    EXPECT_STATUS(r, 200);
    QVERIFY(!r.body.contains("optional-override"));
    EXPECT_STATUS(w.run({ "DELETE", "/admin/notification-channels/ops-channel", admin, {} }), 200);
    // Delete a Credential (moved to the end).
    r = w.run({ "DELETE", "/admin/credentials/slack", admin, {} });
    EXPECT_STATUS(r, 200);
    QCOMPARE(r.json()[u"removed_from"_s][u"policy"_s], QJsonValue(true));
}

// how-it-works-v1.txt and -v2.txt: the request examples (HTTP, not curl). Prior step for both:
// the credentials and an agent that may use them, with policies that send them at once. The
// unified example is the same in both documents. The legacy placeholder example has no
// X-TAP-Method and a body: sent as POST. Its body "[...]" is sent as printed.
void TestSeedWalkthrough::howItWorks()
{
    Walk w;
    if (!w.start())
        return;
    Account owner;
    w.signUp(
            R"({"team_name": "how-it-works", "email": "hiw@example.com", "password": "password123"})",
            u"hiw@example.com"_s, u"password123"_s, "$ADMIN_TOKEN", &owner);
    RETURN_IF_FAILED();
    const HttpClient api = w.admin("$ADMIN_TOKEN");
    createAll(api, "/admin/credentials",
              { { { u"name"_s, u"slack"_s },
                  { u"description"_s, u"Slack Bot Token"_s },
                  { u"api_base"_s, u"https://slack.com/api"_s },
                  { u"value"_s, u"xoxb-hiw-0123456789"_s } },
                { { u"name"_s, u"openai-key"_s },
                  { u"description"_s, u"OpenAI"_s },
                  { u"api_base"_s, u"https://api.openai.com"_s },
                  { u"value"_s, u"sk-hiw-0123456789"_s } } });
    QVERIFY(setPolicy(api, u"slack"_s, { { u"auto_approve_methods"_s, strings({ u"GET"_s }) } }));
    QVERIFY(setPolicy(api, u"openai-key"_s,
                      { { u"auto_approve_urls"_s, strings({ u"/v1/chat/completions"_s }) } }));
    w.vars.insert("<agent-api-key>",
                  addAgent(api, u"hiw-agent"_s, { u"slack"_s, u"openai-key"_s }));
    RETURN_IF_FAILED();

    // "Unified" mode (v1 "Request Modes", v2 "How Agents Use TAP").
    int before = w.upstream.count();
    HttpResponse r = w.run(
            { "POST",
              "/forward",
              { "X-TAP-Key: <agent-api-key>", "X-TAP-Credential: slack",
                "X-TAP-Target: https://slack.com/api/conversations.list", "X-TAP-Method: GET" },
              {} });
    EXPECT_STATUS(r, 200);
    QJsonObject sent = onlyRequestSince(w.upstream, before);
    QCOMPARE(sent.value(u"method"_s).toString(), u"GET"_s);
    QCOMPARE(sent.value(u"path"_s).toString(), u"/echo/slack.com/api/conversations.list"_s);
    QCOMPARE(headerValue(sent, "Authorization"), QByteArray("Bearer xoxb-hiw-0123456789"));

    // Legacy Placeholder Mode (v1).
    const QByteArray body = R"({"model": "gpt-4", "messages": [...]})";
    before = w.upstream.count();
    r = w.run({ "POST",
                "/forward",
                { "X-TAP-Key: <agent-api-key>",
                  "X-TAP-Target: https://api.openai.com/v1/chat/completions",
                  "Authorization: Bearer <CREDENTIAL:openai-key>", kJson },
                body });
    EXPECT_STATUS(r, 200);
    sent = onlyRequestSince(w.upstream, before);
    QCOMPARE(sent.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(sent.value(u"path"_s).toString(), u"/echo/api.openai.com/v1/chat/completions"_s);
    QCOMPARE(headerValue(sent, "Authorization"), QByteArray("Bearer sk-hiw-0123456789"));
    QCOMPARE(sent.value(u"body"_s).toString().toUtf8(), body);
    QCOMPARE(auditScope(api, r), u"team"_s);
}

// multi-scope-integrations.txt has no curl examples: its rows, written as admin API calls
// (Entity is the team scope; provider/name is the credential name). The narrowest row wins,
// the admin API (effective_credentials, effective_scopes), /agent/services and the audit trail
// name it; deleting the agent row reverts to the role row; another agent stays disconnected.
void TestSeedWalkthrough::multiScope()
{
    Walk w;
    if (!w.start())
        return;
    Account e1;
    w.signUp(R"({"team_name": "entity-e1", "email": "ceo@example.com", "password": "password123"})",
             u"ceo@example.com"_s, u"password123"_s, "$ADMIN_TOKEN", &e1);
    RETURN_IF_FAILED();
    const HttpClient api = w.admin("$ADMIN_TOKEN");
    QVERIFY(addRole(api, u"ceo-assistant"_s, {}));
    const QByteArray ea = addAgent(api, u"ea"_s, {}, { u"ceo-assistant"_s });
    QVERIFY(!addAgent(api, u"other"_s, {}).isEmpty());
    RETURN_IF_FAILED();
    auto row = [&](const QString &name, const QString &kind, const QString &id,
                   const QString &value) {
        QJsonObject body{ { u"name"_s, name },
                          { u"description"_s, name },
                          { u"api_base"_s, u"https://%1.example.com"_s.arg(name) },
                          { u"value"_s, value } };
        if (!kind.isEmpty()) {
            body.insert(u"scope_kind"_s, kind);
            body.insert(u"scope_id"_s, id);
        }
        return api.post("/admin/credentials", body).status == 201;
    };
    QVERIFY(row(u"stripe"_s, {}, {}, u"sk-live-entity-0123456789"_s)); // Entity-shared Stripe
    QVERIFY(row(u"quickbooks"_s, u"role"_s, u"ceo-assistant"_s, u"qb-role-0123456789"_s));
    QVERIFY(row(u"gmail"_s, u"role"_s, u"ceo-assistant"_s, u"gmail-role-0123456789"_s));
    QVERIFY(row(u"gmail"_s, u"agent"_s, u"ea"_s, u"gmail-agent-0123456789"_s)); // Path B
    // The team row needs a grant (TAP's rule): assigned to the agent directly.
    EXPECT_STATUS(api.patch("/admin/agents/ea", { { u"credentials"_s, strings({ u"stripe"_s }) } }),
                  200);
    for (const QString &name : { u"stripe"_s, u"quickbooks"_s, u"gmail"_s })
        QVERIFY(autoApprove(api, name));

    const QJsonObject details = api.get("/admin/agents/ea").json();
    QCOMPARE(stringList(details[u"effective_credentials"_s]),
             QStringList({ u"gmail"_s, u"quickbooks"_s, u"stripe"_s }));
    QCOMPARE(details[u"effective_scopes"_s].toObject(),
             QJsonObject({ { u"gmail"_s, u"agent:ea"_s },
                           { u"quickbooks"_s, u"role:ceo-assistant"_s },
                           { u"stripe"_s, u"team"_s } }));
    // "Other agents in the same company stay disconnected."
    QVERIFY(stringList(api.get("/admin/agents/other").json()[u"effective_credentials"_s])
                    .isEmpty());

    // The agent's gmail row is the one sent, and named everywhere.
    w.vars.insert("$EA_KEY", ea);
    const Curl send{ "POST",
                     "/forward",
                     { "X-TAP-Key: $EA_KEY", "X-TAP-Credential: gmail",
                       "X-TAP-Target: https://gmail.example.com/send", "X-TAP-Method: GET" },
                     {} };
    int before = w.upstream.count();
    HttpResponse r = w.run(send);
    EXPECT_STATUS(r, 200);
    QCOMPARE(headerValue(onlyRequestSince(w.upstream, before), "Authorization"),
             QByteArray("Bearer gmail-agent-0123456789"));
    QCOMPARE(auditScope(api, r), u"agent:ea"_s);
    QCOMPARE(servicesScope(w.run({ "GET", "/agent/services", { "X-TAP-Key: $EA_KEY" }, {} }),
                           e1.teamId, u"gmail"_s),
             u"agent:ea"_s);

    // To revert: delete the agent-scoped row; the role row is used.
    EXPECT_STATUS(api.del("/admin/credentials/gmail?scope_kind=agent&scope_id=ea"), 200);
    QCOMPARE(api.get("/admin/agents/ea").json()[u"effective_scopes"_s][u"gmail"_s].toString(),
             u"role:ceo-assistant"_s);
    before = w.upstream.count();
    r = w.run(send);
    EXPECT_STATUS(r, 200);
    QCOMPARE(headerValue(onlyRequestSince(w.upstream, before), "Authorization"),
             QByteArray("Bearer gmail-role-0123456789"));
    QCOMPARE(auditScope(api, r), u"role:ceo-assistant"_s);
}

QTEST_GUILESS_MAIN(TestSeedWalkthrough)
#include "tst_seed_walkthrough.moc"
