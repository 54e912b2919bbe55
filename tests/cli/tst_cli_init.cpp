// `tap init` (the real binary) against a fresh tapd on both backends: sign-up through the mail
// outbox, verification, log-in; a second run changes nothing; secrets stay out of the output.
// The local half without a server: the data directory and master key are created with tapd's
// layout and permissions, checked on later runs, and refused when unsafe. Completion and man
// page list init and test.
#include "clitest.h"

#include <QCryptographicHash>

#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using namespace tap::test::cli;

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int modeOf(const QString &path)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

QString fingerprintOf(const QString &keyFile)
{
    const QByteArray raw = QByteArray::fromHex(readFile(keyFile).trimmed());
    return u"sha256:"_s
            + QString::fromLatin1(
                    QCryptographicHash::hash(raw, QCryptographicHash::Sha256).toHex().left(16));
}

QStringList outbox(const World &w)
{
    return QDir(w.tapd.dataDir() + u"/outbox"_s).entryList({ u"*.eml"_s }, QDir::Files);
}

quint16 closedPort()
{
    QTcpServer s;
    return s.listen(QHostAddress::LocalHost, 0) ? s.serverPort() : quint16(1);
}

} // namespace

class TestCliInit : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { requireTapBinary(); }
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void firstRunThenNothingChanges();
    void existingAccount();
    void localFilesWithoutServer();
    void unsafeKeyAndLostKey();
    void completionAndManPage();
};

void TestCliInit::firstRunThenNothingChanges()
{
    World w;
    QVERIFY(w.home.isValid() && w.tapd.start());
    const QString email = u"first@example.test"_s;
    const QByteArray password = "a-first-password-long-enough";
    const QString keyFile = w.tapd.dataDir() + u"/master.key"_s;
    const Run first = w.tap({ u"init"_s, u"--data-dir"_s, w.tapd.dataDir(), u"--email"_s, email,
                              u"--team"_s, u"first-team"_s, u"--password-stdin"_s },
                            password + '\n');
    TAP_OK(first);
    QVERIFY2(first.out.contains("signed up") && first.out.contains("verified")
                     && first.out.contains("Next steps:"),
             first.out.constData());
    // tapd created the key on its first start; init reports its fingerprint.
    QVERIFY2(first.out.contains(fingerprintOf(keyFile).toLatin1()), first.out.constData());
    const QByteArray code = w.tapd.verificationCode(email).toLatin1();
    QCOMPARE(code.size(), 6);
    for (const QByteArray &secret : { password, code, readFile(keyFile).trimmed() }) {
        QVERIFY(!first.out.contains(secret));
        QVERIFY(!first.err.contains(secret));
    }
    // Logged in like `tap login`: the session file is the owner's only and works.
    QCOMPARE(modeOf(w.sessionFile()), 0600);
    const Run who = w.tap({ u"whoami"_s, u"--json"_s });
    TAP_OK(who);
    QCOMPARE(who.json().value(u"email"_s).toString(), email);
    QCOMPARE(who.json().value(u"team_name"_s).toString(), u"first-team"_s);
    QCOMPARE(who.json().value(u"role"_s).toString(), u"owner"_s);

    // The second run: everything in place, no password read, nothing written or mailed.
    const QByteArray session = readFile(w.sessionFile());
    const QByteArray key = readFile(keyFile);
    const QStringList mails = outbox(w);
    const Run second = w.tap({ u"init"_s, u"--data-dir"_s, w.tapd.dataDir(), u"--json"_s });
    TAP_OK(second);
    const QJsonObject o = second.json();
    QCOMPARE(o.value(u"changed"_s).toBool(true), false);
    QCOMPARE(o[u"data_dir"_s][u"status"_s].toString(), u"in_place"_s);
    QCOMPARE(o[u"master_key"_s][u"status"_s].toString(), u"in_place"_s);
    QCOMPARE(o[u"master_key"_s][u"fingerprint"_s].toString(), fingerprintOf(keyFile));
    QCOMPARE(o[u"account"_s][u"status"_s].toString(), u"in_place"_s);
    QCOMPARE(o[u"account"_s][u"email"_s].toString(), email);
    QCOMPARE(readFile(w.sessionFile()), session);
    QCOMPARE(readFile(keyFile), key);
    QCOMPARE(outbox(w), mails);
    const Run human = w.tap({ u"init"_s, u"--data-dir"_s, w.tapd.dataDir(), u"--email"_s, email },
                            password + '\n');
    TAP_OK(human);
    QVERIFY2(human.out.contains("nothing changed"), human.out.constData());
    QCOMPARE(readFile(w.sessionFile()), session);
    QVERIFY(!human.out.contains(password) && !human.err.contains(password));
    QVERIFY(!w.tapd.log().contains(password));
}

