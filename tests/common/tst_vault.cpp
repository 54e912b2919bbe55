// Vault: the master-key check and team-key envelope encryption, against a real database on
// SQLite and on PostgreSQL (one global data row each).

#include "core/clock.h"
#include "core/random.h"
#include "crypto/keyring.h"
#include "store/database.h"
#include "store/migrator.h"
#include "store/vault.h"
#include "support/testdatabases.h"

#include <QTest>

#include <memory>

using tap::core::ErrorCode;
using tap::core::Result;
using tap::core::SecretBytes;
using tap::core::SystemRandom;
using tap::crypto::KeyRing;
using tap::store::Database;
using tap::store::Migrator;
using tap::store::Vault;

namespace {

const tap::core::SystemClock s_clock;

template <typename T>
QString errorText(const Result<T> &r)
{
    return r ? QString()
             : QStringLiteral("%1: %2").arg(tap::core::errorName(r.error().code()),
                                            r.error().message());
}

std::shared_ptr<Database> migratedDatabase()
{
    auto db = tap::test::freshDatabase();
    if (!db)
        return nullptr;
    Migrator migrator(*db, s_clock);
    const auto version = migrator.migrate();
    if (!version) {
        QTest::qFail(qPrintable(errorText(version)), __FILE__, __LINE__);
        return nullptr;
    }
    return db;
}

std::unique_ptr<KeyRing> randomKeyRing(SystemRandom &random)
{
    return std::make_unique<KeyRing>(SecretBytes::adopt(random.bytes(32)));
}

qint64 count(Database &db, const QString &sql, const QVariantList &binds = {})
{
    auto q = db.exec(sql, binds);
    if (!q || !q->next())
        return -1;
    return q->value(0).toLongLong();
}

Result<QSqlQuery> insertTeam(Database &db, const QString &id, const QByteArray &wrappedDek)
{
    return db.exec(QStringLiteral("INSERT INTO teams (id, name, wrapped_dek, created_at) "
                                  "VALUES (?, ?, ?, 1)"),
                   { id, QString(QStringLiteral("Team ") + id), wrappedDek });
}

Result<QSqlQuery> insertCredential(Database &db, const QString &team, const QString &id,
                                   const QVariant &encrypted)
{
    return db.exec(QStringLiteral("INSERT INTO credentials (id, team_id, name, encrypted_value, "
                                  "created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1)"),
                   { id, team, QString(QStringLiteral("name-") + id), encrypted });
}

QByteArray storedValue(Database &db, const QString &credentialId)
{
    auto q = db.exec(QStringLiteral("SELECT encrypted_value FROM credentials WHERE id = ?"),
                     { credentialId });
    if (!q || !q->next())
        return {};
    return q->value(0).toByteArray();
}

QByteArray storedTeamKey(Database &db, const QString &teamId)
{
    auto q = db.exec(QStringLiteral("SELECT wrapped_dek FROM teams WHERE id = ?"), { teamId });
    if (!q || !q->next())
        return {};
    return q->value(0).toByteArray();
}

#define MIGRATED_DB(name)         \
  auto name = migratedDatabase(); \
  if (!name)                      \
    return;

#define VERIFY_OK(expr)                           \
  do {                                            \
    const auto &r_ = (expr);                      \
    QVERIFY2(r_.ok(), qPrintable(errorText(r_))); \
  } while (false)

} // namespace

class TestVault : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data();

    void keyCheckOnFreshDatabase();
    void sameKeyAccepted();
    void differentKeyRefused();
    void teamsWithoutKeyCheckRefused();

    void sealStoreOpen();
    void ciphertextBoundToRow();
    void corruptedTeamKey_data();
    void corruptedTeamKey();
    void unknownTeam();

private:
    SystemRandom m_random;
};

void TestVault::initTestCase_data()
{
    tap::test::addBackendRows();
}

