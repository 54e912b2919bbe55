// The grammar of `tap` without a server: the seed's two lines parse as written, help at every
// level, usage errors (exit 2) for unknown options and missing arguments, secrets refused on
// the command line, and the session file's permissions.
#include "args.h"
#include "commands.h"
#include "completion.h"
#include "session.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::cli;

namespace {

ParseResult run(const QStringList &args)
{
    static const QList<Command> commands = allCommands();
    static const QList<Alias> aliases = allAliases();
    // The commands outlive the result (static), so result.command stays valid.
    return parse(commands, aliases, args);
}

QStringList words(const QString &line)
{
    return QProcess::splitCommand(line);
}

} // namespace

class TestCliArgs : public QObject
{
    Q_OBJECT

private slots:
    void seedRoleLine();
    void seedAgentLine();
    void aliasAndForms();
    void help_data();
    void help();
    void usageErrors_data();
    void usageErrors();
    void secretsRefused_data();
    void secretsRefused();
    void ordinaryValuesAccepted_data();
    void ordinaryValuesAccepted();
    void everyCommandHasHelp();
    void sessionFileIsOwnerOnly();
    void completionAndManPage();
};

// seeds/configuration.txt "CLI Alternative", first line, exactly as written.
void TestCliArgs::seedRoleLine()
{
    const ParseResult r =
            run(words(u"role create --name reader --description \"Read-only access\" --credentials "
                      "slack,github --rate-limit 50"_s));
    QCOMPARE(int(r.kind), int(ParseResult::Kind::Run));
    QCOMPARE(r.command->path(), u"role create"_s);
    QCOMPARE(r.invocation.value(u"name"_s), u"reader"_s);
    QCOMPARE(r.invocation.value(u"description"_s), u"Read-only access"_s);
    QCOMPARE(r.invocation.list(u"credentials"_s), QStringList({ u"slack"_s, u"github"_s }));
    QCOMPARE(r.invocation.value(u"rate-limit"_s), u"50"_s);
}

// Second line.
void TestCliArgs::seedAgentLine()
{
    const ParseResult r =
            run(words(u"agent create --name my-agent --roles reader --credentials extra-cred"_s));
    QCOMPARE(int(r.kind), int(ParseResult::Kind::Run));
    QCOMPARE(r.command->path(), u"agent create"_s);
    QCOMPARE(r.invocation.value(u"name"_s), u"my-agent"_s);
    QCOMPARE(r.invocation.list(u"roles"_s), QStringList{ u"reader"_s });
    QCOMPARE(r.invocation.list(u"credentials"_s), QStringList{ u"extra-cred"_s });
}

void TestCliArgs::aliasAndForms()
{
    ParseResult r = run(words(u"add slack --api-base=https://slack.com/api --no-value"_s));
    QCOMPARE(int(r.kind), int(ParseResult::Kind::Run));
    QCOMPARE(r.command->path(), u"credential create"_s);
    QCOMPARE(r.invocation.positionals, QStringList{ u"slack"_s });
    QCOMPARE(r.invocation.value(u"api-base"_s), u"https://slack.com/api"_s);
    QVERIFY(r.invocation.has(u"no-value"_s));

    r = run(words(u"--json --url http://h:1 agent list"_s));
    QCOMPARE(int(r.kind), int(ParseResult::Kind::Run));
    QVERIFY(r.invocation.json);
    QCOMPARE(r.invocation.url, u"http://h:1"_s);

    r = run(words(u"agent list --json"_s));
    QVERIFY(r.invocation.json);
    r = run(words(u"link delete team-1 bot"_s));
    QCOMPARE(r.invocation.positionals, QStringList({ u"team-1"_s, u"bot"_s }));
}

