// Configuration as code with the real `tap` binary against a real tapd on both backends:
// `tap export` of team A applied to an empty team B reproduces A (same names in both teams),
// --dry-run changes nothing, a second apply is a no-op, --prune deletes, a missing secret
// source or a bad file changes nothing, a refusal midway reports what was applied, and no
// secret value ever reaches stdout or stderr.
#include "clitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using namespace tap::test::cli;

namespace {

const QByteArray kGithubSecret = "ghp-config-test-secret-0123456789";
const QByteArray kStripeSecret = "sk-config-stripe-secret-abcdef";
const QByteArray kBotToken = "123456:config-test-bot-token";

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

bool leaks(const Run &r)
{
    for (const QByteArray &s : { kGithubSecret, kStripeSecret, kBotToken }) {
        if (r.out.contains(s) || r.err.contains(s))
            return true;
    }
    return r.out.contains("tap_") || r.err.contains("tap_"); // an agent's API key
}

} // namespace

class TestCliConfig : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { requireTapBinary(); }
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void exportApplyRoundTrip();
    void scopedRowsRoundTrip();
    void badFilesChangeNothing();
    void refusalMidwayIsReported();
};

// Team A configured through the CLI; its export applied to a fresh team B.
void TestCliConfig::exportApplyRoundTrip()
{
    World w;
    QVERIFY(setUp(w, u"cfg-a"_s));
    QVERIFY(logIn(w));
    const Account partner = signUp(w.tapd, u"cfg-partner"_s, u"partner@example.test"_s);
    QVERIFY(!addAgent(w.tapd.client(partner.token), u"visitor"_s, {}).isEmpty());

    TAP_OK(w.tap({ u"add"_s, u"github"_s, u"--api-base"_s, u"https://api.github.com"_s,
                   u"--allowed-hosts"_s, u"api.github.com,uploads.github.com"_s },
                 kGithubSecret + '\n'));
    TAP_OK(w.tap({ u"add"_s, u"stripe"_s, u"--description"_s, u"Stripe: payments \"live\""_s,
                   u"--auth-header-format"_s, u"Basic {value}"_s },
                 kStripeSecret + '\n'));
    TAP_OK(w.tap({ u"add"_s, u"extra-cred"_s, u"--no-value"_s }));
    TAP_OK(w.tap({ u"channel"_s, u"create"_s, u"ops"_s, u"--type"_s, u"matrix"_s, u"--room-id"_s,
                   u"!ops:example.org"_s }));
    TAP_OK(w.tap({ u"channel"_s, u"create"_s, u"tg"_s, u"--type"_s, u"telegram"_s, u"--chat-id"_s,
                   u"-100123456"_s, u"--bot-token-file"_s, u"-"_s },
                 kBotToken + '\n'));
    TAP_OK(w.tap({ u"policy"_s, u"set"_s, u"github"_s, u"--auto-approve-methods"_s, u"GET"_s,
                   u"--require-approval-methods"_s, u"POST,DELETE"_s, u"--approval-channel"_s,
                   u"ops"_s }));
    TAP_OK(w.tap(QProcess::splitCommand(
            u"role create --name reader --description \"Read-only access\" --credentials "
            "stripe,github --rate-limit 50"_s)));
    TAP_OK(w.tap(QProcess::splitCommand(
            u"agent create --name my-agent --roles reader --credentials extra-cred"_s)));
    TAP_OK(w.tap({ u"agent"_s, u"create"_s, u"old"_s, u"--description"_s, u"to be pruned"_s }));
    TAP_OK(w.tap({ u"agent"_s, u"disable"_s, u"old"_s }));
    TAP_OK(w.tap({ u"link"_s, u"create"_s, u"--home-team"_s, partner.teamId, u"--agent"_s,
                   u"visitor"_s, u"--role"_s, u"reader"_s }));

    const Run exportA = w.tap({ u"export"_s });
    TAP_OK(exportA);
    QVERIFY2(!leaks(exportA), exportA.out.constData());
    const QByteArray &a = exportA.out;
    QVERIFY2(a.contains("value_from: {env: TAP_CRED_GITHUB}")
                     && a.contains("value_from: {env: TAP_CRED_STRIPE}")
                     && !a.contains("TAP_CRED_EXTRA_CRED")
                     && a.contains("bot_token_from: {env: TAP_CHANNEL_TG_BOT_TOKEN}")
                     && a.contains("allowed_hosts: [api.github.com, uploads.github.com]")
                     && a.contains("auto_approve_methods: [GET]")
                     && a.contains("rate_limit_per_hour: 50") && a.contains("visitor"),
             a.constData());
    // Sorted by name within each section.
    QVERIFY(a.indexOf("name: extra-cred") < a.indexOf("name: github"));
    QVERIFY(a.indexOf("name: github") < a.indexOf("name: stripe"));
    QVERIFY(a.indexOf("name: my-agent") < a.indexOf("name: old"));
    QCOMPARE(w.tap({ u"export"_s, u"--team"_s, u"cfg-a"_s }).out, a); // stable
    const QJsonObject asJson = w.tap({ u"export"_s, u"--json"_s }).json();
    QCOMPARE(asJson.value(u"version"_s).toInt(), 1);
    QCOMPARE(asJson.value(u"roles"_s)[0][u"rate_limit_per_hour"_s].toInt(), 50);
    QCOMPARE(asJson.value(u"credentials"_s).toArray().size(), 3);
    const QString file = w.home.filePath(u"team.yaml"_s);
    QVERIFY(writeFile(file, a));

    // Team B, with the same names, through its own session.
    const Account b = signUp(w.tapd, u"cfg-b"_s, u"b@example.test"_s);
    QVERIFY(!b.token.isEmpty());
    w.extraEnv.insert(u"TAP_SESSION"_s, QString::fromLatin1(b.token));
    auto bCount = [&w](const QString &noun, const QString &key) {
        return w.tap({ noun, u"list"_s, u"--json"_s }).json().value(key).toArray().size();
    };

    // The values are not in the environment yet: refused before anything changes.
    Run missing = w.tap({ u"apply"_s, u"-f"_s, file });
    QCOMPARE(missing.code, 1);
    QVERIFY2(missing.err.contains("TAP_CRED_GITHUB is not set")
                     && missing.err.contains("TAP_CHANNEL_TG_BOT_TOKEN is not set")
                     && missing.err.contains("nothing was changed"),
             missing.err.constData());
    QCOMPARE(bCount(u"credential"_s, u"credentials"_s), 0);
    QCOMPARE(bCount(u"channel"_s, u"channels"_s), 0);

    w.extraEnv.insert(u"TAP_CRED_GITHUB"_s, QString::fromLatin1(kGithubSecret));
    const QString stripeFile = w.home.filePath(u"stripe.token"_s);
    QVERIFY(writeFile(stripeFile, kStripeSecret + '\n'));
    w.extraEnv.insert(u"TAP_CHANNEL_TG_BOT_TOKEN"_s, QString::fromLatin1(kBotToken));
    // One value from a file instead (relative to the YAML file).
    QByteArray withFile = a;
    withFile.replace("value_from: {env: TAP_CRED_STRIPE}", "value_from: {file: stripe.token}");
    QVERIFY(writeFile(file, withFile));

    // --dry-run: the plan, and nothing changes.
    const Run dry = w.tap({ u"apply"_s, u"-f"_s, file, u"--dry-run"_s });
    TAP_OK(dry);
    QVERIFY2(dry.out.contains("+ credential github (with its value)")
                     && dry.out.contains("+ role reader") && dry.out.contains("+ agent old")
                     && dry.out.contains("+ channel tg (with its bot token)")
                     && dry.out.contains("Dry run"),
             dry.out.constData());
    QVERIFY(!leaks(dry));
    QCOMPARE(bCount(u"credential"_s, u"credentials"_s), 0);

    const Run applied = w.tap({ u"apply"_s, u"-f"_s, file });
    TAP_OK(applied);
    QVERIFY2(applied.out.contains("Applied 9 changes")
                     && applied.out.contains(
                             "rotate-key NAME' (apply shows no keys): my-agent, old"),
             applied.out.constData());
    QVERIFY2(!leaks(applied), applied.out.constData());
    const Run exportB = w.tap({ u"export"_s });
    TAP_OK(exportB);
    QCOMPARE(exportB.out, a);
    const QJsonArray bCreds = w.tap({ u"credential"_s, u"list"_s, u"--json"_s })
                                      .json()
                                      .value(u"credentials"_s)
                                      .toArray();
    QCOMPARE(byKey(bCreds, u"name"_s, u"stripe"_s).value(u"has_value"_s).toBool(), true);
    QCOMPARE(byKey(bCreds, u"name"_s, u"extra-cred"_s).value(u"has_value"_s).toBool(), false);

    // Idempotent: the second apply (from stdin) changes nothing and says so.
    const Run again = w.tap({ u"apply"_s, u"-f"_s, u"-"_s }, withFile);
    TAP_OK(again);
    QVERIFY2(again.out.contains("No changes"), again.out.constData());
    const Run againJson = w.tap({ u"apply"_s, u"-f"_s, file, u"--json"_s });
    TAP_OK(againJson);
    QCOMPARE(againJson.json().value(u"status"_s).toString(), u"no_changes"_s);
    QCOMPARE(againJson.json().value(u"changes"_s).toArray().size(), 0);

    // An edit and a removal: updated in place; what is missing from the file is kept...
    QByteArray edited = withFile;
    edited.replace("rate_limit_per_hour: 50", "rate_limit_per_hour: 100");
    const qsizetype oldAt = edited.indexOf("  - name: old");
    const qsizetype linksAt = edited.indexOf("links:");
    QVERIFY(oldAt > 0 && linksAt > oldAt);
    edited.remove(oldAt, linksAt - oldAt);
    QVERIFY(writeFile(file, edited));
    const Run update = w.tap({ u"apply"_s, u"-f"_s, file });
    TAP_OK(update);
    QVERIFY2(update.out.contains("~ role reader: rate_limit_per_hour 50 -> 100")
                     && !update.out.contains("- agent old")
                     && update.out.contains("not in the file, kept: agent old"),
             update.out.constData());
    QCOMPARE(bCount(u"agent"_s, u"agents"_s), 2);
    // ... and deleted with --prune (shown in the JSON plan first).
    const Run prunePlan =
            w.tap({ u"apply"_s, u"-f"_s, file, u"--prune"_s, u"--dry-run"_s, u"--json"_s });
    TAP_OK(prunePlan);
    const QJsonArray planned = prunePlan.json().value(u"changes"_s).toArray();
    QCOMPARE(planned.size(), 1);
    QCOMPARE(planned.at(0)[u"action"_s].toString(), u"delete"_s);
    QCOMPARE(planned.at(0)[u"name"_s].toString(), u"old"_s);
    const Run prune = w.tap({ u"apply"_s, u"-f"_s, file, u"--prune"_s });
    TAP_OK(prune);
    QVERIFY2(prune.out.contains("- agent old"), prune.out.constData());
    QCOMPARE(bCount(u"agent"_s, u"agents"_s), 1);

    // A value for a credential that had none; a channel changed (recreated with its token).
    QByteArray more = edited;
    more.replace("  - name: extra-cred\n", "  - name: extra-cred\n    value_from: {env: TAP_X}\n");
    more.replace("!ops:example.org", "!ops2:example.org");
    more.replace("config: {chat_id: \"-100123456\"}", "config: {chat_id: \"-100999\"}");
    QVERIFY(writeFile(file, more));
    w.extraEnv.insert(u"TAP_X"_s, QString::fromLatin1(kStripeSecret));
    const Run more1 = w.tap({ u"apply"_s, u"-f"_s, file });
    TAP_OK(more1);
    QVERIFY2(more1.out.contains("~ credential extra-cred: value set")
                     && more1.out.contains("~ channel ops: config.room_id \"!ops:example.org\" -> "
                                           "\"!ops2:example.org\" (replaced)")
                     && more1.out.contains("~ channel tg: config.chat_id \"-100123456\" -> "
                                           "\"-100999\"; bot token set (replaced)"),
             more1.out.constData());
    QVERIFY(!leaks(more1));
    QVERIFY(w.tap({ u"apply"_s, u"-f"_s, file }).out.contains("No changes"));
    const QJsonArray channelsB =
            w.tap({ u"channel"_s, u"list"_s, u"--json"_s }).json().value(u"channels"_s).toArray();
    QCOMPARE(byKey(channelsB, u"name"_s, u"tg"_s).value(u"has_bot_token"_s).toBool(), true);
    // A policy left out of the file is removed.
    const qsizetype policyAt = more.indexOf("    policy:\n");
    const qsizetype policyEnd = more.indexOf("require_passkey: false\n", policyAt);
    QVERIFY(policyAt > 0 && policyEnd > policyAt);
    more.remove(policyAt, policyEnd + qsizetype(sizeof("require_passkey: false\n")) - 1 - policyAt);
    QVERIFY(writeFile(file, more));
    const Run noPolicy = w.tap({ u"apply"_s, u"-f"_s, file });
    TAP_OK(noPolicy);
    QVERIFY2(noPolicy.out.contains("~ credential github: policy removed"),
             noPolicy.out.constData());
    QCOMPARE(w.tap({ u"policy"_s, u"show"_s, u"github"_s, u"--json"_s })
                     .json()
                     .value(u"configured"_s)
                     .toBool(),
             false);

    // Team A did not move; no value reached tapd's log either.
    w.extraEnv.clear();
    QCOMPARE(w.tap({ u"export"_s }).out, a);
    QVERIFY(!w.tapd.log().contains(kGithubSecret));
    QVERIFY(!w.tapd.log().contains(kBotToken));
}

