// HTTP-level acceptance tests of tapd's admin API: the approver role (reads everything,
// changes nothing) and team isolation under the same names.
// Every test runs against a real tapd binary (TAPD_BINARY) on both backends (global rows
// "sqlite" and "postgres"); the fixture is support/adminfixture.h.
#include "support/adminfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestAdminAccess : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
    }

    void approverRole();
    void approverAgents();
    void isolation();
};

namespace {

// `email` invited into the owner's team as `role`, signed up with the mailed token and logged in.
HttpClient joinAs(const AdminTapd &tapd, const HttpClient &owner, const QString &email,
                  const QString &role)
{
    const QString password = u"password-of-"_s + email;
    verifyStatus(
            owner.post("/admin/members/invite", { { u"email"_s, email }, { u"role"_s, role } }),
            201, "invite", __FILE__, __LINE__);
    verifyStatus(tapd.client().post("/signup",
                                    { { u"email"_s, email },
                                      { u"password"_s, password },
                                      { u"invite_token"_s, tapd.inviteToken(email) } }),
                 201, "sign-up with the invitation", __FILE__, __LINE__);
    const HttpResponse login =
            tapd.client().post("/login", { { u"email"_s, email }, { u"password"_s, password } });
    verifyStatus(login, 200, "login", __FILE__, __LINE__);
    return tapd.client(login.json().value(u"session_token"_s).toString().toLatin1());
}

} // namespace

// ---------------------------------------------------------------------------------------------
// 4. Approvers read everything and change nothing.

