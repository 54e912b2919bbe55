// The typed wire contract of accounts and sessions (common/api/account.h): the bodies of
// /signup, /verify-email, /resend-verification and /login decoded in the order tapd has always
// checked them (the first problem is answered, with tapd's words), addresses normalised, and
// the answers' decode → encode round trips with the exact keys tapd writes. Also the answers of
// the member operations and of a chat-link code (common/api/member.h). No sockets.

#include "api/account.h"
#include "api/keys.h"
#include "api/member.h"

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

QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

} // namespace

class TestApiWireAccounts : public QObject
{
    Q_OBJECT

private slots:
    void signupRoundTrip();
    void signupErrors_data();
    void signupErrors();
    void verifyAndResend();
    void verifyErrors_data();
    void verifyErrors();
    void loginRoundTrip();
    void loginErrors_data();
    void loginErrors();
    void answers();
    void memberAnswers();
    void chatLinkCode();
};

void TestApiWireAccounts::signupRoundTrip()
{
    auto in = api::SignupInput::decode(json(
            R"({"team_name": "acme", "email": " Ann@Example.COM ", "password": "long enough"})"));
    QVERIFY(in);
    QCOMPARE(in->email, u"ann@example.com"_s);
    QCOMPARE(in->teamName, u"acme"_s);
    QVERIFY(in->inviteToken.isEmpty());
    auto back = api::SignupInput::decode(in->encode());
    QVERIFY(back);
    QCOMPARE(back->encode(), in->encode());
    // With an invitation the team name is not needed (and not sent).
    auto invited = api::SignupInput::decode(
            json(R"({"email": "b@example.com", "password": "long enough", "invite_token": "t"})"));
    QVERIFY(invited);
    QVERIFY(!invited->encode().contains(u"team_name"_s));
    // Without one, an empty team name is still sent: tapd answers "must not be empty".
    const api::SignupInput noTeam{ {}, u"c@example.com"_s, u"long enough"_s, {} };
    QVERIFY(noTeam.encode().contains(u"team_name"_s));
}

void TestApiWireAccounts::signupErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown key")
            << QByteArray(R"({"team_name": "acme", "email": "a@example.com",
                              "password": "long enough", "admin": true})")
            << u"Unknown field \"admin\"; accepted fields: team_name, email, password, invite_token."_s;
    QTest::addRow("email missing")
            << QByteArray(R"({"team_name": "acme", "password": "long enough"})")
            << u"email is required."_s;
    QTest::addRow("email first, then password")
            << QByteArray(R"({"team_name": "acme"})") << u"email is required."_s;
    QTest::addRow("password not a string")
            << QByteArray(R"({"team_name": "acme", "email": "a@example.com", "password": 5})")
            << u"password must be a string."_s;
    QTest::addRow("team name missing")
            << QByteArray(R"({"email": "a@example.com", "password": "long enough"})")
            << u"team_name is required."_s;
    QTest::addRow("team name empty") << QByteArray(R"({"team_name": "", "email": "a@example.com",
                              "password": "long enough"})")
                                     << u"team_name must not be empty."_s;
    QTest::addRow("bad email") << QByteArray(
            R"({"team_name": "acme", "email": "nope", "password": "long enough"})")
                               << u"email must be a valid email address."_s;
    QTest::addRow("short password")
            << QByteArray(R"({"team_name": "acme", "email": "a@example.com", "password": "x"})")
            << u"password must be at least 8 characters."_s;
    QTest::addRow("bad team name")
            << QByteArray(R"({"team_name": "Acme!", "email": "a@example.com",
                              "password": "long enough"})")
            << u"team_name must be 3-64 characters of lowercase letters, digits and hyphens, "
               "starting and ending with a letter or digit."_s;
}

void TestApiWireAccounts::signupErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    QVERIFY(!object.isEmpty());
    const auto in = api::SignupInput::decode(object);
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().message(), message);
}

void TestApiWireAccounts::verifyAndResend()
{
    auto verify =
            api::VerifyEmailInput::decode(json(R"({"email": "A@b.example", "code": "012345"})"));
    QVERIFY(verify);
    QCOMPARE(verify->email, u"a@b.example"_s);
    QCOMPARE(verify->code, u"012345"_s);
    QCOMPARE(api::VerifyEmailInput::decode(verify->encode())->encode(), verify->encode());
    auto resend = api::ResendVerificationInput::decode(json(R"({"email": " X@Y.example"})"));
    QVERIFY(resend);
    QCOMPARE(resend->email, u"x@y.example"_s);
    QCOMPARE(resend->encode(), json(R"({"email": "x@y.example"})"));
}

void TestApiWireAccounts::verifyErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("code missing") << QByteArray(R"({"email": "a@b.example"})")
                                  << u"code is required."_s;
    QTest::addRow("five digits") << QByteArray(R"({"email": "a@b.example", "code": "12345"})")
                                 << u"code must be the 6 digits from the email."_s;
    QTest::addRow("code with a newline")
            << QByteArray(R"({"email": "a@b.example", "code": "123456\n"})")
            << u"code must be the 6 digits from the email."_s;
    QTest::addRow("code a number") << QByteArray(R"({"email": "a@b.example", "code": 123456})")
                                   << u"code must be a string."_s;
    QTest::addRow("unknown key") << QByteArray(R"({"email": "a@b.example", "code": "123456",
                                                  "password": "x"})")
                                 << u"Unknown field \"password\"; accepted fields: email, code."_s;
}

void TestApiWireAccounts::verifyErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto in = api::VerifyEmailInput::decode(QJsonDocument::fromJson(body).object());
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().message(), message);
}

