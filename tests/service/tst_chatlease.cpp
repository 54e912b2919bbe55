// Several tapd processes on one database with one Telegram bot and one Matrix account (approver
// checks must not live in one process's memory, as they did in the reference; any process
// may take any decision). Telegram allows one getUpdates at a time per bot: a second one cuts
// the first off with 409 Conflict (tests/support/fake_chat.py does the same); two processes
// following one Matrix account's /sync would each answer a refused reply. So exactly one process
// polls each bot, under a lease in the database; the others stand by, take over when the holder
// stops (at once: it releases the lease) or dies (when the lease expires), and in every phase a
// decision on a request parked through any of the processes is taken, once. Both backends.
#include "support/fakechat.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

const QString kApprover = u"5151"_s;
const QString kAlice = u"@alice:fake.test"_s;

QString backendName()
{
    QFETCH_GLOBAL(QString, backend);
    return backend;
}
QString botToken()
{
    return backendName() == u"postgres"_s ? u"760002:LEASE-postgres-LEAK-CANARY"_s
                                          : u"760001:LEASE-sqlite-LEAK-CANARY"_s;
}
// A team's own bot, named by a notification channel's bot_token.
QString teamBotToken()
{
    return backendName() == u"postgres"_s ? u"770002:CHANNEL-postgres-LEAK-CANARY"_s
                                          : u"770001:CHANNEL-sqlite-LEAK-CANARY"_s;
}
QString matrixToken()
{
    return u"syt_lease-%1-LEAK-CANARY"_s.arg(backendName());
}
QString matrixRoom()
{
    return u"!lease-%1:fake.test"_s.arg(backendName());
}

QProcessEnvironment chatEnvironment(const FakeChat &chat)
{
    QProcessEnvironment env;
    env.insert(u"TAP_TELEGRAM_API_BASE"_s, chat.base());
    env.insert(u"TAP_TELEGRAM_BOT_TOKEN"_s, botToken());
    env.insert(u"TAP_TELEGRAM_POLL_TIMEOUT_S"_s, u"2"_s);
    env.insert(u"TAP_MATRIX_HOMESERVER"_s, chat.base());
    env.insert(u"TAP_MATRIX_ACCESS_TOKEN"_s, matrixToken());
    env.insert(u"TAP_MATRIX_SYNC_TIMEOUT_S"_s, u"2"_s);
    env.insert(u"TAP_CHAT_LEASE_S"_s, u"6"_s); // renewed every 2 s
    return env;
}

// Whether this process's log says it holds the lease whose name starts with `prefix` now
// ("taken" after the last "lost" or "released"; the log is appended across restarts).
// Meaningful for a running process.
bool holdsLease(const Tapd &tapd, const QString &prefix)
{
    bool held = false;
    for (const QByteArray &line : tapd.log().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (!o.value(u"lease"_s).toString().startsWith(prefix))
            continue;
        const QString msg = o.value(u"msg"_s).toString();
        if (msg == u"job lease taken"_s)
            held = true;
        else if (msg == u"job lease lost"_s || msg == u"job lease released"_s)
            held = false;
    }
    return held;
}
// A credential for 127.0.0.1 whose policy (`policy` plus this) needs approval for POST.
bool addApprovalCredential(const HttpClient &admin, const QString &name, QJsonObject policy)
{
    if (!verifyStatus(admin.post("/admin/credentials",
                                 { { u"name"_s, name },
                                   { u"description"_s, u"lease"_s },
                                   { u"value"_s, u"sk-lease-LEAK-CANARY"_s },
                                   { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } }),
                      201, "POST /admin/credentials", __FILE__, __LINE__))
        return false;
    policy.insert(u"require_approval_methods"_s, strings({ u"POST"_s }));
    return setPolicy(admin, name, policy);
}

const QString kTelegramLease = u"telegram-getupdates:"_s;
const QString kMatrixLease = u"matrix-sync:"_s;

} // namespace

class TestChatLease : public QObject
{
    Q_OBJECT

private:
    FakeChat m_chat;
    Upstream m_upstream;
    int m_serial = 0;

    int conflicts(const QString &bot = botToken()) const
    {
        return m_chat.stats().value(u"conflicts"_s).toObject().value(bot).toInt();
    }
    int polls(const QString &bot = botToken()) const
    {
        return m_chat.stats().value(u"get_updates"_s).toObject().value(bot).toInt();
    }

