#include "placeholders/placeholders.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using tap::core::ErrorCode;
using tap::core::SecretBytes;
using tap::placeholders::HeaderList;
using tap::placeholders::Input;

namespace {

// "Name: value" lines, separated by '\n'.
HeaderList headers(QByteArrayView block)
{
    HeaderList list;
    for (const QByteArray &line : block.toByteArray().split('\n')) {
        const qsizetype colon = line.indexOf(": ");
        if (colon > 0)
            list.append({ line.first(colon), line.sliced(colon + 2) });
    }
    return list;
}

// "cred=field,field;cred=field": the body fields each credential opts in to.
std::function<QStringList(const QString &)> fieldsFrom(const QByteArray &spec)
{
    QHash<QString, QStringList> table;
    for (const QByteArray &entry : spec.split(';')) {
        const QList<QByteArray> parts = entry.split('=');
        if (parts.size() == 2)
            table.insert(QString::fromLatin1(parts[0]), QString::fromLatin1(parts[1]).split(u','));
    }
    return [table](const QString &credential) { return table.value(credential); };
}

const QByteArray kLongName = QByteArray(64, 'n');

// Valid JSON: placeholders mostly under "token" (allowed in the test), rarely elsewhere.
QJsonObject randomObject(QRandomGenerator &rng, int depth)
{
    static const QStringList secrets{ QStringLiteral("<CREDENTIAL:k>"),
                                      QStringLiteral("Bearer <CREDENTIAL:k> \"q\""),
                                      QStringLiteral("\U0001F511<CREDENTIAL:k>\\") };
    QJsonObject object;
    for (int i = 0, n = rng.bounded(1, 4); i < n; ++i) {
        switch (rng.bounded(6)) {
        case 0:
        case 1:
            object.insert(QStringLiteral("token"), secrets.at(rng.bounded(int(secrets.size()))));
            break;
        case 2:
            object.insert(QStringLiteral("text"), QStringLiteral("plain \\ \"text\"\n"));
            break;
        case 3:
            object.insert(QStringLiteral("n"), double(rng.bounded(1000)));
            break;
        case 4:
            if (depth > 0)
                object.insert(QStringLiteral("inner"), randomObject(rng, depth - 1));
            break;
        default:
            if (rng.bounded(10) == 0) // a placeholder where it does not belong
                object.insert(QStringLiteral("text"), secrets.first());
            else if (depth > 0)
                object.insert(QStringLiteral("list"),
                              QJsonArray{ randomObject(rng, depth - 1), QStringLiteral("x") });
        }
    }
    return object;
}

} // namespace

class TestPlaceholders : public QObject
{
    Q_OBJECT

private slots:
    void validate_data();
    void validate();
    void substitute_data();
    void substitute();
    void substituteJsonStaysValid_data();
    void substituteJsonStaysValid();
    void substituteErrors_data();
    void substituteErrors();
    void substituteKeepsEverythingElse();
    void malformedInput_data();
    void malformedInput();
};