void TestApiWireAccounts::loginRoundTrip()
{
    auto in = api::LoginInput::decode(
            json(R"({"email": "A@b.example", "password": "pw", "team_id": "t1"})"));
    QVERIFY(in);
    QCOMPARE(in->email, u"a@b.example"_s);
    QCOMPARE(in->teamId, u"t1"_s);
    QCOMPARE(api::LoginInput::decode(in->encode())->encode(), in->encode());
    const api::LoginInput bare{ u"a@b.example"_s, u"pw"_s, {}, {} };
    QCOMPARE(sortedKeys(bare.encode()), QStringList({ u"email"_s, u"password"_s }));
}

void TestApiWireAccounts::loginErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("empty") << QByteArray("{}") << u"email is required."_s;
    QTest::addRow("password empty") << QByteArray(R"({"email": "a@b.example", "password": ""})")
                                    << u"password must not be empty."_s;
    QTest::addRow("team id a number")
            << QByteArray(R"({"email": "a@b.example", "password": "pw", "team_id": 3})")
            << u"team_id must be a string."_s;
    QTest::addRow("invite after team")
            << QByteArray(R"({"email": "a@b.example", "password": "pw", "invite_token": []})")
            << u"invite_token must be a string."_s;
    QTest::addRow("unknown key")
            << QByteArray(R"({"email": "a@b.example", "password": "pw", "role": "owner"})")
            << u"Unknown field \"role\"; accepted fields: email, password, team_id, invite_token."_s;
}

void TestApiWireAccounts::loginErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto in = api::LoginInput::decode(QJsonDocument::fromJson(body).object());
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().message(), message);
}

// The answers' keys, as tapd has always written them, and their round trips.
void TestApiWireAccounts::answers()
{
    const api::Session session{ u"taps_x"_s, u"u1"_s, u"t1"_s, api::MemberRole::Admin,
                                u"2026-12-08T05:00:00.000Z"_s };
    QCOMPARE(sortedKeys(session.encode()),
             QStringList({ u"admin_id"_s, u"expires_at"_s, u"role"_s, u"session_token"_s,
                           u"team_id"_s }));
    QCOMPARE(session.encode().value(u"role"_s).toString(), u"admin"_s);
    QCOMPARE(api::Session::decode(session.encode()).encode(), session.encode());

    const api::SignedUp owner{ u"t1"_s, u"acme"_s, u"u1"_s, u"a@b.example"_s, false, u"sent"_s };
    QCOMPARE(sortedKeys(owner.encode()),
             QStringList({ u"admin_id"_s, u"email"_s, u"email_verified"_s, u"message"_s,
                           u"team_id"_s, u"team_name"_s }));
    QCOMPARE(api::SignedUp::decode(owner.encode()).encode(), owner.encode());
    const api::SignedUp invited{ u"t1"_s, {}, u"u2"_s, u"b@b.example"_s, true, u"joined"_s };
    QVERIFY(!invited.encode().contains(u"team_name"_s));

    QCOMPARE(api::Notice{ u"m"_s }.encode(), json(R"({"message": "m"})"));
    QCOMPARE((api::Notice{ u"m"_s, true }.encode()),
             json(R"({"message": "m", "email_verified": true})"));
    QCOMPARE(api::LoggedOut{}.encode(), json(R"({"status": "logged_out"})"));
}

// The answers of an invitation and a role change, with the keys tapd has always written.
void TestApiWireAccounts::memberAnswers()
{
    const api::Invited invited{ u"i1"_s, u"bob@example.com"_s, api::MemberRole::Admin,
                                u"2026-01-08T00:00:00.000Z"_s };
    const QJsonObject expected = json(R"({"invite_id": "i1", "email": "bob@example.com",
        "role": "admin", "expires_at": "2026-01-08T00:00:00.000Z",
        "message": "Invitation sent to bob@example.com."})");
    QCOMPARE(invited.encode(), expected);
    QCOMPARE(api::Invited::decode(expected).encode(), expected);

    const api::MemberRoleChanged changed{ u"u2"_s, u"bob@example.com"_s, api::MemberRole::Owner };
    const QJsonObject changedJson =
            json(R"({"id": "u2", "email": "bob@example.com", "role": "owner"})");
    QCOMPARE(changed.encode(), changedJson);
    QCOMPARE(api::MemberRoleChanged::decode(changedJson).encode(), changedJson);
    // An unknown role reads as the least privileged one.
    QCOMPARE(api::MemberRoleChanged::decode(json(R"({"role": "root"})")).role,
             api::MemberRole::Approver);
}

// The answer of POST /admin/members/<id>/chat-link, word for word as tapd has always sent it.
void TestApiWireAccounts::chatLinkCode()
{
    const QString code = u"ABCDEFGHJKLMNPQR"_s;
    const api::ChatLinkCode link{ code, u"2026-01-01T00:10:00.000Z"_s,
                                  api::ChatLinkCode::instructions(code, 10) };
    const QJsonObject expected{
        { u"code"_s, code },
        { u"expires_at"_s, u"2026-01-01T00:10:00.000Z"_s },
        { u"telegram"_s, u"/start ABCDEFGHJKLMNPQR"_s },
        { u"message"_s,
          u"Send the TAP Telegram bot \"/start ABCDEFGHJKLMNPQR\", or send ABCDEFGHJKLMNPQR to "
          "the TAP Matrix bot in a direct message, within 10 minutes. The code works once."_s }
    };
    QCOMPARE(link.encode(), expected);
    const api::ChatLinkCode back = api::ChatLinkCode::decode(expected);
    QCOMPARE(back.code, code);
    QCOMPARE(back.telegramCommand(), u"/start ABCDEFGHJKLMNPQR"_s);
    QCOMPARE(back.encode(), expected);
}

QTEST_APPLESS_MAIN(TestApiWireAccounts)
#include "tst_api_wire_accounts.moc"