    // Parks a POST with `credential` through `tapd`; the txn id.
    QString park(const Tapd &tapd, const QByteArray &key, const QByteArray &credential)
    {
        const QByteArray target = m_upstream.url("/echo/lease/" + QByteArray::number(++m_serial));
        const HttpResponse parked =
                forward(tapd.port(), { key, credential, target, "POST", {}, "{\"n\":1}" });
        if (!verifyStatus(parked, 202, "park", __FILE__, __LINE__))
            return {};
        return parked.json().value(u"txn_id"_s).toString();
    }

    bool waitForwarded(const Tapd &tapd, const QByteArray &key, const QString &txn)
    {
        return waitFor([&] {
            return tapd.client()
                           .get("/agent/approvals/" + utf8(txn), { { "X-TAP-Key", key } })
                           .json()
                           .value(u"status"_s)
                           .toString()
                    == u"forwarded"_s;
        });
    }

    // Parks a request through `tapd`, the approver clicks Approve in Telegram (in the message
    // `bot` posted), and the agent's poll (through the same process) sees it forwarded.
    void approveByTelegram(const Tapd &tapd, const QByteArray &key,
                           const QByteArray &credential = "tg", const QString &bot = botToken())
    {
        const QString txn = park(tapd, key, credential);
        QVERIFY(!txn.isEmpty());
        QJsonObject m;
        QVERIFY2(waitFor([&] { return !(m = m_chat.message(txn)).isEmpty(); }),
                 "no Telegram message for the parked request");
        QCOMPARE(m.value(u"token"_s).toString(), bot);
        const QJsonObject cb =
                m_chat.callback(m.value(u"token"_s).toString(), kApprover, m.value(u"chat_id"_s),
                                m.value(u"message_id"_s), u"a:"_s + txn);
        const QString queryId = cb.value(u"callback_query_id"_s).toString();
        QJsonObject answer;
        QVERIFY2(waitFor([&] { return !(answer = m_chat.answerTo(queryId)).isEmpty(); }),
                 "the click was not answered: no process took the update");
        QCOMPARE(answer.value(u"text"_s).toString(), u"Approved."_s);
        QVERIFY(waitForwarded(tapd, key, txn));
    }

    QString postedEvent(const QString &txn)
    {
        QString id;
        waitFor([&] {
            for (const QJsonObject &e : m_chat.mxEvents(matrixRoom()))
                if (e.value(u"content"_s).toObject().value(u"body"_s).toString().contains(txn))
                    id = e.value(u"event_id"_s).toString();
            return !id.isEmpty();
        });
        return id;
    }

    // Notices replying to `replyTo`.
    int notices(const QString &replyTo)
    {
        int n = 0;
        for (const QJsonObject &e : m_chat.mxEvents(matrixRoom())) {
            const QJsonObject c = e.value(u"content"_s).toObject();
            if (c.value(u"msgtype"_s).toString() == u"m.notice"_s
                && c.value(u"m.relates_to"_s)
                                .toObject()
                                .value(u"m.in_reply_to"_s)
                                .toObject()
                                .value(u"event_id"_s)
                                .toString()
                        == replyTo)
                ++n;
        }
        return n;
    }

    // Parks a request through `tapd`; someone not allowed reacts ✅ and gets exactly one
    // notice; the approver replies "approve" and the agent's poll sees it forwarded.
    // `refusal` gets the refused reaction's event id.
    void approveByMatrix(const Tapd &tapd, const QByteArray &key, QString *refusal = nullptr)
    {
        const QString txn = park(tapd, key, "mx");
        QVERIFY(!txn.isEmpty());
        const QString original = postedEvent(txn);
        QVERIFY2(!original.isEmpty(), "no Matrix message for the parked request");
        const QString reaction =
                m_chat.mxEvent(matrixRoom(), u"@mallory:fake.test"_s, u"m.reaction"_s,
                               { { u"m.relates_to"_s,
                                   QJsonObject{ { u"rel_type"_s, u"m.annotation"_s },
                                                { u"event_id"_s, original },
                                                { u"key"_s, u"✅"_s } } } });
        QVERIFY2(waitFor([&] { return notices(reaction) > 0; }), "the refusal was not answered");
        QTest::qWait(3000); // a second syncing process would have answered by now
        QCOMPARE(notices(reaction), 1);
        m_chat.mxEvent(matrixRoom(), kAlice, u"m.room.message"_s,
                       { { u"msgtype"_s, u"m.text"_s },
                         { u"body"_s, u"approve"_s },
                         { u"m.relates_to"_s,
                           QJsonObject{ { u"m.in_reply_to"_s,
                                          QJsonObject{ { u"event_id"_s, original } } } } } });
        QVERIFY(waitForwarded(tapd, key, txn));
        if (refusal)
            *refusal = reaction;
    }

