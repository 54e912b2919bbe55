// Chat approvals end to end (README "Human approval"; policy fields
// allowed_approvers, telegram_chat_id): a real tapd (TAPD_BINARY), the fake upstream and a fake
// Telegram Bot API + Matrix homeserver (tests/support/fake_chat.py), on both backends. A parked
// request is posted with [Approve] [Deny]; clicks and Matrix replies/reactions decide it, the
// policy's allowed approvers are enforced, the message shows the outcome, expiry is shown,
// webhook mode checks its secret, and no bot token ever shows in tapd's log or answers.
#include "support/fakechat.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QTest>

#include <functional>
#include <map>
#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

// Every token any tapd of this test uses; none may reach a log or an answer.
const QStringList kBotTokens{
    u"710001:MAIN-sqlite-LEAK-CANARY"_s,   u"710002:MAIN-postgres-LEAK-CANARY"_s,
    u"720001:EXPIRY-sqlite-LEAK-CANARY"_s, u"720002:EXPIRY-postgres-LEAK-CANARY"_s,
    u"730001:HOOK-sqlite-LEAK-CANARY"_s,   u"730002:HOOK-postgres-LEAK-CANARY"_s,
    u"740001:TEAM-sqlite-LEAK-CANARY"_s,   u"740002:TEAM-postgres-LEAK-CANARY"_s,
    u"750001:DOWN-sqlite-LEAK-CANARY"_s,   u"750002:DOWN-postgres-LEAK-CANARY"_s
};
const QString kMatrixToken = u"syt_matrix-bot-LEAK-CANARY"_s;
const QString kWebhookSecret = u"hook-secret-LEAK-CANARY_123"_s;
const QString kApprover = u"4242"_s;
const QString kAlice = u"@alice:fake.test"_s;

struct Fixture
{
    explicit Fixture(const QProcessEnvironment &env) : tapd(true, env) { }
    Tapd tapd;
    Account owner;
    QSet<QString> prepared;
    int serial = 0;
};

QString backendIndexToken(const QString &kind)
{
    QFETCH_GLOBAL(QString, backend);
    for (const QString &t : kBotTokens) {
        if (t.contains(kind + u'-' + backend))
            return t;
    }
    return {};
}

} // namespace

class TestChatApprovals : public QObject
{
    Q_OBJECT

private:
    FakeChat m_chat;
    Upstream m_upstream;
    std::map<QString, std::unique_ptr<Fixture>> m_fixtures;

    // One tapd per kind and backend: "MAIN" (polling, Telegram and Matrix), "EXPIRY" (2 s
    // approvals, default chat), "HOOK" (webhook mode).
    Fixture *fixture(const QString &kind)
    {
        QFETCH_GLOBAL(QString, backend);
        std::unique_ptr<Fixture> &slot = m_fixtures[kind + backend];
        if (slot)
            return slot.get();
        QProcessEnvironment env;
        env.insert(u"TAP_TELEGRAM_API_BASE"_s, m_chat.base());
        env.insert(u"TAP_TELEGRAM_BOT_TOKEN"_s, backendIndexToken(kind));
        env.insert(u"TAP_TELEGRAM_POLL_TIMEOUT_S"_s, u"2"_s);
        env.insert(u"TAP_HOUSEKEEPING_INTERVAL_MS"_s, u"200"_s);
        if (kind == u"MAIN") {
            env.insert(u"TAP_MATRIX_HOMESERVER"_s, m_chat.base());
            env.insert(u"TAP_MATRIX_ACCESS_TOKEN"_s, kMatrixToken);
            env.insert(u"TAP_MATRIX_SYNC_TIMEOUT_S"_s, u"2"_s);
        } else if (kind == u"EXPIRY") {
            env.insert(u"TAP_APPROVAL_TIMEOUT_S"_s, u"2"_s);
            env.insert(u"TAP_TELEGRAM_CHAT_ID"_s, u"-100999"_s);
        } else if (kind == u"HOOK") {
            env.insert(u"TAP_TELEGRAM_WEBHOOK_SECRET"_s, kWebhookSecret);
        } else { // DOWN: nothing listens at the chat services' address
            env.insert(u"TAP_TELEGRAM_API_BASE"_s, u"http://127.0.0.1:9"_s);
            env.insert(u"TAP_TELEGRAM_CHAT_ID"_s, u"-100111"_s);
            env.insert(u"TAP_MATRIX_HOMESERVER"_s, u"http://127.0.0.1:9"_s);
            env.insert(u"TAP_MATRIX_ACCESS_TOKEN"_s, kMatrixToken);
        }
        auto f = std::make_unique<Fixture>(env);
        if (!f->tapd.start())
            return nullptr;
        f->owner = signUp(f->tapd, u"chat-"_s + kind.toLower(),
                          u"owner-%1@example.test"_s.arg(kind.toLower()));
        if (f->owner.token.isEmpty())
            return nullptr;
        slot = std::move(f);
        return slot.get();
    }