void TestAdminAccess::approverRole()
{
    AdminTapd tapd;
    if (!tapd.start())
        return;
    Account owner;
    Account partner;
    signUp(tapd, u"approver-team"_s, u"owner@example.com"_s, u"owner-password"_s, &owner);
    signUp(tapd, u"partner-team"_s, u"partner@example.com"_s, u"partner-password"_s, &partner);
    RETURN_IF_FAILED();
    const HttpClient own = tapd.client(owner.token);
    createAll(own, "/admin/credentials",
              { { { u"name"_s, u"slack"_s },
                  { u"description"_s, u"Slack"_s },
                  { u"value"_s, u"xoxb-approver"_s } } });
    createAll(own, "/admin/roles",
              { { { u"name"_s, u"reader"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(own, "/admin/agents",
              { { { u"id"_s, u"bot"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(own, "/admin/notification-channels",
              { { { u"name"_s, u"desk"_s }, { u"channel_type"_s, u"desktop"_s } } });
    createAll(tapd.client(partner.token), "/admin/agents", { { { u"id"_s, u"partner-agent"_s } } });
    createAll(own, "/admin/agent-links",
              { { { u"agent_home_team_id"_s, partner.teamId },
                  { u"agent_id"_s, u"partner-agent"_s },
                  { u"role"_s, u"reader"_s } } });
    RETURN_IF_FAILED();
    EXPECT_STATUS(own.put("/admin/policies/slack",
                          { { u"auto_approve_methods"_s, QJsonArray{ u"GET"_s } } }),
                  200);

    // The owner invites bob as an approver; bob signs up with the mailed token.
    const HttpResponse invite =
            own.post("/admin/members/invite",
                     { { u"email"_s, u"bob@example.com"_s }, { u"role"_s, u"approver"_s } });
    EXPECT_STATUS(invite, 201);
    QCOMPARE(invite.json().value(u"role"_s).toString(), u"approver"_s);
    const QString inviteToken = tapd.inviteToken(u"bob@example.com"_s);
    QVERIFY2(inviteToken.startsWith(u"tapi_"_s), "no invitation token in the outbox for bob");
    QVERIFY(!invite.body.contains(utf8(inviteToken)));
    // The token is good for bob's address only; a refused sign-up leaves no account behind.
    EXPECT_ERROR(tapd.client().post("/signup",
                                    { { u"email"_s, u"mallory@example.com"_s },
                                      { u"password"_s, u"mallory-password"_s },
                                      { u"invite_token"_s, inviteToken } }),
                 403, u"forbidden"_s);
    EXPECT_ERROR(
            tapd.client().post("/signup",
                               { { u"email"_s, u"bob@example.com"_s },
                                 { u"password"_s, u"bob-password"_s },
                                 { u"invite_token"_s, QString(u"tapi_"_s + QString(43, u'x')) } }),
            400, u"invalid_request"_s);
    EXPECT_ERROR(tapd.client().post("/login",
                                    { { u"email"_s, u"mallory@example.com"_s },
                                      { u"password"_s, u"mallory-password"_s } }),
                 401, u"unauthorized"_s);
    const HttpResponse bobSignup = tapd.client().post("/signup",
                                                      { { u"email"_s, u"bob@example.com"_s },
                                                        { u"password"_s, u"bob-password"_s },
                                                        { u"invite_token"_s, inviteToken } });
    EXPECT_STATUS(bobSignup, 201);
    QCOMPARE(bobSignup.json().value(u"team_id"_s).toString(), owner.teamId);
    // The address has an account now.
    EXPECT_ERROR(tapd.client().post("/signup",
                                    { { u"email"_s, u"bob@example.com"_s },
                                      { u"password"_s, u"bob-password"_s },
                                      { u"invite_token"_s, inviteToken } }),
                 409, u"conflict"_s);
    const HttpResponse bobLogin = tapd.client().post(
            "/login",
            { { u"email"_s, u"bob@example.com"_s }, { u"password"_s, u"bob-password"_s } });
    EXPECT_STATUS(bobLogin, 200);
    QCOMPARE(bobLogin.json().value(u"team_id"_s).toString(), owner.teamId);
    QCOMPARE(bobLogin.json().value(u"role"_s).toString(), u"approver"_s);
    const QString bobId = bobLogin.json().value(u"admin_id"_s).toString();
    const HttpClient bob =
            tapd.client(bobLogin.json().value(u"session_token"_s).toString().toLatin1());

    // Everything is readable.
    for (const QByteArray &path :
         { QByteArrayLiteral("/admin/team"), QByteArrayLiteral("/admin/members"),
           QByteArrayLiteral("/admin/credentials"), QByteArrayLiteral("/admin/credentials/slack"),
           QByteArrayLiteral("/admin/policies/slack"), QByteArrayLiteral("/admin/agents"),
           QByteArrayLiteral("/admin/agents/bot"), QByteArrayLiteral("/admin/roles"),
           QByteArrayLiteral("/admin/roles/reader"),
           QByteArrayLiteral("/admin/notification-channels"),
           QByteArrayLiteral("/admin/agent-links"), QByteArrayLiteral("/admin/audit"),
           QByteArrayLiteral("/admin/audit/export"), QByteArrayLiteral("/admin/server") }) {
        const HttpResponse r = bob.get(path);
        if (!verifyStatus(r, 200, path.constData(), __FILE__, __LINE__))
            return;
    }
    QCOMPARE(bob.get("/admin/team").json().value(u"your_role"_s).toString(), u"approver"_s);
    QCOMPARE(sorted(column(bob.get("/admin/members").json().value(u"members"_s), u"email"_s)),
             QStringList({ u"bob@example.com"_s, u"owner@example.com"_s }));

    // Every configuration change is 403.
    const QByteArray partnerLink = "/admin/agent-links/" + utf8(partner.teamId) + "/partner-agent";
    const QList<Op> changes{
        { "POST", "/admin/credentials", R"({"name": "bobs", "description": "d", "value": "v"})" },
        { "PATCH", "/admin/credentials/slack", R"({"description": "changed by bob"})" },
        { "DELETE", "/admin/credentials/slack", {} },
        { "PUT", "/admin/credentials/slack/value", R"({"value": "xoxb-bob"})" },
        { "PUT", "/admin/policies/slack", R"({"auto_approve_methods": ["GET", "POST"]})" },
        { "DELETE", "/admin/policies/slack", {} },
        { "POST", "/admin/agents", R"({"id": "bobs-agent", "roles": ["reader"]})" },
        { "PATCH", "/admin/agents/bot", R"({"description": "changed by bob"})" },
        { "DELETE", "/admin/agents/bot", {} },
        { "POST", "/admin/agents/bot/enable", {} },
        { "POST", "/admin/agents/bot/disable", {} },
        { "POST", "/admin/agents/bot/rotate-key", {} },
        { "POST", "/admin/roles", R"({"name": "bobs-role"})" },
        { "PUT", "/admin/roles/reader", R"({"credentials": []})" },
        { "DELETE", "/admin/roles/reader", {} },
        { "POST", "/admin/notification-channels",
          R"({"name": "bobs", "channel_type": "desktop"})" },
        { "DELETE", "/admin/notification-channels/desk", {} },
        { "POST", "/admin/notification-channels/desk/test", {} },
        { "POST", "/admin/agent-links",
          R"({"agent_home_team_id": ")" + utf8(partner.teamId)
                  + R"(", "agent_id": "partner-agent"})" },
        { "DELETE", partnerLink, {} },
        { "POST", "/admin/members/invite",
          R"({"email": "carol@example.com", "role": "approver"})" },
        { "PATCH", "/admin/members/" + utf8(bobId), R"({"role": "admin"})" },
        { "PATCH", "/admin/members/" + utf8(owner.adminId), R"({"role": "approver"})" },
        { "DELETE", "/admin/members/" + utf8(owner.adminId), {} },
    };
    for (const Op &op : changes) {
        const HttpResponse r = perform(bob, op);
        if (!verifyError(r, 403, u"forbidden"_s, qPrintable(describeOp(op)), __FILE__, __LINE__))
            return;
    }

    // ... and nothing changed.
    {
        const QJsonObject slack = own.get("/admin/credentials/slack").json();
        QCOMPARE(slack.value(u"description"_s).toString(), u"Slack"_s);
        QCOMPARE(column(own.get("/admin/credentials").json().value(u"credentials"_s), u"name"_s),
                 QStringList{ u"slack"_s });
        QCOMPARE(stringList(
                         own.get("/admin/policies/slack").json().value(u"auto_approve_methods"_s)),
                 QStringList{ u"GET"_s });
        const QJsonObject bot = own.get("/admin/agents/bot").json();
        QCOMPARE(bot.value(u"enabled"_s), QJsonValue(true));
        QCOMPARE(bot.value(u"description"_s).toString(), QString());
        QCOMPARE(column(own.get("/admin/agents").json().value(u"agents"_s), u"id"_s),
                 QStringList{ u"bot"_s });
        QCOMPARE(stringList(own.get("/admin/roles/reader").json().value(u"credentials"_s)),
                 QStringList{ u"slack"_s });
        QCOMPARE(column(own.get("/admin/roles").json().value(u"roles"_s), u"name"_s),
                 QStringList{ u"reader"_s });
        QCOMPARE(column(own.get("/admin/notification-channels").json().value(u"channels"_s),
                        u"name"_s),
                 QStringList{ u"desk"_s });
        QCOMPARE(own.get("/admin/agent-links").json().value(u"links"_s).toArray().size(), 1);
        const QJsonObject members = own.get("/admin/members").json();
        QCOMPARE(findByKey(members.value(u"members"_s), u"email"_s, u"bob@example.com"_s)
                         .value(u"role"_s)
                         .toString(),
                 u"approver"_s);
        QCOMPARE(findByKey(members.value(u"members"_s), u"email"_s, u"owner@example.com"_s)
                         .value(u"role"_s)
                         .toString(),
                 u"owner"_s);
        QVERIFY(members.value(u"pending_invites"_s).toArray().isEmpty());
        // The audit trail has bob joining, and no change by bob.
        const QJsonArray items =
                own.get("/admin/audit?actor=bob@example.com").json().value(u"items"_s).toArray();
        QCOMPARE(column(items, u"action"_s), QStringList{ u"member.join"_s });
        QVERIFY(tapd.mailsTo(u"carol@example.com"_s).isEmpty());
    }

    // Promoted to admin, bob can change configuration.
    const HttpResponse promoted =
            own.patch("/admin/members/" + utf8(bobId), { { u"role"_s, u"admin"_s } });
    EXPECT_STATUS(promoted, 200);
    QCOMPARE(promoted.json().value(u"role"_s).toString(), u"admin"_s);
    EXPECT_STATUS(bob.post("/admin/credentials",
                           { { u"name"_s, u"bobs"_s }, { u"description"_s, u"by bob"_s } }),
                  201);
    QCOMPARE(bob.get("/admin/team").json().value(u"your_role"_s).toString(), u"admin"_s);
    EXPECT_ERROR(bob.post("/admin/members/invite",
                          { { u"email"_s, u"carol@example.com"_s }, { u"role"_s, u"owner"_s } }),
                 403, u"forbidden"_s);

    // Admins cannot touch owners; the last owner can be neither demoted nor removed.
    EXPECT_ERROR(bob.patch("/admin/members/" + utf8(owner.adminId), { { u"role"_s, u"admin"_s } }),
                 403, u"forbidden"_s);
    EXPECT_ERROR(bob.del("/admin/members/" + utf8(owner.adminId)), 403, u"forbidden"_s);
    EXPECT_ERROR(bob.patch("/admin/members/" + utf8(bobId), { { u"role"_s, u"owner"_s } }), 403,
                 u"forbidden"_s);
    EXPECT_ERROR(own.patch("/admin/members/" + utf8(owner.adminId), { { u"role"_s, u"admin"_s } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(
            own.patch("/admin/members/" + utf8(owner.adminId), { { u"role"_s, u"approver"_s } }),
            409, u"conflict"_s);
    EXPECT_ERROR(own.del("/admin/members/" + utf8(owner.adminId)), 409, u"conflict"_s);
    QCOMPARE(own.get("/admin/team").json().value(u"your_role"_s).toString(), u"owner"_s);

    // With a second owner the first may step down; then the second is the last one.
    EXPECT_STATUS(own.patch("/admin/members/" + utf8(bobId), { { u"role"_s, u"owner"_s } }), 200);
    EXPECT_STATUS(own.patch("/admin/members/" + utf8(owner.adminId), { { u"role"_s, u"admin"_s } }),
                  200);
    EXPECT_ERROR(bob.patch("/admin/members/" + utf8(bobId), { { u"role"_s, u"admin"_s } }), 409,
                 u"conflict"_s);
    EXPECT_ERROR(bob.del("/admin/members/" + utf8(bobId)), 409, u"conflict"_s);
    EXPECT_ERROR(own.del("/admin/members/" + utf8(bobId)), 403, u"forbidden"_s);
    EXPECT_ERROR(own.patch("/admin/members/nobody", { { u"role"_s, u"admin"_s } }), 404,
                 u"not_found"_s);

    // A removed member's session ends at once, and they can no longer log in to the team.
    EXPECT_STATUS(bob.del("/admin/members/" + utf8(owner.adminId)), 200);
    EXPECT_ERROR(own.get("/admin/team"), 401, u"unauthorized"_s);
    EXPECT_ERROR(
            tapd.client().post("/login",
                               { { u"email"_s, owner.email }, { u"password"_s, owner.password } }),
            403, u"forbidden"_s);
    QCOMPARE(column(bob.get("/admin/members").json().value(u"members"_s), u"email"_s),
             QStringList{ u"bob@example.com"_s });
}

// ---------------------------------------------------------------------------------------------
// how-it-works-v2.txt: "Owner/admin-managed agents can use roles plus direct assignments.
// Approver-created agents use direct assignments only." An approver creates agents with direct
// credential assignments, manages those (and only those), and never roles.

void TestAdminAccess::approverAgents()
{
    AdminTapd tapd;
    if (!tapd.start())
        return;
    Account owner;
    signUp(tapd, u"approver-agents"_s, u"owner@example.com"_s, u"owner-password"_s, &owner);
    RETURN_IF_FAILED();
    const HttpClient own = tapd.client(owner.token);
    createAll(own, "/admin/credentials",
              { { { u"name"_s, u"slack"_s },
                  { u"description"_s, u"Slack"_s },
                  { u"value"_s, u"x"_s } },
                { { u"name"_s, u"github"_s },
                  { u"description"_s, u"GitHub"_s },
                  { u"value"_s, u"y"_s } } });
    createAll(own, "/admin/roles",
              { { { u"name"_s, u"reader"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(own, "/admin/agents",
              { { { u"id"_s, u"bot"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    RETURN_IF_FAILED();
    const HttpClient bob = joinAs(tapd, own, u"bob@example.com"_s, u"approver"_s);
    const HttpClient carol = joinAs(tapd, own, u"carol@example.com"_s, u"approver"_s);
    RETURN_IF_FAILED();

    // Direct assignments: created, with a key that works.
    const HttpResponse created = bob.post(
            "/admin/agents",
            { { u"id"_s, u"bobs-agent"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } });
    EXPECT_STATUS(created, 201);
    const QByteArray firstKey = created.json().value(u"api_key"_s).toString().toLatin1();
    QCOMPARE(servicesByTeam(agentServices(tapd, firstKey)).value(owner.teamId),
             QStringList{ u"slack"_s });
    EXPECT_STATUS(bob.post("/admin/agents", { { u"id"_s, u"bobs-second"_s } }), 201);
    // Who created each agent (agents.created_by, by email), in the list and the details.
    QCOMPARE(own.get("/admin/agents/bobs-agent").json().value(u"created_by"_s).toString(),
             u"bob@example.com"_s);
    {
        const QJsonValue agents = own.get("/admin/agents").json().value(u"agents"_s);
        QCOMPARE(findByKey(agents, u"id"_s, u"bot"_s).value(u"created_by"_s).toString(),
                 u"owner@example.com"_s);
        QCOMPARE(findByKey(agents, u"id"_s, u"bobs-second"_s).value(u"created_by"_s).toString(),
                 u"bob@example.com"_s);
    }

    // Roles: refused, naming the rule; nothing is made.
    for (const QJsonObject &body : { QJsonObject{ { u"id"_s, u"bobs-role-agent"_s },
                                                  { u"roles"_s, QJsonArray{ u"reader"_s } } },
                                     QJsonObject{ { u"id"_s, u"bobs-role-agent"_s },
                                                  { u"credentials"_s, QJsonArray{ u"github"_s } },
                                                  { u"roles"_s, QJsonArray{ u"reader"_s } } } }) {
        const HttpResponse r = bob.post("/admin/agents", body);
        EXPECT_ERROR(r, 403, u"forbidden"_s);
        QVERIFY2(r.errorMessage().contains(u"direct credential assignments"_s), r.body.constData());
    }
    EXPECT_ERROR(own.get("/admin/agents/bobs-role-agent"), 404, u"not_found"_s);

    // Bob manages his own agent: update, disable/enable, rotate its key.
    const HttpResponse patched = bob.patch(
            "/admin/agents/bobs-agent",
            { { u"description"_s, u"bob's"_s }, { u"credentials"_s, QJsonArray{ u"github"_s } } });
    EXPECT_STATUS(patched, 200);
    QCOMPARE(stringList(patched.json().value(u"credentials"_s)), QStringList{ u"github"_s });
    EXPECT_ERROR(
            bob.patch("/admin/agents/bobs-agent", { { u"roles"_s, QJsonArray{ u"reader"_s } } }),
            403, u"forbidden"_s);
    QVERIFY(stringList(own.get("/admin/agents/bobs-agent").json().value(u"roles"_s)).isEmpty());
    EXPECT_STATUS(bob.post("/admin/agents/bobs-agent/disable"), 200);
    QCOMPARE(own.get("/admin/agents/bobs-agent").json().value(u"enabled"_s), QJsonValue(false));
    EXPECT_STATUS(bob.post("/admin/agents/bobs-agent/enable"), 200);
    const HttpResponse rotated = bob.post("/admin/agents/bobs-agent/rotate-key");
    EXPECT_STATUS(rotated, 200);
    const QByteArray newKey = rotated.json().value(u"api_key"_s).toString().toLatin1();
    EXPECT_ERROR(agentServices(tapd, firstKey), 401, u"unauthorized"_s);
    QCOMPARE(servicesByTeam(agentServices(tapd, newKey)).value(owner.teamId),
             QStringList{ u"github"_s });
    EXPECT_STATUS(bob.del("/admin/agents/bobs-second"), 200);

    // Not the owner's agent, not another approver's, not roles.
    const QList<Op> refused{
        { "PATCH", "/admin/agents/bot", R"({"description": "changed by bob"})" },
        { "POST", "/admin/agents/bot/disable", {} },
        { "POST", "/admin/agents/bot/enable", {} },
        { "POST", "/admin/agents/bot/rotate-key", {} },
        { "DELETE", "/admin/agents/bot", {} },
        { "POST", "/admin/roles", R"({"name": "bobs-role"})" },
        { "PUT", "/admin/roles/reader", R"({"credentials": ["github"]})" },
        { "DELETE", "/admin/roles/reader", {} },
    };
    for (const Op &op : refused) {
        if (!verifyError(perform(bob, op), 403, u"forbidden"_s, qPrintable(describeOp(op)),
                         __FILE__, __LINE__))
            return;
    }
    for (const Op &op :
         QList<Op>{ { "PATCH", "/admin/agents/bobs-agent", R"({"description": "c"})" },
                    { "POST", "/admin/agents/bobs-agent/rotate-key", {} },
                    { "DELETE", "/admin/agents/bobs-agent", {} } }) {
        if (!verifyError(perform(carol, op), 403, u"forbidden"_s, qPrintable(describeOp(op)),
                         __FILE__, __LINE__))
            return;
    }
    const QJsonObject bot = own.get("/admin/agents/bot").json();
    QCOMPARE(bot.value(u"enabled"_s), QJsonValue(true));
    QCOMPARE(bot.value(u"description"_s).toString(), QString());
    QCOMPARE(stringList(own.get("/admin/roles/reader").json().value(u"credentials"_s)),
             QStringList{ u"slack"_s });

    // Once an owner gives it a role, it is no longer an approver-managed agent.
    EXPECT_STATUS(
            own.patch("/admin/agents/bobs-agent", { { u"roles"_s, QJsonArray{ u"reader"_s } } }),
            200);
    EXPECT_ERROR(bob.patch("/admin/agents/bobs-agent", { { u"description"_s, u"again"_s } }), 403,
                 u"forbidden"_s);

    // The trail names bob for what he did.
    const QJsonArray items =
            own.get("/admin/audit?actor=bob@example.com").json().value(u"items"_s).toArray();
    const QStringList actions = column(items, u"action"_s);
    for (const QString &action : { u"agent.create"_s, u"agent.update"_s, u"agent.disable"_s,
                                   u"agent.enable"_s, u"agent.rotate_key"_s, u"agent.delete"_s })
        QVERIFY2(actions.contains(action), qPrintable(actions.join(u", "_s)));
}

// ---------------------------------------------------------------------------------------------
// 5. Teams are isolated even when they use the same names.

void TestAdminAccess::isolation()
{
    AdminTapd tapd;
    if (!tapd.start())
        return;
    Account a;
    Account b;
    signUp(tapd, u"team-a"_s, u"a@example.com"_s, u"password-a"_s, &a);
    signUp(tapd, u"team-b"_s, u"b@example.com"_s, u"password-b"_s, &b);
    RETURN_IF_FAILED();
    const HttpClient apiA = tapd.client(a.token);
    const HttpClient apiB = tapd.client(b.token);
    QMap<QString, QByteArray> sharedAgentKey; // by "A" / "B"
    for (const auto &[api, who] : { std::pair{ &apiA, u"A"_s }, std::pair{ &apiB, u"B"_s } }) {
        createAll(*api, "/admin/credentials",
                  { { { u"name"_s, u"shared-cred"_s },
                      { u"description"_s, QString(who + u"'s"_s) },
                      { u"value"_s, QString(u"value-of-"_s + who) } } });
        createAll(*api, "/admin/roles",
                  { { { u"name"_s, u"shared-role"_s },
                      { u"credentials"_s, QJsonArray{ u"shared-cred"_s } } } });
        const HttpResponse created = api->post("/admin/agents",
                                               { { u"id"_s, u"shared-agent"_s },
                                                 { u"description"_s, QString(who + u"'s agent"_s) },
                                                 { u"roles"_s, QJsonArray{ u"shared-role"_s } } });
        EXPECT_STATUS(created, 201);
        sharedAgentKey.insert(who, created.json().value(u"api_key"_s).toString().toLatin1());
    }
    createAll(apiA, "/admin/roles", { { { u"name"_s, u"a-role"_s } } });
    createAll(apiB, "/admin/credentials",
              { { { u"name"_s, u"b-cred"_s }, { u"description"_s, u"B only"_s } } });
    createAll(apiB, "/admin/roles",
              { { { u"name"_s, u"b-role"_s }, { u"credentials"_s, QJsonArray{ u"b-cred"_s } } } });
    const HttpResponse bAgentCreated = apiB.post(
            "/admin/agents",
            { { u"id"_s, u"b-agent"_s }, { u"credentials"_s, QJsonArray{ u"b-cred"_s } } });
    EXPECT_STATUS(bAgentCreated, 201);
    const QByteArray bAgentKey = bAgentCreated.json().value(u"api_key"_s).toString().toLatin1();
    createAll(apiB, "/admin/notification-channels",
              { { { u"name"_s, u"b-channel"_s }, { u"channel_type"_s, u"desktop"_s } } });
    RETURN_IF_FAILED();
    EXPECT_STATUS(apiB.put("/admin/policies/b-cred",
                           { { u"auto_approve_methods"_s, QJsonArray{ u"GET"_s } } }),
                  200);

    // A's lists show only A's objects.
    {
        const QJsonArray creds =
                apiA.get("/admin/credentials").json().value(u"credentials"_s).toArray();
        QCOMPARE(column(creds, u"name"_s), QStringList{ u"shared-cred"_s });
        QCOMPARE(creds.first().toObject().value(u"description"_s).toString(), u"A's"_s);
        QCOMPARE(column(apiA.get("/admin/roles").json().value(u"roles"_s), u"name"_s),
                 QStringList({ u"a-role"_s, u"shared-role"_s }));
        const QJsonArray agents = apiA.get("/admin/agents").json().value(u"agents"_s).toArray();
        QCOMPARE(column(agents, u"id"_s), QStringList{ u"shared-agent"_s });
        QCOMPARE(agents.first().toObject().value(u"description"_s).toString(), u"A's agent"_s);
        QVERIFY(apiA.get("/admin/notification-channels")
                        .json()
                        .value(u"channels"_s)
                        .toArray()
                        .isEmpty());
        QVERIFY(apiA.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
        QCOMPARE(column(apiA.get("/admin/members").json().value(u"members"_s), u"email"_s),
                 QStringList{ u"a@example.com"_s });
        QCOMPARE(apiA.get("/admin/team").json().value(u"name"_s).toString(), u"team-a"_s);
        QCOMPARE(stringList(apiA.get("/admin/roles/shared-role").json().value(u"credentials"_s)),
                 QStringList{ u"shared-cred"_s });
        QCOMPARE(apiA.get("/admin/policies/shared-cred").json().value(u"configured"_s),
                 QJsonValue(false));
    }

    // B's objects do not exist for A: exactly the answer for a name that exists nowhere.
    struct Probe
    {
        Op op;
        QString bName; // exists in team B only
        QString nowhere; // exists in no team
    };
    const QList<Probe> probes{
        { { "GET", "/admin/credentials/{name}", {} }, u"b-cred"_s, u"nowhere-cred"_s },
        { { "PATCH", "/admin/credentials/{name}", R"({"description": "hijacked"})" },
          u"b-cred"_s,
          u"nowhere-cred"_s },
        { { "DELETE", "/admin/credentials/{name}", {} }, u"b-cred"_s, u"nowhere-cred"_s },
        { { "PUT", "/admin/credentials/{name}/value", R"({"value": "hijacked"})" },
          u"b-cred"_s,
          u"nowhere-cred"_s },
        { { "GET", "/admin/policies/{name}", {} }, u"b-cred"_s, u"nowhere-cred"_s },
        { { "PUT", "/admin/policies/{name}", R"({"auto_approve_methods": ["POST"]})" },
          u"b-cred"_s,
          u"nowhere-cred"_s },
        { { "DELETE", "/admin/policies/{name}", {} }, u"b-cred"_s, u"nowhere-cred"_s },
        { { "GET", "/admin/agents/{name}", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "PATCH", "/admin/agents/{name}", R"({"description": "hijacked"})" },
          u"b-agent"_s,
          u"nowhere-agent"_s },
        { { "POST", "/admin/agents/{name}/disable", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "POST", "/admin/agents/{name}/enable", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "POST", "/admin/agents/{name}/rotate-key", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "DELETE", "/admin/agents/{name}", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "GET", "/admin/roles/{name}", {} }, u"b-role"_s, u"nowhere-role"_s },
        { { "PUT", "/admin/roles/{name}", R"({"credentials": []})" },
          u"b-role"_s,
          u"nowhere-role"_s },
        { { "DELETE", "/admin/roles/{name}", {} }, u"b-role"_s, u"nowhere-role"_s },
        { { "DELETE", "/admin/notification-channels/{name}", {} },
          u"b-channel"_s,
          u"nowhere-channel"_s },
        { { "POST", "/admin/notification-channels/{name}/test", {} },
          u"b-channel"_s,
          u"nowhere-channel"_s },
        { { "PATCH", "/admin/members/{name}", R"({"role": "approver"})" },
          b.adminId,
          u"00000000-0000-0000-0000-000000000000"_s },
        { { "DELETE", "/admin/members/{name}", {} },
          b.adminId,
          u"00000000-0000-0000-0000-000000000000"_s },
    };
    for (const auto &[op, bName, nowhere] : probes) {
        const HttpResponse forB = perform(apiA, op, bName);
        const HttpResponse forNothing = perform(apiA, op, nowhere);
        const QString what = describeOp(op).replace(u"{name}"_s, bName);
        if (!verifyError(forB, 404, u"not_found"_s, qPrintable(what), __FILE__, __LINE__))
            return;
        if (!verifyError(forNothing, 404, u"not_found"_s, qPrintable(what), __FILE__, __LINE__))
            return;
        QByteArray normalizedB = forB.body;
        QByteArray normalizedNothing = forNothing.body;
        normalizedB.replace(utf8(bName), "<name>");
        normalizedNothing.replace(utf8(nowhere), "<name>");
        QVERIFY2(normalizedB == normalizedNothing,
                 qPrintable(what + u": "_s + QString::fromUtf8(forB.body) + u" vs "_s
                            + QString::fromUtf8(forNothing.body)));
    }
    // Nor can A refer to them.
    EXPECT_ERROR(
            apiA.post("/admin/agents",
                      { { u"id"_s, u"probe"_s }, { u"credentials"_s, QJsonArray{ u"b-cred"_s } } }),
            400, u"invalid_request"_s);
    EXPECT_ERROR(apiA.post("/admin/agents",
                           { { u"id"_s, u"probe"_s }, { u"roles"_s, QJsonArray{ u"b-role"_s } } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(apiA.post("/admin/roles",
                           { { u"name"_s, u"probe"_s },
                             { u"credentials"_s, QJsonArray{ u"b-cred"_s } } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(
            apiA.put("/admin/policies/shared-cred", { { u"approval_channel"_s, u"b-channel"_s } }),
            400, u"invalid_request"_s);
    EXPECT_ERROR(apiA.post("/admin/members/invite", { { u"email"_s, u"a@example.com"_s } }), 409,
                 u"conflict"_s);

    // B's objects are untouched.
    {
        QCOMPARE(apiB.get("/admin/credentials/b-cred").json().value(u"description"_s).toString(),
                 u"B only"_s);
        QCOMPARE(apiB.get("/admin/credentials/shared-cred")
                         .json()
                         .value(u"description"_s)
                         .toString(),
                 u"B's"_s);
        QCOMPARE(
                stringList(
                        apiB.get("/admin/policies/b-cred").json().value(u"auto_approve_methods"_s)),
                QStringList{ u"GET"_s });
        const QJsonObject bAgent = apiB.get("/admin/agents/b-agent").json();
        QCOMPARE(bAgent.value(u"enabled"_s), QJsonValue(true));
        QCOMPARE(bAgent.value(u"description"_s).toString(), QString());
        QCOMPARE(stringList(apiB.get("/admin/roles/b-role").json().value(u"credentials"_s)),
                 QStringList{ u"b-cred"_s });
        QCOMPARE(column(apiB.get("/admin/notification-channels").json().value(u"channels"_s),
                        u"name"_s),
                 QStringList{ u"b-channel"_s });
        QCOMPARE(column(apiB.get("/admin/members").json().value(u"members"_s), u"role"_s),
                 QStringList{ u"owner"_s });
    }

    // Links: B may link A's agent only with B's own roles.
    const QByteArray linkPath = "/admin/agent-links/" + utf8(a.teamId) + "/shared-agent";
    {
        const HttpResponse foreignRole = apiB.post("/admin/agent-links",
                                                   { { u"agent_home_team_id"_s, a.teamId },
                                                     { u"agent_id"_s, u"shared-agent"_s },
                                                     { u"role"_s, u"a-role"_s } });
        EXPECT_ERROR(foreignRole, 400, u"invalid_request"_s);
        QVERIFY2(foreignRole.errorMessage().contains(u"a-role"_s), foreignRole.body.constData());
        QVERIFY(apiB.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
        EXPECT_STATUS(apiB.post("/admin/agent-links",
                                { { u"agent_home_team_id"_s, a.teamId },
                                  { u"agent_id"_s, u"shared-agent"_s },
                                  { u"role"_s, u"shared-role"_s } }),
                      201);
        QCOMPARE(apiB.get("/admin/agent-links").json().value(u"links"_s).toArray().size(), 1);
        QVERIFY(apiA.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
        EXPECT_ERROR(apiA.del(linkPath), 404, u"not_found"_s); // B's link, not A's to remove
        QCOMPARE(apiB.get("/admin/agent-links").json().value(u"links"_s).toArray().size(), 1);
    }

    // A deleting "shared-agent" deletes A's agent only (and B's link to it).
    EXPECT_STATUS(apiA.del("/admin/agents/shared-agent"), 200);
    EXPECT_ERROR(apiA.get("/admin/agents/shared-agent"), 404, u"not_found"_s);
    {
        const HttpResponse bShared = apiB.get("/admin/agents/shared-agent");
        EXPECT_STATUS(bShared, 200);
        QCOMPARE(bShared.json().value(u"description"_s).toString(), u"B's agent"_s);
        QCOMPARE(stringList(bShared.json().value(u"effective_credentials"_s)),
                 QStringList{ u"shared-cred"_s });
        QVERIFY(apiB.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
        // B's key still works (and opens B's credentials); A's is dead.
        const HttpResponse bServices = agentServices(tapd, sharedAgentKey.value(u"B"_s));
        EXPECT_STATUS(bServices, 200);
        QCOMPARE(bServices.json().value(u"home_team_id"_s).toString(), b.teamId);
        QCOMPARE(servicesByTeam(bServices).value(b.teamId), QStringList{ u"shared-cred"_s });
        QCOMPARE(servicesByTeam(bServices).size(), 1);
        EXPECT_ERROR(agentServices(tapd, sharedAgentKey.value(u"A"_s)), 401, u"unauthorized"_s);
        // A's failed rotate/disable attempts did not touch B's own agent either.
        const HttpResponse bAgentServices = agentServices(tapd, bAgentKey);
        EXPECT_STATUS(bAgentServices, 200);
        QCOMPARE(servicesByTeam(bAgentServices).value(b.teamId), QStringList{ u"b-cred"_s });
    }
    // Same for credentials: A's removal reports A's role only and leaves B's role intact.
    {
        const HttpResponse removed = apiA.del("/admin/credentials/shared-cred");
        EXPECT_STATUS(removed, 200);
        const QJsonObject from = removed.json().value(u"removed_from"_s).toObject();
        QCOMPARE(stringList(from.value(u"roles"_s)), QStringList{ u"shared-role"_s });
        QVERIFY(from.value(u"agents"_s).toArray().isEmpty());
        QCOMPARE(stringList(apiB.get("/admin/roles/shared-role").json().value(u"credentials"_s)),
                 QStringList{ u"shared-cred"_s });
        EXPECT_STATUS(apiB.get("/admin/credentials/shared-cred"), 200);
    }

    // Audit trails are per team.
    for (const auto &[api, account, mine, theirs] :
         { std::tuple{ &apiA, &a, u"a-role"_s, u"b-cred"_s },
           std::tuple{ &apiB, &b, u"b-cred"_s, u"a-role"_s } }) {
        const HttpResponse page = api->get("/admin/audit?limit=1000");
        EXPECT_STATUS(page, 200);
        const QJsonArray items = page.json().value(u"items"_s).toArray();
        QVERIFY(!items.isEmpty());
        QStringList targets;
        for (const QJsonValue &item : items) {
            QCOMPARE(item.toObject().value(u"team_id"_s).toString(), account->teamId);
            targets << item.toObject().value(u"target"_s).toString();
            QVERIFY(item.toObject().value(u"actor"_s).toString() == account->email);
        }
        QVERIFY2(targets.contains(mine), qPrintable(targets.join(u',')));
        QVERIFY2(!targets.contains(theirs), qPrintable(targets.join(u',')));
        const HttpResponse exported = api->get("/admin/audit/export");
        EXPECT_STATUS(exported, 200);
        int lines = 0;
        for (const QByteArray &line : exported.body.split('\n')) {
            if (line.isEmpty())
                continue;
            ++lines;
            QCOMPARE(QJsonDocument::fromJson(line).object().value(u"team_id"_s).toString(),
                     account->teamId);
        }
        QCOMPARE(lines, int(items.size()));
    }
    // A's deletion of "shared-agent" is in A's trail only.
    QCOMPARE(column(apiA.get("/admin/audit?action=agent.delete").json().value(u"items"_s),
                    u"target"_s),
             QStringList{ u"shared-agent"_s });
    QVERIFY(apiB.get("/admin/audit?action=agent.delete")
                    .json()
                    .value(u"items"_s)
                    .toArray()
                    .isEmpty());
}

QTEST_GUILESS_MAIN(TestAdminAccess)
#include "tst_admin_access.moc"
