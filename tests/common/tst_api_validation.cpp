// The shared field validation of the admin API and the console (common/api/validation.h):
// the caps on list fields and request bodies that keep client-controlled work linear and
// bounded (README "Hardening"). Behaviour, no timing: a list over its cap is refused with the cap
// in the message, an over-long entry likewise, duplicates are still dropped, bodies nested
// deeper than the cap are refused before parsing, and no error message echoes a huge value.

#include "api/validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using tap::core::ErrorCode;
namespace api = tap::api;

class TestApiValidation : public QObject
{
    Q_OBJECT

private slots:
    void stringListOverCountCapRefused();
    void stringListEntryOverLengthCapRefused();
    void stringListDropsDuplicatesInOrder();
    void stringListOfManyDistinctEntriesUnderCap();
    void methodsOverCapRefused();
    void errorsDoNotEchoHugeValues();
    void jsonDepthCap_data();
    void jsonDepthCap();
    void parseJsonObjectRefusesDeepBodies();
    void namesEndAtTheEnd();
    void teamNames_data();
    void teamNames();
    void approvers_data();
    void approvers();
};

namespace {

QJsonArray numbered(int count, const QString &prefix = u"entry-"_s)
{
    QJsonArray out;
    for (int i = 0; i < count; ++i)
        out.append(QString(prefix + QString::number(i)));
    return out;
}

} // namespace

void TestApiValidation::stringListOverCountCapRefused()
{
    // 200 000 distinct entries: the old code de-duplicated them quadratically before it
    // looked at the count. The count is refused first, naming the field and the cap.
    const QJsonObject body{ { u"auto_approve_urls"_s, numbered(200000) } };
    const auto r = api::JsonFields(body).stringList(u"auto_approve_urls"_s);
    QVERIFY(!r);
    QCOMPARE(r.error().code(), ErrorCode::InvalidRequest);
    QVERIFY2(r.error().message().contains(u"auto_approve_urls"_s), qPrintable(r.error().message()));
    QVERIFY2(r.error().message().contains(QString::number(api::kMaxListEntries)),
             qPrintable(r.error().message()));

    // Duplicates do not get a list past the cap: the raw count is what counts.
    QJsonArray dupes;
    for (int i = 0; i <= 10; ++i)
        dupes.append(u"same"_s);
    const QJsonObject small{ { u"hosts"_s, dupes } };
    const auto capped = api::JsonFields(small).stringList(u"hosts"_s, 10, 64);
    QVERIFY(!capped);
    QVERIFY2(capped.error().message().contains(u"at most 10"_s),
             qPrintable(capped.error().message()));
    // Exactly at the cap is fine.
    dupes.removeLast();
    const QJsonObject atCap{ { u"hosts"_s, dupes } };
    const auto ok = api::JsonFields(atCap).stringList(u"hosts"_s, 10, 64);
    QVERIFY(ok);
    QCOMPARE(ok.value(), QStringList{ u"same"_s });
}

void TestApiValidation::stringListEntryOverLengthCapRefused()
{
    const QJsonObject body{ { u"names"_s, QJsonArray{ u"ok"_s, QString(65, u'a') } } };
    const auto r = api::JsonFields(body).stringList(u"names"_s, 1000, 64);
    QVERIFY(!r);
    QCOMPARE(r.error().code(), ErrorCode::InvalidRequest);
    QVERIFY2(r.error().message().contains(u"names"_s) && r.error().message().contains(u"64"_s),
             qPrintable(r.error().message()));
    QVERIFY(r.error().message().size() < 200);
    const QJsonObject fits{ { u"names"_s, QJsonArray{ QString(64, u'a') } } };
    QVERIFY(api::JsonFields(fits).stringList(u"names"_s, 1000, 64));
    // The default cap is kMaxEntryLength.
    const QJsonObject huge{ { u"x"_s, QJsonArray{ QString(api::kMaxEntryLength + 1, u'a') } } };
    QVERIFY(!api::JsonFields(huge).stringList(u"x"_s));
}

void TestApiValidation::stringListDropsDuplicatesInOrder()
{
    const QJsonObject body{ { u"l"_s, QJsonArray{ u"b"_s, u"a"_s, u"b"_s, u"c"_s, u"a"_s } } };
    const auto r = api::JsonFields(body).stringList(u"l"_s);
    QVERIFY(r);
    QCOMPARE(r.value(), (QStringList{ u"b"_s, u"a"_s, u"c"_s }));
    // Still refused as before: non-strings, empty strings, a non-list.
    for (const QJsonValue &bad :
         { QJsonValue(QJsonArray{ 1 }), QJsonValue(QJsonArray{ u""_s }), QJsonValue(u"a"_s) }) {
        const QJsonObject o{ { u"l"_s, bad } };
        QVERIFY(!api::JsonFields(o).stringList(u"l"_s));
    }
}