    // A credential needing approval for POST, with `policy` merged in, and an agent using it.
    bool prepare(Fixture &f, const QString &credential, QJsonObject policy,
                 const QStringList &allowedHosts = { u"127.0.0.1"_s })
    {
        if (f.prepared.contains(credential))
            return true;
        const HttpClient admin = f.tapd.client(f.owner.token);
        const HttpResponse r = admin.post("/admin/credentials",
                                          { { u"name"_s, credential },
                                            { u"description"_s, u"chat approvals"_s },
                                            { u"value"_s, u"sk-upstream-LEAK-CANARY"_s },
                                            { u"allowed_hosts"_s, strings(allowedHosts) } });
        if (!verifyStatus(r, 201, "POST /admin/credentials", __FILE__, __LINE__))
            return false;
        policy.insert(u"auto_approve_methods"_s, strings({ u"GET"_s }));
        policy.insert(u"require_approval_methods"_s, strings({ u"POST"_s }));
        if (!setPolicy(admin, credential, policy))
            return false;
        const QByteArray key = addAgent(admin, u"agent-"_s + credential, { credential });
        if (key.isEmpty())
            return false;
        f.prepared.insert(credential);
        m_keys[&f][credential] = key;
        return true;
    }
    std::map<Fixture *, QHash<QString, QByteArray>> m_keys;

    // "tg": Telegram chat -100777, only Telegram user 4242 may decide. "mx": the Matrix room of
    // matrixRoom(), only @alice may decide.
    bool prepareTelegram(Fixture &f)
    {
        return prepare(f, u"tg"_s,
                       { { u"telegram_chat_id"_s, u"-100777"_s },
                         { u"allowed_approvers"_s, strings({ kApprover }) } });
    }
    static QString matrixRoom()
    {
        QFETCH_GLOBAL(QString, backend);
        return u"!approvals-%1:fake.test"_s.arg(backend);
    }
    bool prepareMatrix(Fixture &f)
    {
        return prepare(f, u"mx"_s,
                       { { u"matrix_room_id"_s, matrixRoom() },
                         { u"allowed_approvers"_s, strings({ kAlice }) } });
    }

    // Parks a POST; returns the txn id (empty and a recorded failure otherwise).
    QString park(Fixture &f, const QString &credential,
                 const QByteArray &body = "{\"note\":\"hi <b>there</b>\"}")
    {
        const QByteArray target = m_upstream.url("/echo/chat/" + QByteArray::number(++f.serial));
        const HttpResponse r = forward(f.tapd.port(),
                                       { m_keys[&f][credential],
                                         utf8(credential),
                                         target,
                                         "POST",
                                         { { "Content-Type", "application/json" },
                                           { "X-Agent-Private", "agent-header-LEAK-CANARY" } },
                                         body });
        if (!verifyStatus(r, 202, "park", __FILE__, __LINE__))
            return {};
        return r.json().value(u"txn_id"_s).toString();
    }