// An account that exists: init logs in (no second team); a wrong password is one line.
void TestCliInit::existingAccount()
{
    World w;
    QVERIFY(setUp(w, u"cli-init-existing"_s));
    const QStringList args{ u"init"_s,    u"--data-dir"_s, w.tapd.dataDir(),
                            u"--email"_s, w.owner.email,   u"--password-stdin"_s };
    const QStringList mails = outbox(w);
    const Run wrong = w.tap(args, "not-the-password-at-all\n");
    QCOMPARE(wrong.code, 1);
    QVERIFY2(wrong.err.contains("already has an account") && wrong.err.count('\n') == 1,
             qPrintable(wrong.describe()));
    QVERIFY(!QFile::exists(w.sessionFile()));
    const Run in = w.tap(args + QStringList{ u"--json"_s }, w.password.toUtf8() + '\n');
    TAP_OK(in);
    QCOMPARE(in.json()[u"account"_s][u"status"_s].toString(), u"logged_in"_s);
    QCOMPARE(in.json()[u"account"_s][u"team_id"_s].toString(), w.owner.teamId);
    QCOMPARE(in.json().value(u"changed"_s).toBool(), true);
    QCOMPARE(outbox(w), mails);
    TAP_OK(w.tap({ u"whoami"_s }));

    // Signed up earlier but never verified: init takes the code from the outbox, verifies and
    // logs in.
    const QString later = u"later@example.test"_s;
    const QByteArray password = "a-later-password-long-enough";
    const HttpResponse signup = w.tapd.client().post("/signup",
                                                     { { u"team_name"_s, u"later-team"_s },
                                                       { u"email"_s, later },
                                                       { u"password"_s, text(password) } });
    QCOMPARE(signup.status, 201);
    const qsizetype mailsBefore = outbox(w).size();
    const Run verified = w.tap({ u"init"_s, u"--data-dir"_s, w.tapd.dataDir(), u"--email"_s, later,
                                 u"--password-stdin"_s, u"--json"_s },
                               password + '\n');
    TAP_OK(verified);
    QCOMPARE(verified.json()[u"account"_s][u"status"_s].toString(), u"verified"_s);
    QCOMPARE(verified.json()[u"account"_s][u"team_name"_s].toString(), u"later-team"_s);
    QCOMPARE(outbox(w).size(), mailsBefore); // the code of the sign-up was still good
    QVERIFY(!verified.out.contains(password) && !verified.err.contains(password));
    QVERIFY(!verified.out.contains(w.tapd.verificationCode(later).toLatin1()));
}