void TestPlaceholders::validate_data()
{
    QTest::addColumn<QByteArray>("headerBlock");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QString>("error"); // a part of the message; empty: accepted

    const QByteArray target = "https://api.example.com/v1/x";
    const auto ok = [&](const char *name, const QByteArray &h, const QByteArray &type,
                        const QByteArray &body, const QByteArray &fields,
                        std::initializer_list<QByteArrayView> names) {
        QStringList list;
        for (const QByteArrayView n : names)
            list.append(QString::fromLatin1(n));
        QTest::addRow("%s", name) << h << type << body << target << fields << list << QString();
    };
    const auto refused = [&](const char *name, const QByteArray &h, const QByteArray &type,
                             const QByteArray &body, const QByteArray &fields, const char *error) {
        QTest::addRow("%s", name) << h << type << body << target << fields << QStringList()
                                  << QString::fromLatin1(error);
    };
    const QByteArray json = "application/json";
    const QByteArray form = "application/x-www-form-urlencoded";

    // The legacy placeholder example (README "The data plane"; its body is not even valid JSON).
    ok("seed example",
       "X-TAP-Key: tap_agentkey\nX-TAP-Target: https://api.openai.com/v1/chat/completions\n"
       "Authorization: Bearer <CREDENTIAL:openai-key>\nContent-Type: application/json",
       json, R"({"model": "gpt-4", "messages": [...]})", "", { "openai-key" });

    // Headers.
    ok("x-api-key", "X-Api-Key: <CREDENTIAL:k>", "", "", "", { "k" });
    ok("header names are case-insensitive",
       "authorization: <CREDENTIAL:a>\nX-API-KEY: <CREDENTIAL:b>", "", "", "", { "a", "b" });
    ok("basic with two placeholders", "Authorization: Basic <CREDENTIAL:user>:<CREDENTIAL:pass>",
       "", "", "", { "user", "pass" });
    ok("repeated name listed once", "Authorization: <CREDENTIAL:k>\nX-Api-Key: <CREDENTIAL:k>", "",
       "", "", { "k" });
    ok("name characters", "Authorization: Bearer <CREDENTIAL:A.b_c-9>", "", "", "", { "A.b_c-9" });
    ok("64-character name", "Authorization: <CREDENTIAL:" + kLongName + ">", "", "", "",
       { kLongName });
    ok("no placeholder at all", "Accept: */*\nX-Foo: <b>bold</b>", "text/html", "<CREDENTIALS>", "",
       {});
    ok("similar text is not a placeholder", "X-Foo: CREDENTIAL:x <CREDENTIAL", "text/plain",
       "credential: <CREDENTIAL", "", {});

    // JSON bodies.
    ok("json member", "", json, R"({"token":"<CREDENTIAL:k>"})", "k=token", { "k" });
    ok("json inside the string", "", json, R"({"token":"Bearer <CREDENTIAL:k>!"})", "k=token",
       { "k" });
    ok("json nested", "", json, R"({"auth":{"deep":{"api_key":"<CREDENTIAL:k>"}}})", "k=api_key",
       { "k" });
    ok("json object inside array", "", json, R"({"items":[1,{"token":"<CREDENTIAL:k>"}]})",
       "k=token", { "k" });
    ok("json escaped placeholder", "", json, R"({"token":"\u003cCREDENTIAL:k\u003e"})", "k=token",
       { "k" });
    ok("json with charset", "", "Application/JSON; charset=utf-8", R"({"token":"<CREDENTIAL:k>"})",
       "k=token", { "k" });
    ok("json later keys unaffected", "", json,
       R"({"token":"<CREDENTIAL:k>","text":"hello","n":[1,2]})", "k=token", { "k" });
    ok("headers before body", "X-Api-Key: <CREDENTIAL:h>", json,
       R"({"password":"<CREDENTIAL:b>","token":"<CREDENTIAL:h>"})", "b=password;h=token",
       { "h", "b" });
    ok("json key text without placeholder", "", json, R"({"<b>":"x"})", "", {});

    // Form bodies.
    ok("form raw", "", form, "grant_type=x&client_secret=<CREDENTIAL:k>", "k=client_secret",
       { "k" });
    ok("form encoded", "", form, "client_secret=%3CCREDENTIAL%3Ak%3E&x=1", "k=client_secret",
       { "k" });
    ok("form encoded field name", "", form, "client%5Fsecret=<CREDENTIAL:k>", "k=client_secret",
       { "k" });

    // Refusals: position.
    refused("other header", "X-Foo: <CREDENTIAL:k>", "", "", "", "header X-Foo");
    refused("tap target header", "X-TAP-Target: https://x/<CREDENTIAL:k>", "", "", "",
            "header X-TAP-Target");
    refused("cookie", "Cookie: session=<CREDENTIAL:k>", "", "", "", "header Cookie");
    refused("header name", "X-<CREDENTIAL:k>: 1", "", "", "", "header name");
    refused("json other field", "", json, R"({"text":"<CREDENTIAL:k>"})", "k=token",
            "body field text");
    refused("json nested other field", "", json, R"({"token":{"text":"<CREDENTIAL:k>"}})",
            "k=token", "body field text");
    refused("json field of another credential", "", json, R"({"token":"<CREDENTIAL:k>"})",
            "other=token", "body field token");
    refused("json without opt-in", "", json, R"({"token":"<CREDENTIAL:k>"})", "",
            "body field token");
    refused("json key", "", json, R"({"<CREDENTIAL:k>":"x"})", "k=token", "body key");
    refused("json array element", "", json, R"({"token":["<CREDENTIAL:k>"]})", "k=token",
            "not an object member");
    refused("json top-level array", "", json, R"(["<CREDENTIAL:k>"])", "k=token",
            "not an object member");
    refused("json does not parse", "", json, R"({"token":"<CREDENTIAL:k>")", "k=token",
            "does not parse");
    refused("json escaped, does not parse", "", json, R"({"token":"\u003cCREDENTIAL:k\u003e)",
            "k=token", "does not parse");
    refused("form other field", "", form, "text=<CREDENTIAL:k>", "k=token", "body field text");
    refused("form without opt-in", "", form, "token=%3CCREDENTIAL%3Ak%3E", "", "body field token");
    refused("form field name", "", form, "%3CCREDENTIAL%3Ak%3E=1", "k=token", "body field name");
    refused("text body", "", "text/plain", "tweet: <CREDENTIAL:k>", "k=token",
            "body of type text/plain");
    refused("no content type", "", "", "<CREDENTIAL:k>", "k=token", "body of type (none)");
    refused("multipart", "", "multipart/form-data; boundary=x", "token=<CREDENTIAL:k>", "k=token",
            "body of type multipart/form-data");
    refused("percent-encoded in text body", "", "text/plain", "%3CCREDENTIAL%3Ak%3E", "k=token",
            "body of type text/plain");
    refused("one of two placeholders misplaced", "Authorization: <CREDENTIAL:a>", json,
            R"({"token":"<CREDENTIAL:a>","text":"<CREDENTIAL:b>"})", "a=token;b=token",
            "'b' is not allowed in body field text");

    // Refusals: malformed, in any position.
    refused("empty name", "Authorization: Bearer <CREDENTIAL:>", "", "", "", "Malformed");
    refused("space in name", "Authorization: <CREDENTIAL:a b>", "", "", "", "Malformed");
    refused("lower-case keyword", "Authorization: <credential:k>", "", "", "", "Malformed");
    refused("mixed-case keyword", "X-Api-Key: <Credential:k>", "", "", "", "Malformed");
    refused("unterminated", "Authorization: <CREDENTIAL:k", "", "", "", "Malformed");
    refused("name starts with dash", "Authorization: <CREDENTIAL:-k>", "", "", "", "Malformed");
    refused("name starts with dot", "Authorization: <CREDENTIAL:.k>", "", "", "", "Malformed");
    refused("65-character name", "Authorization: <CREDENTIAL:" + kLongName + "n>", "", "", "",
            "Malformed");
    refused("slash in name", "Authorization: <CREDENTIAL:a/b>", "", "", "", "Malformed");
    refused("malformed after a good one", "Authorization: <CREDENTIAL:a> <CREDENTIAL:>", "", "", "",
            "Malformed");
    refused("malformed in other header", "X-Foo: <CREDENTIAL:>", "", "", "", "header X-Foo");
    refused("malformed in json", "", json, R"({"token":"<CREDENTIAL:>"})", "k=token",
            "Malformed credential placeholder in body field token");
    refused("malformed in form", "", form, "token=<CREDENTIAL:a%20b>", "k=token", "Malformed");

    // The target URL, raw and percent-encoded.
    QTest::addRow("target URL") << QByteArray() << QByteArray() << QByteArray()
                                << QByteArray("https://x.example/?key=<CREDENTIAL:k>")
                                << QByteArray() << QStringList() << QStringLiteral("target URL");
    QTest::addRow("target URL encoded")
            << QByteArray() << QByteArray() << QByteArray()
            << QByteArray("https://x.example/%3CCREDENTIAL:k%3E") << QByteArray() << QStringList()
            << QStringLiteral("target URL");
    QTest::addRow("target URL malformed")
            << QByteArray() << QByteArray() << QByteArray()
            << QByteArray("https://x.example/<credential:k>") << QByteArray() << QStringList()
            << QStringLiteral("Malformed credential placeholder in target URL");
}