    QJsonObject waitMessage(const QString &txn)
    {
        QJsonObject m;
        waitFor([&] { return !(m = m_chat.message(txn)).isEmpty(); });
        return m;
    }

    // The agent's poll, until `status` (or the timeout); returns the last answer.
    QJsonObject waitAgent(Fixture &f, const QString &credential, const QString &txn,
                          const QString &status)
    {
        QJsonObject last;
        waitFor([&] {
            last = f.tapd.client()
                           .get("/agent/approvals/" + utf8(txn),
                                { { "X-TAP-Key", m_keys[&f][credential] } })
                           .json();
            return last.value(u"status"_s).toString() == status;
        });
        return last;
    }

    QJsonObject waitAnswer(const QString &queryId)
    {
        QJsonObject a;
        waitFor([&] { return !(a = m_chat.answerTo(queryId)).isEmpty(); });
        return a;
    }

    QJsonObject click(const QJsonObject &message, const QString &from, const QString &data)
    {
        const QJsonObject cb =
                m_chat.callback(message.value(u"token"_s).toString(), from,
                                message.value(u"chat_id"_s), message.value(u"message_id"_s), data);
        return waitAnswer(cb.value(u"callback_query_id"_s).toString());
    }

    // The event the Matrix bot posted for `txn` in `room` (empty if none within the timeout).
    QJsonObject waitPosted(const QString &room, const QString &txn)
    {
        QJsonObject posted;
        waitFor([&] {
            for (const QJsonObject &e : m_chat.mxEvents(room))
                if (e.value(u"content"_s).toObject().value(u"body"_s).toString().contains(txn))
                    posted = e;
            return !posted.isEmpty();
        });
        return posted;
    }

    // A notice replying to `replyTo` whose body holds `needle` (and `also`).
    bool waitNotice(const QString &room, const QString &replyTo, const QString &needle,
                    const QString &also = {})
    {
        return waitFor([&] {
            for (const QJsonObject &e : m_chat.mxEvents(room)) {
                const QJsonObject c = e.value(u"content"_s).toObject();
                const QString body = c.value(u"body"_s).toString();
                const QJsonObject reply =
                        c.value(u"m.relates_to"_s).toObject().value(u"m.in_reply_to"_s).toObject();
                if (c.value(u"msgtype"_s).toString() == u"m.notice"_s
                    && reply.value(u"event_id"_s).toString() == replyTo && body.contains(needle)
                    && body.contains(also))
                    return true;
            }
            return false;
        });
    }

    QString lastText(const QString &txn) { return m_chat.message(txn).value(u"text"_s).toString(); }

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
        QVERIFY2(m_chat.start(kBotTokens, { kMatrixToken }), "the fake chat server did not start");
        QVERIFY(m_upstream.start());
    }
    void cleanupTestCase()
    {
        m_fixtures.clear();
        m_upstream.stop();
    }

    void telegramApprove();
    void telegramDeny();
    void telegramRefusals();
    void telegramPasskey();
    void telegramTeamChannelBot();
    void approvalChannelPicksMatrix();
    void matrixApproveByReply();
    void matrixDenyByReaction();
    void matrixUnauthorized();
    void expiry();
    void webhook();
    void chatUnreachable();
    void newHostNotice();
    void noTokenLeaks();
};

#define FIXTURE(f, kind)      \
  Fixture *f = fixture(kind); \
  if (!f)                     \
    return;