    // Lets the processes poll for a few rounds (TAP_TELEGRAM_POLL_TIMEOUT_S is 2): no poll is
    // cut off by another one, and polling goes on.
    void verifyNoConflicts(const char *phase, const QString &bot = botToken())
    {
        const int conflictsBefore = conflicts(bot);
        const int pollsBefore = polls(bot);
        QTest::qWait(5000);
        QVERIFY2(conflicts(bot) == conflictsBefore,
                 qPrintable(u"%1: getUpdates cut off %2 times by a concurrent one"_s
                                    .arg(QString::fromLatin1(phase))
                                    .arg(conflicts(bot) - conflictsBefore)));
        QVERIFY2(polls(bot) > pollsBefore, phase);
    }

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
        QVERIFY2(m_chat.start({ u"760001:LEASE-sqlite-LEAK-CANARY"_s,
                                u"760002:LEASE-postgres-LEAK-CANARY"_s,
                                u"770001:CHANNEL-sqlite-LEAK-CANARY"_s,
                                u"770002:CHANNEL-postgres-LEAK-CANARY"_s },
                              { u"syt_lease-sqlite-LEAK-CANARY"_s,
                                u"syt_lease-postgres-LEAK-CANARY"_s }),
                 "the fake chat server did not start");
        QVERIFY(m_upstream.start());
    }
    void cleanupTestCase() { m_upstream.stop(); }

    void onePollerAndTakeover();
    void teamChannelBots();
};

#define STEP(call)                  \
  do {                              \
    call;                           \
    if (QTest::currentTestFailed()) \
      return;                       \
  } while (false)

void TestChatLease::onePollerAndTakeover()
{
    Tapd first(true, chatEnvironment(m_chat));
    if (!first.start())
        return;
    const Account owner = signUp(first, u"lease"_s, u"owner-lease@example.test"_s);
    QVERIFY(!owner.token.isEmpty());
    const HttpClient admin = first.client(owner.token);
    const QList<std::pair<QString, QJsonObject>> credentials{
        { u"tg"_s,
          { { u"telegram_chat_id"_s, u"-100515"_s },
            { u"allowed_approvers"_s, strings({ kApprover }) } } },
        { u"mx"_s,
          { { u"matrix_room_id"_s, matrixRoom() },
            { u"allowed_approvers"_s, strings({ kAlice }) } } }
    };
    for (const auto &[name, policy] : credentials)
        QVERIFY(addApprovalCredential(admin, name, policy));
    const QByteArray key = addAgent(admin, u"agent-lease"_s, { u"tg"_s, u"mx"_s });
    QVERIFY(!key.isEmpty());

    Tapd second(true, chatEnvironment(m_chat));
    QVERIFY(second.startSharing(first));

    // Exactly one of the two polls each bot; no getUpdates is cut off; a decision is taken
    // whichever process parked the request, and a refusal is answered once.
    for (const QString &lease : { kTelegramLease, kMatrixLease })
        QVERIFY(waitFor([&] { return holdsLease(first, lease) || holdsLease(second, lease); }));
    STEP(verifyNoConflicts("two processes"));
    for (const QString &lease : { kTelegramLease, kMatrixLease })
        QVERIFY2(holdsLease(first, lease) != holdsLease(second, lease), qPrintable(lease));
    Tapd &holder = holdsLease(first, kTelegramLease) ? first : second;
    Tapd &standby = holdsLease(first, kTelegramLease) ? second : first;
    STEP(approveByTelegram(standby, key));
    STEP(approveByTelegram(holder, key));
    QString refused;
    STEP(approveByMatrix(standby, key, &refused));
    STEP(approveByMatrix(holder, key));
    // The poster hears back from Telegram / the homeserver late: the click or reply reaches
    // the other process before the message's id is in the database, and still counts.
    for (const QString &token : { botToken(), matrixToken() })
        m_chat.client().post("/__tg/send_delay", { { u"token"_s, token }, { u"ms"_s, 1500 } });
    STEP(approveByTelegram(standby, key));
    STEP(approveByMatrix(standby, key));
    for (const QString &token : { botToken(), matrixToken() })
        m_chat.client().post("/__tg/send_delay", { { u"token"_s, token }, { u"ms"_s, 0 } });

    // A clean stop hands the leases over (released, not left to expire).
    QVERIFY(verifyCleanStop(holder, __FILE__, __LINE__));
    for (const QString &lease : { kTelegramLease, kMatrixLease })
        QVERIFY2(waitFor([&] { return holdsLease(standby, lease); }),
                 qPrintable(u"no takeover of %1 after a clean stop"_s.arg(lease)));
    STEP(approveByTelegram(standby, key));
    STEP(approveByMatrix(standby, key));

    // The stopped one comes back and stands by.
    QVERIFY(holder.restart());
    STEP(verifyNoConflicts("after the restart"));
    for (const QString &lease : { kTelegramLease, kMatrixLease }) {
        QVERIFY(holdsLease(standby, lease));
        QVERIFY(!holdsLease(holder, lease));
    }

    // The polling process dies: the leases expire and the other one takes over. It catches up
    // on the room quietly: the refusal from the start is not answered a second time.
    standby.kill9();
    for (const QString &lease : { kTelegramLease, kMatrixLease })
        QVERIFY2(waitFor([&] { return holdsLease(holder, lease); }),
                 qPrintable(u"no takeover of %1 after kill -9"_s.arg(lease)));
    STEP(approveByTelegram(holder, key));
    STEP(approveByMatrix(holder, key));
    QCOMPARE(notices(refused), 1);
    STEP(verifyNoConflicts("after the takeover"));

    // No bot token in either log.
    for (const Tapd *t : { &first, &second }) {
        QVERIFY(!t->log().contains(utf8(botToken())));
        QVERIFY(!t->log().contains(utf8(matrixToken())));
    }
}