// Malformed or unknown content is an error with its line, and nothing is changed.
void TestCliConfig::badFilesChangeNothing()
{
    World w;
    QVERIFY(setUp(w, u"cfg-bad"_s));
    QVERIFY(logIn(w));
    const QString file = w.home.filePath(u"bad.yaml"_s);
    const QList<std::pair<QByteArray, QByteArray>> cases{
        { "version: 1\ncredentials:\n  - name: a\n    colour: blue\n",
          "line 4: unknown key 'colour' in credential" },
        { "version: 1\nroles:\n  - name: r\n    credentials: [a, b\n",
          "line 5: did not find expected ',' or ']' (while parsing a flow sequence started on "
          "line 4)" },
        { "version: 1\nfoo: 1\n", "line 2: unknown key 'foo'" },
        { "credentials: []\n", "'version: 1' is required" },
        { "version: 1\nagents:\n  - name: x\n    enabled: maybe\n",
          "line 4: 'enabled' must be true or false" },
        { "version: 1\nroles:\n  - name: r\n  - name: r\n", "line 4: role r is listed twice" },
        { "version: 1\nroles:\n  - &a {name: r}\n", "anchors" },
        { "version: 1\nroles: " + QByteArray(40, '[') + QByteArray(40, ']') + "\n",
          "nested too deeply" },
        { "version: 1\nchannels:\n  - name: t\n    type: telegram\n    config: {bot_token: "
          "x}\n",
          "line 5: a bot token does not belong in the file" },
        { "version: 1\nroles:\n  - name: r\n    credentials: [nope]\n",
          "line 3: role r refers to credential nope" },
        { "version: 1\ncredentials:\n  - name: c\n    value_from: {env: TAP_CFG_UNSET_VAR}\n",
          "line 4: credential c: environment variable TAP_CFG_UNSET_VAR is not set" },
        { "version: 1\n---\nversion: 1\n", "only one YAML document" },
        { "version: 1\nchannels:\n  - name: p\n    type: pigeon\n",
          "line 4: 'type' must be one of telegram, matrix, desktop" },
        { "version: 1\nchannels:\n  - name: m\n    type: matrix\n    config: {chat_id: 1}\n",
          "line 5: unknown key 'chat_id' in the config of a matrix channel" },
        { "version: 1\ncredentials:\n  - name: c\n    connector: carrier-pigeon\n",
          "line 4: 'connector' must be one of direct, sidecar" },
        { "version: 1\nagents:\n  - name: a\n    rate_limit_per_hour: -5\n",
          "line 4: 'rate_limit_per_hour' must be a positive whole number" },
        { "version: 1\nlinks:\n  - agent: a\n", "line 3: link without 'home_team'" },
        { "", "empty" },
    };
    for (const auto &[content, needle] : cases) {
        QVERIFY(writeFile(file, content));
        const Run r = w.tap({ u"apply"_s, u"-f"_s, file });
        QVERIFY2(r.code == 1 && r.err.contains(needle) && r.out.isEmpty(),
                 qPrintable(QString::fromUtf8(content) + u"\n"_s + r.describe()));
    }
    // Too large.
    QVERIFY(writeFile(file, "version: 1\n# " + QByteArray(1024 * 1024, 'x') + "\n"));
    TAP_FAILS(w.tap({ u"apply"_s, u"-f"_s, file }), 1, "larger than");
    TAP_FAILS(w.tap({ u"apply"_s, u"-f"_s, w.home.filePath(u"none.yaml"_s) }), 1, "cannot read");
    TAP_FAILS(w.tap({ u"apply"_s }), 2, "no file");
    QVERIFY(writeFile(file, "version: 1\n"));
    TAP_FAILS(w.tap({ u"apply"_s, u"-f"_s, file, u"--team"_s, u"someone-else"_s }), 1,
              "the session is for team");
    TAP_FAILS(w.tap({ u"export"_s, u"--team"_s, u"someone-else"_s }), 1, "the session is for team");
    const Run list = w.tap({ u"role"_s, u"list"_s, u"--json"_s });
    QCOMPARE(list.json().value(u"roles"_s).toArray().size(), 0);
    QCOMPARE(w.tap({ u"credential"_s, u"list"_s, u"--json"_s })
                     .json()
                     .value(u"credentials"_s)
                     .toArray()
                     .size(),
             0);
}