void TestChatApprovals::telegramApprove()
{
    FIXTURE(f, u"MAIN"_s);
    QVERIFY(prepareTelegram(*f));
    const int before = m_upstream.count();
    const QString txn = park(*f, u"tg"_s);
    QVERIFY(!txn.isEmpty());
    const QJsonObject m = waitMessage(txn);
    QVERIFY2(!m.isEmpty(), "no Telegram message for the parked request");
    QCOMPARE(m.value(u"chat_id"_s).toInteger(), -100777);
    QCOMPARE(m.value(u"parse_mode"_s).toString(), u"HTML"_s);
    const QString body = m.value(u"text"_s).toString();
    for (const QString &part : { u"agent-tg"_s, u"tg"_s, u"POST"_s, u"/chat/"_s, u"chat-main"_s,
                                 u"hi &lt;b&gt;there&lt;/b&gt;"_s })
        QVERIFY2(body.contains(part), qPrintable(u"missing \"%1\" in: %2"_s.arg(part, body)));
    for (const QString &secret :
         { u"agent-header-LEAK-CANARY"_s, u"sk-upstream-LEAK-CANARY"_s, text(m_keys[f][u"tg"_s]) })
        QVERIFY2(!body.contains(secret), qPrintable(body));
    const QJsonArray row = m.value(u"reply_markup"_s)
                                   .toObject()
                                   .value(u"inline_keyboard"_s)
                                   .toArray()
                                   .first()
                                   .toArray();
    QCOMPARE(row.size(), 2);
    QCOMPARE(row.at(0).toObject().value(u"callback_data"_s).toString(), u"a:"_s + txn);
    QCOMPARE(row.at(1).toObject().value(u"callback_data"_s).toString(), u"d:"_s + txn);
    QCOMPARE(m_upstream.count(), before);

    const QJsonObject answer = click(m, kApprover, u"a:"_s + txn);
    QCOMPARE(answer.value(u"text"_s).toString(), u"Approved."_s);
    QVERIFY(!answer.value(u"show_alert"_s).toBool());
    const QJsonObject done = waitAgent(*f, u"tg"_s, txn, u"forwarded"_s);
    QVERIFY2(done.value(u"status"_s).toString() == u"forwarded"_s,
             QJsonDocument(done).toJson().constData());
    QCOMPARE(done.value(u"response"_s).toObject().value(u"status"_s).toInt(), 200);
    const QByteArray view =
            f->tapd.client(f->owner.token).get("/admin/approvals/" + utf8(txn)).body;
    for (const QString &t : kBotTokens)
        QVERIFY(!QJsonDocument(done).toJson().contains(utf8(t)) && !view.contains(utf8(t)));
    QVERIFY(waitFor(
            [&] { return lastText(txn).contains(u"sent, the upstream answered HTTP 200"_s); }));
    const QJsonObject edited = m_chat.message(txn);
    QVERIFY(edited.value(u"reply_markup"_s).isNull());
    QVERIFY(edited.value(u"text"_s).toString().contains(u"telegram:4242"_s));
    // A second click changes nothing: the request went out exactly once.
    const QJsonObject again = click(m, kApprover, u"a:"_s + txn);
    QVERIFY(again.value(u"show_alert"_s).toBool());
    QCOMPARE(m_upstream.count(), before + 1);
}

void TestChatApprovals::telegramDeny()
{
    FIXTURE(f, u"MAIN"_s);
    QVERIFY(prepareTelegram(*f));
    const int before = m_upstream.count();
    const QString txn = park(*f, u"tg"_s);
    const QJsonObject m = waitMessage(txn);
    QVERIFY(!m.isEmpty());
    QCOMPARE(click(m, kApprover, u"d:"_s + txn).value(u"text"_s).toString(), u"Denied."_s);
    QCOMPARE(waitAgent(*f, u"tg"_s, txn, u"denied"_s).value(u"status"_s).toString(), u"denied"_s);
    QVERIFY(waitFor([&] { return lastText(txn).contains(u"Denied</b> by telegram:4242"_s); }));
    QCOMPARE(m_upstream.count(), before);
}

