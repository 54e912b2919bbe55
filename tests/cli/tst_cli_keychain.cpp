// `tap login` and the system keychain, with a real Secret Service (gnome-keyring-daemon on a
// private D-Bus session bus: secretservice.h): the token in the keychain and never in a file,
// shared both ways with tap-console (its ProfileStore and KeychainSecretStore, linked here),
// --profile, TAP_SESSION over the keychain, a revoked session; and without a reachable
// keychain, the fallback file with one notice. The session is not stored by tapd's backend,
// so one backend (SQLite) is enough here.
#include "clitest.h"
#include "secretservice.h"

#include "session/profilestore.h"
#include "session/secretstore.h"
#include "session/session.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using namespace tap::test::cli;

namespace {

constexpr int kTimeoutMs = 30000;

// The token tap-console's keychain store reads for `key`.
QString consoleToken(const QString &key)
{
    tap::console::KeychainSecretStore store;
    QString token;
    QEventLoop loop;
    store.read(key, [&](bool ok, const QString &value, const QString &) {
        token = ok ? value : QString();
        loop.quit();
    });
    QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return token;
}

} // namespace

class TestCliKeychain : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    // tapd on SQLite (the harness reads the backend from the global data).
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << u"sqlite"_s;
    }
    void init();
    void loginKeepsTheTokenInTheKeychain();
    void consoleLoginServesTap();
    void profiles();
    void environmentOverridesAndRevokedSession();
    void fallbackFileWithoutKeychain();

private:
    // tap with this program's keychain and configuration (the console's settings file).
    void share(World &w) const
    {
        w.extraEnv.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, m_keychain.address());
        w.extraEnv.insert(u"XDG_CONFIG_HOME"_s, m_config.path());
    }
    QString profileKey(const World &w) const { return w.url() + u'|' + w.owner.email; }

    SecretService m_keychain;
    QString m_keychainError;
    QTemporaryDir m_config;
};

void TestCliKeychain::initTestCase()
{
    const QString binary = qEnvironmentVariable("TAP_CLI_BINARY");
    QVERIFY2(QFileInfo(binary).isExecutable(), "TAP_CLI_BINARY must point at tap");
    QVERIFY(m_config.isValid());
    // Before the first QSettings and the first keychain call of this process.
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
    QCoreApplication::setOrganizationName(u"TAP"_s);
    QCoreApplication::setApplicationName(u"tap-console"_s);
    m_keychainError = m_keychain.start();
    if (m_keychainError.isEmpty())
        qputenv("DBUS_SESSION_BUS_ADDRESS", m_keychain.address().toUtf8());
}

void TestCliKeychain::init()
{
    QFile::remove(m_config.filePath(u"TAP/tap-console.conf"_s));
    QFile::remove(m_config.filePath(u"tap/session.json"_s));
    if (!m_keychainError.isEmpty()
        && QString::fromLatin1(QTest::currentTestFunction()) != u"fallbackFileWithoutKeychain"_s)
        QSKIP(qPrintable(u"no Secret Service can run here: "_s + m_keychainError));
}

void TestCliKeychain::loginKeepsTheTokenInTheKeychain()
{
    World w;
    QVERIFY(setUp(w, u"kc-login"_s));
    share(w);
    const Run login =
            w.tap({ u"login"_s, u"--email"_s, w.owner.email }, w.password.toUtf8() + '\n');
    TAP_OK(login);
    QVERIFY2(login.err.isEmpty(), login.err.constData()); // no fallback notice
    QVERIFY(login.out.contains("system keychain"));
    // In the keychain under the console's service and key; in no file.
    const QByteArray kept = m_keychain.lookup(u"tap-console"_s, profileKey(w));
    QVERIFY2(kept.startsWith("taps_"), kept.constData());
    QVERIFY(!QFile::exists(m_config.filePath(u"tap/session.json"_s)));
    QFile conf(m_config.filePath(u"TAP/tap-console.conf"_s));
    QVERIFY(conf.open(QIODevice::ReadOnly));
    QVERIFY(!conf.readAll().contains("taps_"));
    // tap-console sees the profile and reads the same token.
    const auto last = tap::console::ProfileStore().last();
    QVERIFY(last.has_value());
    QCOMPARE(last->email, w.owner.email);
    QCOMPARE(last->key(), profileKey(w));
    QCOMPARE(consoleToken(profileKey(w)).toUtf8(), kept);

    const Run who = w.tap({ u"whoami"_s, u"--json"_s });
    TAP_OK(who);
    QCOMPARE(who.json().value(u"team_id"_s).toString(), w.owner.teamId);
    QCOMPARE(who.json().value(u"email"_s).toString(), w.owner.email);

    TAP_OK(w.tap({ u"logout"_s }));
    QVERIFY(m_keychain.lookup(u"tap-console"_s, profileKey(w)).isEmpty());
    TAP_FAILS(w.tap({ u"whoami"_s }), 1, "not logged in: run 'tap login'");
}

