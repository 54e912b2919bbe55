// Multi-scope credentials (README "Credential scopes") end to end,
// against the real tapd and a local fake upstream, on both backends: the narrowest row wins
// (agent over role over team), its secret is the one sent and the audit trail and
// /agent/services name it; deleting a row reverts; two roles defining a name are a 409; linked
// agents get role rows, direct grants and rows of their own; deleting an agent or role deletes
// its rows; two teams with the same agent and credential names stay apart.
#include "support/forwardfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

QJsonObject scoped(const QString &kind, const QString &id)
{
    return { { u"scope_kind"_s, kind }, { u"scope_id"_s, id } };
}

QByteArray query(const QString &kind, const QString &id)
{
    return "?scope_kind=" + utf8(kind) + "&scope_id=" + QUrl::toPercentEncoding(id);
}

// The credential_scope of the forward record with that request id.
QString auditScope(const HttpClient &admin, const HttpResponse &r)
{
    const QList<QJsonObject> records =
            withRequestId(auditItems(admin), r.header("X-TAP-Request-Id"));
    return records.size() == 1 ? records.first().value(u"credential_scope"_s).toString()
                               : u"<%1 records>"_s.arg(records.size());
}

// /agent/services: the scope each credential of a team resolves to, by name.
QJsonObject servicesScopes(quint16 port, const QByteArray &key, const QString &teamId)
{
    HttpClient c(port);
    const HttpResponse r = c.get("/agent/services", { { "X-TAP-Key", key } });
    QJsonObject out;
    for (const QJsonValue &t : r.json().value(u"teams"_s).toArray()) {
        if (t[u"team_id"_s].toString() != teamId)
            continue;
        for (const QJsonValue &c2 : t[u"credentials"_s].toArray())
            out.insert(c2[u"name"_s].toString(), c2[u"scope"_s]);
    }
    return out;
}

} // namespace

class TestForwardScopes : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSuite(); }
    void cleanupTestCase() { finishSuite(); }

    void adminApi();
    void precedence_data();
    void precedence();
    void roleConflict();
    void linkedAgent();
    void deletingOwners();
    void teamIsolation();
};