// Not among allowed_approvers, a forged button (right data, another message), an unknown
// button: refused with an alert, nothing changes.
void TestChatApprovals::telegramRefusals()
{
    FIXTURE(f, u"MAIN"_s);
    QVERIFY(prepareTelegram(*f));
    const int before = m_upstream.count();
    const QString txn = park(*f, u"tg"_s);
    const QJsonObject m = waitMessage(txn);
    QVERIFY(!m.isEmpty());
    QJsonObject a = click(m, u"999"_s, u"a:"_s + txn);
    QVERIFY(a.value(u"show_alert"_s).toBool());
    QVERIFY2(a.value(u"text"_s).toString().contains(u"not allowed"_s),
             qPrintable(a.value(u"text"_s).toString()));
    QJsonObject forged = m;
    forged.insert(u"message_id"_s, m.value(u"message_id"_s).toInt() + 100000);
    a = click(forged, kApprover, u"a:"_s + txn);
    QVERIFY(a.value(u"show_alert"_s).toBool());
    QVERIFY(a.value(u"text"_s).toString().contains(u"does not belong"_s));
    a = click(m, kApprover, u"x:whatever"_s);
    QVERIFY(a.value(u"show_alert"_s).toBool());
    QCOMPARE(waitAgent(*f, u"tg"_s, txn, u"pending"_s).value(u"status"_s).toString(), u"pending"_s);
    QVERIFY(m_chat.message(txn).value(u"edits"_s).toArray().isEmpty());
    QCOMPARE(m_upstream.count(), before);
    QCOMPARE(click(m, kApprover, u"d:"_s + txn).value(u"text"_s).toString(), u"Denied."_s);
}

