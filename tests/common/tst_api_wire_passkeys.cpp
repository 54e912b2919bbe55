// The typed wire contract of passkeys and session re-authentication (common/api/passkey.h):
// the bodies of register/begin, register/finish, the assertion finishes and /admin/reauth
// decoded in the order tapd has always checked them (the first problem is answered, with
// tapd's words), base64url fields turned into bytes strictly, and the answers encoded with the
// exact keys and values tapd wrote before the types existed. No sockets.

#include "api/keys.h"
#include "api/passkey.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using tap::core::ErrorCode;
namespace api = tap::api;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

// "hello" and "world" in unpadded base64url.
constexpr auto kHello = "aGVsbG8";
constexpr auto kWorld = "d29ybGQ";

} // namespace

class TestApiWirePasskeys : public QObject
{
    Q_OBJECT

private slots:
    void reauthMethods();
    void registrationBegin();
    void registrationOptions();
    void registrationRoundTrip();
    void registrationErrors_data();
    void registrationErrors();
    void assertionOptions();
    void assertionRoundTrip();
    void assertionErrors_data();
    void assertionErrors();
    void reauthPassword_data();
    void reauthPassword();
    void passkeyList();
    void reauthenticated();
};

void TestApiWirePasskeys::reauthMethods()
{
    for (const auto m : { api::ReauthMethod::Password, api::ReauthMethod::Passkey })
        QCOMPARE(api::parseReauthMethod(api::reauthMethodName(m)), m);
    QCOMPARE(api::reauthMethodName(api::ReauthMethod::Password), u"password"_s);
    QCOMPARE(api::reauthMethodName(api::ReauthMethod::Passkey), u"passkey"_s);
    QVERIFY(!api::parseReauthMethod(u"Passkey"_s));
    QVERIFY(!api::parseReauthMethod(QString()));
}

void TestApiWirePasskeys::registrationBegin()
{
    // The name may be sent (of any shape: it is given again at the finish); nothing else.
    QVERIFY(api::RegistrationBeginInput::decode({}));
    auto named = api::RegistrationBeginInput::decode(json(R"({"name": "laptop"})"));
    QVERIFY(named);
    QCOMPARE(named->name, u"laptop"_s);
    QCOMPARE(named->encode(), json(R"({"name": "laptop"})"));
    QCOMPARE(api::RegistrationBeginInput{}.encode(), QJsonObject());
    const auto other = api::RegistrationBeginInput::decode(json(R"({"name": "a", "rp": "x"})"));
    QVERIFY(!other);
    QCOMPARE(other.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(other.error().message(), u"Unknown field \"rp\"; accepted fields: name."_s);
}

// The creation options exactly as tapd has always written them.
void TestApiWirePasskeys::registrationOptions()
{
    api::RegistrationOptions o;
    o.challengeId = u"c1"_s;
    o.challenge = "hello";
    o.rpId = u"tap.example"_s;
    o.userHandle = "world";
    o.userName = u"ann@example.com"_s;
    o.algorithms = { -7, -8, -257 };
    o.timeoutMs = 120000;
    o.excludeCredentials = { u"k1"_s, u"k2"_s };
    const QJsonObject expected = json(R"({
        "challenge_id": "c1", "challenge": "aGVsbG8",
        "rp": {"id": "tap.example", "name": "TAP"},
        "user": {"id": "d29ybGQ", "name": "ann@example.com", "display_name": "ann@example.com"},
        "pub_key_cred_params": [-7, -8, -257], "timeout_ms": 120000, "attestation": "none",
        "user_verification": "required", "exclude_credentials": ["k1", "k2"]})");
    QCOMPARE(o.encode(), expected);
    QCOMPARE(api::RegistrationOptions::decode(expected).encode(), expected);
}

void TestApiWirePasskeys::registrationRoundTrip()
{
    auto in = api::RegistrationInput::decode(
            json(R"({"challenge_id": "c1", "name": "  My key  ", "client_data_json": "aGVsbG8",
                     "attestation_object": "d29ybGQ"})"));
    QVERIFY2(in, qPrintable(in ? QString() : in.error().message()));
    QCOMPARE(in->challengeId, u"c1"_s);
    QCOMPARE(in->name, u"My key"_s); // trimmed
    QCOMPARE(in->clientDataJson, QByteArray("hello"));
    QCOMPARE(in->attestationObject, QByteArray("world"));
    auto back = api::RegistrationInput::decode(in->encode());
    QVERIFY(back);
    QCOMPARE(back->encode(), in->encode());
    // The name defaults to "Passkey".
    auto unnamed = api::RegistrationInput::decode(
            json(R"({"challenge_id": "c1", "client_data_json": "aGVsbG8",
                     "attestation_object": "d29ybGQ"})"));
    QVERIFY(unnamed);
    QCOMPARE(unnamed->name, u"Passkey"_s);
}