// POST/GET/PATCH/PUT value/DELETE with scopes, and what is refused.
void TestForwardScopes::adminApi()
{
    FIXTURE(f);
    const Account t = f->newAccount(u"scopes-admin"_s);
    RETURN_IF_FAILED();
    const HttpClient api = f->tapd.client(t.token);
    QVERIFY(addCredential(f->secrets, api, u"gmail"_s, "team-" + canary(*f)));
    QVERIFY(addRole(api, u"cfo"_s, {}));
    QVERIFY(!addAgent(api, u"bot"_s, {}).isEmpty());
    QVERIFY(addCredential(f->secrets, api, u"gmail"_s, "role-" + canary(*f),
                          scoped(u"role"_s, u"cfo"_s)));
    QVERIFY(addCredential(f->secrets, api, u"gmail"_s, "agent-" + canary(*f),
                          scoped(u"agent"_s, u"bot"_s)));
    // Unique per (team, scope_kind, scope_id).
    QJsonObject dup = scoped(u"role"_s, u"cfo"_s);
    dup.insert(u"name"_s, u"gmail"_s);
    dup.insert(u"description"_s, u"again"_s);
    EXPECT_ERROR(api.post("/admin/credentials", dup), 409, u"conflict"_s);
    // Unknown role or agent, bad kinds and shapes.
    const QList<QJsonObject> bad{
        scoped(u"role"_s, u"ceo"_s),         scoped(u"agent"_s, u"nobody"_s),
        scoped(u"agent"_s, u"team-x/bot"_s), scoped(u"entity"_s, u"x"_s),
        scoped(u"role"_s, QString()),        scoped(u"team"_s, u"cfo"_s),
        scoped(u"role"_s, u"a/b"_s)
    };
    for (QJsonObject body : bad) {
        body.insert(u"name"_s, u"other"_s);
        body.insert(u"description"_s, u"x"_s);
        EXPECT_ERROR(api.post("/admin/credentials", body), 400, u"invalid_request"_s);
    }
    // The list shows every scope with both fields; filters narrow it.
    const QJsonArray all = api.get("/admin/credentials").json()[u"credentials"_s].toArray();
    QCOMPARE(all.size(), 3);
    QStringList scopes;
    for (const QJsonValue &c : all)
        scopes << c[u"scope_kind"_s].toString() + u':' + c[u"scope_id"_s].toString();
    QCOMPARE(scopes, QStringList({ u"agent:bot"_s, u"role:cfo"_s, u"team:"_s }));
    QVERIFY(all.at(2).toObject().value(u"scope_id"_s).isNull());
    const QJsonArray roles =
            api.get("/admin/credentials?scope_kind=role").json()[u"credentials"_s].toArray();
    QCOMPARE(roles.size(), 1);
    QCOMPARE(roles.at(0)[u"scope_id"_s].toString(), u"cfo"_s);
    EXPECT_ERROR(api.get("/admin/credentials?scope=role"), 400, u"invalid_request"_s);
    // One row addressed by query parameters.
    const HttpResponse one = api.get("/admin/credentials/gmail" + query(u"agent"_s, u"bot"_s));
    EXPECT_STATUS(one, 200);
    QCOMPARE(one.json()[u"scope_kind"_s].toString(), u"agent"_s);
    QCOMPARE(api.get("/admin/credentials/gmail").json()[u"scope_kind"_s].toString(), u"team"_s);
    EXPECT_ERROR(api.get("/admin/credentials/gmail" + query(u"agent"_s, u"other"_s)), 404,
                 u"not_found"_s);
    const HttpResponse patched = api.patch("/admin/credentials/gmail" + query(u"role"_s, u"cfo"_s),
                                           { { u"description"_s, u"the CFO seat's mailbox"_s } });
    EXPECT_STATUS(patched, 200);
    QCOMPARE(patched.json()[u"scope_id"_s].toString(), u"cfo"_s);
    QCOMPARE(api.get("/admin/credentials/gmail").json()[u"description"_s].toString(),
             u"test credential gmail"_s);
    EXPECT_ERROR(api.patch("/admin/credentials/gmail" + query(u"role"_s, u"cfo"_s),
                           scoped(u"agent"_s, u"bot"_s)),
                 400, u"invalid_request"_s);
    const QByteArray rotated = "agent-rotated-" + canary(*f);
    f->secrets.append({ u"gmail"_s, rotated });
    const HttpResponse value =
            api.put("/admin/credentials/gmail/value" + query(u"agent"_s, u"bot"_s),
                    { { u"value"_s, text(rotated) } });
    EXPECT_STATUS(value, 200);
    QCOMPARE(value.json()[u"scope_id"_s].toString(), u"bot"_s);
    // A policy is per name: it stays while any row of the name does.
    QVERIFY(autoApprove(api, u"gmail"_s));
    const HttpResponse gone = api.del("/admin/credentials/gmail");
    EXPECT_STATUS(gone, 200);
    QCOMPARE(gone.json()[u"removed_from"_s][u"policy"_s].toBool(), false);
    EXPECT_STATUS(api.get("/admin/policies/gmail"), 200);
    QCOMPARE(api.get("/admin/policies/gmail").json()[u"auto_approve_methods"_s].toArray().size(),
             6);
    EXPECT_STATUS(api.del("/admin/credentials/gmail" + query(u"role"_s, u"cfo"_s)), 200);
    const HttpResponse last = api.del("/admin/credentials/gmail" + query(u"agent"_s, u"bot"_s));
    EXPECT_STATUS(last, 200);
    QCOMPARE(last.json()[u"removed_from"_s][u"policy"_s].toBool(), true);
    EXPECT_ERROR(api.get("/admin/policies/gmail"), 404, u"not_found"_s);
}