void TestVault::keyCheckOnFreshDatabase()
{
    MIGRATED_DB(db);
    auto keys = randomKeyRing(m_random);
    QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM meta")), qint64(0));
    // What tapd asks before it loads a key: may a key file be created for this database?
    auto before = Vault::hasKeyCheck(*db);
    VERIFY_OK(before);
    QCOMPARE(before.value(), false);

    Vault vault(*db, *keys, m_random);
    VERIFY_OK(vault.checkMasterKey());
    auto after = Vault::hasKeyCheck(*db);
    VERIFY_OK(after);
    QCOMPARE(after.value(), true);

    auto q = db->exec(QStringLiteral("SELECT value FROM meta WHERE key = 'key_check'"));
    QVERIFY(q.ok());
    QVERIFY(q->next());
    const QByteArray check = q->value(0).toByteArray();
    QVERIFY(check.size() > 16);
    QVERIFY(keys->verifyKeyCheck(check));
    // Checking again on the same database is a no-op.
    VERIFY_OK(vault.checkMasterKey());
    QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM meta WHERE key = 'key_check'")),
             qint64(1));
}

void TestVault::sameKeyAccepted()
{
    MIGRATED_DB(db);
    const QByteArray master = m_random.bytes(32);
    KeyRing first(SecretBytes{ master });
    KeyRing second(SecretBytes{ master });
    {
        Vault vault(*db, first, m_random);
        VERIFY_OK(vault.checkMasterKey());
    }
    const QByteArray stored = [&] {
        auto q = db->exec(QStringLiteral("SELECT value FROM meta WHERE key = 'key_check'"));
        return q && q->next() ? q->value(0).toByteArray() : QByteArray();
    }();

    // A later start with the same key (a new KeyRing and Vault: nothing cached).
    Vault again(*db, second, m_random);
    VERIFY_OK(again.checkMasterKey());
    auto q = db->exec(QStringLiteral("SELECT value FROM meta WHERE key = 'key_check'"));
    QVERIFY(q.ok() && q->next());
    QCOMPARE(q->value(0).toByteArray(), stored); // not replaced
}

void TestVault::differentKeyRefused()
{
    MIGRATED_DB(db);
    auto right = randomKeyRing(m_random);
    auto wrong = randomKeyRing(m_random);
    {
        Vault vault(*db, *right, m_random);
        VERIFY_OK(vault.checkMasterKey());
    }
    Vault vault(*db, *wrong, m_random);
    const auto r = vault.checkMasterKey();
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Forbidden);
    QVERIFY2(r.error().message().contains(u"does not match"), qPrintable(r.error().message()));
    // The right key still works afterwards: the refusal did not overwrite the check value.
    Vault rightAgain(*db, *right, m_random);
    VERIFY_OK(rightAgain.checkMasterKey());
}

// A database with teams but no key check (e.g. the meta row was lost): refuse, since there is
// no way to tell whether this master key opens the teams' keys.
void TestVault::teamsWithoutKeyCheckRefused()
{
    MIGRATED_DB(db);
    auto keys = randomKeyRing(m_random);
    Vault vault(*db, *keys, m_random);
    const auto wrapped = vault.newWrappedTeamKey(QStringLiteral("t1"));
    VERIFY_OK(wrapped);
    VERIFY_OK(insertTeam(*db, QStringLiteral("t1"), *wrapped));

    const auto r = vault.checkMasterKey();
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Forbidden);
    QVERIFY2(r.error().message().contains(u"no master key check"), qPrintable(r.error().message()));
    QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM meta")), qint64(0));
}