void TestApiWirePasskeys::registrationErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown key")
            << QByteArray(R"({"challenge_id": "c", "user": "x"})")
            << u"Unknown field \"user\"; accepted fields: challenge_id, name, client_data_json, "
               "attestation_object."_s;
    QTest::addRow("challenge missing")
            << QByteArray(R"({"client_data_json": "aGVsbG8"})") << u"challenge_id is required."_s;
    QTest::addRow("challenge empty")
            << QByteArray(R"({"challenge_id": ""})") << u"challenge_id must not be empty."_s;
    QTest::addRow("name not a string")
            << QByteArray(R"({"challenge_id": "c", "name": 7})") << u"name must be a string."_s;
    QTest::addRow("name blank") << QByteArray(R"({"challenge_id": "c", "name": "   "})")
                                << u"name must be 1 to 64 characters."_s;
    QTest::addRow("name too long")
            << QByteArray(R"({"challenge_id": "c", "name": ")" + QByteArray(65, 'n') + "\"}")
            << u"name must be 1 to 64 characters."_s;
    QTest::addRow("client data missing")
            << QByteArray(R"({"challenge_id": "c", "attestation_object": "d29ybGQ"})")
            << u"client_data_json is required."_s;
    QTest::addRow("client data padded")
            << QByteArray(R"({"challenge_id": "c", "client_data_json": "aGVsbG8=",
                              "attestation_object": "d29ybGQ"})")
            << u"client_data_json must be base64url without padding."_s;
    QTest::addRow("client data standard base64")
            << QByteArray(R"({"challenge_id": "c", "client_data_json": "a+/b",
                              "attestation_object": "d29ybGQ"})")
            << u"client_data_json must be base64url without padding."_s;
    QTest::addRow("attestation not a string")
            << QByteArray(R"({"challenge_id": "c", "client_data_json": "aGVsbG8",
                              "attestation_object": 1})")
            << u"attestation_object is required."_s;
    QTest::addRow("attestation dangling character")
            << QByteArray(R"({"challenge_id": "c", "client_data_json": "aGVsbG8",
                              "attestation_object": "d29ybGQx1"})")
            << u"attestation_object must be base64url without padding."_s;
}

void TestApiWirePasskeys::registrationErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto in = api::RegistrationInput::decode(QJsonDocument::fromJson(body).object());
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().message(), message);
}

void TestApiWirePasskeys::assertionOptions()
{
    const api::AssertionOptions o{ u"c2"_s, "hello", u"tap.example"_s, 120000, { u"k1"_s } };
    const QJsonObject expected = json(R"({
        "challenge_id": "c2", "challenge": "aGVsbG8", "rp_id": "tap.example",
        "timeout_ms": 120000, "user_verification": "required", "allow_credentials": ["k1"]})");
    QCOMPARE(o.encode(), expected);
    QCOMPARE(api::AssertionOptions::decode(expected).encode(), expected);
}

void TestApiWirePasskeys::assertionRoundTrip()
{
    const QJsonObject body{ { api::key::kChallengeId, u"c2"_s },
                            { api::key::kCredentialId, u"k1"_s },
                            { api::key::kClientDataJson, QString::fromLatin1(kHello) },
                            { api::key::kAuthenticatorData, QString::fromLatin1(kWorld) },
                            { api::key::kSignature, QString::fromLatin1(kHello) },
                            { api::key::kUserHandle, u"ignored"_s } };
    auto in = api::AssertionInput::decode(body);
    QVERIFY2(in, qPrintable(in ? QString() : in.error().message()));
    QCOMPARE(in->challengeId, u"c2"_s);
    QCOMPARE(in->credentialId, u"k1"_s);
    QCOMPARE(in->clientDataJson, QByteArray("hello"));
    QCOMPARE(in->authenticatorData, QByteArray("world"));
    QCOMPARE(in->signature, QByteArray("hello"));
    QCOMPARE(in->encode(), body);
    // user_handle is optional, and of any shape (it is not used).
    QJsonObject bare = body;
    bare.remove(api::key::kUserHandle);
    QVERIFY(api::AssertionInput::decode(bare));
    bare.insert(api::key::kUserHandle, QJsonValue());
    QVERIFY(api::AssertionInput::decode(bare));
}