void TestCliArgs::help_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("expected");
    QTest::newRow("top") << u"--help"_s << u"usage: tap <noun> <verb>"_s;
    QTest::newRow("top -h") << u"-h"_s << u"exit codes: 0 success, 1 error, 2 usage"_s;
    QTest::newRow("noun") << u"role --help"_s << u"usage: tap role <command>"_s;
    QTest::newRow("verb") << u"role create --help"_s << u"--rate-limit N"_s;
    QTest::newRow("verb, help last") << u"agent create --name x --help"_s << u"--roles R1,R2"_s;
    QTest::newRow("top-level command") << u"login --help"_s << u"--password-file PATH"_s;
    QTest::newRow("alias") << u"add --help"_s << u"--value-file PATH"_s;
}

void TestCliArgs::help()
{
    QFETCH(QString, line);
    QFETCH(QString, expected);
    const ParseResult r = run(words(line));
    QCOMPARE(int(r.kind), int(ParseResult::Kind::Help));
    QVERIFY2(r.text.contains(expected), qPrintable(r.text));
}

void TestCliArgs::usageErrors_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("usage");
    QTest::newRow("nothing") << QString() << u"no command given"_s << u"usage: tap"_s;
    QTest::newRow("unknown noun") << u"frob"_s << u"unknown command 'frob'"_s << u"usage: tap"_s;
    QTest::newRow("noun only") << u"role"_s << u"'tap role' needs a command"_s
                               << u"usage: tap role <command>"_s;
    QTest::newRow("unknown verb") << u"role frob"_s << u"unknown command 'tap role frob'"_s
                                  << u"tap role --help"_s;
    QTest::newRow("unknown flag") << u"role create --name x --colour red"_s
                                  << u"unknown option --colour"_s
                                  << u"usage: tap role create [NAME] [options]"_s;
    QTest::newRow("flag without value")
            << u"role create --name"_s << u"--name needs a value"_s << u"usage: tap role create"_s;
    QTest::newRow("value on a flag") << u"credential create x --no-value=1"_s
                                     << u"--no-value takes no value"_s << u"usage: tap"_s;
    QTest::newRow("missing argument")
            << u"agent delete"_s << u"missing argument NAME"_s << u"usage: tap agent delete NAME"_s;
    QTest::newRow("missing second argument")
            << u"link delete team-1"_s << u"missing argument AGENT"_s
            << u"usage: tap link delete"_s;
    QTest::newRow("extra argument") << u"agent delete a b"_s << u"unexpected argument 'b'"_s
                                    << u"usage: tap agent delete"_s;
    QTest::newRow("unknown global")
            << u"--frob agent list"_s << u"unknown option --frob"_s << u"usage: tap"_s;
}

void TestCliArgs::usageErrors()
{
    QFETCH(QString, line);
    QFETCH(QString, message);
    QFETCH(QString, usage);
    const ParseResult r = run(words(line));
    QCOMPARE(int(r.kind), int(ParseResult::Kind::Usage));
    QVERIFY2(r.text.contains(message), qPrintable(r.text));
    QVERIFY2(r.usage.contains(usage), qPrintable(r.usage));
    QVERIFY(!r.text.contains(u'\n'));
}

void TestCliArgs::secretsRefused_data()
{
    QTest::addColumn<QString>("line");
    QTest::newRow("--value sk-") << u"credential create slack --value sk-abcdef0123456789"_s;
    QTest::newRow("--value=anything") << u"add slack --value=hunter2"_s;
    QTest::newRow("--password") << u"login --email a@b.c --password x"_s;
    QTest::newRow("--password=") << u"login --password=x"_s;
    QTest::newRow("--token") << u"channel create ops --type telegram --token 123:abc"_s;
    QTest::newRow("--api-key") << u"agent list --api-key tap_abc"_s;
    QTest::newRow("--bot-token") << u"channel create ops --bot-token 123:abc"_s;
    QTest::newRow("OpenAI key as positional")
            << u"credential create sk-proj-abcdefghijklmnop0123"_s;
    QTest::newRow("Slack token in another option")
            << u"add slack --description xoxb-123456789012-abcdefghijkl"_s;
    QTest::newRow("GitHub token") << u"add gh --api-base ghp_abcdefghijklmnopqrstuvwxyz012345"_s;
    QTest::newRow("AWS access key id") << u"add aws --description AKIAIOSFODNN7EXAMPLE"_s;
    QTest::newRow("agent key") << u"agent show tap_0123456789abcdefghij"_s;
    QTest::newRow("session token") << u"--url http://x whoami taps_0123456789abcdefghij"_s;
    QTest::newRow("bearer header") << u"add x --auth-header-format \"Bearer abc123\""_s;
    QTest::newRow("JWT")
            << u"add x --description eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig"_s;
}

