// cli/yamldoc: what the writer emits reads back as the same strings (quoting of YAML's
// special words and characters), and the reader's bounds and refusals carry a line number.
// Also: `tap export` / `tap apply` in the command line grammar, completion and man page.
#include "commands.h"
#include "completion.h"
#include "config.h"
#include "yamldoc.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tap::cli;

class TestCliYaml : public QObject
{
    Q_OBJECT

private slots:
    void stringsRoundTrip_data();
    void stringsRoundTrip();
    void typedValuesStayTyped();
    void refusals_data();
    void refusals();
    void commandLine();
    void mutatedDocuments();
};

void TestCliYaml::stringsRoundTrip_data()
{
    QTest::addColumn<QString>("value");
    const QStringList values{
        u""_s,
        u"plain"_s,
        u"true"_s,
        u"False"_s,
        u"yes"_s,
        u"NO"_s,
        u"null"_s,
        u"~"_s,
        u"123"_s,
        u"-1"_s,
        u"0x1F"_s,
        u"1e3"_s,
        u".inf"_s,
        u"a: b"_s,
        u"a:b"_s,
        u"#comment"_s,
        u"x #y"_s,
        u" lead"_s,
        u"trail "_s,
        u"tab\there"_s,
        u"new\nline"_s,
        u"quote\"s"_s,
        u"back\\slash"_s,
        u"'single'"_s,
        u"[x]"_s,
        u"{y}"_s,
        u"a, b"_s,
        u"*alias"_s,
        u"&anchor"_s,
        u"!tag"_s,
        u"%dir"_s,
        u"@at"_s,
        u"`tick`"_s,
        u"- dash"_s,
        u"? q"_s,
        u"| pipe"_s,
        u"> fold"_s,
        u"ünïcødé"_s,
        u"emoji 😀"_s,
        u"ctl\x01"_s,
        u"Bearer {value}"_s,
        u"https://x.example/a?b=c#d"_s,
        u"!room:example.org"_s,
    };
    for (const QString &v : values)
        QTest::newRow(qPrintable(QString(v).toHtmlEscaped().replace(u'\n', u"\\n"_s))) << v;
}

void TestCliYaml::stringsRoundTrip()
{
    QFETCH(QString, value);
    yaml::Node root = yaml::Node::mapping();
    root.add(u"key"_s, yaml::Node::string(value));
    root.add(u"list"_s, yaml::Node::list({ value, value + u'x' }));
    yaml::Node flow = yaml::Node::mapping(true);
    flow.add(u"env"_s, yaml::Node::string(value));
    root.add(u"flow"_s, flow);
    const QString text = yaml::write(root);
    yaml::ParseError err;
    const auto back = yaml::parse(text.toUtf8(), &err);
    QVERIFY2(back, qPrintable(text + u"\n-> line %1: %2"_s.arg(err.line).arg(err.message)));
    const yaml::Node *key = back->get(u"key"_s);
    QVERIFY(key);
    QCOMPARE(key->text, value);
    QCOMPARE(key->isNull(), false);
    QCOMPARE(back->get(u"list"_s)->seq.at(0).text, value);
    QCOMPARE(back->get(u"list"_s)->seq.at(1).text, value + u'x');
    QCOMPARE(back->get(u"flow"_s)->get(u"env"_s)->text, value);
    // Strings that could be read as another type are quoted.
    if (key->plain) {
        static const QStringList typed{
            u"true"_s, u"false"_s, u"yes"_s, u"no"_s, u"null"_s, u"~"_s
        };
        QVERIFY(!typed.contains(value.toLower()));
        QVERIFY(!value.front().isDigit() && !value.startsWith(u'-'));
    }
}

void TestCliYaml::typedValuesStayTyped()
{
    yaml::Node root = yaml::Node::mapping();
    root.add(u"b"_s, yaml::Node::typed(u"true"_s));
    root.add(u"count"_s, yaml::Node::typed(u"50"_s));
    root.add(u"z"_s, yaml::Node::typed(u"null"_s));
    yaml::Node items;
    items.kind = yaml::Node::Kind::Seq;
    yaml::Node item = yaml::Node::mapping();
    item.add(u"name"_s, yaml::Node::string(u"a"_s));
    item.add(u"empty"_s, yaml::Node::list({}));
    items.seq << item << item;
    root.add(u"items"_s, items);
    const QString text = yaml::write(root);
    QCOMPARE(text,
             u"b: true\ncount: 50\nz: null\nitems:\n  - name: a\n    empty: []\n  - name: a\n"
             "    empty: []\n"_s);
    const auto back = yaml::parse(text.toUtf8(), nullptr);
    QVERIFY(back);
    QVERIFY(back->get(u"b"_s)->plain);
    QVERIFY(back->get(u"z"_s)->isNull());
    QCOMPARE(back->get(u"items"_s)->seq.size(), 2);
    QCOMPARE(back->get(u"items"_s)->seq.at(1).line, 7);
}