// The server refuses one change: what came before stays applied and is reported.
void TestCliConfig::refusalMidwayIsReported()
{
    World w;
    QVERIFY(setUp(w, u"cfg-mid"_s));
    QVERIFY(logIn(w));
    const QString file = w.home.filePath(u"team.yaml"_s);
    QVERIFY(writeFile(file,
                      "version: 1\n"
                      "channels:\n  - {name: desk, type: desktop}\n"
                      "credentials:\n  - name: bad\n    auth_header_format: \"no placeholder\"\n"
                      "roles:\n  - name: r\n"));
    const Run r = w.tap({ u"apply"_s, u"-f"_s, file });
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("applied:     + channel desk")
                     && r.out.contains("FAILED:      + credential bad")
                     && r.out.contains("not applied: + role r"),
             r.describe().toUtf8().constData());
    QVERIFY2(r.err.contains("1 of 3 changes were applied"), r.err.constData());
    const Run json = w.tap({ u"apply"_s, u"-f"_s, file, u"--json"_s });
    QCOMPARE(json.code, 1);
    QCOMPARE(json.json().value(u"status"_s).toString(), u"failed"_s);
    QCOMPARE(w.tap({ u"channel"_s, u"list"_s, u"--json"_s })
                     .json()
                     .value(u"channels"_s)
                     .toArray()
                     .size(),
             1);

    // Refused within one change: the credential was created, its policy was not.
    QVERIFY(writeFile(file,
                      "version: 1\ncredentials:\n  - name: half\n    policy: {matrix_room_id: "
                      "nope}\n"));
    const Run half = w.tap({ u"apply"_s, u"-f"_s, file });
    QCOMPARE(half.code, 1);
    QVERIFY2(half.err.contains("matrix_room_id")
                     && half.err.contains("partly applied: 1 earlier step of this change "
                                          "succeeded"),
             half.err.constData());
    QCOMPARE(w.tap({ u"credential"_s, u"show"_s, u"half"_s }).code, 0);
}

