// The admin API's credential wire type (common/api/credential.h, credentialkind.h): the decode →
// encode round trip, each validation error (code, the field it names, the text the service has
// always answered), the rules between fields, the value input and the kinds. No sockets.
#include "api/credential.h"
#include "api/enums.h"
#include "api/keys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using tap::core::ErrorCode;
namespace api = tap::api;
using Mode = api::CredentialInput::Mode;

class TestApiWireCredentials : public QObject
{
    Q_OBJECT

private slots:
    void credentialInputRoundTrip();
    void credentialInputErrors_data();
    void credentialInputErrors();
    void credentialApplyRules_data();
    void credentialApplyRules();
    void credentialDefaultHostFromApiBase();
    void credentialOutputRoundTrip();
    void credentialValueInput();
    void credentialKinds();
};

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

void TestApiWireCredentials::credentialInputRoundTrip()
{
    const QJsonObject body = json(R"({"name": "slack", "description": "Slack bot",
        "connector": "sidecar", "api_base": "http://sidecar.internal:8080",
        "relative_target": true, "auth_header_format": "Token {value}",
        "allowed_hosts": ["API.Example.com", "*.slack.com"],
        "body_placeholder_fields": ["text", "channel"], "value": "xoxb-1"})");
    auto in = api::CredentialInput::decode(body, Mode::Create);
    QVERIFY2(in, in ? "" : qPrintable(in.error().message()));
    QCOMPARE(in->connector, api::Connector::Sidecar);
    QCOMPARE(*in->allowedHosts, (QStringList{ u"api.example.com"_s, u"*.slack.com"_s }));
    QJsonObject expected = body;
    expected.insert(api::key::kAllowedHosts, QJsonArray{ u"api.example.com"_s, u"*.slack.com"_s });
    QCOMPARE(in->encode(), expected);
    auto again = api::CredentialInput::decode(in->encode(), Mode::Create);
    QVERIFY(again);
    QCOMPARE(again->encode(), expected);

    // Update: only the keys sent are set; the same name is accepted.
    auto patch = api::CredentialInput::decode(json(R"({"name": "slack", "description": ""})"),
                                              Mode::Update, u"slack"_s);
    QVERIFY2(patch, patch ? "" : qPrintable(patch.error().message()));
    QCOMPARE(patch->encode(), json(R"({"description": ""})"));
    QVERIFY(!patch->connector && !patch->allowedHosts && !patch->value);
    // null reads as "not sent".
    auto nulls = api::CredentialInput::decode(
            json(R"({"description": null, "connector": null, "relative_target": null})"),
            Mode::Update, u"slack"_s);
    QVERIFY(nulls);
    QCOMPARE(nulls->encode(), QJsonObject());
}

void TestApiWireCredentials::credentialInputErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("create");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const char *body, bool create, const char *field,
                        const QString &message) {
        QTest::newRow(name) << QByteArray(body) << create << QString::fromLatin1(field) << message;
    };
    row("unknown key", R"({"name": "a", "description": "d", "colour": "blue"})", true, "",
        u"Unknown field \"colour\"; accepted fields: name, description, connector, api_base, "
        "relative_target, auth_header_format, value, allowed_hosts, body_placeholder_fields, "
        "scope_kind, scope_id, kind, region, service, token_url, authorize_url, scopes."_s);
    row("name missing", R"({"description": "d"})", true, "name", u"name is required."_s);
    row("name wrong type", R"({"name": 5, "description": "d"})", true, "name",
        u"name must be a string."_s);
    row("name bad", R"({"name": "bad name", "description": "d"})", true, "name",
        u"name must be 1-64 characters of letters, digits, '.', '_' and '-', starting with a "
        "letter or digit."_s);
    // The string cap (4096 characters) comes before the 64 KiB byte cap.
    row("value too long", "", true, "value", u"value is too long (at most 4096 characters)."_s);
    row("description missing", R"({"name": "a"})", true, "description",
        u"description is required."_s);
    row("description empty", R"({"name": "a", "description": ""})", true, "description",
        u"description must not be empty."_s);
    row("connector unknown", R"({"name": "a", "description": "d", "connector": "proxy"})", true,
        "connector", u"connector must be \"direct\" or \"sidecar\"."_s);
    row("connector empty", R"({"connector": ""})", false, "connector",
        u"connector must be \"direct\" or \"sidecar\"."_s);
    row("api_base not http", R"({"api_base": "ftp://x.example.com"})", false, "api_base",
        u"api_base must be an http:// or https:// URL without user information."_s);
    row("api_base with user", R"({"api_base": "https://u:p@x.example.com"})", false, "api_base",
        u"api_base must be an http:// or https:// URL without user information."_s);
    row("relative_target not bool", R"({"relative_target": "yes"})", false, "relative_target",
        u"relative_target must be true or false."_s);
    row("format without value", R"({"auth_header_format": "Bearer"})", false, "auth_header_format",
        u"auth_header_format must contain {value} exactly once, on one line."_s);
    row("format twice", R"({"auth_header_format": "{value} {value}"})", false, "auth_header_format",
        u"auth_header_format must contain {value} exactly once, on one line."_s);
    row("format two lines", R"({"auth_header_format": "Bearer {value}\nX: y"})", false,
        "auth_header_format",
        u"auth_header_format must contain {value} exactly once, on one line."_s);
    row("hosts not a list", R"({"allowed_hosts": "a.example.com"})", false, "allowed_hosts",
        u"allowed_hosts must be a list of strings."_s);
    row("host bad", R"({"allowed_hosts": ["a b"]})", false, "allowed_hosts",
        u"allowed_hosts entries must be host names such as api.example.com (optionally "
        "*.example.com), got \"a b\"."_s);
    row("placeholder bad", R"({"body_placeholder_fields": ["a b"]})", false,
        "body_placeholder_fields",
        u"body_placeholder_fields entries must be JSON or form field names."_s);
    row("rename", R"({"name": "other"})", false, "name",
        u"A credential cannot be renamed; create a new one instead."_s);
    row("value on update", R"({"value": "v"})", false, "value",
        u"Change the value with PUT /admin/credentials/slack/value."_s);
}