void TestCliArgs::secretsRefused()
{
    QFETCH(QString, line);
    const ParseResult r = run(words(line));
    QCOMPARE(int(r.kind), int(ParseResult::Kind::Usage));
    QVERIFY2(r.text.startsWith(u"refusing"_s), qPrintable(r.text));
    // The hint names the safe ways in.
    QVERIFY2(r.text.contains(u"--value-file PATH"_s) && r.text.contains(u"stdin"_s),
             qPrintable(r.text));
}

void TestCliArgs::ordinaryValuesAccepted_data()
{
    QTest::addColumn<QString>("value");
    for (const QString &v :
         { u"reader"_s, u"slack,github"_s, u"Read-only access"_s, u"https://slack.com/api"_s,
           u"Bearer {value}"_s, u"tap-bot"_s, u"task_runner"_s, u"sketch"_s, u"skeleton-key"_s,
           u"my-agent"_s, u"-100123456"_s, u"!room:example.org"_s })
        QTest::newRow(qPrintable(v)) << v;
}

void TestCliArgs::ordinaryValuesAccepted()
{
    QFETCH(QString, value);
    QVERIFY(!looksLikeSecret(value));
    QVERIFY(secretRefusal(u"description"_s, value).isEmpty());
}

void TestCliArgs::everyCommandHasHelp()
{
    for (const Command &c : allCommands()) {
        QVERIFY2(!c.summary.isEmpty(), qPrintable(c.path()));
        QVERIFY2(c.run != nullptr, qPrintable(c.path()));
        const ParseResult r = run(c.path().split(u' ') << u"--help"_s);
        QCOMPARE(int(r.kind), int(ParseResult::Kind::Help));
        QVERIFY(r.text.contains(usageLine(c)));
        for (const Option &o : c.options)
            QVERIFY2(secretRefusal(o.name, {}).isEmpty(), qPrintable(o.name));
    }
}

void TestCliArgs::sessionFileIsOwnerOnly()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qputenv("XDG_CONFIG_HOME", dir.path().toUtf8());
    QCOMPARE(SessionFile::path(), dir.path() + u"/tap/session.json"_s);
    QVERIFY(SessionFile::load().token.isEmpty());
    QCOMPARE(SessionFile::save({ u"http://h:1"_s, u"a@b.c"_s, u"t1"_s, u"taps_x"_s }), QString());
    QCOMPARE(QFile::permissions(SessionFile::path()) & 0x0FFF, QFile::ReadUser | QFile::WriteUser);
    QCOMPARE(QFile::permissions(dir.path() + u"/tap"_s) & 0x00FF, QFileDevice::Permissions());
    const StoredSession s = SessionFile::load();
    QCOMPARE(s.url, u"http://h:1"_s);
    QCOMPARE(s.token, u"taps_x"_s);
    QVERIFY(SessionFile::remove());
    QVERIFY(!QFile::exists(SessionFile::path()));
}