// Agent over role over team, and the revert: each step deletes the narrowest row.
void TestForwardScopes::precedence_data()
{
    QTest::addColumn<QStringList>("rows"); // the rows present: "team", "role", "agent"
    QTest::addColumn<bool>("teamGranted"); // the team row is granted through the role
    QTest::addColumn<QString>("used"); // the row whose secret is sent; empty: 403
    QTest::addRow("agent over role over team")
            << QStringList{ u"team"_s, u"role"_s, u"agent"_s } << true << u"agent"_s;
    QTest::addRow("agent row deleted: role")
            << QStringList{ u"team"_s, u"role"_s } << true << u"role"_s;
    QTest::addRow("role row deleted: team") << QStringList{ u"team"_s } << true << u"team"_s;
    QTest::addRow("team row without grant") << QStringList{ u"team"_s } << false << QString();
    QTest::addRow("role row needs no grant")
            << QStringList{ u"team"_s, u"role"_s } << false << u"role"_s;
    QTest::addRow("agent row needs no grant") << QStringList{ u"agent"_s } << false << u"agent"_s;
}

void TestForwardScopes::precedence()
{
    QFETCH(QStringList, rows);
    QFETCH(bool, teamGranted);
    QFETCH(QString, used);
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account t = f->newAccount(u"scopes-precedence"_s);
    RETURN_IF_FAILED();
    const HttpClient api = f->tapd.client(t.token);
    QHash<QString, QByteArray> values;
    if (rows.contains(u"team"_s)) {
        values[u"team"_s] = "team-" + canary(*f);
        QVERIFY(addCredential(f->secrets, api, u"quickbooks"_s, values[u"team"_s]));
    }
    QVERIFY(addRole(api, u"cfo"_s, teamGranted ? QStringList{ u"quickbooks"_s } : QStringList()));
    const QByteArray key = addAgent(api, u"assistant"_s, {}, { u"cfo"_s });
    RETURN_IF_FAILED();
    if (rows.contains(u"role"_s)) {
        values[u"role"_s] = "role-" + canary(*f);
        QVERIFY(addCredential(f->secrets, api, u"quickbooks"_s, values[u"role"_s],
                              scoped(u"role"_s, u"cfo"_s)));
    }
    if (rows.contains(u"agent"_s)) {
        values[u"agent"_s] = "agent-" + canary(*f);
        QVERIFY(addCredential(f->secrets, api, u"quickbooks"_s, values[u"agent"_s],
                              scoped(u"agent"_s, u"assistant"_s)));
    }
    QVERIFY(autoApprove(api, u"quickbooks"_s));
    RETURN_IF_FAILED();

    const int before = m_upstream.count();
    const HttpResponse r = forward(port, { key, "quickbooks", up("/echo/qb") });
    if (used.isEmpty()) {
        EXPECT_FWD(r, 403, u"credential_not_allowed"_s);
        QCOMPARE(m_upstream.count(), before);
        QVERIFY(servicesScopes(port, key, t.teamId).isEmpty());
        return;
    }
    EXPECT_FWD(r, 200, QString());
    const QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.at(0).toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + values[used] });
    const QString label = used == u"agent"_s ? u"agent:assistant"_s
            : used == u"role"_s              ? u"role:cfo"_s
                                             : u"team"_s;
    QCOMPARE(auditScope(api, r), label);
    QCOMPARE(servicesScopes(port, key, t.teamId).value(u"quickbooks"_s).toString(), label);
    QCOMPARE(findLeak(received(r), f->secrets), QString());
    // the revert, one step: delete the row used, the next narrower one takes over.
    if (used == u"agent"_s && rows.contains(u"role"_s)) {
        EXPECT_STATUS(api.del("/admin/credentials/quickbooks" + query(u"agent"_s, u"assistant"_s)),
                      200);
        const int next = m_upstream.count();
        const HttpResponse again = forward(port, { key, "quickbooks", up("/echo/qb") });
        EXPECT_FWD(again, 200, QString());
        const QJsonArray seen2 = upstreamSince(next, 1);
        RETURN_IF_FAILED();
        QCOMPARE(headerValues(seen2.at(0).toObject(), "Authorization"),
                 QList<QByteArray>{ "Bearer " + values[u"role"_s] });
        QCOMPARE(auditScope(api, again), u"role:cfo"_s);
    }
}

