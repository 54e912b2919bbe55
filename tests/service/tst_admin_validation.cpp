// HTTP-level acceptance tests of tapd's admin API: the validation rules, one row each.
// Every test runs against a real tapd binary (TAPD_BINARY) on both backends (global rows
// "sqlite" and "postgres"); the fixture is support/adminfixture.h.
#include "support/adminfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

// Fixture shared by the rows of a data-driven test (one tapd per test function and backend).
struct ValidationFixture
{
    AdminTapd tapd;
    Account owner;
    Account other;
};

} // namespace

class TestAdminValidation : public QObject
{
    Q_OBJECT

private:
    ValidationFixture *validationFixture();
    void runScenario(ValidationFixture &f, const QString &scenario);

    std::unique_ptr<ValidationFixture> m_fixture;
    QString m_fixtureBackend;

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
    }
    void init()
    {
        if (qstrcmp(QTest::currentTestFunction(), "validation") != 0)
            m_fixture.reset(); // one fixture per test function
    }
    void cleanupTestCase() { m_fixture.reset(); }

    void validation_data();
    void validation();
};

// ---------------------------------------------------------------------------------------------
// 2. Validation rules, one row each.

ValidationFixture *TestAdminValidation::validationFixture()
{
    QFETCH_GLOBAL(QString, backend);
    if (m_fixture && m_fixtureBackend == backend)
        return m_fixture.get();
    m_fixture.reset();
    auto f = std::make_unique<ValidationFixture>();
    if (!f->tapd.start())
        return nullptr;
    signUp(f->tapd, u"valid-team"_s, u"owner@example.com"_s, u"owner-password"_s, &f->owner);
    signUp(f->tapd, u"other-team"_s, u"other@example.com"_s, u"other-password"_s, &f->other);
    if (QTest::currentTestFailed())
        return nullptr;
    const HttpClient owner = f->tapd.client(f->owner.token);
    createAll(owner, "/admin/credentials",
              { { { u"name"_s, u"slack"_s },
                  { u"description"_s, u"Slack"_s },
                  { u"value"_s, u"xoxb-1"_s } } });
    createAll(owner, "/admin/roles",
              { { { u"name"_s, u"reader"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(owner, "/admin/agents",
              { { { u"id"_s, u"existing-agent"_s }, { u"roles"_s, QJsonArray{ u"reader"_s } } } });
    createAll(f->tapd.client(f->other.token), "/admin/agents",
              { { { u"id"_s, u"other-agent"_s } } });
    // An account that never verified its address.
    createAll(f->tapd.client(), "/signup",
              { { { u"team_name"_s, u"unverified-team"_s },
                  { u"email"_s, u"unverified@example.com"_s },
                  { u"password"_s, u"unverified-pw"_s } } });
    if (QTest::currentTestFailed())
        return nullptr;
    m_fixture = std::move(f);
    m_fixtureBackend = backend;
    return m_fixture.get();
}

void TestAdminValidation::validation_data()
{
    QTest::addColumn<QString>("scenario"); // non-empty: a multi-step rule (see runScenario)
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body"); // {own_team} and {other_team} are replaced
    QTest::addColumn<bool>("authenticated"); // as the owner of valid-team
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions"); // the error message names this
    QTest::addColumn<QByteArray>("absent"); // afterwards GET this gives 404 (nothing was made)

    const auto row = [](const char *name, const QByteArray &method, const QByteArray &path,
                        const QByteArray &body, bool auth, int status, const QString &code,
                        const QString &mentions, const QByteArray &absent = {}) {
        QTest::newRow(name) << QString() << method << path << body << auth << status << code
                            << mentions << absent;
    };
    const auto scenario = [](const char *name) {
        QTest::newRow(name) << QString::fromLatin1(name) << QByteArray() << QByteArray()
                            << QByteArray() << false << 0 << QString() << QString() << QByteArray();
    };
    const QString invalid = u"invalid_request"_s;
    const QString conflict = u"conflict"_s;

    // Sign-up: team names are 3-64 characters of [a-z0-9-], globally unique.
    row("team name too short", "POST", "/signup",
        R"({"team_name": "ab", "email": "v1@example.com", "password": "password-1"})", false, 400,
        invalid, u"team_name"_s);
    row("team name uppercase", "POST", "/signup",
        R"({"team_name": "My-Team", "email": "v2@example.com", "password": "password-1"})", false,
        400, invalid, u"team_name"_s);
    row("team name underscore", "POST", "/signup",
        R"({"team_name": "my_team", "email": "v3@example.com", "password": "password-1"})", false,
        400, invalid, u"team_name"_s);
    row("team name 65 chars", "POST", "/signup",
        R"({"team_name": ")" + QByteArray(65, 'a')
                + R"(", "email": "v4@example.com", "password": "password-1"})",
        false, 400, invalid, u"team_name"_s);
    // configuration.txt: "lowercase alphanumeric with hyphens" — a hyphen joins, it does not
    // start or end a name.
    const QString edges = u"starting and ending with a letter or digit"_s;
    row("team name only hyphens", "POST", "/signup",
        R"({"team_name": "---", "email": "h1@example.com", "password": "password-1"})", false, 400,
        invalid, edges);
    row("team name leading hyphen", "POST", "/signup",
        R"({"team_name": "-ab", "email": "h2@example.com", "password": "password-1"})", false, 400,
        invalid, edges);
    row("team name trailing hyphen", "POST", "/signup",
        R"({"team_name": "ab-", "email": "h3@example.com", "password": "password-1"})", false, 400,
        invalid, edges);
    row("team name 64 chars accepted", "POST", "/signup",
        R"({"team_name": ")" + QByteArray(64, 'b')
                + R"(", "email": "v5@example.com", "password": "password-1"})",
        false, 201, QString(), QString());
    row("team name 3 chars accepted", "POST", "/signup",
        R"({"team_name": "a-1", "email": "v6@example.com", "password": "password-1"})", false, 201,
        QString(), QString());
    row("team name taken", "POST", "/signup",
        R"({"team_name": "valid-team", "email": "v7@example.com", "password": "password-1"})",
        false, 409, conflict, u"valid-team"_s);
    row("team name missing", "POST", "/signup",
        R"({"email": "v8@example.com", "password": "password-1"})", false, 400, invalid,
        u"team_name"_s);
    row("bad email", "POST", "/signup",
        R"({"team_name": "bad-email", "email": "not-an-email", "password": "password-1"})", false,
        400, invalid, u"email"_s);
    row("email without domain", "POST", "/signup",
        R"({"team_name": "bad-email", "email": "someone@localhost", "password": "password-1"})",
        false, 400, invalid, u"email"_s);
    row("duplicate email", "POST", "/signup",
        R"({"team_name": "second-team", "email": "owner@example.com", "password": "password-1"})",
        false, 409, conflict, QString());
    row("duplicate email other case", "POST", "/signup",
        R"({"team_name": "third-team", "email": " Owner@Example.COM ", "password": "password-1"})",
        false, 409, conflict, QString());
    row("password of 7 chars", "POST", "/signup",
        R"({"team_name": "short-pw", "email": "v9@example.com", "password": "1234567"})", false,
        400, invalid, u"password"_s);
    row("password of 8 chars accepted", "POST", "/signup",
        R"({"team_name": "eight-pw", "email": "v10@example.com", "password": "12345678"})", false,
        201, QString(), QString());
    row("unknown field in sign-up", "POST", "/signup",
        R"({"team_name": "colourful", "email": "v11@example.com", "password": "password-1", "colour": "blue"})",
        false, 400, invalid, u"colour"_s);
    row("sign-up body malformed", "POST", "/signup", R"({"team_name": "x", )", false, 400, invalid,
        QString());
    row("sign-up body is an array", "POST", "/signup",
        R"([{"team_name": "arr-team", "email": "v12@example.com", "password": "password-1"}])",
        false, 400, invalid, QString());

    // Log-in.
    row("unverified login", "POST", "/login",
        R"({"email": "unverified@example.com", "password": "unverified-pw"})", false, 403,
        u"forbidden"_s, u"verify"_s);
    scenario("wrong password like unknown email");
    scenario("wrong code 5 times then the right one");
    scenario("resend-verification answers alike");
    scenario("parallel wrong codes");

    // Credentials (validation rules: api/credential.cpp).
    row("sidecar without api_base", "POST", "/admin/credentials",
        R"({"name": "sc", "description": "d", "connector": "sidecar", "value": "v"})", true, 400,
        invalid, u"api_base"_s, "/admin/credentials/sc");
    row("relative_target with direct", "POST", "/admin/credentials",
        R"({"name": "rt", "description": "d", "connector": "direct", "api_base": "https://a.example.com", "relative_target": true})",
        true, 400, invalid, u"relative_target"_s, "/admin/credentials/rt");
    row("relative_target with default connector", "POST", "/admin/credentials",
        R"({"name": "rt2", "description": "d", "api_base": "https://a.example.com", "relative_target": true})",
        true, 400, invalid, u"relative_target"_s, "/admin/credentials/rt2");
    row("relative_target with sidecar accepted", "POST", "/admin/credentials",
        R"({"name": "rt3", "description": "d", "connector": "sidecar", "api_base": "http://sidecar.internal:8080", "relative_target": true})",
        true, 201, QString(), QString());
    row("auth_header_format without {value}", "POST", "/admin/credentials",
        R"({"name": "ahf", "description": "d", "auth_header_format": "Bearer token"})", true, 400,
        invalid, u"auth_header_format"_s, "/admin/credentials/ahf");
    row("auth_header_format patched without {value}", "PATCH", "/admin/credentials/slack",
        R"({"auth_header_format": "token"})", true, 400, invalid, u"auth_header_format"_s);
    row("sidecar patched onto a credential without api_base", "PATCH", "/admin/credentials/slack",
        R"({"connector": "sidecar"})", true, 400, invalid, u"api_base"_s);
    row("unknown connector", "POST", "/admin/credentials",
        R"({"name": "uc", "description": "d", "connector": "proxy"})", true, 400, invalid,
        u"connector"_s, "/admin/credentials/uc");
    row("duplicate credential name", "POST", "/admin/credentials",
        R"({"name": "slack", "description": "again", "value": "v"})", true, 409, conflict,
        u"slack"_s);
    row("credential without description", "POST", "/admin/credentials", R"({"name": "nodesc"})",
        true, 400, invalid, u"description"_s, "/admin/credentials/nodesc");
    row("unknown field in credential", "POST", "/admin/credentials",
        R"({"name": "uf", "description": "d", "colour": "blue"})", true, 400, invalid, u"colour"_s,
        "/admin/credentials/uf");
    row("credential body malformed", "POST", "/admin/credentials", R"({"name": "mj", "descr)", true,
        400, invalid, QString(), "/admin/credentials/mj");
    row("credential body is an array", "POST", "/admin/credentials",
        R"([{"name": "arr", "description": "d"}])", true, 400, invalid, QString(),
        "/admin/credentials/arr");
    row("credential name of wrong type", "POST", "/admin/credentials",
        R"({"name": 5, "description": "d"})", true, 400, invalid, u"name"_s);

    // Agents and roles.
    row("agent with unknown credential", "POST", "/admin/agents",
        R"({"id": "a1", "credentials": ["slack", "nope-cred"]})", true, 400, invalid,
        u"nope-cred"_s, "/admin/agents/a1");
    row("agent with unknown role", "POST", "/admin/agents",
        R"({"id": "a2", "roles": ["reader", "nope-role"]})", true, 400, invalid, u"nope-role"_s,
        "/admin/agents/a2");
    row("agent patched to an unknown credential", "PATCH", "/admin/agents/existing-agent",
        R"({"credentials": ["nope-cred"]})", true, 400, invalid, u"nope-cred"_s);
    row("role with unknown credential", "POST", "/admin/roles",
        R"({"name": "r1", "credentials": ["nope-cred"]})", true, 400, invalid, u"nope-cred"_s,
        "/admin/roles/r1");
    row("duplicate agent", "POST", "/admin/agents", R"({"id": "existing-agent"})", true, 409,
        conflict, u"existing-agent"_s);
    row("duplicate role", "POST", "/admin/roles", R"({"name": "reader"})", true, 409, conflict,
        u"reader"_s);
    row("unknown field in agent", "POST", "/admin/agents", R"({"id": "uf", "colour": "blue"})",
        true, 400, invalid, u"colour"_s, "/admin/agents/uf");
    row("rate limit not a positive number", "POST", "/admin/agents",
        R"({"id": "rl", "rate_limit_per_hour": 0})", true, 400, invalid, u"rate_limit_per_hour"_s,
        "/admin/agents/rl");
    row("agent body is an array", "POST", "/admin/agents", R"(["a3"])", true, 400, invalid,
        QString());

    // Policies.
    row("policy method in both lists", "PUT", "/admin/policies/slack",
        R"({"auto_approve_methods": ["GET"], "require_approval_methods": ["POST", "get"]})", true,
        400, invalid, u"GET"_s);
    row("policy with unknown method", "PUT", "/admin/policies/slack",
        R"({"auto_approve_methods": ["FETCH"]})", true, 400, invalid, u"FETCH"_s);
    row("policy with unknown field", "PUT", "/admin/policies/slack",
        R"({"auto_approve_method": ["GET"]})", true, 400, invalid, u"auto_approve_method"_s);
    // allowed_approvers: a Telegram user id, a Matrix id or an email address; anything else
    // could never match anyone, and the credential would be stuck.
    row("approver neither id nor email", "PUT", "/admin/policies/slack",
        R"({"allowed_approvers": ["123456789", "not an email!!"]})", true, 400, invalid,
        u"not an email!!"_s);
    row("approver negative telegram id", "PUT", "/admin/policies/slack",
        R"({"allowed_approvers": ["-100123"]})", true, 400, invalid, u"-100123"_s);
    row("approver matrix id without server", "PUT", "/admin/policies/slack",
        R"({"allowed_approvers": ["@alice"]})", true, 400, invalid, u"@alice"_s);
    row("approver email without domain", "PUT", "/admin/policies/slack",
        R"({"allowed_approvers": ["bob@localhost"]})", true, 400, invalid, u"bob@localhost"_s);
    row("approvers of every kind accepted", "PUT", "/admin/policies/slack",
        R"({"allowed_approvers": ["123456789", "@alice:matrix.example.org", "bob@example.com"]})",
        true, 200, QString(), QString());
    row("policy for unknown credential", "PUT", "/admin/policies/nope-cred",
        R"({"auto_approve_methods": ["GET"]})", true, 404, u"not_found"_s, u"nope-cred"_s);

    // Agent links.
    row("link to own team", "POST", "/admin/agent-links",
        R"({"agent_home_team_id": "{own_team}", "agent_id": "existing-agent"})", true, 400, invalid,
        QString());
    row("link with unknown role", "POST", "/admin/agent-links",
        R"({"agent_home_team_id": "{other_team}", "agent_id": "other-agent", "role": "nope-role"})",
        true, 400, invalid, u"nope-role"_s);
    row("link to unknown agent", "POST", "/admin/agent-links",
        R"({"agent_home_team_id": "{other_team}", "agent_id": "nope-agent", "role": "reader"})",
        true, 404, u"not_found"_s, u"nope-agent"_s);

    // Notification channels and members.
    row("channel of unknown type", "POST", "/admin/notification-channels",
        R"({"name": "ch", "channel_type": "pager"})", true, 400, invalid, u"channel_type"_s);
    row("telegram channel with bad chat id", "POST", "/admin/notification-channels",
        R"({"name": "ch", "channel_type": "telegram", "config": {"chat_id": "not a chat"}})", true,
        400, invalid, u"chat_id"_s);
    row("invite with unknown role", "POST", "/admin/members/invite",
        R"({"email": "x@example.com", "role": "superuser"})", true, 400, invalid, u"role"_s);
}