void TestApiWirePasskeys::assertionErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown key")
            << QByteArray(R"({"challenge_id": "c", "name": "x"})")
            << u"Unknown field \"name\"; accepted fields: challenge_id, credential_id, "
               "client_data_json, authenticator_data, signature, user_handle."_s;
    QTest::addRow("challenge missing")
            << QByteArray(R"({"credential_id": "k"})") << u"challenge_id is required."_s;
    QTest::addRow("credential missing")
            << QByteArray(R"({"challenge_id": "c"})") << u"credential_id is required."_s;
    QTest::addRow("credential not a string")
            << QByteArray(R"({"challenge_id": "c", "credential_id": ["k"]})")
            << u"credential_id must be a string."_s;
    QTest::addRow("client data empty")
            << QByteArray(R"({"challenge_id": "c", "credential_id": "k", "client_data_json": ""})")
            << u"client_data_json is required."_s;
    QTest::addRow("authenticator data missing")
            << QByteArray(R"({"challenge_id": "c", "credential_id": "k",
                              "client_data_json": "aGVsbG8"})")
            << u"authenticator_data is required."_s;
    QTest::addRow("signature with whitespace")
            << QByteArray(R"({"challenge_id": "c", "credential_id": "k",
                              "client_data_json": "aGVsbG8", "authenticator_data": "d29ybGQ",
                              "signature": "aGVs bG8"})")
            << u"signature must be base64url without padding."_s;
}

void TestApiWirePasskeys::assertionErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto in = api::AssertionInput::decode(QJsonDocument::fromJson(body).object());
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().message(), message);
}

void TestApiWirePasskeys::reauthPassword_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message"); // empty: accepted
    QTest::addRow("ok") << QByteArray(R"({"password": "secret"})") << QString();
    QTest::addRow("missing") << QByteArray("{}") << u"password is required."_s;
    QTest::addRow("empty") << QByteArray(R"({"password": ""})") << u"password must not be empty."_s;
    QTest::addRow("not a string") << QByteArray(R"({"password": 12345678})")
                                  << u"password must be a string."_s;
    QTest::addRow("unknown key") << QByteArray(R"({"password": "x", "method": "passkey"})")
                                 << u"Unknown field \"method\"; accepted fields: password."_s;
}

void TestApiWirePasskeys::reauthPassword()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto in = api::ReauthPasswordInput::decode(QJsonDocument::fromJson(body).object());
    if (message.isEmpty()) {
        QVERIFY(in);
        QCOMPARE(in->password, u"secret"_s);
        QCOMPARE(in->encode(), json(R"({"password": "secret"})"));
        return;
    }
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().message(), message);
}

// GET /admin/passkeys as tapd has always written it: last_used_at and fresh_until are null
// until set.
void TestApiWirePasskeys::passkeyList()
{
    api::PasskeyList list;
    list.items = { { u"k1"_s, u"laptop"_s, -7, u"2026-01-01T00:00:00.000Z"_s, {} },
                   { u"k2"_s, u"phone"_s, -8, u"2026-01-02T00:00:00.000Z"_s,
                     u"2026-01-03T00:00:00.000Z"_s } };
    list.rpId = u"tap.example"_s;
    list.origin = u"https://tap.example"_s;
    list.reauth = { api::ReauthMethod::Passkey, {} };
    const QJsonObject expected = json(R"({
        "items": [
          {"id": "k1", "name": "laptop", "algorithm": -7,
           "created_at": "2026-01-01T00:00:00.000Z", "last_used_at": null},
          {"id": "k2", "name": "phone", "algorithm": -8,
           "created_at": "2026-01-02T00:00:00.000Z", "last_used_at": "2026-01-03T00:00:00.000Z"}],
        "rp_id": "tap.example", "origin": "https://tap.example",
        "reauth": {"with": "passkey", "fresh_until": null}})");
    QCOMPARE(list.encode(), expected);
    const api::PasskeyList back = api::PasskeyList::decode(expected);
    QCOMPARE(back.items, list.items);
    QCOMPARE(back.encode(), expected);
    const api::ReauthState fresh{ api::ReauthMethod::Password, u"2026-01-01T00:05:00.000Z"_s };
    QCOMPARE(fresh.encode(),
             json(R"({"with": "password", "fresh_until": "2026-01-01T00:05:00.000Z"})"));
    // An unknown method reads as the password (what a member without a passkey confirms with).
    QCOMPARE(api::ReauthState::decode(json(R"({"with": "retina"})")).with,
             api::ReauthMethod::Password);
}

void TestApiWirePasskeys::reauthenticated()
{
    const api::Reauthenticated r{ api::ReauthMethod::Passkey, u"2026-01-01T00:05:00.000Z"_s };
    const QJsonObject expected =
            json(R"({"method": "passkey", "fresh_until": "2026-01-01T00:05:00.000Z"})");
    QCOMPARE(r.encode(), expected);
    QCOMPARE(api::Reauthenticated::decode(expected).encode(), expected);
}

QTEST_APPLESS_MAIN(TestApiWirePasskeys)
#include "tst_api_wire_passkeys.moc"