// Two of the agent's roles define the name: 409 naming both, nothing sent; its own row settles it.
void TestForwardScopes::roleConflict()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account t = f->newAccount(u"scopes-conflict"_s);
    RETURN_IF_FAILED();
    const HttpClient api = f->tapd.client(t.token);
    QVERIFY(addRole(api, u"cfo"_s, {}));
    QVERIFY(addRole(api, u"ceo"_s, {}));
    const QByteArray key = addAgent(api, u"both"_s, {}, { u"cfo"_s, u"ceo"_s });
    RETURN_IF_FAILED();
    QVERIFY(addCredential(f->secrets, api, u"bank"_s, "cfo-" + canary(*f),
                          scoped(u"role"_s, u"cfo"_s)));
    QVERIFY(addCredential(f->secrets, api, u"bank"_s, "ceo-" + canary(*f),
                          scoped(u"role"_s, u"ceo"_s)));
    QVERIFY(autoApprove(api, u"bank"_s));
    const int before = m_upstream.count();
    const HttpResponse r = forward(port, { key, "bank", up("/echo/bank") });
    EXPECT_FWD(r, 409, u"conflict"_s);
    const QString message = r.json()[u"error"_s][u"message"_s].toString();
    QVERIFY2(message.contains(u"ceo, cfo"_s), qPrintable(message));
    QCOMPARE(m_upstream.count(), before);
    QCOMPARE(servicesScopes(port, key, t.teamId).value(u"bank"_s).toString(), u"conflict"_s);
    const QByteArray own = "own-" + canary(*f);
    QVERIFY(addCredential(f->secrets, api, u"bank"_s, own, scoped(u"agent"_s, u"both"_s)));
    const HttpResponse settled = forward(port, { key, "bank", up("/echo/bank") });
    EXPECT_FWD(settled, 200, QString());
    const QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.at(0).toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + own });
}

