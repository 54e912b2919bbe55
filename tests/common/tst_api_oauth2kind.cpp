// The oauth2 credential kind on the wire (common/api, README "OAuth 2.0 credentials"): its parts
// (client_id, client_secret required; refresh_token optional until connected), its settings
// (token_url required, authorize_url and scopes optional) in and out, and each refusal naming
// its field. No sockets.

#include "api/credential.h"
#include "api/keys.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using tap::core::ErrorCode;
namespace api = tap::api;
using Mode = api::CredentialInput::Mode;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

class TestApiOAuth2Kind : public QObject
{
    Q_OBJECT

private slots:
    void createRoundTrip();
    void refusals_data();
    void refusals();
    void updateSettings();
    void partsOfTheKind();
};

void TestApiOAuth2Kind::createRoundTrip()
{
    auto in = api::CredentialInput::decode(
            json(R"({"name": "google", "description": "d", "kind": "oauth2",
                "token_url": "https://oauth2.example.com/token",
                "authorize_url": "https://accounts.example.com/o/oauth2/auth",
                "scopes": "openid https://www.example.com/auth/drive.readonly",
                "value": {"client_id": "cid", "client_secret": "cs"}})"),
            Mode::Create);
    QVERIFY2(in, in ? "" : qPrintable(in.error().message()));
    QCOMPARE(*in->kind, api::CredentialKind::OAuth2);
    QCOMPARE(in->parts->keys(), (QStringList{ u"client_id"_s, u"client_secret"_s }));
    api::Credential c;
    QVERIFY(in->applyTo(c, Mode::Create));
    QCOMPARE(c.tokenUrl, u"https://oauth2.example.com/token"_s);
    c.partsSet = in->parts->keys();
    const QJsonObject wire = c.encode();
    QCOMPARE(wire.value(u"kind"_s).toString(), u"oauth2"_s);
    QCOMPARE(wire.value(u"token_url"_s).toString(), c.tokenUrl);
    QCOMPARE(wire.value(u"scopes"_s).toString(), c.scopes);
    QVERIFY(!wire.contains(u"region"_s));
    QCOMPARE(api::Credential::decode(wire), c);
    // The optional settings not set are null on the wire; a refresh token may come later.
    auto bare = api::CredentialInput::decode(
            json(R"({"name": "g", "description": "d", "kind": "oauth2", "token_url":
                "http://127.0.0.1:9/token", "value": {"client_id": "c", "client_secret": "s"}})"),
            Mode::Create);
    QVERIFY(bare);
    api::Credential b;
    QVERIFY(bare->applyTo(b, Mode::Create));
    QVERIFY(b.encode().value(u"authorize_url"_s).isNull());
    QVERIFY(b.encode().value(u"scopes"_s).isNull());
    QCOMPARE(api::Credential::decode(b.encode()), b);
    // The input round-trips through encode().
    auto again = api::CredentialInput::decode(in->encode(), Mode::Create);
    QVERIFY(again);
    QCOMPARE(again->settings, in->settings);
}

