// The admin verbs of the real `tap` binary against a real tapd on both backends: credential
// (and `tap add`), the seed's two lines exactly as written, role, agent, policy, channel,
// link, member and approval.
#include "clitest.h"

#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using namespace tap::test::cli;

class TestCliAdmin : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { requireTapBinary(); }
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void credentials();
    void scopedCredentials();
    void oauthConnect();
    void seedLinesRolesAgents();
    void policiesAndChannels();
    void linksAndMembers();
    void approvals();
};

void TestCliAdmin::credentials()
{
    World w;
    QVERIFY(setUp(w, u"cli-creds"_s));
    QVERIFY(logIn(w));
    const QByteArray secret = "xoxb-cli-test-secret-0123456789";
    // The value on stdin.
    const Run slack = w.tap({ u"credential"_s, u"create"_s, u"slack"_s, u"--description"_s,
                              u"Slack Bot Token"_s, u"--api-base"_s, u"https://slack.com/api"_s },
                            secret + '\n');
    TAP_OK(slack);
    // tap add, the value from a file.
    const QString valueFile = w.home.filePath(u"gh.token"_s);
    QFile f(valueFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("ghp-cli-test-secret-abcdef\n");
    f.close();
    TAP_OK(w.tap({ u"add"_s, u"github"_s, u"--value-file"_s, valueFile }));
    TAP_OK(w.tap({ u"add"_s, u"--name"_s, u"extra-cred"_s, u"--no-value"_s }));

    Run list = w.tap({ u"credential"_s, u"list"_s, u"--json"_s });
    TAP_OK(list);
    QJsonArray rows = list.json().value(u"credentials"_s).toArray();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(byKey(rows, u"name"_s, u"slack"_s).value(u"has_value"_s).toBool(), true);
    QCOMPARE(byKey(rows, u"name"_s, u"slack"_s).value(u"api_base"_s).toString(),
             u"https://slack.com/api"_s);
    QCOMPARE(byKey(rows, u"name"_s, u"github"_s).value(u"has_value"_s).toBool(), true);
    QCOMPARE(byKey(rows, u"name"_s, u"extra-cred"_s).value(u"has_value"_s).toBool(), false);
    QVERIFY(!list.out.contains(secret));

    // set-value, then the human views.
    TAP_OK(w.tap({ u"credential"_s, u"set-value"_s, u"extra-cred"_s }, "sk-extra-value-987654\n"));
    const Run show = w.tap({ u"credential"_s, u"show"_s, u"extra-cred"_s, u"--json"_s });
    TAP_OK(show);
    QCOMPARE(show.json().value(u"has_value"_s).toBool(), true);
    const Run table = w.tap({ u"credential"_s, u"list"_s });
    TAP_OK(table);
    QVERIFY2(table.out.startsWith("NAME") && table.out.contains("slack")
                     && table.out.contains("extra-cred") && !table.out.contains(secret),
             table.out.constData());
    TAP_OK(w.tap({ u"credential"_s, u"show"_s, u"slack"_s }));

    // A second slack is a conflict; deleting twice is not found.
    TAP_FAILS(w.tap({ u"add"_s, u"slack"_s, u"--no-value"_s }), 1, "(conflict)");
    TAP_OK(w.tap({ u"credential"_s, u"delete"_s, u"github"_s }));
    TAP_FAILS(w.tap({ u"credential"_s, u"delete"_s, u"github"_s }), 1, "(not_found)");
    list = w.tap({ u"credential"_s, u"list"_s, u"--json"_s });
    QCOMPARE(list.json().value(u"credentials"_s).toArray().size(), 2);
    // Nothing tap printed or tapd logged holds a value.
    QVERIFY(!w.tapd.log().contains(secret));
}

// --scope-kind/--scope-id on every credential verb (README "Credential scopes").
void TestCliAdmin::scopedCredentials()
{
    World w;
    QVERIFY(setUp(w, u"cli-scopes"_s));
    QVERIFY(logIn(w));
    TAP_OK(w.tap({ u"add"_s, u"gmail"_s, u"--no-value"_s }));
    TAP_OK(w.tap({ u"role"_s, u"create"_s, u"--name"_s, u"cfo"_s }));
    TAP_OK(w.tap({ u"agent"_s, u"create"_s, u"--name"_s, u"bot"_s }));
    const QStringList role{ u"--scope-kind"_s, u"role"_s, u"--scope-id"_s, u"cfo"_s };
    const QStringList agent{ u"--scope-kind"_s, u"agent"_s, u"--scope-id"_s, u"bot"_s };
    const Run created = w.tap(QStringList{ u"credential"_s, u"create"_s, u"gmail"_s } + role
                              + QStringList{ u"--no-value"_s });
    TAP_OK(created);
    QVERIFY2(created.out.contains("gmail (role cfo)"), created.out.constData());
    const QByteArray secret = "gmail-agent-secret-0123456789";
    TAP_OK(w.tap(QStringList{ u"credential"_s, u"create"_s, u"gmail"_s, u"--allowed-hosts"_s,
                              u"mail.example"_s }
                         + agent,
                 secret + '\n'));

    Run list = w.tap({ u"credential"_s, u"list"_s, u"--json"_s });
    TAP_OK(list);
    QStringList scopes;
    for (const QJsonValue &c : list.json()[u"credentials"_s].toArray())
        scopes << c[u"scope_kind"_s].toString() + u':' + c[u"scope_id"_s].toString();
    QCOMPARE(scopes, QStringList({ u"agent:bot"_s, u"role:cfo"_s, u"team:"_s }));
    list = w.tap({ u"credential"_s, u"list"_s, u"--scope-kind"_s, u"role"_s, u"--json"_s });
    TAP_OK(list);
    QCOMPARE(list.json()[u"credentials"_s].toArray().size(), 1);
    const Run table = w.tap({ u"credential"_s, u"list"_s });
    TAP_OK(table);
    QVERIFY2(table.out.contains("SCOPE") && table.out.contains("cfo"), table.out.constData());

    const Run show =
            w.tap(QStringList{ u"credential"_s, u"show"_s, u"gmail"_s, u"--json"_s } + agent);
    TAP_OK(show);
    QCOMPARE(show.json()[u"scope_kind"_s].toString(), u"agent"_s);
    QCOMPARE(show.json()[u"allowed_hosts"_s].toArray(), strings({ u"mail.example"_s }));
    QCOMPARE(show.json()[u"has_value"_s].toBool(), true);

    // update and set-value change that row only.
    TAP_OK(w.tap(QStringList{ u"credential"_s, u"update"_s, u"gmail"_s, u"--description"_s,
                              u"the CFO seat's mailbox"_s }
                 + role));
    TAP_OK(w.tap(QStringList{ u"credential"_s, u"set-value"_s, u"gmail"_s } + role,
                 "gmail-role-secret-0123456789\n"));
    const HttpClient api = w.admin();
    const QJsonObject roleRow =
            api.get("/admin/credentials/gmail?scope_kind=role&scope_id=cfo").json();
    QCOMPARE(roleRow[u"description"_s].toString(), u"the CFO seat's mailbox"_s);
    QCOMPARE(roleRow[u"has_value"_s].toBool(), true);
    const QJsonObject teamRow = api.get("/admin/credentials/gmail").json();
    QCOMPARE(teamRow[u"description"_s].toString(), u"gmail"_s);
    QCOMPARE(teamRow[u"has_value"_s].toBool(), false);
    TAP_FAILS(w.tap({ u"credential"_s, u"update"_s, u"gmail"_s }), 2, "nothing to change");

    // delete removes that row only; a missing row is not found.
    TAP_OK(w.tap(QStringList{ u"credential"_s, u"delete"_s, u"gmail"_s } + agent));
    TAP_FAILS(w.tap(QStringList{ u"credential"_s, u"delete"_s, u"gmail"_s } + agent), 1,
              "(not_found)");
    QCOMPARE(api.get("/admin/credentials").json()[u"credentials"_s].toArray().size(), 2);

    // Flags that do not make a scope are usage errors; nothing is sent.
    TAP_FAILS(w.tap({ u"credential"_s, u"show"_s, u"gmail"_s, u"--scope-kind"_s, u"entity"_s,
                      u"--scope-id"_s, u"x"_s }),
              2, "--scope-kind must be team, role or agent");
    TAP_FAILS(w.tap({ u"credential"_s, u"delete"_s, u"gmail"_s, u"--scope-kind"_s, u"role"_s }), 2,
              "needs --scope-id");
    TAP_FAILS(w.tap({ u"credential"_s, u"delete"_s, u"gmail"_s, u"--scope-id"_s, u"cfo"_s }), 2,
              "--scope-id goes with");
    QCOMPARE(api.get("/admin/credentials").json()[u"credentials"_s].toArray().size(), 2);
}

// seeds/configuration.txt "CLI Alternative": both lines exactly as written.
// tap credential connect: the authorization URL of an agent's oauth2 row (README "Connecting an
// OAuth 2.0 credential"); nothing is asked of the provider until the browser goes there.
void TestCliAdmin::oauthConnect()
{
    World w;
    QVERIFY(setUp(w, u"cli-connect"_s));
    QVERIFY(logIn(w));
    const HttpClient api = w.admin();
    const QJsonObject gmail{ { u"name"_s, u"gmail"_s },
                             { u"description"_s, u"mail"_s },
                             { u"kind"_s, u"oauth2"_s },
                             { u"token_url"_s, u"https://auth.example/token"_s },
                             { u"scopes"_s, u"mail.read"_s },
                             { u"authorize_url"_s, u"https://auth.example/auth"_s },
                             { u"value"_s,
                               QJsonObject{ { u"client_id"_s, u"cli-client"_s },
                                            { u"client_secret"_s, u"cli-client-SECRET-42"_s } } } };
    QCOMPARE(api.post("/admin/credentials", gmail).status, 201);
    QCOMPARE(api.post("/admin/agents", { { u"id"_s, u"bot"_s } }).status, 201);
    const QStringList agent{ u"--scope-kind"_s, u"agent"_s, u"--scope-id"_s, u"bot"_s };
    const Run human = w.tap(QStringList{ u"credential"_s, u"connect"_s, u"gmail"_s } + agent);
    TAP_OK(human);
    QVERIFY2(human.out.contains("gmail (agent bot)")
                     && human.out.contains("https://auth.example/auth?response_type=code"),
             human.out.constData());
    const Run json = w.tap({ u"credential"_s, u"connect"_s, u"gmail"_s, u"--json"_s });
    TAP_OK(json);
    const QUrl url(json.json()[u"authorization_url"_s].toString());
    QCOMPARE(QUrlQuery(url).queryItemValue(u"client_id"_s), u"cli-client"_s);
    QCOMPARE(QUrlQuery(url).queryItemValue(u"code_challenge_method"_s), u"S256"_s);
    QVERIFY(!human.out.contains("SECRET") && !json.out.contains("SECRET"));
    TAP_OK(w.tap({ u"add"_s, u"plain"_s, u"--no-value"_s }));
    TAP_FAILS(w.tap({ u"credential"_s, u"connect"_s, u"plain"_s }), 1, "oauth2");
    TAP_FAILS(w.tap({ u"credential"_s, u"connect"_s, u"gmail"_s, u"--scope-kind"_s, u"agent"_s }),
              2, "needs --scope-id");
}

void TestCliAdmin::seedLinesRolesAgents()
{
    World w;
    QVERIFY(setUp(w, u"cli-seed"_s));
    QVERIFY(logIn(w));
    for (const QString &name : { u"slack"_s, u"github"_s, u"extra-cred"_s })
        TAP_OK(w.tap({ u"add"_s, name, u"--no-value"_s }));

    TAP_OK(w.tap(QProcess::splitCommand(
            u"role create --name reader --description \"Read-only access\" --credentials "
            "slack,github --rate-limit 50"_s)));
    const Run agent = w.tap(QProcess::splitCommand(
            u"agent create --name my-agent --roles reader --credentials extra-cred"_s));
    TAP_OK(agent);
    static const QRegularExpression keyRe(u"(tap_[A-Za-z0-9_-]+)"_s);
    const QByteArray key = keyRe.match(text(agent.out)).captured(1).toLatin1();
    QVERIFY2(!key.isEmpty(), agent.out.constData());
    QVERIFY(agent.out.contains("shown only once"));

    const Run roles = w.tap({ u"role"_s, u"list"_s, u"--json"_s });
    TAP_OK(roles);
    const QJsonObject reader =
            byKey(roles.json().value(u"roles"_s).toArray(), u"name"_s, u"reader"_s);
    QCOMPARE(reader.value(u"description"_s).toString(), u"Read-only access"_s);
    QCOMPARE(reader.value(u"credentials"_s).toArray(), strings({ u"github"_s, u"slack"_s }));
    QCOMPARE(reader.value(u"rate_limit_per_hour"_s).toInt(), 50);
    TAP_OK(w.tap({ u"role"_s, u"show"_s, u"reader"_s }));

    Run show = w.tap({ u"agent"_s, u"show"_s, u"my-agent"_s, u"--json"_s });
    TAP_OK(show);
    QCOMPARE(show.json().value(u"roles"_s).toArray(), strings({ u"reader"_s }));
    QCOMPARE(show.json().value(u"credentials"_s).toArray(), strings({ u"extra-cred"_s }));
    QStringList effective;
    for (const QJsonValue &v : show.json().value(u"effective_credentials"_s).toArray())
        effective << v.toString();
    effective.sort();
    QCOMPARE(effective, QStringList({ u"extra-cred"_s, u"github"_s, u"slack"_s }));

    // The printed key is the agent's.
    const HttpClient anon = w.tapd.client();
    QCOMPARE(anon.get("/agent/services", { { "X-TAP-Key", key } }).status, 200);

    // disable / enable / rotate-key / list / delete.
    TAP_OK(w.tap({ u"agent"_s, u"disable"_s, u"my-agent"_s }));
    show = w.tap({ u"agent"_s, u"show"_s, u"my-agent"_s, u"--json"_s });
    QCOMPARE(show.json().value(u"enabled"_s).toBool(), false);
    TAP_OK(w.tap({ u"agent"_s, u"enable"_s, u"my-agent"_s }));
    const Run rotated = w.tap({ u"agent"_s, u"rotate-key"_s, u"my-agent"_s, u"--json"_s });
    TAP_OK(rotated);
    const QByteArray newKey = rotated.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(newKey.startsWith("tap_") && newKey != key);
    QCOMPARE(anon.get("/agent/services", { { "X-TAP-Key", key } }).status, 401);
    QCOMPARE(anon.get("/agent/services", { { "X-TAP-Key", newKey } }).status, 200);
    const Run json = w.tap({ u"agent"_s, u"create"_s, u"--name"_s, u"second"_s, u"--json"_s,
                             u"--rate-limit"_s, u"7"_s });
    TAP_OK(json);
    QVERIFY(json.json().value(u"api_key"_s).toString().startsWith(u"tap_"_s));
    const Run agents = w.tap({ u"agent"_s, u"list"_s });
    TAP_OK(agents);
    QVERIFY(agents.out.contains("my-agent") && agents.out.contains("second"));
    QVERIFY(!agents.out.contains(newKey));
    TAP_FAILS(w.tap({ u"agent"_s, u"create"_s, u"--name"_s, u"x"_s, u"--rate-limit"_s, u"-3"_s }),
              2, "--rate-limit must be a positive whole number");
    TAP_OK(w.tap({ u"agent"_s, u"delete"_s, u"second"_s }));
    TAP_OK(w.tap({ u"role"_s, u"delete"_s, u"reader"_s }));
    show = w.tap({ u"agent"_s, u"show"_s, u"my-agent"_s, u"--json"_s });
    QCOMPARE(show.json().value(u"roles"_s).toArray(), QJsonArray());
    TAP_FAILS(w.tap({ u"role"_s, u"show"_s, u"reader"_s }), 1, "(not_found)");
}

void TestCliAdmin::policiesAndChannels()
{
    World w;
    QVERIFY(setUp(w, u"cli-policy"_s));
    QVERIFY(logIn(w));
    TAP_OK(w.tap({ u"add"_s, u"slack"_s, u"--no-value"_s }));
    TAP_OK(w.tap({ u"policy"_s, u"set"_s, u"slack"_s, u"--auto-approve-methods"_s, u"GET"_s,
                   u"--require-approval-methods"_s, u"POST,PUT,DELETE"_s, u"--auto-approve-urls"_s,
                   u"/conversations.list,/users.list"_s }));
    Run show = w.tap({ u"policy"_s, u"show"_s, u"slack"_s, u"--json"_s });
    TAP_OK(show);
    QCOMPARE(show.json().value(u"auto_approve_methods"_s).toArray(), strings({ u"GET"_s }));
    QCOMPARE(show.json().value(u"require_approval_methods"_s).toArray(),
             strings({ u"POST"_s, u"PUT"_s, u"DELETE"_s }));
    QCOMPARE(show.json().value(u"auto_approve_urls"_s).toArray(),
             strings({ u"/conversations.list"_s, u"/users.list"_s }));
    show = w.tap({ u"policy"_s, u"show"_s, u"slack"_s });
    TAP_OK(show);
    QVERIFY2(show.out.contains("auto approve methods:") && show.out.contains("POST,PUT,DELETE"),
             show.out.constData());
    TAP_FAILS(w.tap({ u"policy"_s, u"set"_s, u"slack"_s }), 2, "nothing to set");
    TAP_FAILS(w.tap({ u"policy"_s, u"set"_s, u"slack"_s, u"--auto-approve-methods"_s, u"FETCH"_s }),
              1, "(invalid_request)");
    TAP_OK(w.tap({ u"policy"_s, u"delete"_s, u"slack"_s }));

    TAP_OK(w.tap({ u"channel"_s, u"create"_s, u"--name"_s, u"ops"_s, u"--type"_s, u"matrix"_s,
                   u"--room-id"_s, u"!abc:example.org"_s }));
    TAP_OK(w.tap({ u"channel"_s, u"create"_s, u"desk"_s, u"--type"_s, u"desktop"_s }));
    const QByteArray botToken = "123456:cli-bot-token-secret";
    TAP_OK(w.tap({ u"channel"_s, u"create"_s, u"tg"_s, u"--type"_s, u"telegram"_s, u"--chat-id"_s,
                   u"-100123456"_s, u"--bot-token-file"_s, u"-"_s },
                 botToken + '\n'));
    Run list = w.tap({ u"channel"_s, u"list"_s, u"--json"_s });
    TAP_OK(list);
    const QJsonArray channels = list.json().value(u"channels"_s).toArray();
    QCOMPARE(channels.size(), 3);
    QCOMPARE(byKey(channels, u"name"_s, u"ops"_s)
                     .value(u"config"_s)
                     .toObject()
                     .value(u"room_id"_s)
                     .toString(),
             u"!abc:example.org"_s);
    QCOMPARE(byKey(channels, u"name"_s, u"tg"_s).value(u"has_bot_token"_s).toBool(), true);
    QVERIFY(!list.out.contains(botToken));
    TAP_FAILS(w.tap({ u"channel"_s, u"create"_s, u"x"_s, u"--type"_s, u"pigeon"_s }), 1,
              "(invalid_request)");
    TAP_FAILS(w.tap({ u"channel"_s, u"create"_s, u"x"_s }), 2, "--type");
    TAP_OK(w.tap({ u"channel"_s, u"delete"_s, u"ops"_s }));
    list = w.tap({ u"channel"_s, u"list"_s });
    TAP_OK(list);
    QVERIFY(!list.out.contains("ops") && list.out.contains("desk"));
}

namespace {

QString mailedInviteToken(const Tapd &tapd, const QString &address)
{
    static const QRegularExpression re(u"invitation token: (tapi_[A-Za-z0-9_-]+)"_s);
    const QDir dir(tapd.dataDir() + u"/outbox"_s);
    QString token;
    for (const QString &name : dir.entryList({ u"*.eml"_s }, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray mail = file.readAll();
        const qsizetype split = mail.indexOf("\r\n\r\n");
        const QByteArray head = mail.left(split).toLower();
        if (!head.contains(address.toLower().toUtf8()))
            continue;
        const QByteArray body = mail.mid(split + 4);
        const QString decoded = head.contains("quoted-printable") ? decodeQuotedPrintable(body)
                                                                  : QString::fromUtf8(body);
        if (const auto m = re.match(decoded); m.hasMatch())
            token = m.captured(1);
    }
    return token;
}

} // namespace

void TestCliAdmin::linksAndMembers()
{
    World w;
    QVERIFY(setUp(w, u"cli-links"_s));
    QVERIFY(logIn(w));
    // Another team's agent, linked in with a role of this team.
    const Account partner = signUp(w.tapd, u"cli-partner"_s, u"partner@example.test"_s);
    QVERIFY(!partner.token.isEmpty());
    QVERIFY(!addAgent(w.tapd.client(partner.token), u"visitor"_s, {}).isEmpty());
    TAP_OK(w.tap({ u"add"_s, u"slack"_s, u"--no-value"_s }));
    TAP_OK(w.tap({ u"role"_s, u"create"_s, u"guest"_s, u"--credentials"_s, u"slack"_s }));
    TAP_OK(w.tap({ u"link"_s, u"create"_s, u"--home-team"_s, partner.teamId, u"--agent"_s,
                   u"visitor"_s, u"--role"_s, u"guest"_s }));
    Run links = w.tap({ u"link"_s, u"list"_s, u"--json"_s });
    TAP_OK(links);
    const QJsonObject link =
            byKey(links.json().value(u"links"_s).toArray(), u"agent_id"_s, u"visitor"_s);
    QCOMPARE(link.value(u"agent_home_team_id"_s).toString(), partner.teamId);
    QCOMPARE(link.value(u"role"_s).toString(), u"guest"_s);
    TAP_FAILS(w.tap({ u"link"_s, u"create"_s, u"--home-team"_s, partner.teamId, u"--agent"_s,
                      u"nobody"_s }),
              1, "tap: ");
    TAP_OK(w.tap({ u"link"_s, u"delete"_s, partner.teamId, u"visitor"_s }));
    links = w.tap({ u"link"_s, u"list"_s });
    TAP_OK(links);
    QCOMPARE(links.out.trimmed(), QByteArray("(none)"));

    // Invite; the invitee signs up with the mailed token; set-role and remove by email.
    const QString invitee = u"helper@example.test"_s;
    TAP_OK(w.tap({ u"member"_s, u"invite"_s, u"--email"_s, invitee, u"--role"_s, u"admin"_s }));
    Run members = w.tap({ u"member"_s, u"list"_s, u"--json"_s });
    TAP_OK(members);
    QCOMPARE(byKey(members.json().value(u"pending_invites"_s).toArray(), u"email"_s, invitee)
                     .value(u"role"_s)
                     .toString(),
             u"admin"_s);
    const QString token = mailedInviteToken(w.tapd, invitee);
    QVERIFY(!token.isEmpty());
    EXPECT_STATUS(w.tapd.client().post("/signup",
                                       { { u"email"_s, invitee },
                                         { u"password"_s, u"helper password 123"_s },
                                         { u"invite_token"_s, token } }),
                  201);
    members = w.tap({ u"member"_s, u"list"_s });
    TAP_OK(members);
    QVERIFY2(members.out.contains(invitee.toUtf8()), members.out.constData());
    TAP_OK(w.tap({ u"member"_s, u"set-role"_s, invitee, u"approver"_s }));
    members = w.tap({ u"member"_s, u"list"_s, u"--json"_s });
    QCOMPARE(byKey(members.json().value(u"members"_s).toArray(), u"email"_s, invitee)
                     .value(u"role"_s)
                     .toString(),
             u"approver"_s);
    TAP_OK(w.tap({ u"member"_s, u"remove"_s, invitee }));
    members = w.tap({ u"member"_s, u"list"_s, u"--json"_s });
    QVERIFY(byKey(members.json().value(u"members"_s).toArray(), u"email"_s, invitee).isEmpty());
    TAP_FAILS(w.tap({ u"member"_s, u"remove"_s, invitee }), 1, "no member with the email");
}

namespace {

// A /forward that needs approval (no policy on the credential: everything asks); its txn id.
QString park(const World &w, const Upstream &up, const QByteArray &key)
{
    const HttpResponse r = forward(w.tapd.port(),
                                   Call(key, "api", up.url("/v1/items"), "POST",
                                        { { "Content-Type", "application/json" } }, "{\"n\":1}"));
    if (!verifyStatus(r, 202, "park", __FILE__, __LINE__))
        return {};
    return r.json().value(u"txn_id"_s).toString();
}

QString finalState(const World &w, const QByteArray &key, const QString &txn)
{
    HttpClient c(w.tapd.port());
    c.setTimeoutMs(kRequestTimeoutMs);
    QElapsedTimer t;
    t.start();
    QString status;
    while (t.elapsed() < 30000) {
        status =
                c.request("GET", "/agent/approvals/" + txn.toLatin1(), {}, { { "X-TAP-Key", key } })
                        .json()
                        .value(u"status"_s)
                        .toString();
        if (status != u"pending"_s && !status.isEmpty())
            break;
        QThread::msleep(20);
    }
    return status;
}

} // namespace

void TestCliAdmin::approvals()
{
    World w;
    Upstream up;
    QVERIFY(up.start());
    QVERIFY(setUp(w, u"cli-approvals"_s));
    QVERIFY(logIn(w));
    const QString valueFile = w.home.filePath(u"api.value"_s);
    QFile f(valueFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("sk-approval-cli-0123456789");
    f.close();
    TAP_OK(w.tap({ u"add"_s, u"api"_s, u"--allowed-hosts"_s, u"127.0.0.1"_s, u"--value-file"_s,
                   valueFile }));
    const Run agent = w.tap({ u"agent"_s, u"create"_s, u"--name"_s, u"bot"_s, u"--credentials"_s,
                              u"api"_s, u"--json"_s });
    TAP_OK(agent);
    const QByteArray key = agent.json().value(u"api_key"_s).toString().toLatin1();
    const QString first = park(w, up, key);
    const QString second = park(w, up, key);
    QVERIFY(!first.isEmpty() && !second.isEmpty());

    Run list = w.tap({ u"approval"_s, u"list"_s, u"--json"_s });
    TAP_OK(list);
    QCOMPARE(list.json().value(u"items"_s).toArray().size(), 2);
    list = w.tap({ u"approval"_s, u"list"_s });
    TAP_OK(list);
    QVERIFY2(list.out.contains(first.toUtf8()) && list.out.contains("POST"), list.out.constData());
    const Run show = w.tap({ u"approval"_s, u"show"_s, first, u"--json"_s });
    TAP_OK(show);
    QCOMPARE(show.json().value(u"status"_s).toString(), u"pending"_s);

    TAP_OK(w.tap({ u"approval"_s, u"approve"_s, first }));
    QCOMPARE(finalState(w, key, first), u"forwarded"_s);
    TAP_OK(w.tap({ u"approval"_s, u"deny"_s, second }));
    QCOMPARE(finalState(w, key, second), u"denied"_s);
    TAP_FAILS(w.tap({ u"approval"_s, u"approve"_s, second }), 1, "tap: ");
    list = w.tap({ u"approval"_s, u"list"_s });
    TAP_OK(list);
    QCOMPARE(list.out.trimmed(), QByteArray("(none)"));
    list = w.tap({ u"approval"_s, u"list"_s, u"--status"_s, u"all"_s, u"--json"_s });
    TAP_OK(list);
    QCOMPARE(list.json().value(u"items"_s).toArray().size(), 2);
    TAP_FAILS(w.tap({ u"approval"_s, u"list"_s, u"--status"_s, u"maybe"_s }), 1,
              "(invalid_request)");
}

QTEST_GUILESS_MAIN(TestCliAdmin)
#include "tst_cli_admin.moc"