void TestApiValidation::stringListOfManyDistinctEntriesUnderCap()
{
    const QJsonObject body{ { u"l"_s, numbered(api::kMaxListEntries) } };
    const auto r = api::JsonFields(body).stringList(u"l"_s);
    QVERIFY(r);
    QCOMPARE(r->size(), api::kMaxListEntries);
    QCOMPARE(r->last(), u"entry-%1"_s.arg(api::kMaxListEntries - 1));
}

void TestApiValidation::methodsOverCapRefused()
{
    QJsonArray many;
    for (int i = 0; i <= api::kMaxMethodEntries; ++i)
        many.append(u"GET"_s);
    const auto r = api::checkMethods(u"auto_approve_methods"_s, many);
    QVERIFY(!r);
    QVERIFY2(r.error().message().contains(QString::number(api::kMaxMethodEntries)),
             qPrintable(r.error().message()));
    many.removeLast();
    const auto ok = api::checkMethods(u"auto_approve_methods"_s, many);
    QVERIFY(ok);
    QCOMPARE(ok.value(), QStringList{ u"GET"_s });
    QCOMPARE(api::checkMethods(u"m"_s, QJsonArray{ u"get"_s, u"Post"_s, u"GET"_s }).value(),
             (QStringList{ u"GET"_s, u"POST"_s }));
}

void TestApiValidation::errorsDoNotEchoHugeValues()
{
    const QString huge(1000000, u'x');
    const auto method = api::checkMethods(u"auto_approve_methods"_s, QJsonArray{ huge });
    QVERIFY(!method);
    QVERIFY2(method.error().message().size() < 300, "the method error echoes the whole value");
    const auto host = api::checkHostName(u"allowed_hosts"_s, huge);
    QVERIFY(!host);
    QVERIFY(host.error().message().size() < 300);
    const QJsonObject unknown{ { huge, 1 } };
    const auto known = api::JsonFields(unknown).onlyKnown({ u"a"_s });
    QVERIFY(!known);
    QVERIFY(known.error().message().size() < 300);
    const QJsonObject longString{ { u"s"_s, huge } };
    const auto s = api::JsonFields(longString).string(u"s"_s, true);
    QVERIFY(!s);
    QVERIFY2(s.error().message().contains(QString::number(api::kMaxStringLength)),
             qPrintable(s.error().message()));
}

void TestApiValidation::jsonDepthCap_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("accepted");
    const int cap = api::kMaxJsonDepth;
    QTest::newRow("arrays at the cap") << QByteArray(cap, '[') + QByteArray(cap, ']') << true;
    QTest::newRow("arrays over the cap")
            << QByteArray(cap + 1, '[') + QByteArray(cap + 1, ']') << false;
    QTest::newRow("100000 open brackets") << QByteArray(100000, '[') << false;
    QByteArray objects;
    for (int i = 0; i <= cap; ++i)
        objects += "{\"a\":";
    QTest::newRow("objects over the cap") << objects + "1" + QByteArray(cap + 1, '}') << false;
    // Brackets inside strings (escaped quotes included) do not count.
    QTest::newRow("brackets in strings") << QByteArray("{\"a\":\"") + QByteArray(1000, '[') + "\\\""
                    + QByteArray(1000, '{')
                    + "\"}" << true;
    QTest::newRow("flat and wide")
            << QByteArray("[") + QByteArray(100000, '1').replace("1", "1,") + "1]" << true;
}

void TestApiValidation::jsonDepthCap()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, accepted);
    const auto r = api::checkJsonDepth(json);
    QCOMPARE(r.ok(), accepted);
    if (!accepted) {
        QCOMPARE(r.error().code(), ErrorCode::InvalidRequest);
        QVERIFY2(r.error().message().contains(QString::number(api::kMaxJsonDepth)),
                 qPrintable(r.error().message()));
    }
}

void TestApiValidation::parseJsonObjectRefusesDeepBodies()
{
    // Deep, but within Qt's own parser limit: only the pre-scan refuses it.
    QByteArray deep = "{\"a\":";
    deep += QByteArray(200, '[') + QByteArray(200, ']') + "}";
    QVERIFY(!QJsonDocument::fromJson(deep).isNull()); // Qt alone would accept it
    const auto r = api::parseJsonObject(deep);
    QVERIFY(!r);
    QVERIFY2(r.error().message().contains(u"nested"_s), qPrintable(r.error().message()));

    QVERIFY(api::parseJsonObject("").ok());
    QCOMPARE(api::parseJsonObject("{\"a\": [1, {\"b\": 2}]}").value().keys(),
             QStringList{ u"a"_s });
    QVERIFY(!api::parseJsonObject("[1]"));
    QVERIFY(!api::parseJsonObject("{\"a\": "));
}