// tapd not started yet: init makes the data directory and key as tapd would, then says to
// start tapd; running it again keeps the key.
void TestCliInit::localFilesWithoutServer()
{
    if (currentIsPostgres())
        QSKIP("no database involved");
    World w;
    QVERIFY(w.home.isValid());
    const QString dir = w.home.path() + u"/state/tap"_s;
    const QString url = u"http://127.0.0.1:%1"_s.arg(closedPort());
    const QStringList args{ u"init"_s, u"--data-dir"_s, dir, u"--url"_s, url };
    const Run first = w.tap(args, {}, false);
    QCOMPARE(first.code, 1);
    QVERIFY2(first.out.contains("created"), first.out.constData());
    QVERIFY2(first.err.startsWith("tap: cannot reach tapd") && first.err.count('\n') == 1,
             first.err.constData());
    QCOMPARE(modeOf(dir), 0700);
    const QString keyFile = dir + u"/master.key"_s;
    QCOMPARE(modeOf(keyFile), 0600);
    const QByteArray key = readFile(keyFile);
    QVERIFY2(QRegularExpression(u"^[0-9a-f]{64}\\n$"_s).match(text(key)).hasMatch(),
             key.constData());
    QVERIFY(first.out.contains(fingerprintOf(keyFile).toLatin1()));
    QVERIFY(!first.out.contains(key.trimmed()));

    // Again, with a directory others could read: tightened, the key kept.
    QVERIFY(QFile::setPermissions(dir,
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                          | QFile::ReadOther | QFile::ExeOther));
    const Run second = w.tap(args + QStringList{ u"--json"_s }, {}, false);
    QCOMPARE(second.code, 1);
    QCOMPARE(modeOf(dir), 0700);
    QCOMPARE(readFile(keyFile), key);
    const Run third = w.tap(args, {}, false);
    QVERIFY2(third.out.contains("already in place") && !third.out.contains("created"),
             third.out.constData());
}

void TestCliInit::unsafeKeyAndLostKey()
{
    if (currentIsPostgres())
        QSKIP("no database involved");
    World w;
    QVERIFY(w.home.isValid());
    const QString dir = w.home.path() + u"/data"_s;
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    const QStringList args{ u"init"_s, u"--data-dir"_s, dir, u"--url"_s,
                            u"http://127.0.0.1:%1"_s.arg(closedPort()) };
    // A key others can read: refused as tapd refuses it, and left alone.
    const QString keyFile = dir + u"/master.key"_s;
    QFile key(keyFile);
    QVERIFY(key.open(QIODevice::WriteOnly));
    key.write(QByteArray(64, 'a') + '\n');
    key.close();
    QVERIFY(key.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup
                               | QFile::ReadOther));
    Run r = w.tap(args, {}, false);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("chmod 600") && r.err.count('\n') == 1, r.err.constData());
    QVERIFY(!r.err.contains(QByteArray(64, 'a')) && !r.out.contains(QByteArray(64, 'a')));
    QCOMPARE(modeOf(keyFile), 0644);

    // A database without its key: no new key (it could not open the stored secrets).
    QVERIFY(QFile::remove(keyFile));
    QFile db(dir + u"/tap.db"_s);
    QVERIFY(db.open(QIODevice::WriteOnly));
    db.close();
    r = w.tap(args, {}, false);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("restore the key"), r.err.constData());
    QVERIFY(!QFile::exists(keyFile));
}

void TestCliInit::completionAndManPage()
{
    if (currentIsPostgres())
        QSKIP("no database involved");
    World w;
    const Run bash = w.tap({ u"completion"_s, u"bash"_s }, {}, false);
    TAP_OK(bash);
    QVERIFY(bash.out.contains("\"init\") opts=\"--data-dir --email --team --password-stdin "
                              "--password-file --json --url --profile --help\""));
    QVERIFY(bash.out.contains("\"test\") opts=\"--target --method --agent-key-file --json --url "
                              "--profile --help\""));
    QVERIFY(bash.out.contains("--data-dir) COMPREPLY=($(compgen -d"));
    QVERIFY(bash.out.contains("|--agent-key-file"));
    QVERIFY(bash.out.contains(" init ") && bash.out.contains(" test "));
    const Run man = w.tap({ u"--generate-man"_s }, {}, false);
    TAP_OK(man);
    QVERIFY(man.out.contains(".SS tap init\n"));
    QVERIFY(man.out.contains(".SS tap test CREDENTIAL\n"));
    QVERIFY(man.out.contains(".B \\-\\-agent\\-key\\-file"));
}

QTEST_GUILESS_MAIN(TestCliInit)
#include "tst_cli_init.moc"