void TestApiWireCredentials::credentialInputErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, create);
    QFETCH(QString, field);
    QFETCH(QString, message);
    QJsonObject object = QJsonDocument::fromJson(body).object();
    if (body.isEmpty())
        object = { { u"name"_s, u"a"_s },
                   { u"description"_s, u"d"_s },
                   { u"value"_s, QString(4097, u'x') } };
    auto in =
            api::CredentialInput::decode(object, create ? Mode::Create : Mode::Update, u"slack"_s);
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().message(), message);
    QCOMPARE(in.error().field(), field);
}

void TestApiWireCredentials::credentialApplyRules_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field"); // empty: accepted
    QTest::addRow("sidecar without api_base")
            << QByteArray(R"({"connector": "sidecar"})") << u"connector"_s;
    QTest::addRow("relative with direct")
            << QByteArray(R"({"api_base": "https://a.example.com", "relative_target": true})")
            << u"relative_target"_s;
    QTest::addRow("relative with sidecar")
            << QByteArray(R"({"connector": "sidecar", "api_base": "http://s:8080",
                             "relative_target": true})")
            << QString();
    QTest::addRow("api_base cleared under sidecar")
            << QByteArray(R"({"connector": "sidecar", "api_base": ""})") << u"connector"_s;
}

void TestApiWireCredentials::credentialApplyRules()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    auto in = api::CredentialInput::decode(QJsonDocument::fromJson(body).object(), Mode::Update,
                                           u"slack"_s);
    QVERIFY2(in, in ? "" : qPrintable(in.error().message()));
    api::Credential c;
    c.name = u"slack"_s;
    auto applied = in->applyTo(c, Mode::Update);
    QCOMPARE(applied.ok(), field.isEmpty());
    if (!field.isEmpty()) {
        QCOMPARE(applied.error().field(), field);
        QCOMPARE(applied.error().code(), ErrorCode::InvalidRequest);
    }
}

