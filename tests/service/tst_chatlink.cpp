// Linking a member's chat account end to end, on both backends: a real tapd (TAPD_BINARY), the
// fake upstream and the fake Telegram Bot API + Matrix homeserver (tests/support/fake_chat.py).
// The member gets a one-time code (POST /admin/members/<id>/chat-link), sends the Telegram bot
// "/start <code>" or the Matrix bot the code in a direct message, and from then on a decision
// they take in chat counts as theirs, so a policy naming them by email in allowed_approvers
// accepts it. Reused, expired and wrong codes are refused and change nothing.
#include "store/database.h"
#include "store/databaseurl.h"
#include "support/fakechat.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

const QStringList kBotTokens{ u"780001:LINK-sqlite-LEAK-CANARY"_s,
                              u"780002:LINK-postgres-LEAK-CANARY"_s };
// One Matrix bot account per backend (the fake names them @tapbot1, @tapbot2 in this order).
const QStringList kMatrixTokens{ u"syt_link-bot-sqlite-LEAK-CANARY"_s,
                                 u"syt_link-bot-postgres-LEAK-CANARY"_s };

QString backendName()
{
    QFETCH_GLOBAL(QString, backend);
    return backend;
}

int backendIndex()
{
    return backendName() == u"sqlite"_s ? 0 : 1;
}

QString botToken()
{
    return kBotTokens.at(backendIndex());
}

QString matrixBot()
{
    return u"@tapbot%1:fake.test"_s.arg(backendIndex() + 1);
}

} // namespace

class TestChatLink : public QObject
{
    Q_OBJECT

private:
    FakeChat m_chat;
    Upstream m_upstream;
    std::map<QString, std::unique_ptr<Tapd>> m_tapds;
    std::map<QString, Account> m_owners;
    std::map<QString, QHash<QString, QByteArray>> m_keys;
    int m_serial = 0;

    Tapd *tapd()
    {
        std::unique_ptr<Tapd> &slot = m_tapds[backendName()];
        if (slot)
            return slot.get();
        QProcessEnvironment env;
        env.insert(u"TAP_TELEGRAM_API_BASE"_s, m_chat.base());
        env.insert(u"TAP_TELEGRAM_BOT_TOKEN"_s, botToken());
        env.insert(u"TAP_TELEGRAM_POLL_TIMEOUT_S"_s, u"2"_s);
        env.insert(u"TAP_MATRIX_HOMESERVER"_s, m_chat.base());
        env.insert(u"TAP_MATRIX_ACCESS_TOKEN"_s, kMatrixTokens.at(backendIndex()));
        env.insert(u"TAP_MATRIX_SYNC_TIMEOUT_S"_s, u"2"_s);
        auto t = std::make_unique<Tapd>(true, env);
        if (!t->start())
            return nullptr;
        Account owner = signUp(*t, u"link-"_s + backendName(),
                               u"owner-%1@example.test"_s.arg(backendName()));
        if (owner.token.isEmpty())
            return nullptr;
        m_owners[backendName()] = owner;
        slot = std::move(t);
        return slot.get();
    }
    Account &owner() { return m_owners[backendName()]; }
    HttpClient admin() { return tapd()->client(owner().token); }

    QString ownerId()
    {
        const QJsonArray members =
                admin().get("/admin/members").json().value(u"members"_s).toArray();
        return members.isEmpty() ? QString() : members.first().toObject().value(u"id"_s).toString();
    }

    QString newCode()
    {
        const HttpResponse r = admin().post("/admin/members/" + utf8(ownerId()) + "/chat-link", {});
        if (!verifyStatus(r, 201, "POST chat-link", __FILE__, __LINE__))
            return {};
        return r.json().value(u"code"_s).toString();
    }

    // A credential that needs approval for POST, which only the owner (by email) may give.
    bool prepare(const QString &credential, QJsonObject policy)
    {
        if (m_keys[backendName()].contains(credential))
            return true;
        const HttpResponse r =
                admin().post("/admin/credentials",
                             { { u"name"_s, credential },
                               { u"description"_s, u"chat link"_s },
                               { u"value"_s, u"sk-upstream-LEAK-CANARY"_s },
                               { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } });
        if (!verifyStatus(r, 201, "POST /admin/credentials", __FILE__, __LINE__))
            return false;
        policy.insert(u"require_approval_methods"_s, strings({ u"POST"_s }));
        policy.insert(u"allowed_approvers"_s, strings({ owner().email }));
        if (!setPolicy(admin(), credential, policy))
            return false;
        const QByteArray key = addAgent(admin(), u"agent-"_s + credential, { credential });
        if (key.isEmpty())
            return false;
        m_keys[backendName()][credential] = key;
        return true;
    }