void TestCliKeychain::consoleLoginServesTap()
{
    World w;
    QVERIFY(setUp(w, u"kc-console"_s));
    share(w);
    // Signed in with tap-console's own session code; tap never logged in.
    tap::console::KeychainSecretStore secrets;
    tap::console::Session session(&secrets);
    const tap::console::Profile profile{ QUrl(w.url()), w.owner.email };
    bool done = false;
    session.login(profile, w.password, [&](const tap::console::Session::Reply &r) {
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done && session.tokenInKeychain(), kTimeoutMs);
    // No TAP_URL: the console's latest profile picks the server.
    const Run who = w.tap({ u"whoami"_s, u"--json"_s }, {}, false);
    TAP_OK(who);
    QCOMPARE(who.json().value(u"team_id"_s).toString(), w.owner.teamId);
    QCOMPARE(who.json().value(u"url"_s).toString(), w.url());
    // tap logout ends it for the console too.
    TAP_OK(w.tap({ u"logout"_s }, {}, false));
    QVERIFY(consoleToken(profile.key()).isEmpty());
}

void TestCliKeychain::profiles()
{
    World w;
    QVERIFY(setUp(w, u"kc-first"_s));
    share(w);
    const Account second = signUp(w.tapd, u"kc-second"_s, u"kc-second@example.test"_s);
    QVERIFY(!second.token.isEmpty());
    QVERIFY(logIn(w));
    TAP_OK(w.tap({ u"login"_s, u"--email"_s, second.email },
                 "pw-kc-second-long-enough\n")); // tapdharness.h's signUp
    // The latest login is the default; --profile picks another by email or URL|EMAIL.
    Run who = w.tap({ u"whoami"_s, u"--json"_s });
    TAP_OK(who);
    QCOMPARE(who.json().value(u"team_id"_s).toString(), second.teamId);
    who = w.tap({ u"--profile"_s, w.owner.email, u"whoami"_s, u"--json"_s });
    TAP_OK(who);
    QCOMPARE(who.json().value(u"team_id"_s).toString(), w.owner.teamId);
    who = w.tap({ u"whoami"_s, u"--profile"_s, profileKey(w), u"--json"_s });
    TAP_OK(who);
    QCOMPARE(who.json().value(u"team_id"_s).toString(), w.owner.teamId);
    const Run list = w.tap({ u"profile"_s, u"list"_s, u"--json"_s });
    TAP_OK(list);
    const QJsonArray items = list.json().value(u"items"_s).toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items.at(0)[u"email"_s].toString(), second.email);
    QVERIFY(items.at(0)[u"current"_s].toBool());
    // Unknown or ambiguous: one line, exit 1.
    Run r = w.tap({ u"--profile"_s, u"nobody@example.test"_s, u"whoami"_s });
    TAP_FAILS(r, 1, "no saved login matches --profile nobody@example.test");
    QCOMPARE(r.err.count('\n'), 1);
    r = w.tap({ u"--profile"_s, u"127.0.0.1"_s, u"whoami"_s });
    TAP_FAILS(r, 1, "matches several saved logins");
    QCOMPARE(r.err.count('\n'), 1);
    // Logging out of one keeps the other.
    TAP_OK(w.tap({ u"--profile"_s, w.owner.email, u"logout"_s }));
    TAP_FAILS(w.tap({ u"--profile"_s, w.owner.email, u"whoami"_s }), 1, "not logged in");
    TAP_OK(w.tap({ u"--profile"_s, second.email, u"whoami"_s }));
}

void TestCliKeychain::environmentOverridesAndRevokedSession()
{
    World w;
    QVERIFY(setUp(w, u"kc-revoke"_s));
    share(w);
    QVERIFY(logIn(w));
    // TAP_SESSION wins over the keychain (scripts and CI).
    const Account other = signUp(w.tapd, u"kc-other"_s, u"kc-other@example.test"_s);
    w.extraEnv.insert(u"TAP_SESSION"_s, QString::fromLatin1(other.token));
    Run who = w.tap({ u"whoami"_s, u"--json"_s });
    TAP_OK(who);
    QCOMPARE(who.json().value(u"team_id"_s).toString(), other.teamId);
    // Logging out of TAP_SESSION's session leaves the saved login alone.
    TAP_OK(w.tap({ u"logout"_s }));
    w.extraEnv.remove(u"TAP_SESSION"_s);
    QVERIFY(!m_keychain.lookup(u"tap-console"_s, profileKey(w)).isEmpty());
    TAP_OK(w.tap({ u"whoami"_s }));
    // The kept session ended elsewhere (the console, another tap): one line, exit 1.
    const QByteArray token = m_keychain.lookup(u"tap-console"_s, profileKey(w));
    QVERIFY(!token.isEmpty());
    QCOMPARE(w.tapd.client(token).post("/logout", QJsonObject()).status / 100, 2);
    const Run revoked = w.tap({ u"agent"_s, u"list"_s });
    TAP_FAILS(revoked, 1, "the session has expired or is not valid: run 'tap login'");
    QCOMPARE(revoked.err.count('\n'), 1);
}

void TestCliKeychain::fallbackFileWithoutKeychain()
{
    World w; // its tap runs see no session bus (clitest.h)
    QVERIFY(setUp(w, u"kc-fallback"_s));
    const Run login =
            w.tap({ u"login"_s, u"--email"_s, w.owner.email }, w.password.toUtf8() + '\n');
    TAP_OK(login);
    // Said once, on stderr, in one line; the token in the 0600 file.
    QCOMPARE(login.err.count('\n'), 1);
    QVERIFY2(login.err.contains("no system keychain is reachable")
                     && login.err.contains(w.sessionFile().toUtf8()),
             login.err.constData());
    QCOMPARE(QFile::permissions(w.sessionFile()) & 0x0FFF, QFile::ReadUser | QFile::WriteUser);
    const Run who = w.tap({ u"whoami"_s });
    TAP_OK(who);
    QVERIFY2(who.err.isEmpty(), who.err.constData());
    TAP_OK(w.tap({ u"logout"_s }));
    QVERIFY(!QFile::exists(w.sessionFile()));
}

QTEST_GUILESS_MAIN(TestCliKeychain)
#include "tst_cli_keychain.moc"