// Rows of a role and of agents (README "Credential scopes"): exported with scope_kind and
// scope_id, applied to an empty team after the role, agent and link they belong to, the
// policy of a name once; --prune deletes a scoped row before its owner.
void TestCliConfig::scopedRowsRoundTrip()
{
    World w;
    QVERIFY(setUp(w, u"cfg-scope-a"_s));
    QVERIFY(logIn(w));
    const Account partner = signUp(w.tapd, u"cfg-scope-partner"_s, u"sp@example.test"_s);
    QVERIFY(!addAgent(w.tapd.client(partner.token), u"visitor"_s, {}).isEmpty());
    const QString linked = partner.teamId + u"/visitor"_s;
    TAP_OK(w.tap({ u"add"_s, u"gmail"_s }, kGithubSecret + '\n'));
    TAP_OK(w.tap({ u"policy"_s, u"set"_s, u"gmail"_s, u"--auto-approve-methods"_s, u"GET"_s }));
    TAP_OK(w.tap({ u"role"_s, u"create"_s, u"--name"_s, u"cfo"_s }));
    TAP_OK(w.tap({ u"agent"_s, u"create"_s, u"--name"_s, u"bot"_s }));
    TAP_OK(w.tap({ u"agent"_s, u"create"_s, u"--name"_s, u"keep"_s }));
    TAP_OK(w.tap({ u"link"_s, u"create"_s, u"--home-team"_s, partner.teamId, u"--agent"_s,
                   u"visitor"_s, u"--role"_s, u"cfo"_s }));
    TAP_OK(w.tap({ u"add"_s, u"gmail"_s, u"--scope-kind"_s, u"role"_s, u"--scope-id"_s, u"cfo"_s,
                   u"--description"_s, u"cfo-seat"_s },
                 kStripeSecret + '\n'));
    TAP_OK(w.tap({ u"add"_s, u"gmail"_s, u"--scope-kind"_s, u"agent"_s, u"--scope-id"_s, u"bot"_s,
                   u"--allowed-hosts"_s, u"mail.example"_s, u"--no-value"_s }));
    TAP_OK(w.tap({ u"add"_s, u"stripe"_s, u"--scope-kind"_s, u"agent"_s, u"--scope-id"_s, linked,
                   u"--no-value"_s }));

    const Run exportA = w.tap({ u"export"_s });
    TAP_OK(exportA);
    QVERIFY(!leaks(exportA));
    const QByteArray &a = exportA.out;
    QVERIFY2(a.contains("scope_kind: role") && a.contains("scope_id: cfo")
                     && a.contains("scope_id: bot") && a.contains(linked.toUtf8())
                     && a.contains("value_from: {env: TAP_CRED_GMAIL_ROLE_CFO}")
                     && a.contains("value_from: {env: TAP_CRED_GMAIL}")
                     && a.count("scope_kind:") == 3 && a.count("policy:") == 1,
             a.constData());
    QCOMPARE(w.tap({ u"export"_s, u"--json"_s }).json()[u"credentials"_s].toArray().size(), 4);
    const QString file = w.home.filePath(u"scoped.yaml"_s);
    QVERIFY(writeFile(file, a));

    // An empty team B: every row comes back, after the role, agent and link it belongs to.
    const Account b = signUp(w.tapd, u"cfg-scope-b"_s, u"sb@example.test"_s);
    QVERIFY(!b.token.isEmpty());
    w.extraEnv.insert(u"TAP_SESSION"_s, QString::fromLatin1(b.token));
    w.extraEnv.insert(u"TAP_CRED_GMAIL"_s, QString::fromLatin1(kGithubSecret));
    w.extraEnv.insert(u"TAP_CRED_GMAIL_ROLE_CFO"_s, QString::fromLatin1(kStripeSecret));
    const Run applied = w.tap({ u"apply"_s, u"-f"_s, file });
    TAP_OK(applied);
    QVERIFY2(applied.out.contains("+ credential gmail (role cfo) (with its value)"),
             applied.out.constData());
    QVERIFY(!leaks(applied));
    QCOMPARE(w.tap({ u"export"_s }).out, a);
    const HttpClient apiB = w.tapd.client(b.token);
    QCOMPARE(apiB.get("/admin/credentials/gmail?scope_kind=role&scope_id=cfo")
                     .json()[u"has_value"_s]
                     .toBool(),
             true);
    TAP_OK(w.tap({ u"apply"_s, u"-f"_s, file })); // a second apply changes nothing
    QCOMPARE(w.tap({ u"export"_s }).out, a);

    // One row changed, the bot's row and the bot gone: the row is deleted before the agent.
    QByteArray edited = a;
    edited.replace("description: cfo-seat", "description: new-cfo-seat");
    const qsizetype botRow =
            edited.indexOf("- name: gmail\n    scope_kind: agent\n    scope_id: bot");
    QVERIFY2(botRow > 0, edited.constData());
    edited.remove(botRow, edited.indexOf("- name:", botRow + 1) - botRow);
    const qsizetype botAgent = edited.lastIndexOf('\n', edited.indexOf("- name: bot")) + 1;
    QVERIFY2(botAgent > 0, edited.constData());
    const qsizetype next = edited.indexOf('\n', edited.indexOf("rate_limit_per_hour", botAgent));
    edited.remove(botAgent, next + 1 - botAgent);
    QVERIFY(writeFile(file, edited));
    const Run prune = w.tap({ u"apply"_s, u"-f"_s, file, u"--prune"_s });
    TAP_OK(prune);
    const QByteArray &out = prune.out;
    QVERIFY2(out.contains("~ credential gmail (role cfo): description")
                     && out.indexOf("- credential gmail (agent bot)") >= 0
                     && out.indexOf("- credential gmail (agent bot)") < out.indexOf("- agent bot"),
             out.constData());
    QCOMPARE(w.tap({ u"export"_s }).out, edited);

    // A policy on two rows of a name, a scope_id on a team row: refused, nothing changes.
    QByteArray twice = edited;
    twice.replace("description: new-cfo-seat",
                  "description: new-cfo-seat\n    policy: {auto_approve_methods: [GET]}");
    QVERIFY(writeFile(file, twice));
    TAP_FAILS(w.tap({ u"apply"_s, u"-f"_s, file }), 1, "has a policy on two rows");
    QByteArray teamId = edited;
    teamId.replace("- name: gmail\n    description: gmail",
                   "- name: gmail\n    scope_id: cfo\n    description: gmail");
    QVERIFY(writeFile(file, teamId));
    TAP_FAILS(w.tap({ u"apply"_s, u"-f"_s, file }), 1, "'scope_id' goes with");
    QCOMPARE(w.tap({ u"export"_s }).out, edited);
}

QTEST_MAIN(TestCliConfig)
#include "tst_cli_config.moc"