// A team's own bot (a channel's bot_token), added through one process while two run: both
// pick it up (one polls, the other stands by, even though it never posted for the channel), the
// stand-by takes over when the poller dies, and deleting the channel stops its polling.
void TestChatLease::teamChannelBots()
{
    Tapd first(true, chatEnvironment(m_chat));
    if (!first.start())
        return;
    const Account owner = signUp(first, u"channels"_s, u"owner-channels@example.test"_s);
    QVERIFY(!owner.token.isEmpty());
    QVERIFY(addApprovalCredential(first.client(owner.token), u"chan"_s, {}));
    const QByteArray key = addAgent(first.client(owner.token), u"agent-chan"_s, { u"chan"_s });
    QVERIFY(!key.isEmpty());
    Tapd second(true, chatEnvironment(m_chat));
    QVERIFY(second.startSharing(first));

    QVERIFY(verifyStatus(first.client(owner.token)
                                 .post("/admin/notification-channels",
                                       { { u"name"_s, u"ops"_s },
                                         { u"channel_type"_s, u"telegram"_s },
                                         { u"config"_s,
                                           QJsonObject{ { u"chat_id"_s, u"-100616"_s },
                                                        { u"bot_token"_s, teamBotToken() } } } }),
                         201, "POST /admin/notification-channels", __FILE__, __LINE__));
    const QString lease = kTelegramLease
            + QString::fromLatin1(QCryptographicHash::hash(utf8(teamBotToken()),
                                                           QCryptographicHash::Sha256)
                                          .toHex()
                                          .left(32));
    QVERIFY2(waitFor([&] { return holdsLease(first, lease) || holdsLease(second, lease); }),
             "nobody polls the team's bot");
    STEP(verifyNoConflicts("team bot, two processes", teamBotToken()));
    QVERIFY(holdsLease(first, lease) != holdsLease(second, lease));
    Tapd &holder = holdsLease(first, lease) ? first : second;
    Tapd &standby = holdsLease(first, lease) ? second : first;
    STEP(approveByTelegram(holder, key, "chan", teamBotToken()));

    holder.kill9();
    QVERIFY2(waitFor([&] { return holdsLease(standby, lease); }),
             "the stand-by did not take the team bot over");
    STEP(approveByTelegram(standby, key, "chan", teamBotToken()));

    QVERIFY(verifyStatus(standby.client(owner.token).del("/admin/notification-channels/ops"), 200,
                         "DELETE /admin/notification-channels/ops", __FILE__, __LINE__));
    QVERIFY2(waitFor([&] { return !holdsLease(standby, lease); }),
             "the deleted channel's bot is still polled");
    QTest::qWait(2500); // the last poll ends (TAP_TELEGRAM_POLL_TIMEOUT_S is 2)
    const int polled = polls(teamBotToken());
    QTest::qWait(3000);
    QCOMPARE(polls(teamBotToken()), polled);
    QVERIFY(!standby.log().contains(utf8(teamBotToken())));
}

QTEST_GUILESS_MAIN(TestChatLease)
#include "tst_chatlease.moc"