void TestVault::sealStoreOpen()
{
    MIGRATED_DB(db);
    const QByteArray master = m_random.bytes(32);
    KeyRing keys(SecretBytes{ master });
    Vault vault(*db, keys, m_random);
    VERIFY_OK(vault.checkMasterKey());

    const QString team = QStringLiteral("team-1");
    const auto wrapped = vault.newWrappedTeamKey(team);
    VERIFY_OK(wrapped);
    VERIFY_OK(insertTeam(*db, team, *wrapped));
    QCOMPARE(storedTeamKey(*db, team), *wrapped);

    // Binary-safe: NUL bytes and non-UTF-8 survive the round trip through both drivers.
    const QByteArray plain = QByteArrayLiteral("ghp_Secret\0Value\xff\xfe-1234567890");
    const QString cred = QStringLiteral("cred-1");
    const auto sealed = vault.seal(team, KeyRing::credentialAad(team, cred), SecretBytes{ plain });
    VERIFY_OK(sealed);
    VERIFY_OK(insertCredential(*db, team, cred, *sealed));

    const QByteArray stored = storedValue(*db, cred);
    QCOMPARE(stored, *sealed);
    QVERIFY(!stored.contains(plain));
    QVERIFY(!stored.contains(QByteArrayLiteral("ghp_Secret")));
    QVERIFY(!stored.contains(QByteArrayLiteral("1234567890")));

    // Opened by the same vault (cached team key) and by a fresh one that must unwrap the team
    // key from the database.
    const auto opened = vault.open(team, KeyRing::credentialAad(team, cred), stored);
    VERIFY_OK(opened);
    QCOMPARE(opened->view(), QByteArrayView(plain));

    KeyRing restartedKeys(SecretBytes{ master });
    Vault restarted(*db, restartedKeys, m_random);
    VERIFY_OK(restarted.checkMasterKey());
    const auto reopened = restarted.open(team, KeyRing::credentialAad(team, cred), stored);
    VERIFY_OK(reopened);
    QCOMPARE(reopened->view(), QByteArrayView(plain));

    // The wrapped team key does not contain the data key in the clear either: a vault with
    // another master key cannot open it.
    auto otherKeys = randomKeyRing(m_random);
    Vault other(*db, *otherKeys, m_random);
    const auto foreign = other.open(team, KeyRing::credentialAad(team, cred), stored);
    QVERIFY(!foreign.ok());
}

// A ciphertext copied to another row, or to another team's row, does not open there.
void TestVault::ciphertextBoundToRow()
{
    MIGRATED_DB(db);
    KeyRing keys(SecretBytes{ m_random.bytes(32) });
    Vault vault(*db, keys, m_random);
    VERIFY_OK(vault.checkMasterKey());
    const QString t1 = QStringLiteral("t1");
    const QString t2 = QStringLiteral("t2");
    for (const QString &team : { t1, t2 }) {
        const auto wrapped = vault.newWrappedTeamKey(team);
        VERIFY_OK(wrapped);
        VERIFY_OK(insertTeam(*db, team, *wrapped));
    }

    const SecretBytes secret{ QByteArrayLiteral("sk_live_abcdef") };
    const auto sealed = vault.seal(t1, KeyRing::credentialAad(t1, QStringLiteral("c1")), secret);
    VERIFY_OK(sealed);
    VERIFY_OK(insertCredential(*db, t1, QStringLiteral("c1"), *sealed));
    VERIFY_OK(insertCredential(*db, t1, QStringLiteral("c2"), QVariant()));
    VERIFY_OK(insertCredential(*db, t2, QStringLiteral("c3"), QVariant()));

    // Copy c1's ciphertext into c2 (same team) and c3 (other team), as an attacker with
    // write access to the database could.
    VERIFY_OK(db->exec(QStringLiteral("UPDATE credentials SET encrypted_value = ? "
                                      "WHERE id IN ('c2', 'c3')"),
                       { storedValue(*db, QStringLiteral("c1")) }));
    const QByteArray copiedToC2 = storedValue(*db, QStringLiteral("c2"));
    const QByteArray copiedToC3 = storedValue(*db, QStringLiteral("c3"));
    QCOMPARE(copiedToC2, *sealed);
    QCOMPARE(copiedToC3, *sealed);

    VERIFY_OK(vault.open(t1, KeyRing::credentialAad(t1, QStringLiteral("c1")),
                         storedValue(*db, QStringLiteral("c1"))));
    QVERIFY(!vault.open(t1, KeyRing::credentialAad(t1, QStringLiteral("c2")), copiedToC2).ok());
    QVERIFY(!vault.open(t2, KeyRing::credentialAad(t2, QStringLiteral("c3")), copiedToC3).ok());
    // Nor with the original row's AAD but the other team's key, nor the other way round.
    QVERIFY(!vault.open(t2, KeyRing::credentialAad(t1, QStringLiteral("c1")), copiedToC3).ok());
    QVERIFY(!vault.open(t1, KeyRing::credentialAad(t2, QStringLiteral("c3")), copiedToC3).ok());

    // A wrapped team key copied to another team does not open there either.
    VERIFY_OK(db->exec(QStringLiteral("UPDATE teams SET wrapped_dek = ? WHERE id = 't2'"),
                       { storedTeamKey(*db, t1) }));
    Vault fresh(*db, keys, m_random); // no cached team keys
    const auto swapped =
            fresh.open(t2, KeyRing::credentialAad(t1, QStringLiteral("c1")), copiedToC3);
    QVERIFY(!swapped.ok());
    QCOMPARE(swapped.error().code(), ErrorCode::Internal);
}