void TestPlaceholders::validate()
{
    QFETCH(QByteArray, headerBlock);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, fields);
    QFETCH(QStringList, names);
    QFETCH(QString, error);

    const Input in{ headers(headerBlock), body, contentType, target };
    const auto result = tap::placeholders::validate(in, fieldsFrom(fields));
    if (error.isEmpty()) {
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message()));
        QCOMPARE(result.value(), names);
        return;
    }
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::PlaceholderNotAllowed);
    QVERIFY2(result.error().message().contains(error), qPrintable(result.error().message()));
}

void TestPlaceholders::substitute_data()
{
    QTest::addColumn<QByteArray>("headerBlock");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expectedHeaders");
    QTest::addColumn<QByteArray>("expectedBody");

    const QByteArray json = "application/json";
    const QByteArray form = "application/x-www-form-urlencoded";
    QTest::addRow("seed example")
            << QByteArray("X-TAP-Target: https://api.openai.com/v1/chat/completions\n"
                          "Authorization: Bearer <CREDENTIAL:openai-key>")
            << json << QByteArray(R"({"model": "gpt-4", "messages": [...]})")
            << QByteArray("X-TAP-Target: https://api.openai.com/v1/chat/completions\n"
                          "Authorization: Bearer sk-openai")
            << QByteArray(R"({"model": "gpt-4", "messages": [...]})");
    QTest::addRow("x-api-key and two values")
            << QByteArray("x-api-key: <CREDENTIAL:k>\nAuthorization: Basic "
                          "<CREDENTIAL:user>:<CREDENTIAL:k>")
            << QByteArray() << QByteArray()
            << QByteArray("x-api-key: v@lue \"quoted\"\nAuthorization: Basic alice:v@lue "
                          "\"quoted\"")
            << QByteArray();
    QTest::addRow("json member, escaped")
            << QByteArray() << json
            << QByteArray(R"({"token": "<CREDENTIAL:k>", "id": 12345678901234567890})")
            << QByteArray()
            << QByteArray(R"({"token": "v@lue \"quoted\"", "id": 12345678901234567890})");
    QTest::addRow("json escaped placeholder, other escapes kept")
            << QByteArray() << json
            << QByteArray(R"({"a":"\u00e9","token":"x\u003cCREDENTIAL:user\u003e\n"})")
            << QByteArray() << QByteArray(R"({"a":"\u00e9","token":"xalice\n"})");
    QTest::addRow("json surrogate pair in the same string")
            << QByteArray() << json << QByteArray(R"({"token":"\ud83d\udd11 <CREDENTIAL:user>"})")
            << QByteArray() << QByteArray("{\"token\":\"\xf0\x9f\x94\x91 alice\"}");
    QTest::addRow("json control characters")
            << QByteArray() << json << QByteArray(R"({"token":"<CREDENTIAL:nl>"})") << QByteArray()
            << QByteArray(R"({"token":"line1\nline2\t\\"})");
    QTest::addRow("form") << QByteArray() << form
                          << QByteArray("a=%7E+b&client_secret=<CREDENTIAL:k>&z") << QByteArray()
                          << QByteArray("a=%7E+b&client_secret=v%40lue+%22quoted%22&z");
    QTest::addRow("form encoded placeholder")
            << QByteArray() << form << QByteArray("token=Bearer+%3CCREDENTIAL%3Auser%3E")
            << QByteArray() << QByteArray("token=Bearer+alice");
}

