// store::ChatStore on SQLite and PostgreSQL: one-time link codes (single use, expiry, one code
// per member, a member who left), moving a chat id to the member who redeemed a code, and the
// lookups the chat bots make (member by chat id per team, team name).
#include "store/chatstore.h"
#include "support/databasefixture.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using tap::store::ChatStore;
using Network = ChatStore::Network;
using Redeemed = ChatStore::Redeemed;

Q_DECLARE_METATYPE(Network)
Q_DECLARE_METATYPE(Redeemed)

namespace {

void addUser(Database &db, const char *id, const char *email, const char *team)
{
    QVERIFY(run(db,
                "INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES "
                "(?, ?, 'x', 1, 1)",
                { QString::fromUtf8(id), QString::fromUtf8(email) })
                    .ok());
    QVERIFY(run(db,
                "INSERT INTO memberships (team_id, user_id, role, created_at) VALUES (?, ?, "
                "'approver', 1)",
                { QString::fromUtf8(team), QString::fromUtf8(id) })
                    .ok());
}

QString chatId(Database &db, Network network, const char *user)
{
    auto q = db.exec(network == Network::Telegram
                             ? QStringLiteral("SELECT telegram_user_id FROM users WHERE id = ?")
                             : QStringLiteral("SELECT matrix_user_id FROM users WHERE id = ?"),
                     { QString::fromUtf8(user) });
    return q && q->next() ? q->value(0).toString() : QStringLiteral("<none>");
}

} // namespace

class TestChatStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }

    void redeem_data();
    void redeem();
    void singleUse();
    void newCodeReplacesOld();
    void memberWhoLeft();
    void idMovesToNewMember();
    void concurrentRedeemsHaveOneWinner();
    void lookups();
};

void TestChatStore::redeem_data()
{
    QTest::addColumn<Network>("network");
    QTest::addColumn<QString>("given"); // the hash the sender's code has
    QTest::addColumn<qint64>("now");
    QTest::addColumn<Redeemed>("outcome");
    QTest::addRow("telegram, valid")
            << Network::Telegram << u"h1"_s << qint64(1999) << Redeemed::Linked;
    QTest::addRow("matrix, valid")
            << Network::Matrix << u"h1"_s << qint64(1000) << Redeemed::Linked;
    QTest::addRow("expired at its deadline")
            << Network::Telegram << u"h1"_s << qint64(2000) << Redeemed::Expired;
    QTest::addRow("long expired") << Network::Matrix << u"h1"_s << qint64(99999)
                                  << Redeemed::Expired;
    QTest::addRow("wrong code") << Network::Telegram << u"h2"_s << qint64(1000)
                                << Redeemed::Unknown;
    QTest::addRow("empty code") << Network::Matrix << QString() << qint64(1000)
                                << Redeemed::Unknown;
}

void TestChatStore::redeem()
{
    QFETCH(Network, network);
    QFETCH(QString, given);
    QFETCH(qint64, now);
    QFETCH(Redeemed, outcome);
    SEEDED_DB(db);
    ChatStore store(*db);
    QVERIFY(store.putLinkCode(u"h1"_s, u"t1"_s, u"u1"_s, 2000, 500).ok());
    const auto r = store.redeemLinkCode(given, network, u"4242"_s, now);
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    QCOMPARE(r->outcome, outcome);
    const bool linked = outcome == Redeemed::Linked;
    QCOMPARE(chatId(*db, network, "u1"), linked ? u"4242"_s : QString());
    if (linked) {
        QCOMPARE(r->teamId, u"t1"_s);
        QCOMPARE(r->userId, u"u1"_s);
        QCOMPARE(r->email, u"alice@example.com"_s);
    }
    // A used or expired code is gone; a wrong guess leaves the real one in place.
    QCOMPARE(count(*db, "chat_link_codes"), qint64(outcome == Redeemed::Unknown ? 1 : 0));
}

void TestChatStore::singleUse()
{
    SEEDED_DB(db);
    ChatStore store(*db);
    QVERIFY(store.putLinkCode(u"h1"_s, u"t1"_s, u"u1"_s, 2000, 500).ok());
    QCOMPARE(store.redeemLinkCode(u"h1"_s, Network::Telegram, u"4242"_s, 1000)->outcome,
             Redeemed::Linked);
    // Used again, by the same or another account: refused, nothing changes.
    QCOMPARE(store.redeemLinkCode(u"h1"_s, Network::Telegram, u"666"_s, 1001)->outcome,
             Redeemed::Unknown);
    QCOMPARE(store.redeemLinkCode(u"h1"_s, Network::Matrix, u"@eve:x"_s, 1001)->outcome,
             Redeemed::Unknown);
    QCOMPARE(chatId(*db, Network::Telegram, "u1"), u"4242"_s);
    QCOMPARE(chatId(*db, Network::Matrix, "u1"), QString());
}