// Both are generated from the command table: every command and option is in them.
void TestCliArgs::completionAndManPage()
{
    const QString bash = bashCompletion(allCommands(), allAliases());
    QVERIFY(bash.contains(u"complete -F _tap tap"_s));
    QVERIFY(bash.contains(u"\"role create\") opts=\"--name --description --credentials "
                          "--rate-limit --json --url --profile --help\""_s));
    QVERIFY(bash.contains(u"add) key=\"credential create\""_s));
    QVERIFY(bash.contains(u"\"credential set-value\") opts=\"--scope-kind --scope-id --value-file "
                          "--json --url --profile --help\""_s));
    QVERIFY(bash.contains(u"--value-file|"_s));
    QProcess sh;
    sh.start(u"bash"_s, { u"-n"_s });
    QVERIFY(sh.waitForStarted());
    sh.write(bash.toUtf8());
    sh.closeWriteChannel();
    QVERIFY(sh.waitForFinished());
    QCOMPARE(sh.readAllStandardError(), QByteArray());
    QCOMPARE(sh.exitCode(), 0);

    // zsh: every noun, verb and option, and a script zsh parses (when zsh is installed).
    const QString zsh = zshCompletion(allCommands(), allAliases());
    QVERIFY(zsh.startsWith(u"#compdef tap\n"_s));
    QVERIFY(zsh.contains(
            u"'add:same as \\'tap credential create\\''"_s.replace(u"\\'"_s, u"'\\''"_s)));
    QVERIFY(zsh.contains(u"--value-file|"_s));
    for (const Command &c : allCommands()) {
        QVERIFY2(zsh.contains(u"\""_s + c.path() + u"\") entries=("_s), qPrintable(c.path()));
        for (const Option &o : c.options)
            QVERIFY2(zsh.contains(u"'--"_s + o.name + u':'), qPrintable(o.name));
    }
    if (!QStandardPaths::findExecutable(u"zsh"_s).isEmpty()) {
        QProcess z;
        z.start(u"zsh"_s, { u"-n"_s });
        QVERIFY(z.waitForStarted());
        z.write(zsh.toUtf8());
        z.closeWriteChannel();
        QVERIFY(z.waitForFinished());
        QCOMPARE(z.readAllStandardError(), QByteArray());
        QCOMPARE(z.exitCode(), 0);
        // What it offers, with zsh's completion functions stubbed to print their entries.
        QTemporaryDir dir;
        QFile script(dir.filePath(u"_tap"_s));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write(zsh.toUtf8());
        script.close();
        z.start(u"zsh"_s,
                { u"-f"_s, u"-c"_s,
                  u"_describe() { shift 3; print -rl -- ${(P)1} }; "
                  "_files() { print FILES }; _message() { print VALUE }; "
                  "source %1 >/dev/null; "
                  "words=(tap appr); CURRENT=2; _tap; "
                  "words=(tap approval w); CURRENT=3; _tap; "
                  "words=(tap approval watch --t); CURRENT=4; _tap; "
                  "words=(tap add x --value-file ''); CURRENT=5; _tap; "
                  "words=(tap --url ''); CURRENT=3; _tap"_s.arg(script.fileName()) });
        QVERIFY(z.waitForFinished());
        const QByteArray offered = z.readAllStandardOutput();
        for (const char *expected :
             { "approval:(approval commands)", "watch:print pending approval requests",
               "--timeout:stop after SECONDS", "--profile:the saved login", "FILES", "VALUE" })
            QVERIFY2(offered.contains(expected), offered.constData());
    }

    const QString man = manPage(allCommands(), allAliases());
    QVERIFY(man.startsWith(u".TH TAP 1"_s));
    QVERIFY(man.contains(u".SH EXIT STATUS"_s));
    for (const Command &c : allCommands()) {
        QVERIFY2(man.contains(u".SS tap "_s + c.path().replace(u"-"_s, u"\\-"_s)),
                 qPrintable(c.path()));
        for (const Option &o : c.options)
            QVERIFY2(man.contains(u".B \\-\\-"_s + QString(o.name).replace(u"-"_s, u"\\-"_s)),
                     qPrintable(o.name));
    }
}

QTEST_GUILESS_MAIN(TestCliArgs)
#include "tst_cli_args.moc"