    QString park(const QString &credential)
    {
        const QByteArray target = m_upstream.url("/echo/link/" + QByteArray::number(++m_serial));
        const HttpResponse r = forward(tapd()->port(),
                                       { m_keys[backendName()][credential],
                                         utf8(credential),
                                         target,
                                         "POST",
                                         { { "Content-Type", "application/json" } },
                                         "{}" });
        if (!verifyStatus(r, 202, "park", __FILE__, __LINE__))
            return {};
        return r.json().value(u"txn_id"_s).toString();
    }

    QString agentStatus(const QString &credential, const QString &txn)
    {
        return tapd()
                ->client()
                .get("/agent/approvals/" + utf8(txn),
                     { { "X-TAP-Key", m_keys[backendName()][credential] } })
                .json()
                .value(u"status"_s)
                .toString();
    }

    // Telegram user `from` clicks [Approve] on the message of `txn`; returns the answer text.
    QString clickApprove(const QString &txn, const QString &from)
    {
        QJsonObject m;
        waitFor([&] { return !(m = m_chat.message(txn)).isEmpty(); });
        if (m.isEmpty())
            return u"<no message>"_s;
        const QJsonObject cb =
                m_chat.callback(m.value(u"token"_s).toString(), from, m.value(u"chat_id"_s),
                                m.value(u"message_id"_s), u"a:"_s + txn);
        QJsonObject a;
        waitFor([&] {
            return !(a = m_chat.answerTo(cb.value(u"callback_query_id"_s).toString())).isEmpty();
        });
        return a.value(u"text"_s).toString();
    }

    // Sends `text` from Telegram user `from` and waits for the bot's next reply to them.
    QString telegramSays(const QString &from, const QString &text,
                         const QString &chatType = u"private"_s)
    {
        const int before = int(m_chat.textsTo(from.toLongLong()).size());
        m_chat.sendText(botToken(), from, text, chatType);
        QStringList texts;
        waitFor([&] { return (texts = m_chat.textsTo(from.toLongLong())).size() > before; });
        return texts.size() > before ? texts.last() : u"<no reply>"_s;
    }

    // Sends `body` from `sender` in `room` and waits for the bot's notice replying to it.
    QString matrixSays(const QString &room, const QString &sender, const QString &body)
    {
        const QString eventId =
                m_chat.mxEvent(room, sender, u"m.room.message"_s,
                               { { u"msgtype"_s, u"m.text"_s }, { u"body"_s, body } });
        QString notice = u"<no notice>"_s;
        waitFor([&] {
            for (const QJsonObject &e : m_chat.mxEvents(room)) {
                const QJsonObject c = e.value(u"content"_s).toObject();
                if (c.value(u"m.relates_to"_s)
                            .toObject()
                            .value(u"m.in_reply_to"_s)
                            .toObject()
                            .value(u"event_id"_s)
                    == eventId) {
                    notice = c.value(u"body"_s).toString();
                    return true;
                }
            }
            return false;
        });
        return notice;
    }

    // Moves every link code's expiry into the past, straight in tapd's database.
    bool expireCodes()
    {
        std::shared_ptr<tap::store::Database> db;
        if (tapd()->isPostgres()) {
            return tapd()->postgres()->exec(u"UPDATE chat_link_codes SET expires_at = 1"_s).ok();
        }
        auto url = tap::store::DatabaseUrl::parse(u"sqlite:"_s + tapd()->dataDir() + u"/tap.db"_s);
        if (!url)
            return false;
        auto opened = tap::store::Database::open(url.value());
        if (!opened)
            return false;
        return opened.value()->exec(u"UPDATE chat_link_codes SET expires_at = 1"_s).ok();
    }

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
        QVERIFY2(m_chat.start(kBotTokens, kMatrixTokens), "the fake chat server did not start");
        QVERIFY(m_upstream.start());
    }
    void cleanupTestCase()
    {
        m_tapds.clear();
        m_upstream.stop();
    }

    void codeRequest();
    void telegramLinkThenApprove();
    void telegramExpiredAndWrong();
    void matrixLinkThenApprove();
    void noTokenLeaks();
};