// A linked agent: the link's role row (link:<role>), a direct grant in the linked team (no
// role), and a row of its own ("<home>/<agent>"), which the same id at home does not get.
void TestForwardScopes::linkedAgent()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account home = f->newAccount(u"scopes-home"_s);
    const Account company = f->newAccount(u"scopes-company"_s);
    RETURN_IF_FAILED();
    const HttpClient homeApi = f->tapd.client(home.token);
    const HttpClient companyApi = f->tapd.client(company.token);
    const QByteArray key = addAgent(homeApi, u"ea"_s, {});
    QVERIFY(addRole(companyApi, u"poster"_s, {}));
    const QByteArray companyKey = addAgent(companyApi, u"ea"_s, {}); // same id, another agent
    RETURN_IF_FAILED();
    const QString linkedId = home.teamId + u"/ea"_s;
    const QByteArray slack = "slack-team-" + canary(*f);
    const QByteArray stripe = "stripe-team-" + canary(*f);
    QVERIFY(addCredential(f->secrets, companyApi, u"slack"_s, slack));
    QVERIFY(addCredential(f->secrets, companyApi, u"stripe"_s, stripe));
    QVERIFY(autoApprove(companyApi, u"slack"_s));
    QVERIFY(autoApprove(companyApi, u"stripe"_s));
    // Before the link, its rows cannot be made.
    QJsonObject early = scoped(u"agent"_s, linkedId);
    early.insert(u"name"_s, u"slack"_s);
    early.insert(u"description"_s, u"x"_s);
    EXPECT_ERROR(companyApi.post("/admin/credentials", early), 400, u"invalid_request"_s);
    // Linked without a role, with a direct grant of stripe.
    const HttpResponse link = companyApi.post("/admin/agent-links",
                                              { { u"agent_home_team_id"_s, home.teamId },
                                                { u"agent_id"_s, u"ea"_s },
                                                { u"credentials"_s, strings({ u"stripe"_s }) } });
    EXPECT_STATUS(link, 201);
    QCOMPARE(link.json()[u"credentials"_s].toArray(), strings({ u"stripe"_s }));
    const HttpHeaders toCompany{ { "X-TAP-Team", utf8(company.teamId) } };
    int before = m_upstream.count();
    const HttpResponse direct = forward(port, { key, "stripe", up("/echo/c"), "GET", toCompany });
    EXPECT_FWD(direct, 200, QString());
    QCOMPARE(auditScope(companyApi, direct), u"team"_s);
    EXPECT_FWD(forward(port, { key, "slack", up("/echo/c"), "GET", toCompany }), 403,
               u"credential_not_allowed"_s);
    // The grant can be replaced; an unknown name is refused; another team's link is a 404.
    EXPECT_STATUS(companyApi.put("/admin/agent-links/" + utf8(home.teamId) + "/ea/credentials",
                                 { { u"credentials"_s, strings({ u"stripe"_s, u"slack"_s }) } }),
                  200);
    EXPECT_ERROR(companyApi.put("/admin/agent-links/" + utf8(home.teamId) + "/ea/credentials",
                                { { u"credentials"_s, strings({ u"nope"_s }) } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(homeApi.put("/admin/agent-links/" + utf8(home.teamId) + "/ea/credentials",
                             { { u"credentials"_s, strings({ u"stripe"_s }) } }),
                 404, u"not_found"_s);
    // Its own row in the company, and a role row through the link's role.
    const QByteArray own = "slack-own-" + canary(*f);
    QVERIFY(addCredential(f->secrets, companyApi, u"slack"_s, own, scoped(u"agent"_s, linkedId)));
    const QByteArray poster = "stripe-poster-" + canary(*f);
    QVERIFY(addCredential(f->secrets, companyApi, u"stripe"_s, poster,
                          scoped(u"role"_s, u"poster"_s)));
    EXPECT_STATUS(companyApi.del("/admin/agent-links/" + utf8(home.teamId) + "/ea"), 200);
    EXPECT_STATUS(companyApi.post("/admin/agent-links",
                                  { { u"agent_home_team_id"_s, home.teamId },
                                    { u"agent_id"_s, u"ea"_s },
                                    { u"role"_s, u"poster"_s } }),
                  201);
    // Deleting the link deleted its own row: make it again.
    QVERIFY(addCredential(f->secrets, companyApi, u"slack"_s, own, scoped(u"agent"_s, linkedId)));
    before = m_upstream.count();
    const HttpResponse r1 = forward(port, { key, "slack", up("/echo/c"), "GET", toCompany });
    EXPECT_FWD(r1, 200, QString());
    const HttpResponse r2 = forward(port, { key, "stripe", up("/echo/c"), "GET", toCompany });
    EXPECT_FWD(r2, 200, QString());
    const QJsonArray seen = upstreamSince(before, 2);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.at(0).toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + own });
    QCOMPARE(headerValues(seen.at(1).toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + poster });
    QCOMPARE(auditScope(companyApi, r1), u"agent:"_s + linkedId);
    QCOMPARE(auditScope(companyApi, r2), u"link:poster"_s);
    const QJsonObject services = servicesScopes(port, key, company.teamId);
    QCOMPARE(services.value(u"slack"_s).toString(), u"agent:"_s + linkedId);
    QCOMPARE(services.value(u"stripe"_s).toString(), u"link:poster"_s);
    // The company's own agent "ea" is another agent: neither row is its.
    EXPECT_FWD(forward(port, { companyKey, "slack", up("/echo/c") }), 403,
               u"credential_not_allowed"_s);
    QCOMPARE(findLeak(received(r1) + received(r2), f->secrets), QString());
}