void TestCliYaml::refusals_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("alias") << QByteArray("a: &x 1\nb: *x\n") << 1 << u"anchors"_s;
    QTest::newRow("tag") << QByteArray("a: 1\nb: !!binary aGk=\n") << 2 << u"tags"_s;
    QTest::newRow("duplicate") << QByteArray("a: 1\nb: 2\na: 3\n") << 3 << u"duplicate key"_s;
    QTest::newRow("complex key") << QByteArray("? [a]\n: 1\n") << 1 << u"plain word"_s;
    QTest::newRow("deep") << QByteArray(5000, '[') << 1 << u"nested too deeply"_s;
    QTest::newRow("tabs") << QByteArray("a:\n\t- b\n") << 2 << u"cannot start any token"_s;
    QTest::newRow("two docs") << QByteArray("a: 1\n---\nb: 2\n") << 2 << u"one YAML"_s;
    QTest::newRow("empty") << QByteArray("# nothing\n") << 2 << u"empty"_s;
    QTest::newRow("binary") << QByteArray("a: \xff\xfe\n", 7) << 1 << u"invalid"_s;
    QTest::newRow("large") << QByteArray(yaml::kMaxInputBytes + 1, ' ') << 0 << u"larger"_s;
}

void TestCliYaml::refusals()
{
    QFETCH(QByteArray, input);
    QFETCH(int, line);
    QFETCH(QString, message);
    yaml::ParseError err;
    QVERIFY(!yaml::parse(input, &err));
    QVERIFY2(err.message.contains(message, Qt::CaseInsensitive), qPrintable(err.message));
    QCOMPARE(err.line, line);
}

void TestCliYaml::commandLine()
{
    const ParseResult r = parse(allCommands(), allAliases(),
                                { u"apply"_s, u"-f"_s, u"-"_s, u"--dry-run"_s, u"--prune"_s });
    QCOMPARE(int(r.kind), int(ParseResult::Kind::Run));
    QCOMPARE(r.invocation.value(u"file"_s), u"-"_s);
    QVERIFY(r.invocation.has(u"dry-run"_s) && r.invocation.has(u"prune"_s));
    QCOMPARE(parse(allCommands(), allAliases(), { u"apply"_s, u"--file=t.yaml"_s })
                     .invocation.value(u"file"_s),
             u"t.yaml"_s);
    QCOMPARE(int(parse(allCommands(), allAliases(), { u"apply"_s, u"-x"_s }).kind),
             int(ParseResult::Kind::Usage));
    QCOMPARE(int(parse(allCommands(), allAliases(), { u"export"_s, u"x"_s }).kind),
             int(ParseResult::Kind::Usage));

    const QString bash = bashCompletion(allCommands(), allAliases());
    QVERIFY(bash.contains(u"\"apply\") opts=\"--file --dry-run --prune --team"_s));
    QVERIFY(bash.contains(u"\"export\") opts=\"--team"_s));
    QVERIFY(bash.contains(u"|-f)"_s) || bash.contains(u"|-f|"_s));
    const QString man = manPage(allCommands(), allAliases());
    QVERIFY(man.contains(u".SS tap export\n"_s) && man.contains(u".SS tap apply\n"_s));
    QVERIFY(man.contains(u".SH CONFIGURATION AS CODE"_s));
}

// A deterministic mini-fuzz: byte flips, insertions and cuts of a valid document never crash
// the reader or the schema, and whatever parses writes back to something that parses again.
void TestCliYaml::mutatedDocuments()
{
    const QByteArray valid =
            "version: 1\nchannels:\n  - {name: tg, type: telegram, config: {chat_id: \"-1\"}}\n"
            "credentials:\n  - name: gh\n    allowed_hosts: [a.example, b.example]\n"
            "    policy:\n      auto_approve_methods: [GET]\n      approval_channel: tg\n"
            "    value_from: {env: TAP_CRED_GH}\nroles:\n  - name: r\n    credentials: [gh]\n"
            "    rate_limit_per_hour: 5\nagents:\n  - name: a\n    enabled: false\n"
            "    roles: [r]\nlinks:\n  - {home_team: t, agent: x, role: r}\n";
    yaml::ParseError err;
    const auto root = yaml::parse(valid, &err);
    QVERIFY2(root, qPrintable(err.message));
    QString why;
    QVERIFY2(config::fromYaml(*root, u"/tmp"_s, &why), qPrintable(why));
    static const char alphabet[] = "-:[]{},#&*!|>'\"%@` \n\tab1~?";
    QRandomGenerator rng(20261207);
    int parsed = 0;
    const int asked = qEnvironmentVariableIntValue("TAP_YAML_MUTATIONS");
    for (int i = 0; i < (asked > 0 ? asked : 3000); ++i) {
        QByteArray doc = valid;
        for (int m = 0, n = 1 + int(rng.bounded(4)); m < n && !doc.isEmpty(); ++m) {
            const qsizetype at = qsizetype(rng.bounded(int(doc.size())));
            const char c = alphabet[rng.bounded(int(sizeof(alphabet) - 1))];
            switch (rng.bounded(3)) {
            case 0:
                doc[at] = c;
                break;
            case 1:
                doc.insert(at, c);
                break;
            default:
                doc.truncate(at);
            }
        }
        const auto node = yaml::parse(doc, &err);
        if (!node) {
            QVERIFY2(err.line >= 0 && !err.message.isEmpty(), doc.constData());
            continue;
        }
        ++parsed;
        if (const auto state = config::fromYaml(*node, u"/tmp"_s, &why))
            QVERIFY(yaml::parse(yaml::write(config::toYaml(*state)).toUtf8(), &err));
        QVERIFY2(yaml::parse(yaml::write(*node).toUtf8(), &err), doc.constData());
    }
    QVERIFY(parsed > 0);
}

QTEST_APPLESS_MAIN(TestCliYaml)
#include "tst_cli_yaml.moc"