void TestPlaceholders::substitute()
{
    QFETCH(QByteArray, headerBlock);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expectedHeaders);
    QFETCH(QByteArray, expectedBody);

    const QHash<QString, SecretBytes> values{
        { QStringLiteral("openai-key"), SecretBytes("sk-openai") },
        { QStringLiteral("k"), SecretBytes("v@lue \"quoted\"") },
        { QStringLiteral("user"), SecretBytes("alice") },
        { QStringLiteral("nl"), SecretBytes("line1\nline2\t\\") },
    };
    const Input in{ headers(headerBlock), body, contentType, "https://api.example.com/" };
    const auto result = tap::placeholders::substitute(in, [&](const QString &name) {
        return values.contains(name) ? &values.find(name).value() : nullptr;
    });
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message()));
    QCOMPARE(result->headers, headers(expectedHeaders));
    QCOMPARE(result->body, expectedBody);
}

void TestPlaceholders::substituteJsonStaysValid_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addRow("plain") << QByteArray("abc");
    QTest::addRow("quotes") << QByteArray(R"(a"b"c)");
    QTest::addRow("backslashes") << QByteArray(R"(a\b\\c\)");
    QTest::addRow("control") << QByteArray("\x01\x1f\n\r\t\b\f");
    QTest::addRow("json inside") << QByteArray(R"({"x":"y"})");
    QTest::addRow("utf-8") << QByteArray("caf\xc3\xa9 \xf0\x9f\x94\x91");
    QTest::addRow("placeholder-looking value") << QByteArray("<CREDENTIAL:other>");
}