// Deleting an agent or a role deletes its rows and lists them; a disabled agent is refused; an
// agent made again under the same id does not inherit the old one's row.
void TestForwardScopes::deletingOwners()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account t = f->newAccount(u"scopes-delete"_s);
    RETURN_IF_FAILED();
    const HttpClient api = f->tapd.client(t.token);
    QVERIFY(addRole(api, u"cfo"_s, {}));
    QByteArray key = addAgent(api, u"temp"_s, {}, { u"cfo"_s });
    RETURN_IF_FAILED();
    QVERIFY(addCredential(f->secrets, api, u"mail"_s, "agent-" + canary(*f),
                          scoped(u"agent"_s, u"temp"_s)));
    QVERIFY(addCredential(f->secrets, api, u"books"_s, "role-" + canary(*f),
                          scoped(u"role"_s, u"cfo"_s)));
    QVERIFY(autoApprove(api, u"mail"_s));
    QVERIFY(autoApprove(api, u"books"_s));
    EXPECT_FWD(forward(port, { key, "mail", up("/echo/d") }), 200, QString());
    EXPECT_STATUS(api.post("/admin/agents/temp/disable"), 200);
    EXPECT_FWD(forward(port, { key, "mail", up("/echo/d") }), 403, u"forbidden"_s);
    const HttpResponse agentGone = api.del("/admin/agents/temp");
    EXPECT_STATUS(agentGone, 200);
    QCOMPARE(agentGone.json()[u"deleted_credentials"_s].toArray(), strings({ u"mail"_s }));
    EXPECT_FWD(forward(port, { key, "mail", up("/echo/d") }), 401, u"unauthorized"_s);
    key = addAgent(api, u"temp"_s, {}, { u"cfo"_s });
    RETURN_IF_FAILED();
    EXPECT_FWD(forward(port, { key, "mail", up("/echo/d") }), 403, u"credential_not_allowed"_s);
    EXPECT_FWD(forward(port, { key, "books", up("/echo/d") }), 200, QString());
    const HttpResponse roleGone = api.del("/admin/roles/cfo");
    EXPECT_STATUS(roleGone, 200);
    QCOMPARE(roleGone.json()[u"deleted_credentials"_s].toArray(), strings({ u"books"_s }));
    EXPECT_FWD(forward(port, { key, "books", up("/echo/d") }), 403, u"credential_not_allowed"_s);
    QCOMPARE(api.get("/admin/credentials").json()[u"credentials"_s].toArray().size(), 0);
}

// Two teams, each with an agent "bot" and rows named "api" in every scope: each agent gets its
// own team's rows only.
void TestForwardScopes::teamIsolation()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    struct Team
    {
        Account account;
        QByteArray key;
        QByteArray agentValue;
    };
    QList<Team> teams;
    for (int i = 0; i < 2; ++i) {
        Team t{ f->newAccount(u"scopes-iso"_s), {}, "agent-" + canary(*f) };
        RETURN_IF_FAILED();
        const HttpClient api = f->tapd.client(t.account.token);
        QVERIFY(addRole(api, u"ops"_s, {}));
        t.key = addAgent(api, u"bot"_s, {}, { u"ops"_s });
        QVERIFY(addCredential(f->secrets, api, u"api"_s, "team-" + canary(*f)));
        QVERIFY(addCredential(f->secrets, api, u"api"_s, "role-" + canary(*f),
                              scoped(u"role"_s, u"ops"_s)));
        QVERIFY(addCredential(f->secrets, api, u"api"_s, t.agentValue,
                              scoped(u"agent"_s, u"bot"_s)));
        QVERIFY(autoApprove(api, u"api"_s));
        RETURN_IF_FAILED();
        teams << t;
    }
    const int before = m_upstream.count();
    for (const Team &t : std::as_const(teams))
        EXPECT_FWD(forward(port, { t.key, "api", up("/echo/iso") }), 200, QString());
    // Naming the other team is refused: it did not link this agent.
    EXPECT_FWD(forward(port,
                       { teams[0].key,
                         "api",
                         up("/echo/iso"),
                         "GET",
                         { { "X-TAP-Team", utf8(teams[1].account.teamId) } } }),
               403, u"team_not_linked"_s);
    const QJsonArray seen = upstreamSince(before, 2);
    RETURN_IF_FAILED();
    for (int i = 0; i < 2; ++i)
        QCOMPARE(headerValues(seen.at(i).toObject(), "Authorization"),
                 QList<QByteArray>{ "Bearer " + teams[i].agentValue });
    // Deleting one team's agent leaves the other's row.
    EXPECT_STATUS(f->tapd.client(teams[0].account.token).del("/admin/agents/bot"), 200);
    EXPECT_FWD(forward(port, { teams[1].key, "api", up("/echo/iso") }), 200, QString());
    QCOMPARE(f->tapd.client(teams[1].account.token)
                     .get("/admin/credentials?scope_kind=agent")
                     .json()[u"credentials"_s]
                     .toArray()
                     .size(),
             1);
}

QTEST_GUILESS_MAIN(TestForwardScopes)
#include "tst_forward_scopes.moc"