// Codes: 201 with the code and its expiry; for someone else only by owners and admins; an
// unknown member is 404; nobody signed in is 401.
void TestChatLink::codeRequest()
{
    QVERIFY(tapd());
    const HttpResponse r = admin().post("/admin/members/" + utf8(ownerId()) + "/chat-link", {});
    QVERIFY(verifyStatus(r, 201, "chat-link", __FILE__, __LINE__));
    const QString code = r.json().value(u"code"_s).toString();
    QVERIFY2(QRegularExpression(u"^[A-Z2-9]{16}$"_s).match(code).hasMatch(), qPrintable(code));
    QVERIFY(!r.json().value(u"expires_at"_s).toString().isEmpty());
    QVERIFY(r.json().value(u"message"_s).toString().contains(code));
    QVERIFY(verifyError(admin().post("/admin/members/nobody/chat-link", {}), 404, u"not_found"_s,
                        "unknown member", __FILE__, __LINE__));
    QVERIFY(verifyError(
            tapd()->client().post("/admin/members/" + utf8(ownerId()) + "/chat-link", {}), 401,
            u"unauthorized"_s, "no session", __FILE__, __LINE__));
    // Only a hash is stored: the code is nowhere in the database's audit trail either.
    QVERIFY(!admin().get("/admin/audit").body.contains(utf8(code)));
}

void TestChatLink::telegramLinkThenApprove()
{
    QVERIFY(tapd());
    QVERIFY(prepare(u"tgl"_s, { { u"telegram_chat_id"_s, u"-100555"_s } }));
    const QString member = backendName() == u"sqlite"_s ? u"515101"_s : u"515102"_s;
    const QString stranger = backendName() == u"sqlite"_s ? u"616101"_s : u"616102"_s;

    // Not linked yet: the policy names the owner by email, so this click is refused.
    const QString first = park(u"tgl"_s);
    QVERIFY(!first.isEmpty());
    QCOMPARE(clickApprove(first, member), u"You are not allowed to decide on this request."_s);

    const QString code = newCode();
    QVERIFY(!code.isEmpty());
    const QString linked = telegramSays(member, u"/start "_s + code);
    QVERIFY2(linked.startsWith(u"Linked"_s) && linked.contains(owner().email), qPrintable(linked));

    QCOMPARE(clickApprove(first, member), u"Approved."_s);
    QVERIFY(waitFor([&] { return agentStatus(u"tgl"_s, first) == u"forwarded"_s; }));
    const QJsonObject view = admin().get("/admin/approvals/" + utf8(first)).json();
    QVERIFY2(QJsonDocument(view).toJson().contains(utf8(owner().email)),
             QJsonDocument(view).toJson().constData());

    // The code is used up: another account sending it links nothing and may still not decide.
    const QString reused = telegramSays(stranger, u"/start "_s + code);
    QVERIFY2(reused.contains(u"not valid"_s), qPrintable(reused));
    const QString second = park(u"tgl"_s);
    QCOMPARE(clickApprove(second, stranger), u"You are not allowed to decide on this request."_s);
    QCOMPARE(clickApprove(second, member), u"Approved."_s);
}

void TestChatLink::telegramExpiredAndWrong()
{
    QVERIFY(tapd());
    QVERIFY(prepare(u"tgx"_s, { { u"telegram_chat_id"_s, u"-100556"_s } }));
    const QString late = backendName() == u"sqlite"_s ? u"717101"_s : u"717102"_s;
    const QString code = newCode();
    QVERIFY(!code.isEmpty());
    QVERIFY(expireCodes());
    const QString expired = telegramSays(late, u"/start "_s + code);
    QVERIFY2(expired.contains(u"expired"_s), qPrintable(expired));
    const QString wrong = telegramSays(late, u"/start ABCDEFGHJKLMNPQR"_s);
    QVERIFY2(wrong.contains(u"not valid"_s), qPrintable(wrong));
    const QString garbage = telegramSays(late, u"/start hello"_s);
    QVERIFY2(garbage.contains(u"not a TAP link code"_s), qPrintable(garbage));
    const QString bare = telegramSays(late, u"/start"_s);
    QVERIFY2(bare.contains(u"link code"_s), qPrintable(bare));
    const QString txn = park(u"tgx"_s);
    QCOMPARE(clickApprove(txn, late), u"You are not allowed to decide on this request."_s);

    // In a group, where others could read it, a code is not taken: the reply says so and the
    // code still works in a private chat afterwards; then the same click is accepted.
    const QString fresh = newCode();
    QVERIFY(!fresh.isEmpty());
    const QString group = telegramSays(late, u"/start "_s + fresh, u"group"_s);
    QVERIFY2(group.contains(u"private chat"_s), qPrintable(group));
    QCOMPARE(clickApprove(txn, late), u"You are not allowed to decide on this request."_s);
    const QString linked = telegramSays(late, u"/start "_s + fresh);
    QVERIFY2(linked.startsWith(u"Linked"_s), qPrintable(linked));
    QCOMPARE(clickApprove(txn, late), u"Approved."_s);
    QVERIFY(waitFor([&] { return agentStatus(u"tgx"_s, txn) == u"forwarded"_s; }));
}