void TestApiOAuth2Kind::refusals_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    const auto row = [](const char *name, const char *body, const char *field) {
        QTest::newRow(name) << QByteArray(body) << QString::fromLatin1(field);
    };
    row("no token_url",
        R"({"name": "g", "description": "d", "kind": "oauth2", "value": {"client_id": "c",
            "client_secret": "s"}})",
        "token_url");
    row("token_url not http",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "ftp://x/t",
            "value": {"client_id": "c", "client_secret": "s"}})",
        "token_url");
    row("token_url with user info",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url":
            "https://u:p@x/t", "value": {"client_id": "c", "client_secret": "s"}})",
        "token_url");
    row("authorize_url bad",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "authorize_url": "javascript:void", "value": {"client_id": "c",
            "client_secret": "s"}})",
        "authorize_url");
    row("scopes with a quote",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "scopes": "read \"write\"", "value": {"client_id": "c", "client_secret": "s"}})",
        "scopes");
    row("scopes double space",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "scopes": "read  write", "value": {"client_id": "c", "client_secret": "s"}})",
        "scopes");
    row("scopes not a string",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "scopes": ["read"], "value": {"client_id": "c", "client_secret": "s"}})",
        "scopes");
    row("no client_secret",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "value": {"client_id": "c"}})",
        "value.client_secret");
    row("unknown part",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "value": {"client_id": "c", "client_secret": "s", "access_token": "a"}})",
        "value.access_token");
    row("empty refresh_token",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "value": {"client_id": "c", "client_secret": "s", "refresh_token": ""}})",
        "value.refresh_token");
    row("string value",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "value": "s3cret"})",
        "value");
    row("token_url on static",
        R"({"name": "g", "description": "d", "token_url": "https://x/t", "value": "v"})",
        "token_url");
    row("scopes on aws_sigv4",
        R"({"name": "g", "description": "d", "kind": "aws_sigv4", "region": "us-east-1",
            "service": "s3", "scopes": "read"})",
        "scopes");
    row("region on oauth2",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "region": "us-east-1"})",
        "region");
    row("sidecar",
        R"({"name": "g", "description": "d", "kind": "oauth2", "token_url": "https://x/t",
            "connector": "sidecar", "api_base": "http://127.0.0.1:1"})",
        "connector");
}

void TestApiOAuth2Kind::refusals()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    auto in = api::CredentialInput::decode(QJsonDocument::fromJson(body).object(), Mode::Create);
    tap::core::Error error(ErrorCode::Internal, {});
    if (!in) {
        error = in.error();
    } else {
        api::Credential c;
        auto r = in->applyTo(c, Mode::Create);
        QVERIFY2(!r, body.constData());
        error = r.error();
    }
    QCOMPARE(error.code(), ErrorCode::InvalidRequest);
    QCOMPARE(error.field(), field);
    QVERIFY2(!error.message().isEmpty(), body.constData());
}

// PATCH: settings change one by one; "" clears an optional one but never token_url.
void TestApiOAuth2Kind::updateSettings()
{
    api::Credential c;
    c.name = u"g"_s;
    c.kind = api::CredentialKind::OAuth2;
    c.tokenUrl = u"https://x/t"_s;
    c.scopes = u"read"_s;
    auto in = api::CredentialInput::decode(json(R"({"scopes": "", "authorize_url":
        "https://x/a"})"),
                                           Mode::Update, u"g"_s);
    QVERIFY(in);
    QVERIFY(in->applyTo(c, Mode::Update));
    QCOMPARE(c.scopes, QString());
    QCOMPARE(c.authorizeUrl, u"https://x/a"_s);
    auto clear = api::CredentialInput::decode(json(R"({"token_url": ""})"), Mode::Update, u"g"_s);
    QVERIFY(clear);
    auto r = clear->applyTo(c, Mode::Update);
    QVERIFY(!r);
    QCOMPARE(r.error().field(), u"token_url"_s);
}

void TestApiOAuth2Kind::partsOfTheKind()
{
    QCOMPARE(api::requiredParts(api::CredentialKind::OAuth2),
             (QStringList{ u"client_id"_s, u"client_secret"_s }));
    QCOMPARE(api::optionalParts(api::CredentialKind::OAuth2), QStringList{ u"refresh_token"_s });
    QCOMPARE(api::parseCredentialKind(u"oauth2"), api::CredentialKind::OAuth2);
    QCOMPARE(api::credentialKindName(api::CredentialKind::OAuth2), u"oauth2"_s);
    auto parts = api::checkParts(api::CredentialKind::OAuth2,
                                 json(R"({"client_id": "c", "client_secret": "s",
                                     "refresh_token": "r"})"));
    QVERIFY(parts);
    QCOMPARE(parts->size(), 3);
}

QTEST_APPLESS_MAIN(TestApiOAuth2Kind)
#include "tst_api_oauth2kind.moc"