void TestChatApprovals::telegramPasskey()
{
    FIXTURE(f, u"MAIN"_s);
    QVERIFY(prepare(*f, u"pk"_s,
                    { { u"telegram_chat_id"_s, u"-100777"_s }, { u"require_passkey"_s, true } }));
    const QString txn = park(*f, u"pk"_s);
    const QJsonObject m = waitMessage(txn);
    QVERIFY(!m.isEmpty());
    const QJsonObject a = click(m, u"5151"_s, u"a:"_s + txn);
    QVERIFY(a.value(u"show_alert"_s).toBool());
    QVERIFY2(a.value(u"text"_s).toString().contains(u"passkey"_s)
                     && a.value(u"text"_s).toString().contains(u"/approve/"_s + txn),
             qPrintable(a.value(u"text"_s).toString()));
    QCOMPARE(waitAgent(*f, u"pk"_s, txn, u"pending"_s).value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(click(m, u"5151"_s, u"d:"_s + txn).value(u"text"_s).toString(), u"Denied."_s);
    QCOMPARE(waitAgent(*f, u"pk"_s, txn, u"denied"_s).value(u"status"_s).toString(), u"denied"_s);
}

// No chat in the policy: the team's Telegram channel, with its own bot token.
void TestChatApprovals::telegramTeamChannelBot()
{
    FIXTURE(f, u"MAIN"_s);
    const QString token = backendIndexToken(u"TEAM"_s);
    if (!f->prepared.contains(u"channel"_s)) {
        const HttpClient admin = f->tapd.client(f->owner.token);
        EXPECT_STATUS(admin.post("/admin/notification-channels",
                                 { { u"name"_s, u"ops"_s },
                                   { u"channel_type"_s, u"telegram"_s },
                                   { u"config"_s,
                                     QJsonObject{ { u"chat_id"_s, u"-100888"_s },
                                                  { u"bot_token"_s, token } } } }),
                      201);
        f->prepared.insert(u"channel"_s);
    }
    QVERIFY(prepare(*f, u"chan"_s, {}));
    const QString txn = park(*f, u"chan"_s);
    const QJsonObject m = waitMessage(txn);
    QVERIFY(!m.isEmpty());
    QCOMPARE(m.value(u"token"_s).toString(), token);
    QCOMPARE(m.value(u"chat_id"_s).toInteger(), -100888);
    QCOMPARE(click(m, u"777"_s, u"a:"_s + txn).value(u"text"_s).toString(), u"Approved."_s);
    QCOMPARE(waitAgent(*f, u"chan"_s, txn, u"forwarded"_s).value(u"status"_s).toString(),
             u"forwarded"_s);
    QVERIFY(waitFor([&] { return lastText(txn).contains(u"Approved"_s); }));
}

// approval_channel names the team's Matrix channel: no Telegram message.
void TestChatApprovals::approvalChannelPicksMatrix()
{
    FIXTURE(f, u"MAIN"_s);
    QFETCH_GLOBAL(QString, backend);
    const QString room = u"!team-%1:fake.test"_s.arg(backend);
    if (!f->prepared.contains(u"room"_s)) {
        const HttpClient admin = f->tapd.client(f->owner.token);
        EXPECT_STATUS(admin.post("/admin/notification-channels",
                                 { { u"name"_s, u"room"_s },
                                   { u"channel_type"_s, u"matrix"_s },
                                   { u"config"_s, QJsonObject{ { u"room_id"_s, room } } } }),
                      201);
        f->prepared.insert(u"room"_s);
    }
    QVERIFY(prepare(*f, u"viamx"_s, { { u"approval_channel"_s, u"room"_s } }));
    const QString txn = park(*f, u"viamx"_s);
    QVERIFY(!waitPosted(room, txn).isEmpty());
    QTest::qWait(300);
    QVERIFY(m_chat.message(txn).isEmpty());
}

void TestChatApprovals::matrixApproveByReply()
{
    FIXTURE(f, u"MAIN"_s);
    const QString room = matrixRoom();
    QVERIFY(prepareMatrix(*f));
    const int before = m_upstream.count();
    const QString txn = park(*f, u"mx"_s);
    const QJsonObject posted = waitPosted(room, txn);
    QVERIFY(posted.value(u"content"_s)
                    .toObject()
                    .value(u"body"_s)
                    .toString()
                    .contains(u"agent-mx"_s));
    const QString original = posted.value(u"event_id"_s).toString();
    const QString body = u"> <%1> 🔐 Approval needed\n> Agent: agent-mx\n\nApprove"_s.arg(
            posted.value(u"sender"_s).toString());
    m_chat.mxEvent(room, kAlice, u"m.room.message"_s,
                   { { u"msgtype"_s, u"m.text"_s },
                     { u"body"_s, body },
                     { u"m.relates_to"_s,
                       QJsonObject{ { u"m.in_reply_to"_s,
                                      QJsonObject{ { u"event_id"_s, original } } } } } });
    QCOMPARE(waitAgent(*f, u"mx"_s, txn, u"forwarded"_s).value(u"status"_s).toString(),
             u"forwarded"_s);
    QCOMPARE(m_upstream.count(), before + 1);
    QVERIFY(waitNotice(room, original, u"sent, the upstream answered HTTP 200"_s, kAlice));
}

void TestChatApprovals::matrixDenyByReaction()
{
    FIXTURE(f, u"MAIN"_s);
    const QString room = matrixRoom();
    QVERIFY(prepareMatrix(*f));
    const int before = m_upstream.count();
    const QString txn = park(*f, u"mx"_s);
    const QString original = waitPosted(room, txn).value(u"event_id"_s).toString();
    QVERIFY(!original.isEmpty());
    m_chat.mxEvent(room, kAlice, u"m.reaction"_s,
                   { { u"m.relates_to"_s,
                       QJsonObject{ { u"rel_type"_s, u"m.annotation"_s },
                                    { u"event_id"_s, original },
                                    { u"key"_s, u"👎️"_s } } } });
    QCOMPARE(waitAgent(*f, u"mx"_s, txn, u"denied"_s).value(u"status"_s).toString(), u"denied"_s);
    QCOMPARE(m_upstream.count(), before);
}

void TestChatApprovals::matrixUnauthorized()
{
    FIXTURE(f, u"MAIN"_s);
    const QString room = matrixRoom();
    QVERIFY(prepareMatrix(*f));
    const QString txn = park(*f, u"mx"_s);
    const QString original = waitPosted(room, txn).value(u"event_id"_s).toString();
    QVERIFY(!original.isEmpty());
    const QString reaction = m_chat.mxEvent(room, u"@mallory:fake.test"_s, u"m.reaction"_s,
                                            { { u"m.relates_to"_s,
                                                QJsonObject{ { u"rel_type"_s, u"m.annotation"_s },
                                                             { u"event_id"_s, original },
                                                             { u"key"_s, u"✅"_s } } } });
    QVERIFY(waitNotice(room, reaction, u"not allowed"_s));
    QCOMPARE(waitAgent(*f, u"mx"_s, txn, u"pending"_s).value(u"status"_s).toString(), u"pending"_s);
    m_chat.mxEvent(room, kAlice, u"m.room.message"_s,
                   { { u"msgtype"_s, u"m.text"_s },
                     { u"body"_s, u"DENY"_s },
                     { u"m.relates_to"_s,
                       QJsonObject{ { u"m.in_reply_to"_s,
                                      QJsonObject{ { u"event_id"_s, original } } } } } });
    QCOMPARE(waitAgent(*f, u"mx"_s, txn, u"denied"_s).value(u"status"_s).toString(), u"denied"_s);
}

// TAP_APPROVAL_TIMEOUT_S=2: the message (in TAP_TELEGRAM_CHAT_ID's chat) shows the expiry.
// #15 item 4: a request to a host outside the credential's allowed_hosts says so in chat.
void TestChatApprovals::newHostNotice()
{
    FIXTURE(f, u"MAIN"_s);
    const QString room = matrixRoom();
    const QStringList elsewhere{ u"api.example.com"_s };
    QVERIFY(prepare(*f, u"tg-new"_s,
                    { { u"telegram_chat_id"_s, u"-100777"_s },
                      { u"allowed_approvers"_s, strings({ kApprover }) } },
                    elsewhere));
    QVERIFY(prepare(
            *f, u"mx-new"_s,
            { { u"matrix_room_id"_s, room }, { u"allowed_approvers"_s, strings({ kAlice }) } },
            elsewhere));
    const QString tg = park(*f, u"tg-new"_s);
    QVERIFY(!tg.isEmpty());
    const QString text = waitMessage(tg).value(u"text"_s).toString();
    QVERIFY2(text.contains(u"First use of host 127.0.0.1 with credential tg-new."_s),
             qPrintable(text));
    const QString mx = park(*f, u"mx-new"_s);
    QVERIFY(!mx.isEmpty());
    const QJsonObject content = waitPosted(room, mx).value(u"content"_s).toObject();
    for (const QString &field : { u"body"_s, u"formatted_body"_s })
        QVERIFY2(content.value(field).toString().contains(
                         u"First use of host 127.0.0.1 with credential mx-new."_s),
                 qPrintable(content.value(field).toString()));
    // Denied, so that nothing waits behind this test.
    QCOMPARE(click(waitMessage(tg), kApprover, u"d:"_s + tg).value(u"text"_s).toString(),
             u"Denied."_s);
}

void TestChatApprovals::expiry()
{
    FIXTURE(f, u"EXPIRY"_s);
    QVERIFY(prepare(*f, u"exp"_s, {}));
    const QString txn = park(*f, u"exp"_s);
    const QJsonObject m = waitMessage(txn);
    QVERIFY(!m.isEmpty());
    QCOMPARE(m.value(u"chat_id"_s).toInteger(), -100999);
    QVERIFY(waitFor([&] { return lastText(txn).contains(u"Expired"_s); }));
    QVERIFY(m_chat.message(txn).value(u"reply_markup"_s).isNull());
    QCOMPARE(waitAgent(*f, u"exp"_s, txn, u"expired"_s).value(u"status"_s).toString(),
             u"expired"_s);
    QVERIFY(click(m, u"1"_s, u"a:"_s + txn).value(u"show_alert"_s).toBool());
}

void TestChatApprovals::webhook()
{
    FIXTURE(f, u"HOOK"_s);
    const QString token = backendIndexToken(u"HOOK"_s);
    QVERIFY(prepare(*f, u"hook"_s, { { u"telegram_chat_id"_s, u"-100555"_s } }));
    QJsonObject hook;
    waitFor([&] {
        hook = m_chat.stats().value(u"webhooks"_s).toObject().value(token).toObject();
        return !hook.isEmpty();
    });
    QVERIFY2(hook.value(u"url"_s).toString().endsWith(u"/telegram/webhook"_s),
             QJsonDocument(hook).toJson().constData());
    QCOMPARE(hook.value(u"secret_token"_s).toString(), kWebhookSecret);
    const QString txn = park(*f, u"hook"_s);
    const QJsonObject m = waitMessage(txn);
    QVERIFY(!m.isEmpty());
    const QJsonObject cb = m_chat.callback(token, u"31337"_s, m.value(u"chat_id"_s),
                                           m.value(u"message_id"_s), u"a:"_s + txn, false);
    const QByteArray update =
            QJsonDocument(cb.value(u"update"_s).toObject()).toJson(QJsonDocument::Compact);
    HttpClient c = f->tapd.client();
    EXPECT_ERROR(c.request("POST", "/telegram/webhook", update,
                           { { "Content-Type", "application/json" } }),
                 401, u"unauthorized"_s);
    EXPECT_ERROR(
            c.request("POST", "/telegram/webhook", update,
                      { { "Content-Type", "application/json" },
                        { "X-Telegram-Bot-Api-Secret-Token", utf8(kWebhookSecret).chopped(1) } }),
            401, u"unauthorized"_s);
    QTest::qWait(300);
    QCOMPARE(waitAgent(*f, u"hook"_s, txn, u"pending"_s).value(u"status"_s).toString(),
             u"pending"_s);
    EXPECT_STATUS(c.request("POST", "/telegram/webhook", update,
                            { { "Content-Type", "application/json" },
                              { "X-Telegram-Bot-Api-Secret-Token", utf8(kWebhookSecret) } }),
                  200);
    QCOMPARE(waitAnswer(cb.value(u"callback_query_id"_s).toString()).value(u"text"_s).toString(),
             u"Approved."_s);
    QCOMPARE(waitAgent(*f, u"hook"_s, txn, u"forwarded"_s).value(u"status"_s).toString(),
             u"forwarded"_s);
    // Webhook mode never long-polls the global bot.
    QCOMPARE(m_chat.stats().value(u"get_updates"_s).toObject().value(token).toInt(), 0);
}

// Telegram and Matrix unreachable: failures are logged (without tokens) and retried, requests
// still park, and tapd keeps serving.
void TestChatApprovals::chatUnreachable()
{
    FIXTURE(f, u"DOWN"_s);
    QVERIFY(prepare(*f, u"down"_s, {}));
    QVERIFY(!park(*f, u"down"_s).isEmpty());
    QVERIFY(waitFor([&] {
        const QByteArray log = f->tapd.log();
        return log.contains("telegram polling failed") && log.contains("matrix whoami failed")
                && log.contains("telegram approval message not sent");
    }));
    EXPECT_STATUS(f->tapd.client().get("/healthz"), 200);
}

// Last: no bot token, Matrix token or webhook secret in any tapd's log.
void TestChatApprovals::noTokenLeaks()
{
    QFETCH_GLOBAL(QString, backend);
    int checked = 0;
    for (const auto &[name, f] : m_fixtures) {
        if (!f || !name.endsWith(backend))
            continue;
        ++checked;
        const QByteArray log = f->tapd.log();
        for (const QString &t : kBotTokens + QStringList{ kMatrixToken, kWebhookSecret })
            QVERIFY2(!log.contains(utf8(t)), qPrintable(u"%1 in the log of %2"_s.arg(t, name)));
        QVERIFY(!log.contains("LEAK-CANARY"));
        EXPECT_CLEAN_STOP(f->tapd);
    }
    if (checked == 0)
        QSKIP("no tapd ran on this backend");
}

QTEST_GUILESS_MAIN(TestChatApprovals)
#include "tst_chatapprovals.moc"