void TestChatLink::matrixLinkThenApprove()
{
    QVERIFY(tapd());
    const QString room = u"!link-approvals-%1:fake.test"_s.arg(backendName());
    const QString dm = u"!link-dm-%1:fake.test"_s.arg(backendName());
    const QString bob = u"@bob-%1:fake.test"_s.arg(backendName());
    const QString eve = u"@eve-%1:fake.test"_s.arg(backendName());
    QVERIFY(prepare(u"mxl"_s, { { u"matrix_room_id"_s, room } }));

    // A code posted in a shared room is not taken (others there could read it).
    const QString code = newCode();
    QVERIFY(!code.isEmpty());
    m_chat.mxEvent(room, eve, u"m.room.message"_s,
                   { { u"msgtype"_s, u"m.text"_s }, { u"body"_s, u"hi"_s } });
    const QString shared = matrixSays(room, bob, code);
    QVERIFY2(shared.contains(u"direct message"_s), qPrintable(shared));

    m_chat.mxRoom(dm, { matrixBot(), bob });
    const QString wrong = matrixSays(dm, bob, u"ABCDEFGHJKLMNPQR"_s);
    QVERIFY2(wrong.contains(u"not valid"_s), qPrintable(wrong));
    const QString linked = matrixSays(dm, bob, code);
    QVERIFY2(linked.startsWith(u"Linked"_s) && linked.contains(owner().email), qPrintable(linked));

    const QString txn = park(u"mxl"_s);
    QVERIFY(!txn.isEmpty());
    QString posted;
    QVERIFY(waitFor([&] {
        for (const QJsonObject &e : m_chat.mxEvents(room))
            if (e.value(u"content"_s).toObject().value(u"body"_s).toString().contains(txn))
                posted = e.value(u"event_id"_s).toString();
        return !posted.isEmpty();
    }));
    // Eve linked nothing: her "approve" (read first) is refused; Bob's then counts as the
    // owner's.
    for (const QString &sender : { eve, bob })
        m_chat.mxEvent(room, sender, u"m.room.message"_s,
                       { { u"msgtype"_s, u"m.text"_s },
                         { u"body"_s, u"approve"_s },
                         { u"m.relates_to"_s,
                           QJsonObject{ { u"m.in_reply_to"_s,
                                          QJsonObject{ { u"event_id"_s, posted } } } } } });
    QVERIFY(waitFor([&] { return agentStatus(u"mxl"_s, txn) == u"forwarded"_s; }));
    const QJsonObject view = admin().get("/admin/approvals/" + utf8(txn)).json();
    QCOMPARE(view.value(u"decided_by"_s).toString(), owner().email);
    QCOMPARE(view.value(u"decided_via"_s).toString(), u"matrix"_s);

    // Reused in another direct message: refused.
    const QString eveDm = u"!link-dm-eve-%1:fake.test"_s.arg(backendName());
    m_chat.mxRoom(eveDm, { matrixBot(), eve });
    const QString reused = matrixSays(eveDm, eve, code);
    QVERIFY2(reused.contains(u"not valid"_s), qPrintable(reused));
}

void TestChatLink::noTokenLeaks()
{
    QVERIFY(tapd());
    const QByteArray log = tapd()->log();
    for (const QString &t : kBotTokens + kMatrixTokens)
        QVERIFY2(!log.contains(utf8(t)), "a chat token reached tapd's log");
}

QTEST_MAIN(TestChatLink)
#include "tst_chatlink.moc"