void TestAdminValidation::validation()
{
    QFETCH(QString, scenario);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(bool, authenticated);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    QFETCH(QByteArray, absent);

    ValidationFixture *f = validationFixture();
    if (!f)
        return;
    if (!scenario.isEmpty())
        return runScenario(*f, scenario);

    body.replace("{own_team}", utf8(f->owner.teamId));
    body.replace("{other_team}", utf8(f->other.teamId));
    const HttpClient c = f->tapd.client(authenticated ? f->owner.token : QByteArray());
    const HttpResponse r = sendRaw(c, method, path, body);
    if (status < 400) {
        EXPECT_STATUS(r, status);
        return;
    }
    EXPECT_ERROR(r, status, code);
    if (!mentions.isEmpty())
        QVERIFY2(r.errorMessage().contains(mentions, Qt::CaseInsensitive), r.body.constData());
    if (!absent.isEmpty())
        EXPECT_ERROR(f->tapd.client(f->owner.token).get(absent), 404, u"not_found"_s);
}

void TestAdminValidation::runScenario(ValidationFixture &f, const QString &scenario)
{
    const HttpClient anon = f.tapd.client();
    if (scenario == u"wrong password like unknown email") {
        // 401 with the same answer, so log-in does not reveal which addresses have accounts.
        const HttpResponse wrong = anon.post(
                "/login",
                { { u"email"_s, u"owner@example.com"_s }, { u"password"_s, u"wrong-password"_s } });
        const HttpResponse unknown = anon.post("/login",
                                               { { u"email"_s, u"nobody@example.com"_s },
                                                 { u"password"_s, u"wrong-password"_s } });
        EXPECT_ERROR(wrong, 401, u"unauthorized"_s);
        EXPECT_ERROR(unknown, 401, u"unauthorized"_s);
        QCOMPARE(wrong.errorMessage(), unknown.errorMessage());
        QCOMPARE(wrong.body, unknown.body);
        // The right password still works (one failure is no lock-out).
        EXPECT_STATUS(anon.post("/login",
                                { { u"email"_s, u"owner@example.com"_s },
                                  { u"password"_s, u"owner-password"_s } }),
                      200);
    } else if (scenario == u"wrong code 5 times then the right one") {
        EXPECT_STATUS(anon.post("/signup",
                                { { u"team_name"_s, u"code-team"_s },
                                  { u"email"_s, u"code@example.com"_s },
                                  { u"password"_s, u"code-password"_s } }),
                      201);
        const QString code = f.tapd.verificationCode(u"code@example.com"_s);
        QCOMPARE(code.size(), 6);
        const QString wrongCode =
                u"%1"_s.arg((code.toInt() + 1) % 1000000, 6, 10, QLatin1Char('0'));
        for (int i = 1; i <= 5; ++i) {
            const HttpResponse r =
                    anon.post("/verify-email",
                              { { u"email"_s, u"code@example.com"_s }, { u"code"_s, wrongCode } });
            if (!verifyError(r, 400, u"invalid_request"_s, qPrintable(u"wrong code #%1"_s.arg(i)),
                             __FILE__, __LINE__))
                return;
        }
        const HttpResponse sixth = anon.post(
                "/verify-email", { { u"email"_s, u"code@example.com"_s }, { u"code"_s, code } });
        EXPECT_ERROR(sixth, 429, u"rate_limited"_s);
        QVERIFY2(sixth.header("Retry-After").toInt() > 0, sixth.raw.constData());
        // Still unverified: log-in is refused.
        EXPECT_ERROR(anon.post("/login",
                               { { u"email"_s, u"code@example.com"_s },
                                 { u"password"_s, u"code-password"_s } }),
                     403, u"forbidden"_s);
    } else if (scenario == u"resend-verification answers alike") {
        const int mailsBefore = int(f.tapd.allMails().size());
        const HttpResponse unknown =
                anon.post("/resend-verification", { { u"email"_s, u"nobody@example.com"_s } });
        const HttpResponse verified =
                anon.post("/resend-verification", { { u"email"_s, u"owner@example.com"_s } });
        const HttpResponse unverified =
                anon.post("/resend-verification", { { u"email"_s, u"unverified@example.com"_s } });
        EXPECT_STATUS(unknown, 200);
        EXPECT_STATUS(verified, 200);
        EXPECT_STATUS(unverified, 200);
        QVERIFY(!unknown.json().value(u"message"_s).toString().isEmpty());
        QCOMPARE(verified.body, unknown.body);
        QCOMPARE(unverified.body, unknown.body);
        QVERIFY(f.tapd.mailsTo(u"nobody@example.com"_s).isEmpty());
        QVERIFY(f.tapd.mailsTo(u"owner@example.com"_s).size() == 1); // only the sign-up code
        QVERIFY(f.tapd.allMails().size() >= mailsBefore);
        EXPECT_ERROR(anon.post("/resend-verification",
                               { { u"email"_s, u"a@b.example"_s }, { u"x"_s, 1 } }),
                     400, u"invalid_request"_s);
    } else if (scenario == u"parallel wrong codes") {
        // The 5-attempt limit holds when the guesses arrive together.
        EXPECT_STATUS(anon.post("/signup",
                                { { u"team_name"_s, u"pcode-team"_s },
                                  { u"email"_s, u"pcode@example.com"_s },
                                  { u"password"_s, u"pcode-password"_s } }),
                      201);
        const QString code = f.tapd.verificationCode(u"pcode@example.com"_s);
        QCOMPARE(code.size(), 6);
        std::vector<std::function<HttpResponse()>> guesses;
        for (int i = 1; i <= 12; ++i) {
            const QString wrong =
                    u"%1"_s.arg((code.toInt() + i) % 1000000, 6, 10, QLatin1Char('0'));
            guesses.push_back([&anon, wrong] {
                return anon.post("/verify-email",
                                 { { u"email"_s, u"pcode@example.com"_s }, { u"code"_s, wrong } });
            });
        }
        const QList<int> seen = statusesOf(inParallel(guesses));
        QCOMPARE(seen.count(400), 5);
        QCOMPARE(seen.count(429), 7);
        EXPECT_ERROR(anon.post("/verify-email",
                               { { u"email"_s, u"pcode@example.com"_s }, { u"code"_s, code } }),
                     429, u"rate_limited"_s);
    } else {
        QFAIL(qPrintable(u"unknown scenario "_s + scenario));
    }
}

QTEST_GUILESS_MAIN(TestAdminValidation)
#include "tst_admin_validation.moc"