// Whatever the value, the JSON body stays valid and decodes to exactly the value.
void TestPlaceholders::substituteJsonStaysValid()
{
    QFETCH(QByteArray, value);

    const SecretBytes secret(value);
    const Input in{ {}, R"({"outer":{"token":"<CREDENTIAL:k>"},"n":1})", "application/json", {} };
    const auto result = tap::placeholders::substitute(in, [&](const QString &) { return &secret; });
    QVERIFY(result.ok());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(result->body, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc[u"outer"][u"token"].toString().toUtf8(), value);
    QCOMPARE(doc[u"n"].toInt(), 1);
}

void TestPlaceholders::substituteErrors_data()
{
    QTest::addColumn<QByteArray>("headerBlock");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<ErrorCode>("code");

    const QByteArray t = "https://api.example.com/";
    const QByteArray json = "application/json";
    QTest::addRow("unknown credential")
            << QByteArray("Authorization: <CREDENTIAL:missing>") << QByteArray() << QByteArray()
            << t << ErrorCode::CredentialNotAllowed;
    QTest::addRow("line break into header")
            << QByteArray("Authorization: <CREDENTIAL:crlf>") << QByteArray() << QByteArray() << t
            << ErrorCode::InvalidRequest;
    QTest::addRow("not utf-8 into json")
            << QByteArray() << json << QByteArray(R"({"token":"<CREDENTIAL:binary>"})") << t
            << ErrorCode::InvalidRequest;
    QTest::addRow("other header") << QByteArray("X-Foo: <CREDENTIAL:k>") << QByteArray()
                                  << QByteArray() << t << ErrorCode::PlaceholderNotAllowed;
    QTest::addRow("header name") << QByteArray("<CREDENTIAL:k>: x") << QByteArray() << QByteArray()
                                 << t << ErrorCode::PlaceholderNotAllowed;
    QTest::addRow("target") << QByteArray() << QByteArray() << QByteArray()
                            << QByteArray("https://x/<CREDENTIAL:k>")
                            << ErrorCode::PlaceholderNotAllowed;
    QTest::addRow("text body") << QByteArray() << QByteArray("text/plain")
                               << QByteArray("<CREDENTIAL:k>") << t
                               << ErrorCode::PlaceholderNotAllowed;
    QTest::addRow("json array") << QByteArray() << json << QByteArray(R"(["<CREDENTIAL:k>"])") << t
                                << ErrorCode::PlaceholderNotAllowed;
    QTest::addRow("malformed") << QByteArray("Authorization: <CREDENTIAL:>") << QByteArray()
                               << QByteArray() << t << ErrorCode::PlaceholderNotAllowed;
}

void TestPlaceholders::substituteErrors()
{
    QFETCH(QByteArray, headerBlock);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, target);
    QFETCH(ErrorCode, code);

    const QHash<QString, SecretBytes> values{
        { QStringLiteral("k"), SecretBytes("value") },
        { QStringLiteral("crlf"), SecretBytes("v\r\nX-Injected: 1") },
        { QStringLiteral("binary"), SecretBytes(QByteArray::fromHex("ff00fe")) },
    };
    const Input in{ headers(headerBlock), body, contentType, target };
    const auto result = tap::placeholders::substitute(in, [&](const QString &name) {
        return values.contains(name) ? &values.find(name).value() : nullptr;
    });
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), code);
    QVERIFY(!result.error().message().contains(u"Injected"));
}