// Found by fuzz_validation: QRegularExpression's '$' also matches before a final newline, so
// "team\n" passed as a team name; the patterns anchor with \z.
void TestApiValidation::namesEndAtTheEnd()
{
    using namespace tap;
    QVERIFY(api::checkTeamName(QStringLiteral("team")).ok());
    QVERIFY(!api::checkTeamName(QStringLiteral("team\n")).ok());
    QVERIFY(api::checkObjectName(QStringLiteral("name"), QStringLiteral("slack")).ok());
    QVERIFY(!api::checkObjectName(QStringLiteral("name"), QStringLiteral("slack\n")).ok());
    QVERIFY(api::checkEmail(QStringLiteral("a@example.com")).ok());
    QVERIFY(!api::checkEmail(QStringLiteral("a@example.com\n")).ok());
}

// configuration.txt: team names are "lowercase alphanumeric with hyphens"; a hyphen joins, so
// it neither starts nor ends a name.
void TestApiValidation::teamNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << u"my-team"_s << true;
    QTest::newRow("three characters") << u"a-1"_s << true;
    QTest::newRow("digits") << u"123"_s << true;
    QTest::newRow("64 characters") << QString(64, u'a') << true;
    QTest::newRow("inner hyphens") << u"a--b"_s << true;
    QTest::newRow("only hyphens") << u"---"_s << false;
    QTest::newRow("leading hyphen") << u"-ab"_s << false;
    QTest::newRow("trailing hyphen") << u"ab-"_s << false;
    QTest::newRow("both ends") << u"-abc-"_s << false;
    QTest::newRow("65 characters") << QString(65, u'a') << false;
    QTest::newRow("two characters") << u"ab"_s << false;
    QTest::newRow("upper case") << u"Team"_s << false;
}

void TestApiValidation::teamNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    const auto r = api::checkTeamName(name);
    QCOMPARE(r.ok(), valid);
    if (!valid) {
        QCOMPARE(r.error().field(), u"team_name"_s);
        QVERIFY2(r.error().message().contains(u"starting and ending with a letter or digit"_s),
                 qPrintable(r.error().message()));
    }
}

void TestApiValidation::approvers_data()
{
    QTest::addColumn<QString>("entry");
    QTest::addColumn<QString>("stored"); // empty: refused
    QTest::newRow("telegram user id") << u"123456789"_s << u"123456789"_s;
    QTest::newRow("trimmed") << u" 4242 "_s << u"4242"_s;
    QTest::newRow("matrix id") << u"@alice:matrix.example.org"_s << u"@alice:matrix.example.org"_s;
    QTest::newRow("matrix id with port")
            << u"@bob.x_y=z/1:example.org:8448"_s << u"@bob.x_y=z/1:example.org:8448"_s;
    QTest::newRow("matrix id on IPv6") << u"@c:[::1]:8448"_s << u"@c:[::1]:8448"_s;
    QTest::newRow("email") << u"Bob@Example.com"_s << u"Bob@Example.com"_s;
    QTest::newRow("not an email!!") << u"not an email!!"_s << QString();
    QTest::newRow("negative id (a chat, not a user)") << u"-100123"_s << QString();
    QTest::newRow("matrix without server") << u"@alice"_s << QString();
    QTest::newRow("matrix with empty localpart") << u"@:example.org"_s << QString();
    QTest::newRow("matrix with a bad port") << u"@a:example.org:http"_s << QString();
    QTest::newRow("email without domain") << u"bob@localhost"_s << QString();
    QTest::newRow("telegram @username") << u"@someone"_s << QString();
    QTest::newRow("blank") << u"  "_s << QString();
    QTest::newRow("newline") << u"123\n456"_s << QString();
}

void TestApiValidation::approvers()
{
    QFETCH(QString, entry);
    QFETCH(QString, stored);
    const auto r = api::checkApprover(u"allowed_approvers"_s, entry);
    QCOMPARE(r.ok(), !stored.isEmpty());
    if (r.ok()) {
        QCOMPARE(r.value(), stored);
        return;
    }
    QCOMPARE(r.error().field(), u"allowed_approvers"_s);
    QVERIFY2(r.error().message().contains(entry), qPrintable(r.error().message()));
}

QTEST_GUILESS_MAIN(TestApiValidation)
#include "tst_api_validation.moc"