void TestVault::corruptedTeamKey_data()
{
    QTest::addColumn<QString>("corruption");

    QTest::newRow("flipped bit in the tag") << QStringLiteral("flip-last");
    QTest::newRow("flipped bit in the nonce") << QStringLiteral("flip-nonce");
    QTest::newRow("flipped version byte") << QStringLiteral("flip-first");
    QTest::newRow("truncated") << QStringLiteral("truncate");
    QTest::newRow("one byte") << QStringLiteral("one-byte");
    QTest::newRow("empty") << QStringLiteral("empty");
    QTest::newRow("random bytes") << QStringLiteral("random");
    QTest::newRow("plain data key") << QStringLiteral("plain");
}

void TestVault::corruptedTeamKey()
{
    QFETCH(QString, corruption);
    MIGRATED_DB(db);
    KeyRing keys(SecretBytes{ m_random.bytes(32) });
    Vault vault(*db, keys, m_random);
    VERIFY_OK(vault.checkMasterKey());

    const QString team = QStringLiteral("t1");
    const auto good = vault.newWrappedTeamKey(team);
    VERIFY_OK(good);
    QByteArray wrapped = *good;
    if (corruption == u"flip-last")
        wrapped[wrapped.size() - 1] = char(wrapped.back() ^ 0x01);
    else if (corruption == u"flip-nonce")
        wrapped[3] = char(wrapped[3] ^ 0x80);
    else if (corruption == u"flip-first")
        wrapped[0] = char(wrapped[0] ^ 0x01);
    else if (corruption == u"truncate")
        wrapped.chop(1);
    else if (corruption == u"one-byte")
        wrapped = QByteArray(1, '\x01');
    else if (corruption == u"empty")
        wrapped = QByteArray("");
    else if (corruption == u"random")
        wrapped = m_random.bytes(int(wrapped.size()));
    else if (corruption == u"plain")
        wrapped = m_random.bytes(32);
    VERIFY_OK(insertTeam(*db, team, wrapped));

    const QByteArray aad = KeyRing::credentialAad(team, QStringLiteral("c1"));
    const auto sealed = vault.seal(team, aad, SecretBytes{ QByteArrayLiteral("secret") });
    QVERIFY(!sealed.ok());
    QCOMPARE(sealed.error().code(), ErrorCode::Internal);
    QVERIFY(!sealed.error().message().isEmpty());

    const auto opened = vault.open(team, aad, m_random.bytes(64));
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code(), ErrorCode::Internal);

    // A failure is not cached: once the row is repaired the team works.
    VERIFY_OK(db->exec(QStringLiteral("UPDATE teams SET wrapped_dek = ? WHERE id = ?"),
                       { *good, team }));
    const auto repaired = vault.seal(team, aad, SecretBytes{ QByteArrayLiteral("secret") });
    VERIFY_OK(repaired);
    const auto roundTrip = vault.open(team, aad, *repaired);
    VERIFY_OK(roundTrip);
    QCOMPARE(roundTrip->view(), QByteArrayView("secret"));
}

void TestVault::unknownTeam()
{
    MIGRATED_DB(db);
    KeyRing keys(SecretBytes{ m_random.bytes(32) });
    Vault vault(*db, keys, m_random);
    VERIFY_OK(vault.checkMasterKey());
    const auto sealed =
            vault.seal(QStringLiteral("nope"),
                       KeyRing::credentialAad(QStringLiteral("nope"), QStringLiteral("c")),
                       SecretBytes{ QByteArrayLiteral("x") });
    QVERIFY(!sealed.ok());
    QCOMPARE(sealed.error().code(), ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(TestVault)
#include "tst_vault.moc"