void TestPlaceholders::substituteKeepsEverythingElse()
{
    const QByteArray body = R"({ "b" : 1.50e+3 ,"token":"<CREDENTIAL:k>",  "z":[true,null] } )";
    const Input in{ headers("Accept: */*\nAuthorization: Bearer <CREDENTIAL:k>\nX-Trace: 1"), body,
                    "application/json", "https://api.example.com/" };
    const SecretBytes value("V");
    const auto result = tap::placeholders::substitute(in, [&](const QString &) { return &value; });
    QVERIFY(result.ok());
    QCOMPARE(result->headers, headers("Accept: */*\nAuthorization: Bearer V\nX-Trace: 1"));
    QCOMPARE(result->body, QByteArray(R"({ "b" : 1.50e+3 ,"token":"V",  "z":[true,null] } )"));

    // No placeholders: byte-identical, even for a body TAP cannot parse.
    const Input plain{ headers("A: 1"), "\x00\xff not json", "application/json", "https://x/" };
    const auto untouched =
            tap::placeholders::substitute(plain, [](const QString &) { return nullptr; });
    QVERIFY(untouched.ok());
    QCOMPARE(untouched->body, plain.body);
    QCOMPARE(untouched->headers, plain.headers);
}

void TestPlaceholders::malformedInput_data()
{
    QTest::addColumn<QByteArray>("contentType");
    for (quint32 seed = 1; seed <= 300; ++seed) {
        QTest::addRow("json %u", seed) << QByteArray("application/json");
        QTest::addRow("form %u", seed) << QByteArray("application/x-www-form-urlencoded");
    }
}

// Random soup of JSON/form syntax and placeholder fragments: never a crash, and whatever
// validate() accepts, substitute() can carry out, keeping a parsing JSON body parsing.
void TestPlaceholders::malformedInput()
{
    QFETCH(QByteArray, contentType);

    static const QList<QByteArray> pieces{ "{",
                                           "}",
                                           "[",
                                           "]",
                                           ":",
                                           ",",
                                           "\"",
                                           "\\",
                                           "\\u003c",
                                           "\\ud83d",
                                           "\\n",
                                           "token",
                                           "x",
                                           "=",
                                           "&",
                                           "%3C",
                                           "%",
                                           "+",
                                           "<CREDENTIAL:k>",
                                           "<CREDENTIAL:",
                                           ">",
                                           "<credential:k>",
                                           " ",
                                           "1",
                                           "true",
                                           "\"token\":\"<CREDENTIAL:k>\"",
                                           "CREDENTIAL:k\\u003e",
                                           "\xff",
                                           QByteArray(1, '\0') };
    QRandomGenerator rng(QTest::currentDataTag() ? qHash(QByteArray(QTest::currentDataTag())) : 1);
    QByteArray body;
    for (int i = 0, n = rng.bounded(1, 40); i < n; ++i)
        body += pieces.at(rng.bounded(int(pieces.size())));
    if (contentType == "application/json" && rng.bounded(2) == 0)
        body = QJsonDocument(randomObject(rng, 3))
                       .toJson(rng.bounded(2) ? QJsonDocument::Compact : QJsonDocument::Indented);
    const Input in{ {}, body, contentType, "https://x.example/" };
    const auto names = tap::placeholders::validate(
            in, [](const QString &) { return QStringList{ QStringLiteral("token") }; });
    const SecretBytes value("v\"al\\ue");
    const auto result = tap::placeholders::substitute(in, [&](const QString &) { return &value; });
    if (!names.ok())
        return;
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message()));
    if (contentType != "application/json")
        return;
    QJsonParseError before;
    QJsonDocument::fromJson(body, &before);
    QJsonParseError after;
    QJsonDocument::fromJson(result->body, &after);
    if (before.error == QJsonParseError::NoError)
        QCOMPARE(after.error, QJsonParseError::NoError);
    if (!names->isEmpty() && before.error == QJsonParseError::NoError)
        QVERIFY(result->body.contains("v\\\"al\\\\ue"));
}

QTEST_APPLESS_MAIN(TestPlaceholders)
#include "tst_placeholders.moc"