void TestChatStore::newCodeReplacesOld()
{
    SEEDED_DB(db);
    ChatStore store(*db);
    QVERIFY(store.putLinkCode(u"old"_s, u"t1"_s, u"u1"_s, 5000, 500).ok());
    QVERIFY(store.putLinkCode(u"other-team"_s, u"t2"_s, u"u1"_s, 5000, 500).ok());
    QVERIFY(store.putLinkCode(u"stale"_s, u"t2"_s, u"u1"_s, 900, 100).ok()); // replaces other-team
    QVERIFY(store.putLinkCode(u"new"_s, u"t1"_s, u"u1"_s, 5000, 1000).ok()); // purges stale too
    QCOMPARE(count(*db, "chat_link_codes"), qint64(1));
    QCOMPARE(store.redeemLinkCode(u"old"_s, Network::Telegram, u"1"_s, 1001)->outcome,
             Redeemed::Unknown);
    QCOMPARE(store.redeemLinkCode(u"new"_s, Network::Telegram, u"1"_s, 1001)->outcome,
             Redeemed::Linked);
}

void TestChatStore::memberWhoLeft()
{
    SEEDED_DB(db);
    ChatStore store(*db);
    QVERIFY(store.putLinkCode(u"h1"_s, u"t1"_s, u"u1"_s, 5000, 500).ok());
    QVERIFY(run(*db, "DELETE FROM memberships WHERE team_id = 't1' AND user_id = 'u1'").ok());
    QCOMPARE(store.redeemLinkCode(u"h1"_s, Network::Telegram, u"4242"_s, 1000)->outcome,
             Redeemed::Unknown);
    QCOMPARE(chatId(*db, Network::Telegram, "u1"), QString());
}

// One chat account decides as one member: linking it to bob takes it from alice.
void TestChatStore::idMovesToNewMember()
{
    SEEDED_DB(db);
    addUser(*db, "u2", "bob@example.com", "t1");
    ChatStore store(*db);
    QVERIFY(store.putLinkCode(u"a"_s, u"t1"_s, u"u1"_s, 5000, 500).ok());
    QVERIFY(store.putLinkCode(u"b"_s, u"t1"_s, u"u2"_s, 5000, 500).ok());
    QCOMPARE(store.redeemLinkCode(u"a"_s, Network::Matrix, u"@m:x"_s, 1000)->outcome,
             Redeemed::Linked);
    QCOMPARE(store.redeemLinkCode(u"b"_s, Network::Matrix, u"@m:x"_s, 1000)->outcome,
             Redeemed::Linked);
    QCOMPARE(chatId(*db, Network::Matrix, "u1"), QString());
    QCOMPARE(chatId(*db, Network::Matrix, "u2"), u"@m:x"_s);
    // The database refuses a second owner of one chat id outright.
    QVERIFY(!run(*db, "UPDATE users SET matrix_user_id = '@m:x' WHERE id = 'u1'").ok());
}

// Eight connections redeem one code at once: exactly one links its account.
void TestChatStore::concurrentRedeemsHaveOneWinner()
{
    SEEDED_DB(db);
    QVERIFY(ChatStore(*db).putLinkCode(u"race"_s, u"t1"_s, u"u1"_s, 5000, 500).ok());
    constexpr int kThreads = 8;
    std::atomic<int> linked{ 0 };
    std::atomic<int> failed{ 0 };
    std::vector<QThread *> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.push_back(QThread::create([&, i] {
            auto r = ChatStore(*db).redeemLinkCode(u"race"_s, Network::Telegram,
                                                   QString::number(100 + i), 1000);
            if (!r)
                ++failed; // a serialisation failure also counts as "not linked"
            else if (r->outcome == Redeemed::Linked)
                ++linked;
            db->closeThreadConnection();
        }));
    }
    for (QThread *t : threads)
        t->start();
    for (QThread *t : threads) {
        QVERIFY(t->wait(60000));
        delete t;
    }
    QCOMPARE(linked.load(), 1);
    QVERIFY(!chatId(*db, Network::Telegram, "u1").isEmpty());
}

void TestChatStore::lookups()
{
    SEEDED_DB(db);
    addUser(*db, "u2", "bob@example.com", "t2");
    QVERIFY(run(*db,
                "UPDATE users SET telegram_user_id = '4242', matrix_user_id = '@a:x' WHERE "
                "id = 'u1'")
                    .ok());
    ChatStore store(*db);
    const auto a = store.memberByChatId(Network::Telegram, u"t1"_s, u"4242"_s);
    QVERIFY(a.ok() && a->has_value());
    QCOMPARE(a->value().userId, u"u1"_s);
    QCOMPARE(a->value().email, u"alice@example.com"_s);
    QVERIFY(store.memberByChatId(Network::Matrix, u"t2"_s, u"@a:x"_s)->has_value());
    // Not by the other network's id, not in a team the user is not in, never by an empty id.
    QVERIFY(!store.memberByChatId(Network::Matrix, u"t1"_s, u"4242"_s)->has_value());
    QVERIFY(run(*db, "DELETE FROM memberships WHERE team_id = 't2' AND user_id = 'u1'").ok());
    QVERIFY(!store.memberByChatId(Network::Telegram, u"t2"_s, u"4242"_s)->has_value());
    QVERIFY(!store.memberByChatId(Network::Telegram, u"t1"_s, QString())->has_value());
    QCOMPARE(store.teamName(u"t1"_s).value(), u"Team One"_s);
    QCOMPARE(store.teamName(u"gone"_s).value(), u"gone"_s);
}

QTEST_GUILESS_MAIN(TestChatStore)
#include "tst_chatstore.moc"
