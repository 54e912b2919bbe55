// HTTP-level acceptance tests of tapd's admin API: a sweep for leaked secrets (answers, the
// log, the audit export, the database).
// Every test runs against a real tapd binary (TAPD_BINARY) on both backends (global rows
// "sqlite" and "postgres"); the fixture is support/adminfixture.h.
#include "support/adminfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestAdminSecrets : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
    }

    void noSecretLeaks();
};

// ---------------------------------------------------------------------------------------------
// 6. No secret leaves tapd: not in answers, not in the log, not in the audit export, not in
//    clear in the database.

void TestAdminSecrets::noSecretLeaks()
{
    // Telegram "reachable" at a closed local port: the channel test fails fast.
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    QProcessEnvironment env;
    env.insert(u"TAP_TELEGRAM_API_BASE"_s, u"http://127.0.0.1:%1"_s.arg(closedPort));
    AdminTapd tapd;
    QList<HttpResponse> seen;
    tapd.setObserver([&seen](const HttpResponse &r) { seen.append(r); });
    tapd.setExtraEnvironment(env);
    if (!tapd.start())
        return;

    const QByteArray canary = QByteArrayLiteral("LEAK-CANARY");
    const QString password = u"pw-LEAK-CANARY-4"_s;
    Account acct;
    signUp(tapd, u"leak-team"_s, u"leak@example.com"_s, password, &acct);
    RETURN_IF_FAILED();
    const qsizetype loginIndex = seen.size() - 1;
    QVERIFY(seen.at(loginIndex).body.contains(acct.token));
    const HttpClient api = tapd.client(acct.token);
    const HttpClient anon = tapd.client();

    // Credentials, rotation, policy.
    EXPECT_STATUS(api.post("/admin/credentials",
                           { { u"name"_s, u"slack"_s },
                             { u"description"_s, u"Slack"_s },
                             { u"api_base"_s, u"https://slack.com/api"_s },
                             { u"value"_s, u"xoxb-LEAK-CANARY-1"_s } }),
                  201);
    EXPECT_STATUS(api.get("/admin/credentials/slack"), 200);
    EXPECT_STATUS(
            api.put("/admin/credentials/slack/value", { { u"value"_s, u"xoxb-LEAK-CANARY-2"_s } }),
            200);
    EXPECT_STATUS(api.patch("/admin/credentials/slack", { { u"description"_s, u"Slack bot"_s } }),
                  200);
    EXPECT_STATUS(api.get("/admin/credentials"), 200);
    EXPECT_STATUS(api.put("/admin/policies/slack",
                          { { u"auto_approve_methods"_s, QJsonArray{ u"GET"_s } } }),
                  200);
    EXPECT_STATUS(api.get("/admin/policies/slack"), 200);
    EXPECT_STATUS(api.post("/admin/roles",
                           { { u"name"_s, u"reader"_s },
                             { u"credentials"_s, QJsonArray{ u"slack"_s } } }),
                  201);

    // A channel with a bot token, and its test (Telegram is unreachable: 502).
    EXPECT_STATUS(api.post("/admin/notification-channels",
                           { { u"name"_s, u"ops"_s },
                             { u"channel_type"_s, u"telegram"_s },
                             { u"config"_s,
                               QJsonObject{ { u"chat_id"_s, u"-100123456"_s },
                                            { u"bot_token"_s, u"bot-LEAK-CANARY-3"_s } } } }),
                  201);
    EXPECT_STATUS(api.get("/admin/notification-channels"), 200);
    EXPECT_ERROR(api.post("/admin/notification-channels/ops/test"), 502, u"upstream_error"_s);

    // An agent; its key, then a rotated one.
    const HttpResponse agent =
            api.post("/admin/agents",
                     { { u"id"_s, u"leaky"_s }, { u"roles"_s, QJsonArray{ u"reader"_s } } });
    EXPECT_STATUS(agent, 201);
    const qsizetype agentIndex = seen.size() - 1;
    const QByteArray apiKey = agent.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(apiKey.startsWith("tap_"));
    EXPECT_STATUS(api.get("/admin/agents/leaky"), 200);
    const HttpResponse rotated = api.post("/admin/agents/leaky/rotate-key");
    EXPECT_STATUS(rotated, 200);
    const qsizetype rotateIndex = seen.size() - 1;
    const QByteArray apiKey2 = rotated.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(apiKey2.startsWith("tap_") && apiKey2 != apiKey);
    EXPECT_STATUS(api.get("/admin/agents"), 200);
    EXPECT_ERROR(agentServices(tapd, apiKey), 401, u"unauthorized"_s); // rotated away at once
    EXPECT_STATUS(agentServices(tapd, apiKey2), 200);

    // Refused requests that carry secrets must not echo them.
    const qsizetype firstRefusal = seen.size();
    EXPECT_ERROR(anon.post("/signup",
                           { { u"team_name"_s, u"leak-two"_s },
                             { u"email"_s, u"not-an-email"_s },
                             { u"password"_s, password } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(anon.post("/signup",
                           { { u"team_name"_s, u"leak-team"_s },
                             { u"email"_s, u"leak2@example.com"_s },
                             { u"password"_s, password } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(anon.post("/signup",
                           { { u"team_name"_s, u"leak-three"_s },
                             { u"email"_s, u"leak@example.com"_s },
                             { u"password"_s, password } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(anon.post("/login",
                           { { u"email"_s, u"leak@example.com"_s },
                             { u"password"_s, QString(password + u"-wrong"_s) } }),
                 401, u"unauthorized"_s);
    EXPECT_ERROR(anon.post("/login",
                           { { u"email"_s, u"leak@example.com"_s },
                             { u"password"_s, password },
                             { u"remember"_s, true } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(
            anon.post("/login", { { u"email"_s, u"leak@example.com"_s }, { u"password"_s, 1234 } }),
            400, u"invalid_request"_s);
    EXPECT_ERROR(sendRaw(anon, "POST", "/login",
                         R"({"email": "leak@example.com", "password": "pw-LEAK-CANARY-4)"),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/credentials",
                          { { u"name"_s, u"sc"_s },
                            { u"description"_s, u"d"_s },
                            { u"connector"_s, u"sidecar"_s },
                            { u"value"_s, u"xoxb-LEAK-CANARY-5"_s } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/credentials",
                          { { u"name"_s, u"slack"_s },
                            { u"description"_s, u"d"_s },
                            { u"value"_s, u"xoxb-LEAK-CANARY-5"_s } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(
            api.put("/admin/credentials/nope/value", { { u"value"_s, u"xoxb-LEAK-CANARY-6"_s } }),
            404, u"not_found"_s);
    EXPECT_ERROR(api.put("/admin/credentials/slack/value", { { u"value"_s, 42 } }), 400,
                 u"invalid_request"_s);
    EXPECT_ERROR(api.patch("/admin/credentials/slack", { { u"value"_s, u"xoxb-LEAK-CANARY-7"_s } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(sendRaw(api, "POST", "/admin/credentials",
                         R"({"name": "mj", "description": "d", "value": "xoxb-LEAK-CANARY-8)"),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/notification-channels",
                          { { u"name"_s, u"bad"_s },
                            { u"channel_type"_s, u"telegram"_s },
                            { u"config"_s,
                              QJsonObject{ { u"chat_id"_s, u"nope"_s },
                                           { u"bot_token"_s, u"bot-LEAK-CANARY-9"_s } } } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/notification-channels",
                          { { u"name"_s, u"bad"_s },
                            { u"channel_type"_s, u"telegram"_s },
                            { u"config"_s,
                              QJsonObject{ { u"chat_id"_s, u"-1001"_s },
                                           { u"bot_token"_s,
                                             u"bot LEAK-CANARY-10 with spaces"_s } } } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/notification-channels",
                          { { u"name"_s, u"ops"_s },
                            { u"channel_type"_s, u"telegram"_s },
                            { u"config"_s,
                              QJsonObject{ { u"chat_id"_s, u"-1001"_s },
                                           { u"bot_token"_s, u"bot-LEAK-CANARY-11"_s } } } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(tapd.client("taps_" + QByteArray(43, 'L')).get("/admin/team"), 401,
                 u"unauthorized"_s);
    const qsizetype lastRefusal = seen.size();

    // The audit trail, as a page and as the export.
    EXPECT_STATUS(api.get("/admin/audit?limit=1000"), 200);
    const HttpResponse exported = api.get("/admin/audit/export");
    EXPECT_STATUS(exported, 200);
    QVERIFY(exported.body.contains("credential.rotate"));
    EXPECT_STATUS(api.request("POST", "/logout"), 200);

    // Stop tapd: the log is complete and SQLite has checkpointed its WAL.
    QCOMPARE(tapd.stop(), 0);

    struct Place
    {
        QString name;
        QByteArray bytes;
    };
    QList<Place> places;
    for (qsizetype i = 0; i < seen.size(); ++i)
        places.append(
                { u"response #%1 (HTTP %2)"_s.arg(i).arg(seen.at(i).status), seen.at(i).raw });
    places.append({ u"tapd's stderr log"_s, tapd.log() });
    places.append({ u"the audit export"_s, exported.body });
    const QList<QByteArray> mails = tapd.allMails();
    for (const QByteArray &mail : mails)
        places.append({ u"a mail in the outbox"_s, mail });
    QVERIFY(!mails.isEmpty());
    QVERIFY(tapd.log().contains("\"msg\":\"request\""));

    if (tapd.isPostgres()) {
        // Every row of every table, as PostgreSQL prints it (bytea as \x hex).
        QByteArray dump;
        auto tables = tapd.postgres()->exec(
                u"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"_s);
        QVERIFY(tables.ok());
        QStringList names;
        while (tables->next())
            names << tables->value(0).toString();
        QVERIFY(names.contains(u"credentials"_s));
        for (const QString &table : std::as_const(names)) {
            auto rows = tapd.postgres()->exec(u"SELECT CAST(t AS text) FROM \"%1\" t"_s.arg(table));
            QVERIFY2(rows.ok(), qPrintable(table));
            while (rows->next())
                dump += table.toUtf8() + ": " + rows->value(0).toString().toUtf8() + '\n';
        }
        QVERIFY(dump.contains("leak@example.com"));
        places.append({ u"the PostgreSQL database"_s, dump });
    } else {
        QByteArray db;
        for (const QString &suffix : { u""_s, u"-wal"_s, u"-journal"_s }) {
            QFile f(tapd.dataDir() + u"/tap.db"_s + suffix);
            if (f.open(QIODevice::ReadOnly))
                db += f.readAll();
        }
        QVERIFY(db.contains("leak@example.com"));
        places.append({ u"the SQLite database file"_s, db });
    }

    // The canaries (credential values, bot tokens, the password) appear nowhere, not even hex
    // encoded (PostgreSQL prints bytea as hex); each agent key and the session token appear
    // only in the answer that issued it (the database holds keyed hashes).
    const QByteArray canaryHex = canary.toHex();
    for (qsizetype i = 0; i < places.size(); ++i) {
        const Place &p = places.at(i);
        QVERIFY2(!p.bytes.contains(canary), qPrintable(u"a secret is in "_s + p.name));
        QVERIFY2(!p.bytes.toLower().contains(canaryHex),
                 qPrintable(u"a secret (hex) is in "_s + p.name));
        for (const QByteArray &value :
             { QByteArrayLiteral("xoxb-LEAK-CANARY-1"), QByteArrayLiteral("xoxb-LEAK-CANARY-2"),
               QByteArrayLiteral("bot-LEAK-CANARY-3"), QByteArrayLiteral("pw-LEAK-CANARY-4") }) {
            const QByteArray b64 = value.toBase64(QByteArray::OmitTrailingEquals);
            QVERIFY2(!p.bytes.contains(b64), qPrintable(u"a secret (base64) is in "_s + p.name));
        }
        const bool isResponse = i < seen.size();
        QVERIFY2(!p.bytes.contains(acct.token) || (isResponse && i == loginIndex),
                 qPrintable(u"the session token is in "_s + p.name));
        QVERIFY2(!p.bytes.contains(apiKey) || (isResponse && i == agentIndex),
                 qPrintable(u"the first agent key is in "_s + p.name));
        QVERIFY2(!p.bytes.contains(apiKey2) || (isResponse && i == rotateIndex),
                 qPrintable(u"the rotated agent key is in "_s + p.name));
        QVERIFY2(!p.bytes.contains(apiKey.mid(4)) || (isResponse && i == agentIndex),
                 qPrintable(u"the first agent key's body is in "_s + p.name));
        QVERIFY2(!p.bytes.contains(acct.token.mid(5)) || (isResponse && i == loginIndex),
                 qPrintable(u"the session token's body is in "_s + p.name));
    }
    QVERIFY(seen.at(agentIndex).body.contains(apiKey));
    QVERIFY(seen.at(rotateIndex).body.contains(apiKey2));
    // Refusals never echo what was sent (the password in particular).
    for (qsizetype i = firstRefusal; i < lastRefusal; ++i) {
        QVERIFY(seen.at(i).status >= 400);
        QVERIFY2(!seen.at(i).raw.contains(password.toUtf8()), seen.at(i).raw.constData());
        QVERIFY2(!seen.at(i).raw.contains("CANARY"), seen.at(i).raw.constData());
    }
}

QTEST_GUILESS_MAIN(TestAdminSecrets)
#include "tst_admin_secrets.moc"