void TestApiWireCredentials::credentialDefaultHostFromApiBase()
{
    auto in = api::CredentialInput::decode(
            json(R"({"name": "gh", "description": "d", "api_base": "https://API.GitHub.com/v3"})"),
            Mode::Create);
    QVERIFY(in);
    api::Credential c;
    QVERIFY(in->applyTo(c, Mode::Create));
    QCOMPARE(c.name, u"gh"_s);
    QCOMPARE(c.allowedHosts, QStringList{ u"api.github.com"_s });
    // On update the hosts stay as they were.
    api::Credential existing;
    existing.allowedHosts = { u"old.example.com"_s };
    auto patch = api::CredentialInput::decode(json(R"({"api_base": "https://new.example.com"})"),
                                              Mode::Update, u"gh"_s);
    QVERIFY(patch && patch->applyTo(existing, Mode::Update));
    QCOMPARE(existing.allowedHosts, QStringList{ u"old.example.com"_s });
}

void TestApiWireCredentials::credentialOutputRoundTrip()
{
    api::Credential c;
    c.name = u"slack"_s;
    c.description = u"Slack"_s;
    c.connector = api::Connector::Sidecar;
    c.apiBase = u"http://s:8080"_s;
    c.relativeTarget = true;
    c.allowedHosts = { u"s"_s };
    c.bodyPlaceholderFields = { u"text"_s };
    c.hasValue = true;
    c.createdAt = u"2026-01-01T00:00:00Z"_s;
    c.updatedAt = u"2026-01-02T00:00:00Z"_s;
    const QJsonObject o = c.encode();
    QCOMPARE(o.value(u"connector"_s).toString(), u"sidecar"_s);
    QCOMPARE(o.keys().size(), 13);
    QCOMPARE(o.value(u"scope_kind"_s).toString(), u"team"_s);
    QVERIFY(o.value(u"scope_id"_s).isNull()); // team rows have no scope id
    QCOMPARE(api::Credential::decode(o), c);
    c.scope = { api::ScopeKind::Agent, u"t1/bot"_s };
    QCOMPARE(api::Credential::decode(c.encode()), c);
    c.scope = {};
    // No api_base is null on the wire.
    c.apiBase.clear();
    QVERIFY(c.encode().value(u"api_base"_s).isNull());
    QCOMPARE(api::Credential::decode(c.encode()), c);
    // Missing keys decode to the defaults.
    QCOMPARE(api::Credential::decode({}), api::Credential());

    const api::CredentialUsage usage{ { u"reader"_s }, { u"bot"_s }, true };
    QCOMPARE(usage.encode(false).keys(), (QStringList{ u"agents"_s, u"roles"_s }));
    QCOMPARE(api::CredentialUsage::decode(usage.encode(true)), usage);
}

void TestApiWireCredentials::credentialValueInput()
{
    auto v = api::CredentialValueInput::decode(json(R"({"value": "s3cret"})"));
    QVERIFY(v);
    QCOMPARE(v->encode(), json(R"({"value": "s3cret"})"));
    for (const char *bad :
         { R"({})", R"({"value": ""})", R"({"value": 1})", R"({"value": "x", "name": "y"})" }) {
        auto r = api::CredentialValueInput::decode(json(bad));
        QVERIFY2(!r, bad);
        QCOMPARE(r.error().code(), ErrorCode::InvalidRequest);
    }
}

// Signing kinds (README "Signing credentials"): the parts in, parts_set and the visible settings
// out; a static credential's JSON is unchanged.
void TestApiWireCredentials::credentialKinds()
{
    auto in = api::CredentialInput::decode(
            json(R"({"name": "s3", "description": "d", "kind": "aws_sigv4", "region": "us-east-1",
                "service": "s3", "value": {"access_key_id": "AK", "secret_access_key": "S"}})"),
            Mode::Create);
    QVERIFY2(in, in ? "" : qPrintable(in.error().message()));
    QCOMPARE(*in->kind, api::CredentialKind::AwsSigV4);
    QCOMPARE(in->parts->keys(), (QStringList{ u"access_key_id"_s, u"secret_access_key"_s }));
    QVERIFY(!in->value);
    api::Credential c;
    QVERIFY(in->applyTo(c, Mode::Create));
    c.partsSet = in->parts->keys();
    const QJsonObject wire = c.encode();
    QCOMPARE(wire.value(u"kind"_s).toString(), u"aws_sigv4"_s);
    QCOMPARE(wire.value(u"service"_s).toString(), u"s3"_s);
    QCOMPARE(api::Credential::decode(wire), c);
    // Static: none of the new keys.
    const QJsonObject plain = api::Credential().encode();
    for (const char *key : { "kind", "parts_set", "region", "service" })
        QVERIFY2(!plain.contains(QLatin1String(key)), key);
    // Refusals name the part.
    for (const auto &[body, part] :
         { std::pair{ R"({"name": "o", "description": "d", "kind": "oauth1", "value":
                {"consumer_key": "k", "consumer_secret": "s", "token": "t"}})",
                      "value.token_secret" },
           std::pair{ R"({"name": "o", "description": "d", "kind": "oauth1", "value":
                {"consumer_key": "k", "consumer_secret": "s", "token": "t", "token_secret": "u",
                 "extra": "x"}})",
                      "value.extra" },
           std::pair{ R"({"name": "o", "description": "d", "kind": "oauth1", "value":
                {"consumer_key": "k\n", "consumer_secret": "s", "token": "t", "token_secret":
                "u"}})",
                      "value.consumer_key" } }) {
        auto r = api::CredentialInput::decode(json(body), Mode::Create);
        QVERIFY2(!r, body);
        QCOMPARE(r.error().field(), QString::fromLatin1(part));
        QVERIFY2(r.error().message().contains(QString::fromLatin1(part).mid(6)),
                 qPrintable(r.error().message()));
    }
    // PUT .../value: an object is read as parts (the service checks them against the kind).
    auto v = api::CredentialValueInput::decode(json(R"({"value": {"token": "t"}})"));
    QVERIFY(v && v->parts);
    QCOMPARE(v->encode(), json(R"({"value": {"token": "t"}})"));
}

QTEST_APPLESS_MAIN(TestApiWireCredentials)
#include "tst_api_wire_credentials.moc"
